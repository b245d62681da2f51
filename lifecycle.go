package ercms

import "slices"

// State is the status of a case: the `status` value of the API.
type State string

// Readmission states (LIFECYCLE.md).
const (
	StateDraft                      State = "draft"
	StateSubmitted                  State = "submitted"
	StateRegistered                 State = "registered"
	StateInfoRequested              State = "info_requested"
	StateUnderVerification          State = "under_verification"
	StatePendingSignOff             State = "pending_sign_off"
	StateApproved                   State = "approved"
	StateRefused                    State = "refused"
	StateDeemedApproved             State = "deemed_approved"
	StateTravelDocumentRequested    State = "travel_document_requested"
	StateTravelDocumentIssued       State = "travel_document_issued"
	StateTransferNotified           State = "transfer_notified"
	StateTransferConfirmed          State = "transfer_confirmed"
	StateTransferObjected           State = "transfer_objected"
	StateTransferPostponed          State = "transfer_postponed"
	StateTransferred                State = "transferred"
	StateClosed                     State = "closed"
	StateExpired                    State = "expired"
	StateConsentWithdrawalRequested State = "consent_withdrawal_requested"
	StateWithdrawn                  State = "withdrawn"
	StateTakeBackRequested          State = "take_back_requested"
	StateTakenBack                  State = "taken_back"
)

// Transit states.
const (
	StateTransitRequested State = "transit_requested"
	StateTransitApproved  State = "transit_approved"
	StateTransitRefused   State = "transit_refused"
	StateTransitRevoked   State = "transit_revoked"
	StateTransitExecuted  State = "transit_executed"
)

// Action names: the {action} of POST /api/v1/cases/{id}/actions/{action}.
const (
	ActCreate                   = "create"
	ActSubmit                   = "submit"
	ActRegister                 = "register"
	ActRecordAcknowledgement    = "record_acknowledgement"
	ActRequestInfo              = "request_info"
	ActProvideInfo              = "provide_info"
	ActStartVerification        = "start_verification"
	ActAnswerTask               = "answer_task"
	ActRequestInterview         = "request_interview"
	ActExtendReply              = "extend_reply"
	ActApprove                  = "approve"
	ActRefuse                   = "refuse"
	ActSignOff                  = "sign_off"
	ActReturnProposal           = "return_proposal"
	ActDeemApproved             = "deem_approved"
	ActCorrectDeemedApproval    = "correct_deemed_approval"
	ActRequestTravelDocument    = "request_travel_document"
	ActIssueTravelDocument      = "issue_travel_document"
	ActAcceptEUTravelDocument   = "accept_eu_travel_document"
	ActRenewTravelDocument      = "renew_travel_document"
	ActNotifyTransfer           = "notify_transfer"
	ActConfirmTransfer          = "confirm_transfer"
	ActObjectTransfer           = "object_transfer"
	ActPostponeTransfer         = "postpone_transfer"
	ActRecordNoShow             = "record_no_show"
	ActRecordHandover           = "record_handover"
	ActExtendTransferWindow     = "extend_transfer_window"
	ActExpire                   = "expire"
	ActRequestConsentWithdrawal = "request_consent_withdrawal"
	ActMaintainApplication      = "maintain_application"
	ActWithdraw                 = "withdraw"
	ActClose                    = "close"
	ActRequestTakeBack          = "request_take_back"
	ActRecordTakeBack           = "record_take_back"
	ActClearFlag                = "clear_flag"
	ActApproveTransit           = "approve_transit"
	ActRefuseTransit            = "refuse_transit"
	ActRevokeTransit            = "revoke_transit"
	ActRecordTransit            = "record_transit"
)

// Target says where a transition leads when it is not one fixed state.
type Target int

// Targets.
const (
	ToState    Target = iota // Transition.To
	ToSame                   // the state stays (request_interview, extend_reply, …)
	ToPrior                  // the state before the request or proposal (provide_info, return_proposal, …)
	ToProposal               // approved or refused as proposed (sign_off)
)

// Transition is one row of the lifecycle table.
type Transition struct {
	Type   CaseType
	Action string
	From   []State
	To     State
	Target Target
	By     []Role
	// SetsPrior says the transition remembers the current state so that a
	// later ToPrior transition can return to it.
	SetsPrior bool
}

var (
	requesting = []Role{RoleRequestingOfficer, RoleRequestingSupervisor}
	ca         = []Role{RoleCAOfficer, RoleCASupervisor}
	caSup      = []Role{RoleCASupervisor}
	system     = []Role{RoleSystem}
)

// states in which the reply clock may run.
var replyStates = []State{StateSubmitted, StateRegistered, StateInfoRequested, StateUnderVerification, StatePendingSignOff}

// states in which the transfer window runs.
var windowStates = []State{StateApproved, StateDeemedApproved, StateTravelDocumentRequested, StateTravelDocumentIssued,
	StateTransferNotified, StateTransferConfirmed, StateTransferObjected, StateTransferPostponed, StateConsentWithdrawalRequested}

// states before transfer that are not terminal: the requesting state may withdraw.
var withdrawable = []State{StateDraft, StateSubmitted, StateRegistered, StateInfoRequested, StateUnderVerification,
	StatePendingSignOff, StateApproved, StateDeemedApproved, StateTravelDocumentRequested, StateTravelDocumentIssued,
	StateTransferNotified, StateTransferConfirmed, StateTransferObjected, StateTransferPostponed, StateConsentWithdrawalRequested}

// Lifecycle is the transition table of both case types: the contract of LIFECYCLE.md.
var Lifecycle = []Transition{
	// Readmission.
	{Type: TypeReadmission, Action: ActSubmit, From: []State{StateDraft}, To: StateSubmitted, By: requesting},
	{Type: TypeReadmission, Action: ActRegister, From: []State{StateSubmitted}, To: StateRegistered, By: ca},
	{Type: TypeReadmission, Action: ActRecordAcknowledgement, From: []State{StateSubmitted, StateRegistered, StateInfoRequested, StateUnderVerification}, Target: ToSame, By: ca},
	{Type: TypeReadmission, Action: ActRequestInfo, From: []State{StateSubmitted, StateRegistered, StateUnderVerification}, To: StateInfoRequested, By: ca, SetsPrior: true},
	{Type: TypeReadmission, Action: ActProvideInfo, From: []State{StateInfoRequested}, Target: ToPrior, By: requesting},
	{Type: TypeReadmission, Action: ActStartVerification, From: []State{StateRegistered}, To: StateUnderVerification, By: ca},
	{Type: TypeReadmission, Action: ActAnswerTask, From: []State{StateRegistered, StateInfoRequested, StateUnderVerification, StatePendingSignOff, StateApproved, StateDeemedApproved, StateTravelDocumentRequested}, Target: ToSame, By: []Role{RoleAgencyOfficer, RoleConsularOfficer}},
	{Type: TypeReadmission, Action: ActRequestInterview, From: []State{StateRegistered, StateUnderVerification}, Target: ToSame, By: append(slices.Clone(requesting), ca...)},
	{Type: TypeReadmission, Action: ActExtendReply, From: replyStates, Target: ToSame, By: caSup},
	{Type: TypeReadmission, Action: ActApprove, From: []State{StateRegistered, StateUnderVerification}, To: StateApproved, By: ca, SetsPrior: true},
	{Type: TypeReadmission, Action: ActRefuse, From: []State{StateRegistered, StateUnderVerification}, To: StateRefused, By: ca, SetsPrior: true},
	{Type: TypeReadmission, Action: ActSignOff, From: []State{StatePendingSignOff}, Target: ToProposal, By: caSup},
	{Type: TypeReadmission, Action: ActReturnProposal, From: []State{StatePendingSignOff}, Target: ToPrior, By: caSup},
	{Type: TypeReadmission, Action: ActDeemApproved, From: replyStates, To: StateDeemedApproved, By: system, SetsPrior: true},
	{Type: TypeReadmission, Action: ActCorrectDeemedApproval, From: []State{StateDeemedApproved}, Target: ToPrior, By: caSup},
	{Type: TypeReadmission, Action: ActRequestTravelDocument, From: []State{StateApproved, StateDeemedApproved}, To: StateTravelDocumentRequested, By: requesting},
	{Type: TypeReadmission, Action: ActIssueTravelDocument, From: []State{StateTravelDocumentRequested}, To: StateTravelDocumentIssued, By: []Role{RoleConsularOfficer}},
	{Type: TypeReadmission, Action: ActAcceptEUTravelDocument, From: []State{StateTravelDocumentRequested}, To: StateTravelDocumentIssued, By: append(slices.Clone(requesting), RoleSystem)},
	{Type: TypeReadmission, Action: ActRenewTravelDocument, From: []State{StateTravelDocumentIssued, StateTransferPostponed}, To: StateTravelDocumentIssued, By: []Role{RoleConsularOfficer}},
	{Type: TypeReadmission, Action: ActNotifyTransfer, From: []State{StateApproved, StateDeemedApproved, StateTravelDocumentIssued, StateTransferObjected, StateTransferPostponed}, To: StateTransferNotified, By: requesting},
	{Type: TypeReadmission, Action: ActConfirmTransfer, From: []State{StateTransferNotified}, To: StateTransferConfirmed, By: ca},
	{Type: TypeReadmission, Action: ActObjectTransfer, From: []State{StateTransferNotified}, To: StateTransferObjected, By: ca},
	{Type: TypeReadmission, Action: ActPostponeTransfer, From: []State{StateTransferNotified, StateTransferConfirmed}, To: StateTransferPostponed, By: requesting},
	{Type: TypeReadmission, Action: ActRecordNoShow, From: []State{StateTransferConfirmed}, To: StateTransferPostponed, By: []Role{RoleBorderOfficer}},
	// From approved only for an own national returned with a valid passport
	// or identity card where the agreement needs no written notification
	// (Case.WithoutNotification; CanAct checks).
	{Type: TypeReadmission, Action: ActRecordHandover, From: []State{StateTransferConfirmed, StateApproved}, To: StateTransferred, By: []Role{RoleBorderOfficer}},
	{Type: TypeReadmission, Action: ActExtendTransferWindow, From: windowStates, Target: ToSame, By: append(slices.Clone(requesting), RoleCASupervisor)},
	{Type: TypeReadmission, Action: ActExpire, From: []State{StateApproved, StateDeemedApproved, StateTravelDocumentRequested, StateTravelDocumentIssued, StateTransferObjected, StateTransferPostponed}, To: StateExpired, By: system},
	{Type: TypeReadmission, Action: ActRequestConsentWithdrawal, From: []State{StateApproved, StateDeemedApproved, StateTravelDocumentRequested, StateTravelDocumentIssued, StateTransferNotified, StateTransferConfirmed, StateTransferPostponed}, To: StateConsentWithdrawalRequested, By: ca, SetsPrior: true},
	{Type: TypeReadmission, Action: ActMaintainApplication, From: []State{StateConsentWithdrawalRequested}, Target: ToPrior, By: requesting},
	{Type: TypeReadmission, Action: ActWithdraw, From: withdrawable, To: StateWithdrawn, By: requesting},
	{Type: TypeReadmission, Action: ActClose, From: []State{StateTransferred}, To: StateClosed, By: append(slices.Clone(ca), RoleSystem)},
	{Type: TypeReadmission, Action: ActRequestTakeBack, From: []State{StateTransferred, StateClosed}, To: StateTakeBackRequested, By: ca},
	{Type: TypeReadmission, Action: ActRecordTakeBack, From: []State{StateTakeBackRequested}, To: StateTakenBack, By: append(slices.Clone(requesting), RoleBorderOfficer)},
	{Type: TypeReadmission, Action: ActClearFlag, From: withdrawable, Target: ToSame, By: caSup},
	// Transit.
	{Type: TypeTransit, Action: ActSubmit, From: []State{StateDraft}, To: StateTransitRequested, By: requesting},
	{Type: TypeTransit, Action: ActApproveTransit, From: []State{StateTransitRequested}, To: StateTransitApproved, By: ca},
	{Type: TypeTransit, Action: ActRefuseTransit, From: []State{StateTransitRequested}, To: StateTransitRefused, By: ca},
	{Type: TypeTransit, Action: ActRevokeTransit, From: []State{StateTransitApproved}, To: StateTransitRevoked, By: ca},
	{Type: TypeTransit, Action: ActRecordTransit, From: []State{StateTransitApproved}, To: StateTransitExecuted, By: []Role{RoleBorderOfficer}},
	{Type: TypeTransit, Action: ActWithdraw, From: []State{StateDraft, StateTransitRequested, StateTransitApproved}, To: StateWithdrawn, By: requesting},
}

// ReadmissionStates and TransitStates list every state of each case type.
var (
	ReadmissionStates = []State{StateDraft, StateSubmitted, StateRegistered, StateInfoRequested, StateUnderVerification,
		StatePendingSignOff, StateApproved, StateRefused, StateDeemedApproved, StateTravelDocumentRequested,
		StateTravelDocumentIssued, StateTransferNotified, StateTransferConfirmed, StateTransferObjected,
		StateTransferPostponed, StateTransferred, StateClosed, StateExpired, StateConsentWithdrawalRequested,
		StateWithdrawn, StateTakeBackRequested, StateTakenBack}
	TransitStates = []State{StateDraft, StateTransitRequested, StateTransitApproved, StateTransitRefused,
		StateTransitRevoked, StateTransitExecuted, StateWithdrawn}
)

// TransitionFor returns the row for an action on a case type, or nil when the
// action does not exist for that type.
func TransitionFor(t CaseType, action string) *Transition {
	for i := range Lifecycle {
		if Lifecycle[i].Type == t && Lifecycle[i].Action == action {
			return &Lifecycle[i]
		}
	}
	return nil
}

// returnable reports whether an action of type t returns from state st to
// the state before it (ToPrior).
func returnable(t CaseType, st State) bool {
	for _, tr := range Lifecycle {
		if tr.Type == t && tr.Target == ToPrior && slices.Contains(tr.From, st) {
			return true
		}
	}
	return false
}

// pushPrior remembers st as the state the next return goes back to, keeping
// the one of an enclosing request (a deemed approval of a case waiting for
// information or sign-off, a consent-withdrawal request on a deemed approval).
func (c *Case) pushPrior(st State) {
	if c.PriorStatus != "" {
		c.OuterPriors = append(c.OuterPriors, c.PriorStatus)
	}
	c.PriorStatus = st
}

// popPrior forgets the innermost remembered state, making the enclosing one current.
func (c *Case) popPrior() {
	c.PriorStatus = ""
	if n := len(c.OuterPriors); n > 0 {
		c.PriorStatus = c.OuterPriors[n-1]
		c.OuterPriors = c.OuterPriors[:n-1]
		if n == 1 {
			c.OuterPriors = nil
		}
	}
}

// Actions returns the action names of a case type in table order.
func Actions(t CaseType) []string {
	var out []string
	for _, tr := range Lifecycle {
		if tr.Type == t {
			out = append(out, tr.Action)
		}
	}
	return out
}

// Terminal reports whether no further action leads out of s (closed counts as
// terminal only once its take-back window has ended, which the caller checks).
func Terminal(s State) bool {
	switch s {
	case StateRefused, StateWithdrawn, StateExpired, StateTakenBack,
		StateTransitRefused, StateTransitRevoked, StateTransitExecuted:
		return true
	}
	return false
}

// Next returns the state a case in state `from` (with prior state `prior`
// and, for sign-off, the proposed outcome) reaches by action, or an EConflict
// error when the action is not allowed in that state. fourEyes sends approve
// and refuse to pending_sign_off.
func Next(t CaseType, from, prior State, action string, proposal *Decision, fourEyes bool) (State, error) {
	tr := TransitionFor(t, action)
	if tr == nil {
		return "", Fail(ENotFound, "err.no_action_for_type", "action", action, "type", string(t))
	}
	if !slices.Contains(tr.From, from) {
		return "", Fail(EConflict, "err.action_not_allowed", "action", action, "state", string(from))
	}
	switch tr.Target {
	case ToSame:
		return from, nil
	case ToPrior:
		if prior == "" {
			return "", Fail(EConflict, "err.no_earlier_state")
		}
		return prior, nil
	case ToProposal:
		if proposal == nil {
			return "", Fail(EConflict, "err.no_proposal")
		}
		if proposal.Outcome == "refuse" {
			return StateRefused, nil
		}
		return StateApproved, nil
	}
	if fourEyes && (action == ActApprove || action == ActRefuse) {
		return StatePendingSignOff, nil
	}
	return tr.To, nil
}

// Recipient returns the state an action on c by actor a is transmitted to,
// or "" when the action stays inside one party (a proposal waiting for
// sign-off, a task, an internal note).
func Recipient(a Actor, c *Case, action string) string {
	if d := Describe(action); d == nil || !d.Transmits || c.Status == StatePendingSignOff {
		return ""
	}
	if a.IsRequesting() {
		return c.RequestedState
	}
	return c.RequestingState
}
