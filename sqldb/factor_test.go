package sqldb_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// codeAt returns the code an authenticator app with secret shows at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol signs username in under the required policy and sets up an
// authenticator app; it returns the app's secret and the recovery codes.
func enrol(t *testing.T, db *sqldb.DB, clock *testdb.Clock, username string) (string, []string) {
	t.Helper()
	from := netip.MustParseAddr("198.51.100.40")
	sess, err := db.SignIn(ctx, username, testPassword, from)
	if err != nil {
		t.Fatal(err)
	}
	if sess.SecondFactor != ercms.FactorEnrol {
		t.Fatalf("%s signs in to %q, want to enrol", username, sess.SecondFactor)
	}
	setup, err := db.BeginTOTP(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.ConfirmTOTP(ctx, sess.Token, codeAt(t, setup.Secret, clock.Now()), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Session == nil || len(res.RecoveryCodes) != 10 {
		t.Fatalf("enrolment gave %+v", res)
	}
	return setup.Secret, res.RecoveryCodes
}

// TestSecondFactorRequired: under the required policy a right password of
// an officer opens only a pending session, which no page or API call
// accepts, until an authenticator app is set up with its first code; the
// analyst (anonymised statistics) signs in with the password; the seed is
// kept sealed, never in clear.
func TestSecondFactorRequired(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		db.RequireSecondFactor = true
		from := netip.MustParseAddr("198.51.100.40")
		sess, err := db.SignIn(ctx, "sms.officer", testPassword, from)
		if err != nil {
			t.Fatal(err)
		}
		if sess.SecondFactor != ercms.FactorEnrol {
			t.Fatalf("stage %q, want enrol", sess.SecondFactor)
		}
		if _, err := db.Authenticate(ctx, sess.Token); ercms.ErrorCode(err) != ercms.EUnauthorized {
			t.Fatalf("a pending session authenticates: %v", err)
		}
		p, err := db.PendingSignIn(ctx, sess.Token)
		if err != nil || p.Stage != ercms.FactorEnrol || p.Actor.Username != "sms.officer" {
			t.Fatalf("pending %+v, %v", p, err)
		}
		setup, err := db.BeginTOTP(ctx, sess.Token)
		if err != nil {
			t.Fatal(err)
		}
		again, err := db.BeginTOTP(ctx, sess.Token) // a reload shows the same key
		if err != nil || again.Secret != setup.Secret || !strings.HasPrefix(setup.URL, "otpauth://totp/") {
			t.Fatalf("second begin %+v (%v), first %+v", again, err, setup)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM second_factors WHERE secret LIKE $1`, "%"+setup.Secret+"%"); n != 0 {
			t.Fatal("the seed is stored in clear")
		}
		_, err = db.ConfirmTOTP(ctx, sess.Token, "000000", false)
		if codeAt(t, setup.Secret, clock.Now()) != "000000" {
			wantFields(t, err, "code")
		}
		res, err := db.ConfirmTOTP(ctx, sess.Token, codeAt(t, setup.Secret, clock.Now()), false)
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.Authenticate(ctx, res.Session.Token)
		if err != nil || a.Username != "sms.officer" {
			t.Fatalf("the signed-in session: %+v, %v", a, err)
		}
		if _, err := db.PendingSignIn(ctx, sess.Token); err == nil {
			t.Error("the pending session outlives the sign-in")
		}
		if auditCount(t, db, "factor.add", a.UserID) != 1 || auditCount(t, db, "login", a.UserID) != 1 {
			t.Error("the enrolment and the sign-in are not audited")
		}
		an, err := db.SignIn(ctx, "analyst", testPassword, from)
		if err != nil || an.SecondFactor != "" {
			t.Fatalf("the analyst: %+v, %v", an, err)
		}
	})
}

// TestSecondFactorCodes: a code of the app signs in once (the same code
// again is refused); each recovery code works once; five wrong codes end
// the pending sign-in, and wrong codes count against the account like
// wrong passwords.
func TestSecondFactorCodes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		db.RequireSecondFactor = true
		secret, recovery := enrol(t, db, clock, "sms.supervisor")
		from := netip.MustParseAddr("198.51.100.41")
		signIn := func() *ercms.Session {
			t.Helper()
			s, err := db.SignIn(ctx, "sms.supervisor", testPassword, from)
			if err != nil {
				t.Fatal(err)
			}
			if s.SecondFactor != ercms.FactorVerify {
				t.Fatalf("stage %q, want verify", s.SecondFactor)
			}
			return s
		}
		// The code of enrolment was taken: it does not pass again.
		clock.Advance(10 * time.Second)
		s := signIn()
		used := codeAt(t, secret, clock.Now())
		if _, err := db.VerifySecondFactor(ctx, s.Token, used, false); ercms.ErrorCode(err) != ercms.EInvalid {
			t.Fatalf("a code used at enrolment passes again: %v", err)
		}
		clock.Advance(30 * time.Second)
		res, err := db.VerifySecondFactor(ctx, s.Token, codeAt(t, secret, clock.Now()), false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, res.Session.Token); err != nil {
			t.Fatal(err)
		}
		// A recovery code, typed in capitals with a space, works once.
		s = signIn()
		typed := strings.ToUpper(strings.Replace(recovery[3], "-", " ", 1))
		if _, err := db.VerifySecondFactor(ctx, s.Token, typed, false); err != nil {
			t.Fatalf("recovery code %q: %v", typed, err)
		}
		s = signIn()
		if _, err := db.VerifySecondFactor(ctx, s.Token, recovery[3], false); ercms.ErrorCode(err) != ercms.EInvalid {
			t.Fatalf("a spent recovery code: %v", err)
		}
		a, err := db.ActorByUsername(ctx, "sms.supervisor")
		if err != nil {
			t.Fatal(err)
		}
		f, err := db.SecondFactors(ctx, a)
		if err != nil || len(f.Factors) != 1 || f.RecoveryLeft != 9 || !f.Required {
			t.Fatalf("factors %+v, %v", f, err)
		}
		// Four more wrong codes (five with the spent one) end the pending sign-in.
		for i := range 4 {
			_, err := db.VerifySecondFactor(ctx, s.Token, "zzzzz-zzzzz", false)
			want := ercms.EInvalid
			if i == 3 {
				want = ercms.EUnauthorized
			}
			if ercms.ErrorCode(err) != want {
				t.Fatalf("wrong code %d: %v, want %s", i+2, err, want)
			}
		}
		if _, err := db.PendingSignIn(ctx, s.Token); err == nil {
			t.Fatal("the pending sign-in survives five wrong codes")
		}
		// More wrong codes in a new sign-in slow the account down as wrong
		// passwords do: the password is not taken at once after them.
		clock.Advance(time.Minute)
		s = signIn()
		var last error
		for range 5 {
			_, last = db.VerifySecondFactor(ctx, s.Token, "zzzzz-zzzzz", false)
			if ercms.ErrorCode(last) == ercms.EThrottled {
				break
			}
		}
		if _, err := db.SignIn(ctx, "sms.supervisor", testPassword, from); ercms.ErrorCode(err) != ercms.EThrottled {
			t.Fatalf("after six wrong codes the password is still taken at once: %v (last code: %v)", err, last)
		}
		if auditCount(t, db, "login.factor_failed", a.UserID) < 6 {
			t.Error("wrong codes are not audited")
		}
	})
}

// TestRememberedDevice: a device that passed the second factor and asked
// to be remembered signs in with the password alone until its time ends;
// someone guessing the password elsewhere locks the account but not the
// remembered device.
func TestRememberedDevice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		db.RequireSecondFactor = true
		secret, _ := enrol(t, db, clock, "border.officer")
		from := netip.MustParseAddr("198.51.100.42")
		clock.Advance(time.Minute)
		s, err := db.SignIn(ctx, "border.officer", testPassword, from)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.VerifySecondFactor(ctx, s.Token, codeAt(t, secret, clock.Now()), true)
		if err != nil || res.Device == "" {
			t.Fatalf("remembered: %+v, %v", res, err)
		}
		clock.Advance(time.Hour)
		s, err = db.SignInOn(ctx, "border.officer", testPassword, from, res.Device)
		if err != nil || s.SecondFactor != "" {
			t.Fatalf("on the remembered device: %+v, %v", s, err)
		}
		// Someone elsewhere guesses until the account is locked.
		for range 12 {
			_, _ = db.SignIn(ctx, "border.officer", "a wrong guess of a password", netip.MustParseAddr("203.0.113.9"))
		}
		if _, err := db.SignIn(ctx, "border.officer", testPassword, from); ercms.ErrorCode(err) != ercms.EThrottled {
			t.Fatalf("the account is not locked by the guesses: %v", err)
		}
		if s, err := db.SignInOn(ctx, "border.officer", testPassword, from, res.Device); err != nil || s.SecondFactor != "" {
			t.Fatalf("the remembered device is locked out with the account: %+v, %v", s, err)
		}
		clock.Advance(sqldb.DefaultRememberDevice)
		if s, err := db.SignInOn(ctx, "border.officer", testPassword, netip.MustParseAddr("198.51.100.43"), res.Device); ercms.ErrorCode(err) != ercms.EThrottled && (err != nil || s.SecondFactor != ercms.FactorVerify) {
			t.Fatalf("after its time the device still skips the second factor: %+v, %v", s, err)
		}
	})
}

// TestSecondFactorPolicyOff: with the policy off nobody must enrol, but a
// user who set up a factor still gives it; the last factor cannot be
// removed while the policy requires one.
func TestSecondFactorPolicyOff(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		db.RequireSecondFactor = true
		enrol(t, db, clock, "de.officer")
		de := act["de.officer"]
		f, err := db.SecondFactors(ctx, de)
		if err != nil || len(f.Factors) != 1 {
			t.Fatalf("%+v %v", f, err)
		}
		wantCode(t, db.RemoveSecondFactor(ctx, de, f.Factors[0].ID), ercms.EConflict, "remove the last factor under the policy")
		wantCode(t, db.RemoveSecondFactor(ctx, act["sms.officer"], f.Factors[0].ID), ercms.ENotFound, "remove another user's factor")
		db.RequireSecondFactor = false
		from := netip.MustParseAddr("198.51.100.44")
		if s, err := db.SignIn(ctx, "sms.officer", testPassword, from); err != nil || s.SecondFactor != "" {
			t.Fatalf("policy off, no factor: %+v, %v", s, err)
		}
		if s, err := db.SignIn(ctx, "de.officer", testPassword, from); err != nil || s.SecondFactor != ercms.FactorVerify {
			t.Fatalf("policy off, a factor set up: %+v, %v", s, err)
		}
		if err := db.RemoveSecondFactor(ctx, de, f.Factors[0].ID); err != nil {
			t.Fatal(err)
		}
		if s, err := db.SignIn(ctx, "de.officer", testPassword, from); err != nil || s.SecondFactor != "" {
			t.Fatalf("after removing the factor: %+v, %v", s, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1`, de.UserID); n != 0 {
			t.Errorf("%d recovery codes left without a factor", n)
		}
	})
}

// TestPasswordAloneAddsNoFactor: a sign-in that must give the user's
// factor cannot set up another one with the password alone; a sign-in
// that began before the user set one up on another device asks for it.
func TestPasswordAloneAddsNoFactor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		db.RequireSecondFactor = true
		from := netip.MustParseAddr("198.51.100.45")
		early, err := db.SignIn(ctx, "dpo", testPassword, from)
		if err != nil || early.SecondFactor != ercms.FactorEnrol {
			t.Fatalf("%+v %v", early, err)
		}
		enrol(t, db, clock, "dpo")
		p, err := db.PendingSignIn(ctx, early.Token)
		if err != nil || p.Stage != ercms.FactorVerify {
			t.Fatalf("the earlier sign-in after the user set a factor up: %+v, %v", p, err)
		}
		wantCode(t, func() error { _, err := db.BeginTOTP(ctx, early.Token); return err }(), ercms.EConflict, "a password alone sets up an app")
		// A code given to the earlier sign-in is checked against the app set up.
		wantCode(t, func() error { _, err := db.ConfirmTOTP(ctx, early.Token, "zzzzz-zzzzz", false); return err }(), ercms.EInvalid, "a wrong code")
		wantCode(t, func() error { _, err := db.AddPasskey(ctx, early.Token, "", "{}", false); return err }(), ercms.EUnauthorized, "a password alone adds a passkey")
		if f, err := db.SecondFactors(ctx, ercms.Actor{UserID: p.Actor.UserID}); err != nil || len(f.Factors) != 1 {
			t.Fatalf("factors: %+v, %v", f, err)
		}
	})
}

// TestResetSecondFactor: an administrator resets the lost factor of a
// central-authority officer; the officer's sessions end, and, since one
// administrator could otherwise take the account over, it waits for the
// supervisor's confirmation before it signs in and sets a factor up again.
func TestResetSecondFactor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		db.RequireSecondFactor = true
		enrol(t, db, clock, "sms.officer")
		officer := act["sms.officer"]
		wantCode(t, db.ResetSecondFactor(ctx, act["sms.supervisor"], officer.UserID), ercms.EForbidden, "a supervisor resets a factor")
		if err := db.ResetSecondFactor(ctx, act["admin"], officer.UserID); err != nil {
			t.Fatal(err)
		}
		if f, err := db.SecondFactors(ctx, officer); err != nil || len(f.Factors) != 0 || f.RecoveryLeft != 0 {
			t.Fatalf("after the reset: %+v, %v", f, err)
		}
		from := netip.MustParseAddr("198.51.100.46")
		if _, err := db.SignIn(ctx, "sms.officer", testPassword, from); ercms.ErrorCode(err) != ercms.EUnauthorized {
			t.Fatalf("signs in before the confirmation: %v", err)
		}
		if err := db.ConfirmGrant(ctx, act["sms.supervisor"], officer.UserID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if s, err := db.SignIn(ctx, "sms.officer", testPassword, from); err != nil || s.SecondFactor != ercms.FactorEnrol {
			t.Fatalf("after the confirmation: %+v, %v", s, err)
		}
		if auditCount(t, db, "factor.reset", officer.UserID) != 1 {
			t.Error("the reset is not audited")
		}
	})
}
