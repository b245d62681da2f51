package sqldb_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// accelerated is an application under the accelerated procedure, whose
// reply is due in two Azerbaijani working days.
func accelerated(ref string) ercms.NewCase {
	n := application(ref)
	n.Procedure = ercms.ProcedureAccelerated
	apprehended := civil.MustParse("2026-03-01")
	n.ApprehendedOn = &apprehended
	return n
}

// withDayOff returns the AZ calendar year of d with d added as a non-working day.
func withDayOff(t *testing.T, db *sqldb.DB, d civil.Date, name string) deadline.Year {
	t.Helper()
	for _, y := range db.Rules().Calendars().Years("AZ") {
		if y.Year == d.Year {
			y.NonWorking = append(y.NonWorking, deadline.Day{Date: d, Name: name})
			return y
		}
	}
	t.Fatalf("no AZ calendar for %d", d.Year)
	return deadline.Year{}
}

func dueOn(t *testing.T, d *ercms.Deadline) string {
	t.Helper()
	if d == nil || d.DueOn == nil {
		t.Fatalf("no due date: %+v", d)
	}
	return d.DueOn.String()
}

// taskClock returns the clock of a case's task.
func taskClock(c *ercms.Case, taskID string) *ercms.Deadline {
	for i, d := range c.Deadlines {
		if d.TaskID == taskID {
			return &c.Deadlines[i]
		}
	}
	return nil
}

// TestNewHolidayMovesRunningClocks adds a day off to the Azerbaijani
// calendar: running working-day clocks move, say so in the timeline, and the
// store keeps the new calendar across a restart.
func TestNewHolidayMovesRunningClocks(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			url := testdb.URL(t, e)
			open := func() *sqldb.DB {
				db, err := sqldb.Open(context.Background(), sqldb.Options{URL: url})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				db.Argon = testdb.FastArgon
				return db
			}
			db := open()
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			db.Now = clock.Now
			act := seed(t, db)
			de, sms, admin := act["de.officer"], act["sms.officer"], act["admin"]

			// Submitted Monday 2 March 2026: two working days, Tuesday and Wednesday.
			acc := mustAct(t, db, de, createCase(t, db, de, accelerated("DE-acc")), ercms.ActSubmit, ercms.ActionInput{})
			if got := dueOn(t, acc.Deadline(ercms.ClockReplyAccelerated)); got != "2026-03-04" {
				t.Fatalf("accelerated reply due %s, want 2026-03-04", got)
			}
			// A verification task sent on 2 March: five working days, 9 March being a day off.
			ver := mustAct(t, db, sms, submittedCase(t, db, de, "DE-ver"), ercms.ActRegister, ercms.ActionInput{})
			ver = mustAct(t, db, sms, ver, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
				{OrganisationID: act["civil.registry.officer"].Org.ID, Question: "Verify"}}})
			if got := dueOn(t, taskClock(ver, ver.Tasks[0].ID)); got != "2026-03-10" {
				t.Fatalf("task due %s, want 2026-03-10", got)
			}
			// Calendar days do not move; drafts and decided cases have no running clock.
			normal := submittedCase(t, db, de, "DE-normal")
			draft := createCase(t, db, de, application("DE-draft"))
			before := map[string]string{normal.ID: caseState(t, db, normal.ID), draft.ID: caseState(t, db, draft.ID)}

			y := withDayOff(t, db, civil.MustParse("2026-03-03"), "Election day (test)")
			_, err := db.SetCalendarYear(ctx, sms, y)
			wantCode(t, err, ercms.EForbidden, "a CA officer edits the calendar")
			bad := y
			bad.NonWorking = append(slices.Clone(bad.NonWorking), deadline.Day{Date: civil.MustParse("2027-01-05"), Name: "outside the year"})
			_, err = db.SetCalendarYear(ctx, admin, bad)
			wantCode(t, err, ercms.EInvalid, "a day outside the year")
			if got := dueOn(t, readCase(t, db, acc.ID).Deadline(ercms.ClockReplyAccelerated)); got != "2026-03-04" {
				t.Fatalf("a refused calendar moved the clock to %s", got)
			}

			clock.Advance(day) // Tuesday 3 March, the new day off.
			var moved int
			evs := newAudit(t, db, func() {
				if _, err = db.SetCalendarYear(ctx, admin, y); err != nil {
					t.Fatal(err)
				}
				moved = recomputeAll(t, db).Moved
			})
			if moved != 2 {
				t.Errorf("%d cases moved, want 2", moved)
			}
			var actions []string
			for _, e := range evs {
				actions = append(actions, e.Action+":"+e.ObjectID)
			}
			slices.Sort(actions)
			if want := []string{"calendar.update:AZ-2026", "case.deadline_recomputed:" + acc.ID, "case.deadline_recomputed:" + ver.ID}; !slices.Equal(actions, want) {
				t.Errorf("audit %v, want %v", actions, want)
			}

			check := func(db *sqldb.DB, id, kind, taskID, from, to string, version int) {
				t.Helper()
				c := readCase(t, db, id)
				var d *ercms.Deadline
				if taskID == "" {
					d = c.Deadline(kind)
				} else {
					d = taskClock(c, taskID)
				}
				if got := dueOn(t, d); got != to {
					t.Errorf("%s due %s, want %s", kind, got, to)
				}
				if c.Version != version {
					t.Errorf("%s: version %d, want %d", kind, c.Version, version)
				}
				last := c.Timeline[len(c.Timeline)-1]
				if last.Action != "deadline_recomputed" || last.Actor != "system" || !last.At.Equal(clock.Now()) ||
					last.NoteKey != "note.due_moved" || last.NoteArgs["clock"] != kind || last.NoteArgs["from_date"] != from || last.NoteArgs["date"] != to {
					t.Errorf("timeline ends with %+v", last)
				}
				// The index rows moved with the case.
				var due, next string
				if err := db.SQL().QueryRowContext(ctx, `SELECT d.due_on, c.next_due_on FROM case_deadlines d JOIN cases c ON c.id = d.case_id
					WHERE d.case_id = $1 AND d.kind = $2 AND d.task_id = $3`, id, kind, taskID).Scan(&due, &next); err != nil {
					t.Fatal(err)
				}
				if due != to || next != c.NextDeadline().DueOn.String() {
					t.Errorf("%s: case_deadlines.due_on %s, next_due_on %s, want %s", kind, due, next, to)
				}
			}
			check(db, acc.ID, ercms.ClockReplyAccelerated, "", "2026-03-04", "2026-03-05", acc.Version+1)
			check(db, ver.ID, ercms.ClockVerificationTask, ver.Tasks[0].ID, "2026-03-10", "2026-03-11", ver.Version+1)
			for id, s := range before {
				if caseState(t, db, id) != s {
					t.Errorf("case %s changed", id)
				}
			}
			if got := readCase(t, db, ver.ID).Tasks[0].DueOn; got == nil || got.String() != "2026-03-11" {
				t.Errorf("the task's own due_on is %v while its clock moved to 2026-03-11", got)
			}

			// Setting the same year again moves nothing.
			if _, err := db.SetCalendarYear(ctx, admin, y); err != nil {
				t.Fatal(err)
			}
			if moved := recomputeAll(t, db).Moved; moved != 0 {
				t.Errorf("the same calendar again: %d moved", moved)
			}
			// New clocks count the new day off, and so does a restarted store.
			acc2 := mustAct(t, db, de, createCase(t, db, de, accelerated("DE-acc2")), ercms.ActSubmit, ercms.ActionInput{})
			if got := dueOn(t, acc2.Deadline(ercms.ClockReplyAccelerated)); got != "2026-03-05" {
				t.Errorf("a clock started on the new day off is due %s, want 2026-03-05", got)
			}
			db2 := open()
			if info := db2.Rules().Calendars().Day("AZ", civil.MustParse("2026-03-03")); !info.Known || info.Working || info.Name != "Election day (test)" {
				t.Errorf("after a restart 3 March is %+v", info)
			}
		})
	}
}

// recomputeAll runs the recomputation a calendar edit started to its end.
func recomputeAll(t *testing.T, db *sqldb.DB) sqldb.Recomputation {
	t.Helper()
	r, err := db.RecomputeAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestConcurrentCalendarEdits edits two years at once: both edits are kept,
// in the database and in the calendars the store computes with.
func TestConcurrentCalendarEdits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		days := []civil.Date{civil.MustParse("2026-03-03"), civil.MustParse("2027-03-03")}
		for round := range 3 {
			var wg sync.WaitGroup
			for i, d := range days {
				d = d.AddDays(round)
				y := withDayOff(t, db, d, "concurrent edit")
				wg.Go(func() {
					if _, err := db.SetCalendarYear(ctx, act["admin"], y); err != nil {
						t.Errorf("edit %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			for _, d := range days {
				d = d.AddDays(round)
				if info := db.Rules().Calendars().Day("AZ", d); !info.Known || info.Working {
					t.Fatalf("round %d: %s is %+v in the store's calendars", round, d, info)
				}
			}
		}
	})
}
