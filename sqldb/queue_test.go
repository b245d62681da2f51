package sqldb_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// queueRefs lists a's cases of the states in the order o, by the member
// state's file number.
func queueRefs(t *testing.T, db *sqldb.DB, a ercms.Actor, o sqldb.QueueOrder, states ...ercms.State) ([]string, []sqldb.CaseSummary) {
	t.Helper()
	return queueTop(t, db, a, o, sqldb.MaxPage, states...)
}

// queueTop is queueRefs of the first limit cases of the queue, as the
// store chooses them (in SQL).
func queueTop(t *testing.T, db *sqldb.DB, a ercms.Actor, o sqldb.QueueOrder, limit int, states ...ercms.State) ([]string, []sqldb.CaseSummary) {
	t.Helper()
	lists, err := db.Queues(ctx, a, []sqldb.QueueSpec{{States: states, Order: o}}, limit)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, c := range lists[0] {
		refs = append(refs, c.RequestingReference)
	}
	return refs, lists[0]
}

// TestQueueArrivalOrder lists the transfers notified to the border post in
// the order of their arrival (date, then time), each with the crossing
// point, flight, persons, escorts and care needs the post must act on,
// whatever the order of their deadlines or references.
func TestQueueArrivalOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup, border, berlin := act["de.officer"], act["sms.officer"], act["sms.supervisor"], act["border.officer"], act["mfa.consul.berlin"]
		today := civil.In(clock.Now(), time.UTC)
		notify := func(ref string, tr ercms.Transfer) {
			c := mustAct(t, db, sms, submittedCase(t, db, de, ref), ercms.ActRegister, ercms.ActionInput{})
			c = mustAct(t, db, sms, c, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
			c = mustAct(t, db, sup, c, ercms.ActSignOff, ercms.ActionInput{})
			// Own nationals travel on the travel document the mission issues.
			c = mustAct(t, db, de, c, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin.Org.ID})
			c = mustAct(t, db, berlin, c, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-" + ref, ValidUntil: ptr(today.AddDays(25))})
			mustAct(t, db, de, c, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
		}
		notify("DE-ARR-1", ercms.Transfer{Date: today.AddDays(10), Time: "10:00", CrossingPoint: "GYD", Flight: "LH 2554", Escorts: 2})
		notify("DE-ARR-2", ercms.Transfer{Date: today.AddDays(5), Time: "18:30", CrossingPoint: "GYD", Flight: "J2 8012", Escorts: 1})
		notify("DE-ARR-3", ercms.Transfer{Date: today.AddDays(10), Time: "07:15", CrossingPoint: "GYD", Flight: "TK 332", Escorts: 3,
			MedicalEscort: true, SpecialNeeds: "Wheelchair at the gate"})
		refs, cs := queueRefs(t, db, border, sqldb.OrderArrival, ercms.StateTransferNotified, ercms.StateTransferConfirmed)
		if want := []string{"DE-ARR-2", "DE-ARR-3", "DE-ARR-1"}; !slices.Equal(refs, want) {
			t.Fatalf("arrivals in order %v, want %v", refs, want)
		}
		a := cs[1].Arrival
		if a == nil || a.Date != today.AddDays(10) || a.Time != "07:15" || a.CrossingPoint != "GYD" || a.Flight != "TK 332" ||
			a.Persons != 1 || a.Escorts != 3 || !slices.Contains(a.Needs, "medical_escort") || a.SpecialNeeds != "Wheelchair at the gate" {
			t.Fatalf("the border post reads the arrival %+v", a)
		}
		if a := cs[0].Arrival; a == nil || len(a.Needs) != 0 || a.Escorts != 1 {
			t.Fatalf("an arrival without care needs reads %+v", a)
		}
	})
}

// TestQueueSignOffOrder lists the proposals awaiting sign-off by how close
// deemed approval is (the reply due date), nearest first, with that date.
func TestQueueSignOffOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup := act["de.officer"], act["sms.officer"], act["sms.supervisor"]
		propose := func(ref string, extend int) *ercms.Case {
			c := mustAct(t, db, sms, submittedCase(t, db, de, ref), ercms.ActRegister, ercms.ActionInput{})
			if extend > 0 {
				c = mustAct(t, db, sup, c, ercms.ActExtendReply, ercms.ActionInput{Days: extend, Justification: "Records are archived."})
			}
			return mustAct(t, db, sms, c, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		}
		// Neither the newest first nor the order of the references.
		mid := propose("DE-SIGN-1", 5)
		near := propose("DE-SIGN-2", 0)
		far := propose("DE-SIGN-3", 10)
		refs, cs := queueRefs(t, db, sup, sqldb.OrderReplyDue, ercms.StatePendingSignOff)
		if want := []string{"DE-SIGN-2", "DE-SIGN-1", "DE-SIGN-3"}; !slices.Equal(refs, want) {
			t.Fatalf("sign-offs in order %v, want %v", refs, want)
		}
		for i, c := range []*ercms.Case{near, mid, far} {
			want := c.Deadline(ercms.ClockReply).DueOn
			if got := cs[i].Reply; got == nil || *got.DueOn != *want {
				t.Errorf("%s: deemed approval after %v, want %v", refs[i], got, *want)
			}
		}
		if !cs[0].Reply.DueOn.Before(*cs[1].Reply.DueOn) || !cs[1].Reply.DueOn.Before(*cs[2].Reply.DueOn) {
			t.Errorf("reply due dates not distinct: %v %v %v", cs[0].Reply.DueOn, cs[1].Reply.DueOn, cs[2].Reply.DueOn)
		}
	})
}

// TestQueueNearestBeyondNewest: with more than a page (200) of cases, the
// oldest case, whose deadline is nearest, heads the central authority's
// queue to register; the queues' orders are chosen in SQL: the nearest
// deemed approval first among proposals, the earliest arrival first at
// the border, even when only one case is listed.
func TestQueueNearestBeyondNewest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup, border, berlin := act["de.officer"], act["sms.officer"], act["sms.supervisor"], act["border.officer"], act["mfa.consul.berlin"]
		today := civil.In(clock.Now(), time.UTC)
		oldest := submittedCase(t, db, de, "DE-OLDEST")
		clock.Advance(72 * time.Hour)
		for i := range sqldb.MaxPage + 5 {
			submittedCase(t, db, de, fmt.Sprintf("DE-NEW-%03d", i))
		}
		refs, cs := queueTop(t, db, sms, sqldb.OrderDeadline, sqldb.MaxPage, ercms.StateSubmitted)
		if len(refs) != sqldb.MaxPage || refs[0] != "DE-OLDEST" || cs[0].ID != oldest.ID {
			t.Fatalf("the queue to register lists %d cases from %v, want %d from DE-OLDEST", len(refs), refs[:min(3, len(refs))], sqldb.MaxPage)
		}

		// Proposals: the one proposed last is deemed approved first.
		late := mustAct(t, db, sms, submittedCase(t, db, de, "DE-SIGN-LATE"), ercms.ActRegister, ercms.ActionInput{})
		late = mustAct(t, db, sup, late, ercms.ActExtendReply, ercms.ActionInput{Days: 10, Justification: "Archives."})
		mustAct(t, db, sms, late, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		clock.Advance(time.Hour)
		soon := mustAct(t, db, sms, readCase(t, db, oldest.ID), ercms.ActRegister, ercms.ActionInput{})
		mustAct(t, db, sms, soon, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
		if refs, _ := queueTop(t, db, sup, sqldb.OrderReplyDue, 1, ercms.StatePendingSignOff); !slices.Equal(refs, []string{"DE-OLDEST"}) {
			t.Errorf("the first proposal to sign off is %v, want DE-OLDEST", refs)
		}

		// Arrivals: the one notified last arrives first.
		notify := func(ref string, tr ercms.Transfer) {
			c := mustAct(t, db, sms, submittedCase(t, db, de, ref), ercms.ActRegister, ercms.ActionInput{})
			c = mustAct(t, db, sms, c, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
			c = mustAct(t, db, sup, c, ercms.ActSignOff, ercms.ActionInput{})
			c = mustAct(t, db, de, c, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin.Org.ID})
			c = mustAct(t, db, berlin, c, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-" + ref, ValidUntil: ptr(today.AddDays(25))})
			mustAct(t, db, de, c, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
		}
		notify("DE-ARR-LATE", ercms.Transfer{Date: today.AddDays(12), Time: "06:00", CrossingPoint: "GYD", Escorts: 1})
		notify("DE-ARR-NOTIME", ercms.Transfer{Date: today.AddDays(9), CrossingPoint: "GYD", Escorts: 1})
		notify("DE-ARR-SOON", ercms.Transfer{Date: today.AddDays(9), Time: "23:10", CrossingPoint: "GYD", Escorts: 1})
		for limit, want := range map[int][]string{1: {"DE-ARR-SOON"}, 2: {"DE-ARR-SOON", "DE-ARR-NOTIME"}} {
			if refs, _ := queueTop(t, db, border, sqldb.OrderArrival, limit, ercms.StateTransferNotified); !slices.Equal(refs, want) {
				t.Errorf("the first %d arrivals are %v, want %v", limit, refs, want)
			}
		}
	})
}
