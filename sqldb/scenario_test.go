package sqldb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// walk drives one case through the store, as the people of each role would.
type walk struct {
	t     *testing.T
	db    *sqldb.DB
	clock *testdb.Clock
	c     *ercms.Case
}

// do takes an action that must succeed and keeps the case as the system sees it.
func (w *walk) do(a ercms.Actor, action string, in ercms.ActionInput) {
	w.t.Helper()
	version := w.c.Version
	if a.Role == ercms.RoleSystem {
		version = 0
	}
	if _, err := w.db.Act(ctx, a, w.c.ID, action, version, in); err != nil {
		w.t.Fatalf("%s by %s in %s: %v", action, a.Username, w.c.Status, err)
	}
	w.c = readCase(w.t, w.db, w.c.ID)
}

// refuse takes an action that must fail with code.
func (w *walk) refuse(a ercms.Actor, action string, in ercms.ActionInput, code string) {
	w.t.Helper()
	_, err := w.db.Act(ctx, a, w.c.ID, action, w.c.Version, in)
	wantCode(w.t, err, code, action+" by "+a.Username)
}

func (w *walk) want(s ercms.State) {
	w.t.Helper()
	if w.c.Status != s {
		w.t.Fatalf("case is %s, want %s", w.c.Status, s)
	}
}

func (w *walk) days(n int) { w.clock.Advance(time.Duration(n) * 24 * time.Hour) }

func (w *walk) today() civil.Date { return baku(w.clock) }

func (w *walk) taskOf(orgID, kind string) string {
	for _, t := range w.c.Tasks {
		if t.OrgID == orgID && t.Kind == kind && t.Status == ercms.TaskOpen {
			return t.ID
		}
	}
	w.t.Fatalf("no open %s task for %s", kind, orgID)
	return ""
}

// TestScenarioOwnNational walks an own national with his spouse through
// every branch of the workflow's depth on every engine: correspondence,
// parallel verification with data minimisation and a file answer, a video
// interview, an extension, approval covering the spouse with sign-off, the
// travel document, a late notice, objection, postponement, no-show and
// renewal, a window extension, the handover, closing and a take-back.
func TestScenarioOwnNational(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		db.Blobs = &memBlobs{}
		de, sms, sup := act["de.officer"], act["sms.officer"], act["sms.supervisor"]
		civreg, passport, police, berlin, gyd := act["civil.registry.officer"], act["passport.registry.officer"], act["police.officer"], act["mfa.consul.berlin"], act["border.officer"]
		n := application("DE-SCN-1")
		n.Family = []ercms.FamilyMember{{Relationship: "spouse", Surname: "Məmmədova", GivenNames: "Aysel", DateOfBirth: ercms.PartialDate{Year: 1993}}}
		n.Special = ercms.Special{Health: "diabetes, insulin", NeedsCare: true, CareConsent: true}
		w := &walk{t: t, db: db, clock: clock, c: createCase(t, db, de, n)}
		w.do(de, ercms.ActSubmit, ercms.ActionInput{})
		w.days(1)
		w.do(sms, ercms.ActRegister, ercms.ActionInput{})

		// Correspondence and a formal request for information.
		if _, err := db.SendMessage(ctx, sms, w.c.ID, ercms.NewMessage{Kind: ercms.MessageRequest, Body: "Is there a copy of the marriage certificate?"}); err != nil {
			t.Fatal(err)
		}
		w.do(sms, ercms.ActRequestInfo, ercms.ActionInput{Question: "Send the marriage certificate."})
		w.do(de, ercms.ActProvideInfo, ercms.ActionInput{Answer: "Attached as a scan."})
		if _, _, err := db.AddAttachment(ctx, de, w.c.ID, sqldb.NewAttachment{Purpose: ercms.AttachForm, Name: "marriage.pdf", Kind: "pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4\n%marriage\n%%EOF\n")}); err != nil {
			t.Fatal(err)
		}
		w.c = readCase(t, db, w.c.ID) // the file moved the version
		w.want(ercms.StateRegistered)

		// Parallel verification; each agency sees only its task and no health data.
		w.do(sms, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
			{OrganisationID: civreg.Org.ID, Question: "Birth and marriage records?"},
			{OrganisationID: passport.Org.ID, Question: "Passport C01234567?"},
			{OrganisationID: police.Org.ID, Question: "Any record?"}}})
		w.want(ercms.StateUnderVerification)
		seen, err := db.FindCase(ctx, civreg, w.c.ID)
		if err != nil || len(seen.Tasks) != 1 || seen.Special.Health != "" || seen.Family == nil {
			t.Fatalf("the civil registry's view: %+v %v", seen, err)
		}
		task := w.taskOf(civreg.Org.ID, ercms.TaskVerification)
		if _, _, err := db.AddAttachment(ctx, civreg, w.c.ID, sqldb.NewAttachment{Purpose: ercms.AttachAnswer, TaskID: task, Name: "extract.pdf", Kind: "pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4\n%extract\n%%EOF\n")}); err != nil {
			t.Fatal(err)
		}
		w.c = readCase(t, db, w.c.ID)
		w.do(civreg, ercms.ActAnswerTask, ercms.ActionInput{TaskID: task, Finding: "confirmed", Answer: "Records found."})
		w.do(passport, ercms.ActAnswerTask, ercms.ActionInput{TaskID: w.taskOf(passport.Org.ID, ercms.TaskVerification), Finding: "contradictory", Answer: "Passport reported lost in 2019."})
		w.do(police, ercms.ActAnswerTask, ercms.ActionInput{TaskID: w.taskOf(police.Org.ID, ercms.TaskVerification), Finding: "not_found"})

		// A video interview, scheduled and held by the mission.
		w.do(de, ercms.ActRequestInterview, ercms.ActionInput{MissionID: berlin.Org.ID, Mode: "video", Language: "az"})
		iv := w.taskOf(berlin.Org.ID, ercms.TaskInterview)
		if _, err := db.ScheduleInterview(ctx, berlin, w.c.ID, w.c.Version, iv, clock.Now().Add(48*time.Hour), "https://meet.example/az"); err != nil {
			t.Fatal(err)
		}
		w.c = readCase(t, db, w.c.ID)
		w.days(2)
		w.do(berlin, ercms.ActAnswerTask, ercms.ActionInput{TaskID: iv, Finding: "confirmed", Answer: "Speaks Azerbaijani; knows Gəncə well."})

		// More time to decide, then approval for both, signed off by another supervisor.
		w.refuse(sms, ercms.ActExtendReply, ercms.ActionInput{Days: 10, Justification: "x"}, ercms.EForbidden)
		w.do(sup, ercms.ActExtendReply, ercms.ActionInput{Days: 10, Justification: "The passport registry's answer contradicts the application."})
		w.do(sms, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{w.c.Family[0].ID}})
		w.want(ercms.StatePendingSignOff)
		w.do(sup, ercms.ActSignOff, ercms.ActionInput{})
		w.want(ercms.StateApproved)
		if d := w.c.Deadline(ercms.ClockTransferWindow); d == nil || d.Status != ercms.DeadlineRunning {
			t.Fatalf("transfer window %+v", d)
		}
		w.do(sup, ercms.ActExtendTransferWindow, ercms.ActionInput{NewEnd: ptr(w.c.Deadline(ercms.ClockTransferWindow).DueOn.AddDays(30)), Justification: "Flights suspended."})

		// Travel document, then a late notice the central authority objects to.
		w.do(de, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin.Org.ID})
		w.days(1)
		w.do(berlin, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-0042", ValidUntil: ptr(w.today().AddDays(30))})
		w.want(ercms.StateTravelDocumentIssued)
		tr := ercms.Transfer{Date: w.today().AddDays(1), Time: "09:40", CrossingPoint: "GYD", Flight: "J2 8012", Escorts: 2}
		w.do(de, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
		if !w.c.Transfer.LateNotice || !slices.Contains(w.c.Warnings, ercms.WarnLateNotice) {
			t.Errorf("a notice one day ahead is not flagged late: %+v", w.c.Transfer)
		}
		w.do(sms, ercms.ActObjectTransfer, ercms.ActionInput{Reason: "Notice too short for the airport."})
		tr.Date = w.today().AddDays(10)
		w.do(de, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
		if w.c.Transfer.LateNotice {
			t.Errorf("a notice ten days ahead is flagged late")
		}
		w.do(de, ercms.ActPostponeTransfer, ercms.ActionInput{Reason: "Escort ill."})
		tr.Date = w.today().AddDays(12)
		w.do(de, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
		w.do(sms, ercms.ActConfirmTransfer, ercms.ActionInput{})
		w.days(12)
		w.do(gyd, ercms.ActRecordNoShow, ercms.ActionInput{Reason: "Not on the flight."})
		w.want(ercms.StateTransferPostponed)
		// The transfer slipped past the document's validity: renew, then notify again.
		w.do(berlin, ercms.ActRenewTravelDocument, ercms.ActionInput{ValidUntil: ptr(w.today().AddDays(30))})
		tr.Date = w.today().AddDays(7)
		w.do(de, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
		w.do(sms, ercms.ActConfirmTransfer, ercms.ActionInput{})
		w.days(7)
		w.do(gyd, ercms.ActRecordHandover, ercms.ActionInput{Handover: &ercms.Handover{At: clock.Now(), Officer: "F. Nəsirov", Persons: 2, Documents: "RC-0042"}})
		w.want(ercms.StateTransferred)
		w.do(sms, ercms.ActClose, ercms.ActionInput{})
		w.do(sms, ercms.ActRequestTakeBack, ercms.ActionInput{Reason: "The spouse holds a German residence permit."})
		w.do(de, ercms.ActRecordTakeBack, ercms.ActionInput{Date: ptr(w.today())})
		w.want(ercms.StateTakenBack)

		// Everything that crossed between the parties is on the audit trail.
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := db.VerifyAudit(ctx); err != nil || !r.OK() {
			t.Fatalf("audit chain: %+v %v", r, err)
		}
		trs, err := db.Transmissions(ctx, de, clock.Now().AddDate(0, -3, 0), clock.Now().Add(time.Hour))
		if err != nil || len(trs) < 10 {
			t.Errorf("%d transmissions in Germany's record: %v", len(trs), err)
		}
	})
}

// TestScenarioThirdCountryNational walks third-country nationals through
// the other branches: refusal with coded reasons, a new application linked
// to it, deemed approval and its correction, consent withdrawal, expiry,
// withdrawal, the no-application path and a transit request.
func TestScenarioThirdCountryNational(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		at, sms, sup := act["at.officer"], act["sms.officer"], act["sms.supervisor"]
		tcn := func(ref string) ercms.NewCase {
			n := application(ref)
			n.Category = ercms.CategoryThirdCountryNational
			n.Person.Nationality = "UZ"
			known := baku(clock).AddDays(-20)
			n.FactsKnownOn = &known
			n.Evidence = []ercms.Evidence{{Type: "visa", Number: "AZ-V-778"}}
			return n
		}
		w := &walk{t: t, db: db, clock: clock, c: createCase(t, db, at, tcn("AT-TCN-1"))}
		w.do(at, ercms.ActSubmit, ercms.ActionInput{})
		w.do(sms, ercms.ActRegister, ercms.ActionInput{})
		w.refuse(sms, ercms.ActRefuse, ercms.ActionInput{Reasons: []string{"no_such_reason"}, Text: "x"}, ercms.EInvalid)
		w.do(sms, ercms.ActRefuse, ercms.ActionInput{Reasons: []string{"airside_transit_only"}, Text: "The person stayed airside at GYD."})
		w.do(sup, ercms.ActSignOff, ercms.ActionInput{})
		w.want(ercms.StateRefused)

		// A new application after the refusal needs new information.
		again := tcn("AT-TCN-2")
		again.PreviousCaseID = w.c.ID
		_, _, err := db.CreateCase(ctx, at, again, "")
		wantFields(t, err, "observations")
		again.Observations = "Hotel bills in Baku for March 2026 found."
		w2 := &walk{t: t, db: db, clock: clock, c: createCase(t, db, at, again)}
		if w2.c.PreviousCaseID == nil || *w2.c.PreviousCaseID != w.c.ID {
			t.Fatalf("new application not linked: %v", w2.c.PreviousCaseID)
		}
		w2.do(at, ercms.ActSubmit, ercms.ActionInput{})
		w2.do(sms, ercms.ActRegister, ercms.ActionInput{})
		// No reply in time: deemed approval by the scheduler, then corrected.
		w2.days(20)
		if _, err := db.RunTimedActions(ctx); err != nil {
			t.Fatal(err)
		}
		w2.c = readCase(t, db, w2.c.ID)
		w2.want(ercms.StateDeemedApproved)
		if n := count(t, db, `SELECT COUNT(*) FROM notifications WHERE kind = 'deemed_approval' AND case_id = $1`, w2.c.ID); n == 0 {
			t.Error("nobody was told of the deemed approval")
		}
		w2.do(sup, ercms.ActCorrectDeemedApproval, ercms.ActionInput{Reason: "A holiday was missing from the calendar."})
		w2.want(ercms.StateRegistered)
		w2.do(sms, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		w2.do(sup, ercms.ActSignOff, ercms.ActionInput{})
		w2.do(sms, ercms.ActRequestConsentWithdrawal, ercms.ActionInput{Reason: "A residence permit of the requesting state came to light."})
		w2.do(at, ercms.ActMaintainApplication, ercms.ActionInput{Reason: "The permit expired in 2024."})
		w2.want(ercms.StateApproved)
		// The approval expires when the transfer window passes.
		w2.days(100)
		if _, err := db.RunTimedActions(ctx); err != nil {
			t.Fatal(err)
		}
		w2.c = readCase(t, db, w2.c.ID)
		w2.want(ercms.StateExpired)

		// Withdrawal by the requesting state.
		w3 := &walk{t: t, db: db, clock: clock, c: createCase(t, db, at, tcn("AT-TCN-3"))}
		w3.do(at, ercms.ActSubmit, ercms.ActionInput{})
		w3.do(at, ercms.ActWithdraw, ercms.ActionInput{ReasonCode: "absconded"})
		w3.want(ercms.StateWithdrawn)

		// No application: a valid passport; the written transfer notice only.
		w4 := &walk{t: t, db: db, clock: clock, c: createCase(t, db, at, noApplication("AT-NOAPP-1", baku(clock)))}
		w4.want(ercms.StateApproved)
		tr := ercms.Transfer{Date: w4.today().AddDays(14), CrossingPoint: "GYD", Escorts: 1}
		w4.do(at, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
		w4.want(ercms.StateTransferNotified)

		// Transit: approved and executed; another refused; a third revoked.
		transit := func(ref string) *walk {
			n := ercms.NewCase{Type: ercms.TypeTransit, RequestingReference: ref, Application: ercms.Application{
				Person:  ercms.Person{Surname: "Karimov", GivenNames: "Bekzod", DateOfBirth: ercms.PartialDate{Year: 1988}, Nationality: "UZ"},
				Transit: &ercms.Transit{Itinerary: "VIE–GYD–TAS", FinalDestination: "UZ", EntryPoint: "GYD", TransitOn: baku(clock).AddDays(10), Escorts: 2}}}
			w := &walk{t: t, db: db, clock: clock, c: createCase(t, db, at, n)}
			w.do(at, ercms.ActSubmit, ercms.ActionInput{})
			return w
		}
		t1 := transit("AT-TR-1")
		t1.do(sms, ercms.ActApproveTransit, ercms.ActionInput{EntryPoint: "GYD", Time: "06:00"})
		t1.days(10)
		t1.do(act["border.officer"], ercms.ActRecordTransit, ercms.ActionInput{Time: "06:20"})
		t1.want(ercms.StateTransitExecuted)
		t2 := transit("AT-TR-2")
		t2.do(sms, ercms.ActRefuseTransit, ercms.ActionInput{Reasons: []string{"onward_admission_not_assured"}})
		t2.want(ercms.StateTransitRefused)
		t3 := transit("AT-TR-3")
		t3.do(sms, ercms.ActApproveTransit, ercms.ActionInput{EntryPoint: "GYD", Time: "06:00"})
		t3.do(sms, ercms.ActRevokeTransit, ercms.ActionInput{Reasons: []string{"public_health_security_order"}})
		t3.want(ercms.StateTransitRevoked)
	})
}

func ptr[T any](v T) *T { return &v }
