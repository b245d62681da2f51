package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strings"

	"github.com/pquerna/otp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// The second factor in the pages. A right password that still waits for
// the second factor (sqldb.Pending) keeps its session token in a cookie of
// its own, which opens only /signin/factor: there the user types a code of
// an authenticator app or a recovery code, uses a passkey, or, at the first
// sign-in, sets an authenticator app up. /account/security lists the
// user's factors and recovery codes.
const (
	// pendingCookie holds the token of a sign-in waiting for its second factor.
	pendingCookie = "ercms_pending"
	// deviceCookie holds the token of a device remembered after the second factor.
	deviceCookie = "ercms_device"
)

// factorRoutes adds the pages of the second factor.
func (s *Server) factorRoutes(u *ui) {
	s.mux.Handle("GET /signin/factor", u.handle(false, u.factorPage))
	s.mux.Handle("POST /signin/factor", u.handle(false, u.factorSubmit))
	s.mux.Handle("POST /signin/passkey", u.handle(false, u.passkeySubmit))
	s.mux.Handle("POST /account/security/passkey", u.handle(true, u.addPasskeySubmit))
	s.mux.Handle("GET /account/security", u.handle(true, u.securityPage))
	s.mux.Handle("GET /account/security/app", u.handle(true, u.addAppPage))
	s.mux.Handle("POST /account/security/app", u.handle(true, u.addAppSubmit))
	s.mux.Handle("POST /account/security/recovery", u.handle(true, u.newRecoveryCodes))
	s.mux.Handle("POST /account/security/devices/forget", u.handle(true, u.forgetDevices))
	s.mux.Handle("POST /account/security/{id}/remove", u.handle(true, u.removeFactor))
}

// factorData is what the second-factor pages show.
type factorData struct {
	// Stage is ercms.FactorVerify or ercms.FactorEnrol ("" on the account pages).
	Stage         string
	Next, PreCSRF string
	// TOTP and Passkey say which factors the user has (Stage verify).
	TOTP, Passkey bool
	// App is the authenticator app being set up (Stage enrol, or adding one).
	App *appSetup
	// RememberHours is how long a device is remembered (0: never, no box).
	RememberHours int
	// Codes are new recovery codes, shown once; Continue is where to go then.
	Codes    []string
	Continue string
	// Factors lists the user's factors (account page).
	Factors sqldb.Factors
	// PasskeyGet and PasskeyCreate are the WebAuthn options of the page's
	// passkey button (sign in with one, or set one up); "" for no button.
	PasskeyGet, PasskeyCreate string
}

// appSetup is an authenticator app being set up, as its page shows it.
type appSetup struct {
	// Secret is the key in groups of four, for typing it in by hand.
	Secret string
	// QR is the otpauth URL as a PNG data URL, for scanning it.
	QR template.URL
}

func newAppSetup(t sqldb.TOTPSetup) *appSetup {
	a := &appSetup{}
	var groups []string
	for s := t.Secret; s != ""; {
		n := min(4, len(s))
		groups = append(groups, s[:n])
		s = s[n:]
	}
	a.Secret = strings.Join(groups, " ")
	if k, err := otp.NewKeyFromURL(t.URL); err == nil {
		if img, err := k.Image(220, 220); err == nil {
			var buf bytes.Buffer
			if png.Encode(&buf, img) == nil {
				// A PNG the server made: safe as an image's source.
				a.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
			}
		}
	}
	return a
}

// pendingToken returns the token of the sign-in waiting for its second factor, "" when none.
func (u *ui) pendingToken(rq *request) string {
	if c, err := rq.r.Cookie(u.s.cookie(pendingCookie)); err == nil {
		return c.Value
	}
	return ""
}

// deviceToken returns the token of the remembered device, "" when none.
func (u *ui) deviceToken(rq *request) string {
	if c, err := rq.r.Cookie(u.s.cookie(deviceCookie)); err == nil {
		return c.Value
	}
	return ""
}

// startSession sets the cookies of a signed-in session.
func (u *ui) startSession(rq *request, sess *ercms.Session) {
	// MaxAge, not Expires: the browser's clock need not agree with the server's.
	maxAge := int(sess.ExpiresAt.Sub(u.s.db.Now()).Seconds())
	http.SetCookie(rq.w, &http.Cookie{Name: u.s.cookie(sessionCookie), Value: sess.Token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: u.s.secureCookie(rq.r), SameSite: http.SameSiteLaxMode})
	u.setCookie(rq, sessionEndCookie, sessionEndValue(sess.Token, sess.ExpiresAt), maxAge, true)
}

// startPending keeps a sign-in waiting for its second factor and sends the
// user to give it.
func (u *ui) startPending(rq *request, sess *ercms.Session, next string) {
	u.setCookie(rq, pendingCookie, sess.Token, int(sqldb.PendingSignInTTL.Seconds()), true)
	http.Redirect(rq.w, rq.r, "/signin/factor?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
}

// factorPage asks for the second factor of a pending sign-in, or sets up
// an authenticator app when the user has none and must.
func (u *ui) factorPage(rq *request) {
	u.renderFactor(rq, http.StatusOK, nil)
}

func (u *ui) renderFactor(rq *request, status int, errs []fieldError) {
	token := u.pendingToken(rq)
	p, err := u.s.db.PendingSignIn(rq.r.Context(), token)
	if err != nil {
		u.pendingGone(rq, err)
		return
	}
	d := factorData{Stage: p.Stage, Next: safeNext(rq.r.FormValue("next")), PreCSRF: u.preCSRF(rq), TOTP: p.TOTP, Passkey: p.Passkey,
		RememberHours: int(u.s.db.RememberDevice.Hours())}
	title := rq.t("factor.title")
	if p.Stage == ercms.FactorEnrol {
		setup, err := u.s.db.BeginTOTP(rq.r.Context(), token)
		switch {
		case ercms.ErrorCode(err) == ercms.EConflict:
			// Set up on another device a moment ago: give it.
			p.Stage, d.Stage, d.TOTP = ercms.FactorVerify, ercms.FactorVerify, true
		case err != nil:
			u.pendingGone(rq, err)
			return
		default:
			d.App = newAppSetup(setup)
			title = rq.t("factor.enrol_title")
		}
	}
	if d.PasskeyGet, err = u.passkeyOptions(rq, token, p.Stage == ercms.FactorEnrol); err != nil {
		u.pendingGone(rq, err)
		return
	}
	if p.Stage == ercms.FactorEnrol {
		d.PasskeyCreate, d.PasskeyGet = d.PasskeyGet, ""
	}
	u.render(rq, status, "factor", page{Title: title, Errors: errs, Data: d})
}

// pendingGone sends a user whose pending sign-in ended (timed out, too
// many wrong codes) back to the sign-in form, saying why.
func (u *ui) pendingGone(rq *request, err error) {
	if ercms.ErrorCode(err) != ercms.EUnauthorized {
		u.fail(rq, err)
		return
	}
	u.setCookie(rq, pendingCookie, "", -1, true)
	key := "factor.expired"
	if m, _ := ercms.ErrorMessage(err); m == "err.factor.start_again" {
		key = m
	}
	u.flash(rq, rq.t(key))
	http.Redirect(rq.w, rq.r, "/signin", http.StatusSeeOther)
}

// factorSubmit checks the code given for a pending sign-in (or the first
// code of the app being set up) and signs the user in.
func (u *ui) factorSubmit(rq *request) {
	c, err := rq.r.Cookie(u.s.cookie(preCSRFCookie))
	if err != nil || !sameToken(rq.r.PostFormValue("csrf"), c.Value) {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.csrf"))
		return
	}
	token := u.pendingToken(rq)
	p, err := u.s.db.PendingSignIn(rq.r.Context(), token)
	if err != nil {
		u.pendingGone(rq, err)
		return
	}
	code := strings.TrimSpace(rq.r.PostFormValue("code"))
	if code == "" {
		u.renderFactor(rq, http.StatusUnprocessableEntity, []fieldError{{ID: "f-code", Message: rq.t("factor.enter_code")}})
		return
	}
	remember := rq.r.PostFormValue("remember") == "on"
	var res *sqldb.FactorResult
	if p.Stage == ercms.FactorEnrol {
		res, err = u.s.db.ConfirmTOTP(rq.r.Context(), token, code, remember)
	} else {
		res, err = u.s.db.VerifySecondFactor(rq.r.Context(), token, code, remember)
	}
	if err != nil {
		u.factorFailed(rq, err)
		return
	}
	u.signedInWithFactor(rq, res)
}

// factorFailed answers a code that did not pass.
func (u *ui) factorFailed(rq *request, err error) {
	switch ercms.ErrorCode(err) {
	case ercms.EInvalid:
		u.renderFactor(rq, http.StatusUnprocessableEntity, []fieldError{{ID: "f-code", Message: u.codeError(rq, err)}})
	case ercms.EThrottled:
		setRetryAfter(rq.w, err)
		u.renderFactor(rq, http.StatusTooManyRequests, []fieldError{{ID: "f-code", Message: u.errorText(rq, err)}})
	case ercms.EConflict: // the app being set up was replaced: show the new one
		u.renderFactor(rq, http.StatusConflict, []fieldError{{ID: "f-code", Message: u.errorText(rq, err)}})
	default:
		u.pendingGone(rq, err)
	}
}

// codeError is the message of a code refused: that of its field.
func (u *ui) codeError(rq *request, err error) string {
	var e *ercms.Error
	if asError(err, &e) {
		for _, f := range []string{"code", "passkey", "name"} {
			if key := e.Fields[f]; key != "" {
				return u.messageText(rq, f, key, e.FieldArgs[f])
			}
		}
	}
	return u.errorText(rq, err)
}

// signedInWithFactor sets the cookies of the session that passed its
// second factor, and shows new recovery codes once, or goes on.
func (u *ui) signedInWithFactor(rq *request, res *sqldb.FactorResult) {
	u.setCookie(rq, pendingCookie, "", -1, true)
	u.setCookie(rq, preCSRFCookie, "", -1, true)
	u.startSession(rq, res.Session)
	if res.Device != "" {
		u.setCookie(rq, deviceCookie, res.Device, int(u.s.db.RememberDevice.Seconds()), true)
	}
	next := safeNext(rq.r.FormValue("next"))
	if len(res.RecoveryCodes) == 0 {
		http.Redirect(rq.w, rq.r, next, http.StatusSeeOther)
		return
	}
	// The page is the first of the new session: its header and forms are
	// those of the user signed in.
	if a, ends, err := u.s.db.AuthenticateSession(rq.r.Context(), res.Session.Token); err == nil {
		rq.actor, rq.token, rq.ends = &a, res.Session.Token, ends
	}
	u.render(rq, http.StatusOK, "recovery", page{Title: rq.t("factor.codes_title"), Data: factorData{Codes: res.RecoveryCodes, Continue: next}})
}

// securityPage lists the user's second factors, the recovery codes left,
// and the ways to add, replace and remove them.
func (u *ui) securityPage(rq *request) {
	f, err := u.s.db.SecondFactors(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	create, err := u.passkeyOptions(rq, rq.token, true)
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.render(rq, http.StatusOK, "security", page{Title: rq.t("factor.security_title"), Data: factorData{Factors: f, RememberHours: int(u.s.db.RememberDevice.Hours()), PasskeyCreate: create}})
}

// addAppPage shows a new authenticator app's key to scan and its first code to type.
func (u *ui) addAppPage(rq *request) {
	u.renderAddApp(rq, http.StatusOK, nil)
}

func (u *ui) renderAddApp(rq *request, status int, errs []fieldError) {
	setup, err := u.s.db.BeginTOTP(rq.r.Context(), rq.token)
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.render(rq, status, "factor", page{Title: rq.t("factor.add_app_title"), Errors: errs, Data: factorData{App: newAppSetup(setup)}})
}

// addAppSubmit confirms the new app with its first code.
func (u *ui) addAppSubmit(rq *request) {
	code := strings.TrimSpace(rq.r.PostFormValue("code"))
	if code == "" {
		u.renderAddApp(rq, http.StatusUnprocessableEntity, []fieldError{{ID: "f-code", Message: rq.t("factor.enter_code")}})
		return
	}
	res, err := u.s.db.ConfirmTOTP(rq.r.Context(), rq.token, code, false)
	switch ercms.ErrorCode(err) {
	case "":
	case ercms.EInvalid, ercms.EConflict:
		u.renderAddApp(rq, http.StatusUnprocessableEntity, []fieldError{{ID: "f-code", Message: u.codeError(rq, err)}})
		return
	case ercms.EThrottled:
		setRetryAfter(rq.w, err)
		u.renderAddApp(rq, http.StatusTooManyRequests, []fieldError{{ID: "f-code", Message: u.errorText(rq, err)}})
		return
	default:
		u.fail(rq, err)
		return
	}
	if len(res.RecoveryCodes) > 0 {
		u.render(rq, http.StatusOK, "recovery", page{Title: rq.t("factor.codes_title"), Data: factorData{Codes: res.RecoveryCodes, Continue: "/account/security"}})
		return
	}
	u.flash(rq, rq.t("factor.app_added"))
	http.Redirect(rq.w, rq.r, "/account/security", http.StatusSeeOther)
}

// newRecoveryCodes replaces the user's recovery codes and shows the new ones once.
func (u *ui) newRecoveryCodes(rq *request) {
	codes, err := u.s.db.NewRecoveryCodes(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.render(rq, http.StatusOK, "recovery", page{Title: rq.t("factor.codes_title"), Data: factorData{Codes: codes, Continue: "/account/security"}})
}

// forgetDevices forgets every device remembered for the user.
func (u *ui) forgetDevices(rq *request) {
	if err := u.s.db.ForgetDevices(rq.r.Context(), *rq.actor); err != nil {
		u.fail(rq, err)
		return
	}
	u.setCookie(rq, deviceCookie, "", -1, true)
	u.flash(rq, rq.t("factor.devices_forgotten"))
	http.Redirect(rq.w, rq.r, "/account/security", http.StatusSeeOther)
}

// removeFactor removes one of the user's second factors.
func (u *ui) removeFactor(rq *request) {
	err := u.s.db.RemoveSecondFactor(rq.r.Context(), *rq.actor, rq.r.PathValue("id"))
	if ercms.ErrorCode(err) == ercms.EConflict {
		u.flash(rq, u.errorText(rq, err))
		http.Redirect(rq.w, rq.r, "/account/security", http.StatusSeeOther)
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("factor.removed"))
	http.Redirect(rq.w, rq.r, "/account/security", http.StatusSeeOther)
}
