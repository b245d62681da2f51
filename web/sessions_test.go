package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// clockedStore is a seeded SQLite store with its settable clock, served.
func clockedStore(t *testing.T) (*sqldb.DB, *testdb.Clock, string) {
	t.Helper()
	db, clock := testdb.Open(t, sqldb.SQLite)
	return db, clock, startWith(t, db, nil)
}

// cookie returns the value of one of the client's cookies.
func (u *uiClient) cookie(name string) string {
	base, _ := url.Parse(u.base)
	for _, c := range u.c.Jar.Cookies(base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// signedOut fails unless the client is sent to sign in, and back to path after.
func signedOut(t *testing.T, u *uiClient, path, what string) {
	t.Helper()
	status, page := u.get(path)
	if status != 200 || !strings.Contains(page, `id="f-password"`) || !strings.Contains(page, `name="next" value="`+path+`"`) {
		t.Fatalf("%s: %d, not the sign-in form coming back to %s:\n%s", what, status, path, page)
	}
}

// signedIn fails unless the client sees path signed in.
func signedIn(t *testing.T, u *uiClient, path, what string) string {
	t.Helper()
	status, page := u.get(path)
	if status != 200 || !strings.Contains(page, `class="who"`) {
		t.Fatalf("%s: %d, not signed in:\n%s", what, status, page)
	}
	return page
}

var endForm = regexp.MustCompile(`action="(/account/sessions/[0-9a-f-]{36}/end)"`)

// TestUIYourSessions: a user signed in in two browsers sees both sessions,
// this one marked; ending the other signs that browser out; another user's
// session cannot be ended; "End all other sessions" keeps only this one.
func TestUIYourSessions(t *testing.T) {
	db, _, base := clockedStore(t)
	a, b := newUIClient(t, base, "en"), newUIClient(t, base, "en")
	a.signIn("de.officer")
	b.signIn("de.officer")

	if page := signedIn(t, a, "/account/password", "password page"); !strings.Contains(page, `href="/account/sessions"`) {
		t.Fatal("the password page does not lead to the sessions")
	}
	page := signedIn(t, a, "/account/sessions", "sessions page")
	ends := endForm.FindAllStringSubmatch(page, -1)
	if !strings.Contains(page, "<h1>Your sessions</h1>") || strings.Count(page, "This session") != 1 || len(ends) != 1 ||
		!strings.Contains(page, "End all other sessions") || !strings.Contains(page, "unused for 30 minutes") {
		t.Fatalf("sessions page:\n%s", page)
	}
	// Tokens and their SHA-256 hashes are 64 hex digits; ids are UUIDs.
	if strings.Contains(page, a.cookie("ercms_session")) || regexp.MustCompile(`[0-9a-f]{64}`).MatchString(page) {
		t.Fatal("the sessions page shows a token or its hash")
	}

	// Another user's session: not found, still signed in.
	fr := newUIClient(t, base, "en")
	fr.signIn("fr.officer")
	frActor, err := db.Authenticate(context.Background(), fr.cookie("ercms_session"))
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := a.post("/account/sessions", "/account/sessions/"+frActor.SessionID+"/end", url.Values{}); status != http.StatusNotFound {
		t.Errorf("end another user's session: %d", status)
	}
	signedIn(t, fr, "/cases", "the other user after a try to end their session")

	// End the other browser's session: it is signed out, this one is not.
	status, page := a.post("/account/sessions", ends[0][1], url.Values{})
	if status != 200 || !strings.Contains(page, "The session has ended") || strings.Contains(page, "End all other sessions") {
		t.Fatalf("end the other session: %d\n%s", status, page)
	}
	signedOut(t, b, "/cases", "the ended browser")
	signedIn(t, a, "/cases", "this browser after ending the other")

	// Sign in twice more elsewhere, then end all others.
	c := newUIClient(t, base, "en")
	b.signIn("de.officer")
	c.signIn("de.officer")
	status, page = a.post("/account/sessions", "/account/sessions/others/end", url.Values{})
	if status != 200 || !strings.Contains(page, "2 other sessions have ended") {
		t.Fatalf("end all others: %d\n%s", status, page)
	}
	signedOut(t, b, "/cases", "another browser after ending all others")
	signedOut(t, c, "/cases", "a third browser after ending all others")
	signedIn(t, a, "/cases", "this browser after ending all others")
	signedIn(t, fr, "/cases", "the other user after ending all others")

	page = signedIn(t, a, "/account/sessions", "sessions page")
	if strings.Contains(page, "End all other sessions") {
		t.Fatal("no other session, yet the button to end them")
	}
}

// TestUISessionIdle: a browser unused for 31 minutes is sent to sign in and
// back to its page; one used every 20 minutes stays signed in; the expiry
// warning counts to the idle end.
func TestUISessionIdle(t *testing.T) {
	_, clock, base := clockedStore(t)
	u := newUIClient(t, base, "en")
	u.signIn("sms.officer")
	for range 3 {
		clock.Advance(20 * time.Minute)
		page := signedIn(t, u, "/cases", "used every 20 minutes")
		m := sessionRemaining.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no session notice")
		}
		// At most a minute behind: the time it was last seen is noted once a minute.
		if n, _ := strconv.Atoi(m[1]); n > 30*60 || n < 29*60 {
			t.Errorf("the warning counts %d seconds, want the 30 minutes of the idle end", n)
		}
	}
	clock.Advance(31 * time.Minute)
	signedOut(t, u, "/cases", "unused for 31 minutes")
}

// TestAPISessionsAndTokens: GET /api/v1/sessions lists the caller's own
// sessions; DELETE ends one of them, not another user's; a read-only token
// reads and is refused every change with 403; an expired token is refused.
func TestAPISessionsAndTokens(t *testing.T) {
	db, clock := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de1, de2, fr := signIn(t, base, "de.officer"), signIn(t, base, "de.officer"), signIn(t, base, "fr.officer")
	admin := signIn(t, base, "admin")

	type session struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		Current bool   `json:"current"`
	}
	sessions := func(c *client) []session {
		t.Helper()
		r := c.do("GET", "/api/v1/sessions", nil)
		if r.status != 200 {
			t.Fatalf("sessions: %d %s", r.status, r.body)
		}
		if strings.Contains(string(r.body), c.token) || strings.Contains(string(r.body), "token") {
			t.Fatalf("the list shows a token: %s", r.body)
		}
		var out []session
		r.decode(t, &out)
		return out
	}
	list := sessions(de1)
	if len(list) != 2 || list[0].Current || !list[1].Current || list[0].Kind != "session" {
		t.Fatalf("sessions %+v", list)
	}
	frID := sessions(fr)[0].ID
	if r := de1.do("DELETE", "/api/v1/sessions/"+frID, nil); r.status != 404 {
		t.Errorf("end another user's session: %d", r.status)
	}
	if r := fr.do("GET", "/api/v1/me", nil); r.status != 200 {
		t.Errorf("the other user after a try to end their session: %d", r.status)
	}
	if r := de1.do("DELETE", "/api/v1/sessions/"+list[0].ID, nil); r.status != 204 {
		t.Fatalf("end the other session: %d %s", r.status, r.body)
	}
	if r := de2.do("GET", "/api/v1/me", nil); r.status != 401 {
		t.Errorf("the ended session: %d", r.status)
	}

	var orgs struct {
		Organisations []struct{ ID, Kind, State string }
	}
	admin.do("GET", "/api/v1/organisations", nil).decode(t, &orgs)
	var svc struct{ ID string }
	admin.do("POST", "/api/v1/users", map[string]any{"username": "bpol.system", "display_name": "BPOL case system", "organisation_id": deOrg(t, orgs.Organisations),
		"role": "requesting_officer", "service": true}).decode(t, &svc)
	if r := signIn(t, base, "de.supervisor").do("POST", "/api/v1/users/"+svc.ID+"/confirm", nil); r.status != http.StatusNoContent {
		t.Fatalf("the supervisor confirms the service account: %d %s", r.status, r.body)
	}
	var ro, rw struct {
		ID, Token, Scope string
		ExpiresAt        time.Time `json:"expires_at"`
	}
	if r := admin.do("POST", "/api/v1/users/"+svc.ID+"/tokens", map[string]any{"name": "reader", "scope": "read", "days": 10}); r.status != 201 {
		t.Fatalf("read-only token: %d %s", r.status, r.body)
	} else {
		r.decode(t, &ro)
	}
	admin.do("POST", "/api/v1/users/"+svc.ID+"/tokens", map[string]any{"name": "writer", "scope": "write"}).decode(t, &rw)
	if ro.Scope != "read" || !ro.ExpiresAt.Equal(clock.Now().Add(10*24*time.Hour)) || !rw.ExpiresAt.Equal(clock.Now().Add(90*24*time.Hour)) {
		t.Fatalf("tokens %+v %+v", ro, rw)
	}
	if r := admin.offContract().do("POST", "/api/v1/users/"+svc.ID+"/tokens", map[string]any{"name": "forever", "scope": "write", "days": 400}); r.status != 422 || r.problem(t).FieldKeys["days"].Key != "field.token.days.range" {
		t.Errorf("a token of 400 days: %d %s", r.status, r.body)
	}
	var tokens []struct {
		Name, Scope string
		ExpiresAt   time.Time `json:"expires_at"`
	}
	admin.do("GET", "/api/v1/users/"+svc.ID+"/tokens", nil).decode(t, &tokens)
	if len(tokens) != 2 || tokens[0].Name != "writer" || tokens[1].Scope != "read" || !tokens[1].ExpiresAt.Equal(ro.ExpiresAt) {
		t.Fatalf("the administrator's list %+v", tokens)
	}

	reader, writer := &client{t: t, base: base, token: ro.Token}, &client{t: t, base: base, token: rw.Token}
	if r := reader.do("GET", "/api/v1/cases", nil); r.status != 200 {
		t.Errorf("a read-only token reads: %d", r.status)
	}
	if r := reader.do("POST", "/api/v1/cases", application); r.status != 403 || r.problem(t).Key != "err.token.read_only" {
		t.Errorf("a read-only token writes: %d %s", r.status, r.body)
	}
	if r := writer.do("POST", "/api/v1/cases", application); r.status != 201 {
		t.Errorf("a read-write token writes: %d %s", r.status, r.body)
	}
	// A read-only token is no key to the pages.
	page := newUIClient(t, base, "en")
	baseURL, _ := url.Parse(base)
	page.c.Jar.SetCookies(baseURL, []*http.Cookie{{Name: "ercms_session", Value: ro.Token}})
	signedOut(t, page, "/cases", "a read-only token as a page session")

	clock.Advance(10 * 24 * time.Hour)
	if r := reader.do("GET", "/api/v1/cases", nil); r.status != 401 {
		t.Errorf("an expired token: %d", r.status)
	}
	if r := writer.do("GET", "/api/v1/cases", nil); r.status != 200 {
		t.Errorf("the 90-day token after 10 days, unused 10 days: %d", r.status)
	}
}

var newToken = regexp.MustCompile(`<code id="new-token">([0-9a-f]{64})</code>`)

// TestUIAdminTokens: the administrator issues a service account's tokens
// with a scope and an end (days or a last day), sees the secret once and
// each token's scope and end in the list, and revokes one.
func TestUIAdminTokens(t *testing.T) {
	db, clock, base := clockedStore(t)
	ctx := context.Background()
	admin, err := db.ActorByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	de, err := db.ActorByUsername(ctx, "de.officer")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := db.CreateUser(ctx, admin, sqldb.NewUser{Username: "bpol.system", DisplayName: "BPOL case system", OrgID: de.Org.ID, Role: "requesting_officer", Service: true})
	if err != nil {
		t.Fatal(err)
	}
	boss, err := db.ActorByUsername(ctx, "de.supervisor")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmGrant(ctx, boss, svc.ID); err != nil {
		t.Fatal(err)
	}
	u := newUIClient(t, base, "en")
	u.signIn("admin")
	tokens := "/admin/users/" + svc.ID + "/tokens"
	if page := signedIn(t, u, "/admin/users", "users"); !strings.Contains(page, `href="`+tokens+`"`) {
		t.Fatal("the users page does not lead to the service account's tokens")
	}
	if page := signedIn(t, u, tokens, "tokens"); !strings.Contains(page, "API tokens of bpol.system") || !strings.Contains(page, "no token yet") {
		t.Fatalf("tokens page:\n%s", page)
	}

	status, page := u.post(tokens, tokens, url.Values{"name": {"BPOL"}, "days": {"90"}})
	if status != 422 || !strings.Contains(page, "Choose what the token may do") {
		t.Fatalf("no scope: %d\n%s", status, page)
	}
	status, page = u.post(tokens, tokens, url.Values{"name": {"BPOL"}, "scope": {"read"}, "days": {"400"}})
	if status != 422 || !strings.Contains(page, "from 1 to 365") || !strings.Contains(page, `value="400"`) {
		t.Fatalf("400 days: %d\n%s", status, page)
	}
	status, page = u.post(tokens, tokens, url.Values{"name": {"BPOL reader"}, "scope": {"read"}, "days": {"10"}})
	m := newToken.FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, "Read only") || !strings.Contains(page, "12 March 2026 09:00") {
		t.Fatalf("issue a read-only token: %d\n%s", status, page)
	}
	reader := &client{t: t, base: base, token: m[1]}
	if r := reader.do("GET", "/api/v1/me", nil); r.status != 200 {
		t.Errorf("the new token reads: %d", r.status)
	}
	if r := reader.do("PUT", "/api/v1/me/email", map[string]string{"email": "bpol@example.de"}); r.status != 403 {
		t.Errorf("the read-only token changes: %d", r.status)
	}
	status, page = u.post(tokens, tokens, url.Values{"name": {"BPOL writer"}, "scope": {"write"}, "days": {"90"},
		"until.day": {"31"}, "until.month": {"12"}, "until.year": {"2026"}})
	if status != 200 || !newToken.MatchString(page) || !strings.Contains(page, "Read and change") || !strings.Contains(page, "1 January 2027 00:00") {
		t.Fatalf("issue a token to a last day: %d\n%s", status, page)
	}
	if page = signedIn(t, u, tokens, "tokens again"); newToken.MatchString(page) {
		t.Fatal("the secret is shown again")
	}

	revoke := regexp.MustCompile(`action="(`+tokens+`/[0-9a-f-]{36}/revoke)"`).FindAllStringSubmatch(page, -1)
	if len(revoke) != 2 {
		t.Fatalf("%d revoke buttons", len(revoke))
	}
	status, page = u.post(tokens, revoke[1][1], url.Values{})
	if status != 200 || !strings.Contains(page, "The token has been revoked") || !strings.Contains(page, "Revoked ") {
		t.Fatalf("revoke: %d\n%s", status, page)
	}
	if r := reader.do("GET", "/api/v1/me", nil); r.status != 401 {
		t.Errorf("the revoked token: %d", r.status)
	}
	clock.Advance(400 * 24 * time.Hour)
	u.signIn("admin")
	if page := signedIn(t, u, tokens, "a year later"); !strings.Contains(page, "Expired") {
		t.Fatalf("an expired token not marked:\n%s", page)
	}

	officer := newUIClient(t, base, "en")
	officer.signIn("de.officer")
	if status, _ := officer.get(tokens); status != 403 {
		t.Errorf("an officer sees the tokens: %d", status)
	}
}
