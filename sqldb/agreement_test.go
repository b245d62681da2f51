package sqldb_test

import (
	"slices"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestSuspendedAgreement suspends the EU–Azerbaijan agreement on grounds of
// public health: submissions are refused while it is in force, the running
// cases are marked on its first day (their time limits paused under a
// profile version that says so, running on under one that does not), and
// on its last day they are released, the paused reply time moved on by the
// days it stood still.
func TestSuspendedAgreement(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, admin := act["de.officer"], act["admin"]
		day := func(s string) civil.Date { return civil.MustParse(s) }

		running := submittedCase(t, db, de, "DE-running") // version 1: time limits run on
		// Version 2, from 3 March: a suspension pauses the time limits.
		p := editable(t, db, "eu-az")
		p.EffectiveFrom, p.SuspensionPausesClocks = day("2026-03-03"), true
		if _, err := db.AddProfileVersion(ctx, admin, p); err != nil {
			t.Fatal(err)
		}
		clock.Set(bakuTime("2026-03-03 10:00"))
		paused := submittedCase(t, db, de, "DE-paused")
		if got := dueOn(t, paused.Deadline(ercms.ClockReply)); got != "2026-03-18" {
			t.Fatalf("reply due %s", got)
		}

		sp := ercms.Suspension{ProfileID: "eu-az", From: day("2026-03-05"), Grounds: "public_health", Note: "Note verbale of 2 March 2026."}
		if _, err := db.SuspendAgreement(ctx, act["sms.supervisor"], sp); ercms.ErrorCode(err) != ercms.EForbidden {
			t.Fatalf("a supervisor suspended: %v", err)
		}
		for field, bad := range map[string]ercms.Suspension{
			"from":    {ProfileID: "eu-az", From: day("2026-03-02"), Grounds: "public_health", Note: "x"},
			"grounds": {ProfileID: "eu-az", From: day("2026-03-05"), Grounds: "war", Note: "x"},
			"note":    {ProfileID: "eu-az", From: day("2026-03-05"), Grounds: "security"},
		} {
			if _, err := db.SuspendAgreement(ctx, admin, bad); !hasField(err, field) {
				t.Errorf("%+v: %v, want a message on %s", bad, err, field)
			}
		}
		sp, err := db.SuspendAgreement(ctx, admin, sp)
		if err != nil {
			t.Fatal(err)
		}
		tcn := sp
		tcn.Category = ercms.CategoryThirdCountryNational
		if _, err := db.SuspendAgreement(ctx, admin, tcn); !hasField(err, "from") {
			t.Errorf("an overlapping suspension: %v", err)
		}

		// Before its first day nothing changes, and an application passes.
		clock.Set(bakuTime("2026-03-04 10:00"))
		runTimed(t, db, map[string]int{})
		late := submittedCase(t, db, de, "DE-before")

		clock.Set(bakuTime("2026-03-05 09:00"))
		runTimed(t, db, map[string]int{ercms.ChangeAgreementSuspended: 3})
		for id, wantPaused := range map[string]bool{running.ID: false, paused.ID: true, late.ID: true} {
			c := readCase(t, db, id)
			if !c.HasWarning(ercms.WarnAgreementSuspended) || c.Suspension == nil || c.Suspension.Paused != wantPaused {
				t.Errorf("%s: warnings %v, suspension %+v; want marked, paused %v", c.RequestingReference, c.Warnings, c.Suspension, wantPaused)
			}
		}
		draft := createCase(t, db, de, application("DE-refused"))
		_, err = db.Act(ctx, de, draft.ID, ercms.ActSubmit, draft.Version, ercms.ActionInput{})
		if e := asError(err); e == nil || e.Code != ercms.EConflict || e.Message != "err.agreement_suspended" {
			t.Fatalf("submission during the suspension: %v", err)
		}
		if c := readCase(t, db, draft.ID); c.Status != ercms.StateDraft {
			t.Fatalf("the refused submission left the case %s", c.Status)
		}

		// The unpaused case is deemed approved when its time runs out; the
		// paused ones wait.
		clock.Set(bakuTime("2026-03-19 09:00"))
		runTimed(t, db, map[string]int{ercms.ActDeemApproved: 1})
		if c := readCase(t, db, paused.ID); c.Status != ercms.StateSubmitted {
			t.Fatalf("a paused case moved: %s", c.Status)
		}
		if _, err := db.EndSuspension(ctx, admin, sp.ID, day("2026-03-18")); !hasField(err, "until") {
			t.Errorf("ended backwards: %v", err)
		}
		if _, err := db.EndSuspension(ctx, admin, sp.ID, day("2026-03-25")); err != nil {
			t.Fatal(err)
		}
		clock.Set(bakuTime("2026-03-25 09:00"))
		runTimed(t, db, map[string]int{ercms.ChangeSuspensionEnded: 3})
		c := readCase(t, db, paused.ID)
		// Paused from 5 to 24 March: 20 days later than 18 March.
		if c.Suspension != nil || c.HasWarning(ercms.WarnAgreementSuspended) || dueOn(t, c.Deadline(ercms.ClockReply)) != "2026-04-07" {
			t.Errorf("after the suspension: %+v %v due %s", c.Suspension, c.Warnings, dueOn(t, c.Deadline(ercms.ClockReply)))
		}
		if c := readCase(t, db, running.ID); c.Status != ercms.StateDeemedApproved || c.Suspension != nil {
			t.Errorf("the unpaused case: %s %+v", c.Status, c.Suspension)
		}
		mustAct(t, db, de, readCase(t, db, draft.ID), ercms.ActSubmit, ercms.ActionInput{})
		var audited int
		for _, e := range auditRows(t, db) {
			if e.Action == "agreement.suspended" || e.Action == "agreement.suspension_ended" {
				audited++
			}
		}
		if audited != 2 {
			t.Errorf("%d audit events of the suspension, want 2", audited)
		}
	})
}

// asError returns err as an *ercms.Error, or nil.
func asError(err error) *ercms.Error {
	var e *ercms.Error
	if !errorAs(err, &e) {
		return nil
	}
	return e
}

// hasField reports whether err is a validation error with a message on field.
func hasField(err error, field string) bool {
	e := asError(err)
	return e != nil && e.Code == ercms.EInvalid && e.Fields[field] != ""
}

// TestHandoverWithoutNotification returns an own national holding a valid
// identity card where the agreement needs neither an application nor a
// written notification: every border post of Azerbaijan sees the case from
// approval and records the handover directly; under a profile that needs a
// notification the same case waits for one.
func TestHandoverWithoutNotification(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, admin, border := act["de.officer"], act["admin"], act["border.officer"]
		withCard := func(ref string) ercms.NewCase {
			n := noApplication(ref, baku(clock))
			n.Evidence[0].Type = "national_id_card"
			return n
		}
		// Under version 1 a card alone is not enough, and a passport case
		// waits for the notification.
		if _, _, err := db.CreateCase(ctx, de, withCard("DE-card-v1"), ""); !hasField(err, "evidence") {
			t.Fatalf("a card without a written notification under version 1: %v", err)
		}
		passport := createCase(t, db, de, noApplication("DE-passport", baku(clock)))
		if _, err := db.FindCase(ctx, border, passport.ID); ercms.ErrorCode(err) != ercms.ENotFound {
			t.Fatalf("the border post sees a case before its notification: %v", err)
		}

		p := editable(t, db, "eu-az")
		p.EffectiveFrom, p.ValidDocumentWithoutNotification = civil.MustParse("2026-03-03"), true
		if _, err := db.AddProfileVersion(ctx, admin, p); err != nil {
			t.Fatal(err)
		}
		clock.Set(bakuTime("2026-03-03 10:00"))
		c := createCase(t, db, de, withCard("DE-card"))
		if c.Status != ercms.StateApproved || !c.WithoutNotification {
			t.Fatalf("created %s, without notification %v", c.Status, c.WithoutNotification)
		}
		seen, err := db.FindCase(ctx, border, c.ID)
		if err != nil {
			t.Fatalf("the border post does not see the case from approval: %v", err)
		}
		if !slices.Contains(ercms.AvailableActions(border, seen, baku(clock)), ercms.ActRecordHandover) {
			t.Fatalf("record_handover not offered: %v", ercms.AvailableActions(border, seen, baku(clock)))
		}
		clock.Set(bakuTime("2026-03-05 14:00"))
		done := mustAct(t, db, border, seen, ercms.ActRecordHandover, ercms.ActionInput{Handover: &ercms.Handover{At: clock.Now(), Officer: "Fərid Nəsirov", Persons: 1}})
		if done.Status != ercms.StateTransferred || done.Transfer == nil || done.Transfer.CrossingPoint != "GYD" || done.Transfer.HandoverOn.String() != "2026-03-05" {
			t.Fatalf("after the handover: %s %+v", done.Status, done.Transfer)
		}
		if d := readCase(t, db, done.ID).Deadline(ercms.ClockTransferWindow); d == nil || d.Status != ercms.DeadlineMet {
			t.Errorf("transfer window %+v", d)
		}
		// The passport case of version 1 still needs its notification.
		pc := readCase(t, db, passport.ID)
		if pc.WithoutNotification || slices.Contains(ercms.AvailableActions(border, pc, baku(clock)), ercms.ActRecordHandover) {
			t.Errorf("the version-1 case skips its notification")
		}
	})
}

// TestAgreementRules runs on both engines the rules the agreement texts
// set: a reply counted from a late acknowledgement of receipt (a profile
// version that counts from it), a late third-country-national application
// with its obstacle stated (not flagged late), and a transfer window
// extended twice by the requesting state and once by a central-authority
// supervisor recording a request that came by e-mail.
func TestAgreementRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup, admin := act["de.officer"], act["sms.officer"], act["sms.supervisor"], act["admin"]
		day := civil.MustParse

		p := editable(t, db, "eu-az")
		p.EffectiveFrom = day("2026-03-03")
		reply := p.Rules["reply"]
		reply.From = ercms.AcknowledgementEvent
		p.Rules["reply"] = reply
		if _, err := db.AddProfileVersion(ctx, admin, p); err != nil {
			t.Fatal(err)
		}
		clock.Set(bakuTime("2026-03-10 10:00"))
		mail, err := db.ImportApplication(ctx, sms, de.Org.ID, day("2026-03-03"), application("DE-MAIL"), nil)
		if err != nil {
			t.Fatal(err)
		}
		mail = mustAct(t, db, sms, mail, ercms.ActRecordAcknowledgement, ercms.ActionInput{AcknowledgedOn: ptr(day("2026-03-10"))})
		c := readCase(t, db, mail.ID)
		if c.ReceivedOn.String() != "2026-03-03" || c.AcknowledgedOn.String() != "2026-03-10" || dueOn(t, c.Deadline(ercms.ClockReply)) != "2026-03-25" {
			t.Fatalf("received %v, acknowledged %v, reply due %s; want 3, 10 and 25 March", c.ReceivedOn, c.AcknowledgedOn, dueOn(t, c.Deadline(ercms.ClockReply)))
		}

		// Six months after 1 August 2025 ran out on 1 February 2026; the
		// obstacle was removed on 6 March.
		n := application("DE-TCN-LATE")
		n.Category, n.Person.Nationality = ercms.CategoryThirdCountryNational, "IR"
		n.FactsKnownOn = ptr(day("2025-08-01"))
		n.Evidence = []ercms.Evidence{{Type: "visa", Number: "AZ-V-1"}}
		late := mustAct(t, db, de, createCase(t, db, de, n), ercms.ActSubmit, ercms.ActionInput{})
		if !late.HasWarning(ercms.WarnLateSubmission) {
			t.Fatalf("a late application without an obstacle: warnings %v", late.Warnings)
		}
		n.RequestingReference = "DE-TCN-OBSTACLE"
		n.Obstacle, n.ObstacleRemovedOn = "The person's identity was unknown until a court ruling.", ptr(day("2026-03-06"))
		stated := mustAct(t, db, de, createCase(t, db, de, n), ercms.ActSubmit, ercms.ActionInput{})
		if stated.HasWarning(ercms.WarnLateSubmission) || !stated.HasWarning(ercms.WarnLateObstacle) {
			t.Fatalf("a late application with its obstacle: warnings %v", stated.Warnings)
		}
		if c := readCase(t, db, stated.ID); c.Obstacle == "" || c.ObstacleRemovedOn.String() != "2026-03-06" {
			t.Fatalf("the obstacle is not kept: %q %v", c.Obstacle, c.ObstacleRemovedOn)
		}

		// Approved on 10 March: three months, to 10 June.
		w := mustAct(t, db, sms, submittedCase(t, db, de, "DE-WINDOW"), ercms.ActRegister, ercms.ActionInput{})
		w = mustAct(t, db, sms, w, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		w = mustAct(t, db, sup, w, ercms.ActSignOff, ercms.ActionInput{})
		first := dueOn(t, readCase(t, db, w.ID).Deadline(ercms.ClockTransferWindow))
		for _, step := range []struct {
			by          ercms.Actor
			end         string
			requestedOn *civil.Date
		}{{de, "2026-07-15", nil}, {de, "2026-08-31", nil}, {sup, "2026-09-30", ptr(day("2026-03-09"))}} {
			w = mustAct(t, db, step.by, readCase(t, db, w.ID), ercms.ActExtendTransferWindow, ercms.ActionInput{
				Justification: "No flight until the court decides.", NewEnd: ptr(day(step.end)), RequestedOn: step.requestedOn})
			if got := dueOn(t, readCase(t, db, w.ID).Deadline(ercms.ClockTransferWindow)); got != step.end {
				t.Fatalf("extended by %s to %s: due %s", step.by.Username, step.end, got)
			}
		}
		if first != "2026-06-10" {
			t.Errorf("the first window ended %s, want 2026-06-10", first)
		}
	})
}
