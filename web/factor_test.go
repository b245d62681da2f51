package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
)

var (
	// appKeyRE finds the key of an authenticator app being set up.
	appKeyRE = regexp.MustCompile(`id="app-key"[^>]*>([A-Z2-7 ]+)<`)
	// recoveryCodeRE finds the recovery codes shown once.
	recoveryCodeRE = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// appCode returns the code an authenticator app with key shows at t.
func appCode(t *testing.T, key string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(strings.ReplaceAll(key, " ", ""), at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestUISecondFactor walks the second factor in the pages, in Azerbaijani
// and French, as an officer meets it: the first sign-in asks to set up an
// authenticator app (QR code and key), a wrong code is refused on its
// field in the reader's language, the right one signs in and shows ten
// recovery codes once; a recovery code signs in once on another device; a
// device remembered signs in with the password alone; odd input in the
// code box is refused, never a server error; the security page lists the
// app and the codes left.
func TestUISecondFactor(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.AZ, i18n.FR} {
		t.Run(string(lang), func(t *testing.T) {
			db, clock, base := throttleServer(t, unshed)
			db.RequireSecondFactor = true
			u := newUIClient(t, base, string(lang))
			status, page := u.post("/signin", "/signin", url.Values{"username": {"sms.supervisor"}, "password": {password}, "next": {"/cases"}})
			key := appKeyRE.FindStringSubmatch(page)
			if status != http.StatusOK || key == nil || !strings.Contains(page, esc(lang, "factor.enrol_title")) || !strings.Contains(page, `src="data:image/png;base64,`) {
				t.Fatalf("first sign-in: %d\n%s", status, page)
			}
			if _, page := u.get("/cases"); strings.Contains(page, `class="who"`) {
				t.Fatal("the password alone opens the cases")
			}
			wrong := "000000"
			if appCode(t, key[1], clock.Now()) == wrong {
				wrong = "111111"
			}
			status, page = u.post("/signin/factor", "/signin/factor", url.Values{"code": {wrong}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, esc(lang, "err.factor.wrong_code")) || !strings.Contains(page, `href="#f-code"`) {
				t.Fatalf("a wrong code: %d\n%s", status, page)
			}
			if again := appKeyRE.FindStringSubmatch(page); again == nil || again[1] != key[1] {
				t.Fatal("a wrong code changes the key being set up")
			}
			status, page = u.post("/signin/factor", "/signin/factor", url.Values{"code": {appCode(t, key[1], clock.Now())}, "remember": {"on"}, "next": {"/cases"}})
			codes := recoveryCodeRE.FindAllStringSubmatch(page, -1)
			if status != http.StatusOK || len(codes) != 10 || !strings.Contains(page, esc(lang, "factor.codes_lead")) || !strings.Contains(page, `href="/cases"`) || !strings.Contains(page, `class="who"`) {
				t.Fatalf("the right code: %d, %d codes\n%s", status, len(codes), page)
			}
			if _, page := u.get("/cases"); !strings.Contains(page, `class="who"`) {
				t.Fatal("not signed in after the second factor")
			}

			// Another device: a recovery code works once.
			other := newUIClient(t, base, string(lang))
			status, page = other.post("/signin", "/signin", url.Values{"username": {"sms.supervisor"}, "password": {password}})
			if status != http.StatusOK || !strings.Contains(page, esc(lang, "factor.verify_lead")) {
				t.Fatalf("sign-in on another device: %d\n%s", status, page)
			}
			for _, odd := range []string{"%", "1988", "Мамедов", strings.Repeat("x", 1000)} {
				if status, page := other.post("/signin/factor", "/signin/factor", url.Values{"code": {odd}}); status != http.StatusUnprocessableEntity {
					t.Fatalf("code %.20q: %d\n%s", odd, status, page)
				}
				clock.Advance(time.Minute) // wrong codes slow the account down
			}
			// The fifth wrong code ends that sign-in: the password is asked again.
			status, page = other.post("/signin/factor", "/signin/factor", url.Values{"code": {"<script>"}})
			if status != http.StatusOK || !strings.Contains(page, `action="/signin"`) || !strings.Contains(page, esc(lang, "err.factor.start_again")) {
				t.Fatalf("the fifth wrong code: %d\n%s", status, page)
			}
			if _, page := other.get("/signin/factor"); !strings.Contains(page, `action="/signin"`) {
				t.Fatalf("the sign-in survives five wrong codes:\n%s", page)
			}
			clock.Advance(time.Hour)
			other.post("/signin", "/signin", url.Values{"username": {"sms.supervisor"}, "password": {password}})
			status, page = other.post("/signin/factor", "/signin/factor", url.Values{"code": {strings.ToUpper(codes[0][1])}})
			if status != http.StatusOK || !strings.Contains(page, `class="who"`) {
				t.Fatalf("a recovery code: %d\n%s", status, page)
			}
			third := newUIClient(t, base, string(lang))
			third.post("/signin", "/signin", url.Values{"username": {"sms.supervisor"}, "password": {password}})
			if status, _ := third.post("/signin/factor", "/signin/factor", url.Values{"code": {codes[0][1]}}); status != http.StatusUnprocessableEntity {
				t.Fatalf("a spent recovery code: %d", status)
			}

			// The remembered device signs in with the password alone.
			u.post("/", "/signout", url.Values{})
			status, page = u.post("/signin", "/signin", url.Values{"username": {"sms.supervisor"}, "password": {password}})
			if status != http.StatusOK || !strings.Contains(page, `class="who"`) {
				t.Fatalf("the remembered device: %d\n%s", status, page)
			}
			status, page = u.get("/account/security")
			if status != http.StatusOK || !strings.Contains(page, esc(lang, "factor.kind_totp")) || !strings.Contains(page, "9") {
				t.Fatalf("the security page: %d\n%s", status, page)
			}
		})
	}
}

// TestUIAddAppWhenOptional: with the policy off, a user signs in with the
// password and adds an authenticator app from the security page; from
// then on the sign-in asks for its code.
func TestUIAddAppWhenOptional(t *testing.T) {
	_, clock, base := throttleServer(t, unshed)
	u := newUIClient(t, base, "en")
	if _, page := u.get("/signin"); !strings.Contains(page, `id="factor-off"`) {
		t.Error("the sign-in page does not say that the second factor is off")
	}
	u.signIn("analyst")
	status, page := u.get("/account/security/app")
	key := appKeyRE.FindStringSubmatch(page)
	if status != http.StatusOK || key == nil {
		t.Fatalf("add an app: %d\n%s", status, page)
	}
	status, page = u.post("/account/security/app", "/account/security/app", url.Values{"code": {appCode(t, key[1], clock.Now())}})
	if status != http.StatusOK || len(recoveryCodeRE.FindAllString(page, -1)) != 10 {
		t.Fatalf("confirm the app: %d\n%s", status, page)
	}
	u.post("/", "/signout", url.Values{})
	clock.Advance(time.Minute)
	status, page = u.post("/signin", "/signin", url.Values{"username": {"analyst"}, "password": {password}})
	if status != http.StatusOK || !strings.Contains(page, html.EscapeString("six-digit code")) {
		t.Fatalf("the next sign-in: %d\n%s", status, page)
	}
	status, page = u.post("/signin/factor", "/signin/factor", url.Values{"code": {appCode(t, key[1], clock.Now())}})
	if status != http.StatusOK || !strings.Contains(page, `class="who"`) {
		t.Fatalf("the code: %d\n%s", status, page)
	}
}

// TestAPISecondFactor: the API takes the second factor in the sign-in
// request; without it, or with a wrong one, no session is given; an
// account that must set one up is told to do so in the web application.
func TestAPISecondFactor(t *testing.T) {
	db, clock, base := throttleServer(t, unshed)
	db.RequireSecondFactor = true
	c := &client{t: t, base: base}
	r := c.do("POST", "/api/v1/session", map[string]string{"username": "de.officer", "password": password}, "Accept-Language", "fr")
	if r.status != http.StatusForbidden || !strings.Contains(string(r.body), i18n.Default().T(i18n.FR, "err.login.enrol_first")) {
		t.Fatalf("no factor set up: %d %s", r.status, r.body)
	}
	key := enrolInPages(t, base, "de.officer", clock)
	clock.Advance(time.Minute)
	r = c.do("POST", "/api/v1/session", map[string]string{"username": "de.officer", "password": password})
	if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "code") {
		t.Fatalf("no code: %d %s", r.status, r.body)
	}
	r = c.do("POST", "/api/v1/session", map[string]string{"username": "de.officer", "password": password, "code": "zzzzz-zzzzz"})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong code: %d %s", r.status, r.body)
	}
	r = c.do("POST", "/api/v1/session", map[string]string{"username": "de.officer", "password": password, "code": appCode(t, key, clock.Now())})
	if r.status != http.StatusCreated {
		t.Fatalf("the code: %d %s", r.status, r.body)
	}
	var s struct{ Token string }
	if err := json.Unmarshal(r.body, &s); err != nil || s.Token == "" {
		t.Fatalf("%s: %v", r.body, err)
	}
	c.token = s.Token
	if r := c.do("GET", "/api/v1/me", nil); r.status != http.StatusOK {
		t.Fatalf("me: %d %s", r.status, r.body)
	}
	// The officer lost the phone: an administrator resets the factor (in
	// French, the page's confirmation says what happens); the officer's
	// session ends.
	de, err := db.UserByUsername(t.Context(), "de.officer")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.do("POST", "/api/v1/users/"+de.ID+"/reset-factor", nil); r.status != http.StatusForbidden {
		t.Fatalf("the officer resets a factor: %d", r.status)
	}
	admin := newUIClient(t, base, "fr")
	admin.signIn("admin")
	status, page := admin.post("/admin/users", "/admin/users/"+de.ID+"/factor/reset", url.Values{})
	if status != http.StatusOK || !strings.Contains(page, esc(i18n.FR, "admin.factor_reset")) || !strings.Contains(page, esc(i18n.FR, "admin.confirm_factor_reset")) {
		t.Fatalf("the reset: %d\n%s", status, page)
	}
	if r := c.do("GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("the officer's session after the reset: %d", r.status)
	}
	if f, err := db.SecondFactors(t.Context(), ercms.Actor{UserID: de.ID, Role: de.Role}); err != nil || len(f.Factors) != 0 {
		t.Fatalf("factors after the reset: %+v, %v", f, err)
	}
}

// enrolInPages sets up an authenticator app for username through the
// pages and returns its key.
func enrolInPages(t *testing.T, base, username string, clock *testdb.Clock) string {
	t.Helper()
	u := newUIClient(t, base, "en")
	_, page := u.post("/signin", "/signin", url.Values{"username": {username}, "password": {password}})
	key := appKeyRE.FindStringSubmatch(page)
	if key == nil {
		t.Fatalf("no key to set up:\n%s", page)
	}
	if status, page := u.post("/signin/factor", "/signin/factor", url.Values{"code": {appCode(t, key[1], clock.Now())}}); status != http.StatusOK {
		t.Fatalf("enrol %s: %d\n%s", username, status, page)
	}
	return key[1]
}
