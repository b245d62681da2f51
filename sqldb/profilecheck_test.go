package sqldb_test

import (
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestProfileChecks: an administrator records that a figure was checked
// against the agreement text; the check is validated, audited in the same
// transaction, replaces an earlier one and can be withdrawn; no one else
// may record or withdraw one, and the profile keeps its version.
func TestProfileChecks(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			db := opener(t, testdb.URL(t, e), "", clock)()
			act := seed(t, db)
			admin, sms, de := act["admin"], act["sms.supervisor"], act["de.officer"]
			ok := sqldb.CheckInput{Figure: "rules.reply", Text: "OJ L 128, 30.4.2014", Article: "Art. 11(2)", Note: "15 calendar days, confirmed"}

			for _, a := range []ercms.Actor{sms, de} {
				evs := newAudit(t, db, func() {
					_, err := db.RecordProfileCheck(ctx, a, "eu-az", 1, ok)
					wantCode(t, err, ercms.EForbidden, a.Username+" records a check")
				})
				if len(evs) != 0 {
					t.Errorf("a refused check wrote %d audit events", len(evs))
				}
			}
			_, err := db.RecordProfileCheck(ctx, admin, "eu-az", 9, ok)
			wantCode(t, err, ercms.ENotFound, "a check of an unknown version")
			_, err = db.RecordProfileCheck(ctx, admin, "xx-az", 1, ok)
			wantCode(t, err, ercms.ENotFound, "a check of an unknown profile")

			bad := []struct {
				name   string
				in     sqldb.CheckInput
				fields []string
			}{
				{"nothing", sqldb.CheckInput{}, []string{"figure", "text", "article"}},
				{"unknown figure, blank text", sqldb.CheckInput{Figure: "rules.nothing", Text: "   ", Article: "Art. 1"}, []string{"figure", "text"}},
				{"too long, control character", sqldb.CheckInput{Figure: "extension_max", Text: strings.Repeat("ə", 1000), Article: "Art.\x00 11", Note: strings.Repeat("%", 2001)},
					[]string{"text", "article", "note"}},
			}
			for _, tc := range bad {
				evs := newAudit(t, db, func() {
					_, err = db.RecordProfileCheck(ctx, admin, "eu-az", 1, tc.in)
				})
				t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.fields...) })
				if len(evs) != 0 {
					t.Errorf("%s: a refused check wrote %d audit events", tc.name, len(evs))
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM profile_checks`); n != 0 {
				t.Fatalf("%d checks stored after refusals", n)
			}

			var c *sqldb.ProfileCheck
			evs := newAudit(t, db, func() {
				c, err = db.RecordProfileCheck(ctx, admin, "eu-az", 1, ok)
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || evs[0].Action != "profile.figure_checked" || evs[0].ObjectID != "eu-az-v1" ||
				!strings.Contains(string(evs[0].Details), "Art. 11(2)") {
				t.Fatalf("audit of a check: %+v", evs)
			}
			got, err := db.ProfileChecks(ctx, "eu-az", 1)
			if err != nil {
				t.Fatal(err)
			}
			r := got["rules.reply"]
			if len(got) != 1 || r.ID != c.ID || r.Text != ok.Text || r.Article != ok.Article || r.Note != ok.Note ||
				r.CheckedBy != "admin" || r.CheckedByName == "" || !r.CheckedAt.Equal(clock.Now()) {
				t.Fatalf("checks = %+v", got)
			}
			if vs := db.Rules().Versions("eu-az"); len(vs) != 1 {
				t.Errorf("a check made %d versions", len(vs))
			}

			// A newer check of the same figure replaces it; a protocol's rule is a figure of its own.
			newer := ok
			newer.Article = "Article 11(2), second sentence"
			if _, err := db.RecordProfileCheck(ctx, admin, "eu-az", 1, newer); err != nil {
				t.Fatal(err)
			}
			at := sqldb.CheckInput{Figure: "overrides.AT.rules.transfer_notice", Text: "Austria–Azerbaijan protocol", Article: "Art. 3"}
			if _, err := db.RecordProfileCheck(ctx, admin, "eu-az", 1, at); err != nil {
				t.Fatal(err)
			}
			got, _ = db.ProfileChecks(ctx, "eu-az", 1)
			if len(got) != 2 || got["rules.reply"].Article != newer.Article || got["overrides.AT.rules.transfer_notice"].Text != at.Text {
				t.Fatalf("after a newer check: %+v", got)
			}

			err = db.WithdrawProfileCheck(ctx, sms, "eu-az", 1, "rules.reply", "")
			wantCode(t, err, ercms.EForbidden, "a supervisor withdraws a check")
			err = db.WithdrawProfileCheck(ctx, admin, "eu-az", 1, "rules.transit_reply", "")
			wantCode(t, err, ercms.ENotFound, "withdraw a check never recorded")
			evs = newAudit(t, db, func() {
				err = db.WithdrawProfileCheck(ctx, admin, "eu-az", 1, "rules.reply", "Wrong edition of the Official Journal")
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || evs[0].Action != "profile.figure_check_withdrawn" || !strings.Contains(string(evs[0].Details), "Wrong edition") {
				t.Fatalf("audit of a withdrawal: %+v", evs)
			}
			got, _ = db.ProfileChecks(ctx, "eu-az", 1)
			if _, still := got["rules.reply"]; still || len(got) != 1 {
				t.Fatalf("after withdrawal: %+v", got)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM profile_checks WHERE figure = 'rules.reply'`); n != 2 {
				t.Errorf("%d checks of the reply kept, want both (withdrawn, not deleted)", n)
			}
		})
	}
}
