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

// queueRefs lists a's cases of the states in the order o, by the member
// state's file number.
func queueRefs(t *testing.T, db *sqldb.DB, a ercms.Actor, o sqldb.QueueOrder, states ...ercms.State) ([]string, []sqldb.CaseSummary) {
	t.Helper()
	pg, err := db.ListCases(ctx, a, sqldb.CaseFilter{Status: states, Limit: sqldb.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	sqldb.SortQueue(pg.Cases, o)
	var refs []string
	for _, c := range pg.Cases {
		refs = append(refs, c.RequestingReference)
	}
	return refs, pg.Cases
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
