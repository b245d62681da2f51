package ercms

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/ercms/ercms/civil"
)

// Input is the input of one action: a struct holding that action's fields
// and no other (ARCHITECTURE.md invariant 8). The API decodes a request body
// into the action's own type (Description.New), so that a field of another
// action is refused; Apply reads the fields of the action's type only.
type Input interface{ input() }

// Submit is the input of submit: none; the application is the case's.
type Submit struct{}

// Register is the input of register: none.
type Register struct{}

// RecordAcknowledgement is the input of record_acknowledgement.
type RecordAcknowledgement struct {
	// AcknowledgedOn is the date the acknowledgement of receipt was sent.
	AcknowledgedOn *civil.Date `json:"acknowledged_on,omitempty"`
}

// RequestInfo is the input of request_info.
type RequestInfo struct {
	Question string `json:"question,omitempty"`
}

// ProvideInfo is the input of provide_info.
type ProvideInfo struct {
	Answer string `json:"answer,omitempty"`
}

// StartVerification is the input of start_verification.
type StartVerification struct {
	Tasks []TaskInput `json:"tasks,omitempty"`
}

// AnswerTask is the input of answer_task.
type AnswerTask struct {
	TaskID  string `json:"task_id,omitempty"`
	Finding string `json:"finding,omitempty"`
	Answer  string `json:"answer,omitempty"`
}

// RequestInterview is the input of request_interview.
type RequestInterview struct {
	MissionID string `json:"mission_id,omitempty"`
	Mode      string `json:"mode,omitempty"`
	Language  string `json:"language,omitempty"`
	Place     string `json:"place,omitempty"`
}

// ExtendReply is the input of extend_reply.
type ExtendReply struct {
	Justification string `json:"justification,omitempty"`
	Days          int    `json:"days,omitempty"`
}

// Approve is the input of approve.
type Approve struct {
	// FamilyCovered lists the family members the approval covers; an empty
	// list says none, a missing one is refused.
	FamilyCovered *[]string `json:"family_covered,omitempty"`
}

// Refuse is the input of refuse.
type Refuse struct {
	Reasons []string `json:"reasons,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// SignOff is the input of sign_off: none.
type SignOff struct{}

// ReturnProposal is the input of return_proposal.
type ReturnProposal struct {
	Comment string `json:"comment,omitempty"`
}

// DeemApproved is the input of deem_approved (the system's): none.
type DeemApproved struct{}

// CorrectDeemedApproval is the input of correct_deemed_approval.
type CorrectDeemedApproval struct {
	Reason string `json:"reason,omitempty"`
}

// RequestTravelDocument is the input of request_travel_document.
type RequestTravelDocument struct {
	MissionID string `json:"mission_id,omitempty"`
}

// IssueTravelDocument is the input of issue_travel_document.
type IssueTravelDocument struct {
	Number     string      `json:"number,omitempty"`
	ValidUntil *civil.Date `json:"valid_until,omitempty"`
}

// AcceptEUTravelDocument is the input of accept_eu_travel_document: none.
type AcceptEUTravelDocument struct{}

// RenewTravelDocument is the input of renew_travel_document.
type RenewTravelDocument struct {
	ValidUntil *civil.Date `json:"valid_until,omitempty"`
	// Number replaces the document's number when the mission gives a new one.
	Number string `json:"number,omitempty"`
}

// NotifyTransfer is the input of notify_transfer.
type NotifyTransfer struct {
	Transfer *TransferNotice `json:"transfer,omitempty"`
}

// TransferNotice is what the requesting state notifies of a transfer: the
// fields of Transfer it sets (the date of notice, the late-notice flag and
// the handover are the system's).
type TransferNotice struct {
	Date          civil.Date `json:"date"`
	Time          string     `json:"time,omitempty"`
	CrossingPoint string     `json:"crossing_point"`
	Flight        string     `json:"flight_or_vehicle,omitempty"`
	Escorts       int        `json:"escorts"`
	EscortNames   []string   `json:"escort_names,omitempty"`
	MedicalEscort bool       `json:"medical_escort,omitempty"`
	Security      string     `json:"security_measures,omitempty"`
	SpecialNeeds  string     `json:"special_needs,omitempty"`
	// OperationID links the transfer to a group transfer; the store sets it
	// (NotifyGroupTransfer), never a request body.
	OperationID string `json:"-"`
}

// ConfirmTransfer is the input of confirm_transfer: none.
type ConfirmTransfer struct{}

// ObjectTransfer is the input of object_transfer.
type ObjectTransfer struct {
	Reason string `json:"reason,omitempty"`
}

// PostponeTransfer is the input of postpone_transfer.
type PostponeTransfer struct {
	Reason string `json:"reason,omitempty"`
}

// RecordNoShow is the input of record_no_show.
type RecordNoShow struct {
	Reason string `json:"reason,omitempty"`
}

// RecordHandover is the input of record_handover.
type RecordHandover struct {
	Handover *Handover `json:"handover,omitempty"`
}

// ExtendTransferWindow is the input of extend_transfer_window.
type ExtendTransferWindow struct {
	Justification string      `json:"justification,omitempty"`
	NewEnd        *civil.Date `json:"new_end,omitempty"`
	// RequestedOn is the date of the requesting state's request that a
	// central-authority supervisor records; the requesting state's own
	// request is dated today.
	RequestedOn *civil.Date `json:"requested_on,omitempty"`
}

// Expire is the input of expire (the system's): none.
type Expire struct{}

// RequestConsentWithdrawal is the input of request_consent_withdrawal.
type RequestConsentWithdrawal struct {
	Reason string `json:"reason,omitempty"`
}

// MaintainApplication is the input of maintain_application.
type MaintainApplication struct {
	Reason string `json:"reason,omitempty"`
}

// Withdraw is the input of withdraw.
type Withdraw struct {
	// ReasonCode is one of WithdrawReasons.
	ReasonCode string `json:"reason_code,omitempty"`
	// Reason describes the reason; needed when ReasonCode is "other".
	Reason string `json:"reason,omitempty"`
}

// Close is the input of close: none.
type Close struct{}

// RequestTakeBack is the input of request_take_back.
type RequestTakeBack struct {
	Reason string `json:"reason,omitempty"`
}

// RecordTakeBack is the input of record_take_back.
type RecordTakeBack struct {
	Date *civil.Date `json:"date,omitempty"`
}

// ClearFlag is the input of clear_flag.
type ClearFlag struct {
	Flag   string `json:"flag,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ApproveTransit is the input of approve_transit.
type ApproveTransit struct {
	EntryPoint string `json:"entry_point,omitempty"`
	Time       string `json:"time,omitempty"`
	// Assistance is the assistance the requested state provides during the
	// transit (escort, transfer between terminals, medical care); it is kept
	// on the decision and shown to the border crossing point.
	Assistance string `json:"assistance,omitempty"`
}

// TransitAssistance returns the assistance granted with an approved
// transit (approve_transit), or "".
func (c *Case) TransitAssistance() string {
	if c.Type == TypeTransit && c.Decision != nil {
		return c.Decision.Assistance
	}
	return ""
}

// RefuseTransit is the input of refuse_transit.
type RefuseTransit struct {
	// Reasons are grounds of TransitGrounds.
	Reasons []string `json:"reasons,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// RevokeTransit is the input of revoke_transit.
type RevokeTransit struct {
	// Reasons are grounds of TransitGrounds.
	Reasons []string `json:"reasons,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// RecordTransit is the input of record_transit.
type RecordTransit struct {
	Time string `json:"time,omitempty"`
}

func (Submit) input()                   {}
func (Register) input()                 {}
func (RecordAcknowledgement) input()    {}
func (RequestInfo) input()              {}
func (ProvideInfo) input()              {}
func (StartVerification) input()        {}
func (AnswerTask) input()               {}
func (RequestInterview) input()         {}
func (ExtendReply) input()              {}
func (Approve) input()                  {}
func (Refuse) input()                   {}
func (SignOff) input()                  {}
func (ReturnProposal) input()           {}
func (DeemApproved) input()             {}
func (CorrectDeemedApproval) input()    {}
func (RequestTravelDocument) input()    {}
func (IssueTravelDocument) input()      {}
func (AcceptEUTravelDocument) input()   {}
func (RenewTravelDocument) input()      {}
func (NotifyTransfer) input()           {}
func (ConfirmTransfer) input()          {}
func (ObjectTransfer) input()           {}
func (PostponeTransfer) input()         {}
func (RecordNoShow) input()             {}
func (RecordHandover) input()           {}
func (ExtendTransferWindow) input()     {}
func (Expire) input()                   {}
func (RequestConsentWithdrawal) input() {}
func (MaintainApplication) input()      {}
func (Withdraw) input()                 {}
func (Close) input()                    {}
func (RequestTakeBack) input()          {}
func (RecordTakeBack) input()           {}
func (ClearFlag) input()                {}
func (ApproveTransit) input()           {}
func (RefuseTransit) input()            {}
func (RevokeTransit) input()            {}
func (RecordTransit) input()            {}

// For returns the input of action held in the union in: the action's own
// type with the fields copied. A field of in that is set (not its zero
// value; a pointer to an empty struct counts as not set) but is not the
// action's is refused: EInvalid naming the field by its JSON path, so that
// nothing is accepted that the action does not keep. ENotFound when there
// is no such action.
func (in ActionInput) For(action string) (Input, error) {
	d := Describe(action)
	if d == nil {
		return nil, Fail(ENotFound, "err.no_such_action", "action", action)
	}
	dst := reflect.New(reflect.TypeOf(d.Input)).Elem()
	var v Validation
	convert(reflect.ValueOf(in), dst, "", action, &v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return dst.Interface().(Input), nil
}

// Union returns x (an input, or a pointer to one) as the union
// ActionInput: what the store's Act takes.
func Union(x Input) ActionInput {
	var out ActionInput
	var v Validation
	convert(reflect.Indirect(reflect.ValueOf(x)), reflect.ValueOf(&out).Elem(), "", "", &v)
	if err := v.Err(); err != nil {
		// Every field of every input type is a field of ActionInput (TestInputTypesFitTheUnion).
		panic(fmt.Sprintf("ercms: %T does not fit ActionInput: %v", x, err))
	}
	return out
}

// convert copies the fields of struct src into struct dst by Go field name,
// converting a pointer to one struct type into a pointer to another field by
// field (Transfer into TransferNotice). A set field of src that dst lacks is
// recorded in v under its JSON path.
func convert(src, dst reflect.Value, path, action string, v *Validation) {
	st := src.Type()
	for i := range st.NumField() {
		sf, sv := st.Field(i), src.Field(i)
		if !sf.IsExported() {
			continue
		}
		name := path + jsonName(sf)
		df, ok := dst.Type().FieldByName(sf.Name)
		if !ok {
			if !unset(sv) {
				v.Add(name, "field.not_of_action", "action", action, "field", name)
			}
			continue
		}
		dv := dst.FieldByIndex(df.Index)
		switch {
		case sf.Type == df.Type:
			dv.Set(sv)
		case sv.Kind() == reflect.Pointer && dv.Kind() == reflect.Pointer &&
			sf.Type.Elem().Kind() == reflect.Struct && df.Type.Elem().Kind() == reflect.Struct:
			if sv.IsNil() {
				continue
			}
			dv.Set(reflect.New(df.Type.Elem()))
			convert(sv.Elem(), dv.Elem(), name+".", action, v)
		default:
			panic(fmt.Sprintf("ercms: field %s is %s in %s but %s in %s", sf.Name, sf.Type, st, df.Type, dst.Type()))
		}
	}
}

// unset reports whether v holds nothing: its zero value, or a pointer to a
// struct whose fields are all unset.
func unset(v reflect.Value) bool {
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		e := v.Elem()
		for i := range e.NumField() {
			if !unset(e.Field(i)) {
				return false
			}
		}
		return true
	}
	if v.Kind() == reflect.Slice {
		return v.Len() == 0
	}
	return v.IsZero()
}

// jsonName returns the name a struct field has in JSON (its Go name when
// the tag hides it).
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}
