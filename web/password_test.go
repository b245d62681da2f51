package web_test

import (
	"html/template"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

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

// TestAPIPasswordRefusedWithReason: creating a user with a guessable
// password answers 422 with the reason on the field password, in the
// language of Accept-Language.
func TestAPIPasswordRefusedWithReason(t *testing.T) {
	db, _, base := journeyStore(t)
	admin := signIn(t, base, "admin")
	sms := orgByType(t, db, "State Migration Service of the Republic of Azerbaijan")
	cat := i18n.Default()
	for _, tc := range []struct {
		lang          i18n.Lang
		password, key string
	}{
		{i18n.FR, "aaaaaaaaaaaa", "field.password.repeated"},
		{i18n.AZ, "aysel.quliyeva1", "field.password.personal"},
		{i18n.RU, strings.Repeat("слово ", 22), "field.password.too_long"},
	} {
		r := admin.do("POST", "/api/v1/users", map[string]any{"username": "aysel.quliyeva", "display_name": "Aysel Quliyeva", "organisation_id": sms,
			"role": "ca_officer", "password": tc.password}, "Accept-Language", string(tc.lang))
		p := r.problem(t)
		if want := cat.Message(tc.lang, tc.key, p.FieldKeys["password"].Args); r.status != http.StatusUnprocessableEntity ||
			p.FieldKeys["password"].Key != tc.key || p.Errors["password"] != want {
			t.Errorf("%s %q: %d %+v, want %s: %q", tc.lang, tc.password, r.status, p, tc.key, want)
		}
	}
	if r := admin.do("POST", "/api/v1/users", map[string]any{"username": "aysel.quliyeva", "display_name": "Aysel Quliyeva", "organisation_id": sms,
		"role": "ca_officer", "password": "Şuşa gəzinti"}); r.status != http.StatusCreated {
		t.Errorf("a passphrase in Azerbaijani: %d %s", r.status, r.body)
	}
}
