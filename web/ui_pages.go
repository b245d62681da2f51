package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// uiRoutes registers the pages of the web application.
func (s *Server) uiRoutes() {
	u := newUI(s)
	s.ui = u
	page := func(pattern string, auth bool, h func(*request)) {
		s.mux.Handle(pattern, u.handle(auth, h))
	}
	s.mux.HandleFunc("GET /assets/{name}", u.serveAsset)
	page("GET /signin", false, u.signInPage)
	page("POST /signin", false, u.signIn)
	page("POST /signout", true, u.signOut)
	page("POST /lang/{lang}", false, u.switchLanguage)
	page("GET /lang/{lang}", false, u.languageLink)
	page("GET /{$}", true, u.home)
	page("GET /cases", true, u.caseList)
	page("GET /cases/{id}", true, u.casePage)
	page("GET /cases/{id}/{section}", true, u.casePage)
	page("GET /cases/{id}/act/{action}", true, u.actionPage)
	page("POST /cases/{id}/act/{action}", true, u.actionSubmit)
	page("GET /deadlines", true, u.calculatorPage)
	page("GET /dashboard", true, u.dashboard)
	page("GET /account/password", true, u.passwordPage)
	page("POST /account/password", true, u.changePassword)
	u.sessionRoutes(page)
	s.setupRoutes(u)
	s.factorRoutes(u)
	s.applicationRoutes(u)
	s.adminRoutes(u)
	s.grantPages(u)
	s.workflowPages(u)
	s.oversightRoutes(u)
	page("/", false, u.notFound)
}

func (u *ui) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := u.assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(a.body)
}

// handle wraps a page: security headers, language, the signed-in user, the
// CSRF check of every state-changing request, and the check of the text of
// every posted form (refusedText).
func (u *ui) handle(auth bool, h func(*request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("Referrer-Policy", "same-origin")
		rq := &request{u: u, w: w, r: r}
		if c, err := r.Cookie(u.s.cookie(sessionCookie)); err == nil && c.Value != "" {
			// A read-only API token is for the API, never for the pages.
			if a, ends, err := u.s.db.AuthenticateSession(r.Context(), c.Value); err == nil && !a.ReadOnly {
				rq.actor, rq.token, rq.ends = &a, c.Value, ends
			}
		}
		rq.lang = language(r, rq.actor, u.s.lang, u.s.cookie(langCookie))
		if auth && rq.actor == nil {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			// Forms are small; a file upload may carry one file of maxUpload.
			limit := int64(1 << 20)
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				limit = maxUpload + 1<<20
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			var err error
			if limit > 1<<20 {
				err = r.ParseMultipartForm(8 << 20)
			} else {
				err = r.ParseForm()
			}
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				u.errorPage(rq, http.StatusRequestEntityTooLarge, rq.t("upload.error.too_large", "max", i18n.FormatBytes(rq.lang, maxUpload)))
				return
			}
		}
		if r.Method == http.MethodPost && rq.token != "" {
			if !sameToken(r.PostFormValue("csrf"), csrfFor(rq.token)) {
				u.errorPage(rq, http.StatusForbidden, rq.t("error.csrf"))
				return
			}
		}
		if r.Method == http.MethodPost {
			if rq.refused = u.refusedText(rq); len(rq.refused) > 0 && !formsShowingRefusedText[r.Pattern] {
				u.refuseForm(rq)
				return
			}
		}
		h(rq)
	})
}

// formsShowingRefusedText are the forms (by route pattern) whose handler
// shows the text refused by the character rule (request.refused) beside its
// field on the form itself, and saves nothing. Every other form is answered
// by a page that names the fields (refuseForm) before its handler runs.
var formsShowingRefusedText = map[string]bool{
	"POST /cases/{id}/act/{action}":       true,
	"POST /applications/new":              true,
	"POST /cases/{id}/application/{step}": true,
	"POST /cases/{id}/messages":           true,
}

// refusedText returns the message of every field of the posted form whose
// text the character rule refuses (ercms.RefusedText: control characters,
// direction overrides, invalid UTF-8; TAB and line feeds only in the text
// areas, ercms.MultiLine), by field name; each message names the field by
// its label. nil when the form may be read.
func (u *ui) refusedText(rq *request) map[string]string {
	var out map[string]string
	for name, values := range rq.r.PostForm {
		for _, v := range values {
			key, char := ercms.RefusedText(v, ercms.MultiLine(name))
			if key == "" {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[name] = rq.t("web3.invalid.field", "field", u.fieldLabel(rq, name), "problem", rq.t(key, "char", char))
			break
		}
	}
	return out
}

// fieldLabel returns the label of the form field name as the forms show it
// (field.<name>, without list indices), or the name when it has none.
func (u *ui) fieldLabel(rq *request, name string) string {
	path := listIndex.ReplaceAllString(name, "")
	for _, key := range []string{"field." + path, "web3.field." + path, "field." + path[strings.LastIndexByte(path, '.')+1:]} {
		if u.cat.Has(rq.lang, key) {
			return rq.t(key)
		}
	}
	return name
}

// refuseForm answers a form with refused text (request.refused) by a page
// that says nothing was saved and names each field and why.
func (u *ui) refuseForm(rq *request) {
	msgs := slices.Sorted(maps.Values(rq.refused))
	u.errorPage(rq, http.StatusUnprocessableEntity, rq.t("input.form_refused")+" "+strings.Join(msgs, " "))
}

// withRefused returns the errors of a form with the text refused by the
// character rule (request.refused) added, so that nothing is saved.
func (rq *request) withRefused(errs map[string]string) map[string]string {
	if len(rq.refused) == 0 {
		return errs
	}
	if errs == nil {
		errs = map[string]string{}
	}
	maps.Copy(errs, rq.refused)
	return errs
}

// errorPage renders an error as a page. A page that is not found says so in
// its title (UI.md: every page has a unique title).
func (u *ui) errorPage(rq *request, status int, msg string) {
	title := rq.t("error.title")
	if status == http.StatusNotFound {
		title, msg = rq.t("error.not_found"), rq.t("error.not_found_detail")
	}
	u.render(rq, status, "error", page{Title: title, Data: msg})
}

// fail renders the page for a store error.
func (u *ui) fail(rq *request, err error) {
	code := ercms.ErrorCode(err)
	status := HTTPStatus(code)
	switch code {
	case ercms.ENotFound:
		u.errorPage(rq, status, rq.t("error.not_found"))
	case ercms.EForbidden:
		u.errorPage(rq, status, rq.t("error.forbidden"))
	case ercms.EConflict, ercms.EInvalid:
		u.errorPage(rq, status, u.errorText(rq, err))
	case ercms.EPreconditionFailed:
		u.errorPage(rq, status, rq.t("error.stale"))
	case ercms.EPreconditionRequired: // a form without the version of the case it shows
		u.errorPage(rq, status, rq.t("error.version_missing"))
	case ercms.EUnauthorized:
		u.errorPage(rq, status, rq.t("error.unauthorized"))
	case ercms.EThrottled:
		setRetryAfter(rq.w, err)
		u.errorPage(rq, status, u.errorText(rq, err))
	default:
		u.s.log.Error("page failed", "route", routeOf(rq.r), "err", err)
		u.errorPage(rq, status, rq.t("error.internal"))
	}
}

func (u *ui) notFound(rq *request) { u.errorPage(rq, http.StatusNotFound, rq.t("error.not_found")) }

// setCookie sets one of the pages' cookies (name without its __Host-
// prefix): for the whole site, Lax, Secure when the base URL is https.
func (u *ui) setCookie(rq *request, name, value string, maxAge int, httpOnly bool) {
	http.SetCookie(rq.w, &http.Cookie{Name: u.s.cookie(name), Value: value, Path: "/", MaxAge: maxAge, HttpOnly: httpOnly,
		Secure: u.s.secureCookie(rq.r), SameSite: http.SameSiteLaxMode})
}

// flash keeps a one-time message for the next page (never personal data: references only).
func (u *ui) flash(rq *request, msg string) {
	u.setCookie(rq, flashCookie, url.QueryEscape(msg), 60, true)
}

func (u *ui) takeFlash(rq *request) string {
	c, err := rq.r.Cookie(u.s.cookie(flashCookie))
	if err != nil || c.Value == "" {
		return ""
	}
	u.setCookie(rq, flashCookie, "", -1, true)
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// nav lists the main navigation of the user's role.
func (u *ui) nav(rq *request) []navItem {
	p := rq.r.URL.Path
	items := []navItem{{Href: "/", Label: rq.t("nav.home"), Current: p == "/"}}
	if caseRole(rq.actor.Role) {
		items = append(items, navItem{Href: "/cases", Label: rq.t("nav.cases"), Current: strings.HasPrefix(p, "/cases")})
	}
	if rq.actor.IsRequesting() {
		items = append(items, navItem{Href: "/applications/new", Label: rq.t("nav.new_application"), Current: strings.HasPrefix(p, "/applications")})
		items = append(items, navItem{Href: "/transfers/new", Label: rq.t("nav.group_transfer"), Current: strings.HasPrefix(p, "/transfers")})
	}
	if caseRole(rq.actor.Role) {
		label := rq.t("nav.notifications")
		if n, err := u.s.db.UnreadNotifications(rq.r.Context(), *rq.actor); err == nil && n > 0 {
			label += " (" + i18n.FormatNumber(rq.lang, int64(n)) + ")"
		}
		items = append(items, navItem{Href: "/notifications", Label: label, Current: p == "/notifications"})
	}
	if rq.actor.IsCA() {
		items = append(items, navItem{Href: "/imports/new", Label: rq.t("nav.import"), Current: strings.HasPrefix(p, "/imports")})
	}
	if rq.actor.Role == ercms.RoleCASupervisor {
		items = append(items, navItem{Href: "/absence", Label: rq.t("nav.absence"), Current: p == "/absence"})
	}
	items = append(items, u.oversightNav(rq)...)
	items = append(items, navItem{Href: "/deadlines", Label: rq.t("nav.calculator"), Current: p == "/deadlines"})
	if confirmsGrants(rq.actor.Role) {
		items = append(items, navItem{Href: "/grants", Label: rq.t("nav.grants"), Current: p == "/grants"})
	}
	if rq.actor.Role == ercms.RoleAdmin {
		items = append(items, navItem{Href: "/admin", Label: rq.t("nav.admin"), Current: strings.HasPrefix(p, "/admin")})
	}
	if slices.Contains([]ercms.Role{ercms.RoleCASupervisor, ercms.RoleRequestingSupervisor, ercms.RoleAnalyst, ercms.RoleAdmin}, rq.actor.Role) {
		items = append(items, navItem{Href: "/dashboard", Label: rq.t("nav.dashboard"), Current: p == "/dashboard"})
	}
	return items
}

// caseRole reports whether a role works on cases.
func caseRole(r ercms.Role) bool {
	return !slices.Contains([]ercms.Role{ercms.RoleAdmin, ercms.RoleAuditor, ercms.RoleDPO, ercms.RoleAnalyst}, r)
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	// Browsers drop tabs and line breaks from a URL and read a backslash as
	// a slash, so "/\t/evil.example" would leave the site: a path with any
	// control character or backslash is refused whole.
	if next == "" || next[0] != '/' || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

type signInData struct {
	Username, Next, PreCSRF string
	// FactorOff says that the policy of second factors is off here.
	FactorOff bool
}

func (u *ui) signInPage(rq *request) {
	// "again": the session-expiry warning's link shows the form to a user
	// still signed in.
	if rq.actor != nil && rq.r.URL.Query().Get("again") == "" {
		http.Redirect(rq.w, rq.r, "/", http.StatusSeeOther)
		return
	}
	u.renderSignIn(rq, http.StatusOK, "", nil)
}

func (u *ui) renderSignIn(rq *request, status int, username string, errs []fieldError) {
	pre := randomHex(16)
	if rq.token != "" {
		// Signed in already (signing in again): the form's token must also
		// pass the session's CSRF check of every POST.
		pre = csrfFor(rq.token)
	}
	u.setPreCSRF(rq, pre)
	u.render(rq, status, "signin", page{Title: rq.t("signin.title"), Errors: errs,
		Data: signInData{Username: username, Next: safeNext(rq.r.FormValue("next")), PreCSRF: pre, FactorOff: !u.s.db.RequireSecondFactor}})
}

func (u *ui) signIn(rq *request) {
	c, err := rq.r.Cookie(u.s.cookie(preCSRFCookie))
	if err != nil || !sameToken(rq.r.PostFormValue("csrf"), c.Value) {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.csrf"))
		return
	}
	username := strings.TrimSpace(rq.r.PostFormValue("username"))
	password := rq.r.PostFormValue("password")
	var errs []fieldError
	if username == "" {
		errs = append(errs, fieldError{ID: "f-username", Message: rq.t("signin.enter_username")})
	}
	if password == "" {
		errs = append(errs, fieldError{ID: "f-password", Message: rq.t("signin.enter_password")})
	}
	if len(errs) > 0 {
		u.renderSignIn(rq, http.StatusUnprocessableEntity, username, errs)
		return
	}
	var sess *ercms.Session
	err = u.s.shed.allow(u.s.clientAddr(rq.r))
	if err == nil {
		sess, err = u.s.db.SignInOn(rq.r.Context(), username, password, u.s.clientAddr(rq.r), u.deviceToken(rq))
	}
	switch ercms.ErrorCode(err) {
	case ercms.EUnauthorized:
		u.renderSignIn(rq, http.StatusUnauthorized, username, []fieldError{{ID: "f-username", Message: rq.t("signin.error_credentials")}})
		return
	case ercms.EThrottled:
		setRetryAfter(rq.w, err)
		u.renderSignIn(rq, http.StatusTooManyRequests, username, []fieldError{{ID: "f-username", Message: u.errorText(rq, err)}})
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	if rq.token != "" {
		// Signed in again before the old session ended: it ends now.
		if err := u.s.db.SignOut(rq.r.Context(), rq.token); err != nil {
			u.s.log.Warn("end the replaced session", "err", err)
		}
		u.setCookie(rq, sessionCookie, "", -1, true)
	}
	if sess.SecondFactor != "" {
		u.startPending(rq, sess, rq.r.PostFormValue("next"))
		return
	}
	u.setCookie(rq, preCSRFCookie, "", -1, true)
	u.startSession(rq, sess)
	http.Redirect(rq.w, rq.r, safeNext(rq.r.PostFormValue("next")), http.StatusSeeOther)
}

func (u *ui) signOut(rq *request) {
	if err := u.s.db.SignOut(rq.r.Context(), rq.token); err != nil {
		u.fail(rq, err)
		return
	}
	u.setCookie(rq, sessionCookie, "", -1, true)
	u.setCookie(rq, sessionEndCookie, "", -1, true)
	http.Redirect(rq.w, rq.r, "/signin", http.StatusSeeOther)
}

// setPreCSRF sets the CSRF token of a reader who is not signed in: the
// token of the forms of the page (the sign-in form, the language switch),
// kept in a cookie that the POST must match.
func (u *ui) setPreCSRF(rq *request, token string) {
	rq.pre = token
	u.setCookie(rq, preCSRFCookie, token, 3600, true)
}

// preCSRF returns the CSRF token of the forms of a page for a reader who
// is not signed in: the one of the pre-session cookie, else a new one.
func (u *ui) preCSRF(rq *request) string {
	if rq.pre != "" {
		return rq.pre
	}
	if c, err := rq.r.Cookie(u.s.cookie(preCSRFCookie)); err == nil && len(c.Value) == 32 {
		rq.pre = c.Value
		return c.Value
	}
	u.setPreCSRF(rq, randomHex(16))
	return rq.pre
}

// switchLanguage keeps the language chosen with the switch at the top of
// every page: in a cookie, and for a signed-in user in the account. A
// POST with the CSRF token of the page, signed in or not.
func (u *ui) switchLanguage(rq *request) {
	l, ok := i18n.Parse(rq.r.PathValue("lang"))
	if !ok {
		u.notFound(rq)
		return
	}
	if rq.token == "" { // a signed-in user's token was checked with every POST
		c, err := rq.r.Cookie(u.s.cookie(preCSRFCookie))
		if err != nil || !sameToken(rq.r.PostFormValue("csrf"), c.Value) {
			u.errorPage(rq, http.StatusForbidden, rq.t("error.csrf"))
			return
		}
	}
	u.setCookie(rq, langCookie, string(l), int((365 * 24 * time.Hour).Seconds()), true)
	if rq.actor != nil {
		// Remembered per user, so that it follows them to another computer.
		if err := u.s.db.SetLanguage(rq.r.Context(), *rq.actor, string(l)); err != nil {
			u.fail(rq, err)
			return
		}
	}
	http.Redirect(rq.w, rq.r, safeNext(rq.r.PostFormValue("back")), http.StatusSeeOther)
}

// languageLink answers an old link to the language switch (a GET, which
// must change nothing): back to the page, in the language it had.
func (u *ui) languageLink(rq *request) {
	http.Redirect(rq.w, rq.r, safeNext(rq.r.URL.Query().Get("back")), http.StatusSeeOther)
}

// queue is one tab of the work queue. Kind chooses its columns ("" the
// common ones; "arrivals" the border post's arrival columns; "waiting"
// what is awaited from the requesting officer; "sign_off" the date of
// deemed approval) and Order its default order.
type queue struct {
	Key    string
	Label  string
	Kind   string
	Order  sqldb.QueueOrder
	States []ercms.State
	Cases  []sqldb.CaseSummary
}

// queuesFor lists the work queues of a role (UI.md: the work queue is home).
func queuesFor(a *ercms.Actor) []queue {
	S := func(s ...ercms.State) []ercms.State { return s }
	switch {
	case a.IsRequesting():
		// The member state's officer sees first what waits for them: an
		// answer, a transfer to notify (after an approval, a deemed
		// approval, a travel document, an objection or a postponement).
		return []queue{
			{Key: "waiting", Kind: "waiting", States: S(ercms.StateInfoRequested, ercms.StateConsentWithdrawalRequested, ercms.StateTransferObjected,
				ercms.StateDeemedApproved, ercms.StateApproved, ercms.StateTravelDocumentIssued, ercms.StateTransferPostponed)},
			{Key: "drafts", States: S(ercms.StateDraft)},
			{Key: "awaiting_reply", States: S(ercms.StateSubmitted, ercms.StateRegistered, ercms.StateUnderVerification, ercms.StatePendingSignOff, ercms.StateTransitRequested)},
			{Key: "in_transfer", States: S(ercms.StateTravelDocumentRequested, ercms.StateTransferNotified, ercms.StateTransferConfirmed, ercms.StateTransitApproved)},
		}
	case a.IsCA():
		qs := []queue{
			{Key: "to_register", States: S(ercms.StateSubmitted, ercms.StateTransitRequested)},
			{Key: "verification", States: S(ercms.StateRegistered, ercms.StateUnderVerification)},
			{Key: "info_requested", States: S(ercms.StateInfoRequested)},
			{Key: "sign_off", Kind: "sign_off", Order: sqldb.OrderReplyDue, States: S(ercms.StatePendingSignOff)},
			{Key: "transfers", States: S(ercms.StateTransferNotified, ercms.StateTakeBackRequested)},
			{Key: "after_decision", States: S(ercms.StateApproved, ercms.StateDeemedApproved, ercms.StateTravelDocumentRequested, ercms.StateTravelDocumentIssued, ercms.StateTransferConfirmed, ercms.StateTransferObjected, ercms.StateTransferPostponed)},
		}
		if a.Role == ercms.RoleCASupervisor {
			qs[0], qs[3] = qs[3], qs[0]
		}
		return qs
	case a.Role == ercms.RoleAgencyOfficer || a.Role == ercms.RoleConsularOfficer:
		return []queue{{Key: "tasks", States: S(ercms.StateRegistered, ercms.StateInfoRequested, ercms.StateUnderVerification, ercms.StatePendingSignOff,
			ercms.StateApproved, ercms.StateDeemedApproved, ercms.StateTravelDocumentRequested, ercms.StateTravelDocumentIssued, ercms.StateTransferPostponed)}}
	case a.Role == ercms.RoleBorderOfficer:
		// The arrivals agreed with the crossing point, in the order they come;
		// an approved case reaches the post only when its person returns
		// without a written notification (any day, listed last).
		return []queue{{Key: "expected", Kind: "arrivals", Order: sqldb.OrderArrival,
			States: S(ercms.StateTransferConfirmed, ercms.StateTransferNotified, ercms.StateTransitApproved, ercms.StateTakeBackRequested, ercms.StateApproved)}}
	}
	return nil
}

type homeData struct {
	Queues  []queue
	Current *queue
	Sort    string
}

// home is the work queue of the user's role: one query for all its tabs.
func (u *ui) home(rq *request) {
	if u.oversightHome(rq) {
		return
	}
	qs := queuesFor(rq.actor)
	if len(qs) == 0 {
		u.render(rq, http.StatusOK, "home", page{Title: rq.t("nav.home")})
		return
	}
	specs := make([]sqldb.QueueSpec, len(qs))
	for i, q := range qs {
		specs[i] = sqldb.QueueSpec{States: q.States, Order: q.Order}
	}
	lists, err := u.s.db.Queues(rq.r.Context(), *rq.actor, specs, sqldb.MaxPage)
	if err != nil {
		u.fail(rq, err)
		return
	}
	for i := range qs {
		qs[i].Label = rq.t("queue." + qs[i].Key)
		qs[i].Cases = lists[i]
		if by := rq.r.URL.Query().Get("sort"); by != "" {
			sortQueue(rq.lang, qs[i].Cases, by)
		}
	}
	cur := &qs[0]
	if k := rq.r.URL.Query().Get("queue"); k != "" {
		for i := range qs {
			if qs[i].Key == k {
				cur = &qs[i]
			}
		}
	}
	u.render(rq, http.StatusOK, "home", page{Title: rq.t("nav.home") + " – " + cur.Label, Data: homeData{Queues: qs, Current: cur, Sort: rq.r.URL.Query().Get("sort")}})
}

// sortQueue orders a queue by deadline (the default), by name in the
// collation of the user's language, or by reference.
func sortQueue(l i18n.Lang, cs []sqldb.CaseSummary, by string) {
	switch by {
	case "name":
		slices.SortStableFunc(cs, func(a, b sqldb.CaseSummary) int {
			if c := i18n.Compare(l, a.Surname, b.Surname); c != 0 {
				return c
			}
			return i18n.Compare(l, a.GivenNames, b.GivenNames)
		})
	case "reference":
		slices.SortStableFunc(cs, func(a, b sqldb.CaseSummary) int { return strings.Compare(a.Reference, b.Reference) })
	default:
		sortByDeadline(cs)
	}
}

// sortByDeadline orders cases by their next due date, those without one last.
func sortByDeadline(cs []sqldb.CaseSummary) {
	slices.SortStableFunc(cs, func(a, b sqldb.CaseSummary) int {
		switch {
		case a.NextDeadline == nil || a.NextDeadline.DueOn == nil:
			if b.NextDeadline == nil || b.NextDeadline.DueOn == nil {
				return 0
			}
			return 1
		case b.NextDeadline == nil || b.NextDeadline.DueOn == nil:
			return -1
		}
		return a.NextDeadline.DueOn.Compare(*b.NextDeadline.DueOn)
	})
}

type calcData struct {
	Rules    []string
	Partners []string
	Rule     string
	From     string
	State    string
	Result   *Calculation
	// Due is the due date of Result; Deadline its rule applied to the date
	// of the event, for wording the basis in the user's language.
	Due      civil.Date
	Deadline *ercms.Deadline
	// Figure says whether the rule's figure was checked against the
	// agreement text.
	Figure *figureNote
}

// calculatorPage is the deadline calculator for planning.
func (u *ui) calculatorPage(rq *request) {
	p, err := u.s.db.ProfileFor("")
	if err != nil {
		u.fail(rq, err)
		return
	}
	q := rq.r.URL.Query()
	d := calcData{Rules: p.Kinds(), Partners: u.s.db.PartnerStates(), Rule: q.Get("rule"), From: q.Get("from"), State: q.Get("state")}
	var errs []fieldError
	if d.From != "" {
		// The requesting state chooses the agreement (EU, Norwegian, Swiss…).
		profile := p.ID
		if slices.Contains(d.Partners, strings.ToUpper(d.State)) {
			profile = ""
		}
		res, err := Calculate(u.s.db, d.Rule, d.From, profile, d.State)
		var e *ercms.Error
		switch {
		case err == nil:
			d.Result = res
			if res.DueOn != nil {
				d.Due, _ = civil.Parse(*res.DueOn)
			}
			if pr, err := u.s.db.Rules().Profile(res.Profile, res.From); err == nil {
				if st, err := pr.Setting(res.Rule, res.State); err == nil {
					d.Deadline = &ercms.Deadline{Kind: res.Rule, Rule: st.Rule, From: res.From, BeyondData: res.BeyondData, Binding: st.Binding}
				}
				notes, err := u.figureNotes(rq.r.Context(), rq.lang, *rq.actor, pr.ID, pr.Version, res.State, []string{res.Rule})
				if err != nil {
					u.fail(rq, err)
					return
				}
				if n, ok := notes[res.Rule]; ok {
					d.Figure = &n
				}
			}
		case asError(err, &e) && e.Code == ercms.EInvalid:
			texts, _ := u.errorTexts(rq, err)
			for k, m := range texts {
				errs = append(errs, fieldError{ID: fieldID(k), Message: m})
			}
		default:
			u.fail(rq, err)
			return
		}
	}
	u.render(rq, http.StatusOK, "calculator", page{Title: rq.t("calc.title"), Data: d, Errors: errs})
}

func (u *ui) passwordPage(rq *request) {
	u.render(rq, http.StatusOK, "password", page{Title: rq.t("account.password")})
}

// changePassword sets the user's own password; every session ends, so the
// user signs in again.
func (u *ui) changePassword(rq *request) {
	f := rq.r.PostForm
	var errs []fieldError
	if f.Get("new") != f.Get("confirm") {
		errs = append(errs, fieldError{ID: "f-confirm", Message: rq.t("account.mismatch")})
	}
	if len(errs) == 0 {
		err := u.s.shed.allow(u.s.clientAddr(rq.r))
		if err == nil {
			err = u.s.db.ChangePassword(rq.r.Context(), *rq.actor, f.Get("current"), f.Get("new"), u.s.clientAddr(rq.r))
		}
		if err == nil {
			u.setCookie(rq, sessionCookie, "", -1, true)
			u.setCookie(rq, sessionEndCookie, "", -1, true)
			http.Redirect(rq.w, rq.r, "/signin", http.StatusSeeOther)
			return
		}
		if ercms.ErrorCode(err) == ercms.EThrottled {
			setRetryAfter(rq.w, err)
			u.render(rq, http.StatusTooManyRequests, "password", page{Title: rq.t("error.title_prefix") + " " + rq.t("account.password"),
				Errors: []fieldError{{ID: "f-current", Message: u.errorText(rq, err)}}})
			return
		}
		var e *ercms.Error
		if ercms.ErrorCode(err) != ercms.EInvalid || !asError(err, &e) {
			u.fail(rq, err)
			return
		}
		for k, m := range e.Fields {
			args := e.FieldArgs[k]
			if k == "password" {
				k = "new"
			}
			errs = append(errs, fieldError{ID: fieldID(k), Message: u.messageText(rq, "account."+k, m, args)})
		}
		slices.SortFunc(errs, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
	}
	u.render(rq, http.StatusUnprocessableEntity, "password", page{Title: rq.t("error.title_prefix") + " " + rq.t("account.password"), Errors: errs})
}

// period words a count of units in l with its plural form: "15 calendar
// days", "15 təqvim günü", "15 календарных дней".
func (u *ui) period(l i18n.Lang, n int, unit deadline.Unit) string {
	switch unit {
	case deadline.CalendarDays, deadline.WorkingDays, deadline.Months:
		return u.cat.Plural(l, "web3.unit."+string(unit), n)
	}
	return i18n.FormatNumber(l, int64(n)) + " " + string(unit)
}

// eventWords words the event a period counts from (or back from).
func (u *ui) eventWords(l i18n.Lang, event string, before bool) string {
	dir := "from"
	if before {
		dir = "before"
	}
	if key := "web3." + dir + "." + event; u.cat.Has(i18n.EN, key) {
		return u.cat.T(l, key)
	}
	return u.cat.T(l, "web3."+dir+"_event", "event", event)
}

// calendarWords names a rule's calendar: a state's, or the requesting state's.
func (u *ui) calendarWords(l i18n.Lang, cal string) string {
	if cal == deadline.RequestingCalendar {
		return u.cat.T(l, "web3.rule.calendar_requesting")
	}
	return u.cat.T(l, "words.rule.calendar", "country", u.cat.CountryName(l, cal))
}

// ruleWords words a rule in l from its parts (LIFECYCLE.md: the web
// application words the basis from the rule in the user's language); with
// on set, the date of the event follows it. The calendar is named where it
// counts: for working days, and for a last day that runs on.
func (u *ui) ruleWords(l i18n.Lang, r deadline.Rule, on civil.Date) string {
	var b strings.Builder
	b.WriteString(u.period(l, r.Count, r.Unit))
	if r.Unit == deadline.WorkingDays && r.Calendar != "" {
		b.WriteString(" (" + u.calendarWords(l, r.Calendar) + ")")
	}
	b.WriteString(" " + u.eventWords(l, r.From, r.Before))
	if !on.IsZero() {
		b.WriteString(" " + u.cat.T(l, "web3.basis.on", "date", i18n.FormatDate(l, on)))
	}
	if r.RollForward && r.Unit != deadline.WorkingDays {
		b.WriteString("; " + u.cat.T(l, "web3.rule.roll_forward", "calendar", u.calendarWords(l, r.Calendar)))
	}
	return b.String()
}

// basisWords words how a case's deadline is counted, with its extension or
// the note that it lies beyond the holiday data: the user's-language form of
// Deadline.Basis.
func (u *ui) basisWords(l i18n.Lang, d ercms.Deadline) string {
	s := u.ruleWords(l, d.Rule, d.From)
	switch {
	case d.ExtendedTo != nil:
		s += "; " + u.cat.T(l, "web3.basis.extended_to", "date", i18n.FormatDate(l, *d.ExtendedTo))
	case d.BeyondData:
		s += "; " + u.cat.T(l, "web3.basis.beyond_data")
	case d.ExtendedDays > 0:
		s += "; " + u.cat.Plural(l, "web3.basis.extended_by", d.ExtendedDays)
	}
	if d.SuspendedDays > 0 {
		s += "; " + u.cat.Plural(l, "basis.suspended_days", d.SuspendedDays)
	}
	return s
}

// taskDetail is the line under a task's kind: the catalog's text for tasks
// the system creates (a travel document to issue), else what the officer
// wrote (the question of a verification, the place of an interview).
func (u *ui) taskDetail(l i18n.Lang, t ercms.Task) string {
	if key := "web3.task_detail." + t.Kind; u.cat.Has(i18n.EN, key) {
		return u.cat.T(l, key)
	}
	return t.Question
}

// sessionEndCookie tells the pages when the browser's session ends at the
// latest, for the expiry warning: the end as Unix seconds, bound to the
// session token (an end copied from another session is ignored). The page
// warns of the earlier of this end and the idle end the store reports (the
// session ends unused for SessionIdle): both move only when a page is
// served, so the page that stays open shows the true end.
const sessionEndCookie = "ercms_session_end"

// sessionWarnBefore is how long before the session ends the warning shows.
const sessionWarnBefore = 5 * time.Minute

// sessionEndValue is the value of the sessionEndCookie for a session.
func sessionEndValue(token string, end time.Time) string {
	unix := strconv.FormatInt(end.Unix(), 10)
	sum := sha256.Sum256([]byte("ercms-session-end\x00" + token + "\x00" + unix))
	return unix + "." + hex.EncodeToString(sum[:16])
}

// sessionNotice is the session-expiry warning of a page: app.js shows it
// WarnBefore seconds before the session ends, Remaining seconds after the
// page was served (the browser's clock need not agree with the server's).
type sessionNotice struct {
	Remaining  int64
	WarnBefore int64
	Href       string // signs in again and comes back to this page
}

// sessionNotice reads the end of the request's session; nil when unknown.
func (u *ui) sessionNotice(rq *request) *sessionNotice {
	c, err := rq.r.Cookie(u.s.cookie(sessionEndCookie))
	if err != nil || rq.token == "" {
		return nil
	}
	unix, _, _ := strings.Cut(c.Value, ".")
	n, err := strconv.ParseInt(unix, 10, 64)
	if err != nil || !sameToken(c.Value, sessionEndValue(rq.token, time.Unix(n, 0))) {
		return nil
	}
	end := time.Unix(n, 0)
	if !rq.ends.IsZero() && rq.ends.Before(end) {
		// Unused for the idle timeout, the session ends before its end.
		end = rq.ends
	}
	left := int64(end.Sub(u.s.db.Now()).Seconds())
	if left <= 0 {
		return nil
	}
	back := rq.r.URL.RequestURI()
	if rq.r.Method != http.MethodGet {
		back = "/"
	}
	return &sessionNotice{Remaining: left, WarnBefore: int64(sessionWarnBefore.Seconds()),
		Href: "/signin?again=1&next=" + url.QueryEscape(back)}
}
