package web

import (
	"net/http"
	"slices"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// grantPages registers the page of accounts waiting for a second person's
// confirmation of their role (separation of duties): supervisors confirm
// their organisation's, administrators those another administrator asked
// for where no supervisor confirms.
func (s *Server) grantPages(u *ui) {
	page := func(pattern string, h func(*request)) {
		s.mux.Handle(pattern, u.handle(true, func(rq *request) {
			if !confirmsGrants(rq.actor.Role) {
				u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
				return
			}
			h(rq)
		}))
	}
	page("GET /grants", u.grantsPage)
	page("POST /grants/{id}/confirm", u.confirmGrant)
	page("POST /grants/{id}/refuse", u.refuseGrant)
}

// confirmsGrants reports whether a role may confirm other people's roles.
func confirmsGrants(r ercms.Role) bool {
	return slices.Contains([]ercms.Role{ercms.RoleCASupervisor, ercms.RoleRequestingSupervisor, ercms.RoleAdmin}, r)
}

// grantsData is the list of grants waiting for the user's confirmation.
type grantsData struct {
	Grants   []sqldb.Grant
	OrgNames map[string]string
	fieldValues
}

func (u *ui) grantsForm(rq *request, status int, values fieldValues, errs []fieldError) {
	grants, err := u.s.db.PendingGrants(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	orgs, err := u.s.db.Organisations(rq.r.Context())
	if err != nil {
		u.fail(rq, err)
		return
	}
	d := grantsData{Grants: grants, OrgNames: map[string]string{}, fieldValues: values}
	for _, o := range orgs {
		d.OrgNames[o.ID] = o.NameIn(rq.lang)
	}
	title := rq.t("grants.title")
	if len(errs) > 0 {
		title = rq.t("error.title_prefix") + " " + title
	}
	u.render(rq, status, "grants", page{Title: title, Data: d, Errors: errs})
}

func (u *ui) grantsPage(rq *request) { u.grantsForm(rq, http.StatusOK, nil, nil) }

// grantDone answers a confirmation or refusal: back to the list, or the
// reason the store gave (a grant the user asked for, one already decided).
func (u *ui) grantDone(rq *request, err error, done string) {
	switch {
	case err == nil:
		u.flash(rq, rq.t(done))
		back := "/grants"
		if rq.actor.Role == ercms.RoleAdmin && rq.r.PostForm.Get("back") == "users" {
			back = "/admin/users"
		}
		http.Redirect(rq.w, rq.r, back, http.StatusSeeOther)
	case ercms.ErrorCode(err) == ercms.EForbidden || ercms.ErrorCode(err) == ercms.EConflict:
		u.errorPage(rq, HTTPStatus(ercms.ErrorCode(err)), u.errorText(rq, err))
	default:
		u.fail(rq, err)
	}
}

func (u *ui) confirmGrant(rq *request) {
	u.grantDone(rq, u.s.db.ConfirmGrant(rq.r.Context(), *rq.actor, rq.r.PathValue("id")), "grants.confirmed")
}

func (u *ui) refuseGrant(rq *request) {
	id := rq.r.PathValue("id")
	err := u.s.db.RefuseGrant(rq.r.Context(), *rq.actor, id, rq.r.PostForm.Get("reason"))
	if fields, ok := u.errorTexts(rq, err); ok {
		var errs []fieldError
		for _, m := range fields {
			errs = append(errs, fieldError{ID: fieldID("reason-" + id), Message: m})
		}
		u.grantsForm(rq, http.StatusUnprocessableEntity, fieldValues{"reason-" + id: rq.r.PostForm.Get("reason")}, errs)
		return
	}
	u.grantDone(rq, err, "grants.refused")
}
