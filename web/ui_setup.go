package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ercms/ercms"
)

// setupData is what the setup page shows: the username typed and the
// CSRF token of its form (the page is public).
type setupData struct {
	Username, PreCSRF string
}

// setupRoutes adds the public page where a user with a one-time setup code
// (an administrator's reset, or a new account) chooses a password.
func (s *Server) setupRoutes(u *ui) {
	s.mux.Handle("GET /account/setup", u.handle(false, u.setupPage))
	s.mux.Handle("POST /account/setup", u.handle(false, u.setupSubmit))
}

func (u *ui) setupPage(rq *request) {
	u.renderSetup(rq, http.StatusOK, "", nil)
}

func (u *ui) renderSetup(rq *request, status int, username string, errs []fieldError) {
	pre := u.preCSRF(rq)
	if rq.token != "" {
		pre = csrfFor(rq.token)
	} else {
		u.setPreCSRF(rq, pre)
	}
	title := rq.t("setup.title")
	if len(errs) > 0 {
		title = rq.t("error.title_prefix") + " " + title
	}
	u.render(rq, status, "setup", page{Title: title, Errors: errs, Data: setupData{Username: username, PreCSRF: pre}})
}

// setupSubmit sets the password the user chose with a setup code, and
// sends the user to sign in with it.
func (u *ui) setupSubmit(rq *request) {
	if rq.token == "" {
		c, err := rq.r.Cookie(u.s.cookie(preCSRFCookie))
		if err != nil || !sameToken(rq.r.PostFormValue("csrf"), c.Value) {
			u.errorPage(rq, http.StatusForbidden, rq.t("error.csrf"))
			return
		}
	}
	f := rq.r.PostForm
	username := strings.TrimSpace(f.Get("username"))
	var errs []fieldError
	if username == "" {
		errs = append(errs, fieldError{ID: "f-username", Message: rq.t("signin.enter_username")})
	}
	if strings.TrimSpace(f.Get("code")) == "" {
		errs = append(errs, fieldError{ID: "f-code", Message: rq.t("setup.enter_code")})
	}
	if f.Get("new") != f.Get("confirm") {
		errs = append(errs, fieldError{ID: "f-confirm", Message: rq.t("account.mismatch")})
	}
	if len(errs) > 0 {
		u.renderSetup(rq, http.StatusUnprocessableEntity, username, errs)
		return
	}
	from := u.s.clientAddr(rq.r)
	err := u.s.shed.allow(from)
	if err == nil {
		err = u.s.db.UseSetupCode(rq.r.Context(), username, f.Get("code"), f.Get("new"), from)
	}
	if err == nil {
		u.flash(rq, rq.t("setup.done"))
		http.Redirect(rq.w, rq.r, "/signin", http.StatusSeeOther)
		return
	}
	var e *ercms.Error
	switch code := ercms.ErrorCode(err); {
	case code == ercms.EThrottled:
		setRetryAfter(rq.w, err)
		u.renderSetup(rq, http.StatusTooManyRequests, username, []fieldError{{ID: "f-code", Message: u.errorText(rq, err)}})
	case code == ercms.EUnauthorized:
		u.renderSetup(rq, http.StatusUnauthorized, username, []fieldError{{ID: "f-code", Message: u.errorText(rq, err)}})
	case code == ercms.EConflict:
		u.renderSetup(rq, http.StatusConflict, username, []fieldError{{ID: "f-code", Message: u.errorText(rq, err)}})
	case code == ercms.EInvalid && asError(err, &e):
		for k, m := range e.Fields {
			args := e.FieldArgs[k]
			if k == "password" {
				k = "new"
			}
			errs = append(errs, fieldError{ID: fieldID(k), Message: u.messageText(rq, "account."+k, m, args)})
		}
		if len(errs) == 0 {
			errs = append(errs, fieldError{ID: "f-new", Message: u.errorText(rq, err)})
		}
		slices.SortFunc(errs, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
		u.renderSetup(rq, http.StatusUnprocessableEntity, username, errs)
	default:
		u.fail(rq, err)
	}
}
