package ercms

import (
	"slices"
	"strings"
	"time"

	"github.com/ercms/ercms/civil"
)

// ActionInput is the union of the fields of every action: the Go-level
// input of Apply and of the store. Apply converts it into the action's own
// type (ActionInput.For), which refuses a set field that is not the
// action's, and reads that type only; the API decodes into the action's type
// and converts it back (Union).
type ActionInput struct {
	Question      string      `json:"question,omitempty"`
	Answer        string      `json:"answer,omitempty"`
	Comment       string      `json:"comment,omitempty"`
	Reason        string      `json:"reason,omitempty"`
	ReasonCode    string      `json:"reason_code,omitempty"` // withdraw: voluntary_departure, absconded, legal_stay, asylum_application, other
	Reasons       []string    `json:"reasons,omitempty"`     // refusal reason codes; transit grounds
	Text          string      `json:"text,omitempty"`
	Justification string      `json:"justification,omitempty"`
	Tasks         []TaskInput `json:"tasks,omitempty"`
	TaskID        string      `json:"task_id,omitempty"`
	Finding       string      `json:"finding,omitempty"`
	MissionID     string      `json:"mission_id,omitempty"`
	Mode          string      `json:"mode,omitempty"`
	Language      string      `json:"language,omitempty"`
	Place         string      `json:"place,omitempty"`
	Days          int         `json:"days,omitempty"`
	FamilyCovered *[]string   `json:"family_covered,omitempty"`
	Number        string      `json:"number,omitempty"`
	ValidUntil    *civil.Date `json:"valid_until,omitempty"`
	NewEnd        *civil.Date `json:"new_end,omitempty"`
	Date          *civil.Date `json:"date,omitempty"`
	// AcknowledgedOn is the date the acknowledgement of receipt was sent (record_acknowledgement).
	AcknowledgedOn *civil.Date `json:"acknowledged_on,omitempty"`
	// RequestedOn is the date of the requesting state's request for a longer
	// transfer window that a central-authority supervisor records (extend_transfer_window).
	RequestedOn *civil.Date `json:"requested_on,omitempty"`
	Transfer    *Transfer   `json:"transfer,omitempty"`
	Handover    *Handover   `json:"handover,omitempty"`
	EntryPoint  string      `json:"entry_point,omitempty"`
	Time        string      `json:"time,omitempty"`
	Assistance  string      `json:"assistance,omitempty"`
	Flag        string      `json:"flag,omitempty"`
}

// TaskInput is one verification task to send.
type TaskInput struct {
	OrganisationID string `json:"organisation_id"`
	Question       string `json:"question"`
}

// Handover is what the border officer records at the crossing point.
type Handover struct {
	At        time.Time `json:"at"`
	Officer   string    `json:"officer"`
	Persons   int       `json:"persons"`
	Documents string    `json:"documents,omitempty"`
}

// Reference lists that are fixed by the agreement texts.
var (
	WithdrawReasons = []string{"voluntary_departure", "absconded", "legal_stay", "asylum_application", "other"}
	TaskFindings    = []string{"confirmed", "not_found", "contradictory"}
	// InterviewFindings are the answers to a consular interview.
	InterviewFindings = []string{"confirmed", "not_confirmed", "not_held"}
	InterviewModes    = []string{"in_person", "video"}
	TransitGrounds    = []string{"risk_of_persecution", "prosecution_in_transit_state", "public_health_security_order", "onward_admission_not_assured"}
	DefaultRefusals   = []string{"nationality_not_established", "airside_transit_only", "visa_issued_by_requesting_state", "residence_permit_issued_by_requesting_state", "evidence_false_or_forged", "not_within_time_limit", "identity_not_established", "other"}
)

// Apply takes action on c for actor a: it checks permission and state
// (CanAct), validates the input, moves the state, runs the clock effects of
// LIFECYCLE.md, and appends a timeline event. c is changed in place: the
// store passes a copy and writes it back only when Apply succeeds. The
// returned note says what happened, for the user (the event's note).
func Apply(env Env, c *Case, a Actor, action string, in ActionInput) (Note, error) {
	if err := CanAct(a, c, action, env.Today); err != nil {
		return Note{}, err
	}
	from := c.Status
	next, err := Next(c.Type, c.Status, c.PriorStatus, action, c.Decision, env.FourEyes)
	if err != nil {
		return Note{}, err
	}
	x, err := in.For(action)
	if err != nil {
		return Note{}, err
	}
	note, err := effects(env, c, a, action, x, from, next)
	if err != nil {
		return Note{}, err
	}
	// Remember where a return goes only once the action has succeeded, so
	// that a refused action leaves the case as it was.
	tr := TransitionFor(c.Type, action)
	switch {
	case tr.Target == ToSame:
	case tr.Target == ToPrior:
		c.popPrior()
	case tr.SetsPrior && returnable(c.Type, next):
		c.pushPrior(from)
	case returnable(c.Type, from):
		c.popPrior() // left for good (sign_off, withdraw, …): the return is no longer possible
	}
	c.Status = next
	c.Timeline = append(c.Timeline, Event{At: env.Now, Action: action, From: string(from), To: string(next),
		ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID, NoteKey: note.Key, NoteArgs: note.Args, Text: in.statement(), Codes: in.codes()})
	return note, nil
}

// statement returns what the actor wrote with the action (the question,
// answer, comment, reason, justification or decision text), kept on the
// case's timeline so that the other party reads it.
func (in ActionInput) statement() string {
	var parts []string
	for _, s := range []string{in.Question, in.Answer, in.Comment, in.Reason, in.Justification, in.Text} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n\n")
}

// codes returns the reason codes chosen with the action.
func (in ActionInput) codes() []string {
	out := slices.Clone(in.Reasons)
	if in.ReasonCode != "" {
		out = append(out, in.ReasonCode)
	}
	return out
}

// effects validates the input of an action and applies it to c: its clock
// effects (LIFECYCLE.md) and what it records.
func effects(env Env, c *Case, a Actor, action string, x Input, from, next State) (Note, error) {
	var v Validation
	today := env.Today
	// A timed action waits while the agreement's suspension pauses the
	// case's time limits.
	if d := Describe(action); d != nil && len(d.DueAfter) > 0 && c.pausedBySuspension() {
		return Note{}, Fail(EConflict, "err.clocks_paused_by_suspension")
	}
	switch in := x.(type) {
	case Submit:
		if err := ValidateApplicationWith(c.Type, c.Procedure, c.Category, &c.Application, true, env.Today, env.Evidence); err != nil {
			return Note{}, err
		}
		return c.submit(env)
	case Register:
		if c.AssignedTo == "" {
			c.AssignedTo = a.UserID
		}
		return NewNote("note.registered"), nil
	case RecordAcknowledgement:
		return c.recordAcknowledgement(env, in)
	case RequestInfo:
		v.Require("question", in.Question, "field.question.required")
		return NewNote("note.info_requested"), v.Err()
	case ProvideInfo:
		v.Require("answer", in.Answer, "field.answer.required")
		return NewNote("note.info_provided"), v.Err()
	case StartVerification:
		return c.startVerification(env, in)
	case AnswerTask:
		return c.answerTask(env, a, in)
	case RequestInterview:
		return c.requestInterview(env, in)
	case ExtendReply:
		return c.extendReply(env, in)
	case Approve:
		return c.decide(env, a, &in, nil, next)
	case Refuse:
		return c.decide(env, a, nil, &in, next)
	case SignOff:
		c.Decision.SignedOffBy = a.UserID
		return c.finaliseDecision(env)
	case ReturnProposal:
		v.Require("comment", in.Comment, "field.comment.required")
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		c.Decision = nil
		return NewNote("note.proposal_returned"), nil
	case DeemApproved:
		if !env.Profile.DeemedApproval {
			return Note{}, Fail(EConflict, "err.no_deemed_approval")
		}
		rc := c.ReplyClock()
		if rc == nil || rc.DueOn == nil || !today.After(*rc.DueOn) {
			return Note{}, Fail(EConflict, "err.reply_deadline_not_passed")
		}
		due := *rc.DueOn
		c.stopClock(rc.Kind, "", today, DeadlineMissed)
		var overtaken *Decision
		if from == StatePendingSignOff {
			overtaken = c.Decision
		}
		c.Decision = &Decision{Outcome: "deemed_approval", ProposedAt: env.Now, DecidedOn: &today, Overtaken: overtaken}
		c.closeVerification(today)
		if _, err := c.startClock(env, ClockTransferWindow, "", today); err != nil {
			return Note{}, err
		}
		return NewNote("note.deemed_approved", "date", due), nil
	case CorrectDeemedApproval:
		v.Require("reason", in.Reason, "field.reason.correct_deemed")
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		return c.correctDeemedApproval(env)
	case RequestTravelDocument:
		m, _ := c.mission(env, &v, "mission_id", in.MissionID, true)
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		t := c.addTask(env, TaskTravelDocument, m.ID, "Issue a travel document", "", "")
		d, err := c.startClock(env, ClockTravelDocument, "", today)
		if err != nil {
			return Note{}, err
		}
		t.DueOn = d.DueOn
		return NewNote("note.travel_document_requested"), nil
	case IssueTravelDocument:
		return c.issueTravelDocument(env, a, in)
	case AcceptEUTravelDocument:
		d := c.running(ClockTravelDocument)
		if !env.Profile.EUTravelDocumentOnLate {
			return Note{}, Fail(EConflict, "err.no_eu_standard_document")
		}
		if d == nil || d.DueOn == nil || !today.After(*d.DueOn) {
			return Note{}, Fail(EConflict, "err.eu_standard_document_too_early")
		}
		c.stopClock(ClockTravelDocument, "", today, DeadlineMissed)
		c.closeTasks(TaskTravelDocument, TaskCancelled, today)
		c.TravelDocument = &TravelDocument{Kind: TravelDocumentEUStandard, IssuedOn: &today}
		return NewNote("note.eu_travel_document_accepted"), nil
	case RenewTravelDocument:
		if in.ValidUntil == nil {
			v.Add("valid_until", "field.valid_until.renew_required")
		} else if c.TravelDocument != nil && c.TravelDocument.ValidUntil != nil && !in.ValidUntil.After(*c.TravelDocument.ValidUntil) {
			v.Add("valid_until", "field.valid_until.not_after_current")
		} else {
			checkValidity(env, &v, "valid_until", *in.ValidUntil)
		}
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		if c.TravelDocument == nil {
			return Note{}, Fail(EConflict, "err.no_travel_document")
		}
		c.TravelDocument.ValidUntil = in.ValidUntil
		if in.Number != "" {
			c.TravelDocument.Number = in.Number
		}
		return NewNote("note.travel_document_renewed", "until_date", *in.ValidUntil), nil
	case NotifyTransfer:
		return c.notifyTransfer(env, in)
	case ConfirmTransfer:
		return NewNote("note.transfer_confirmed"), nil
	case ObjectTransfer:
		return reasoned(in.Reason, NewNote("note.transfer_objected"))
	case PostponeTransfer:
		return reasoned(in.Reason, NewNote("note.transfer_postponed"))
	case RecordNoShow:
		return reasoned(in.Reason, NewNote("note.no_show"))
	case RequestConsentWithdrawal:
		return reasoned(in.Reason, NewNote("note.consent_withdrawal_requested"))
	case MaintainApplication:
		return reasoned(in.Reason, NewNote("note.application_maintained"))
	case RequestTakeBack:
		if _, err := reasoned(in.Reason, Note{}); err != nil {
			return Note{}, err
		}
		d := c.running(ClockTakeBack)
		if d == nil || (d.DueOn != nil && today.After(*d.DueOn)) {
			return Note{}, Fail(EConflict, "err.take_back_window_ended")
		}
		return NewNote("note.take_back_requested"), nil
	case RecordHandover:
		return c.recordHandover(env, a, in)
	case ExtendTransferWindow:
		d := c.running(ClockTransferWindow)
		v.Require("justification", in.Justification, "field.justification.transfer_obstacle")
		if in.NewEnd == nil {
			v.Add("new_end", "field.new_end.required")
		} else if d != nil && d.DueOn != nil && !in.NewEnd.After(*d.DueOn) {
			v.Add("new_end", "field.new_end.not_after_current", "date", *d.DueOn)
		} else if limit, capped := transferWindowLimit(env, d); capped && in.NewEnd.After(limit) {
			v.Add("new_end", "field.new_end.beyond_cap", "date", limit)
		}
		requestedOn := today
		switch {
		case a.Role != RoleCASupervisor && in.RequestedOn != nil:
			v.Add("requested_on", "field.requested_on.central_only")
		case a.Role == RoleCASupervisor && in.RequestedOn == nil:
			// recorded the day the request came in
		case a.Role == RoleCASupervisor && in.RequestedOn.After(today):
			v.Add("requested_on", "field.requested_on.future")
		case a.Role == RoleCASupervisor:
			requestedOn = *in.RequestedOn
		}
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		if d == nil {
			return Note{}, Fail(EConflict, "err.transfer_window_not_running")
		}
		d.ExtendedTo = in.NewEnd
		if err := d.compute(env.Calendars); err != nil {
			return Note{}, err
		}
		if a.Role == RoleCASupervisor {
			return NewNote("note.transfer_window_extended_on_request", "date", *in.NewEnd, "requested_on", requestedOn), nil
		}
		return NewNote("note.transfer_window_extended", "date", *in.NewEnd), nil
	case Expire:
		d := c.running(ClockTransferWindow)
		if d == nil || d.DueOn == nil || !today.After(*d.DueOn) {
			return Note{}, Fail(EConflict, "err.transfer_window_not_passed")
		}
		c.stopClock(ClockTransferWindow, "", today, DeadlineMissed)
		c.stopAllClocks(today)
		return NewNote("note.approval_expired", "date", *d.DueOn), nil
	case Withdraw:
		if !slices.Contains(WithdrawReasons, in.ReasonCode) {
			v.Add("reason_code", "field.reason_code.required")
		}
		if in.ReasonCode == "other" {
			v.Require("reason", in.Reason, "field.reason.describe")
		}
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		c.stopAllClocks(today)
		c.closeAllTasks(today)
		return NewNote("note.withdrawn", "withdraw_reason", in.ReasonCode), nil
	case Close:
		if a.Role == RoleSystem {
			d := c.running(ClockCloseAfterHandover)
			if d == nil || d.DueOn == nil || !today.After(*d.DueOn) {
				return Note{}, Fail(EConflict, "err.close_too_early")
			}
		}
		// The close clock is a waiting period, not a duty: when the system
		// closes the case at its end, nothing was late.
		status := DeadlineMet
		if a.Role == RoleSystem {
			status = DeadlineStopped
		}
		c.stopClock(ClockCloseAfterHandover, "", today, status)
		return NewNote("note.closed"), nil
	case RecordTakeBack:
		switch ho := c.HandoverOn(); {
		case in.Date == nil:
			v.Add("date", "field.date.taken_back")
		case in.Date.After(today):
			v.Add("date", "field.date.future")
		case ho != nil && in.Date.Before(*ho):
			v.Add("date", "field.date.before_handover", "date", *ho)
		}
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		c.stopAllClocks(today)
		return NewNote("note.taken_back", "date", *in.Date), nil
	case ClearFlag:
		return c.clearFlag(env, a, in)
	case ApproveTransit:
		v.Require("entry_point", in.EntryPoint, "field.entry_point.required")
		v.Require("time", in.Time, "field.time.required")
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		c.stopClock(ClockTransitReply, "", today, DeadlineMet)
		c.Application.Transit.EntryPoint = strings.TrimSpace(in.EntryPoint)
		c.Application.Transit.TransitTime = strings.TrimSpace(in.Time)
		c.Decision = &Decision{Outcome: "approve", ProposedBy: a.UserID, ProposedAt: env.Now, DecidedOn: &today,
			Assistance: strings.TrimSpace(in.Assistance)}
		return NewNote("note.transit_approved", "entry_point", c.Application.Transit.EntryPoint, "time", c.Application.Transit.TransitTime), nil
	case RefuseTransit:
		return c.refuseTransit(env, a, in.Reasons, in.Text, NewNote("note.transit_refused"))
	case RevokeTransit:
		return c.refuseTransit(env, a, in.Reasons, in.Text, NewNote("note.transit_revoked"))
	case RecordTransit:
		v.Require("time", in.Time, "field.time.required")
		if err := v.Err(); err != nil {
			return Note{}, err
		}
		executed := today
		c.Application.Transit.ExecutedOn = &executed
		return NewNote("note.transit_executed", "date", today), nil
	}
	return Note{}, Fail(EInternal, "err.internal.no_effects", "action", action)
}

// reasoned checks the reason of an action that needs nothing else and
// returns its note.
func reasoned(reason string, note Note) (Note, error) {
	var v Validation
	v.Require("reason", reason, "field.reason.required")
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	return note, nil
}

// refuseTransit refuses (or revokes) a transit on grounds of the list.
func (c *Case) refuseTransit(env Env, a Actor, reasons []string, text string, note Note) (Note, error) {
	var v Validation
	today := env.Today
	if len(reasons) == 0 {
		v.Add("reasons", "field.reasons.ground_required")
	}
	for _, r := range reasons {
		if !slices.Contains(TransitGrounds, r) {
			v.Add("reasons", "field.reasons.unknown_ground", "value", r)
		}
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	c.stopClock(ClockTransitReply, "", today, DeadlineMet)
	c.Decision = &Decision{Outcome: "refuse", Reasons: slices.Clone(reasons), Text: text, ProposedBy: a.UserID, ProposedAt: env.Now, DecidedOn: &today}
	return note, nil
}
