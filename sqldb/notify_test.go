package sqldb_test

import (
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// notesOf returns a's notifications of case id as the list shows them.
func notesOf(t *testing.T, db *sqldb.DB, a ercms.Actor, id string) (notes []ercms.Notification, unread int) {
	t.Helper()
	all, unread, err := db.Notifications(ctx, a, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range all {
		if n.CaseID == id {
			notes = append(notes, n)
		}
	}
	return notes, unread
}

// TestNotificationsOnePerCaseAndKind: three messages in one case leave one
// unread message notification, not three; a deadline warning names which
// deadline and its date, and the missed deadline replaces the warning.
func TestNotificationsOnePerCaseAndKind(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, civreg := act["de.officer"], act["sms.officer"], act["civil.registry.officer"]
		c := submittedCase(t, db, de, "DE-PILE-1")
		other := submittedCase(t, db, de, "DE-PILE-2")
		for i, body := range []string{"First.", "Second.", "Third."} {
			clock.Advance(time.Minute)
			if _, err := db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Body: body}); err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
		}
		if _, err := db.SendMessage(ctx, de, other.ID, ercms.NewMessage{Body: "Another case."}); err != nil {
			t.Fatal(err)
		}
		notes, unread := notesOf(t, db, sms, c.ID)
		if len(notes) != 1 || notes[0].Kind != ercms.NotifyMessage || notes[0].ReadAt != nil {
			t.Fatalf("central authority's notifications of the case: %+v", notes)
		}
		if unread != 2 { // one per case
			t.Errorf("unread = %d, want 2 (one message notification per case)", unread)
		}
		if n, err := db.UnreadNotifications(ctx, sms); err != nil || n != unread {
			t.Errorf("menu count %d (%v), the list says %d", n, err, unread)
		}
		// The notification names who the case is about, for a reader of the case.
		if p := c.Application.Person; notes[0].Reference != c.Reference || notes[0].Surname != p.Surname || p.Surname == "" {
			t.Errorf("notification names %q %q, want %q %q", notes[0].Reference, notes[0].Surname, c.Reference, p.Surname)
		}
		// A notification read stays in the list; the next message is a new one.
		if err := db.MarkNotificationsRead(ctx, sms, c.ID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if _, err := db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Body: "Fourth."}); err != nil {
			t.Fatal(err)
		}
		notes, unread = notesOf(t, db, sms, c.ID)
		if len(notes) != 2 || notes[0].ReadAt != nil || notes[1].ReadAt == nil || unread != 2 {
			t.Errorf("after reading and one more message: %+v, unread %d", notes, unread)
		}

		// A deadline warning says which deadline and when.
		c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
		c = mustAct(t, db, sms, c, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
			{OrganisationID: civreg.Org.ID, Question: "Confirm the birth record"}}})
		task := c.Tasks[len(c.Tasks)-1]
		var due *ercms.Deadline
		for i := range c.Deadlines {
			if c.Deadlines[i].TaskID == task.ID {
				due = &c.Deadlines[i]
			}
		}
		if due == nil || due.DueOn == nil {
			t.Fatalf("no clock for the task in %+v", c.Deadlines)
		}
		notes, _ = notesOf(t, db, civreg, c.ID)
		if len(notes) != 1 || notes[0].Kind != ercms.NotifyNewTask || notes[0].Detail != ercms.TaskVerification || notes[0].DueOn == nil || *notes[0].DueOn != *due.DueOn {
			t.Fatalf("new task notification %+v, want the verification due on %s", notes, due.DueOn)
		}
		if err := db.MarkNotificationsRead(ctx, civreg, c.ID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(4 * 24 * time.Hour)
		if _, err := db.NotifyDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		notes, unread = notesOf(t, db, civreg, c.ID)
		if len(notes) < 1 || notes[0].Kind != ercms.NotifyDeadlineSoon || notes[0].Detail != ercms.ClockVerificationTask ||
			notes[0].DueOn == nil || *notes[0].DueOn != *due.DueOn || unread != 1 {
			t.Fatalf("deadline warning %+v (unread %d), want the verification task due on %s", notes, unread, due.DueOn)
		}
		clock.Advance(10 * 24 * time.Hour)
		for range 2 {
			if _, err := db.NotifyDeadlines(ctx); err != nil {
				t.Fatal(err)
			}
		}
		notes, unread = notesOf(t, db, civreg, c.ID)
		if unread != 1 || notes[0].Kind != ercms.NotifyDeadlineMissed || notes[0].Detail != ercms.ClockVerificationTask {
			t.Errorf("after the deadline passed: %+v, unread %d; want one notice that it was missed", notes, unread)
		}
		for _, n := range notes {
			if n.Kind == ercms.NotifyDeadlineSoon {
				t.Errorf("the warning stays beside the missed deadline: %+v", notes)
			}
		}
		if n, err := db.NotifyDeadlines(ctx); err != nil || n != 0 {
			t.Errorf("a further run wrote %d notifications: %v", n, err)
		}
	})
}

// TestSignOffNotice: a proposal under four eyes tells the central
// authority's supervisors, not the officer who proposed, with the reply's
// due date; the notice is read once the proposal is signed off.
func TestSignOffNotice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup := act["de.officer"], act["sms.officer"], act["sms.supervisor"]
		c := mustAct(t, db, sms, submittedCase(t, db, de, "DE-SIGN-1"), ercms.ActRegister, ercms.ActionInput{})
		if notes, _ := notesOf(t, db, sup, c.ID); len(notes) != 0 {
			t.Fatalf("the supervisor was told before any proposal: %+v", notes)
		}
		c = mustAct(t, db, sms, c, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		if c.Status != ercms.StatePendingSignOff {
			t.Fatalf("status %s, want pending sign-off", c.Status)
		}
		reply := c.Deadline(ercms.ClockReply)
		notes, unread := notesOf(t, db, sup, c.ID)
		if len(notes) != 1 || notes[0].Kind != ercms.NotifySignOff || notes[0].Detail != "approve" || unread != 1 ||
			notes[0].DueOn == nil || reply == nil || *notes[0].DueOn != *reply.DueOn {
			t.Fatalf("supervisor's notifications %+v (unread %d), want a sign-off of the approval due %v", notes, unread, reply)
		}
		for _, n := range func() []ercms.Notification { n, _ := notesOf(t, db, sms, c.ID); return n }() {
			if n.Kind == ercms.NotifySignOff {
				t.Errorf("the proposing officer was told to sign off: %+v", n)
			}
		}
		// Returned and proposed again: still one notice, now of the refusal.
		c = mustAct(t, db, sup, c, ercms.ActReturnProposal, ercms.ActionInput{Comment: "Check the birth record first."})
		if _, unread := notesOf(t, db, sup, c.ID); unread != 0 {
			t.Errorf("a returned proposal still awaits sign-off: %d unread", unread)
		}
		clock.Advance(time.Hour)
		c = mustAct(t, db, sms, c, ercms.ActRefuse, ercms.ActionInput{Reasons: db.RefusalCodes()[:1], Text: "No evidence of nationality."})
		notes, unread = notesOf(t, db, sup, c.ID)
		if unread != 1 || notes[0].Kind != ercms.NotifySignOff || notes[0].Detail != "refuse" || notes[0].ReadAt != nil {
			t.Fatalf("after the refusal was proposed: %+v, unread %d", notes, unread)
		}
		mustAct(t, db, sup, c, ercms.ActSignOff, ercms.ActionInput{})
		if _, unread := notesOf(t, db, sup, c.ID); unread != 0 {
			t.Errorf("%d unread after the sign-off", unread)
		}
	})
}

// TestOpeningCaseClearsItsNotifications: marking one case's notifications
// read (as opening the case does) leaves the other cases' unread and the
// menu's count follows.
func TestOpeningCaseClearsItsNotifications(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms := act["de.officer"], act["sms.officer"]
		a := submittedCase(t, db, de, "DE-OPEN-1")
		b := submittedCase(t, db, de, "DE-OPEN-2")
		for _, c := range []*ercms.Case{a, b, a} {
			clock.Advance(time.Minute)
			if _, err := db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Body: "Please note."}); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := db.UnreadNotifications(ctx, sms)
		if err := db.MarkNotificationsRead(ctx, sms, a.ID); err != nil {
			t.Fatal(err)
		}
		after, _ := db.UnreadNotifications(ctx, sms)
		if before != 2 || after != 1 {
			t.Errorf("unread %d before opening the case, %d after; want 2 and 1", before, after)
		}
		if _, unread := notesOf(t, db, sms, b.ID); unread != 1 {
			t.Errorf("the other case's notification was cleared too")
		}
	})
}

// TestNotifyProposalReturned: the officer who proposed a decision is told
// once when the supervisor returns it, naming the case and which outcome
// was proposed; a second return of the case replaces the older unread
// notice (one per case and kind), and opening the case clears it. Nobody
// else is told.
func TestNotifyProposalReturned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup := act["de.officer"], act["sms.officer"], act["sms.supervisor"]
		c := mustAct(t, db, sms, submittedCase(t, db, de, "DE-BACK-1"), ercms.ActRegister, ercms.ActionInput{})
		returned := func(n []ercms.Notification) []ercms.Notification {
			var out []ercms.Notification
			for _, x := range n {
				if x.Kind == ercms.NotifyProposalReturned && x.ReadAt == nil {
					out = append(out, x)
				}
			}
			return out
		}
		c = mustAct(t, db, sms, c, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		if n, _ := notesOf(t, db, sms, c.ID); len(returned(n)) != 0 {
			t.Fatalf("told of a return before it: %+v", n)
		}
		c = mustAct(t, db, sup, c, ercms.ActReturnProposal, ercms.ActionInput{Comment: "Check the birth record first."})
		n, _ := notesOf(t, db, sms, c.ID)
		if r := returned(n); len(r) != 1 || r[0].Detail != "approve" || r[0].Reference != c.Reference {
			t.Fatalf("the proposing officer's notices %+v, want one return of the approval of %s", n, c.Reference)
		}
		for _, who := range []string{"sms.supervisor", "de.officer"} {
			if n, _ := notesOf(t, db, act[who], c.ID); len(returned(n)) != 0 {
				t.Errorf("%s was told of the return: %+v", who, n)
			}
		}
		clock.Advance(time.Hour)
		c = mustAct(t, db, sms, c, ercms.ActRefuse, ercms.ActionInput{Reasons: db.RefusalCodes()[:1], Text: "No evidence of nationality."})
		c = mustAct(t, db, sup, c, ercms.ActReturnProposal, ercms.ActionInput{Comment: "Give the reasons in full."})
		n, _ = notesOf(t, db, sms, c.ID)
		if r := returned(n); len(r) != 1 || r[0].Detail != "refuse" {
			t.Fatalf("after the second return: %+v, want one unread return of the refusal", n)
		}
		if err := db.MarkNotificationsRead(ctx, sms, c.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := notesOf(t, db, sms, c.ID); len(returned(n)) != 0 {
			t.Errorf("opening the case left the return unread: %+v", n)
		}
	})
}
