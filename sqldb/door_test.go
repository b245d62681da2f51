package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// otherChanges are the audit names of the changes of a case that are not
// lifecycle actions; each goes through the door too.
var otherChanges = []string{"case.create", "case." + ercms.ChangeAssign, "case." + ercms.ChangeUpdate, "case." + ercms.ActScheduleInterview,
	"case." + ercms.ChangeReplyOverdue, "case." + ercms.ChangeDeadlineRecomputed, "case." + ercms.ActReceiveByEmail,
	ercms.ChangeAttach, ercms.ChangeSendMessage, ercms.ChangeReadMessages,
	"case." + ercms.ChangeAgreementSuspended, "case." + ercms.ChangeSuspensionEnded}

// TestOneDoor walks every lifecycle action (the demo's cases, which take
// every path of the procedure) and every other change of a case, with the
// counting connector logging the Go callers of each write to the case
// tables, and fails on any writer but the door (sqldb/door.go), or on a
// change the walk did not reach.
func TestOneDoor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		writers := db.TraceCaseWrites()
		db.Blobs = &memBlobs{}
		act := seed(t, db)
		if _, err := demo.SeedCases(ctx, db, act, 60, 2026); err != nil {
			t.Fatal(err)
		}
		de, sms, sup, sup2, berlin := act["de.officer"], act["sms.officer"], act["sms.supervisor"], act["sms.supervisor2"], act["mfa.consul.berlin"]
		if sup2.UserID == "" {
			sup2 = sup
		}

		// Draft edit, attachment, submission, messages and their receipts.
		c := createCase(t, db, de, application("DE-DOOR-1"))
		n := application("DE-DOOR-1")
		n.Person.GivenNames = "Elçin Rauf"
		c, err := db.UpdateDraft(ctx, de, c.ID, c.Version, n)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachForm, Name: "form.pdf", Kind: "pdf", MIME: "application/pdf",
			Data: []byte("%PDF-1.4\n%form\n%%EOF\n")}); err != nil {
			t.Fatal(err)
		}
		c = mustAct(t, db, de, readCase(t, db, c.ID), ercms.ActSubmit, ercms.ActionInput{})
		if _, err := db.SendMessage(ctx, sms, c.ID, ercms.NewMessage{Kind: ercms.MessageNote, Body: "Received."}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Messages(ctx, de, c.ID); err != nil {
			t.Fatal(err)
		}

		// Assignment and absence cover.
		if c, err = db.Assign(ctx, sms, c.ID, c.Version, sms.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CoverAbsence(ctx, sup, sms.UserID, sup2.UserID); err != nil {
			t.Fatal(err)
		}
		c = readCase(t, db, c.ID)

		// An interview scheduled by the mission.
		c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
		c = mustAct(t, db, de, c, ercms.ActRequestInterview, ercms.ActionInput{MissionID: berlin.Org.ID, Mode: "video", Language: "az"})
		var iv string
		for _, task := range c.Tasks {
			if task.Kind == ercms.TaskInterview {
				iv = task.ID
			}
		}
		if _, err := db.ScheduleInterview(ctx, berlin, c.ID, c.Version, iv, clock.Now().Add(48*time.Hour), "https://meet.example/az"); err != nil {
			t.Fatal(err)
		}

		// A day off added on the next working day moves the interview's clock.
		off := civil.In(clock.Now(), time.UTC).AddDays(1)
		for off.Time().Weekday() == time.Saturday || off.Time().Weekday() == time.Sunday {
			off = off.AddDays(1)
		}
		if _, err := db.SetCalendarYear(ctx, act["admin"], withDayOff(t, db, off, "Door test")); err != nil {
			t.Fatal(err)
		}
		if r := recomputeAll(t, db); r.Moved == 0 {
			t.Fatalf("the day off moved no clock: %+v", r)
		}

		// An application received by e-mail, with its original.
		mail, err := db.ImportApplication(ctx, sms, act["de.officer"].Org.ID, civil.In(clock.Now(), time.UTC), application("DE-DOOR-MAIL"),
			&sqldb.NewAttachment{Name: "mail.pdf", Kind: "pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4\n%mail\n%%EOF\n")})
		if err != nil {
			t.Fatal(err)
		}
		mustAct(t, db, sms, mail, ercms.ActRecordAcknowledgement, ercms.ActionInput{AcknowledgedOn: mail.ReceivedOn})

		// The actions the demo's walks may leave out: acknowledgement, extension,
		// a returned proposal, consent withdrawal, renewal and postponement.
		c2 := mustAct(t, db, sms, submittedCase(t, db, de, "DE-DOOR-2"), ercms.ActRegister, ercms.ActionInput{})
		today := civil.In(clock.Now(), time.UTC)
		c2 = mustAct(t, db, sup, c2, ercms.ActExtendReply, ercms.ActionInput{Days: 5, Justification: "Records are archived."})
		c2 = mustAct(t, db, sms, c2, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		c2 = mustAct(t, db, sup, c2, ercms.ActReturnProposal, ercms.ActionInput{Comment: "Check the birth record first."})
		c2 = mustAct(t, db, sms, c2, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		c2 = mustAct(t, db, sup, c2, ercms.ActSignOff, ercms.ActionInput{})
		c2 = mustAct(t, db, sms, c2, ercms.ActRequestConsentWithdrawal, ercms.ActionInput{Reason: "New evidence of another nationality."})
		c2 = mustAct(t, db, de, c2, ercms.ActMaintainApplication, ercms.ActionInput{Reason: "The evidence is a forgery."})
		c2 = mustAct(t, db, de, c2, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin.Org.ID})
		c2 = mustAct(t, db, berlin, c2, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-1", ValidUntil: ptr(today.AddDays(20))})
		c2 = mustAct(t, db, berlin, c2, ercms.ActRenewTravelDocument, ercms.ActionInput{ValidUntil: ptr(today.AddDays(30))})
		c2 = mustAct(t, db, de, c2, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &ercms.Transfer{Date: today.AddDays(10), CrossingPoint: "GYD", Escorts: 1}})
		mustAct(t, db, de, c2, ercms.ActPostponeTransfer, ercms.ActionInput{Reason: "The person is ill."})

		// A deemed approval corrected by a supervisor.
		c3 := mustAct(t, db, sms, submittedCase(t, db, de, "DE-DOOR-3"), ercms.ActRegister, ercms.ActionInput{})
		clock.Set(c3.Deadline(ercms.ClockReply).DueOn.Time().Add(36 * time.Hour))
		if _, err := db.RunTimedActions(ctx); err != nil {
			t.Fatal(err)
		}
		mustAct(t, db, sup, readCase(t, db, c3.ID), ercms.ActCorrectDeemedApproval, ercms.ActionInput{Reason: "A holiday was missing from the calendar."})

		// A suspension of the agreement marks the running cases, and its end
		// releases them.
		sp, err := db.SuspendAgreement(ctx, act["admin"], ercms.Suspension{ProfileID: "eu-az", From: baku(clock), Grounds: "security", Note: "Door test."})
		if err != nil {
			t.Fatal(err)
		}
		if marked, _, err := db.ApplySuspensions(ctx); err != nil || marked == 0 {
			t.Fatalf("suspension: %d marked, %v", marked, err)
		}
		if _, err := db.EndSuspension(ctx, act["admin"], sp.ID, baku(clock).AddDays(1)); err != nil {
			t.Fatal(err)
		}
		clock.Set(clock.Now().Add(48 * time.Hour))
		if _, released, err := db.ApplySuspensions(ctx); err != nil || released == 0 {
			t.Fatalf("end of the suspension: %d released, %v", released, err)
		}

		// The overdue flag of a profile without deemed approval.
		ci := overdueDeployment(t, db.Engine())

		seen := map[string]bool{}
		for _, e := range append(auditRows(t, db), ci...) {
			seen[e.Action] = true
		}
		for _, tr := range ercms.Lifecycle {
			if !seen["case."+tr.Action] {
				t.Errorf("the walk never took %s (%s): add it, so that the door test covers it", tr.Action, tr.Type)
			}
		}
		for _, a := range otherChanges {
			if !seen[a] {
				t.Errorf("the walk never made the change %s", a)
			}
		}
		checkDoor(t, writers)
	})
}

// overdueDeployment flags a case overdue in a Côte d'Ivoire deployment
// (no deemed approval) with its writers logged, and returns its audit.
func overdueDeployment(t *testing.T, e sqldb.Engine) []sqldb.AuditEvent {
	t.Helper()
	db, clock := openCountry(t, e, "CI")
	writers := db.TraceCaseWrites()
	act := seed(t, db)
	c := submittedCase(t, db, act["fr.officer"], "FR-DOOR")
	clock.Set(c.Deadline(ercms.ClockReply).DueOn.Time().Add(36 * time.Hour))
	if rep, err := db.RunTimedActions(ctx); err != nil || rep.Flagged != 1 {
		t.Fatalf("timed actions: %+v, %v", rep, err)
	}
	checkDoor(t, writers)
	return auditRows(t, db)
}

// checkDoor fails on a write to the case tables whose callers do not pass
// through the door's one writer, (*Tx).record.
func checkDoor(t *testing.T, w *sqldb.CaseWriters) {
	t.Helper()
	chains := w.Chains()
	if len(chains) == 0 {
		t.Fatal("no write to the case tables was logged: the writer log is off")
	}
	for chain, n := range chains {
		if !strings.Contains(chain, "(*Tx).record ← ") {
			t.Errorf("%d write(s) to the case tables outside the door: %s", n, chain)
		}
	}
}
