package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
)

// uiClient is a browser without JavaScript: cookies, forms and redirects.
type uiClient struct {
	t    *testing.T
	base string
	c    *http.Client
	lang string
}

func newUIClient(t *testing.T, base, lang string) *uiClient {
	jar, _ := cookiejar.New(nil)
	return &uiClient{t: t, base: base, c: &http.Client{Jar: jar}, lang: lang}
}

// get fetches a page and returns its status and HTML.
func (u *uiClient) get(path string) (int, string) {
	u.t.Helper()
	req, _ := http.NewRequest("GET", u.base+path, nil)
	return u.do(req)
}

// do sends a request in the client's language and follows redirects.
func (u *uiClient) do(req *http.Request) (int, string) {
	u.t.Helper()
	req.Header.Set("Accept-Language", u.lang)
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form with the CSRF token of the page at from.
func (u *uiClient) post(from, action string, form url.Values) (int, string) {
	u.t.Helper()
	_, page := u.get(from)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatalf("no CSRF token on %s:\n%s", from, page)
	}
	form.Set("csrf", m[1])
	req, _ := http.NewRequest("POST", u.base+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.do(req)
}

func (u *uiClient) signIn(username string) {
	u.t.Helper()
	status, page := u.signInWith(username, password)
	if status != 200 || !strings.Contains(page, `class="who"`) {
		u.t.Fatalf("sign in %s: %d\n%s", username, status, page)
	}
}

// signInWith posts the sign-in form with a password, and gives the second
// factor when a page asks for it; it returns the page reached.
func (u *uiClient) signInWith(username, pw string) (int, string) {
	u.t.Helper()
	status, page := u.post("/signin", "/signin", url.Values{"username": {username}, "password": {pw}})
	if strings.Contains(page, `action="/signin/factor"`) {
		status, page = u.passSecondFactor(username, page)
	}
	return status, page
}

// passSecondFactor gives the second factor the page asks for: at the
// first sign-in it sets up an authenticator app with the key on the page,
// later it types the app's code (apps, journeyClocks); it asks to remember
// the device, and continues past the recovery codes.
func (u *uiClient) passSecondFactor(username, page string) (int, string) {
	u.t.Helper()
	c, ok := journeyClocks.Load(u.base)
	if !ok {
		u.t.Fatalf("no clock for the server %s", u.base)
	}
	clock := c.(*testdb.Clock)
	id := u.base + " " + username
	if key := appKeyRE.FindStringSubmatch(page); key != nil {
		rememberApp(id, strings.ReplaceAll(key[1], " ", ""), clock)
	}
	v, ok := apps.Load(id)
	if !ok {
		u.t.Fatalf("%s has no authenticator app in this test", username)
	}
	var status int
	v.(*app).give(u.t, clock, func(code string) {
		status, page = u.post("/signin/factor", "/signin/factor", url.Values{"code": {code}, "remember": {"on"}})
	})
	if m := regexp.MustCompile(`<a class="button" href="([^"]+)">`).FindStringSubmatch(page); m != nil && strings.Contains(page, `class="recovery-codes"`) {
		return u.get(html.UnescapeString(m[1]))
	}
	return status, page
}

// switchLanguage chooses a language with the switch of the home page, as a
// reader would: a POST with the page's CSRF token, back to the home page.
func (u *uiClient) switchLanguage(lang string) {
	u.t.Helper()
	if status, _ := u.post("/", "/lang/"+lang, url.Values{"back": {"/"}}); status != http.StatusOK {
		u.t.Fatalf("switch to %s: %d", lang, status)
	}
}

func TestUISignInAndQueue(t *testing.T) {
	_, _, base := journeyStore(t)
	u := newUIClient(t, base, "fr-FR,fr;q=0.9")
	if status, page := u.get("/"); status != 200 || !strings.Contains(page, `action="/signin"`) {
		t.Fatalf("home without a session: %d", status)
	}
	u.signIn("de.officer")
	status, page := u.get("/applications/new")
	if status != 200 || !strings.Contains(page, `lang="fr"`) || !strings.Contains(page, "f-person-surname") {
		t.Fatalf("new application: %d\n%s", status, page)
	}
}

func TestUIAdministration(t *testing.T) {
	db, actors, base := journeyStore(t)
	newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}) // a running reply clock
	de := newUIClient(t, base, "en")
	de.signIn("de.officer")
	if status, _ := de.get("/admin/users"); status != http.StatusForbidden {
		t.Fatalf("a member-state officer opens the administration: %d", status)
	}
	a := newUIClient(t, base, "en")
	a.signIn("admin")
	status, page := a.post("/admin/users", "/admin/users", url.Values{"username": {"X"}, "display_name": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#f-username"`) || !strings.Contains(page, `href="#f-display_name"`) {
		t.Fatalf("invalid user: %d\n%s", status, page)
	}
	sms := orgByType(t, db, "State Migration Service of the Republic of Azerbaijan")
	status, page = a.post("/admin/users", "/admin/users", url.Values{"username": {"sms.officer2"}, "display_name": {"Aysel Quliyeva"},
		"organisation_id": {sms}, "role": {"ca_officer"}})
	// The administrator gets a setup code, not a password: the user
	// chooses their own with it.
	code := regexp.MustCompile(`sms\.officer2: ([A-Z2-7]{5}(-[A-Z2-7]{5}){3})`).FindStringSubmatch(page)
	if status != http.StatusOK || code == nil {
		t.Fatalf("create a user: %d\n%s", status, page)
	}
	const chosen = "Aysel's very own passphrase"
	// A role that reads case data waits for a second person: here the
	// central authority's supervisor (not the administrator who asked).
	if !strings.Contains(page, "It signs in once a second person confirms its role") {
		t.Errorf("the page does not say the account waits for confirmation:\n%s", page)
	}
	newcomer := newUIClient(t, base, "en")
	if status, page := newcomer.setUp("sms.officer2", code[1], chosen); status != http.StatusOK || !strings.Contains(page, "Your password is set") {
		t.Fatalf("the new user chooses a password: %d\n%s", status, page)
	}
	status, page = newcomer.signInWith("sms.officer2", chosen)
	if status == http.StatusOK && strings.Contains(page, `class="who"`) {
		t.Fatalf("the new user signs in before confirmation: %d", status)
	}
	u2, err := db.UserByUsername(context.Background(), "sms.officer2")
	if err != nil {
		t.Fatal(err)
	}
	if _, page := a.get("/admin/users"); !strings.Contains(page, "Awaiting a second person") || strings.Contains(page, `/grants/`+u2.ID+`/confirm`) {
		t.Errorf("the requesting administrator's users page: pending not shown, or offers to confirm:\n%s", page)
	}
	if status, page := a.post("/admin/users", "/grants/"+u2.ID+"/confirm", url.Values{}); status != http.StatusForbidden || !strings.Contains(page, "A supervisor of the account") {
		t.Errorf("the administrator confirms a central-authority account: %d\n%s", status, page)
	}
	sup := newUIClient(t, base, "en")
	sup.signIn("sms.supervisor")
	if _, page := sup.get("/"); !strings.Contains(page, `href="/grants"`) {
		t.Errorf("no link to the accounts to confirm in the supervisor's navigation")
	}
	if status, page := sup.get("/grants"); status != http.StatusOK || !strings.Contains(page, "sms.officer2") || !strings.Contains(page, "Aysel Quliyeva") || !strings.Contains(page, ">admin<") {
		t.Fatalf("the supervisor's accounts to confirm: %d\n%s", status, page)
	}
	if status, page := sup.post("/grants", "/grants/"+u2.ID+"/confirm", url.Values{}); status != http.StatusOK || !strings.Contains(page, "The role is confirmed") || strings.Contains(page, "sms.officer2") {
		t.Fatalf("the supervisor confirms: %d\n%s", status, page)
	}
	status, page = newcomer.signInWith("sms.officer2", chosen)
	if status != http.StatusOK || !strings.Contains(page, "sms.officer2") {
		t.Fatalf("the new user signs in: %d", status)
	}
	if status, page := newcomer.get("/cases"); status != http.StatusOK || !strings.Contains(page, "/cases/") {
		t.Errorf("the confirmed officer lists cases: %d", status)
	}

	// Holidays: validated field by field, then saved (the store's tests show the recomputation).
	status, page = a.post("/admin/calendars/AZ/2026", "/admin/calendars/AZ/2026", url.Values{"date.day": {"1"}, "date.month": {"1"}, "date.year": {"2025"}, "names.en": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#f-date"`) || !strings.Contains(page, `href="#f-names"`) {
		t.Fatalf("invalid holiday: %d\n%s", status, page)
	}
	status, page = a.post("/admin/calendars/AZ/2026", "/admin/calendars/AZ/2026", url.Values{"date.day": {"4"}, "date.month": {"3"}, "date.year": {"2026"}, "names.en": {"Test day off"}})
	if status != http.StatusOK || !strings.Contains(page, "Test day off") {
		t.Fatalf("add a holiday: %d\n%s", status, page)
	}
	// The running deadlines are recomputed in the background: the page shows how far.
	rs, err := db.Recomputations(context.Background(), ercms.SystemActor(), 1)
	if err != nil || len(rs) != 1 || rs[0].Total == 0 || !rs[0].Running() {
		t.Fatalf("recomputation after the edit: %+v, %v", rs, err)
	}
	if want := fmt.Sprintf("Deadlines being recomputed: 0 of %d cases.", rs[0].Total); !strings.Contains(page, want) {
		t.Errorf("the calendar's page does not say %q:\n%s", want, page)
	}
	if _, err := db.RecomputeAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, page := a.get("/admin/calendars"); !strings.Contains(page, "(after the change of AZ-2026) finished") ||
		!strings.Contains(page, fmt.Sprintf("cases checked: %d;", rs[0].Total)) {
		t.Errorf("the calendars page does not show the finished recomputation:\n%s", page)
	}
	for _, p := range []string{"/admin", "/admin/organisations", "/admin/calendars", "/admin/profiles", "/admin/reference"} {
		if status, _ := a.get(p); status != http.StatusOK {
			t.Errorf("%s: %d", p, status)
		}
	}
}

func TestUIChangePassword(t *testing.T) {
	_, _, base := journeyStore(t)
	u := newUIClient(t, base, "ru")
	u.signIn("nl.officer")
	status, page := u.post("/account/password", "/account/password", url.Values{"current": {"wrong"}, "new": {"short"}, "confirm": {"other"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#f-confirm"`) {
		t.Fatalf("mismatched passwords: %d\n%s", status, page)
	}
	status, page = u.post("/account/password", "/account/password", url.Values{"current": {"wrong password"}, "new": {"a brand new secret"}, "confirm": {"a brand new secret"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#f-current"`) || !strings.Contains(page, "Текущий пароль неверен") {
		t.Fatalf("wrong current password: %d\n%s", status, page)
	}
	status, page = u.post("/account/password", "/account/password", url.Values{"current": {password}, "new": {"a brand new secret"}, "confirm": {"a brand new secret"}})
	if status != http.StatusOK || !strings.Contains(page, `action="/signin"`) {
		t.Fatalf("change: %d", status)
	}
	again := newUIClient(t, base, "en")
	if status, page := again.signInWith("nl.officer", "a brand new secret"); status != http.StatusOK || !strings.Contains(page, `class="who"`) {
		t.Fatalf("sign in with the new password: %d", status)
	}
}

func TestUIQueueSortAndDueFilter(t *testing.T) {
	db, actors, base := journeyStore(t)
	for _, name := range []string{"Çələbi", "Cəfərov", "Dadaşov"} {
		s := newCase(t, db, actors)
		n := draftOf(s.c)
		n.Person.Surname = name
		c, err := db.UpdateDraft(context.Background(), actors["de.officer"], s.c.ID, s.c.Version, n)
		if err != nil {
			t.Fatal(err)
		}
		s.c = c
		s.act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
	}
	u := newUIClient(t, base, "az")
	u.signIn("sms.officer")
	_, page := u.get("/?queue=to_register&sort=name")
	order := regexp.MustCompile(`class="surname">([^<]+)<`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, m := range order {
		got = append(got, m[1])
	}
	// Azerbaijani collation: c < ç < d; surnames in capitals by the Azerbaijani rules (İ).
	if strings.Join(got, ",") != "CƏFƏROV,ÇƏLƏBİ,DADAŞOV" {
		t.Errorf("queue sorted by name in az: %v", got)
	}
	_, page = u.get("/cases?due=overdue")
	if strings.Contains(page, "DADAŞOV") {
		t.Error("a case due in 15 days is listed as overdue")
	}
	_, page = u.get("/cases?due=30")
	if !strings.Contains(page, "DADAŞOV") {
		t.Error("a case due in 15 days is not listed as due within 30 days")
	}
}

// draftOf rebuilds the creation input of a case, for editing a draft.
func draftOf(c *ercms.Case) ercms.NewCase {
	return ercms.NewCase{Type: c.Type, RequestingReference: c.RequestingReference, Procedure: c.Procedure, Category: c.Category, Application: c.Application}
}
