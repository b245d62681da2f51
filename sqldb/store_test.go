package sqldb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

const testPassword = "correct horse battery"

func seed(t *testing.T, db *sqldb.DB) map[string]ercms.Actor {
	t.Helper()
	actors, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return testPassword })
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return actors
}

// application returns a complete own-national application under the normal procedure.
func application(ref string) ercms.NewCase {
	return ercms.NewCase{
		Type: ercms.TypeReadmission, RequestingReference: ref,
		Procedure: ercms.ProcedureNormal, Category: ercms.CategoryOwnNational,
		Application: ercms.Application{
			Person: ercms.Person{
				Surname: "Məmmədov", GivenNames: "Əli Rəşid oğlu", Sex: "M",
				OriginalScript: &ercms.Name{Surname: "Мамедов", GivenNames: "Али", Script: "Cyrl"},
				DateOfBirth:    ercms.PartialDate{Year: 1990, Month: 4},
				PlaceOfBirth:   "Gəncə", Nationality: "AZ",
			},
			Evidence: []ercms.Evidence{{Type: "national_passport", Number: "C01234567"}},
		},
	}
}

func mustAct(t *testing.T, db *sqldb.DB, a ercms.Actor, c *ercms.Case, action string, in ercms.ActionInput) *ercms.Case {
	t.Helper()
	got, err := db.Act(context.Background(), a, c.ID, action, c.Version, in)
	if err != nil {
		t.Fatalf("%s by %s in %s: %v", action, a.Username, c.Status, err)
	}
	return got
}

func orgID(t *testing.T, db *sqldb.DB, agencyType string) string {
	t.Helper()
	orgs, err := db.Organisations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.AgencyType == agencyType {
			return o.ID
		}
	}
	t.Fatalf("no organisation %s", agencyType)
	return ""
}

// TestReadmissionThroughTheStore walks the "done means" scenario of the core
// issue through the store on every engine.
func TestReadmissionThroughTheStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		de, fr, sms, sup := act["de.officer"], act["fr.officer"], act["sms.officer"], act["sms.supervisor"]

		c, replayed, err := db.CreateCase(ctx, de, application("DE-2026-0001"), "key-1")
		if err != nil || replayed {
			t.Fatalf("create: %v (replayed %v)", err, replayed)
		}
		if again, replayed, err := db.CreateCase(ctx, de, application("DE-2026-0001"), "key-1"); err != nil || !replayed || again.ID != c.ID {
			t.Fatalf("replay: %v %v %v", err, replayed, again)
		}
		if _, _, err := db.CreateCase(ctx, de, application("DE-2026-0002"), "key-1"); ercms.ErrorCode(err) != ercms.EInvalid {
			t.Fatalf("reused key with another body: got %v, want EInvalid", err)
		}
		c = mustAct(t, db, de, c, ercms.ActSubmit, ercms.ActionInput{})
		if c.Status != ercms.StateSubmitted || c.ReceivedOn == nil || *c.ReceivedOn != civil.MustParse("2026-03-02") {
			t.Fatalf("after submit: %s received %v", c.Status, c.ReceivedOn)
		}
		reply := c.Deadline(ercms.ClockReply)
		if reply == nil || reply.DueOn == nil {
			t.Fatalf("no reply clock: %+v", c.Deadlines)
		}
		// 15 calendar days from Monday 2 March 2026 (DOMAIN.md §5), day 1 being 3 March: Tuesday 17 March.
		if got := reply.DueOn.String(); got != "2026-03-17" {
			t.Errorf("reply due %s, want 2026-03-17 (basis %s)", got, reply.Basis)
		}

		if _, err := db.FindCase(ctx, fr, c.ID); ercms.ErrorCode(err) != ercms.ENotFound {
			t.Fatalf("French officer reads a German case: %v, want ENotFound", err)
		}
		if _, err := db.Act(ctx, fr, c.ID, ercms.ActWithdraw, c.Version, ercms.ActionInput{Reason: "x"}); ercms.ErrorCode(err) != ercms.ENotFound {
			t.Fatalf("French officer acts on a German case: %v, want ENotFound", err)
		}
		if _, err := db.Act(ctx, sms, c.ID, ercms.ActRegister, 0, ercms.ActionInput{}); ercms.ErrorCode(err) != ercms.EPreconditionRequired {
			t.Fatalf("act without version: %v", err)
		}
		if _, err := db.Act(ctx, sms, c.ID, ercms.ActRegister, c.Version-1, ercms.ActionInput{}); ercms.ErrorCode(err) != ercms.EPreconditionFailed {
			t.Fatalf("act with a stale version: %v", err)
		}
		if _, err := db.Act(ctx, sms, c.ID, ercms.ActSignOff, c.Version, ercms.ActionInput{}); ercms.ErrorCode(err) == "" {
			t.Fatalf("sign-off in submitted was allowed")
		}

		clock.Advance(24 * 60 * 60 * 1e9)
		c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
		c = mustAct(t, db, sms, c, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
			{OrganisationID: orgID(t, db, "civil_registry"), Question: "Confirm birth record"},
			{OrganisationID: orgID(t, db, "passport_registry"), Question: "Confirm passport C01234567"},
		}})
		if c.Status != ercms.StateUnderVerification || len(c.Tasks) != 2 {
			t.Fatalf("after start_verification: %s, %d tasks", c.Status, len(c.Tasks))
		}
		reg := act["civil.registry.officer"]
		if _, err := db.FindCase(ctx, act["police.officer"], c.ID); ercms.ErrorCode(err) != ercms.ENotFound {
			t.Fatalf("police without a task reads the case: %v", err)
		}
		seen, err := db.FindCase(ctx, reg, c.ID)
		if err != nil {
			t.Fatalf("registry reads its case: %v", err)
		}
		var task string
		for _, tk := range seen.Tasks {
			if tk.OrgID == reg.Org.ID {
				task = tk.ID
			}
		}
		c = mustAct(t, db, reg, c, ercms.ActAnswerTask, ercms.ActionInput{TaskID: task, Finding: "confirmed", Answer: "Birth record 1990/123 found"})
		c = mustAct(t, db, sms, c, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		if c.Status != ercms.StatePendingSignOff {
			t.Fatalf("approve with four eyes: %s, want pending_sign_off", c.Status)
		}
		c = mustAct(t, db, sup, c, ercms.ActSignOff, ercms.ActionInput{})
		if c.Status != ercms.StateApproved {
			t.Fatalf("sign off: %s", c.Status)
		}
		if d := c.Deadline(ercms.ClockReply); d == nil || d.Status == ercms.DeadlineRunning {
			t.Errorf("reply clock still running after the decision: %+v", d)
		}

		page, err := db.ListCases(ctx, de, sqldb.CaseFilter{Text: "Мамедов"})
		if err != nil || len(page.Cases) != 1 {
			t.Fatalf("search in Cyrillic: %v %+v", err, page)
		}
		if page, err := db.ListCases(ctx, fr, sqldb.CaseFilter{}); err != nil || len(page.Cases) != 0 {
			t.Fatalf("French list shows German cases: %v %+v", err, page)
		}

		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := db.VerifyAudit(ctx)
		if err != nil || !r.OK() || r.Checked == 0 {
			t.Fatalf("verify: %v %+v", err, r)
		}
	})
}

// TestTimelineKeepsWhatWasWritten checks that a question and its answer
// reach the other party through the timeline, with reason codes.
func TestTimelineKeepsWhatWasWritten(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		de, sms := act["de.officer"], act["sms.officer"]
		c, _, err := db.CreateCase(ctx, de, application("DE-2026-0100"), "")
		if err != nil {
			t.Fatal(err)
		}
		c = mustAct(t, db, de, c, ercms.ActSubmit, ercms.ActionInput{})
		c = mustAct(t, db, sms, c, ercms.ActRequestInfo, ercms.ActionInput{Question: "Send a copy of the passport's data page."})
		c = mustAct(t, db, de, c, ercms.ActProvideInfo, ercms.ActionInput{Answer: "Copy sent through the secure channel."})
		c = mustAct(t, db, de, c, ercms.ActWithdraw, ercms.ActionInput{ReasonCode: "voluntary_departure"})
		seen, err := db.FindCase(ctx, de, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		var codes []string
		for _, e := range seen.Timeline {
			if e.Text != "" {
				texts = append(texts, e.Text)
			}
			codes = append(codes, e.Codes...)
		}
		if want := []string{"Send a copy of the passport's data page.", "Copy sent through the secure channel."}; !slices.Equal(texts, want) {
			t.Errorf("timeline texts %q, want %q", texts, want)
		}
		if !slices.Equal(codes, []string{"voluntary_departure"}) {
			t.Errorf("timeline codes %q", codes)
		}
	})
}

// TestStatementsCounted checks the statement counter the page tests rely on.
func TestStatementsCounted(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		before := db.Statements()
		if _, err := db.ListCases(ctx, act["sms.officer"], sqldb.CaseFilter{}); err != nil {
			t.Fatal(err)
		}
		// An empty list: begin, the select, commit (and no audit event: nothing was shown).
		if n := db.Statements() - before; n < 2 || n > 4 {
			t.Errorf("an empty list ran %d statements", n)
		}
	})
}
