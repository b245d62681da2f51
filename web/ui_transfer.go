package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// transferPages are the pages of group transfers: one flight or vehicle
// for several persons, notified once and handed over from one list.
func (s *Server) transferPages(u *ui) {
	page := func(pattern string, h func(*request)) { s.mux.Handle(pattern, u.handle(true, h)) }
	page("GET /transfers/new", u.groupTransferPage)
	page("POST /transfers/new", u.groupTransferSubmit)
	page("GET /transfers/{id}", u.operationPage)
	page("POST /transfers/{id}/act/{action}", u.operationSubmit)
}

// notifiable are the states from which a transfer may be notified.
var notifiable = []ercms.State{ercms.StateApproved, ercms.StateDeemedApproved, ercms.StateTravelDocumentIssued, ercms.StateTransferObjected, ercms.StateTransferPostponed}

// operationActions are the actions taken on a whole group transfer, by role.
var operationActions = []string{ercms.ActConfirmTransfer, ercms.ActObjectTransfer, ercms.ActPostponeTransfer, ercms.ActRecordHandover, ercms.ActRecordNoShow}

type groupData struct {
	Cases    []sqldb.CaseSummary
	Op       *sqldb.TransferOperation
	Selected []string
	Forms    []actionData
}

// Chosen reports whether a case was ticked in the submitted form.
func (g groupData) Chosen(id string) bool { return slices.Contains(g.Selected, id) }

// formCase is the case an operation-level form's choices are drawn from:
// the user's state's side of the agreement.
func (u *ui) formCase(rq *request) (caseData, error) {
	orgs, err := u.s.db.Organisations(rq.r.Context())
	if err != nil {
		return caseData{}, err
	}
	p, err := u.s.db.ProfileFor(rq.actor.Org.State)
	if err != nil {
		p, err = u.s.db.ProfileFor("")
		if err != nil {
			return caseData{}, err
		}
	}
	state := rq.actor.Org.State
	if rq.actor.IsCA() || rq.actor.Role == ercms.RoleBorderOfficer {
		state = ""
	}
	d := caseData{Case: &ercms.Case{RequestingState: state, RequestedState: p.RequestedState}, Orgs: map[string]ercms.Organisation{}}
	for _, o := range orgs {
		d.Orgs[o.ID] = o
	}
	return d, nil
}

// caseVersions reads the ticked cases ("id:version") of a form.
func caseVersions(values []string) ([]sqldb.CaseVersion, []string) {
	var out []sqldb.CaseVersion
	var ids []string
	for _, v := range values {
		id, ver, ok := strings.Cut(v, ":")
		n, err := strconv.Atoi(ver)
		if !ok || err != nil {
			continue
		}
		out = append(out, sqldb.CaseVersion{ID: id, Version: n})
		ids = append(ids, v)
	}
	return out, ids
}

var caseIndex = regexp.MustCompile(`^cases\[\d+\]\.?`)

// groupErrors moves the errors of one case of a group (cases[2].transfer.date)
// onto the form's field (transfer.date); errors about the list go to "cases".
func groupErrors(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, m := range fields {
		k = caseIndex.ReplaceAllString(k, "")
		if k == "" {
			k = "cases"
		}
		if _, dup := out[k]; !dup {
			out[k] = m
		}
	}
	return out
}

func (u *ui) groupTransferPage(rq *request) { u.groupTransferForm(rq, http.StatusOK, nil) }

func (u *ui) groupTransferForm(rq *request, status int, errs map[string]string) {
	if !rq.actor.IsRequesting() {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	pg, err := u.s.db.ListCases(rq.r.Context(), *rq.actor, sqldb.CaseFilter{Type: ercms.TypeReadmission, Status: notifiable, Limit: sqldb.MaxPage})
	if err != nil {
		u.fail(rq, err)
		return
	}
	d, err := u.formCase(rq)
	if err != nil {
		u.fail(rq, err)
		return
	}
	listErr, errs := splitListError(errs)
	ad, summary := u.actionForm(rq, d, ercms.ActNotifyTransfer, errs)
	if listErr != "" {
		summary = append([]fieldError{{ID: "f-cases", Message: listErr}}, summary...)
	}
	g := groupData{Cases: pg.Cases, Forms: []actionData{ad}}
	_, g.Selected = caseVersions(rq.r.PostForm["case"])
	u.render(rq, status, "transfers", page{Title: rq.t("transfers.new_title"), Data: g, Errors: summary})
}

func (u *ui) groupTransferSubmit(rq *request) {
	cases, _ := caseVersions(rq.r.PostForm["case"])
	in, errs := u.parseAction(rq, ercms.ActNotifyTransfer)
	if len(errs) == 0 {
		if in.Transfer == nil {
			in.Transfer = &ercms.Transfer{}
		}
		op, err := u.s.db.NotifyGroupTransfer(rq.r.Context(), *rq.actor, cases, *in.Transfer)
		if err == nil {
			u.flash(rq, rq.t("transfers.notified", "n", strconv.Itoa(len(op.Cases))))
			http.Redirect(rq.w, rq.r, "/transfers/"+url.PathEscape(op.ID), http.StatusSeeOther)
			return
		}
		var ok bool
		if errs, ok = u.groupFailure(rq, err); !ok {
			u.fail(rq, err)
			return
		}
	}
	u.groupTransferForm(rq, http.StatusUnprocessableEntity, errs)
}

func (u *ui) operationPage(rq *request) { u.operationForm(rq, http.StatusOK, "", nil) }

func (u *ui) operationForm(rq *request, status int, failed string, errs map[string]string) {
	op, err := u.s.db.TransferOperation(rq.r.Context(), *rq.actor, rq.r.PathValue("id"))
	if err != nil {
		u.fail(rq, err)
		return
	}
	d, err := u.formCase(rq)
	if err != nil {
		u.fail(rq, err)
		return
	}
	g := groupData{Op: op}
	_, g.Selected = caseVersions(rq.r.PostForm["case"])
	var summary []fieldError
	for _, action := range operationActions {
		if !u.mayOnOperation(rq, op, action) {
			continue
		}
		var ad actionData
		if action == failed {
			listErr, rest := splitListError(errs)
			var s []fieldError
			ad, s = u.actionForm(rq, d, action, rest)
			if listErr != "" {
				s = append([]fieldError{{ID: "f-cases-" + action, Message: listErr}}, s...)
			}
			summary = s
		} else {
			ad, _ = u.actionForm(rq, d, action, nil)
		}
		g.Forms = append(g.Forms, ad)
	}
	u.render(rq, status, "operation", page{Title: rq.t("operation.title", "point", op.CrossingPoint, "date", op.Date), Data: g, Errors: summary})
}

// mayOnOperation reports whether the user's role takes action on a group
// transfer and at least one of its cases is in a state that allows it.
func (u *ui) mayOnOperation(rq *request, op *sqldb.TransferOperation, action string) bool {
	tr := ercms.TransitionFor(ercms.TypeReadmission, action)
	if tr == nil || !slices.Contains(tr.By, rq.actor.Role) {
		return false
	}
	for _, c := range op.Cases {
		if slices.Contains(tr.From, c.Status) {
			return true
		}
	}
	return false
}

func (u *ui) operationSubmit(rq *request) {
	action := rq.r.PathValue("action")
	if !slices.Contains(operationActions, action) {
		u.notFound(rq)
		return
	}
	cases, _ := caseVersions(rq.r.PostForm["case"])
	in, errs := u.parseAction(rq, action)
	if len(errs) == 0 {
		op, err := u.s.db.ActOnOperation(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), action, cases, in)
		if err == nil {
			u.flash(rq, rq.t("operation.done", "action", rq.t("action."+action), "n", strconv.Itoa(len(cases))))
			http.Redirect(rq.w, rq.r, "/transfers/"+url.PathEscape(op.ID), http.StatusSeeOther)
			return
		}
		var ok bool
		if errs, ok = u.groupFailure(rq, err); !ok {
			u.fail(rq, err)
			return
		}
	}
	u.operationForm(rq, http.StatusUnprocessableEntity, action, errs)
}

// listKey holds, among a group form's errors, the message about the list of
// cases, already worded for the page.
const listKey = "\x00cases"

// groupFailure turns the error of a group action into the form's errors:
// field errors of one case land on the form's fields; a case that changed
// or is in the wrong state is said about the list. ok is false for errors
// that are not the user's to correct.
func (u *ui) groupFailure(rq *request, err error) (map[string]string, bool) {
	if fields, ok := u.errorTexts(rq, err); ok {
		out := groupErrors(fields)
		if _, list := out["cases"]; list {
			delete(out, "cases")
			out[listKey] = rq.t("invalid.cases")
		}
		return out, true
	}
	switch ercms.ErrorCode(err) {
	case ercms.EConflict, ercms.EPreconditionFailed, ercms.ENotFound:
		return map[string]string{listKey: rq.t("operation.conflict", "detail", u.errorText(rq, err))}, true
	}
	return nil, false
}

// splitListError takes the message about the list out of a form's errors.
func splitListError(errs map[string]string) (string, map[string]string) {
	m, ok := errs[listKey]
	if !ok {
		return "", errs
	}
	rest := map[string]string{}
	for k, v := range errs {
		if k != listKey {
			rest[k] = v
		}
	}
	return m, rest
}
