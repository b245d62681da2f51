package web_test

import (
	"html/template"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// setupCodeRE finds a setup code on a page or in an answer.
var setupCodeRE = regexp.MustCompile(`[A-Z2-7]{5}(?:-[A-Z2-7]{5}){3}`)

// setUp posts the setup form: a username, a setup code and the password chosen.
func (u *uiClient) setUp(username, code, pw string) (int, string) {
	u.t.Helper()
	return u.post("/account/setup", "/account/setup", url.Values{"username": {username}, "code": {code}, "new": {pw}, "confirm": {pw}})
}

// esc is a message of the catalogue as the page writes it.
func esc(l i18n.Lang, key string) string {
	return template.HTMLEscapeString(i18n.Default().T(l, key))
}

// TestUIResetGivesSetupCode: an administrator's reset shows a setup code
// and no password, ends the old password and sessions; the user chooses a
// password with the code, reached from the sign-in page, once; a weak
// password, a wrong, spent or expired code are refused in the reader's
// language.
func TestUIResetGivesSetupCode(t *testing.T) {
	db, clock, base := throttleServer(t, unshed)
	de, err := db.UserByUsername(t.Context(), "de.officer")
	if err != nil {
		t.Fatal(err)
	}
	a := newUIClient(t, base, "en")
	a.signIn("admin")
	victim := newUIClient(t, base, "en")
	victim.signIn("de.officer")

	status, page := a.post("/admin/users", "/admin/users/"+de.ID+"/password", url.Values{})
	code := setupCodeRE.FindString(page)
	if status != http.StatusOK || code == "" || !strings.Contains(page, "by phone or in person") || !strings.Contains(page, "the user chooses their own password") {
		t.Fatalf("reset: %d, code %q\n%s", status, code, page)
	}
	if _, page := victim.get("/"); strings.Contains(page, `class="who"`) {
		t.Error("the user's session survives the reset")
	}
	if _, err := db.SignIn(t.Context(), "de.officer", password, netip.Addr{}); ercms.ErrorCode(err) != ercms.EUnauthorized {
		t.Errorf("the old password after the reset: %v", err)
	}

	fr := newUIClient(t, base, "fr")
	if _, page := fr.get("/signin"); !strings.Contains(page, `href="/account/setup"`) || !strings.Contains(page, esc(i18n.FR, "setup.link")) {
		t.Errorf("no link to the setup page on the sign-in page:\n%s", page)
	}
	status, page = fr.setUp("de.officer", code, "123456789012")
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, esc(i18n.FR, "field.password.sequence")) || !strings.Contains(page, `href="#f-new"`) {
		t.Errorf("a weak password: %d\n%s", status, page)
	}
	status, page = fr.setUp("de.officer", "AAAAA-AAAAA-AAAAA-AAAAA", "un mot de passe bien à moi")
	if status != http.StatusUnauthorized || !strings.Contains(page, esc(i18n.FR, "err.setup.wrong")) {
		t.Errorf("a wrong code: %d\n%s", status, page)
	}
	status, page = fr.setUp("de.officer", strings.ToLower(code), "un mot de passe bien à moi")
	if status != http.StatusOK || !strings.Contains(page, esc(i18n.FR, "setup.done")) || !strings.Contains(page, `action="/signin"`) {
		t.Fatalf("the code: %d\n%s", status, page)
	}
	if _, err := db.SignIn(t.Context(), "de.officer", "un mot de passe bien à moi", netip.Addr{}); err != nil {
		t.Errorf("the password chosen: %v", err)
	}
	status, page = fr.setUp("de.officer", code, "encore un autre mot de passe")
	if status != http.StatusConflict || !strings.Contains(page, esc(i18n.FR, "err.setup.used")) {
		t.Errorf("the code again: %d\n%s", status, page)
	}

	// A code not used within 24 hours is refused.
	_, page = a.post("/admin/users", "/admin/users/"+de.ID+"/password", url.Values{})
	code = setupCodeRE.FindString(page)
	clock.Advance(25 * time.Hour)
	az := newUIClient(t, base, "az")
	status, page = az.setUp("de.officer", code, "mənim öz parolum budur")
	if status != http.StatusConflict || !strings.Contains(page, esc(i18n.AZ, "err.setup.expired")) {
		t.Errorf("an expired code: %d\n%s", status, page)
	}
}

// TestUISetupCodeThrottled: guessing the setup code of an account is
// slowed like guessing its password.
func TestUISetupCodeThrottled(t *testing.T) {
	db, _, base := throttleServer(t, unshed)
	nl, err := db.UserByUsername(t.Context(), "nl.officer")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.IssueSetupCode(t.Context(), ercms.SystemActor(), nl.ID); err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, base, "ru")
	var statuses []int
	for range 7 {
		status, _ := u.setUp("nl.officer", "AAAAA-AAAAA-AAAAA-AAAAA", "мой собственный пароль")
		statuses = append(statuses, status)
	}
	if statuses[0] != http.StatusUnauthorized || statuses[6] != http.StatusTooManyRequests {
		t.Errorf("7 wrong codes: %v", statuses)
	}
}

// TestNoPasswordInAdminAnswers: creating and resetting accounts, on the
// pages and in the API, never gives the administrator anything that signs
// in as the user: the account has no password until its user chooses one,
// the setup code is not one, and the password chosen appears on no
// administrator's page.
func TestNoPasswordInAdminAnswers(t *testing.T) {
	db, _, base := throttleServer(t, unshed)
	sms := orgByType(t, db, "State Migration Service of the Republic of Azerbaijan")
	a := newUIClient(t, base, "en")
	a.signIn("admin")
	api := signIn(t, base, "admin")
	var answers []string

	_, page := a.post("/admin/users", "/admin/users", url.Values{"username": {"sms.analyst2"}, "display_name": {"Aysel Quliyeva"}, "organisation_id": {sms}, "role": {"analyst"}})
	answers = append(answers, page)
	r := api.do("POST", "/api/v1/users", map[string]any{"username": "sms.analyst3", "display_name": "Rəşad Hüseynov", "organisation_id": sms, "role": "analyst"})
	if r.status != http.StatusCreated {
		t.Fatalf("API create: %d %s", r.status, r.body)
	}
	answers = append(answers, string(r.body))
	if r := api.do("POST", "/api/v1/users", map[string]any{"username": "sms.analyst4", "display_name": "Nigar Əliyeva", "organisation_id": sms,
		"role": "analyst", "password": "an administrator's choice"}); r.status != http.StatusUnprocessableEntity || r.problem(t).FieldKeys["password"].Key != "field.user.password.not_set_by_admin" {
		t.Errorf("API create with a password: %d %s", r.status, r.body)
	}
	de, _ := db.UserByUsername(t.Context(), "de.officer")
	nl, _ := db.UserByUsername(t.Context(), "nl.officer")
	_, page = a.post("/admin/users", "/admin/users/"+de.ID+"/password", url.Values{})
	answers = append(answers, page)
	r = api.do("POST", "/api/v1/users/"+nl.ID+"/reset", nil)
	if r.status != http.StatusCreated {
		t.Fatalf("API reset: %d %s", r.status, r.body)
	}
	answers = append(answers, string(r.body))
	if r := api.do("POST", "/api/v1/users/nobody/reset", nil); r.status != http.StatusNotFound {
		t.Errorf("API reset of nobody: %d", r.status)
	}

	users := []string{"sms.analyst2", "sms.analyst3", "de.officer", "nl.officer"}
	for i, ans := range answers {
		code := setupCodeRE.FindString(ans)
		if code == "" || strings.Contains(strings.ToLower(ans), `"password"`) {
			t.Errorf("%s: no setup code, or a password field:\n%s", users[i], ans)
		}
		// Every word of the answer (the banner of a page, the values of
		// the JSON) is tried as the user's password.
		text := ans
		if m := banner.FindStringSubmatch(ans); m != nil {
			text = m[1]
		}
		u, _ := db.UserByUsername(t.Context(), users[i])
		for _, w := range append(words.FindAllString(text, -1), code, "") {
			if err := db.LiftSignInLock(t.Context(), ercms.SystemActor(), u.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SignIn(t.Context(), users[i], w, netip.Addr{}); ercms.ErrorCode(err) != ercms.EUnauthorized {
				t.Errorf("%s signs in with %q of the administrator's answer: %v", users[i], w, err)
			}
		}
		chosen := "the own choice of " + users[i]
		if err := db.UseSetupCode(t.Context(), users[i], code, chosen, netip.Addr{}); err != nil {
			t.Fatalf("%s: %v", users[i], err)
		}
		for _, p := range []string{"/admin", "/admin/users", "/admin/audit"} {
			if _, page := a.get(p); strings.Contains(page, chosen) {
				t.Errorf("%s shows the password of %s", p, users[i])
			}
		}
	}
}

var (
	// banner is the message a page gives after an administrator's action.
	banner = regexp.MustCompile(`(?s)<div class="banner banner-success" role="status"><strong>(.*?)</strong>`)
	// words are the candidates for a password in an answer.
	words = regexp.MustCompile(`[^\s"{}:,;()“”]{4,}`)
)
