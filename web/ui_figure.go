package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// adminFigure is one figure of a profile version on the administration
// page: what it is, its value, and where it comes from with its check.
type adminFigure struct {
	Path    string
	Label   string
	Value   string
	Binding bool
	Note    figureNote
	// Count and Unit are the figure's value for the correction form (Unit
	// "" for the procedure's figures, in calendar days).
	Count int
	Unit  deadline.Unit
}

// figureLabel names a figure (see deadline.Figure.Path) in the reader's language l.
func (u *ui) figureLabel(l i18n.Lang, path string) string {
	kindLabel := func(kind string) string {
		if u.cat.Has(l, "clock."+kind) {
			return u.cat.T(l, "clock."+kind)
		}
		return kind
	}
	if kind, ok := strings.CutPrefix(path, "rules."); ok {
		return kindLabel(kind)
	}
	if rest, ok := strings.CutPrefix(path, "overrides."); ok {
		if state, kind, ok := strings.Cut(rest, ".rules."); ok {
			return u.cat.T(l, "figure.name.protocol", "rule", kindLabel(kind), "state", u.cat.CountryName(l, state))
		}
	}
	if u.cat.Has(l, "figure.name."+path) {
		return u.cat.T(l, "figure.name."+path)
	}
	return path
}

// adminFigures lists the figures of profile version p with their checks.
func (u *ui) adminFigures(rq *request, p *deadline.Profile) ([]adminFigure, error) {
	checks, err := u.s.db.ProfileChecks(rq.r.Context(), p.ID, p.Version)
	if err != nil {
		return nil, err
	}
	var out []adminFigure
	for _, f := range p.Figures() {
		var c *sqldb.ProfileCheck
		if ch, ok := checks[f.Path]; ok {
			c = &ch
		}
		a := adminFigure{Path: f.Path, Label: u.figureLabel(rq.lang, f.Path), Binding: f.Binding, Note: u.noteOf(rq.lang, *rq.actor, f, c)}
		switch f.Path {
		case "extension_max":
			a.Value, a.Count = u.period(rq.lang, p.ExtensionMaxDays, deadline.CalendarDays), p.ExtensionMaxDays
		case "travel_document_validity":
			a.Value, a.Count = u.period(rq.lang, p.TravelDocumentValidityDays, deadline.CalendarDays), p.TravelDocumentValidityDays
		default:
			kind := f.Path[strings.LastIndex(f.Path, ".")+1:]
			state := ""
			if rest, ok := strings.CutPrefix(f.Path, "overrides."); ok {
				state, _, _ = strings.Cut(rest, ".")
			}
			if st, err := p.Setting(kind, state); err == nil {
				a.Value, a.Count, a.Unit = u.ruleWords(rq.lang, st.Rule, civil.Date{}), st.Count, st.Unit
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// checkData fills the page where an administrator records or withdraws
// the check of one figure.
type checkData struct {
	Profile *deadline.Profile
	Figure  adminFigure
	Values  map[string]string
	// InForce says the version is the one in force today: only it may be
	// corrected.
	InForce bool
	Units   []deadline.Unit
}

// Count is the count the correction form shows: what it held, else the figure's.
func (d checkData) Count() string {
	if v, ok := d.Values["count"]; ok {
		return v
	}
	return strconv.Itoa(d.Figure.Count)
}

// Unit is the unit the correction form shows.
func (d checkData) Unit() string {
	if v, ok := d.Values["unit"]; ok {
		return v
	}
	return string(d.Figure.Unit)
}

// Value returns what the form held for a field.
func (d checkData) Value(name string) string { return d.Values[name] }

// checkTarget reads the profile version and the figure a check page is about.
func (u *ui) checkTarget(rq *request, figure string) (*deadline.Profile, adminFigure, bool) {
	id := rq.r.PathValue("id")
	v, err := strconv.Atoi(rq.r.PathValue("version"))
	var p *deadline.Profile
	if err == nil {
		for _, q := range u.s.db.Rules().Versions(id) {
			if q.Version == v {
				p = q
			}
		}
	}
	if p == nil {
		u.notFound(rq)
		return nil, adminFigure{}, false
	}
	figs, err := u.adminFigures(rq, p)
	if err != nil {
		u.fail(rq, err)
		return nil, adminFigure{}, false
	}
	for _, f := range figs {
		if f.Path == figure {
			return p, f, true
		}
	}
	u.notFound(rq)
	return nil, adminFigure{}, false
}

// checkPage renders the check page of a figure, titled by what the form
// sent did (titleKey: admin.figure_check, figure.withdraw, figure.correct).
func (u *ui) checkPage(rq *request, status int, titleKey string, p *deadline.Profile, f adminFigure, values map[string]string, errs []fieldError) {
	title := rq.t(titleKey) + " – " + f.Label + " (" + p.ID + " v" + strconv.Itoa(p.Version) + ")"
	if len(errs) > 0 {
		title = rq.t("error.title_prefix") + " " + title
	}
	now := u.s.db.ProfileVersionToday(p.ID)
	d := &checkData{Profile: p, Figure: f, Values: values, InForce: now != nil && now.Version == p.Version,
		Units: []deadline.Unit{deadline.CalendarDays, deadline.WorkingDays, deadline.Months}}
	ad := adminData{Section: "figure_check", Check: d}
	// After a correction, the page shows the recomputation it started.
	if !u.withRecomputation(rq, &ad) {
		return
	}
	if r := ad.Recomputation; r != nil && r.Reason != fmt.Sprintf("profile:%s-v%d", p.ID, p.Version) {
		ad.Recomputation = nil
	}
	u.render(rq, status, "admin", page{Title: title + " – " + rq.t("nav.admin"), Errors: errs, Data: ad})
}

// adminCheckForm shows a figure, its current check, and the forms to
// record a check against the agreement text or withdraw the current one.
func (u *ui) adminCheckForm(rq *request) {
	p, f, ok := u.checkTarget(rq, rq.r.URL.Query().Get("figure"))
	if ok {
		u.checkPage(rq, http.StatusOK, "admin.figure_check", p, f, map[string]string{}, nil)
	}
}

// checksURL is the check page of a figure.
func checksURL(p *deadline.Profile, figure string) string {
	return fmt.Sprintf("/admin/profiles/%s/versions/%d/checks?figure=%s", url.PathEscape(p.ID), p.Version, url.QueryEscape(figure))
}

// adminRecordCheck records an administrator's check of a figure.
func (u *ui) adminRecordCheck(rq *request) {
	figure := rq.r.PostForm.Get("figure")
	p, f, ok := u.checkTarget(rq, figure)
	if !ok {
		return
	}
	in := sqldb.CheckInput{Figure: figure, Text: rq.r.PostForm.Get("text"), Article: rq.r.PostForm.Get("article"), Note: rq.r.PostForm.Get("note")}
	if _, err := u.s.db.RecordProfileCheck(rq.r.Context(), *rq.actor, p.ID, p.Version, in); err != nil {
		errs, ok := u.storeErrors(rq, err)
		if !ok {
			u.fail(rq, err)
			return
		}
		u.checkPage(rq, http.StatusUnprocessableEntity, "admin.figure_check", p, f, formValues(rq), errs)
		return
	}
	u.flash(rq, rq.t("figure.recorded", "figure", f.Label, "id", p.ID, "version", strconv.Itoa(p.Version)))
	http.Redirect(rq.w, rq.r, fmt.Sprintf("/admin/profiles#profile-%s-v%d", url.PathEscape(p.ID), p.Version), http.StatusSeeOther)
}

// adminWithdrawCheck withdraws the current check of a figure.
func (u *ui) adminWithdrawCheck(rq *request) {
	figure := rq.r.PostForm.Get("figure")
	p, f, ok := u.checkTarget(rq, figure)
	if !ok {
		return
	}
	if err := u.s.db.WithdrawProfileCheck(rq.r.Context(), *rq.actor, p.ID, p.Version, figure, rq.r.PostForm.Get("reason")); err != nil {
		if ercms.ErrorCode(err) == ercms.ENotFound {
			http.Redirect(rq.w, rq.r, checksURL(p, figure), http.StatusSeeOther)
			return
		}
		errs, ok := u.storeErrors(rq, err)
		if !ok {
			u.fail(rq, err)
			return
		}
		u.checkPage(rq, http.StatusUnprocessableEntity, "figure.withdraw", p, f, formValues(rq), errs)
		return
	}
	u.flash(rq, rq.t("figure.withdrawn", "figure", f.Label, "id", p.ID, "version", strconv.Itoa(p.Version)))
	http.Redirect(rq.w, rq.r, fmt.Sprintf("/admin/profiles#profile-%s-v%d", url.PathEscape(p.ID), p.Version), http.StatusSeeOther)
}

// adminCorrectFigure corrects a figure of the version in force found wrong
// against the agreement text; running cases are then recomputed.
func (u *ui) adminCorrectFigure(rq *request) {
	figure := rq.r.PostForm.Get("figure")
	p, f, ok := u.checkTarget(rq, figure)
	if !ok {
		return
	}
	in := sqldb.FigureCorrection{Figure: figure, Unit: deadline.Unit(rq.r.PostForm.Get("unit")), Source: rq.r.PostForm.Get("source"), Reason: rq.r.PostForm.Get("correction_reason")}
	if f.Unit == "" {
		in.Unit = ""
	}
	if n, err := strconv.Atoi(strings.TrimSpace(rq.r.PostForm.Get("count"))); err == nil {
		in.Count = &n
	}
	now := u.s.db.ProfileVersionToday(p.ID)
	if now == nil || now.Version != p.Version {
		u.checkPage(rq, http.StatusUnprocessableEntity, "figure.correct", p, f, formValues(rq), []fieldError{{ID: "f-count", Message: rq.t("figure.correct_not_in_force")}})
		return
	}
	_, rc, err := u.s.db.CorrectFigure(rq.r.Context(), *rq.actor, p.ID, in)
	if err != nil {
		errs, ok := u.storeErrors(rq, err)
		if !ok {
			u.fail(rq, err)
			return
		}
		for i := range errs {
			if errs[i].ID == "f-reason" {
				errs[i].ID = "f-correction_reason"
			}
		}
		u.checkPage(rq, http.StatusUnprocessableEntity, "figure.correct", p, f, formValues(rq), errs)
		return
	}
	u.flash(rq, rq.t("figure.corrected", "figure", f.Label, "id", p.ID, "version", strconv.Itoa(p.Version), "cases", strconv.Itoa(rc.Total)))
	http.Redirect(rq.w, rq.r, checksURL(p, figure), http.StatusSeeOther)
}
