package sqldb_test

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// guess is the outcome of one sign-in attempt: the error code ("" for a
// session) and, when throttled, the seconds the answer says to wait.
type guess struct {
	code string
	wait int
}

func signInOutcome(t *testing.T, db *sqldb.DB, user, password string, from netip.Addr) guess {
	t.Helper()
	_, err := db.SignIn(ctx, user, password, from)
	if err == nil {
		return guess{}
	}
	g := guess{code: ercms.ErrorCode(err)}
	if e, ok := errors.AsType[*sqldb.Throttled](err); ok && g.code == ercms.EThrottled {
		g.wait = int(e.Wait / time.Second)
		if g.wait <= 0 || e.Err.Args["count"] != (g.wait+59)/60 {
			t.Fatalf("throttled for %d s: %v", g.wait, err)
		}
	} else if g.code != ercms.EUnauthorized {
		t.Fatalf("sign in as %q: %v", user, err)
	}
	return g
}

// TestThrottleAccount checks that 50 wrong passwords in a row for one
// account are slowed and then refused, that an unknown username gets
// exactly the same answers, that the right password does not get through
// a lock, and that the lock ends by itself after 15 minutes or at once
// when an administrator lifts it.
func TestThrottleAccount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		from := netip.MustParseAddr("198.51.100.20")

		// An attacker who does not wait: 5 checks, then 429 for the other 45.
		answers := map[string][]guess{}
		for _, user := range []string{"de.officer", "no.such.officer"} {
			for range 50 {
				answers[user] = append(answers[user], signInOutcome(t, db, user, "wrong password "+user, from))
			}
		}
		if fmt.Sprint(answers["de.officer"]) != fmt.Sprint(answers["no.such.officer"]) {
			t.Errorf("a known and an unknown username are answered differently:\n%v\n%v", answers["de.officer"], answers["no.such.officer"])
		}
		for i, g := range answers["de.officer"] {
			want := ercms.EUnauthorized
			if i >= sqldb.DefaultThrottle.Account.Free {
				want = ercms.EThrottled
			}
			if g.code != want {
				t.Fatalf("attempt %d: %s, want %s", i+1, g.code, want)
			}
		}
		if got := answers["de.officer"][5].wait; got != 1 {
			t.Errorf("6th attempt waits %d s, want 1", got)
		}

		// The right password is no key while the account is held back.
		if g := signInOutcome(t, db, "de.officer", testPassword, from); g.code != ercms.EThrottled {
			t.Fatalf("right password during the slow-down: %+v", g)
		}

		// An attacker who waits as told checks few passwords in an hour:
		// the slow-down doubles, then the account is locked 15 minutes.
		start, checks := clock.Now(), 0
		for clock.Now().Sub(start) < time.Hour {
			g := signInOutcome(t, db, "de.officer", "another wrong password", from)
			switch g.code {
			case ercms.EUnauthorized:
				checks++
			case ercms.EThrottled:
				if g.wait > 15*60 {
					t.Fatalf("told to wait %d s, more than 15 minutes", g.wait)
				}
				clock.Advance(time.Duration(g.wait) * time.Second)
			}
		}
		if checks > 10 {
			t.Errorf("%d passwords checked in an hour after the first five, want at most 10", checks)
		}
		for g := signInOutcome(t, db, "de.officer", "wrong again", from); g.code == ercms.EThrottled; g = signInOutcome(t, db, "de.officer", "wrong again", from) {
			clock.Advance(time.Duration(g.wait) * time.Second)
		}
		locks, err := db.SignInLocks(ctx, act["admin"])
		until, locked := locks[act["de.officer"].UserID]
		if err != nil || !locked || len(locks) != 1 || until.Sub(clock.Now()) > 15*time.Minute {
			t.Fatalf("locks %v (now %v): %v", locks, clock.Now(), err)
		}

		// The administrator lifts the lock: the user signs in at once.
		wantCode(t, db.LiftSignInLock(ctx, act["de.officer"], act["de.officer"].UserID), ercms.EForbidden, "an officer lifts a lock")
		evs := newAudit(t, db, func() {
			if err := db.LiftSignInLock(ctx, act["admin"], act["de.officer"].UserID); err != nil {
				t.Fatal(err)
			}
		})
		if len(evs) != 1 || evs[0].Action != "user.unlock" || evs[0].ObjectID != act["de.officer"].UserID {
			t.Errorf("lift events %+v", evs)
		}
		if g := signInOutcome(t, db, "de.officer", testPassword, from); g.code != "" {
			t.Fatalf("after the lock was lifted: %+v", g)
		}

		// A lock nobody lifts ends 15 minutes after the last failure.
		for range 10 {
			signInOutcome(t, db, "sms.officer", "wrong password", netip.Addr{})
			clock.Advance(time.Minute)
		}
		if g := signInOutcome(t, db, "sms.officer", testPassword, netip.Addr{}); g.code != ercms.EThrottled || g.wait > 15*60 {
			t.Fatalf("locked account: %+v", g)
		}
		clock.Advance(15 * time.Minute)
		if g := signInOutcome(t, db, "sms.officer", testPassword, netip.Addr{}); g.code != "" {
			t.Fatalf("15 minutes after the last failure: %+v", g)
		}
	})
}

// TestThrottleAddress checks that 200 failures from one address are
// slowed and then refused, while an officer who signed in from that
// address before keeps signing in; other addresses are not held back,
// and the addresses of one IPv6 /64 count as one.
func TestThrottleAddress(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		office := netip.MustParseAddr("203.0.113.7")
		if g := signInOutcome(t, db, "de.officer", testPassword, office); g.code != "" {
			t.Fatalf("first sign-in from the office: %+v", g)
		}

		codes := map[string]int{}
		for i := range 200 {
			g := signInOutcome(t, db, fmt.Sprintf("guess.%d", i), "wrong password", office)
			codes[g.code]++
			if i < sqldb.DefaultThrottle.Address.Free && g.code != ercms.EUnauthorized {
				t.Fatalf("attempt %d from the office: %+v", i+1, g)
			}
		}
		if codes[ercms.EUnauthorized] != sqldb.DefaultThrottle.Address.Free || codes[ercms.EThrottled] != 200-sqldb.DefaultThrottle.Address.Free {
			t.Errorf("200 guesses from one address: %v", codes)
		}

		if g := signInOutcome(t, db, "de.officer", testPassword, office); g.code != "" {
			t.Errorf("an officer known at the office is held back: %+v", g)
		}
		if g := signInOutcome(t, db, "sms.officer", testPassword, office); g.code != ercms.EThrottled {
			t.Errorf("an account never seen at the office: %+v", g)
		}
		if g := signInOutcome(t, db, "sms.officer", testPassword, netip.MustParseAddr("198.51.100.9")); g.code != "" {
			t.Errorf("another address: %+v", g)
		}

		// A guesser who waits as told is slowed more and more, and refused
		// for 15 minutes after 150 failures; then let through again.
		checks, start := 0, clock.Now()
		var g guess
		for i := 0; ; i++ {
			if i > 1000 {
				t.Fatal("the address is never refused")
			}
			g = signInOutcome(t, db, fmt.Sprintf("guess.%d", 200+i), "wrong password", office)
			if g.code == ercms.EUnauthorized {
				checks++
				continue
			}
			if g.wait >= 14*60 {
				break
			}
			clock.Advance(time.Duration(g.wait) * time.Second)
		}
		if want := sqldb.DefaultThrottle.Address.Max - sqldb.DefaultThrottle.Address.Free; checks != want {
			t.Errorf("%d more guesses checked before the refusal, want %d", checks, want)
		}
		if clock.Now().Sub(start) < time.Hour {
			t.Errorf("100 guesses from one address took only %v", clock.Now().Sub(start))
		}
		clock.Advance(time.Duration(g.wait) * time.Second)
		if g := signInOutcome(t, db, "guess.y", "wrong password", office); g.code != ercms.EUnauthorized {
			t.Errorf("after the refusal ended: %+v", g)
		}

		// The scheduler forgets the counters of a day ago, not those of now.
		all := count(t, db, `SELECT COUNT(*) FROM signin_counters`)
		clock.Advance(23 * time.Hour)
		signInOutcome(t, db, "guess.recent", "wrong password", netip.MustParseAddr("192.0.2.1"))
		clock.Advance(time.Hour + time.Second)
		if n, err := db.ForgetSignInFailures(ctx); err != nil || n != int64(all) || count(t, db, `SELECT COUNT(*) FROM signin_counters`) != 2 {
			t.Errorf("forgot %d of %d counters (%v); %d left, want the 2 of the last attempt", n, all, err, count(t, db, `SELECT COUNT(*) FROM signin_counters`))
		}

		// One IPv6 /64 is one place.
		db.Throttle.Address.Free, db.Throttle.Address.Max = 3, 4
		for i := 1; i <= 3; i++ {
			signInOutcome(t, db, fmt.Sprintf("v6.%d", i), "wrong password", netip.MustParseAddr(fmt.Sprintf("2001:db8:7::%d", i)))
		}
		if g := signInOutcome(t, db, "v6.4", "wrong password", netip.MustParseAddr("2001:db8:7::ffff")); g.code != ercms.EThrottled {
			t.Errorf("same /64: %+v", g)
		}
		if g := signInOutcome(t, db, "v6.5", "wrong password", netip.MustParseAddr("2001:db8:8::1")); g.code != ercms.EUnauthorized {
			t.Errorf("another /64: %+v", g)
		}
	})
}

// TestThrottleParallel checks that attempts made at the same moment are
// counted one after the other: 20 parallel wrong passwords for one
// account get the free 5 checks, not 20.
func TestThrottleParallel(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		seed(t, db)
		var mu sync.Mutex
		codes := map[string]int{}
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				_, err := db.SignIn(ctx, "de.officer", fmt.Sprintf("wrong password %d", i), netip.Addr{})
				mu.Lock()
				codes[ercms.ErrorCode(err)]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[ercms.EUnauthorized] != sqldb.DefaultThrottle.Account.Free || codes[ercms.EThrottled] != 20-sqldb.DefaultThrottle.Account.Free {
			t.Errorf("20 parallel wrong passwords: %v", codes)
		}
	})
}

// TestChangePasswordThrottled checks that the current-password check of a
// password change counts with the sign-ins of the account.
func TestChangePasswordThrottled(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de := act["de.officer"]
		for range 5 {
			err := db.ChangePassword(ctx, de, "not my password", "a brand new passphrase", netip.Addr{})
			wantFields(t, err, "current")
		}
		err := db.ChangePassword(ctx, de, testPassword, "a brand new passphrase", netip.Addr{})
		wantCode(t, err, ercms.EThrottled, "sixth check of the current password")
		if g := signInOutcome(t, db, "de.officer", testPassword, netip.Addr{}); g.code != ercms.EThrottled {
			t.Errorf("sign-in after 5 wrong current passwords: %+v", g)
		}
		clock.Advance(time.Minute)
		if err := db.ChangePassword(ctx, de, testPassword, "a brand new passphrase", netip.Addr{}); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
		if g := signInOutcome(t, db, "de.officer", "a brand new passphrase", netip.Addr{}); g.code != "" {
			t.Errorf("sign-in with the new password: %+v", g)
		}
	})
}
