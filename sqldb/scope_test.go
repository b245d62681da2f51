package sqldb_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// scopeCases builds cases in the states that decide who sees what and
// returns their ids by name. The clock ends 31 days after the first handover.
func scopeCases(t *testing.T, db *sqldb.DB, clock *testdb.Clock, act map[string]ercms.Actor) map[string]string {
	t.Helper()
	de, at, fr, nl, sms := act["de.officer"], act["at.officer"], act["fr.officer"], act["nl.officer"], act["sms.officer"]
	border := act["border.officer"]
	org := func(user string) string { return act[user].Org.ID }
	ids := map[string]string{}

	ids["de draft"] = createCase(t, db, de, application("DE-draft")).ID
	ids["fr draft"] = createCase(t, db, fr, application("FR-draft")).ID
	ids["de submitted"] = submittedCase(t, db, de, "DE-submitted").ID
	ids["fr submitted"] = submittedCase(t, db, fr, "FR-submitted").ID

	// Under verification with tasks to an agency and to the mission
	// accredited to the requesting state; the German case also has an
	// interview at a mission that is not accredited to Germany.
	verify := func(a ercms.Actor, ref string, to ...string) *ercms.Case {
		c := mustAct(t, db, sms, submittedCase(t, db, a, ref), ercms.ActRegister, ercms.ActionInput{})
		var tasks []ercms.TaskInput
		for _, u := range to {
			tasks = append(tasks, ercms.TaskInput{OrganisationID: org(u), Question: "Verify"})
		}
		return mustAct(t, db, sms, c, ercms.ActStartVerification, ercms.ActionInput{Tasks: tasks})
	}
	c := verify(de, "DE-verify", "civil.registry.officer", "mfa.consul.berlin")
	c = mustAct(t, db, sms, c, ercms.ActRequestInterview, ercms.ActionInput{MissionID: org("mfa.consul.paris"), Mode: "video", Language: "az"})
	if c.Tasks[len(c.Tasks)-1].OrgID != org("mfa.consul.paris") {
		t.Fatalf("tasks %+v", c.Tasks)
	}
	ids["de verification"] = c.ID
	ids["at verification"] = verify(at, "AT-verify", "passport.registry.officer", "mfa.consul.vienna").ID

	// Transfers at GYD: notified, confirmed, and handed over 31 and 30 days
	// before the walk.
	transfer := func(a ercms.Actor, ref string, upTo string) *ercms.Case {
		today := baku(clock)
		c := createCase(t, db, a, noApplication(ref, today))
		c = mustAct(t, db, a, c, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &ercms.Transfer{
			Date: today, CrossingPoint: "GYD", Escorts: 2, Flight: "LH 123"}})
		if upTo == ercms.ActNotifyTransfer {
			return c
		}
		c = mustAct(t, db, sms, c, ercms.ActConfirmTransfer, ercms.ActionInput{})
		if upTo == ercms.ActConfirmTransfer {
			return c
		}
		return mustAct(t, db, border, c, ercms.ActRecordHandover, ercms.ActionInput{Handover: &ercms.Handover{
			At: clock.Now(), Officer: "Fərid Nəsirov", Persons: 1}})
	}
	// A transit through GYD executed 31 days before the walk.
	transit := func(ref string) *ercms.Case {
		tr := createCase(t, db, nl, ercms.NewCase{Type: ercms.TypeTransit, RequestingReference: ref,
			Application: ercms.Application{
				Person: ercms.Person{Surname: "Əliyev", GivenNames: "Samir", DateOfBirth: ercms.PartialDate{Year: 1985}},
				Transit: &ercms.Transit{Itinerary: "AMS-GYD-TBS", FinalDestination: "GE", EntryPoint: "GYD",
					TransitOn: baku(clock).AddDays(10), Escorts: 1},
			}})
		return mustAct(t, db, nl, tr, ercms.ActSubmit, ercms.ActionInput{})
	}
	tr := mustAct(t, db, sms, transit("NL-transit-old"), ercms.ActApproveTransit, ercms.ActionInput{EntryPoint: "GYD", Time: "10:00"})
	ids["nl transit executed 31 days ago"] = mustAct(t, db, border, tr, ercms.ActRecordTransit, ercms.ActionInput{Time: "10:05"}).ID

	ids["de notified"] = transfer(de, "DE-notified", ercms.ActNotifyTransfer).ID
	ids["de confirmed"] = transfer(de, "DE-confirmed", ercms.ActConfirmTransfer).ID
	ids["fr confirmed"] = transfer(fr, "FR-confirmed", ercms.ActConfirmTransfer).ID
	ids["de handed over 31 days ago"] = transfer(de, "DE-handover-old", ercms.ActRecordHandover).ID
	clock.Advance(day)
	ids["de handed over 30 days ago"] = transfer(de, "DE-handover-edge", ercms.ActRecordHandover).ID

	// A transit request through GYD.
	ids["nl transit"] = transit("NL-transit").ID

	// Arrivals cancelled: one withdrawn 30 days before the walk (gone from
	// the border post), one on the day of the walk (a stub for 7 days).
	withdraw := func(ref string) string {
		c := transfer(de, ref, ercms.ActConfirmTransfer)
		return mustAct(t, db, de, c, ercms.ActWithdraw, ercms.ActionInput{ReasonCode: "voluntary_departure"}).ID
	}
	ids["de withdrawn 30 days ago"] = withdraw("DE-withdrawn-old")

	clock.Advance(30 * day)
	ids["de withdrawn today"] = withdraw("DE-withdrawn-new")
	return ids
}

// TestScopeMatchesCanView walks every demo actor over cases in every state
// that matters for scope and checks that FindCase and ListCases show exactly
// what the pure rule ercms.CanView allows, and that the rest is not found.
func TestScopeMatchesCanView(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		ids := scopeCases(t, db, clock, act)
		today := baku(clock)
		if want := civil.MustParse("2026-04-02"); today != want {
			t.Fatalf("the walk runs on %s, want %s", today, want)
		}
		truth := map[string]*ercms.Case{}
		for name, id := range ids {
			truth[name] = readCase(t, db, id)
		}
		// The cases are in the states the walk needs.
		for name, want := range map[string]ercms.State{
			"de draft": ercms.StateDraft, "de submitted": ercms.StateSubmitted, "de verification": ercms.StateUnderVerification,
			"de confirmed": ercms.StateTransferConfirmed, "de handed over 31 days ago": ercms.StateTransferred,
			"de handed over 30 days ago": ercms.StateTransferred, "nl transit": ercms.StateTransitRequested,
		} {
			if got := truth[name].Status; got != want {
				t.Fatalf("%s is %s, want %s", name, got, want)
			}
		}

		actors := slices.Sorted(maps.Keys(act))
		if len(actors) != len(demo.Azerbaijan().Accounts) {
			t.Fatalf("%d actors", len(actors))
		}
		all := map[string]ercms.Actor{"system": ercms.SystemActor()}
		maps.Copy(all, act)
		seen := map[string]int{} // how many actors see each case
		for _, user := range slices.Sorted(maps.Keys(all)) {
			a := all[user]
			var want []string
			for _, name := range slices.Sorted(maps.Keys(ids)) {
				c := truth[name]
				visible := ercms.CanView(a, c, today)
				got, err := db.FindCase(ctx, a, c.ID)
				switch {
				case visible && err != nil:
					t.Errorf("%s cannot read %s: %v", user, name, err)
				case visible && (got.ID != c.ID || got.Version != c.Version || (len(got.Timeline) == 0 && ercms.ViewFor(a, c) == c)):
					// (a minimised view shows only the timeline entries of the actor's own part)
					t.Errorf("%s reads %s as %+v", user, name, got)
				case !visible && ercms.ErrorCode(err) != ercms.ENotFound:
					t.Errorf("%s reads %s out of scope: %v, want not found", user, name, err)
				}
				if visible {
					want = append(want, c.ID)
					seen[name]++
				}
			}
			// Lists, page by page, show exactly the visible cases, newest first.
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				page, err := db.ListCases(ctx, a, sqldb.CaseFilter{Limit: 4, After: after})
				if err != nil {
					t.Fatalf("%s lists: %v", user, err)
				}
				for _, s := range page.Cases {
					got = append(got, s.ID)
				}
				if after = page.Next; after == "" || pages > 10 {
					break
				}
			}
			slices.Sort(want)
			slices.Reverse(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s lists %d cases %v, want %d %v", user, len(got), got, len(want), want)
			}
			// A filter never widens the scope.
			page, err := db.ListCases(ctx, a, sqldb.CaseFilter{Status: []ercms.State{ercms.StateTransferred, ercms.StateDraft}, RequestingState: "DE", Limit: sqldb.MaxPage})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.Cases {
				if !slices.Contains(want, s.ID) || s.RequestingState != "DE" || (s.Status != ercms.StateTransferred && s.Status != ercms.StateDraft) {
					t.Errorf("%s filtered list shows %s (%s, %s)", user, s.ID, s.RequestingState, s.Status)
				}
			}
		}
		// The walk means something: the rules separate the actors.
		for name, n := range seen {
			if n < 2 || n == len(all) {
				t.Errorf("%s is seen by %d of %d actors", name, n, len(all))
			}
		}
		for _, check := range []struct {
			user, name string
			visible    bool
		}{
			{"border.officer", "de handed over 30 days ago", true},
			{"border.officer", "de handed over 31 days ago", false},
			{"border.officer", "de notified", true},
			{"border.officer", "nl transit", true},
			{"border.officer", "de submitted", false},
			{"mfa.consul.berlin", "de verification", true},
			{"mfa.consul.paris", "de verification", false}, // a task, but not accredited to DE
			{"mfa.consul.vienna", "at verification", true},
			{"civil.registry.officer", "de verification", true},
			{"civil.registry.officer", "at verification", false},
			{"police.officer", "de verification", false},
			{"sms.officer", "de draft", false},
			{"sms.officer", "fr submitted", true},
			{"de.supervisor", "de draft", true},
			{"de.officer", "fr draft", false},
			{"admin", "de submitted", false},
			{"auditor", "de submitted", false},
		} {
			if got := ercms.CanView(act[check.user], truth[check.name], today); got != check.visible {
				t.Errorf("CanView(%s, %s) = %v, want %v", check.user, check.name, got, check.visible)
			}
		}
	})
}

// TestScopeOfActions checks Act's answers against the pure CanAct: out of
// scope is not found, the wrong role forbidden, the wrong state a conflict.
func TestScopeOfActions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		ids := scopeCases(t, db, clock, act)
		today := baku(clock)
		reason := ercms.ActionInput{Reason: "x", ReasonCode: "other"}
		for _, tc := range []struct {
			user, name, action string
			in                 ercms.ActionInput
			want               string
		}{
			// Wrong role.
			{"de.officer", "de submitted", ercms.ActRegister, ercms.ActionInput{}, ercms.EForbidden},
			{"sms.officer", "de submitted", ercms.ActExtendReply, ercms.ActionInput{Justification: "x", Days: 3}, ercms.EForbidden},
			{"border.officer", "de confirmed", ercms.ActConfirmTransfer, ercms.ActionInput{}, ercms.EForbidden},
			{"civil.registry.officer", "de verification", ercms.ActApprove, ercms.ActionInput{}, ercms.EForbidden},
			{"mfa.consul.berlin", "de verification", ercms.ActWithdraw, reason, ercms.EForbidden},
			// Wrong state.
			{"sms.officer", "de verification", ercms.ActRegister, ercms.ActionInput{}, ercms.EConflict},
			{"de.officer", "de submitted", ercms.ActSubmit, ercms.ActionInput{}, ercms.EConflict},
			{"border.officer", "de handed over 30 days ago", ercms.ActRecordHandover, ercms.ActionInput{}, ercms.EConflict},
			{"de.officer", "de handed over 30 days ago", ercms.ActWithdraw, reason, ercms.EConflict},
			{"sms.supervisor", "de submitted", ercms.ActSignOff, ercms.ActionInput{}, ercms.EConflict},
			// Out of scope.
			{"fr.officer", "de submitted", ercms.ActWithdraw, reason, ercms.ENotFound},
			{"de.officer", "fr draft", ercms.ActSubmit, ercms.ActionInput{}, ercms.ENotFound},
			{"sms.officer", "de draft", ercms.ActRegister, ercms.ActionInput{}, ercms.ENotFound},
			{"police.officer", "de verification", ercms.ActAnswerTask, ercms.ActionInput{}, ercms.ENotFound},
			{"mfa.consul.paris", "de verification", ercms.ActAnswerTask, ercms.ActionInput{}, ercms.ENotFound},
			{"border.officer", "de handed over 31 days ago", ercms.ActRecordTakeBack, ercms.ActionInput{}, ercms.ENotFound},
			{"border.officer", "de submitted", ercms.ActRecordHandover, ercms.ActionInput{}, ercms.ENotFound},
			{"admin", "de submitted", ercms.ActRegister, ercms.ActionInput{}, ercms.ENotFound},
			{"auditor", "de confirmed", ercms.ActConfirmTransfer, ercms.ActionInput{}, ercms.ENotFound},
		} {
			a := act[tc.user]
			c := readCase(t, db, ids[tc.name])
			what := fmt.Sprintf("%s %s on %s (%s)", tc.user, tc.action, tc.name, c.Status)
			if got := ercms.ErrorCode(ercms.CanAct(a, c, tc.action, today)); got != tc.want {
				t.Errorf("CanAct: %s: %q, want %q", what, got, tc.want)
			}
			before := caseState(t, db, c.ID)
			_, err := db.Act(ctx, a, c.ID, tc.action, c.Version, tc.in)
			if got := ercms.ErrorCode(err); got != tc.want {
				t.Errorf("Act: %s: %q (%v), want %q", what, got, err, tc.want)
			}
			if caseState(t, db, c.ID) != before {
				t.Errorf("%s changed the case", what)
			}
		}
		// And the right actor in the right state succeeds.
		c := readCase(t, db, ids["de confirmed"])
		c = mustAct(t, db, act["border.officer"], c, ercms.ActRecordHandover, ercms.ActionInput{Handover: &ercms.Handover{
			At: clock.Now().Add(-time.Hour), Officer: "Fərid Nəsirov", Persons: 1}})
		if c.Status != ercms.StateTransferred {
			t.Fatalf("handover: %s", c.Status)
		}
	})
}

// TestBorderListEndsOnCancellation checks the border post's list: a case
// withdrawn after its transfer was notified stays as a stub (reference and
// state, no person) on the day, and is gone 30 days later.
func TestBorderListEndsOnCancellation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		ids := scopeCases(t, db, clock, act)
		page, err := db.ListCases(ctx, act["border.officer"], sqldb.CaseFilter{Limit: sqldb.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		listed := map[string]sqldb.CaseSummary{}
		for _, c := range page.Cases {
			listed[c.ID] = c
		}
		if stub, ok := listed[ids["de withdrawn today"]]; !ok || stub.Status != ercms.StateWithdrawn || stub.Surname != "" || stub.Reference == "" {
			t.Errorf("the arrival withdrawn today: listed %v as %+v, want a stub without the person", ok, stub)
		}
		if _, ok := listed[ids["de withdrawn 30 days ago"]]; ok {
			t.Error("the border post still lists an arrival withdrawn 30 days ago")
		}
	})
}
