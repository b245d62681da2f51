package sqldb_test

import (
	"net/netip"
	"regexp"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// auditCount returns how many audit events of action name the user.
func auditCount(t *testing.T, db *sqldb.DB, action, userID string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = $1 AND object_id = $2`, action, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSetupCodeReset: an administrator's reset ends the old password and
// the user's sessions, and gives a code with which the user chooses a
// password once; a spent, expired or wrong code is refused, a weak
// password is refused with its reason and leaves the code unspent, and
// every step is audited.
func TestSetupCodeReset(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, de := act["admin"], act["de.officer"]
		from := netip.MustParseAddr("198.51.100.30")
		sess, err := db.SignIn(ctx, "de.officer", testPassword, from)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.IssueSetupCode(ctx, de, de.UserID); ercms.ErrorCode(err) != ercms.EForbidden {
			t.Errorf("an officer issues a code: %v", err)
		}
		sc, err := db.IssueSetupCode(ctx, admin, de.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$`).MatchString(sc.Code) || !sc.ExpiresAt.Equal(clock.Now().Add(24*time.Hour)) {
			t.Errorf("code %q until %v", sc.Code, sc.ExpiresAt)
		}
		if _, err := db.SignIn(ctx, "de.officer", testPassword, from); ercms.ErrorCode(err) != ercms.EUnauthorized {
			t.Errorf("the old password after the reset: %v", err)
		}
		if _, err := db.Authenticate(ctx, sess.Token); err == nil {
			t.Error("the session of before the reset still works")
		}
		if err := db.UseSetupCode(ctx, "de.officer", "AAAAA-BBBBB-CCCCC-DDDDD", "a password of my own choosing", from); ercms.ErrorCode(err) != ercms.EUnauthorized {
			t.Errorf("a wrong code: %v", err)
		}
		err = db.UseSetupCode(ctx, "de.officer", sc.Code, "passwordpassword", from)
		if e, ok := err.(*ercms.Error); !ok || e.Code != ercms.EInvalid || e.Fields["password"] == "" {
			t.Errorf("a weak password: %v", err)
		}
		// Typed in lower case without dashes, the code still works.
		lower := regexp.MustCompile(`-`).ReplaceAllString(sc.Code, " ")
		if err := db.UseSetupCode(ctx, "de.officer", lower, "a password of my own choosing", from); err != nil {
			t.Fatalf("the code: %v", err)
		}
		if _, err := db.SignIn(ctx, "de.officer", "a password of my own choosing", from); err != nil {
			t.Errorf("the chosen password: %v", err)
		}
		err = db.UseSetupCode(ctx, "de.officer", sc.Code, "yet another password of mine", from)
		if e, ok := err.(*ercms.Error); !ok || e.Message != "err.setup.used" {
			t.Errorf("the code again: %v", err)
		}
		for action, want := range map[string]int{"user.reset": 1, "user.setup_code": 1, "user.setup": 1, "user.setup.failed": 1} {
			if got := auditCount(t, db, action, de.UserID); got != want {
				t.Errorf("audit %s: %d events, want %d", action, got, want)
			}
		}

		// A code not used within a day is refused.
		sc, err = db.IssueSetupCode(ctx, admin, de.UserID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(25 * time.Hour)
		err = db.UseSetupCode(ctx, "de.officer", sc.Code, "a later password of mine", from)
		if e, ok := err.(*ercms.Error); !ok || e.Message != "err.setup.expired" {
			t.Errorf("an expired code: %v", err)
		}
	})
}

// TestSetupCodeThrottled: guessing codes for an account is slowed and
// then refused like guessing passwords, even the right code.
func TestSetupCodeThrottled(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		sc, err := db.IssueSetupCode(ctx, act["admin"], act["de.officer"].UserID)
		if err != nil {
			t.Fatal(err)
		}
		from := netip.MustParseAddr("198.51.100.31")
		var codes []string
		for range 8 {
			codes = append(codes, ercms.ErrorCode(db.UseSetupCode(ctx, "de.officer", "AAAAA-AAAAA-AAAAA-AAAAA", "a password of my own choosing", from)))
		}
		if codes[0] != ercms.EUnauthorized || codes[7] != ercms.EThrottled {
			t.Errorf("8 wrong codes: %v", codes)
		}
		if err := db.UseSetupCode(ctx, "de.officer", sc.Code, "a password of my own choosing", from); ercms.ErrorCode(err) != ercms.EThrottled {
			t.Errorf("the right code while throttled: %v", err)
		}
		clock.Advance(16 * time.Minute)
		if err := db.UseSetupCode(ctx, "de.officer", sc.Code, "a password of my own choosing", from); err != nil {
			t.Errorf("the right code after the wait: %v", err)
		}
	})
}

// TestCreateUserWithSetupCode: an account an administrator creates has
// no password until its user chooses one with the code of its creation.
func TestCreateUserWithSetupCode(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		u, sc, err := db.CreateUserWithSetupCode(ctx, act["admin"], sqldb.NewUser{Username: "sms.analyst2", DisplayName: "Aysel Quliyeva",
			OrgID: act["sms.officer"].Org.ID, Role: ercms.RoleAnalyst})
		if err != nil || sc == nil {
			t.Fatalf("create: %v %v", sc, err)
		}
		if _, err := db.SignIn(ctx, "sms.analyst2", "", netip.Addr{}); ercms.ErrorCode(err) != ercms.EUnauthorized {
			t.Errorf("an empty password: %v", err)
		}
		if err := db.UseSetupCode(ctx, "sms.analyst2", sc.Code, "my own analyst passphrase", netip.Addr{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignIn(ctx, "sms.analyst2", "my own analyst passphrase", netip.Addr{}); err != nil {
			t.Errorf("sign in: %v", err)
		}
		if got := auditCount(t, db, "user.setup_code", u.ID); got != 1 {
			t.Errorf("audit user.setup_code: %d", got)
		}
	})
}
