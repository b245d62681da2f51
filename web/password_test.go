package web_test

import (
	"html/template"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// TestUIPasswordRefusedWithReason: the password page tells the rule beside
// the new password, and a guessable one is refused there with the reason
// in the reader's language, without the password.
func TestUIPasswordRefusedWithReason(t *testing.T) {
	db, _, base := journeyStore(t)
	cat := i18n.Default()
	for _, tc := range []struct {
		lang          i18n.Lang
		password, key string
	}{
		{i18n.AZ, "qwertyuiopas", "field.password.keyboard"},
		{i18n.FR, "nl.officernl.officer", "field.password.personal"},
		{i18n.FR, "123456789012", "field.password.sequence"},
	} {
		u := newUIClient(t, base, string(tc.lang))
		u.signIn("nl.officer")
		if _, page := u.get("/account/password"); !strings.Contains(page, template.HTMLEscapeString(cat.T(tc.lang, "account.password_hint"))) ||
			!strings.Contains(page, `aria-describedby="f-new-hint"`) {
			t.Errorf("%s: the password page has no hint:\n%s", tc.lang, page)
		}
		status, page := u.post("/account/password", "/account/password", url.Values{"current": {password}, "new": {tc.password}, "confirm": {tc.password}})
		want := template.HTMLEscapeString(cat.T(tc.lang, tc.key))
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#f-new"`) || !strings.Contains(page, want) ||
			!strings.Contains(page, `aria-describedby="f-new-hint f-new-error"`) {
			t.Errorf("%s %q: %d, want %q on the new password:\n%s", tc.lang, tc.password, status, want, page)
		}
		if strings.Contains(page, tc.password) {
			t.Errorf("%s: the page repeats the refused password", tc.lang)
		}
	}
	if _, err := db.SignIn(t.Context(), "nl.officer", password, netip.Addr{}); err != nil {
		t.Errorf("a refused password replaced the old one: %v", err)
	}
}

// TestAPIPasswordRefusedWithReason: the API does not let an administrator
// set a user's password (422 on the field password, in the language of
// Accept-Language); the user chooses it with the setup code of the answer,
// and a guessable one is refused there with the reason in the reader's
// language (TestUIResetGivesSetupCode, az and fr).
func TestAPIPasswordRefusedWithReason(t *testing.T) {
	db, _, base := journeyStore(t)
	admin := signIn(t, base, "admin")
	sms := orgByType(t, db, "State Migration Service of the Republic of Azerbaijan")
	cat := i18n.Default()
	for _, lang := range []i18n.Lang{i18n.AZ, i18n.FR} {
		r := admin.do("POST", "/api/v1/users", map[string]any{"username": "aysel.quliyeva", "display_name": "Aysel Quliyeva", "organisation_id": sms,
			"role": "ca_officer", "password": "Şuşa gəzinti"}, "Accept-Language", string(lang))
		p := r.problem(t)
		const key = "field.user.password.not_set_by_admin"
		if r.status != http.StatusUnprocessableEntity || p.FieldKeys["password"].Key != key || p.Errors["password"] != cat.T(lang, key) {
			t.Errorf("%s: %d %+v, want %s", lang, r.status, p, key)
		}
	}
	var created struct {
		SetupCode string `json:"setup_code"`
	}
	r := admin.do("POST", "/api/v1/users", map[string]any{"username": "aysel.quliyeva", "display_name": "Aysel Quliyeva", "organisation_id": sms, "role": "ca_officer"})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r.decode(t, &created)
	err := db.UseSetupCode(t.Context(), "aysel.quliyeva", created.SetupCode, "aysel.quliyeva1", netip.Addr{})
	if e, ok := err.(*ercms.Error); !ok || e.Fields["password"] != "field.password.personal" {
		t.Errorf("a password made of the username: %v", err)
	}
	if err := db.UseSetupCode(t.Context(), "aysel.quliyeva", created.SetupCode, "Şuşa gəzinti", netip.Addr{}); err != nil {
		t.Errorf("a passphrase in Azerbaijani: %v", err)
	}
}
