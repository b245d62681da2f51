package sqldb_test

import (
	"bytes"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// bakuTime is a wall-clock time in Baku (UTC+4, no summer time).
func bakuTime(s string) time.Time {
	loc, err := time.LoadLocation("Asia/Baku")
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// runTimed runs the timed actions and checks what they did; a second run
// straight after must do nothing and write nothing.
func runTimed(t *testing.T, db *sqldb.DB, want map[string]int) {
	t.Helper()
	rep, err := db.RunTimedActions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(rep.Applied, want) || rep.Flagged != 0 {
		t.Fatalf("timed actions: %+v, want %v", rep, want)
	}
	before := count(t, db, `SELECT COUNT(*) FROM audit_events`)
	events := count(t, db, `SELECT COUNT(*) FROM case_events`)
	rep, err = db.RunTimedActions(ctx)
	if err != nil || len(rep.Applied) != 0 || rep.Flagged != 0 {
		t.Fatalf("second run: %+v, %v", rep, err)
	}
	if count(t, db, `SELECT COUNT(*) FROM audit_events`) != before || count(t, db, `SELECT COUNT(*) FROM case_events`) != events {
		t.Fatal("the second run wrote")
	}
}

// TestDeemedApproval lets the reply time run out: the case is deemed
// approved on the first day after the due date in Baku, not before, says
// why, and is transmitted; later the scheduler closes a handed-over case and
// expires unused approvals.
func TestDeemedApproval(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup := act["de.officer"], act["sms.officer"], act["sms.supervisor"]

		waiting := submittedCase(t, db, de, "DE-waiting") // nobody answers
		pending := mustAct(t, db, sms, submittedCase(t, db, de, "DE-pending"), ercms.ActRegister, ercms.ActionInput{})
		pending = mustAct(t, db, sms, pending, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}}) // nobody signs off
		decided := mustAct(t, db, sms, submittedCase(t, db, de, "DE-decided"), ercms.ActRegister, ercms.ActionInput{})
		decided = mustAct(t, db, sms, decided, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		decided = mustAct(t, db, sup, decided, ercms.ActSignOff, ercms.ActionInput{})
		handed := createCase(t, db, de, noApplication("DE-handed", baku(clock)))
		handed = mustAct(t, db, de, handed, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &ercms.Transfer{
			Date: baku(clock), CrossingPoint: "GYD", Escorts: 1}})
		handed = mustAct(t, db, sms, handed, ercms.ActConfirmTransfer, ercms.ActionInput{})
		handed = mustAct(t, db, act["border.officer"], handed, ercms.ActRecordHandover, ercms.ActionInput{Handover: &ercms.Handover{
			At: clock.Now(), Officer: "Fərid Nəsirov", Persons: 1}})
		if got := dueOn(t, waiting.Deadline(ercms.ClockReply)); got != "2026-03-17" {
			t.Fatalf("reply due %s", got)
		}
		runTimed(t, db, map[string]int{})

		// The last evening of the reply time in Baku: already 18 March in
		// the earliest time zones, not yet in Azerbaijan.
		clock.Set(bakuTime("2026-03-17 23:30"))
		runTimed(t, db, map[string]int{})
		if c := readCase(t, db, waiting.ID); c.Status != ercms.StateSubmitted || c.Version != waiting.Version {
			t.Fatalf("deemed approved on the due date: %s v%d", c.Status, c.Version)
		}

		// Half an hour later the reply time has passed (while it is still 17 March in UTC).
		clock.Set(bakuTime("2026-03-18 00:00"))
		var evs []sqldb.AuditEvent
		evs = newAudit(t, db, func() { runTimed(t, db, map[string]int{ercms.ActDeemApproved: 2}) })
		for _, id := range []string{waiting.ID, pending.ID} {
			c := readCase(t, db, id)
			if c.Status != ercms.StateDeemedApproved || c.Decision == nil || c.Decision.Outcome != "deemed_approval" {
				t.Fatalf("%s: %s %+v", c.RequestingReference, c.Status, c.Decision)
			}
			last := c.Timeline[len(c.Timeline)-1]
			if last.Action != ercms.ActDeemApproved || last.Actor != "system" || last.NoteKey != "note.deemed_approved" || last.NoteArgs["date"] != "2026-03-17" {
				t.Errorf("%s: the timeline says %+v", c.RequestingReference, last)
			}
			if d := c.Deadline(ercms.ClockReply); d.Status != ercms.DeadlineMissed {
				t.Errorf("reply clock %+v", d)
			}
			if d := c.Deadline(ercms.ClockTransferWindow); d == nil || d.Status != ercms.DeadlineRunning {
				t.Errorf("transfer window %+v", d)
			}
			found := false
			for _, e := range evs {
				if e.ObjectID == id {
					found = true
					if e.Action != "case.deem_approved" || e.Actor != "system" || e.Recipient != "DE" || e.PartyState != "DE" {
						t.Errorf("audit %+v", e)
					}
				}
			}
			if !found {
				t.Errorf("%s: no audit event", c.RequestingReference)
			}
		}
		if c := readCase(t, db, decided.ID); c.Status != ercms.StateApproved || c.Version != decided.Version {
			t.Errorf("a decided case was touched: %s v%d", c.Status, c.Version)
		}
		// The requesting state sees the deemed approval in its export.
		out, err := db.Transmissions(ctx, de, bakuTime("2026-03-17 00:00"), clock.Now().Add(time.Hour))
		if err != nil || len(out) != 2 || out[0].Action != "case.deem_approved" {
			t.Errorf("export: %v %+v", err, out)
		}

		// 30 days after the handover the case closes.
		clock.Set(bakuTime("2026-04-02 09:00"))
		runTimed(t, db, map[string]int{ercms.ActClose: 1})
		if c := readCase(t, db, handed.ID); c.Status != ercms.StateClosed || c.Timeline[len(c.Timeline)-1].Actor != "system" {
			t.Errorf("after handover: %s", c.Status)
		}
		// Three months after the approvals, those not used expire.
		clock.Set(bakuTime("2026-06-19 09:00"))
		runTimed(t, db, map[string]int{ercms.ActExpire: 3})
		for _, id := range []string{waiting.ID, pending.ID, decided.ID} {
			if c := readCase(t, db, id); c.Status != ercms.StateExpired {
				t.Errorf("%s: %s", c.RequestingReference, c.Status)
			}
		}
	})
}

// TestOverdueWithoutDeemedApproval runs a deployment whose profile has no
// deemed approval (Côte d'Ivoire): the case is flagged overdue once.
func TestOverdueWithoutDeemedApproval(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			db, clock := openCountry(t, e, "CI")
			act := seed(t, db)
			c := submittedCase(t, db, act["fr.officer"], "FR-1")
			if c.RequestedState != "CI" {
				t.Fatalf("requested state %s", c.RequestedState)
			}
			due := c.Deadline(ercms.ClockReply).DueOn
			clock.Set(due.Time().Add(36 * time.Hour))
			rep, err := db.RunTimedActions(ctx)
			if err != nil || rep.Flagged != 1 || len(rep.Applied) != 0 {
				t.Fatalf("timed actions: %+v, %v", rep, err)
			}
			got := readCase(t, db, c.ID)
			last := got.Timeline[len(got.Timeline)-1]
			if got.Status != ercms.StateSubmitted || !got.HasWarning(ercms.WarnOverdue) || got.Version != c.Version+1 ||
				last.Action != "reply_overdue" || last.NoteArgs["date"] != due.String() {
				t.Fatalf("flagged case: %s %v v%d %+v", got.Status, got.Warnings, got.Version, last)
			}
			for range 2 {
				if rep, err := db.RunTimedActions(ctx); err != nil || rep.Flagged != 0 || len(rep.Applied) != 0 {
					t.Fatalf("again: %+v, %v", rep, err)
				}
			}
			if v := readCase(t, db, c.ID).Version; v != got.Version {
				t.Errorf("flagged twice: version %d", v)
			}
		})
	}
}

// TestSchedulerSkipsABrokenCase breaks one case due for deemed approval
// (its stored record cut short through raw SQL): the scheduler still deems
// approved, closes and expires the others, reports the broken case, and
// logs it by id without personal data.
func TestSchedulerSkipsABrokenCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		var logBuf bytes.Buffer
		db.Log = slog.New(slog.NewTextHandler(&logBuf, nil))
		act := seed(t, db)
		de, sms, sup := act["de.officer"], act["sms.officer"], act["sms.supervisor"]

		broken := submittedCase(t, db, de, "DE-broken") // its reply time runs out with the others'
		waiting := submittedCase(t, db, de, "DE-waiting")
		decided := mustAct(t, db, sms, submittedCase(t, db, de, "DE-decided"), ercms.ActRegister, ercms.ActionInput{})
		decided = mustAct(t, db, sms, decided, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		decided = mustAct(t, db, sup, decided, ercms.ActSignOff, ercms.ActionInput{})
		handed := createCase(t, db, de, noApplication("DE-handed", baku(clock)))
		handed = mustAct(t, db, de, handed, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &ercms.Transfer{
			Date: baku(clock), CrossingPoint: "GYD", Escorts: 1}})
		handed = mustAct(t, db, sms, handed, ercms.ActConfirmTransfer, ercms.ActionInput{})
		mustAct(t, db, act["border.officer"], handed, ercms.ActRecordHandover, ercms.ActionInput{Handover: &ercms.Handover{
			At: clock.Now(), Officer: "Fərid Nəsirov", Persons: 1}})
		if _, err := db.SQL().ExecContext(ctx, `UPDATE cases SET data = substr(data, 1, 60) WHERE id = $1`, broken.ID); err != nil {
			t.Fatal(err)
		}

		run := func(want map[string]int) {
			t.Helper()
			rep, err := db.RunTimedActions(ctx)
			if err != nil {
				t.Fatalf("the scheduler stopped: %v", err)
			}
			if !maps.Equal(rep.Applied, want) || rep.Failed != 1 || len(rep.FailedCases) != 1 || rep.FailedCases[0] != broken.ID {
				t.Fatalf("timed actions: %+v, want %v and the broken case", rep, want)
			}
		}
		// 2 April: the reply time has passed, and 30 days since the handover.
		clock.Set(bakuTime("2026-04-02 09:00"))
		run(map[string]int{ercms.ActDeemApproved: 1, ercms.ActClose: 1})
		if c := readCase(t, db, waiting.ID); c.Status != ercms.StateDeemedApproved {
			t.Errorf("the waiting case is %s", c.Status)
		}
		if c := readCase(t, db, handed.ID); c.Status != ercms.StateClosed {
			t.Errorf("the handed-over case is %s", c.Status)
		}
		// 19 June: the approval of 2 March has expired.
		clock.Set(bakuTime("2026-06-19 09:00"))
		run(map[string]int{ercms.ActExpire: 1})
		if c := readCase(t, db, decided.ID); c.Status != ercms.StateExpired {
			t.Errorf("the approved case is %s", c.Status)
		}
		log := logBuf.String()
		if !strings.Contains(log, "case="+broken.ID) || !strings.Contains(log, "action="+ercms.ActDeemApproved) {
			t.Errorf("the log does not name the broken case:\n%s", log)
		}
		for _, personal := range []string{"Məmmədov", "Мамедов", "C01234567", "DE-broken"} {
			if strings.Contains(log, personal) {
				t.Errorf("the log holds %q:\n%s", personal, log)
			}
		}
	})
}
