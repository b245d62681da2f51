package web

import (
	"net/http"
	"strings"

	"github.com/ercms/ercms"
)

// suspensionRow is one suspension as the administration page lists it.
type suspensionRow struct {
	ercms.Suspension
	Agreement string
	// State is in_force, scheduled or ended on the agreement's today.
	State string
}

// suspensionsData is the administration page of the suspensions of the
// agreements: the list and the form to record one.
type suspensionsData struct {
	Rows     []suspensionRow
	Profiles []profileChoice
	Values   map[string]string
}

// profileChoice is an agreement profile as a choice of a form.
type profileChoice struct{ ID, Name string }

// Value returns the value of a form field as typed.
func (d suspensionsData) Value(name string) string { return d.Values[name] }

func (u *ui) suspensionRoutes(page func(string, func(*request))) {
	page("GET /admin/suspensions", u.adminSuspensions)
	page("POST /admin/suspensions", u.adminSuspend)
	page("POST /admin/suspensions/{id}/end", u.adminEndSuspension)
}

func (u *ui) adminSuspensions(rq *request) {
	u.suspensionsPage(rq, http.StatusOK, nil, nil)
}

func (u *ui) suspensionsPage(rq *request, status int, values map[string]string, errs []fieldError) {
	rules := u.s.db.Rules()
	d := suspensionsData{Values: values}
	for _, id := range rules.ProfileIDs() {
		p, err := rules.Latest(id)
		if err != nil {
			continue
		}
		name := p.Names.Or(rq.lang, p.Name)
		d.Profiles = append(d.Profiles, profileChoice{ID: id, Name: name})
		today := p.ReceivedOn(u.s.db.Now())
		for _, sp := range u.s.db.Suspensions(id) {
			st := "scheduled"
			switch {
			case sp.InForce(today):
				st = "in_force"
			case sp.Until != nil && !today.Before(*sp.Until):
				st = "ended"
			}
			d.Rows = append(d.Rows, suspensionRow{Suspension: sp, Agreement: name, State: st})
		}
	}
	title := rq.t("suspension.title")
	if len(errs) > 0 {
		title = rq.t("error.title_prefix") + " " + title
	}
	u.render(rq, status, "suspensions", page{Title: title + " – " + rq.t("nav.admin"), Data: d, Errors: errs})
}

// suspensionField maps a field of the store's suspension to the form's.
func suspensionField(k string) string { return fieldID("suspension_" + k) }

func (u *ui) adminSuspend(rq *request) {
	f := rq.r.PostForm
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	cat := get("suspension_category")
	if cat == "whole" {
		cat = ""
	}
	sp := ercms.Suspension{ProfileID: get("suspension_profile"), Category: ercms.Category(cat),
		Grounds: get("suspension_grounds"), Note: get("suspension_note")}
	var errs []fieldError
	if on, key := formDate(get, "suspension_from"); key != "" {
		errs = append(errs, fieldError{ID: suspensionField("from"), Message: rq.t(key)})
	} else if on != nil {
		sp.From = *on
	}
	if len(errs) == 0 {
		_, err := u.s.db.SuspendAgreement(rq.r.Context(), *rq.actor, sp)
		if err == nil {
			u.flash(rq, rq.t("suspension.recorded"))
			http.Redirect(rq.w, rq.r, "/admin/suspensions", http.StatusSeeOther)
			return
		}
		texts, ok := u.errorTexts(rq, err)
		if !ok {
			u.fail(rq, err)
			return
		}
		for k, m := range texts {
			errs = append(errs, fieldError{ID: suspensionField(k), Message: m})
		}
	}
	u.suspensionsPage(rq, http.StatusUnprocessableEntity, formValues(rq), errs)
}

func (u *ui) adminEndSuspension(rq *request) {
	get := func(k string) string { return strings.TrimSpace(rq.r.PostForm.Get(k)) }
	id := rq.r.PathValue("id")
	field := fieldID("until-" + id)
	on, key := formDate(get, "until-"+id)
	var err error
	switch {
	case key != "":
		err = ercms.FieldError("until", key)
	case on == nil:
		err = ercms.FieldError("until", "field.suspension.until.required")
	default:
		_, err = u.s.db.EndSuspension(rq.r.Context(), *rq.actor, id, *on)
	}
	if err == nil {
		u.flash(rq, rq.t("suspension.ended", "date", formatDate(rq, *on)))
		http.Redirect(rq.w, rq.r, "/admin/suspensions", http.StatusSeeOther)
		return
	}
	texts, ok := u.errorTexts(rq, err)
	if !ok {
		if ercms.ErrorCode(err) == ercms.EConflict || ercms.ErrorCode(err) == ercms.ENotFound {
			texts = map[string]string{"": u.errorText(rq, err)}
		} else {
			u.fail(rq, err)
			return
		}
	}
	var errs []fieldError
	for _, m := range texts {
		errs = append(errs, fieldError{ID: field, Message: m})
	}
	u.suspensionsPage(rq, http.StatusUnprocessableEntity, formValues(rq), errs)
}
