package sqldb

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/ercms/ercms"
)

// hashGate bounds the password derivations running at once: each argon2id
// derivation takes DefaultArgon.Memory (64 MiB), so that a flood of
// sign-ins would otherwise take the server's memory with it. At most
// cap(slots) derive at once, at most queue more wait for a slot; an
// attempt beyond them is refused at once as EThrottled (err.signin.busy).
type hashGate struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
}

// newHashGate lets as many derivations run as the process has cores, and
// queue times as many wait.
func newHashGate(queuePerCore int) *hashGate {
	n := runtime.GOMAXPROCS(0)
	return &hashGate{slots: make(chan struct{}, n), queue: int64(n * queuePerCore)}
}

// enter waits for a slot and returns the function that gives it back.
func (g *hashGate) enter(ctx context.Context) (func(), error) {
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		return nil, busy()
	}
	defer g.waiting.Add(-1)
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// leave gives the slot back. It first collects the garbage, so that the
// memory of the derivation just made is reused by the next instead of the
// heap growing to twice the derivations in flight before the collector
// runs (GOGC): with it, the memory a flood can take stays near the slots'
// derivations; a collection costs far less than a derivation.
func (g *hashGate) leave() {
	runtime.GC()
	<-g.slots
}

// busy is the answer to a password check the server has no room for now.
func busy() error {
	return &Throttled{Err: ercms.Fail(ercms.EThrottled, "err.signin.busy"), Wait: time.Second}
}

// hashPassword derives the stored hash of a new password in a slot of the gate.
func (s *DB) hashPassword(ctx context.Context, password string) (string, error) {
	leave, err := s.hashing.enter(ctx)
	if err != nil {
		return "", err
	}
	defer leave()
	return s.Argon.hash(password), nil
}

// newPasswordHash checks a password chosen for the user userID against
// the password rule (refusePassword) and derives its stored hash.
func (s *DB) newPasswordHash(ctx context.Context, userID, password string) (string, error) {
	if err := s.refusePassword(ctx, userID, password); err != nil {
		return "", err
	}
	return s.hashPassword(ctx, password)
}

// checkAttempt checks password against an encoded hash for attempt at,
// in a slot of the gate and under the throttle (admit). With no hash (no
// such account, or a service account) it derives a key all the same, so
// that the time taken does not tell.
func (s *DB) checkAttempt(ctx context.Context, at *attempt, encoded, password string) (bool, error) {
	leave, err := s.hashing.enter(ctx)
	if err != nil {
		return false, err
	}
	defer leave()
	if err := s.admit(ctx, at); err != nil {
		return false, err
	}
	if encoded == "" {
		_ = s.Argon.hash(password)
		return false, nil
	}
	return checkPassword(encoded, password), nil
}
