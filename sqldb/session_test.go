package sqldb_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestSessionIdle: a sign-in session unused for 30 minutes ends; one used
// every 20 minutes lives on; when it was last seen is written at most once
// a minute.
func TestSessionIdle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		idle, err := db.SignIn(ctx, "sms.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		active, err := db.SignIn(ctx, "sms.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		activeID := sessionID(t, db, active)
		seen := func() string {
			t.Helper()
			return dump(t, db, `SELECT COALESCE(last_seen_at, '') FROM sessions WHERE id = $1`, activeID)
		}
		before := seen()

		// Used 29 minutes after signing in, then again 20 minutes later:
		// 49 minutes in all, never 30 idle.
		clock.Advance(29 * time.Minute)
		if _, err := db.Authenticate(ctx, active.Token); err != nil {
			t.Fatalf("after 29 minutes: %v", err)
		}
		noted := seen()
		if noted == before {
			t.Fatalf("last seen not written after 29 minutes: %q", noted)
		}
		// Within the minute: read, not written again.
		writes := db.Statements()
		clock.Advance(59 * time.Second)
		for range 3 {
			if _, err := db.Authenticate(ctx, active.Token); err != nil {
				t.Fatal(err)
			}
		}
		if n := db.Statements() - writes; n != 3 {
			t.Errorf("%d statements for 3 authentications within a minute, want 3 reads", n)
		}
		if got := seen(); got != noted {
			t.Fatalf("last seen written again within a minute: %q then %q", noted, got)
		}
		clock.Advance(20*time.Minute - 59*time.Second)
		if _, err := db.Authenticate(ctx, active.Token); err != nil {
			t.Fatalf("after 49 minutes, used every 20: %v", err)
		}
		clock.Advance(20 * time.Minute)
		if _, end, err := db.AuthenticateSession(ctx, active.Token); err != nil || !end.Equal(clock.Now().Add(30*time.Minute)) {
			t.Fatalf("after 69 minutes, used every 20: %v, ends %s", err, end)
		}

		// The other one, unused since signing in 69 minutes ago.
		_, err = db.Authenticate(ctx, idle.Token)
		wantCode(t, err, ercms.EUnauthorized, "idle for 69 minutes")

		// 31 minutes without use.
		clock.Advance(31 * time.Minute)
		_, err = db.Authenticate(ctx, active.Token)
		wantCode(t, err, ercms.EUnauthorized, "idle for 31 minutes")

		// The idle timeout is the store's setting.
		db.SessionIdle = time.Hour
		fresh, err := db.SignIn(ctx, "sms.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(59 * time.Minute)
		if _, err := db.Authenticate(ctx, fresh.Token); err != nil {
			t.Fatalf("idle 59 minutes of 60: %v", err)
		}
	})
}

// sessionID returns the opaque id of a session.
func sessionID(t *testing.T, db *sqldb.DB, s *ercms.Session) string {
	t.Helper()
	a, err := db.Authenticate(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	return a.SessionID
}

// TestOwnSessions: a user lists their open sessions, this one marked, and
// ends another one or all others, each end audited; another user's session
// id is not found and changes nothing.
func TestOwnSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		var sess []*ercms.Session
		for range 3 {
			s, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
			if err != nil {
				t.Fatal(err)
			}
			sess = append(sess, s)
			clock.Advance(time.Minute)
		}
		theirs, err := db.SignIn(ctx, "fr.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		me, err := db.Authenticate(ctx, sess[0].Token)
		if err != nil {
			t.Fatal(err)
		}
		fr, err := db.Authenticate(ctx, theirs.Token)
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.Sessions(ctx, me)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || !list[2].Current || list[0].Current || list[1].Current || list[2].ID != me.SessionID {
			t.Fatalf("sessions %+v", list)
		}
		for _, si := range list {
			if si.Kind != "session" || si.ID == fr.SessionID || si.CreatedAt.IsZero() || si.LastSeenAt.Before(si.CreatedAt) || si.ExpiresAt == nil {
				t.Errorf("session %+v", si)
			}
		}

		// Another user's session: not found, still open, nothing audited.
		evs := newAudit(t, db, func() {
			wantCode(t, db.EndSession(ctx, me, fr.SessionID), ercms.ENotFound, "end another user's session")
		})
		if len(evs) != 0 {
			t.Errorf("events %+v", evs)
		}
		if _, err := db.Authenticate(ctx, theirs.Token); err != nil {
			t.Fatalf("the other user's session after a try to end it: %v", err)
		}

		// End one.
		evs = newAudit(t, db, func() {
			if err := db.EndSession(ctx, me, list[0].ID); err != nil {
				t.Fatal(err)
			}
		})
		if len(evs) != 1 || evs[0].Action != "session.end" || evs[0].ObjectID != list[0].ID || evs[0].ActorID != me.UserID {
			t.Errorf("end events %+v", evs)
		}
		_, err = db.Authenticate(ctx, sess[2].Token)
		wantCode(t, err, ercms.EUnauthorized, "an ended session")
		wantCode(t, db.EndSession(ctx, me, list[0].ID), ercms.ENotFound, "end twice")

		// End all others.
		extra, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
		if err != nil {
			t.Fatal(err)
		}
		evs = newAudit(t, db, func() {
			n, err := db.EndOtherSessions(ctx, me)
			if err != nil || n != 2 {
				t.Fatalf("ended %d: %v", n, err)
			}
		})
		if len(evs) != 2 || evs[0].Action != "session.end" || evs[1].Action != "session.end" {
			t.Errorf("end-all events %+v", evs)
		}
		for _, s := range []*ercms.Session{sess[1], extra} {
			_, err := db.Authenticate(ctx, s.Token)
			wantCode(t, err, ercms.EUnauthorized, "another ended session")
		}
		if _, err := db.Authenticate(ctx, sess[0].Token); err != nil {
			t.Fatalf("this session after ending the others: %v", err)
		}
		if _, err := db.Authenticate(ctx, theirs.Token); err != nil {
			t.Fatalf("the other user's session after ending mine: %v", err)
		}
		if list, err := db.Sessions(ctx, me); err != nil || len(list) != 1 || !list[0].Current {
			t.Fatalf("after ending the others: %v %+v", err, list)
		}
	})
}

// TestTokenExpiryAndScope: a token runs 90 days unless told otherwise, at
// most a year, given as days or a last day; it is refused from its end;
// its scope shows in the actor; the administrator's list shows both.
func TestTokenExpiryAndScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, de := act["admin"], act["de.officer"]
		svc := serviceAccount(t, db, act)
		issue := func(n sqldb.NewAPIToken) *sqldb.APIToken {
			t.Helper()
			tok, err := db.CreateAPIToken(ctx, admin, svc.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		today := baku(clock)
		for _, tc := range []struct {
			n     sqldb.NewAPIToken
			field string
		}{
			{sqldb.NewAPIToken{Name: "x", Scope: "admin"}, "scope"},
			{sqldb.NewAPIToken{Name: "x", Scope: sqldb.ScopeRead, Days: 366}, "days"},
			{sqldb.NewAPIToken{Name: "x", Scope: sqldb.ScopeRead, Days: -1}, "days"},
			{sqldb.NewAPIToken{Name: "x", Scope: sqldb.ScopeRead, Until: ptr(today)}, "until"},
			{sqldb.NewAPIToken{Name: "x", Scope: sqldb.ScopeRead, Until: ptr(today.AddDays(366))}, "until"},
			{sqldb.NewAPIToken{Name: "x", Scope: sqldb.ScopeRead, Days: 5, Until: ptr(today.AddDays(5))}, "days"},
		} {
			_, err := db.CreateAPIToken(ctx, admin, svc.ID, tc.n)
			wantFields(t, err, tc.field)
		}

		def := issue(sqldb.NewAPIToken{Name: "default", Scope: sqldb.ScopeWrite})
		if !def.ExpiresAt.Equal(clock.Now().Add(90 * day)) {
			t.Errorf("default end %s", def.ExpiresAt)
		}
		ro := issue(sqldb.NewAPIToken{Name: "reader", Scope: sqldb.ScopeRead, Days: 10})
		until := issue(sqldb.NewAPIToken{Name: "until", Scope: sqldb.ScopeWrite, Until: ptr(today.AddDays(365))})
		// The last day in Baku works to its end (Baku is UTC+4).
		next := today.AddDays(366)
		if want := time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, time.UTC).Add(-4 * time.Hour); !until.ExpiresAt.Equal(want) {
			t.Errorf("until %s ends %s, want %s", today.AddDays(365), until.ExpiresAt, want)
		}

		a, err := db.Authenticate(ctx, ro.Token)
		if err != nil || !a.ReadOnly || a.SessionID != ro.ID {
			t.Fatalf("read-only token: %v %+v", err, a)
		}
		if a, err := db.Authenticate(ctx, def.Token); err != nil || a.ReadOnly {
			t.Fatalf("read-write token: %v %+v", err, a)
		}

		list, err := db.APITokens(ctx, admin, svc.ID)
		if err != nil || len(list) != 3 || list[0].ID != until.ID || list[1].Scope != sqldb.ScopeRead || !list[1].ExpiresAt.Equal(ro.ExpiresAt) || list[1].Token != "" {
			t.Fatalf("tokens %v %+v", err, list)
		}
		if list[1].LastSeenAt != nil {
			t.Errorf("a token used at its creation minute has a last use %s", list[1].LastSeenAt)
		}
		_, err = db.APITokens(ctx, de, svc.ID)
		wantCode(t, err, ercms.EForbidden, "an officer lists tokens")

		clock.Set(ro.ExpiresAt.Add(-time.Second))
		if _, err := db.Authenticate(ctx, ro.Token); err != nil {
			t.Fatalf("a second before its end: %v", err)
		}
		clock.Set(ro.ExpiresAt)
		_, err = db.Authenticate(ctx, ro.Token)
		wantCode(t, err, ercms.EUnauthorized, "an expired token")
		if _, err := db.Authenticate(ctx, def.Token); err != nil {
			t.Fatalf("the 90-day token after 10 days: %v", err)
		}
		list, _ = db.APITokens(ctx, admin, svc.ID)
		if list[2].LastSeenAt == nil || !list[2].LastSeenAt.Equal(clock.Now()) {
			t.Errorf("last use of the 90-day token %v", list[2].LastSeenAt)
		}
		clock.Set(def.ExpiresAt)
		_, err = db.Authenticate(ctx, def.Token)
		wantCode(t, err, ercms.EUnauthorized, "the 90-day token at its end")
	})
}

// TestSessionMigration: sessions and tokens open before migration 15 keep
// working after it; a session counts as seen at the upgrade, a token runs
// 90 days from it with its old powers.
func TestSessionMigration(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, de := act["admin"], act["de.officer"]
		svc := serviceAccount(t, db, act)
		// The migration writes the database's time: the test runs on it.
		now := time.Now().UTC().Truncate(time.Second)
		clock.Set(now.Add(-2 * time.Hour))
		if err := db.UndoSessionActivity(ctx); err != nil {
			t.Fatal(err)
		}
		// Written as the code of before wrote them: the code of now reads
		// the accounts' columns of later migrations.
		before := clock.Now().Format("2006-01-02T15:04:05.000000Z")
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO sessions (token_hash, id, user_id, kind, created_at, expires_at) VALUES ($1, 'old-session', $2, 'session', $3, $4)`,
			sqldb.HashToken("old session"), de.UserID, before, clock.Now().Add(db.SessionTTL).Format("2006-01-02T15:04:05.000000Z")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO sessions (token_hash, id, user_id, kind, name, created_at) VALUES ($1, 'old-token', $2, 'api', 'old', $3)`,
			sqldb.HashToken("old token"), svc.ID, before); err != nil {
			t.Fatal(err)
		}
		clock.Set(now)
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, "old session"); err != nil {
			t.Fatalf("a session of two hours ago after the upgrade: %v", err)
		}
		a, err := db.Authenticate(ctx, "old token")
		if err != nil || a.ReadOnly {
			t.Fatalf("a token of before: %v %+v", err, a)
		}
		list, err := db.APITokens(ctx, admin, svc.ID)
		if err != nil || len(list) != 1 || list[0].Scope != sqldb.ScopeWrite || list[0].ExpiresAt.Sub(now) < 90*day-time.Minute || list[0].ExpiresAt.Sub(now) > 90*day+time.Minute {
			t.Fatalf("tokens after the upgrade: %v %+v", err, list)
		}
		clock.Advance(31 * time.Minute)
		_, err = db.Authenticate(ctx, "old session")
		wantCode(t, err, ercms.EUnauthorized, "the old session idle 31 minutes after the upgrade")
	})
}
