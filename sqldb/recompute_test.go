package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// shifted returns the clocks of tpl counting from i%3 days later, computed
// on cals.
func shifted(t *testing.T, tpl *ercms.Case, i int, cals *deadline.Calendars) []ercms.Deadline {
	t.Helper()
	c := &ercms.Case{Deadlines: slices.Clone(tpl.Deadlines)}
	for j := range c.Deadlines {
		c.Deadlines[j].DueOn = nil
		c.Deadlines[j].From = c.Deadlines[j].From.AddDays(i % 3)
	}
	if _, err := c.Recompute(cals); err != nil {
		t.Fatal(err)
	}
	return c.Deadlines
}

// replyOf returns the due date of the accelerated reply clock among ds.
func replyOf(t *testing.T, ds []ercms.Deadline) string {
	t.Helper()
	for _, d := range ds {
		if d.Kind == ercms.ClockReplyAccelerated && d.DueOn != nil {
			return d.DueOn.String()
		}
	}
	t.Fatalf("no accelerated reply clock in %+v", ds)
	return ""
}

// runningCases bulk-loads n accelerated applications submitted like tpl,
// whose reply clocks count from 2, 3 or 4 March 2026 in turn, and returns
// their ids.
func runningCases(t *testing.T, db *sqldb.DB, de ercms.Actor, tpl *ercms.Case, n int) []string {
	t.Helper()
	ns := make([]ercms.NewCase, n)
	for i := range ns {
		ns[i] = accelerated(fmt.Sprintf("DE-BULK-%05d", i))
	}
	cals := db.Rules().Calendars()
	clocks := [3][]ercms.Deadline{shifted(t, tpl, 0, cals), shifted(t, tpl, 1, cals), shifted(t, tpl, 2, cals)}
	start := time.Now()
	ids, err := db.BulkCreateCases(ctx, de, ns, func(i int, c *ercms.Case) {
		c.Status, c.ReceivedOn = tpl.Status, tpl.ReceivedOn
		c.Deadlines = slices.Clone(clocks[i%3])
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d running cases loaded in %v", n, time.Since(start).Round(time.Millisecond))
	return ids
}

// recomputeEvents counts the case.deadline_recomputed audit events by case.
func recomputeEvents(t *testing.T, db *sqldb.DB) map[string]int {
	t.Helper()
	rows, err := db.SQL().QueryContext(ctx, `SELECT object_id, COUNT(*) FROM audit_events WHERE action = 'case.deadline_recomputed' GROUP BY object_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// replyDue reads the accelerated reply clock of every case from the index
// table, with the case's next due date.
func replyDue(t *testing.T, db *sqldb.DB) map[string][2]string {
	t.Helper()
	rows, err := db.SQL().QueryContext(ctx, `SELECT d.case_id, d.due_on, c.next_due_on FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind = $1`,
		ercms.ClockReplyAccelerated)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][2]string{}
	for rows.Next() {
		var id, due, next string
		if err := rows.Scan(&id, &due, &next); err != nil {
			t.Fatal(err)
		}
		out[id] = [2]string{due, next}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// latest returns the latest recomputation.
func latest(t *testing.T, db *sqldb.DB) sqldb.Recomputation {
	t.Helper()
	rs, err := db.Recomputations(ctx, ercms.SystemActor(), 1)
	if err != nil || len(rs) != 1 {
		t.Fatalf("recomputations: %+v, %v", rs, err)
	}
	return rs[0]
}

// TestRecomputeInBatchesAcrossRestart adds a day off while thousands of
// cases have a running working-day clock: the edit returns at once (new
// clocks count the day off straight away), the cases are recomputed in
// batches, the store is closed half-way (and a batch dies mid-way, as in
// a crash), and after a restart the recomputation resumes where it was.
// Every case ends with the dates a full recomputation gives, each case
// whose dates moved says so once, and no case was recomputed twice.
func TestRecomputeInBatchesAcrossRestart(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			url := testdb.URL(t, e)
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			open := opener(t, url, "", clock)
			db := open()
			act := seed(t, db)
			de, admin := act["de.officer"], act["admin"]
			tpl := mustAct(t, db, de, createCase(t, db, de, accelerated("DE-template")), ercms.ActSubmit, ercms.ActionInput{})
			ids := runningCases(t, db, de, tpl, recomputeCases)

			// The reply due dates before the edit, by the day the clock counts from.
			var was [3]string
			for i := range was {
				was[i] = replyOf(t, shifted(t, tpl, i, db.Rules().Calendars()))
			}
			off := civil.MustParse("2026-03-03")
			started := time.Now()
			r, err := db.SetCalendarYear(ctx, admin, withDayOff(t, db, off, "Recompute test"))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("calendar edit over %d running cases saved in %v", r.Total, time.Since(started).Round(time.Millisecond))
			if r.Total != recomputeCases+1 || !r.Running() || r.Done != 0 {
				t.Fatalf("recomputation started: %+v", r)
			}
			if info := db.Rules().Calendars().Day("AZ", off); info.Working {
				t.Fatal("the store does not count the day off at once")
			}
			if n := len(recomputeEvents(t, db)); n != 0 {
				t.Fatalf("the edit recomputed %d cases itself", n)
			}

			// Three batches, then one that dies half-way.
			for i := range 3 {
				r, ok, err := db.RecomputeBatch(ctx, 0)
				if err != nil || !ok || r.Done != (i+1)*sqldb.RecomputeBatchSize {
					t.Fatalf("batch %d: %+v %v %v", i, r, ok, err)
				}
			}
			crash := errors.New("the node died")
			seen := 0
			db.SetRecomputeHook(func(string) error {
				if seen++; seen > sqldb.RecomputeBatchSize/2 {
					return crash
				}
				return nil
			})
			if _, _, err := db.RecomputeBatch(ctx, 0); !errors.Is(err, crash) {
				t.Fatalf("the dying batch: %v", err)
			}
			if p := latest(t, db); p.Done != 3*sqldb.RecomputeBatchSize || !p.Running() || p.Progress() != p.Done || p.Total != r.Total {
				t.Fatalf("progress after the crash: %+v", p)
			}
			if n := len(recomputeEvents(t, db)); n > 3*sqldb.RecomputeBatchSize {
				t.Fatalf("%d cases recomputed, more than three batches hold", n)
			}
			db.Close()

			db = open()
			resumed := time.Now()
			done, err := db.RecomputeAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("recomputation resumed and finished in %v", time.Since(resumed).Round(time.Millisecond))

			// Every case has the dates of a full recomputation on the new calendar.
			cals := db.Rules().Calendars()
			var want [3]string
			var moves [3]bool
			for i := range want {
				want[i] = replyOf(t, shifted(t, tpl, i, cals))
				moves[i] = want[i] != was[i]
			}
			if !moves[0] || moves[2] {
				t.Fatalf("due dates %v before, %v after: the day off should move the first and not the last", was, want)
			}
			old := tpl.Deadline(ercms.ClockReplyAccelerated).DueOn
			got := replyDue(t, db)
			events := recomputeEvents(t, db)
			moved := 0
			for i, id := range ids {
				if g := got[id]; g[0] != want[i%3] || g[1] != want[i%3] {
					t.Fatalf("case %d: due %s (next due %s), a full recomputation gives %s", i, g[0], g[1], want[i%3])
				}
				switch n := events[id]; {
				case moves[i%3] && n != 1, !moves[i%3] && n != 0:
					t.Fatalf("case %d: %d recomputation events", i, n)
				}
				if moves[i%3] {
					moved++
				}
			}
			if g := got[tpl.ID][0]; g == old.String() || events[tpl.ID] != 1 {
				t.Errorf("the template case: due %s, %d events", g, events[tpl.ID])
			}
			moved++ // the template, counting from 2 March
			if done.Done != r.Total || done.Moved != moved || done.Failed != 0 || done.Running() || len(events) != moved {
				t.Errorf("recomputation %+v: want %d done, %d moved (%d cases have events)", done, r.Total, moved, len(events))
			}
			// The case's own record moved with its index rows.
			for _, i := range []int{0, len(ids) - 1} {
				c := readCase(t, db, ids[i])
				if d := c.Deadline(ercms.ClockReplyAccelerated); d.DueOn.String() != want[i%3] {
					t.Errorf("case %d reads due %s, want %s", i, d.DueOn, want[i%3])
				}
			}
			if _, ok, err := db.RecomputeBatch(ctx, 0); ok || err != nil {
				t.Errorf("a batch after the end: %v %v", ok, err)
			}
		})
	}
}

// TestRecomputeOnTwoNodes runs two stores on one database, as two nodes
// behind a load balancer, taking the batches of one recomputation at the
// same time: the second node, opened before the edit, takes the edited
// calendar from the database; every case is recomputed once, and right.
func TestRecomputeOnTwoNodes(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			url := testdb.URL(t, e)
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			var nodes []*sqldb.DB
			for range 2 {
				db, err := sqldb.Open(context.Background(), sqldb.Options{URL: url})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				db.Argon = testdb.FastArgon
				db.Now = clock.Now
				nodes = append(nodes, db)
			}
			db := nodes[0]
			act := seed(t, db)
			de := act["de.officer"]
			tpl := mustAct(t, db, de, createCase(t, db, de, accelerated("DE-template")), ercms.ActSubmit, ercms.ActionInput{})
			const n = 300
			ids := runningCases(t, db, de, tpl, n)
			r, err := db.SetCalendarYear(ctx, act["admin"], withDayOff(t, db, civil.MustParse("2026-03-03"), "Two nodes"))
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			batches := make([]int, len(nodes))
			for i, node := range nodes {
				wg.Go(func() {
					for {
						_, ok, err := node.RecomputeBatch(ctx, 10)
						if err != nil {
							t.Errorf("node %d: %v", i, err)
							return
						}
						if ok {
							batches[i]++
							continue
						}
						if !latest(t, node).Running() {
							return
						}
						time.Sleep(time.Millisecond) // the other node holds the batch
					}
				})
			}
			wg.Wait()
			t.Logf("batches per node: %v", batches)
			cals := nodes[1].Rules().Calendars()
			if info := cals.Day("AZ", civil.MustParse("2026-03-03")); info.Working {
				t.Error("the second node did not take the edited calendar")
			}
			want := [3]string{}
			for i := range want {
				want[i] = replyOf(t, shifted(t, tpl, i, cals))
			}
			got, events := replyDue(t, db), recomputeEvents(t, db)
			for id, k := range events {
				if k != 1 {
					t.Errorf("case %s recomputed %d times", id, k)
				}
			}
			for i, id := range ids {
				if got[id][0] != want[i%3] {
					t.Fatalf("case %d: due %s, want %s", i, got[id][0], want[i%3])
				}
			}
			if p := latest(t, db); p.Done != r.Total || p.Running() || p.Moved != len(events) {
				t.Errorf("recomputation %+v, %d cases with events", p, len(events))
			}
		})
	}
}

// TestProfileVersionRecomputesNothing: a new version of an agreement
// profile applies to applications received from its date, which is after
// today, and a case keeps the version in force on its date of receipt; so
// no running clock can move, and no recomputation starts.
func TestProfileVersionRecomputesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		c := submittedCase(t, db, act["de.officer"], "DE-running")
		p := editable(t, db, "eu-az")
		p.EffectiveFrom = baku(clock).AddDays(2)
		reply := p.Rules["reply"]
		reply.Count = 20
		p.Rules["reply"] = reply
		if _, err := db.AddProfileVersion(ctx, act["admin"], p); err != nil {
			t.Fatal(err)
		}
		if rs, err := db.Recomputations(ctx, act["admin"], 0); err != nil || len(rs) != 0 {
			t.Errorf("recomputations after a profile version: %+v, %v", rs, err)
		}
		if got := readCase(t, db, c.ID); got.Version != c.Version || dueOn(t, got.Deadline(ercms.ClockReply)) != dueOn(t, c.Deadline(ercms.ClockReply)) {
			t.Errorf("the running case changed: v%d, due %v", got.Version, got.Deadline(ercms.ClockReply).DueOn)
		}
		if _, err := db.Recomputations(ctx, act["sms.officer"], 0); ercms.ErrorCode(err) != ercms.EForbidden {
			t.Errorf("a CA officer reads the recomputations: %v", err)
		}
	})
}

// TestRecomputeSkipsABrokenCase: a case that cannot be recomputed (its
// stored record corrupted) is counted and skipped; the others of its batch
// are recomputed.
func TestRecomputeSkipsABrokenCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de := act["de.officer"]
		tpl := mustAct(t, db, de, createCase(t, db, de, accelerated("DE-template")), ercms.ActSubmit, ercms.ActionInput{})
		ids := runningCases(t, db, de, tpl, 30)
		broken := ids[3] // counting from 2 March: the day off would move it
		if _, err := db.SQL().ExecContext(ctx, `UPDATE cases SET data = '{"broken' WHERE id = $1`, broken); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetCalendarYear(ctx, act["admin"], withDayOff(t, db, civil.MustParse("2026-03-03"), "Broken case")); err != nil {
			t.Fatal(err)
		}
		r, err := db.RecomputeAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		events := recomputeEvents(t, db)
		if r.Failed != 1 || r.Done != 31 || r.Moved != 10 || events[broken] != 0 || len(events) != 10 {
			t.Errorf("recomputation %+v; events %v", r, events)
		}
	})
}
