package ercms

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/ercms/ercms/civil"
)

// Description is what is known of one action besides who may take it and
// when (that is the lifecycle table, Lifecycle): its input type, whether it
// is transmitted to the other party, whether safeguard flags block it, whom
// it notifies, and the fields of its form. The API decoder, the HTML form
// and the OpenAPI request schema are all derived from it
// (ARCHITECTURE.md invariant 8).
type Description struct {
	Action string
	// Input is the zero value of the action's input type.
	Input Input
	// Transmits says the action's result is sent to the other party (the
	// requested state, or the requesting state); the audit records it as a
	// transmission with its recipient and a hash of what was sent.
	Transmits bool
	// BlockedByFlags says active safeguard flags block the action until a
	// central-authority supervisor clears them.
	BlockedByFlags bool
	// Notifies is the kind of notification the action raises for the party
	// that must act next (Notify*), or "".
	Notifies string
	// DueAfter names the clocks whose passing makes the system take the
	// action (a timed action of LIFECYCLE.md), in the order the scheduler
	// runs them; nil for the actions people take.
	DueAfter []string
	// Fields are the fields of the action's input in the order its form
	// shows them: every field of the input type, and no other.
	Fields []Field
}

// Field is one field of an action's input.
type Field struct {
	// Name is the field's JSON path in the input: "reason",
	// "transfer.date", "tasks.question" (a field of each item of a list).
	Name string
	// Kind says how the form asks for it.
	Kind FieldKind
	// Optional says the field may be left out; the others are required
	// (LIFECYCLE.md "required").
	Optional bool
	// Choices names the list a select, radios or checks field chooses from.
	Choices Choices
	// Only, when set, shows the field's form control to these roles alone.
	Only []Role
	// Doc explains the field to API clients, where its name does not.
	Doc string
}

// FieldKind is the form control of a field.
type FieldKind string

// Field kinds.
const (
	KindText     FieldKind = "text"
	KindTextarea FieldKind = "textarea" // a list of strings: one per line
	KindDate     FieldKind = "date"
	KindNumber   FieldKind = "number"
	KindSelect   FieldKind = "select"
	KindRadios   FieldKind = "radios"
	KindChecks   FieldKind = "checks"
	KindCheckbox FieldKind = "checkbox"
	KindDateTime FieldKind = "datetime"
)

// Choices names a list a field chooses from.
type Choices string

// The lists fields choose from.
const (
	ChoicesVerifiers       Choices = "verifiers"        // verifying agencies and consular missions of the requested state
	ChoicesMissions        Choices = "missions"         // consular missions of the requested state
	ChoicesOpenTasks       Choices = "open_tasks"       // the open tasks addressed to the user's organisation
	ChoicesFindings        Choices = "findings"         // TaskFindings and InterviewFindings, as the task answered takes
	ChoicesInterviewModes  Choices = "interview_modes"  // InterviewModes
	ChoicesFamily          Choices = "family"           // the family members of the application
	ChoicesRefusalReasons  Choices = "refusal_reasons"  // the deployment's refusal reasons (data)
	ChoicesCrossingPoints  Choices = "crossing_points"  // the crossing points of the profile
	ChoicesWithdrawReasons Choices = "withdraw_reasons" // WithdrawReasons
	ChoicesActiveFlags     Choices = "active_flags"     // the case's active safeguard flags
	ChoicesTransitGrounds  Choices = "transit_grounds"  // TransitGrounds
)

// Fixed returns the codes of a list fixed by the agreement texts, or nil
// when the choices are data (organisations, the case, the profile).
func (c Choices) Fixed() []string {
	switch c {
	case ChoicesFindings:
		out := slices.Clone(TaskFindings)
		for _, f := range InterviewFindings {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
		return out
	case ChoicesInterviewModes:
		return InterviewModes
	case ChoicesWithdrawReasons:
		return WithdrawReasons
	case ChoicesTransitGrounds:
		return TransitGrounds
	}
	return nil
}

var (
	reason        = Field{Name: "reason", Kind: KindTextarea}
	transitGround = Field{Name: "reasons", Kind: KindChecks, Choices: ChoicesTransitGrounds}
	decisionText  = Field{Name: "text", Kind: KindTextarea, Optional: true}
)

// Descriptions describes every action of Lifecycle, one row each.
var Descriptions = []Description{
	{Action: ActSubmit, Input: Submit{}, Transmits: true},
	{Action: ActRegister, Input: Register{}, Transmits: true},
	{Action: ActRecordAcknowledgement, Input: RecordAcknowledgement{},
		Fields: []Field{{Name: "acknowledged_on", Kind: KindDate, Doc: "The date the acknowledgement of receipt was sent."}}},
	{Action: ActRequestInfo, Input: RequestInfo{}, Transmits: true, Fields: []Field{{Name: "question", Kind: KindTextarea}}},
	{Action: ActProvideInfo, Input: ProvideInfo{}, Transmits: true, Fields: []Field{{Name: "answer", Kind: KindTextarea}}},
	{Action: ActStartVerification, Input: StartVerification{}, Notifies: NotifyNewTask, Fields: []Field{
		{Name: "tasks.organisation_id", Kind: KindChecks, Choices: ChoicesVerifiers},
		{Name: "tasks.question", Kind: KindTextarea}}},
	{Action: ActAnswerTask, Input: AnswerTask{}, Fields: []Field{
		{Name: "task_id", Kind: KindRadios, Choices: ChoicesOpenTasks},
		{Name: "finding", Kind: KindRadios, Choices: ChoicesFindings},
		{Name: "answer", Kind: KindTextarea, Optional: true}}},
	{Action: ActRequestInterview, Input: RequestInterview{}, Transmits: true, Notifies: NotifyNewTask, Fields: []Field{
		{Name: "mission_id", Kind: KindSelect, Choices: ChoicesMissions},
		{Name: "mode", Kind: KindRadios, Choices: ChoicesInterviewModes},
		{Name: "language", Kind: KindText},
		{Name: "place", Kind: KindText, Optional: true}}},
	{Action: ActExtendReply, Input: ExtendReply{}, Transmits: true, Fields: []Field{
		{Name: "days", Kind: KindNumber},
		{Name: "justification", Kind: KindTextarea}}},
	{Action: ActApprove, Input: Approve{}, Transmits: true, Fields: []Field{
		{Name: "family_covered", Kind: KindChecks, Choices: ChoicesFamily, Doc: "The family members the approval covers: an empty list for none."}}},
	{Action: ActRefuse, Input: Refuse{}, Transmits: true, Fields: []Field{
		{Name: "reasons", Kind: KindChecks, Choices: ChoicesRefusalReasons},
		{Name: "text", Kind: KindTextarea}}},
	{Action: ActSignOff, Input: SignOff{}, Transmits: true},
	{Action: ActReturnProposal, Input: ReturnProposal{}, Fields: []Field{{Name: "comment", Kind: KindTextarea}}},
	{Action: ActDeemApproved, Input: DeemApproved{}, Transmits: true, Notifies: NotifyDeemedApproval, DueAfter: []string{ClockReply, ClockReplyAccelerated}},
	{Action: ActCorrectDeemedApproval, Input: CorrectDeemedApproval{}, Transmits: true, Fields: []Field{reason}},
	{Action: ActRequestTravelDocument, Input: RequestTravelDocument{}, Transmits: true, Notifies: NotifyNewTask, Fields: []Field{
		{Name: "mission_id", Kind: KindSelect, Choices: ChoicesMissions}}},
	{Action: ActIssueTravelDocument, Input: IssueTravelDocument{}, Transmits: true, Fields: []Field{
		{Name: "number", Kind: KindText},
		{Name: "valid_until", Kind: KindDate}}},
	{Action: ActAcceptEUTravelDocument, Input: AcceptEUTravelDocument{}, Transmits: true, DueAfter: []string{ClockTravelDocument}},
	{Action: ActRenewTravelDocument, Input: RenewTravelDocument{}, Transmits: true, Fields: []Field{
		{Name: "valid_until", Kind: KindDate},
		{Name: "number", Kind: KindText, Optional: true}}},
	{Action: ActNotifyTransfer, Input: NotifyTransfer{}, Transmits: true, BlockedByFlags: true, Notifies: NotifyTransferNotice, Fields: []Field{
		{Name: "transfer.date", Kind: KindDate},
		{Name: "transfer.time", Kind: KindText, Optional: true},
		{Name: "transfer.crossing_point", Kind: KindSelect, Choices: ChoicesCrossingPoints},
		{Name: "transfer.flight_or_vehicle", Kind: KindText, Optional: true},
		{Name: "transfer.escorts", Kind: KindNumber},
		{Name: "transfer.escort_names", Kind: KindTextarea, Optional: true},
		{Name: "transfer.medical_escort", Kind: KindCheckbox, Optional: true},
		{Name: "transfer.security_measures", Kind: KindText, Optional: true},
		{Name: "transfer.special_needs", Kind: KindText, Optional: true}}},
	{Action: ActConfirmTransfer, Input: ConfirmTransfer{}, Transmits: true, BlockedByFlags: true},
	{Action: ActObjectTransfer, Input: ObjectTransfer{}, Transmits: true, Fields: []Field{reason}},
	{Action: ActPostponeTransfer, Input: PostponeTransfer{}, Transmits: true, Fields: []Field{reason}},
	{Action: ActRecordNoShow, Input: RecordNoShow{}, Transmits: true, Fields: []Field{reason}},
	{Action: ActRecordHandover, Input: RecordHandover{}, Transmits: true, BlockedByFlags: true, Fields: []Field{
		{Name: "handover.at", Kind: KindDateTime},
		{Name: "handover.officer", Kind: KindText},
		{Name: "handover.persons", Kind: KindNumber},
		{Name: "handover.documents", Kind: KindText, Optional: true}}},
	{Action: ActExtendTransferWindow, Input: ExtendTransferWindow{}, Transmits: true, Fields: []Field{
		{Name: "new_end", Kind: KindDate},
		{Name: "justification", Kind: KindTextarea},
		{Name: "requested_on", Kind: KindDate, Optional: true, Only: []Role{RoleCASupervisor},
			Doc: "By a central-authority supervisor: the date of the requesting state's request received by e-mail (default: today)."}}},
	{Action: ActExpire, Input: Expire{}, Transmits: true, DueAfter: []string{ClockTransferWindow}},
	{Action: ActRequestConsentWithdrawal, Input: RequestConsentWithdrawal{}, Transmits: true, Fields: []Field{reason}},
	{Action: ActMaintainApplication, Input: MaintainApplication{}, Transmits: true, Fields: []Field{reason}},
	{Action: ActWithdraw, Input: Withdraw{}, Transmits: true, Fields: []Field{
		{Name: "reason_code", Kind: KindRadios, Choices: ChoicesWithdrawReasons},
		{Name: "reason", Kind: KindTextarea, Optional: true}}},
	{Action: ActClose, Input: Close{}, DueAfter: []string{ClockCloseAfterHandover}},
	{Action: ActRequestTakeBack, Input: RequestTakeBack{}, Transmits: true, Fields: []Field{reason}},
	{Action: ActRecordTakeBack, Input: RecordTakeBack{}, Transmits: true, Fields: []Field{{Name: "date", Kind: KindDate}}},
	{Action: ActClearFlag, Input: ClearFlag{}, Fields: []Field{
		{Name: "flag", Kind: KindRadios, Choices: ChoicesActiveFlags},
		reason}},
	{Action: ActApproveTransit, Input: ApproveTransit{}, Transmits: true, Fields: []Field{
		{Name: "entry_point", Kind: KindText},
		{Name: "time", Kind: KindText},
		{Name: "assistance", Kind: KindTextarea, Optional: true}}},
	{Action: ActRefuseTransit, Input: RefuseTransit{}, Transmits: true, Fields: []Field{transitGround, decisionText}},
	{Action: ActRevokeTransit, Input: RevokeTransit{}, Transmits: true, Fields: []Field{transitGround, decisionText}},
	{Action: ActRecordTransit, Input: RecordTransit{}, Transmits: true, Fields: []Field{{Name: "time", Kind: KindText}}},
}

// TimedActions returns the descriptions of the actions the system takes
// when a clock has passed, in table order.
func TimedActions() []Description {
	var out []Description
	for _, d := range Descriptions {
		if len(d.DueAfter) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// Describe returns the description of an action, or nil when there is no
// such action.
func Describe(action string) *Description {
	for i := range Descriptions {
		if Descriptions[i].Action == action {
			return &Descriptions[i]
		}
	}
	return nil
}

// New returns a pointer to a new zero input of the action's type, for a
// decoder to fill; Union takes it as it is.
func (d *Description) New() Input { return reflect.New(reflect.TypeOf(d.Input)).Interface().(Input) }

// Required lists the fields an action needs (LIFECYCLE.md "required"): its
// fields that are not optional, where a field of the items of a list
// ("tasks.question") counts as the list ("tasks"), which an input without it
// misses.
func (d *Description) Required() []string {
	var out []string
	t := reflect.TypeOf(d.Input)
	for _, f := range d.Fields {
		if f.Optional {
			continue
		}
		name := f.Name
		if list, _, ok := strings.Cut(f.Name, "."); ok {
			if sf, found := fieldByJSON(t, list); found && sf.Type.Kind() == reflect.Slice {
				name = list
			}
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// fieldByJSON returns the field of struct type t named name in JSON.
func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// InputFields lists the JSON paths of every field of an input type, nested
// structs and the items of lists of structs path by path ("transfer.date",
// "tasks.question"), in declaration order. Fields hidden from JSON are left
// out: no request sets them.
func InputFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		name := jsonName(f)
		inner := f.Type
		for inner.Kind() == reflect.Pointer || inner.Kind() == reflect.Slice {
			inner = inner.Elem()
		}
		if inner.Kind() == reflect.Struct && inner != reflect.TypeFor[civil.Date]() && inner != reflect.TypeFor[time.Time]() {
			for _, sub := range InputFields(inner) {
				out = append(out, name+"."+sub)
			}
			continue
		}
		out = append(out, name)
	}
	return out
}
