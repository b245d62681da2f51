package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// addAuthenticator gives the browser a virtual platform authenticator (a
// passkey of this computer) that confirms the user at once.
func (b *browser) addAuthenticator() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		b.t.Fatalf("enable WebAuthn: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
	}}); err != nil {
		b.t.Fatalf("add a virtual authenticator: %v", err)
	}
}

// TestJourneyPasskey: an officer whose first sign-in asks for a second
// factor sets up a passkey instead of an app (Chromium's virtual
// authenticator), sees the recovery codes, and signs in with the passkey
// the next time, in Azerbaijani and French.
func TestJourneyPasskey(t *testing.T) {
	for _, lang := range []string{"az", "fr"} {
		t.Run(lang, func(t *testing.T) {
			db, actors, base := journeyServe(t, false, "localhost")
			b := newBrowser(t, base)
			b.addAuthenticator()
			b.open("/signin")
			b.submit(`.lang-switch button[lang="` + lang + `"]`)
			b.fill("#f-username", "sms.officer")
			b.fill("#f-password", password)
			b.submit("main button[type=submit]")
			b.expect("h1", regexp.QuoteMeta(i18n.Default().T(i18n.Lang(lang), "factor.enrol_title")))
			b.screenshot("passkey-offered")
			b.submit("#create-passkey")
			b.expect("h1", regexp.QuoteMeta(i18n.Default().T(i18n.Lang(lang), "factor.codes_title")))
			b.screenshot("recovery-codes")
			b.submit("main a.button")
			if p := b.path(); p != "/" {
				t.Fatalf("after setting up the passkey: %s", p)
			}
			officer := actors["sms.officer"]
			f, err := db.SecondFactors(t.Context(), officer)
			if err != nil || len(f.Factors) != 1 || f.Factors[0].Kind != "passkey" || f.RecoveryLeft != 10 {
				t.Fatalf("factors kept: %+v, %v", f, err)
			}

			b.submit(".who button[type=submit]") // sign out
			b.open("/signin")
			b.fill("#f-username", "sms.officer")
			b.fill("#f-password", password)
			b.submit("main button[type=submit]")
			b.expect("main", regexp.QuoteMeta(i18n.Default().T(i18n.Lang(lang), "factor.verify_lead_passkey")))
			b.screenshot("passkey-asked")
			b.submit("#use-passkey")
			if p := b.path(); p != "/" {
				t.Fatalf("after the passkey: %s: %s", p, b.text("main"))
			}
			if _, err := db.SequenceAudit(t.Context()); err != nil {
				t.Fatal(err)
			}
			events, err := db.AuditEvents(t.Context(), actors["auditor"], sqldb.AuditFilter{ObjectID: officer.UserID, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			passkeyLogins := 0
			for _, e := range events {
				if e.Action == "login" && strings.Contains(string(e.Details), `"passkey"`) {
					passkeyLogins++
				}
			}
			if passkeyLogins != 2 { // setting it up signed in too
				t.Errorf("%d sign-ins with the passkey audited, want 2", passkeyLogins)
			}
		})
	}
}
