package web

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/names"
)

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
				out = append(out, option{Value: o.ID, Label: o.NameIn(rq.lang)})
			}
		}
		slices.SortFunc(out, func(a, b option) int { return i18n.Compare(rq.lang, a.Label, b.Label) })
		return out
	}
}

func familyOptions(_ *ui, rq *request, d caseData) []option {
	var out []option
	for _, f := range d.Case.Family {
		out = append(out, option{Value: f.ID, Label: names.Upper(f.Surname, f.Nationality) + " " + f.GivenNames + " (" + rq.t("relationship."+f.Relationship) + ")"})
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

// findingOptions offers the findings of the kinds of task open for the
// user's organisation: a verification's, an interview's, or both.
func findingOptions(_ *ui, rq *request, d caseData) []option {
	var list []string
	for _, t := range d.Case.Tasks {
		if t.OrgID != rq.actor.Org.ID || t.Status != ercms.TaskOpen || t.Kind == ercms.TaskTravelDocument {
			continue
		}
		findings := ercms.TaskFindings
		if t.Kind == ercms.TaskInterview {
			findings = ercms.InterviewFindings
		}
		for _, f := range findings {
			if !slices.Contains(list, f) {
				list = append(list, f)
			}
		}
	}
	out := make([]option, len(list))
	for i, f := range list {
		out[i] = option{Value: f, Label: rq.t("finding." + f)}
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

func crossingOptions(u *ui, rq *request, d caseData) []option {
	p, err := u.s.db.ProfileFor(d.Case.RequestingState)
	if err != nil {
		return nil
	}
	var out []option
	for _, cp := range p.CrossingPointsFor(d.Case.RequestingState) {
		out = append(out, option{Value: cp.Code, Label: cp.NameIn(rq.lang) + " (" + cp.Code + ")"})
	}
	return out
}

// choices gives the options of each list that action fields choose from
// (ercms.Choices).
var choices = map[ercms.Choices]func(*ui, *request, caseData) []option{
	ercms.ChoicesVerifiers:       orgsOf(ercms.OrgAgency, ercms.OrgConsularMission),
	ercms.ChoicesMissions:        orgsOf(ercms.OrgConsularMission),
	ercms.ChoicesOpenTasks:       openTaskOptions,
	ercms.ChoicesFindings:        findingOptions,
	ercms.ChoicesInterviewModes:  codes("mode.", ercms.ChoicesInterviewModes.Fixed()),
	ercms.ChoicesFamily:          familyOptions,
	ercms.ChoicesRefusalReasons:  refusalOptions,
	ercms.ChoicesCrossingPoints:  crossingOptions,
	ercms.ChoicesWithdrawReasons: codes("withdraw.", ercms.ChoicesWithdrawReasons.Fixed()),
	ercms.ChoicesActiveFlags:     flagOptions,
	ercms.ChoicesTransitGrounds:  codes("transit_ground.", ercms.ChoicesTransitGrounds.Fixed()),
}

// actionFields returns the fields of an action's form: its description's.
func actionFields(action string) []ercms.Field {
	if d := ercms.Describe(action); d != nil {
		return d.Fields
	}
	return nil
}

// renderedField is a field ready for the template.
type renderedField struct {
	ercms.Field
	ID, Label, Hint string
	Options         []option
	Values          []string
	// Parts are a date's day, month and year as submitted (KindDate).
	Parts map[string]string
	Error string
}

// Value is the first submitted value.
func (f renderedField) Value() string {
	if len(f.Values) > 0 {
		return f.Values[0]
	}
	return ""
}

// Part is the submitted value of one of a date's three fields: day, month or year.
func (f renderedField) Part(p string) string { return f.Parts[p] }

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
	for _, f := range actionFields(action) {
		if f.Only != nil && !slices.Contains(f.Only, rq.actor.Role) {
			continue
		}
		rf := renderedField{Field: f, ID: fieldID(f.Name), Label: rq.t("field." + f.Name)}
		if u.cat.Has(rq.lang, "hint."+f.Name) {
			rf.Hint = rq.t("hint." + f.Name)
		}
		if options := choices[f.Choices]; options != nil {
			rf.Options = options(u, rq, d)
		}
		if rq.r.Method == http.MethodPost {
			rf.Values = rq.r.PostForm[f.Name]
			if f.Kind == ercms.KindDate {
				rf.Parts = map[string]string{}
				for _, p := range []string{"day", "month", "year"} {
					rf.Parts[p] = rq.r.PostForm.Get(f.Name + "." + p)
				}
			}
		}
		for key, msg := range errs {
			// tasks[0].question is the error of the field tasks.question; an
			// error about a whole list (tasks) lands on its first field.
			path := listIndex.ReplaceAllString(key, "")
			if !used[key] && (path == f.Name || strings.HasPrefix(path, f.Name+".") || strings.HasPrefix(f.Name, path+".")) {
				if rf.Error == "" {
					rf.Error = msg
					summary = append(summary, fieldError{ID: rf.ID, Message: rf.Error})
				}
				used[key] = true
			}
		}
		ad.Fields = append(ad.Fields, rf)
	}
	for key, msg := range errs {
		if !used[key] {
			summary = append(summary, fieldError{ID: "main", Message: msg})
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

// listIndex matches the index of a list item in a field's path.
var listIndex = regexp.MustCompile(`\[\d+\]`)

// messageText renders one message of an error for the reader: a message key
// with its arguments in the reader's language. A sentence of an adapter not
// yet moved to keys is shown in the catalogue's wording of the field
// ("invalid.<field>", list indexes dropped) when it has one, else as written.
func (u *ui) messageText(rq *request, field, msg string, args map[string]any) string {
	if ercms.IsKey(msg) {
		return u.cat.Message(rq.lang, msg, args)
	}
	if k := "invalid." + listIndex.ReplaceAllString(field, ""); field != "" && u.cat.Has(rq.lang, k) {
		return rq.t(k)
	}
	return msg
}

// errorText renders the message of err as a whole for the reader.
func (u *ui) errorText(rq *request, err error) string {
	msg, args := ercms.ErrorMessage(err)
	return u.messageText(rq, "", msg, args)
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
	errs = rq.withRefused(errs)
	var err error
	var c *ercms.Case
	status := http.StatusUnprocessableEntity
	if len(errs) == 0 {
		c, err = u.s.db.Act(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), action, version, in)
		switch {
		case ercms.ErrorCode(err) == ercms.EInvalid:
			errs, _ = u.errorTexts(rq, err)
		case ercms.ErrorCode(err) == ercms.EPreconditionFailed:
			// Someone changed the case (a file, a message, an action) while
			// the officer filled in the form: the form comes back with what
			// was entered, on the case as it is now, to be checked and sent again.
			status = http.StatusPreconditionFailed
			errs = map[string]string{"": rq.t("error.stale")}
		case err != nil:
			u.fail(rq, err)
			return
		}
	}
	if len(errs) > 0 {
		d, ok := u.loadCase(rq)
		if !ok {
			return
		}
		if status == http.StatusPreconditionFailed && !slices.Contains(d.Actions, action) {
			u.fail(rq, err) // the change took the action away: nothing to send again
			return
		}
		ad, summary := u.actionForm(rq, d, action, errs)
		u.render(rq, status, "action", page{Title: rq.t("error.title_prefix") + " " + rq.t("action."+action) + " – " + rq.t("case.title", "reference", d.Case.Reference), Data: ad, Errors: summary})
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

// parseAction reads an action form into the action's input, field by field
// of its description, so that the form sends what the API would accept and
// nothing else; values that do not parse are field errors.
func (u *ui) parseAction(rq *request, action string) (ercms.ActionInput, map[string]string) {
	errs := map[string]string{}
	d := ercms.Describe(action)
	if d == nil {
		return ercms.ActionInput{}, errs
	}
	x := d.New()
	for _, f := range d.Fields {
		u.setField(rq, reflect.ValueOf(x).Elem(), strings.Split(f.Name, "."), f, errs)
	}
	return ercms.Union(x), errs
}

// setField sets the field at path in the struct v from the form value of
// field f. A list of structs gets one item per value of its checks field
// (the organisations ticked), and the values of its other fields are set on
// every item (one question to all of them): the checks field comes first.
func (u *ui) setField(rq *request, v reflect.Value, path []string, f ercms.Field, errs map[string]string) {
	sf, ok := fieldByJSON(v.Type(), path[0])
	if !ok {
		panic("web: " + f.Name + " is no field of " + v.Type().String()) // TestActionFormsFitInputs
	}
	fv := v.FieldByIndex(sf.Index)
	if len(path) > 1 {
		switch fv.Kind() {
		case reflect.Pointer:
			if fv.IsNil() {
				fv.Set(reflect.New(fv.Type().Elem()))
			}
			u.setField(rq, fv.Elem(), path[1:], f, errs)
		case reflect.Slice:
			if f.Kind == ercms.KindChecks {
				values := rq.r.PostForm[f.Name]
				fv.Set(reflect.MakeSlice(fv.Type(), len(values), len(values)))
				for i, val := range values {
					item, _ := fieldByJSON(fv.Type().Elem(), path[1])
					fv.Index(i).FieldByIndex(item.Index).SetString(strings.TrimSpace(val))
				}
				return
			}
			for i := range fv.Len() {
				u.setField(rq, fv.Index(i), path[1:], f, errs)
			}
		default:
			u.setField(rq, fv, path[1:], f, errs)
		}
		return
	}
	form := rq.r.PostForm
	get := strings.TrimSpace(form.Get(f.Name))
	switch target := fv.Addr().Interface().(type) {
	case *string:
		*target = get
	case *int:
		if get != "" {
			n, err := strconv.Atoi(get)
			if err != nil {
				errs[f.Name] = rq.t("invalid.number")
			}
			*target = n
		}
	case *bool:
		*target = get != ""
	case *[]string:
		if f.Kind == ercms.KindTextarea { // one per line
			for _, line := range strings.Split(get, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					*target = append(*target, line)
				}
			}
		} else {
			*target = form[f.Name]
		}
	case **[]string: // a list that is sent even when empty (family_covered)
		list := append([]string{}, form[f.Name]...)
		*target = &list
	case *civil.Date, **civil.Date:
		day, key := formDate(func(k string) string { return strings.TrimSpace(form.Get(k)) }, f.Name)
		if key != "" {
			errs[f.Name] = rq.t(key)
		}
		if day == nil {
			return
		}
		if p, ok := target.(**civil.Date); ok {
			*p = day
		} else {
			*target.(*civil.Date) = *day
		}
	case *time.Time:
		if get == "" {
			return
		}
		at, err := time.ParseInLocation("2006-01-02T15:04", get, u.s.db.Location())
		if err != nil {
			errs[f.Name] = rq.t("invalid.datetime")
		}
		*target = at
	default:
		panic("web: no form value for " + f.Name + " of type " + fv.Type().String()) // TestActionFormsFitInputs
	}
}

// fieldByJSON returns the field of struct type t named name in JSON, a
// field of an embedded struct included (JSON flattens it); its Index leads
// to it through the embedding.
func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && !f.Anonymous && tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func formatDate(rq *request, d civil.Date) string { return i18n.FormatDate(rq.lang, d) }
