package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// Field kinds of action forms.
const (
	kText     = "text"
	kTextarea = "textarea"
	kDate     = "date"
	kNumber   = "number"
	kSelect   = "select"
	kRadios   = "radios"
	kChecks   = "checks"
	kCheckbox = "checkbox"
	kDateTime = "datetime"
)

// formField is one field of an action form; Name is the JSON path of the
// action input, so that the store's field errors land on it.
type formField struct {
	Name     string
	Kind     string
	Optional bool
	// Only, when set, shows the field to these roles alone.
	Only []ercms.Role
	// options builds the choices of select, radios and checks fields.
	options func(u *ui, rq *request, d caseData) []option
}

// option is one choice of a field.
type option struct {
	Value, Label string
}

func codes(prefix string, list []string) func(*ui, *request, caseData) []option {
	return func(_ *ui, rq *request, _ caseData) []option {
		out := make([]option, len(list))
		for i, c := range list {
			out[i] = option{Value: c, Label: rq.t(prefix + c)}
		}
		return out
	}
}

// orgsOf lists the organisations of the requested state of the given kinds.
func orgsOf(kinds ...ercms.OrgKind) func(*ui, *request, caseData) []option {
	return func(_ *ui, rq *request, d caseData) []option {
		var out []option
		for _, o := range d.Orgs {
			if slices.Contains(kinds, o.Kind) && o.State == d.Case.RequestedState && !o.Disabled {
				out = append(out, option{Value: o.ID, Label: o.Name})
			}
		}
		slices.SortFunc(out, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
		return out
	}
}

func familyOptions(_ *ui, rq *request, d caseData) []option {
	var out []option
	for _, f := range d.Case.Family {
		out = append(out, option{Value: f.ID, Label: strings.ToUpper(f.Surname) + " " + f.GivenNames + " (" + rq.t("relationship."+f.Relationship) + ")"})
	}
	return out
}

func openTaskOptions(_ *ui, rq *request, d caseData) []option {
	var out []option
	for _, t := range d.Case.Tasks {
		if t.OrgID == rq.actor.Org.ID && t.Status == ercms.TaskOpen && t.Kind != ercms.TaskTravelDocument {
			out = append(out, option{Value: t.ID, Label: rq.t("task."+t.Kind) + ": " + t.Question})
		}
	}
	return out
}

func flagOptions(_ *ui, rq *request, d caseData) []option {
	var out []option
	for _, f := range d.Case.ActiveFlags() {
		out = append(out, option{Value: f, Label: rq.t("flag." + f)})
	}
	return out
}

func crossingOptions(u *ui, _ *request, d caseData) []option {
	p, err := u.s.db.ProfileFor(d.Case.RequestingState)
	if err != nil {
		return nil
	}
	var out []option
	for _, cp := range p.CrossingPointsFor(d.Case.RequestingState) {
		out = append(out, option{Value: cp.Code, Label: cp.Name + " (" + cp.Code + ")"})
	}
	return out
}

var reasonField = formField{Name: "reason", Kind: kTextarea}

// actionForms lists the fields of each action's form (LIFECYCLE.md
// "required", plus the optional details officers record).
var actionForms = map[string][]formField{
	ercms.ActRecordAcknowledgement: {{Name: "acknowledged_on", Kind: kDate}},
	ercms.ActRequestInfo:           {{Name: "question", Kind: kTextarea}},
	ercms.ActProvideInfo:           {{Name: "answer", Kind: kTextarea}},
	ercms.ActStartVerification:     {{Name: "tasks", Kind: kChecks, options: orgsOf(ercms.OrgAgency, ercms.OrgConsularMission)}, {Name: "question", Kind: kTextarea}},
	ercms.ActAnswerTask:            {{Name: "task_id", Kind: kRadios, options: openTaskOptions}, {Name: "finding", Kind: kRadios, options: codes("finding.", ercms.TaskFindings)}, {Name: "answer", Kind: kTextarea, Optional: true}},
	ercms.ActRequestInterview: {{Name: "mission_id", Kind: kSelect, options: orgsOf(ercms.OrgConsularMission)}, {Name: "mode", Kind: kRadios, options: codes("mode.", ercms.InterviewModes)},
		{Name: "language", Kind: kText}, {Name: "place", Kind: kText, Optional: true}},
	ercms.ActExtendReply:           {{Name: "days", Kind: kNumber}, {Name: "justification", Kind: kTextarea}},
	ercms.ActApprove:               {{Name: "family_covered", Kind: kChecks, Optional: true, options: familyOptions}},
	ercms.ActRefuse:                {{Name: "reasons", Kind: kChecks, options: refusalOptions}, {Name: "text", Kind: kTextarea}},
	ercms.ActReturnProposal:        {{Name: "comment", Kind: kTextarea}},
	ercms.ActCorrectDeemedApproval: {reasonField},
	ercms.ActRequestTravelDocument: {{Name: "mission_id", Kind: kSelect, options: orgsOf(ercms.OrgConsularMission)}},
	ercms.ActIssueTravelDocument:   {{Name: "number", Kind: kText}, {Name: "valid_until", Kind: kDate}},
	ercms.ActRenewTravelDocument:   {{Name: "valid_until", Kind: kDate}, {Name: "number", Kind: kText, Optional: true}},
	ercms.ActNotifyTransfer: {{Name: "transfer.date", Kind: kDate}, {Name: "transfer.time", Kind: kText, Optional: true},
		{Name: "transfer.crossing_point", Kind: kSelect, options: crossingOptions}, {Name: "transfer.flight_or_vehicle", Kind: kText, Optional: true},
		{Name: "transfer.escorts", Kind: kNumber}, {Name: "transfer.escort_names", Kind: kTextarea, Optional: true},
		{Name: "transfer.medical_escort", Kind: kCheckbox, Optional: true}, {Name: "transfer.security_measures", Kind: kText, Optional: true},
		{Name: "transfer.special_needs", Kind: kText, Optional: true}},
	ercms.ActObjectTransfer:   {reasonField},
	ercms.ActPostponeTransfer: {reasonField},
	ercms.ActRecordNoShow:     {reasonField},
	ercms.ActRecordHandover:   {{Name: "handover.at", Kind: kDateTime}, {Name: "handover.officer", Kind: kText}, {Name: "handover.persons", Kind: kNumber}, {Name: "handover.documents", Kind: kText, Optional: true}},
	ercms.ActExtendTransferWindow: {{Name: "new_end", Kind: kDate}, {Name: "justification", Kind: kTextarea},
		{Name: "requested_on", Kind: kDate, Optional: true, Only: []ercms.Role{ercms.RoleCASupervisor}}},
	ercms.ActRequestConsentWithdrawal: {reasonField},
	ercms.ActMaintainApplication:      {reasonField},
	ercms.ActWithdraw:                 {{Name: "reason_code", Kind: kRadios, options: codes("withdraw.", ercms.WithdrawReasons)}, {Name: "reason", Kind: kTextarea, Optional: true}},
	ercms.ActRequestTakeBack:          {reasonField},
	ercms.ActRecordTakeBack:           {{Name: "date", Kind: kDate}},
	ercms.ActClearFlag:                {{Name: "flag", Kind: kRadios, options: flagOptions}, reasonField},
	ercms.ActApproveTransit:           {{Name: "entry_point", Kind: kText}, {Name: "time", Kind: kText}},
	ercms.ActRefuseTransit:            {{Name: "reasons", Kind: kChecks, options: codes("transit_ground.", ercms.TransitGrounds)}, {Name: "text", Kind: kTextarea, Optional: true}},
	ercms.ActRevokeTransit:            {{Name: "reasons", Kind: kChecks, options: codes("transit_ground.", ercms.TransitGrounds)}, {Name: "text", Kind: kTextarea, Optional: true}},
	ercms.ActRecordTransit:            {{Name: "time", Kind: kText}},
}

// renderedField is a field ready for the template.
type renderedField struct {
	formField
	ID, Label, Hint string
	Options         []option
	Values          []string
	Error           string
}

// Value is the first submitted value.
func (f renderedField) Value() string {
	if len(f.Values) > 0 {
		return f.Values[0]
	}
	return ""
}

// Checked reports whether v was submitted.
func (f renderedField) Checked(v string) bool { return slices.Contains(f.Values, v) }

type actionData struct {
	caseData
	Action  string
	Fields  []renderedField
	Version int
	Confirm string
}

func (u *ui) actionForm(rq *request, d caseData, action string, errs map[string]string) (actionData, []fieldError) {
	ad := actionData{caseData: d, Action: action, Version: d.Case.Version}
	if rq.t("confirm."+action) != "[confirm."+action+"]" && u.cat.Has(rq.lang, "confirm."+action) {
		ad.Confirm = rq.t("confirm." + action)
	}
	var summary []fieldError
	used := map[string]bool{}
	for _, f := range actionForms[action] {
		if f.Only != nil && !slices.Contains(f.Only, rq.actor.Role) {
			continue
		}
		rf := renderedField{formField: f, ID: fieldID(f.Name), Label: rq.t("field." + f.Name)}
		if u.cat.Has(rq.lang, "hint."+f.Name) {
			rf.Hint = rq.t("hint." + f.Name)
		}
		if f.options != nil {
			rf.Options = f.options(u, rq, d)
		}
		if rq.r.Method == http.MethodPost {
			rf.Values = rq.r.PostForm[f.Name]
		}
		for key, msg := range errs {
			if key == f.Name || strings.HasPrefix(key, f.Name+".") || strings.HasPrefix(key, f.Name+"[") {
				if rf.Error == "" {
					rf.Error = u.fieldMessage(rq, key, msg)
					summary = append(summary, fieldError{ID: rf.ID, Message: rf.Error})
				}
				used[key] = true
			}
		}
		ad.Fields = append(ad.Fields, rf)
	}
	for key, msg := range errs {
		if !used[key] {
			summary = append(summary, fieldError{ID: "main", Message: u.fieldMessage(rq, key, msg)})
		}
	}
	slices.SortStableFunc(summary, func(a, b fieldError) int { return fieldOrder(ad.Fields, a.ID) - fieldOrder(ad.Fields, b.ID) })
	return ad, summary
}

func fieldOrder(fs []renderedField, id string) int {
	for i, f := range fs {
		if f.ID == id {
			return i
		}
	}
	return len(fs)
}

// fieldMessage translates a field error when the catalogue words it, and
// falls back to the store's English message.
func (u *ui) fieldMessage(rq *request, key, msg string) string {
	k := "invalid." + regexp.MustCompile(`\[\d+\]`).ReplaceAllString(key, "")
	if u.cat.Has(rq.lang, k) {
		return rq.t(k)
	}
	return msg
}

// actionPage shows the form of one action.
func (u *ui) actionPage(rq *request) {
	d, ok := u.loadCase(rq)
	if !ok {
		return
	}
	action := rq.r.PathValue("action")
	if !slices.Contains(d.Actions, action) {
		u.fail(rq, ercms.CanAct(*rq.actor, d.Case, action, u.s.db.Today()))
		return
	}
	ad, _ := u.actionForm(rq, d, action, nil)
	u.render(rq, http.StatusOK, "action", page{Title: rq.t("action."+action) + " – " + rq.t("case.title", "reference", d.Case.Reference), Data: ad})
}

// actionSubmit takes the action; field errors re-render the form with an
// error summary and the values entered.
func (u *ui) actionSubmit(rq *request) {
	action := rq.r.PathValue("action")
	version, _ := strconv.Atoi(rq.r.PostFormValue("version"))
	in, errs := u.parseAction(rq, action)
	var err error
	var c *ercms.Case
	if len(errs) == 0 {
		c, err = u.s.db.Act(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), action, version, in)
		var e *ercms.Error
		if ercms.ErrorCode(err) == ercms.EInvalid && asError(err, &e) {
			errs = e.Fields
			if len(errs) == 0 {
				errs = map[string]string{"": e.Message}
			}
		} else if err != nil {
			u.fail(rq, err)
			return
		}
	}
	if len(errs) > 0 {
		d, ok := u.loadCase(rq)
		if !ok {
			return
		}
		ad, summary := u.actionForm(rq, d, action, errs)
		u.render(rq, http.StatusUnprocessableEntity, "action", page{Title: rq.t("error.title_prefix") + " " + rq.t("action."+action) + " – " + rq.t("case.title", "reference", d.Case.Reference), Data: ad, Errors: summary})
		return
	}
	msg := rq.t("flash.done", "action", rq.t("action."+action), "reference", c.Reference, "status", rq.t("state."+string(c.Status)))
	if nd := c.NextDeadline(); nd != nil && nd.DueOn != nil {
		msg += " " + rq.t("flash.next_due", "deadline", rq.t("clock."+nd.Kind), "date", formatDate(rq, *nd.DueOn))
	}
	u.flash(rq, msg)
	target := "/cases/" + c.ID
	if !ercms.CanView(*rq.actor, c, u.s.db.Today()) {
		target = "/"
	}
	http.Redirect(rq.w, rq.r, target, http.StatusSeeOther)
}

// parseAction reads an action form into the action input; values that do
// not parse are field errors.
func (u *ui) parseAction(rq *request, action string) (ercms.ActionInput, map[string]string) {
	f := rq.r.PostForm
	errs := map[string]string{}
	var in ercms.ActionInput
	get := func(name string) string { return strings.TrimSpace(f.Get(name)) }
	date := func(name string) *civil.Date {
		v := get(name)
		if v == "" {
			return nil
		}
		d, err := civil.Parse(v)
		if err != nil {
			errs[name] = rq.t("invalid.date")
			return nil
		}
		return &d
	}
	number := func(name string) int {
		v := get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[name] = rq.t("invalid.number")
		}
		return n
	}
	in.Question, in.Answer, in.Comment, in.Reason = get("question"), get("answer"), get("comment"), get("reason")
	in.Justification, in.Text, in.Finding, in.TaskID = get("justification"), get("text"), get("finding"), get("task_id")
	in.MissionID, in.Mode, in.Language, in.Place = get("mission_id"), get("mode"), get("language"), get("place")
	in.Number, in.ReasonCode, in.Flag, in.EntryPoint, in.Time = get("number"), get("reason_code"), get("flag"), get("entry_point"), get("time")
	in.Reasons = f["reasons"]
	in.Days = number("days")
	in.ValidUntil, in.NewEnd, in.Date = date("valid_until"), date("new_end"), date("date")
	in.AcknowledgedOn, in.RequestedOn = date("acknowledged_on"), date("requested_on")
	switch action {
	case ercms.ActStartVerification:
		for _, org := range f["tasks"] {
			in.Tasks = append(in.Tasks, ercms.TaskInput{OrganisationID: org, Question: in.Question})
		}
		in.Question = ""
	case ercms.ActApprove:
		fam := append([]string{}, f["family_covered"]...)
		in.FamilyCovered = &fam
	case ercms.ActNotifyTransfer:
		t := &ercms.Transfer{Time: get("transfer.time"), CrossingPoint: get("transfer.crossing_point"), Flight: get("transfer.flight_or_vehicle"),
			Escorts: number("transfer.escorts"), MedicalEscort: get("transfer.medical_escort") != "", Security: get("transfer.security_measures"),
			SpecialNeeds: get("transfer.special_needs")}
		if d := date("transfer.date"); d != nil {
			t.Date = *d
		}
		for _, n := range strings.Split(get("transfer.escort_names"), "\n") {
			if n = strings.TrimSpace(n); n != "" {
				t.EscortNames = append(t.EscortNames, n)
			}
		}
		in.Transfer = t
	case ercms.ActRecordHandover:
		h := &ercms.Handover{Officer: get("handover.officer"), Persons: number("handover.persons"), Documents: get("handover.documents")}
		if v := get("handover.at"); v != "" {
			at, err := time.ParseInLocation("2006-01-02T15:04", v, u.s.db.Location())
			if err != nil {
				errs["handover.at"] = rq.t("invalid.datetime")
			}
			h.At = at
		}
		in.Handover = h
	}
	return in, errs
}

func formatDate(rq *request, d civil.Date) string { return i18n.FormatDate(rq.lang, d) }
