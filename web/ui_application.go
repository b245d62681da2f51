package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

// The application form goes one topic per page (UI.md): person, family,
// evidence, special circumstances, then "check your answers". The first
// page creates the draft; every later page saves it, so a draft survives a
// closed browser.
var applicationSteps = []string{"person", "family", "evidence", "files", "special", "review"}

func (s *Server) applicationRoutes(u *ui) {
	page := func(pattern string, h func(*request)) { s.mux.Handle(pattern, u.handle(true, h)) }
	page("GET /applications/new", u.newApplication)
	page("POST /applications/new", u.createApplication)
	page("GET /cases/{id}/application/{step}", u.applicationStep)
	page("POST /cases/{id}/application/{step}", u.saveApplicationStep)
}

type applicationData struct {
	Case   *ercms.Case // nil before the draft exists
	Step   string
	Steps  []string
	Index  int
	Values map[string]string
	// Catalogue of evidence types, for the evidence step.
	Evidence []string
	// Files are the draft's attachments (the files step and the review).
	Files []ercms.Attachment
	// Purposes are what a file of the application may be.
	Purposes []string
}

// applicationPurposes are the files an application carries: the photo,
// the fingerprints and the scan of each evidence item.
var applicationPurposes = []string{ercms.AttachPhoto, ercms.AttachFingerprints, ercms.AttachEvidence}

// Value returns the form value of a field (the submitted one after an error).
func (d applicationData) Value(name string) string { return d.Values[name] }

// StepURL links a step of this draft.
func (d applicationData) StepURL(step string) string {
	if d.Case == nil {
		return "/applications/new"
	}
	return "/cases/" + d.Case.ID + "/application/" + step
}

func (u *ui) applicationPage(rq *request, status int, d applicationData, errs []fieldError) {
	d.Steps, d.Index = applicationSteps, slices.Index(applicationSteps, d.Step)+1
	for _, e := range u.s.db.EvidenceCatalogue() {
		d.Evidence = append(d.Evidence, e.Code)
	}
	d.Purposes = applicationPurposes
	if d.Case != nil && (d.Step == "files" || d.Step == "review") {
		files, err := u.s.db.Attachments(rq.r.Context(), *rq.actor, d.Case.ID)
		if err != nil {
			u.fail(rq, err)
			return
		}
		d.Files = files
	}
	title := rq.t("application.step."+d.Step) + " – " + rq.t("application.title")
	if d.Case != nil {
		title += " " + d.Case.Reference // each draft's pages have their own title
	}
	if len(errs) > 0 {
		title = rq.t("error.title_prefix") + " " + title
	}
	u.render(rq, status, "application", page{Title: title, Data: d, Errors: errs})
}

func (u *ui) newApplication(rq *request) {
	if !rq.actor.IsRequesting() {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	u.applicationPage(rq, http.StatusOK, applicationData{Step: "person", Values: map[string]string{"procedure": "normal", "category": "own_national"}}, nil)
}

// personValues fills the person step's form from a draft.
func personValues(c *ercms.Case) map[string]string {
	p := c.Person
	v := map[string]string{
		"requesting_reference": c.RequestingReference, "procedure": string(c.Procedure), "category": string(c.Category),
		"person.surname": p.Surname, "person.given_names": p.GivenNames, "person.sex": p.Sex, "person.place_of_birth": p.PlaceOfBirth,
		"person.nationality": p.Nationality, "person.previous_nationality": p.PreviousNation, "person.father_name": p.FatherName, "person.mother_name": p.MotherName,
		"person.document_numbers": strings.Join(p.DocumentNumbers, ", "), "person.languages": strings.Join(p.Languages, ", "),
	}
	if o := p.OriginalScript; o != nil {
		v["person.original_script.surname"], v["person.original_script.given_names"] = o.Surname, o.GivenNames
	}
	setPartialDate(v, "dob", p.DateOfBirth)
	setDate(v, "apprehended_on", c.ApprehendedOn)
	setDate(v, "facts_known_on", c.FactsKnownOn)
	setDate(v, "obstacle_removed_on", c.ObstacleRemovedOn)
	v["obstacle"] = c.Obstacle
	sp := c.Special
	for name, on := range map[string]bool{"special.needs_care": sp.NeedsCare, "special.care_consent": sp.CareConsent, "special.medical_escort": sp.MedicalEscort,
		"special.contagious_disease": sp.ContagiousDisease, "special.minor": sp.Minor, "special.victim_of_trafficking": sp.VictimOfTrafficking,
		"interview_requested": c.InterviewRequested} {
		if on {
			v[name] = "yes"
		}
	}
	v["special.health"], v["special.security_risk"], v["observations"] = sp.Health, sp.SecurityRisk, c.Observations
	return v
}

// draftOf rebuilds the creation input of a draft, to be changed by a step and saved.
func draftOf(c *ercms.Case) ercms.NewCase {
	return ercms.NewCase{Type: c.Type, RequestingReference: c.RequestingReference, Procedure: c.Procedure, Category: c.Category, Application: c.Application}
}

// readPerson applies the person step's form to n; values that do not parse are field errors.
func readPerson(rq *request, n *ercms.NewCase) map[string]string {
	f := rq.r.PostForm
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	errs := map[string]string{}
	n.Type = ercms.TypeReadmission
	n.RequestingReference, n.Procedure, n.Category = get("requesting_reference"), ercms.Procedure(get("procedure")), ercms.Category(get("category"))
	p := &n.Person
	p.Surname, p.GivenNames, p.Sex, p.PlaceOfBirth = get("person.surname"), get("person.given_names"), get("person.sex"), get("person.place_of_birth")
	// Countries are chosen from a list of codes (ercms.Countries).
	p.Nationality, p.PreviousNation = get("person.nationality"), get("person.previous_nationality")
	p.FatherName, p.MotherName = get("person.father_name"), get("person.mother_name")
	p.DocumentNumbers, p.Languages = splitList(get("person.document_numbers")), splitList(get("person.languages"))
	if s, g := get("person.original_script.surname"), get("person.original_script.given_names"); s != "" || g != "" {
		p.OriginalScript = &ercms.Name{Surname: s, GivenNames: g, Script: scriptOf(s + g)}
	} else {
		p.OriginalScript = nil
	}
	var key string
	if p.DateOfBirth, key = formPartialDate(get, "dob"); key != "" {
		errs["person.date_of_birth"] = rq.t(key)
	}
	n.Obstacle = get("obstacle")
	for name, dst := range map[string]**civil.Date{"apprehended_on": &n.ApprehendedOn, "facts_known_on": &n.FactsKnownOn, "obstacle_removed_on": &n.ObstacleRemovedOn} {
		if *dst, key = formDate(get, name); key != "" {
			errs[name] = rq.t(key)
		}
	}
	return errs
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// scriptOf names the script of a name: Cyrillic, Arabic or Latin (ISO 15924).
func scriptOf(s string) string {
	for _, r := range s {
		switch {
		case r >= 0x0400 && r <= 0x04FF:
			return "Cyrl"
		case r >= 0x0600 && r <= 0x06FF:
			return "Arab"
		case r >= 0x10A0 && r <= 0x10FF:
			return "Geor"
		}
	}
	return "Latn"
}

// saveErrors turns the store's field errors into a summary linking to the fields.
func (u *ui) saveErrors(rq *request, errs map[string]string) []fieldError {
	var out []fieldError
	for k, m := range errs {
		id := fieldID(k)
		if k == "person.date_of_birth" {
			id = fieldID("dob.day")
		}
		out = append(out, fieldError{ID: id, Message: m})
	}
	slices.SortFunc(out, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// errorTexts returns the messages of an EInvalid error in the reader's
// language by field ("" for an error without fields), and whether err is one.
func (u *ui) errorTexts(rq *request, err error) (map[string]string, bool) {
	var e *ercms.Error
	if ercms.ErrorCode(err) != ercms.EInvalid || !asError(err, &e) {
		return nil, false
	}
	if len(e.Fields) == 0 {
		return map[string]string{"": u.messageText(rq, "", e.Message, e.Args)}, true
	}
	out := make(map[string]string, len(e.Fields))
	for k, m := range e.Fields {
		out[k] = u.messageText(rq, k, m, e.FieldArgs[k])
	}
	return out, true
}

func (u *ui) createApplication(rq *request) {
	if !rq.actor.IsRequesting() {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	var n ercms.NewCase
	errs := rq.withRefused(readPerson(rq, &n))
	if len(errs) == 0 {
		c, _, err := u.s.db.CreateCase(rq.r.Context(), *rq.actor, n, rq.r.PostFormValue("idempotency_key"))
		if err == nil {
			http.Redirect(rq.w, rq.r, "/cases/"+c.ID+"/application/family", http.StatusSeeOther)
			return
		}
		var ok bool
		if errs, ok = u.errorTexts(rq, err); !ok {
			u.fail(rq, err)
			return
		}
	}
	u.applicationPage(rq, http.StatusUnprocessableEntity, applicationData{Step: "person", Values: formValues(rq)}, u.saveErrors(rq, errs))
}

func formValues(rq *request) map[string]string {
	v := map[string]string{}
	for k, vs := range rq.r.PostForm {
		if len(vs) > 0 {
			v[k] = vs[0]
		}
	}
	return v
}

// loadDraft reads a draft of the actor's state for the form.
func (u *ui) loadDraft(rq *request) (*ercms.Case, bool) {
	c, err := u.s.db.FindCase(rq.r.Context(), *rq.actor, rq.r.PathValue("id"))
	if err != nil {
		u.fail(rq, err)
		return nil, false
	}
	if c.Status != ercms.StateDraft || !rq.actor.IsRequesting() {
		http.Redirect(rq.w, rq.r, "/cases/"+c.ID, http.StatusSeeOther)
		return nil, false
	}
	return c, true
}

func (u *ui) applicationStep(rq *request) {
	step := rq.r.PathValue("step")
	if !slices.Contains(applicationSteps, step) {
		u.notFound(rq)
		return
	}
	c, ok := u.loadDraft(rq)
	if !ok {
		return
	}
	u.applicationPage(rq, http.StatusOK, applicationData{Case: c, Step: step, Values: personValues(c)}, nil)
}

// saveApplicationStep saves one page of the form. The family and evidence
// pages add or remove one item per request; "continue" goes to the next page.
func (u *ui) saveApplicationStep(rq *request) {
	step := rq.r.PathValue("step")
	c, ok := u.loadDraft(rq)
	if !ok {
		return
	}
	f := rq.r.PostForm
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	n := draftOf(c)
	errs := map[string]string{}
	next := step
	switch step {
	case "person":
		errs = readPerson(rq, &n)
		next = "family"
	case "family":
		switch {
		case get("remove") != "":
			n.Family = slices.DeleteFunc(n.Family, func(m ercms.FamilyMember) bool { return m.ID == get("remove") })
		case get("add") != "":
			m := ercms.FamilyMember{Relationship: get("family.relationship"), Surname: get("family.surname"), GivenNames: get("family.given_names"), Sex: get("family.sex"),
				Nationality: get("family.nationality")}
			var key string
			if m.DateOfBirth, key = formPartialDate(get, "family.dob"); key != "" {
				errs["family.date_of_birth"] = rq.t(key)
			}
			n.Family = append(n.Family, m)
		default:
			next = "evidence"
		}
	case "evidence":
		switch {
		case get("remove") != "":
			n.Evidence = slices.DeleteFunc(n.Evidence, func(e ercms.Evidence) bool { return e.ID == get("remove") })
		case get("add") != "":
			e := ercms.Evidence{Type: get("evidence.type"), Number: get("evidence.document_number"), IssuedAt: get("evidence.issued_at"), Authority: get("evidence.authority")}
			var key string
			if e.IssuedOn, key = formDate(get, "evidence.issued_on"); key != "" {
				errs["evidence.issued_on"] = rq.t(key)
			}
			n.Evidence = append(n.Evidence, e)
		default:
			n.InterviewRequested = get("interview_requested") != ""
			next = "files"
		}
	case "files":
		if id := get("remove_file"); id != "" {
			u.removeDraftFile(rq, c, id, get("version"))
			return
		}
		if get("continue") != "" {
			http.Redirect(rq.w, rq.r, "/cases/"+c.ID+"/application/special", http.StatusSeeOther)
			return
		}
		if len(rq.refused) > 0 {
			break // nothing is attached from a form with refused text
		}
		att, fields, err := u.attachPosted(rq, c)
		if err != nil {
			u.fail(rq, err)
			return
		}
		if fields == nil {
			u.flash(rq, rq.t("files.attached", "name", att.Name))
			http.Redirect(rq.w, rq.r, "/cases/"+c.ID+"/application/files", http.StatusSeeOther)
			return
		}
		errs = fields
	case "special":
		on := func(k string) bool { return get(k) != "" }
		n.Special = ercms.Special{NeedsCare: on("special.needs_care"), CareConsent: on("special.care_consent"), Health: get("special.health"),
			MedicalEscort: on("special.medical_escort"), ContagiousDisease: on("special.contagious_disease"), SecurityRisk: get("special.security_risk"),
			Minor: on("special.minor"), VictimOfTrafficking: on("special.victim_of_trafficking")}
		n.Observations = get("observations")
		next = "review"
	case "review":
		if len(rq.refused) == 0 {
			u.submitApplication(rq, c)
			return
		}
	default:
		u.notFound(rq)
		return
	}
	errs = rq.withRefused(errs)
	if len(errs) == 0 && step != "files" {
		version, _ := strconv.Atoi(get("version"))
		_, err := u.s.db.UpdateDraft(rq.r.Context(), *rq.actor, c.ID, version, n)
		if err == nil {
			http.Redirect(rq.w, rq.r, "/cases/"+c.ID+"/application/"+next, http.StatusSeeOther)
			return
		}
		var ok bool
		if errs, ok = u.errorTexts(rq, err); !ok {
			u.fail(rq, err)
			return
		}
		// Errors inside the lists name their index (family[2].surname): show them on the add form.
		errs = relabelItemErrors(errs)
	}
	u.applicationPage(rq, http.StatusUnprocessableEntity, applicationData{Case: c, Step: step, Values: formValues(rq)}, u.saveErrors(rq, errs))
}

// relabelItemErrors points errors of a list item at the add form's field.
func relabelItemErrors(errs map[string]string) map[string]string {
	out := map[string]string{}
	for k, m := range errs {
		if i := strings.Index(k, "]."); i > 0 && (strings.HasPrefix(k, "family[") || strings.HasPrefix(k, "evidence[")) {
			k = k[:strings.Index(k, "[")] + "." + k[i+2:]
		}
		out[k] = m
	}
	return out
}

// submitApplication sends the draft; missing fields send the officer back
// to the review page with links to the steps that need them.
func (u *ui) submitApplication(rq *request, c *ercms.Case) {
	version, _ := strconv.Atoi(rq.r.PostFormValue("version"))
	done, err := u.s.db.Act(rq.r.Context(), *rq.actor, c.ID, ercms.ActSubmit, version, ercms.ActionInput{})
	if err == nil {
		msg := rq.t("application.submitted", "reference", done.Reference)
		if nd := done.NextDeadline(); nd != nil && nd.DueOn != nil {
			msg += " " + rq.t("flash.next_due", "deadline", rq.t("clock."+nd.Kind), "date", formatDate(rq, *nd.DueOn))
		}
		u.flash(rq, msg)
		http.Redirect(rq.w, rq.r, "/cases/"+c.ID, http.StatusSeeOther)
		return
	}
	errs, ok := u.errorTexts(rq, err)
	if !ok && ercms.ErrorCode(err) == ercms.EConflict {
		// The agreement refuses the submission (suspended, or not yet
		// applicable to the person's category): say why on the review page,
		// the draft kept.
		summary := []fieldError{{ID: "submit-application", Message: u.errorText(rq, err)}}
		u.applicationPage(rq, http.StatusConflict, applicationData{Case: c, Step: "review", Values: personValues(c)}, summary)
		return
	}
	if !ok {
		u.fail(rq, err)
		return
	}
	var summary []fieldError
	for k, m := range errs {
		summary = append(summary, fieldError{ID: "step-" + stepOfField(k), Message: m})
	}
	slices.SortFunc(summary, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
	u.applicationPage(rq, http.StatusUnprocessableEntity, applicationData{Case: c, Step: "review", Values: personValues(c)}, summary)
}

// stepOfField names the form step where a field is entered.
func stepOfField(k string) string {
	switch {
	case strings.HasPrefix(k, "family"):
		return "family"
	case strings.HasPrefix(k, "evidence"), k == "interview_requested":
		return "evidence"
	case strings.HasPrefix(k, "special"), k == "observations":
		return "special"
	}
	return "person"
}

// removeDraftFile removes file id from draft c (the files step's remove
// button) and comes back to the files step, saying which file went.
func (u *ui) removeDraftFile(rq *request, c *ercms.Case, id, version string) {
	ctx := rq.r.Context()
	files, err := u.s.db.Attachments(ctx, *rq.actor, c.ID)
	if err != nil {
		u.fail(rq, err)
		return
	}
	name := ""
	for _, f := range files {
		if f.ID == id {
			name = f.Name
		}
	}
	v, _ := strconv.Atoi(version)
	if _, err := u.s.db.RemoveAttachment(ctx, *rq.actor, c.ID, id, v); err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("rest14.files.removed", "name", name))
	http.Redirect(rq.w, rq.r, "/cases/"+c.ID+"/application/files", http.StatusSeeOther)
}
