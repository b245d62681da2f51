package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// throttleServer serves a seeded store whose clock the test moves, with
// the node's sign-in rate r.
func throttleServer(t *testing.T, r web.SignInRate) (*sqldb.DB, *testdb.Clock, string) {
	t.Helper()
	db, clock := testdb.Open(t, sqldb.SQLite)
	base := startWith(t, db, func(s *web.Server) { s.SetSignInRate(r) })
	journeyClocks.Store(base, clock) // for a test that turns the second factor on
	t.Cleanup(func() { journeyClocks.Delete(base) })
	return db, clock, base
}

// unshed is a node rate no test reaches: the tests do not depend on how
// fast they run (TestSignInShed tests the node's rate).
var unshed = web.SignInRate{All: 1000, BurstAll: 1000, PerAddress: 1000, BurstAddr: 1000}

func signInReply(c *client, username, pw string) reply {
	c.t.Helper()
	return c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": pw}, "Accept-Language", "az")
}

// TestSignInThrottled checks, through the API and the sign-in page, that
// 50 wrong passwords for one account are slowed and then refused with 429
// and Retry-After, in the reader's language, the same for an unknown
// username; that the right password does not get through; and that an
// administrator lifts the lock.
func TestSignInThrottled(t *testing.T) {
	db, clock, base := throttleServer(t, unshed)
	c := &client{t: t, base: base}
	statuses := map[string][]int{}
	for _, user := range []string{"de.officer", "nobody.here"} {
		for range 25 {
			r := signInReply(c, user, "not the password")
			statuses[user] = append(statuses[user], r.status)
			if r.status == http.StatusTooManyRequests {
				p := r.problem(t)
				if p.Code != "throttled" || r.header.Get("Retry-After") == "" || p.Detail != i18n.Default().Message(i18n.AZ, p.Key, p.Args) || !strings.Contains(p.Detail, "dəqiqə") {
					t.Fatalf("429: %s Retry-After %q", r.body, r.header.Get("Retry-After"))
				}
			}
		}
	}
	if fmt.Sprint(statuses["de.officer"]) != fmt.Sprint(statuses["nobody.here"]) {
		t.Errorf("known and unknown usernames answered differently:\n%v\n%v", statuses["de.officer"], statuses["nobody.here"])
	}
	if got := statuses["de.officer"]; got[4] != http.StatusUnauthorized || got[5] != http.StatusTooManyRequests || got[24] != http.StatusTooManyRequests {
		t.Errorf("25 wrong passwords: %v", got)
	}
	if r := signInReply(c, "de.officer", password); r.status != http.StatusTooManyRequests {
		t.Fatalf("right password while slowed: %d", r.status)
	}

	// The sign-in page says the same, in Azerbaijani, and keeps the username.
	u := newUIClient(t, base, "az")
	status, page := u.post("/signin", "/signin", url.Values{"username": {"de.officer"}, "password": {password}})
	if status != http.StatusTooManyRequests || !strings.Contains(page, "Bu hesab üçün və ya bu ünvandan") || !strings.Contains(page, `value="de.officer"`) {
		t.Fatalf("sign-in page while slowed: %d\n%s", status, page)
	}

	// Waiting as told, the attacker reaches the 15-minute lock.
	for i := 0; i < 25; i++ {
		r := signInReply(c, "de.officer", "still not the password")
		if r.status == http.StatusTooManyRequests {
			secs := 0
			fmt.Sscan(r.header.Get("Retry-After"), &secs)
			if secs >= 14*60 {
				break
			}
			clock.Advance(time.Duration(secs) * time.Second)
		}
	}
	if r := signInReply(c, "de.officer", password); r.status != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d", r.status)
	}

	// The administrator sees the lock and lifts it on the users page.
	de, err := db.UserByUsername(context.Background(), "de.officer")
	if err != nil {
		t.Fatal(err)
	}
	admin := newUIClient(t, base, "fr")
	admin.signIn("admin")
	if status, page := admin.get("/admin/users"); status != http.StatusOK || !strings.Contains(page, "Connexion bloquée par des tentatives échouées jusqu’à") || !strings.Contains(page, `action="/admin/users/`+de.ID+`/unlock"`) {
		t.Fatalf("administration does not show the lock: %d", status)
	}
	if status, page := admin.post("/admin/users", "/admin/users/"+de.ID+"/unlock", url.Values{}); status != http.StatusOK || !strings.Contains(page, "Le blocage de connexion a été levé") || strings.Contains(page, "/unlock") {
		t.Fatalf("lift the lock: %d\n%s", status, page)
	}
	signIn(t, base, "de.officer")

	// Through the API: administrators only.
	for range 10 {
		signInReply(c, "nl.officer", "wrong")
		clock.Advance(time.Minute)
	}
	nl, err := db.UserByUsername(context.Background(), "nl.officer")
	if err != nil {
		t.Fatal(err)
	}
	if r := signIn(t, base, "sms.officer").do("POST", "/api/v1/users/"+nl.ID+"/unlock", nil); r.status != http.StatusForbidden {
		t.Errorf("an officer lifts a lock: %d", r.status)
	}
	if r := signInReply(c, "nl.officer", password); r.status != http.StatusTooManyRequests {
		t.Fatalf("locked account: %d", r.status)
	}
	if r := signIn(t, base, "admin").do("POST", "/api/v1/users/"+nl.ID+"/unlock", nil); r.status != http.StatusNoContent {
		t.Fatalf("lift through the API: %d %s", r.status, r.body)
	}
	signIn(t, base, "nl.officer")
}

// TestSignInFromOneAddress checks that 200 failed sign-ins from one
// address are slowed and then refused with 429, while an officer who
// signed in from that address before still signs in.
func TestSignInFromOneAddress(t *testing.T) {
	_, _, base := throttleServer(t, unshed)
	signIn(t, base, "de.officer") // the office's officer, from 127.0.0.1
	c := &client{t: t, base: base}
	codes := map[int]int{}
	for i := range 200 {
		codes[signInReply(c, fmt.Sprintf("guess.%d", i), "wrong").status]++
	}
	if codes[http.StatusUnauthorized] != sqldb.DefaultThrottle.Address.Free || codes[http.StatusTooManyRequests] != 200-sqldb.DefaultThrottle.Address.Free {
		t.Errorf("200 guesses from one address: %v", codes)
	}
	signIn(t, base, "de.officer")
	if r := signInReply(c, "sms.officer", password); r.status != http.StatusTooManyRequests {
		t.Errorf("an account never signed in from this address: %d", r.status)
	}
}

// TestSignInShed checks that a node sheds password checks beyond its rate
// with 429 before asking the store.
func TestSignInShed(t *testing.T) {
	_, _, base := throttleServer(t, web.SignInRate{All: 1000, BurstAll: 1000, PerAddress: 0.001, BurstAddr: 3})
	c := &client{t: t, base: base}
	for i := range 3 {
		if r := signInReply(c, fmt.Sprintf("guess.%d", i), "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, r.status)
		}
	}
	r := signInReply(c, "de.officer", password)
	if p := r.problem(t); r.status != http.StatusTooManyRequests || p.Key != "err.signin.busy" || r.header.Get("Retry-After") != "1" {
		t.Fatalf("4th attempt: %d %s", r.status, r.body)
	}
	u := newUIClient(t, base, "ru")
	if status, page := u.post("/signin", "/signin", url.Values{"username": {"de.officer"}, "password": {password}}); status != http.StatusTooManyRequests || !strings.Contains(page, "Сервер сейчас проверяет другие входы") {
		t.Fatalf("sign-in page: %d\n%s", status, page)
	}
}
