package sqldb_test

import (
	"slices"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestThreeAgreementsOneDeployment: the Azerbaijani deployment serves the
// EU's, Norway's and Switzerland's agreements side by side; each requesting
// state's case is counted under its own agreement (the Swiss reply from the
// acknowledgement of receipt, Art. 8(2); the Norwegian one from receipt),
// and no requesting state sees another's cases.
func TestThreeAgreementsOneDeployment(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		var ids []string
		for _, p := range db.Profiles() {
			ids = append(ids, p.ID)
		}
		if !slices.Equal(ids, []string{"eu-az", "no-az", "ch-az"}) {
			t.Errorf("the deployment's agreements %v, want the oldest first", ids)
		}
		if got := db.PartnerStates(); !slices.Equal(got, []string{"DE", "AT", "BE", "FR", "NL", "NO", "CH"}) {
			t.Errorf("requesting states %v", got)
		}
		for state, want := range map[string]string{"": "eu-az", "DE": "eu-az", "NO": "no-az", "CH": "ch-az"} {
			if p, err := db.ProfileFor(state); err != nil || p.ID != want {
				t.Errorf("ProfileFor(%q) = %v, %v; want %s", state, p, err, want)
			}
		}
		_, err := db.ProfileFor("SE")
		wantCode(t, err, ercms.EForbidden, "a state without an agreement of the deployment")

		// Submitted in the system: the electronic receipt is the acknowledgement.
		no := submittedCase(t, db, act["no.officer"], "NO-PU-1")
		ch := submittedCase(t, db, act["ch.officer"], "CH-SEM-1")
		for _, tc := range []struct {
			c             *ercms.Case
			profile, from string
		}{{no, "no-az", "received_on"}, {ch, "ch-az", ercms.AcknowledgementEvent}} {
			d := tc.c.ReplyClock()
			if tc.c.ProfileID != tc.profile || d == nil || d.Rule.From != tc.from || d.DueOn == nil || *d.DueOn != tc.c.ReceivedOn.AddDays(15) {
				t.Errorf("%s: profile %s, reply %+v; want %s counting from %s", tc.c.Reference, tc.c.ProfileID, d, tc.profile, tc.from)
			}
		}

		// Received by e-mail three days ago, acknowledged yesterday: the Swiss
		// reply counts from the acknowledgement, the Norwegian one stays
		// counted from receipt.
		sms := act["sms.officer"]
		received, acked := baku(clock).AddDays(-3), baku(clock).AddDays(-1)
		for _, tc := range []struct {
			user, ref string
			due       func() string
		}{
			{"ch.officer", "CH-SEM-MAIL", func() string { return acked.AddDays(15).String() }},
			{"no.officer", "NO-PU-MAIL", func() string { return received.AddDays(15).String() }},
		} {
			mail, err := db.ImportApplication(ctx, sms, act[tc.user].Org.ID, received, application(tc.ref), nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := mail.ReplyClock(); d == nil || d.DueOn == nil || *d.DueOn != received.AddDays(15) {
				t.Fatalf("%s before the acknowledgement: %+v", tc.ref, d)
			}
			mail = mustAct(t, db, sms, mail, ercms.ActRecordAcknowledgement, ercms.ActionInput{AcknowledgedOn: &acked})
			if d := mail.ReplyClock(); d == nil || d.DueOn == nil || d.DueOn.String() != tc.due() {
				t.Errorf("%s: reply %+v after the acknowledgement of %s, want due %s", tc.ref, d, acked, tc.due())
			}
		}

		// Each requesting state sees its own cases only.
		for user, want := range map[string][]string{
			"no.officer": {"NO-PU-1", "NO-PU-MAIL"}, "ch.officer": {"CH-SEM-1", "CH-SEM-MAIL"}, "de.officer": nil,
		} {
			page, err := db.ListCases(ctx, act[user], sqldb.CaseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range page.Cases {
				got = append(got, c.RequestingReference)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s lists %v, want %v", user, got, want)
			}
			for _, other := range []*ercms.Case{no, ch} {
				if act[user].Org.State == other.RequestingState {
					continue
				}
				if _, err := db.FindCase(ctx, act[user], other.ID); ercms.ErrorCode(err) != ercms.ENotFound && ercms.ErrorCode(err) != ercms.EForbidden {
					t.Errorf("%s reads %s: %v", user, other.Reference, err)
				}
			}
		}
	})
}
