package sqldb_test

import (
	"fmt"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestGroupTransfer notifies one flight for three persons, has the
// central authority confirm it in one step, and the border record who came.
func TestGroupTransfer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr, sms, gyd := act["de.officer"], act["fr.officer"], act["sms.officer"], act["border.officer"]
		today := baku(clock)
		var cases []*ercms.Case
		var list []sqldb.CaseVersion
		for _, ref := range []string{"DE-GRP-1", "DE-GRP-2", "DE-GRP-3"} {
			c := createCase(t, db, de, noApplication(ref, today))
			cases = append(cases, c)
			list = append(list, sqldb.CaseVersion{ID: c.ID, Version: c.Version})
		}
		tr := ercms.Transfer{Date: today.AddDays(14), Time: "06:10", CrossingPoint: "GYD", Flight: "charter DE-AZ 7", Escorts: 6}

		_, err := db.NotifyGroupTransfer(ctx, de, list[:1], tr)
		wantFields(t, err, "cases")
		_, err = db.NotifyGroupTransfer(ctx, de, []sqldb.CaseVersion{list[0], list[0]}, tr)
		wantFields(t, err, "cases")
		stale := append([]sqldb.CaseVersion{}, list...)
		stale[2].Version++
		_, err = db.NotifyGroupTransfer(ctx, de, stale, tr)
		wantCode(t, err, ercms.EPreconditionFailed, "a stale case in the group")
		if e, ok := err.(*ercms.Error); !ok || e.Message != "err.transfer.case_in_list" || e.Args["position"] != 3 || e.Args["case_id"] != list[2].ID || !ercms.IsKey(fmt.Sprint(e.Args["reason"])) {
			t.Errorf("a stale case in the group: %v, want err.transfer.case_in_list naming case 3 and the key of its reason", err)
		}
		bad := tr
		bad.CrossingPoint = "XXX"
		_, err = db.NotifyGroupTransfer(ctx, de, list, bad)
		wantFields(t, err, "cases[0].transfer.crossing_point")
		if got := statusOf(t, db, cases[0].ID); got != string(ercms.StateApproved) {
			t.Fatalf("after a refused group notice the first case is %s: all or nothing", got)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM transfer_operations`); n != 0 {
			t.Fatalf("%d operations left behind by refused notices", n)
		}

		op, err := db.NotifyGroupTransfer(ctx, de, list, tr)
		if err != nil {
			t.Fatal(err)
		}
		if len(op.Cases) != 3 || op.CrossingPoint != "GYD" {
			t.Fatalf("operation %+v", op)
		}
		for _, oc := range op.Cases {
			c := readCase(t, db, oc.CaseID)
			if c.Status != ercms.StateTransferNotified || c.Transfer.OperationID != op.ID || c.Transfer.Escorts != 6 || oc.Surname != "Məmmədov" {
				t.Errorf("case %s: %s %+v", oc.Reference, c.Status, c.Transfer)
			}
		}
		_, err = db.TransferOperation(ctx, fr, op.ID)
		wantCode(t, err, ercms.ENotFound, "another state reads the operation")

		// A single notice cannot join an operation by naming it.
		other := createCase(t, db, de, noApplication("DE-GRP-4", today))
		sneaky := tr
		sneaky.OperationID = op.ID
		other = mustAct(t, db, de, other, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &sneaky})
		if other.Transfer.OperationID != "" {
			t.Errorf("a single notice joined operation %s", other.Transfer.OperationID)
		}

		versions := func(op *sqldb.TransferOperation, n int) []sqldb.CaseVersion {
			var out []sqldb.CaseVersion
			for _, oc := range op.Cases[:n] {
				out = append(out, sqldb.CaseVersion{ID: oc.CaseID, Version: oc.Version})
			}
			return out
		}
		_, err = db.ActOnOperation(ctx, sms, op.ID, ercms.ActConfirmTransfer, []sqldb.CaseVersion{{ID: other.ID, Version: other.Version}}, ercms.ActionInput{})
		wantFields(t, err, "cases[0]")
		op, err = db.ActOnOperation(ctx, sms, op.ID, ercms.ActConfirmTransfer, versions(op, 3), ercms.ActionInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, oc := range op.Cases {
			if oc.Status != ercms.StateTransferConfirmed {
				t.Errorf("%s is %s after the group confirmation", oc.Reference, oc.Status)
			}
		}

		// The crossing point's handover list: two came, one did not.
		clock.Advance(14 * day)
		list2, err := db.TransferOperation(ctx, gyd, op.ID)
		if err != nil || len(list2.Cases) != 3 {
			t.Fatalf("border list %+v: %v", list2, err)
		}
		at := clock.Now()
		op, err = db.ActOnOperation(ctx, gyd, op.ID, ercms.ActRecordHandover, versions(list2, 2),
			ercms.ActionInput{Handover: &ercms.Handover{At: at, Officer: "F. Nəsirov", Persons: 1}})
		if err != nil {
			t.Fatal(err)
		}
		third := list2.Cases[2]
		if _, err := db.Act(ctx, gyd, third.CaseID, ercms.ActRecordNoShow, third.Version, ercms.ActionInput{Reason: "Not on the flight."}); err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		for _, c := range cases {
			states[statusOf(t, db, c.ID)]++
		}
		if states[string(ercms.StateTransferred)] != 2 || states[string(ercms.StateTransferPostponed)] != 1 {
			t.Errorf("after the handover: %v", states)
		}
	})
}

// statusOf returns the status column of a case.
func statusOf(t *testing.T, db *sqldb.DB, id string) string {
	t.Helper()
	var st string
	if err := db.SQL().QueryRowContext(ctx, `SELECT status FROM cases WHERE id = $1`, id).Scan(&st); err != nil {
		t.Fatal(err)
	}
	return st
}
