package sqldb

import (
	"context"
	"testing"
	"time"

	"github.com/ercms/ercms"
)

// TestHashGate checks that no more derivations run at once than the gate
// has slots, that a bounded number wait, and that one more is refused at
// once as EThrottled instead of queueing without end.
func TestHashGate(t *testing.T) {
	g := &hashGate{slots: make(chan struct{}, 2), queue: 1}
	ctx := context.Background()
	leave1, err1 := g.enter(ctx)
	leave2, err2 := g.enter(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	entered := make(chan error)
	go func() {
		leave, err := g.enter(ctx) // waits for a slot
		if err == nil {
			leave()
		}
		entered <- err
	}()
	for g.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := g.enter(ctx); ercms.ErrorCode(err) != ercms.EThrottled {
		t.Fatalf("a third waiter: %v, want EThrottled", err)
	}
	select {
	case err := <-entered:
		t.Fatalf("the waiter entered while both slots were taken: %v", err)
	default:
	}
	leave1()
	if err := <-entered; err != nil {
		t.Fatal(err)
	}
	leave2()
	cancelled, cancel := context.WithCancel(ctx)
	l1, _ := g.enter(ctx)
	l2, _ := g.enter(ctx)
	cancel()
	if _, err := g.enter(cancelled); err == nil {
		t.Fatal("a cancelled wait entered")
	}
	l1()
	l2()
}
