package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/sqldb"
)

// workflowPages are the pages of the workflow's depth: messages and files
// of a case, notifications, interview scheduling and absence cover.
func (s *Server) workflowPages(u *ui) {
	page := func(pattern string, h func(*request)) { s.mux.Handle(pattern, u.handle(true, h)) }
	page("POST /cases/{id}/messages", u.sendMessage)
	page("POST /cases/{id}/assign", u.assignCase)
	page("POST /cases/{id}/files", u.uploadFile)
	page("GET /cases/{id}/files/{file}", u.downloadFile)
	page("GET /cases/{id}/tasks/{task}/schedule", u.schedulePage)
	page("POST /cases/{id}/tasks/{task}/schedule", u.scheduleSubmit)
	page("GET /notifications", u.notificationsPage)
	page("POST /notifications/read", u.readNotifications)
	page("GET /absence", u.absencePage)
	page("POST /absence", u.absenceSubmit)
	page("GET /cases/{id}/documents/{kind}", u.caseDocument)
	s.mux.Handle("GET /verify", u.handle(false, u.verifyPage))
	s.mux.Handle("POST /verify", u.handle(false, u.verifyUpload))
	page("GET /imports/new", u.importPage)
	page("GET /forms/application", u.blankForm)
	page("POST /imports/new", u.importSubmit)
	s.transferPages(u)
}

// fieldValues serves a submitted form back to its template (Value), so a
// failed form keeps what the user typed.
type fieldValues map[string]string

// Value returns the submitted value of a field.
func (f fieldValues) Value(name string) string { return f[name] }

// caseSectionsFor lists the sections of a case the user sees: the parties
// also read and write the messages between them.
func caseSectionsFor(a ercms.Actor) []string {
	s := slices.Clone(caseSections)
	if ercms.Side(a) != "" {
		s = append(s, "messages")
	}
	return s
}

// loadSection reads what a workflow section shows into d.
func (u *ui) loadSection(rq *request, d *caseData) error {
	var err error
	switch d.Section {
	case "summary", "history": // the officer in charge; officers named in notes
		if rq.actor.IsCA() {
			users, err := u.s.db.Colleagues(rq.r.Context(), *rq.actor)
			if err != nil {
				return err
			}
			for _, x := range users {
				if x.Role == ercms.RoleCAOfficer || x.Role == ercms.RoleCASupervisor {
					d.Officers = append(d.Officers, x)
				}
			}
		}
	case "messages":
		d.Side = ercms.Side(*rq.actor)
		if d.Form == nil {
			d.Form = fieldValues{"reply_to": rq.r.URL.Query().Get("reply_to")}
		}
		d.Messages, err = u.s.db.Messages(rq.r.Context(), *rq.actor, d.Case.ID)
	case "files":
		d.Files, err = u.s.db.Attachments(rq.r.Context(), *rq.actor, d.Case.ID)
		d.Purposes = attachPurposes(*rq.actor, d.Case)
	}
	return err
}

// attachPurposes lists the kinds of file the user may attach to c.
func attachPurposes(a ercms.Actor, c *ercms.Case) []string {
	var out []string
	for _, p := range ercms.AttachmentPurposes {
		if ercms.MayAttach(a, c, p) && !ercms.Terminal(c.Status) {
			out = append(out, p)
		}
	}
	return out
}

// sectionError renders a case section again with the errors of its form.
func (u *ui) sectionError(rq *request, section string, values fieldValues, errs map[string]string) {
	d, ok := u.loadCase(rq)
	if !ok {
		return
	}
	d.Section, d.Form = section, values
	if err := u.loadSection(rq, &d); err != nil {
		u.fail(rq, err)
		return
	}
	summary := u.fieldErrors(rq, errs)
	title := rq.t("case.title", "reference", d.Case.Reference) + " – " + rq.t("section."+section)
	u.render(rq, http.StatusUnprocessableEntity, "case", page{Title: title, Data: d, Errors: summary})
}

func (u *ui) sendMessage(rq *request) {
	f := rq.r.PostForm
	m := ercms.NewMessage{Kind: f.Get("kind"), Subject: f.Get("subject"), Body: f.Get("body"), ReplyTo: f.Get("reply_to")}
	if len(rq.refused) > 0 {
		u.sectionError(rq, "messages", fieldValues{"kind": m.Kind, "subject": m.Subject, "body": m.Body, "reply_to": m.ReplyTo}, rq.refused)
		return
	}
	_, err := u.s.db.SendMessage(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), m)
	if fields, ok := u.errorTexts(rq, err); ok {
		u.sectionError(rq, "messages", fieldValues{"kind": m.Kind, "subject": m.Subject, "body": m.Body, "reply_to": m.ReplyTo}, fields)
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("messages.sent"))
	http.Redirect(rq.w, rq.r, "/cases/"+url.PathEscape(rq.r.PathValue("id"))+"/messages", http.StatusSeeOther)
}

func (u *ui) downloadFile(rq *request) {
	t, rc, err := u.s.db.OpenAttachment(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), rq.r.PathValue("file"))
	if err != nil {
		u.fail(rq, err)
		return
	}
	defer rc.Close()
	serveAttachment(rq.w, t, rc)
}

func (u *ui) notificationsPage(rq *request) {
	notes, unread, err := u.s.db.Notifications(rq.r.Context(), *rq.actor, 100)
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.render(rq, http.StatusOK, "notifications", page{Title: rq.t("notifications.title"), Data: map[string]any{"Notifications": notes, "Unread": unread}})
}

func (u *ui) readNotifications(rq *request) {
	if err := u.s.db.MarkNotificationsRead(rq.r.Context(), *rq.actor, ""); err != nil {
		u.fail(rq, err)
		return
	}
	http.Redirect(rq.w, rq.r, "/notifications", http.StatusSeeOther)
}

// scheduleData is the form that fixes an interview's time and place.
type scheduleData struct {
	Case *ercms.Case
	Task *ercms.Task
	fieldValues
}

func (u *ui) scheduleForm(rq *request, status int, values fieldValues, errs []fieldError) {
	d, ok := u.loadCase(rq)
	if !ok {
		return
	}
	t := d.Case.Task(rq.r.PathValue("task"))
	if t == nil || t.Kind != ercms.TaskInterview || t.OrgID != rq.actor.Org.ID || t.Status != ercms.TaskOpen {
		u.notFound(rq)
		return
	}
	if values == nil {
		values = fieldValues{"place": t.Place}
		if t.ScheduledAt != nil {
			values["scheduled_at"] = t.ScheduledAt.In(u.s.db.Location()).Format("2006-01-02T15:04")
		}
	}
	values["version"] = strconv.Itoa(d.Case.Version)
	u.render(rq, status, "schedule", page{Title: rq.t("schedule.title") + " – " + rq.t("case.title", "reference", d.Case.Reference),
		Data: scheduleData{Case: d.Case, Task: t, fieldValues: values}, Errors: errs})
}

func (u *ui) schedulePage(rq *request) { u.scheduleForm(rq, http.StatusOK, nil, nil) }

func (u *ui) scheduleSubmit(rq *request) {
	f := rq.r.PostForm
	values := fieldValues{"scheduled_at": f.Get("scheduled_at"), "place": f.Get("place")}
	version, _ := strconv.Atoi(f.Get("version"))
	var at time.Time
	if v := strings.TrimSpace(values["scheduled_at"]); v != "" {
		var err error
		if at, err = time.ParseInLocation("2006-01-02T15:04", v, u.s.db.Location()); err != nil {
			u.scheduleForm(rq, http.StatusUnprocessableEntity, values, []fieldError{{ID: fieldID("scheduled_at"), Message: rq.t("invalid.scheduled_at")}})
			return
		}
	}
	c, err := u.s.db.ScheduleInterview(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), version, rq.r.PathValue("task"), at, values["place"])
	if fields, ok := u.errorTexts(rq, err); ok {
		u.scheduleForm(rq, http.StatusUnprocessableEntity, values, u.fieldErrors(rq, fields))
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("schedule.saved", "reference", c.Reference))
	http.Redirect(rq.w, rq.r, "/cases/"+url.PathEscape(c.ID)+"/verification", http.StatusSeeOther)
}

// absenceData is the form that moves an absent officer's cases.
type absenceData struct {
	Officers []ercms.User
	fieldValues
}

func (u *ui) absenceForm(rq *request, status int, values fieldValues, errs []fieldError) {
	if rq.actor.Role != ercms.RoleCASupervisor {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	users, err := u.s.db.Colleagues(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	var officers []ercms.User
	for _, x := range users {
		if x.Role == ercms.RoleCAOfficer || x.Role == ercms.RoleCASupervisor {
			officers = append(officers, x)
		}
	}
	if values == nil {
		values = fieldValues{}
	}
	u.render(rq, status, "absence", page{Title: rq.t("absence.title"), Data: absenceData{Officers: officers, fieldValues: values}, Errors: errs})
}

func (u *ui) absencePage(rq *request) { u.absenceForm(rq, http.StatusOK, nil, nil) }

func (u *ui) absenceSubmit(rq *request) {
	f := rq.r.PostForm
	values := fieldValues{"from_user_id": f.Get("from_user_id"), "to_user_id": f.Get("to_user_id")}
	moved, err := u.s.db.CoverAbsence(rq.r.Context(), *rq.actor, values["from_user_id"], values["to_user_id"])
	if fields, ok := u.errorTexts(rq, err); ok {
		u.absenceForm(rq, http.StatusUnprocessableEntity, values, u.fieldErrors(rq, fields))
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("absence.moved", "n", fmt.Sprint(len(moved))))
	http.Redirect(rq.w, rq.r, "/absence", http.StatusSeeOther)
}

// maxUpload is the largest file a user may attach (a scanned multi-page
// document fits; a video does not).
const maxUpload = 20 << 20

// importData is the form for an application received by e-mail.
type importData struct {
	Authorities []ercms.Organisation
	fieldValues
}

func (u *ui) importForm(rq *request, status int, values fieldValues, errs []fieldError) {
	if !rq.actor.IsCA() {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	orgs, err := u.s.db.Organisations(rq.r.Context())
	if err != nil {
		u.fail(rq, err)
		return
	}
	var auth []ercms.Organisation
	for _, o := range orgs {
		if o.Kind == ercms.OrgRequestingAuthority && !o.Disabled {
			auth = append(auth, o)
		}
	}
	slices.SortFunc(auth, func(a, b ercms.Organisation) int {
		return cmp.Or(strings.Compare(a.State, b.State), i18n.Compare(rq.lang, a.NameIn(rq.lang), b.NameIn(rq.lang)))
	})
	if values == nil {
		values = fieldValues{}
		today := u.s.db.Today()
		setDate(values, "received_on", &today)
	}
	u.render(rq, status, "import", page{Title: rq.t("import.title"), Data: importData{Authorities: auth, fieldValues: values}, Errors: errs})
}

func (u *ui) importPage(rq *request) { u.importForm(rq, http.StatusOK, nil, nil) }

// importSubmit enters an application received by e-mail from our JSON
// export, pasted or uploaded, with the true date of receipt.
func (u *ui) importSubmit(rq *request) {
	f := rq.r.PostForm
	values := fieldValues{"requesting_organisation_id": f.Get("requesting_organisation_id"), "application": f.Get("application")}
	for _, part := range []string{".day", ".month", ".year"} {
		values["received_on"+part] = f.Get("received_on" + part)
	}
	errs := map[string]string{}
	raw := strings.TrimSpace(values["application"])
	if file, _, err := rq.r.FormFile("application_file"); err == nil {
		b, err := io.ReadAll(io.LimitReader(file, maxUpload))
		file.Close()
		if err == nil && len(b) > 0 {
			raw = string(b)
		}
	}
	var n ercms.NewCase
	switch {
	case raw == "":
		errs["application"] = rq.t("import.missing")
	case pdf.IsPDF([]byte(raw)):
		var err error
		if n, err = pdf.ReadApplicationForm([]byte(raw)); err != nil {
			errs["application"] = rq.t("import.bad_form")
		} else if path, key, char := ercms.RefusedIn(n); key != "" {
			errs["application"] = rq.t("web3.invalid.field", "field", path, "problem", rq.t(key, "char", char))
		}
	default:
		var e *ercms.Error
		if err := refusedJSON([]byte(raw)); asError(err, &e) {
			for path, key := range e.Fields { // one
				errs["application"] = rq.t("web3.invalid.field", "field", path, "problem", u.cat.Message(rq.lang, key, e.FieldArgs[path]))
			}
		} else if err := decodeStrict(raw, &n); err != nil {
			errs["application"] = rq.t("import.bad_json")
		}
	}
	var received civil.Date
	switch on, key := formDate(func(k string) string { return strings.TrimSpace(values[k]) }, "received_on"); {
	case key != "":
		errs["received_on"] = rq.t(key)
	case on == nil:
		errs["received_on"] = rq.t("invalid.received_on")
	default:
		received = *on
	}
	var original *sqldb.NewAttachment
	if file, hdr, err := rq.r.FormFile("original"); err == nil {
		b, err := io.ReadAll(io.LimitReader(file, maxUpload+1))
		file.Close()
		if err == nil {
			f, err := blob.Check(rawFilename(hdr), b, blob.Policy{MaxBytes: maxUpload, Kinds: blob.Documents})
			if reason := blob.Reason(err); reason != "" {
				errs["original"] = rq.t("upload.error."+reason, "max", i18n.FormatBytes(rq.lang, maxUpload))
			} else if err == nil {
				original = &sqldb.NewAttachment{Name: f.Name, Kind: string(f.Kind), MIME: f.MIME, Data: f.Data}
			}
		}
	}
	if len(errs) == 0 {
		c, err := u.s.db.ImportApplication(rq.r.Context(), *rq.actor, values["requesting_organisation_id"], received, n, original)
		if err == nil {
			u.flash(rq, rq.t("import.done", "reference", c.Reference))
			http.Redirect(rq.w, rq.r, "/cases/"+url.PathEscape(c.ID), http.StatusSeeOther)
			return
		}
		fields, ok := u.errorTexts(rq, err)
		if !ok {
			u.fail(rq, err)
			return
		}
		var detail []string
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			switch k {
			case "requesting_organisation_id", "received_on":
				errs[k] = fields[k]
			default:
				detail = append(detail, k+": "+fields[k])
			}
		}
		if len(detail) > 0 {
			errs["application"] = rq.t("import.incomplete", "detail", strings.Join(detail, "; "))
		}
	}
	u.importForm(rq, http.StatusUnprocessableEntity, values, u.fieldErrors(rq, errs))
}

// decodeStrict reads one JSON object into v, refusing unknown fields.
func decodeStrict(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("text after the JSON object")
	}
	return nil
}

// fieldErrors turns field messages (keyed by field name) into the error
// summary of a form, in the order of the fields' ids.
func (u *ui) fieldErrors(rq *request, fields map[string]string) []fieldError {
	var out []fieldError
	for k, m := range fields {
		out = append(out, fieldError{ID: fieldID(k), Message: m})
	}
	slices.SortFunc(out, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// refusalLabel words a refusal reason: a default one by the catalog, one an
// administrator added by its own wording.
func (u *ui) refusalLabel(l i18n.Lang, code string) string {
	for _, e := range u.s.db.RefusalReasons() {
		if e.Code == code {
			return e.Label(u.cat, l, "refusal.")
		}
	}
	return u.cat.T(l, "refusal."+code)
}

// refusalOptions are the refusal reasons in use, for the refuse form.
func refusalOptions(u *ui, rq *request, _ caseData) []option {
	var out []option
	for _, e := range u.s.db.RefusalReasons() {
		if !e.Disabled {
			out = append(out, option{Value: e.Code, Label: e.Label(u.cat, rq.lang, "refusal.")})
		}
	}
	return out
}

// evidenceLabel words an evidence type, as refusalLabel a refusal reason.
func (u *ui) evidenceLabel(l i18n.Lang, code string) string {
	for _, e := range u.s.db.EvidenceTypes() {
		if e.Code == code {
			return e.Label(u.cat, l, "evidence.")
		}
	}
	return u.cat.T(l, "evidence."+code)
}

// blankForm serves the fillable application form for member states that
// send their applications by e-mail.
func (u *ui) blankForm(rq *request) {
	b, err := pdf.ApplicationForm(nil, pdf.Options{Lang: rq.lang})
	if err != nil {
		u.fail(rq, err)
		return
	}
	writePDF(rq.w, "readmission-application-form.pdf", b)
}

// assignCase puts an officer in charge of a case: a supervisor chooses any
// officer of the central authority; an officer takes an unassigned case.
func (u *ui) assignCase(rq *request) {
	f := rq.r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	c, err := u.s.db.Assign(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), version, f.Get("user_id"))
	if fields, ok := u.errorTexts(rq, err); ok {
		u.sectionError(rq, "summary", fieldValues{"user_id": f.Get("user_id")}, fields)
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("assign.done", "reference", c.Reference))
	http.Redirect(rq.w, rq.r, "/cases/"+url.PathEscape(c.ID), http.StatusSeeOther)
}
