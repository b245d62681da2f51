package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/ercms/ercms"
)

// Throttle is the policy that slows and then refuses repeated failed
// checks of a password: sign-ins and the current password of a password
// change. Failures are counted in the database, so that every node sees
// them, per account (by the username typed, so that an unknown name is
// slowed exactly like a known one and the answers do not tell them apart)
// and per client address.
type Throttle struct {
	// Account limits the failures for one username.
	Account Limit
	// Address limits the failures from one address (IPv4, or an IPv6 /64).
	// An account that signed in from the address before is not held back
	// by it: an office behind one address keeps working while someone
	// there, or pretending to be there, guesses.
	Address Limit
}

// Limit is the policy of one failure counter. The first Free failures
// cost nothing; after them each attempt waits Base after the last
// failure, doubled every Step further failures, up to Lock; from Max
// failures on, attempts are refused until Lock has passed since the last
// failure. A counter is forgotten Forget after its last failure, and
// cleared by a successful sign-in.
type Limit struct {
	Free, Step, Max    int
	Base, Lock, Forget time.Duration
}

// DefaultThrottle locks an account for 15 minutes after 10 failures in a
// row (slowing it from the 6th), and slows an address from its 50th
// failure within an hour, refusing it for 15 minutes from the 150th.
var DefaultThrottle = Throttle{
	Account: Limit{Free: 5, Step: 1, Max: 10, Base: time.Second, Lock: 15 * time.Minute, Forget: 24 * time.Hour},
	Address: Limit{Free: 50, Step: 10, Max: 150, Base: time.Second, Lock: 15 * time.Minute, Forget: time.Hour},
}

// wait returns how long after the last of failures failures the next
// attempt must wait.
func (l Limit) wait(failures int) time.Duration {
	switch {
	case failures < l.Free:
		return 0
	case failures >= l.Max:
		return l.Lock
	}
	steps := (failures - l.Free) / max(l.Step, 1)
	if steps > 30 {
		return l.Lock
	}
	return min(l.Base<<steps, l.Lock)
}

// Throttled is the error of a password check refused for now: an
// ercms.Error with code EThrottled (its message says how many minutes to
// wait) that also says exactly how long, for the Retry-After of HTTP.
type Throttled struct {
	Err  *ercms.Error
	Wait time.Duration
}

// Error implements the error interface.
func (e *Throttled) Error() string { return e.Err.Error() }

// Unwrap returns the ercms.Error, so that ercms.ErrorCode and errors.As see it.
func (e *Throttled) Unwrap() error { return e.Err }

// throttled is the error of an attempt made too soon: the same for an
// unknown username, a known one and a locked account.
func throttled(wait time.Duration) error {
	wait = wait.Round(time.Second)
	if wait < time.Second {
		wait = time.Second
	}
	minutes := int((wait + time.Minute - 1) / time.Minute)
	return &Throttled{Err: ercms.Fail(ercms.EThrottled, "err.signin.throttled", "count", minutes), Wait: wait}
}

// accountKey is the counter of a username: a hash, so that a password
// typed into the username box is not kept.
func accountKey(username string) string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(username))))
	return "account:" + hex.EncodeToString(h[:16])
}

// codesKey is the counter of the wrong second-factor codes given for an
// account (factor.go): apart from its wrong passwords, so that a right
// password does not wipe them, under the same limit.
func codesKey(username string) string { return accountKey(username) + ":codes" }

// place is the address an attempt is counted under: the address itself
// for IPv4, the /64 for IPv6 (one subscriber's network); "" when unknown.
func place(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// attempt is one check of a password under the throttle.
type attempt struct {
	username string
	userID   string // "" when no account has the username
	from     string // place of the client address, "" when unknown
	// device is the hash of the token of a device remembered for the
	// account (factor.go), "" when none: its attempts are counted apart,
	// so that someone guessing elsewhere does not lock it out.
	device string
	// byAddress is set by admit when the attempt counts for its address
	// (not when the account is known there).
	byAddress bool
}

// accountKey is the counter the attempt counts under for its account: the
// remembered device's own, else the account's.
func (at *attempt) accountKey() string {
	if at.device != "" {
		return "device:" + at.device
	}
	return accountKey(at.username)
}

// admit refuses an attempt made too soon after the failures counted for
// its account or address, and else counts it as a failure before the
// password is checked, so that parallel attempts cannot all pass one
// check; succeeded takes the count back.
func (s *DB) admit(ctx context.Context, at *attempt) error {
	return s.tx(ctx, func(tx *Tx) error {
		lim := s.Throttle
		wait, err := tx.waitOf(ctx, at.accountKey(), lim.Account)
		if err != nil {
			return err
		}
		if at.device == "" {
			// Wrong second-factor codes hold the password back too.
			w, err := tx.waitRead(ctx, codesKey(at.username), lim.Account, "")
			if err != nil {
				return err
			}
			wait = max(wait, w)
		}
		countAddress := at.from != ""
		if countAddress && at.userID != "" {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM signin_places WHERE user_id = $1 AND address = $2`, at.userID, at.from).Scan(&one)
			if err == nil {
				countAddress = false // known here: the address's count does not hold it back
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if countAddress {
			w, err := tx.waitOf(ctx, "address:"+at.from, lim.Address)
			if err != nil {
				return err
			}
			wait = max(wait, w)
		}
		if wait > 0 {
			return throttled(wait)
		}
		if err := tx.countFailure(ctx, at.accountKey(), lim.Account); err != nil {
			return err
		}
		at.byAddress = countAddress
		if countAddress {
			return tx.countFailure(ctx, "address:"+at.from, lim.Address)
		}
		return nil
	})
}

// waitOf returns how long from now an attempt under key must still wait.
// It locks the counter until the transaction ends (on PostgreSQL; SQLite
// runs one writer at a time), so that parallel attempts are counted one
// after the other and cannot all pass on the same count.
func (tx *Tx) waitOf(ctx context.Context, key string, l Limit) (time.Duration, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO signin_counters (key, failures, last_at) VALUES ($1, 0, '') ON CONFLICT (key) DO NOTHING`, key); err != nil {
		return 0, err
	}
	return tx.waitRead(ctx, key, l, tx.s.forUpdate())
}

// waitRead is waitOf without the lock (lock "") and without adding a
// counter for a key that has none.
func (tx *Tx) waitRead(ctx context.Context, key string, l Limit, lock string) (time.Duration, error) {
	var failures int
	var last string
	err := tx.QueryRowContext(ctx, `SELECT failures, last_at FROM signin_counters WHERE key = $1`+lock, key).Scan(&failures, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil || failures == 0 {
		return 0, err
	}
	lastAt, err := parseTime(last)
	if err != nil {
		return 0, err
	}
	if tx.now.Sub(lastAt) >= l.Forget {
		return 0, nil
	}
	return max(0, lastAt.Add(l.wait(failures)).Sub(tx.now)), nil
}

// countFailure adds one failure to key's counter, starting again from one
// when the counter was forgotten.
func (tx *Tx) countFailure(ctx context.Context, key string, l Limit) error {
	now := formatTime(tx.now)
	_, err := tx.ExecContext(ctx, `INSERT INTO signin_counters (key, failures, last_at) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN signin_counters.last_at < $3 THEN 1 ELSE signin_counters.failures + 1 END,
		last_at = excluded.last_at`, key, now, formatTime(tx.now.Add(-l.Forget)))
	return err
}

// succeeded takes back the failure admit counted for a right password:
// the account's counter is cleared, the address's lowered by one, and the
// address is remembered as a place the account signs in from.
func (tx *Tx) succeeded(ctx context.Context, at *attempt) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_counters WHERE key = $1`, at.accountKey()); err != nil {
		return err
	}
	if at.from == "" {
		return nil
	}
	if at.byAddress {
		if _, err := tx.ExecContext(ctx, `UPDATE signin_counters SET failures = failures - 1 WHERE key = $1 AND failures > 0`, "address:"+at.from); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO signin_places (user_id, address, last_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, address) DO UPDATE SET last_at = excluded.last_at`, at.userID, at.from, formatTime(tx.now))
	return err
}

// ForgetSignInFailures deletes the failure counters no limit remembers
// any more (one for each username guessed, in a spray), and returns how
// many; the scheduler runs it.
func (s *DB) ForgetSignInFailures(ctx context.Context) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM signin_counters WHERE last_at < $1`,
			formatTime(tx.now.Add(-max(s.Throttle.Account.Forget, s.Throttle.Address.Forget))))
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n, err
}

// LiftSignInLock clears the failed sign-ins counted for a user's account,
// so that a user locked out by them (or by someone guessing) signs in at
// once. Administrators only; audited.
func (s *DB) LiftSignInLock(ctx context.Context, a ercms.Actor, userID string) error {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return ercms.Fail(ercms.EForbidden, "err.user.admin_only")
	}
	return s.tx(ctx, func(tx *Tx) error {
		var username string
		err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE id = $1`, userID).Scan(&username)
		if errors.Is(err, sql.ErrNoRows) {
			return ercms.Fail(ercms.ENotFound, "err.user.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_counters WHERE key IN ($1, $2)`, accountKey(username), codesKey(username)); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "user.unlock", objectType: "user", objectID: userID})
	})
}

// SignInLocks returns the accounts held back now by failed sign-ins, by
// user id, with the time each may try again (administration shows them,
// with the way to lift them). Administrators only.
func (s *DB) SignInLocks(ctx context.Context, a ercms.Actor) (map[string]time.Time, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.user.admin_only")
	}
	lim, now := s.Throttle.Account, s.Now()
	rows, err := s.rdb.QueryContext(ctx, `SELECT key, failures, last_at FROM signin_counters
		WHERE key LIKE 'account:%' AND failures >= $1 AND last_at >= $2`, lim.Free, formatTime(now.Add(-lim.Forget)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	until := map[string]time.Time{}
	for rows.Next() {
		var key, last string
		var failures int
		if err := rows.Scan(&key, &failures, &last); err != nil {
			return nil, err
		}
		lastAt, err := parseTime(last)
		if err != nil {
			return nil, err
		}
		key = strings.TrimSuffix(key, ":codes") // wrong codes lock the account too
		if t := lastAt.Add(lim.wait(failures)); now.Before(t) && t.After(until[key]) {
			until[key] = t
		}
	}
	if err := rows.Err(); err != nil || len(until) == 0 {
		return nil, err
	}
	users, err := s.rdb.QueryContext(ctx, `SELECT id, username FROM users`)
	if err != nil {
		return nil, err
	}
	defer users.Close()
	locks := map[string]time.Time{}
	for users.Next() {
		var id, username string
		if err := users.Scan(&id, &username); err != nil {
			return nil, err
		}
		if t, ok := until[accountKey(username)]; ok {
			locks[id] = t
		}
	}
	return locks, users.Err()
}
