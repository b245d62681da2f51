package web

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// Passkeys and security keys (WebAuthn, with go-webauthn): the phishing-
// resistant second factor. A page that offers one renders the ceremony's
// options into its button (the challenge kept with the session); the
// browser's answer comes back in the form's "passkey" field.

// webAuthn returns the relying party of the public address, or nil when
// passkeys cannot work there: browsers take them only on https, or on
// http from localhost, and for a domain name, never an IP address.
func (s *Server) webAuthn() *webauthn.WebAuthn {
	if s.base == nil {
		return nil
	}
	host := s.base.Hostname()
	if net.ParseIP(host) != nil || (s.base.Scheme != "https" && host != "localhost") {
		return nil
	}
	w, err := webauthn.New(&webauthn.Config{RPDisplayName: "eRCMS", RPID: host, RPOrigins: []string{s.base.String()}})
	if err != nil {
		s.log.Error("passkeys", "err", err)
		return nil
	}
	return w
}

// passkeyUser is a user as the WebAuthn library sees it.
type passkeyUser struct {
	o     sqldb.PasskeyOwner
	creds []webauthn.Credential
	// factor is the factor id of each credential, by its id in base64url.
	factor map[string]string
}

func newPasskeyUser(o sqldb.PasskeyOwner) (*passkeyUser, error) {
	u := &passkeyUser{o: o, factor: map[string]string{}}
	for id, raw := range o.Passkeys {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, err
		}
		u.creds = append(u.creds, c)
		u.factor[base64.RawURLEncoding.EncodeToString(c.ID)] = id
	}
	return u, nil
}

func (p *passkeyUser) WebAuthnID() []byte                         { return []byte(p.o.UserID) }
func (p *passkeyUser) WebAuthnName() string                       { return p.o.Username }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.o.DisplayName }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// passkeyOptions begins a ceremony for the session of token: a sign-in
// with one of the user's passkeys (get) or the registration of a new one
// (create); it keeps the challenge and returns the options for the page's
// button, "" when passkeys cannot work here.
func (u *ui) passkeyOptions(rq *request, token string, create bool) (string, error) {
	wa := u.s.webAuthn()
	if wa == nil {
		return "", nil
	}
	o, err := u.s.db.PasskeyOwner(rq.r.Context(), token)
	if err != nil {
		return "", err
	}
	pu, err := newPasskeyUser(o)
	if err != nil {
		return "", err
	}
	var options any
	var session *webauthn.SessionData
	if create {
		var exclude []protocol.CredentialDescriptor
		for _, c := range pu.creds {
			exclude = append(exclude, c.Descriptor())
		}
		options, session, err = wa.BeginRegistration(pu, webauthn.WithExclusions(exclude),
			webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{ResidentKey: protocol.ResidentKeyRequirementPreferred, UserVerification: protocol.VerificationPreferred}))
	} else {
		if len(pu.creds) == 0 {
			return "", nil
		}
		options, session, err = wa.BeginLogin(pu)
	}
	if err != nil {
		return "", err
	}
	sd, err := json.Marshal(session)
	if err != nil {
		return "", err
	}
	if err := u.s.db.SetChallenge(rq.r.Context(), token, string(sd)); err != nil {
		return "", err
	}
	b, err := json.Marshal(options)
	return string(b), err
}

// checkPasskey checks the browser's answer (the form's "passkey" field)
// against the ceremony kept for the session of token: a sign-in with a
// passkey (it returns the passkey's factor id and its credential as it is
// now) or a new passkey (factor id ""). A refused answer is EInvalid.
func (u *ui) checkPasskey(rq *request, token string) (factorID, credential string, err error) {
	refused := ercms.FieldError("passkey", "err.factor.passkey_failed")
	wa := u.s.webAuthn()
	answer := rq.r.PostFormValue("passkey")
	if wa == nil || answer == "" || len(answer) > 64<<10 {
		return "", "", refused
	}
	o, err := u.s.db.PasskeyOwner(rq.r.Context(), token)
	if err != nil {
		return "", "", err
	}
	pu, err := newPasskeyUser(o)
	if err != nil {
		return "", "", err
	}
	var session webauthn.SessionData
	if o.Challenge == "" || json.Unmarshal([]byte(o.Challenge), &session) != nil {
		return "", "", refused
	}
	var cred *webauthn.Credential
	if o.Stage == ercms.FactorVerify {
		parsed, perr := protocol.ParseCredentialRequestResponseBytes([]byte(answer))
		if perr != nil {
			return "", "", refused
		}
		if cred, err = wa.ValidateLogin(pu, session, parsed); err != nil {
			return "", "", refused
		}
		factorID = pu.factor[base64.RawURLEncoding.EncodeToString(cred.ID)]
		if factorID == "" {
			return "", "", refused
		}
	} else {
		parsed, perr := protocol.ParseCredentialCreationResponseBytes([]byte(answer))
		if perr != nil {
			return "", "", refused
		}
		if cred, err = wa.CreateCredential(pu, session, parsed); err != nil {
			return "", "", refused
		}
	}
	b, err := json.Marshal(cred)
	return factorID, string(b), err
}

// passkeySubmit signs in with a passkey, or sets one up as the first
// second factor, for a pending sign-in.
func (u *ui) passkeySubmit(rq *request) {
	c, err := rq.r.Cookie(u.s.cookie(preCSRFCookie))
	if err != nil || !sameToken(rq.r.PostFormValue("csrf"), c.Value) {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.csrf"))
		return
	}
	token := u.pendingToken(rq)
	remember := rq.r.PostFormValue("remember") == "on"
	factorID, cred, err := u.checkPasskey(rq, token)
	var res *sqldb.FactorResult
	switch {
	case ercms.ErrorCode(err) == ercms.EInvalid:
		if ferr := u.s.db.PasskeyFailed(rq.r.Context(), token); ercms.ErrorCode(ferr) != ercms.EInvalid {
			err = ferr
		}
	case err != nil:
	case factorID != "":
		res, err = u.s.db.PasskeyPassed(rq.r.Context(), token, factorID, cred, remember)
	default:
		res, err = u.s.db.AddPasskey(rq.r.Context(), token, "", cred, remember)
	}
	if err != nil {
		u.factorFailed(rq, err)
		return
	}
	u.signedInWithFactor(rq, res)
}

// addPasskeySubmit keeps a passkey a signed-in user registered from the
// security page.
func (u *ui) addPasskeySubmit(rq *request) {
	name := strings.TrimSpace(rq.r.PostFormValue("name"))
	_, cred, err := u.checkPasskey(rq, rq.token)
	if utf8.RuneCountInString(name) > 100 {
		err = ercms.FieldError("name", "field.passkey.name.max", "max", 100)
	}
	var res *sqldb.FactorResult
	if err == nil {
		res, err = u.s.db.AddPasskey(rq.r.Context(), rq.token, name, cred, false)
	}
	if ercms.ErrorCode(err) == ercms.EInvalid {
		u.flash(rq, u.codeError(rq, err))
		http.Redirect(rq.w, rq.r, "/account/security", http.StatusSeeOther)
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	if len(res.RecoveryCodes) > 0 {
		u.render(rq, http.StatusOK, "recovery", page{Title: rq.t("factor.codes_title"), Data: factorData{Codes: res.RecoveryCodes, Continue: "/account/security"}})
		return
	}
	u.flash(rq, rq.t("factor.passkey_added"))
	http.Redirect(rq.w, rq.r, "/account/security", http.StatusSeeOther)
}
