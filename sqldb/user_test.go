package sqldb_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestSignIn checks that wrong passwords and unknown users get the same
// answer, that both outcomes are audited without the typed username, and
// that a session authenticates its user.
func TestSignIn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de := act["de.officer"]

		var sess *ercms.Session
		evs := newAudit(t, db, func() {
			var err error
			if sess, err = db.SignIn(ctx, "de.officer", testPassword, netip.Addr{}); err != nil {
				t.Fatal(err)
			}
		})
		if sess.Token == "" || sess.UserID != de.UserID || !sess.ExpiresAt.Equal(clock.Now().Add(db.SessionTTL)) {
			t.Fatalf("session %+v", sess)
		}
		if len(evs) != 1 || evs[0].Action != "login" || evs[0].ActorID != de.UserID || evs[0].ObjectID != de.UserID {
			t.Errorf("login events %+v", evs)
		}
		a, err := db.Authenticate(ctx, sess.Token)
		if err != nil || a.UserID != de.UserID || a.Role != ercms.RoleRequestingOfficer || a.Org.State != "DE" {
			t.Fatalf("authenticate: %v %+v", err, a)
		}

		var msgs []string
		for _, tc := range []struct{ user, password, objectID string }{
			{"de.officer", "wrong password!", de.UserID},
			{"de.officer", "", de.UserID},
			{"DE.Officer", testPassword, ""}, // usernames are exact
			{"no.such.user", testPassword, ""},
			{"", "", ""},
		} {
			var err error
			evs := newAudit(t, db, func() {
				var s *ercms.Session
				s, err = db.SignIn(ctx, tc.user, tc.password, netip.Addr{})
				if s != nil {
					t.Errorf("%q/%q got a session", tc.user, tc.password)
				}
			})
			wantCode(t, err, ercms.EUnauthorized, "sign in as "+tc.user)
			msgs = append(msgs, err.Error())
			if len(evs) != 1 || evs[0].Action != "login.failed" || evs[0].ObjectID != tc.objectID || evs[0].ActorID != tc.objectID {
				t.Errorf("%q: events %+v", tc.user, evs)
			}
			for _, e := range evs {
				if tc.user != "" && (strings.Contains(e.Actor, tc.user) || strings.Contains(string(e.Details), tc.user)) {
					t.Errorf("the failed sign-in event holds the typed username: %+v", e)
				}
			}
		}
		if len(slices.Compact(slices.Clone(msgs))) != 1 {
			t.Errorf("different answers: %q", msgs)
		}

		// Sessions are unguessable and revocable.
		_, err = db.Authenticate(ctx, sess.Token+"0")
		wantCode(t, err, ercms.EUnauthorized, "a wrong token")
		_, err = db.Authenticate(ctx, "")
		wantCode(t, err, ercms.EUnauthorized, "no token")
		if err := db.SignOut(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(ctx, sess.Token)
		wantCode(t, err, ercms.EUnauthorized, "a signed-out session")
	})
}

// TestSessionExpiry: a session used every 20 minutes ends at its absolute
// lifetime (12 hours) all the same.
func TestSessionExpiry(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		if db.SessionTTL != 12*time.Hour || db.SessionIdle != 30*time.Minute {
			t.Fatalf("defaults: lifetime %s, idle %s", db.SessionTTL, db.SessionIdle)
		}
		sess, err := db.SignIn(ctx, "sms.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		for used := time.Duration(0); used+20*time.Minute < db.SessionTTL; used += 20 * time.Minute {
			clock.Advance(20 * time.Minute)
			if _, err := db.Authenticate(ctx, sess.Token); err != nil {
				t.Fatalf("active after %s: %v", used+20*time.Minute, err)
			}
		}
		clock.Set(sess.ExpiresAt.Add(-time.Second))
		if _, err := db.Authenticate(ctx, sess.Token); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		clock.Advance(time.Second)
		_, err = db.Authenticate(ctx, sess.Token)
		wantCode(t, err, ercms.EUnauthorized, "at expiry, though active")
		// A new sign-in gets a new session.
		sess2, err := db.SignIn(ctx, "sms.officer", testPassword, netip.Addr{})
		if err != nil || sess2.Token == sess.Token {
			t.Fatalf("sign in again: %v", err)
		}
		if _, err := db.Authenticate(ctx, sess2.Token); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDisabledUser disables an account: it cannot sign in, its sessions
// stop working, and re-enabling it does not revive them.
func TestDisabledUser(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, de := act["admin"], act["de.officer"]
		s1, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		s2, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.SetUserDisabled(ctx, act["sms.supervisor"], de.UserID, true), ercms.EForbidden, "a supervisor disables a user")
		wantCode(t, db.SetUserDisabled(ctx, admin, "no-such-id", true), ercms.ENotFound, "disable an unknown user")
		evs := newAudit(t, db, func() {
			if err := db.SetUserDisabled(ctx, admin, de.UserID, true); err != nil {
				t.Fatal(err)
			}
		})
		if len(evs) != 1 || evs[0].Action != "user.disable" || evs[0].ObjectID != de.UserID || evs[0].ActorID != admin.UserID {
			t.Errorf("disable events %+v", evs)
		}
		for _, s := range []*ercms.Session{s1, s2} {
			_, err := db.Authenticate(ctx, s.Token)
			wantCode(t, err, ercms.EUnauthorized, "a disabled user's session")
		}
		_, err = db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		wantCode(t, err, ercms.EUnauthorized, "a disabled user signs in")
		_, wrong := db.SignIn(ctx, "de.officer", "wrong password!", netip.Addr{})
		if err.Error() != wrong.Error() {
			t.Errorf("a disabled account is told apart: %q vs %q", err, wrong)
		}
		_, err = db.ActorByUsername(ctx, "de.officer")
		wantCode(t, err, ercms.ENotFound, "the actor of a disabled user")
		if u, err := db.UserByUsername(ctx, "de.officer"); err != nil || !u.Disabled {
			t.Fatalf("user: %v %+v", err, u)
		}

		if err := db.SetUserDisabled(ctx, admin, de.UserID, false); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(ctx, s1.Token)
		wantCode(t, err, ercms.EUnauthorized, "an old session after re-enabling")
		s3, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, s3.Token); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPasswordChange revokes the sessions and replaces the password.
func TestPasswordChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr := act["de.officer"], act["fr.officer"]
		s, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.SetPassword(ctx, fr, de.UserID, "a new long password"), ercms.EForbidden, "another user's password")
		wantFields(t, db.SetPassword(ctx, de, de.UserID, "short"), "password")
		if err := db.SetPassword(ctx, de, de.UserID, "a new long password"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(ctx, s.Token)
		wantCode(t, err, ercms.EUnauthorized, "a session after a password change")
		_, err = db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		wantCode(t, err, ercms.EUnauthorized, "the old password")
		if _, err := db.SignIn(ctx, "de.officer", "a new long password", netip.Addr{}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAPITokens issues tokens to service accounts only; they authenticate
// without an idle timeout and stop when revoked or when the account is disabled.
func TestAPITokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, de := act["admin"], act["de.officer"]
		svc := serviceAccount(t, db, act)
		// A service account has no password to sign in with.
		for _, pw := range []string{"", testPassword} {
			_, err := db.SignIn(ctx, "de.system", pw, netip.Addr{})
			wantCode(t, err, ercms.EUnauthorized, "a service account signs in")
		}

		rw := func(name string) sqldb.NewAPIToken { return sqldb.NewAPIToken{Name: name, Scope: sqldb.ScopeWrite} }
		_, err := db.CreateAPIToken(ctx, de, svc.ID, rw("case system"))
		wantCode(t, err, ercms.EForbidden, "an officer issues a token")
		_, err = db.CreateAPIToken(ctx, admin, svc.ID, rw("  "))
		wantFields(t, err, "name")
		_, err = db.CreateAPIToken(ctx, admin, svc.ID, sqldb.NewAPIToken{Name: "no scope"})
		wantFields(t, err, "scope")
		_, err = db.CreateAPIToken(ctx, admin, de.UserID, rw("for a person"))
		wantFields(t, err, "user_id")
		_, err = db.CreateAPIToken(ctx, admin, "no-such-user", rw("nobody's"))
		wantFields(t, err, "user_id")

		var tok *sqldb.APIToken
		evs := newAudit(t, db, func() {
			if tok, err = db.CreateAPIToken(ctx, admin, svc.ID, rw("case system")); err != nil {
				t.Fatal(err)
			}
		})
		if tok.Token == "" || tok.ID == "" || tok.UserID != svc.ID {
			t.Fatalf("token %+v", tok)
		}
		if len(evs) != 1 || evs[0].Action != "token.create" || evs[0].ObjectID != tok.ID || strings.Contains(string(evs[0].Details)+evs[0].ObjectID, tok.Token) {
			t.Errorf("token events %+v", evs)
		}
		a, err := db.Authenticate(ctx, tok.Token)
		if err != nil || a.UserID != svc.ID || a.Username != "de.system" || a.Org.ID != de.Org.ID || a.Role != ercms.RoleRequestingOfficer {
			t.Fatalf("authenticate the token: %v %+v", err, a)
		}
		// The token acts for its organisation.
		c, _, err := db.CreateCase(ctx, a, application("DE-api-1"), "")
		if err != nil || c.RequestingOrgID != de.Org.ID {
			t.Fatalf("create through the token: %v", err)
		}
		// Tokens do not end with sessions, nor for want of use.
		clock.Advance(30 * day)
		if _, err := db.Authenticate(ctx, tok.Token); err != nil {
			t.Fatalf("a month later: %v", err)
		}

		wantCode(t, db.RevokeAPIToken(ctx, de, tok.ID), ercms.EForbidden, "an officer revokes a token")
		tok2, err := db.CreateAPIToken(ctx, admin, svc.ID, rw("second system"))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeAPIToken(ctx, admin, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(ctx, tok.Token)
		wantCode(t, err, ercms.EUnauthorized, "a revoked token")
		wantCode(t, db.RevokeAPIToken(ctx, admin, tok.ID), ercms.ENotFound, "revoke twice")
		if _, err := db.Authenticate(ctx, tok2.Token); err != nil {
			t.Fatalf("the other token: %v", err)
		}
		// A session id is not an API token id.
		s, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		var sessionID string
		if err := db.SQL().QueryRowContext(ctx, `SELECT id FROM sessions WHERE user_id = $1 AND kind = 'session'`, de.UserID).Scan(&sessionID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.RevokeAPIToken(ctx, admin, sessionID), ercms.ENotFound, "revoke a session as a token")
		if _, err := db.Authenticate(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		// Disabling the account stops its tokens.
		if err := db.SetUserDisabled(ctx, admin, svc.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(ctx, tok2.Token)
		wantCode(t, err, ercms.EUnauthorized, "a disabled service account's token")
		_, err = db.CreateAPIToken(ctx, admin, svc.ID, rw("third"))
		wantFields(t, err, "user_id")
	})
}

// TestCreateUserValidation checks that every wrong field is named.
func TestCreateUserValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, sms := act["admin"], act["sms.officer"]
		good := sqldb.NewUser{Username: "de.officer2", DisplayName: "Jonas Weber", OrgID: act["de.officer"].Org.ID,
			Role: ercms.RoleRequestingOfficer, Password: "a long enough password"}

		_, err := db.CreateUser(ctx, sms, good)
		wantCode(t, err, ercms.EForbidden, "a CA officer creates a user")

		for _, tc := range []struct {
			name   string
			change func(*sqldb.NewUser)
			fields []string
		}{
			{"everything", func(n *sqldb.NewUser) { *n = sqldb.NewUser{Username: "X", OrgID: "nowhere", Password: "short"} },
				[]string{"username", "display_name", "password", "organisation_id"}},
			{"username too short", func(n *sqldb.NewUser) { n.Username = "ab" }, []string{"username"}},
			{"username with spaces", func(n *sqldb.NewUser) { n.Username = "de officer" }, []string{"username"}},
			{"username in capitals", func(n *sqldb.NewUser) { n.Username = "De.Officer2" }, []string{"username"}},
			{"username not ASCII", func(n *sqldb.NewUser) { n.Username = "məmmədov" }, []string{"username"}},
			{"username too long", func(n *sqldb.NewUser) { n.Username = strings.Repeat("a", 65) }, []string{"username"}},
			{"blank name", func(n *sqldb.NewUser) { n.DisplayName = "   " }, []string{"display_name"}},
			{"short password", func(n *sqldb.NewUser) { n.Password = "elevenchars" }, []string{"password"}},
			{"unknown organisation", func(n *sqldb.NewUser) { n.OrgID = "" }, []string{"organisation_id"}},
			{"role of another kind", func(n *sqldb.NewUser) { n.Role = ercms.RoleCASupervisor }, []string{"role"}},
			{"no role", func(n *sqldb.NewUser) { n.Role = "" }, []string{"role"}},
			{"system role", func(n *sqldb.NewUser) { n.Role = ercms.RoleSystem }, []string{"role"}},
			{"taken username", func(n *sqldb.NewUser) { n.Username = "de.officer" }, []string{"username"}},
			{"border role at an agency", func(n *sqldb.NewUser) {
				n.OrgID, n.Role = act["police.officer"].Org.ID, ercms.RoleBorderOfficer
			}, []string{"role"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n := good
				tc.change(&n)
				before := count(t, db, `SELECT COUNT(*) FROM users`)
				u, err := db.CreateUser(ctx, admin, n)
				if u != nil {
					t.Errorf("created %+v", u)
				}
				wantFields(t, err, tc.fields...)
				if count(t, db, `SELECT COUNT(*) FROM users`) != before {
					t.Error("a user was created")
				}
			})
		}

		// Twelve characters are enough, counted as characters, not bytes.
		n := good
		n.Password = "Şuşa gəzinti"
		u, err := db.CreateUser(ctx, admin, n)
		if err != nil || u.ID == "" || u.Username != "de.officer2" || u.Role != ercms.RoleRequestingOfficer {
			t.Fatalf("create: %v %+v", err, u)
		}
		if err := db.ConfirmGrant(ctx, act["de.supervisor"], u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignIn(ctx, "de.officer2", "Şuşa gəzinti", netip.Addr{}); err != nil {
			t.Fatalf("sign in as the new user: %v", err)
		}
		if a, err := db.ActorByUsername(ctx, "de.officer2"); err != nil || a.Org.State != "DE" {
			t.Fatalf("actor: %v %+v", err, a)
		}
	})
}

// serviceAccount is the German authority's case system: a service account
// created by the administrator and confirmed by the authority's supervisor.
func serviceAccount(t *testing.T, db *sqldb.DB, act map[string]ercms.Actor) *ercms.User {
	t.Helper()
	svc, err := db.CreateUser(ctx, act["admin"], sqldb.NewUser{Username: "de.system", DisplayName: "German case system", OrgID: act["de.officer"].Org.ID,
		Role: ercms.RoleRequestingOfficer, Service: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmGrant(ctx, act["de.supervisor"], svc.ID); err != nil {
		t.Fatal(err)
	}
	return svc
}
