package sqldb_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// passwordReason returns the message key PasswordProblem gives password
// on the field "password", or "" when it is accepted.
func passwordReason(t *testing.T, password string, userInputs ...string) string {
	t.Helper()
	err := sqldb.PasswordProblem(password, userInputs...)
	if err == nil {
		return ""
	}
	var e *ercms.Error
	if !errorAs(err, &e) || e.Code != ercms.EInvalid || len(e.Fields) != 1 || e.Fields["password"] == "" {
		t.Fatalf("%q: %v, want EInvalid on password", password, err)
	}
	return e.Fields["password"]
}

// TestPasswordRule: 12 to 128 characters, refused when guessable, with the
// reason; passphrases in any alphabet are accepted.
func TestPasswordRule(t *testing.T) {
	account := []string{"de.officer", "Jonas Weber", "Bundespolizei"}
	for _, tc := range []struct{ password, reason string }{
		{"elevenchars", "field.password.min_length"},
		{strings.Repeat("x", 129), "field.password.too_long"},
		{"123456789012", "field.password.sequence"},
		{"abcdefghijklmnop", "field.password.sequence"},
		{"aaaaaaaaaaaa", "field.password.repeated"},
		{"passwordpassword", "field.password.repeated"},
		{"qwertyuiopas", "field.password.keyboard"},
		{"zxcvbnmasdfg", "field.password.keyboard"},
		{"iloveyou2024!", "field.password.common"},
		{"P@ssw0rd12345", "field.password.common"},
		{"01.02.1985abcd", "field.password.date"},
		{"de.officerde.officer", "field.password.personal"},
		{"Jonas Weber 2024", "field.password.personal"},
		{"jonasweber1234", "field.password.personal"},
		{"bundespolizei!", "field.password.personal"},
		// Letters of two bytes count once, and their repeats, sequences
		// and keyboard rows are seen as in ASCII.
		{"əəəəəəəəəəəə", "field.password.repeated"},
		{"çölçölçölçöl", "field.password.repeated"},
		{"парольпароль", "field.password.repeated"},
		{"пароль123456", "field.password.common"}, // "gfhjkm" on the same keys
		{"йцукенгшщзхъ", "field.password.keyboard"},
		{"абвгдеёжзийк", "field.password.sequence"},
		{strings.Repeat("😀", 12), "field.password.repeated"},
		// Accepted.
		{"correct horse battery", ""},
		{"staple violin orbit lantern", ""},
		{"Qırmızı alma ağacı", ""},
		{"Şuşa gəzinti", ""},
		{"Молоко кошка дорога", ""},
		{"ivvqkkkb3nxylqfxoy7h", ""},
	} {
		if got := passwordReason(t, tc.password, account...); got != tc.reason {
			t.Errorf("%q: %q, want %q", tc.password, got, tc.reason)
		}
	}
	// The account's words count only for that account.
	if got := passwordReason(t, "jonasweber1234"); got != "" {
		t.Errorf("a name in another account's password: %q", got)
	}
	if got := passwordReason(t, strings.Repeat("x", 128)); got != "field.password.repeated" {
		t.Errorf("128 characters are long enough, and judged: %q", got)
	}
}

// TestPasswordRuleBounded: the estimator's work grows with the square of
// the length; the longest password is judged quickly, and a longer one is
// refused without judging.
func TestPasswordRuleBounded(t *testing.T) {
	start := time.Now()
	for _, p := range []string{strings.Repeat("ab", 64), strings.Repeat("1", 128), strings.Repeat("ə", 128), strings.Repeat("😀", 128),
		strings.Repeat("correct horse battery ", 6)[:128], strings.Repeat("Молоко кошка ", 10)[:128]} {
		_ = sqldb.PasswordProblem(p, "de.officer", "Jonas Weber")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("six passwords of 128 characters took %v", d)
	}
	start = time.Now()
	if got := passwordReason(t, strings.Repeat("a", 1<<20)); got != "field.password.too_long" || time.Since(start) > time.Second {
		t.Errorf("a password of a million characters: %q in %v", got, time.Since(start))
	}
}

// TestRandomPasswordAccepted: the demo's generated password passes the
// rule.
func TestRandomPasswordAccepted(t *testing.T) {
	for range 100 {
		p := sqldb.RandomPassword()
		if got := passwordReason(t, p, "sms.officer2", "Aysel Quliyeva", "State Migration Service"); got != "" {
			t.Fatalf("%q: %s", p, got)
		}
	}
}

// TestPasswordRuleInStore: setting, changing and creating a password
// apply the rule with the account's own names.
func TestPasswordRuleInStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, de := act["admin"], act["de.officer"]
		wantReason := func(err error, field, key, message string) {
			t.Helper()
			var e *ercms.Error
			if !errorAs(err, &e) || e.Code != ercms.EInvalid || e.Fields[field] != key || (message != "" && e.Message != message) {
				t.Errorf("got %v, want %s on %s (%s)", err, key, field, message)
			}
		}
		wantReason(db.SetPassword(ctx, de, de.UserID, "de.officerde.officer"), "password", "field.password.personal", "err.password.refused")
		wantReason(db.SetPassword(ctx, admin, de.UserID, "123456789012"), "password", "field.password.sequence", "err.password.refused")
		wantReason(db.SetPassword(ctx, de, de.UserID, "short"), "password", "field.password.min_length", "err.password.too_short")
		wantReason(db.ChangePassword(ctx, de, testPassword, "passwordpassword", netip.Addr{}), "password", "field.password.repeated", "")
		if _, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{}); err != nil {
			t.Fatalf("a refused password changed the old one: %v", err)
		}
		if err := db.ChangePassword(ctx, de, testPassword, "staple violin orbit lantern", netip.Addr{}); err != nil {
			t.Fatal(err)
		}

		n := sqldb.NewUser{Username: "de.officer2", DisplayName: "Jonas Weber", OrgID: de.Org.ID, Role: ercms.RoleRequestingOfficer, Password: "jonasweber2024"}
		_, err := db.CreateUser(ctx, admin, n)
		wantReason(err, "password", "field.password.personal", "err.invalid")
		// The organisation's name is the account's too, with or without its accents.
		n.Password = "Bundespolizeiprasidium1"
		_, err = db.CreateUser(ctx, admin, n)
		wantReason(err, "password", "field.password.personal", "err.invalid")
		n.Password = "aaaaaaaaaaaa"
		n.Username = "X"
		_, err = db.CreateUser(ctx, admin, n)
		wantFields(t, err, "username", "password")
		n.Service, n.Password, n.Username = true, "", "de.system"
		if _, err := db.CreateUser(ctx, admin, n); err != nil {
			t.Errorf("a service account has no password: %v", err)
		}
	})
}
