package sqldb_test

import (
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// replyClock returns the case's reply clock.
func replyClock(t *testing.T, c *ercms.Case) ercms.Deadline {
	t.Helper()
	for _, d := range c.Deadlines {
		if d.Kind == ercms.ClockReply {
			return d
		}
	}
	t.Fatalf("case %s has no reply clock: %+v", c.Reference, c.Deadlines)
	return ercms.Deadline{}
}

// TestProfileCorrection: a figure found wrong is corrected in the version in
// force (same number, same effective date), with the reason; the check of
// the wrong figure is withdrawn; running cases are recomputed on the
// corrected rule and say so; refusals change nothing.
func TestProfileCorrection(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			open := opener(t, testdb.URL(t, e), "", clock)
			db := open()
			act := seed(t, db)
			admin, sms, de := act["admin"], act["sms.supervisor"], act["de.officer"]
			c := submittedCase(t, db, de, "DE-corr")
			due := replyClock(t, readCase(t, db, c.ID)).DueOn
			if due == nil {
				t.Fatal("no reply due date")
			}
			if _, err := db.RecordProfileCheck(ctx, admin, "eu-az", 1, sqldb.CheckInput{Figure: "rules.reply", Text: "OJ L 128", Article: "Art. 11"}); err != nil {
				t.Fatal(err)
			}
			ten := func() deadline.Profile {
				p := editable(t, db, "eu-az")
				r := p.Rules["reply"]
				r.Count, r.Verify = 10, false
				r.Source = "EU–AZ Agreement, Art. 11(2), OJ L 128, 30.4.2014: 10 calendar days"
				p.Rules["reply"] = r
				return p
			}

			_, _, err := db.CorrectProfileVersion(ctx, sms, ten(), "the text says 10 days")
			wantCode(t, err, ercms.EForbidden, "a supervisor corrects a profile")
			bad := []struct {
				name   string
				p      deadline.Profile
				reason string
				fields []string
			}{
				{"no reason", ten(), "  ", []string{"reason"}},
				{"another effective date", func() deadline.Profile { p := ten(); p.EffectiveFrom = civil.MustParse("2015-01-01"); return p }(), "x", []string{"effective_from"}},
				{"nothing changed", editable(t, db, "eu-az"), "x", []string{"profile"}},
				{"a negative count", func() deadline.Profile {
					p := ten()
					r := p.Rules["reply"]
					r.Count = -1
					p.Rules["reply"] = r
					return p
				}(), "x", []string{"rules.reply.count"}},
			}
			for _, tc := range bad {
				evs := newAudit(t, db, func() { _, _, err = db.CorrectProfileVersion(ctx, admin, tc.p, tc.reason) })
				t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.fields...) })
				if len(evs) != 0 {
					t.Errorf("%s: a refused correction wrote %d audit events", tc.name, len(evs))
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM profile_corrections`); n != 0 {
				t.Fatalf("%d corrections after refusals", n)
			}

			var got *deadline.Profile
			var rc sqldb.Recomputation
			evs := newAudit(t, db, func() { got, rc, err = db.CorrectProfileVersion(ctx, admin, ten(), "Art. 11(2) says 10 calendar days") })
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != 1 || got.Rules["reply"].Count != 10 || rc.Total < 1 {
				t.Fatalf("corrected: v%d reply %d, recomputation of %d cases", got.Version, got.Rules["reply"].Count, rc.Total)
			}
			var audited bool
			for _, ev := range evs {
				if ev.Action == "profile.corrected" && ev.ObjectID == "eu-az-v1" && strings.Contains(string(ev.Details), "Art. 11(2) says 10 calendar days") &&
					strings.Contains(string(ev.Details), "rules.reply") {
					audited = true
				}
			}
			if !audited {
				t.Errorf("the correction is not audited with its reason and figure: %+v", evs)
			}
			if vs := db.Rules().Versions("eu-az"); len(vs) != 1 || vs[0].Rules["reply"].Count != 10 {
				t.Errorf("after the correction: %d versions", len(vs))
			}
			if checks, _ := db.ProfileChecks(ctx, "eu-az", 1); len(checks) != 0 {
				t.Errorf("the check of the wrong figure stays: %+v", checks)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM profile_corrections WHERE reason = 'Art. 11(2) says 10 calendar days'`); n != 1 {
				t.Errorf("%d corrections kept", n)
			}

			if _, err := db.RecomputeAll(ctx); err != nil {
				t.Fatal(err)
			}
			after := readCase(t, db, c.ID)
			r := replyClock(t, after)
			if r.Rule.Count != 10 || r.DueOn == nil || *r.DueOn != due.AddDays(-5) {
				t.Errorf("the reply after the correction: %+v (due before %s)", r, due)
			}
			var noted bool
			for _, ev := range after.Timeline {
				noted = noted || ev.Action == ercms.ChangeDeadlineRecomputed
			}
			if !noted {
				t.Error("the case does not say its due date moved")
			}
			// A new case counts on the corrected rule at once.
			fresh := submittedCase(t, db, de, "DE-corr-2")
			if r := replyClock(t, readCase(t, db, fresh.ID)); r.Rule.Count != 10 {
				t.Errorf("a new case's reply: %+v", r.Rule)
			}
			// The correction is kept across a restart.
			if p, err := open().Rules().Latest("eu-az"); err != nil || p.Rules["reply"].Count != 10 || p.Version != 1 {
				t.Errorf("after a restart: the reply counts %d days in version %d (%v)", p.Rules["reply"].Count, p.Version, err)
			}
		})
	}
}

// TestCorrectFigureFields: a correction of one figure reports its problems
// on the correction's own fields, and corrects a procedure figure and a
// protocol's rule alone.
func TestCorrectFigureFields(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			db := opener(t, testdb.URL(t, e), "", clock)()
			admin := seed(t, db)["admin"]
			n := func(v int) *int { return &v }
			for _, tc := range []struct {
				name   string
				in     sqldb.FigureCorrection
				fields []string
			}{
				{"nothing", sqldb.FigureCorrection{}, []string{"figure", "count", "reason"}},
				{"unknown unit, control character", sqldb.FigureCorrection{Figure: "rules.reply", Count: n(10), Unit: "weeks", Source: "a\x07b", Reason: "x"}, []string{"unit", "source"}},
				{"too large", sqldb.FigureCorrection{Figure: "extension_max", Count: n(10000), Reason: "x"}, []string{"count"}},
				{"same figure", sqldb.FigureCorrection{Figure: "rules.reply", Count: n(15), Reason: "x"}, []string{"count"}},
				{"working days without a calendar", sqldb.FigureCorrection{Figure: "rules.take_back", Count: n(6), Unit: "working_days", Reason: "x"}, []string{"unit"}},
			} {
				_, _, err := db.CorrectFigure(ctx, admin, "eu-az", tc.in)
				t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.fields...) })
			}
			if _, _, err := db.CorrectFigure(ctx, admin, "eu-az", sqldb.FigureCorrection{Figure: "extension_max", Count: n(30), Source: "EU–AZ Agreement, Art. 11(2)", Reason: "30 more days"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.CorrectFigure(ctx, admin, "eu-az", sqldb.FigureCorrection{Figure: "overrides.AT.rules.transfer_notice", Count: n(4), Reason: "protocol Art. 3"}); err != nil {
				t.Fatal(err)
			}
			p, _ := db.Rules().Latest("eu-az")
			if p.ExtensionMaxDays != 30 || p.ExtensionMaxSource != "EU–AZ Agreement, Art. 11(2)" || p.Overrides["AT"].Rules["transfer_notice"].Count != 4 ||
				p.Rules["transfer_notice"].Count != 3 || p.Version != 1 {
				t.Errorf("after two corrections: extension %d (%s), AT notice %d, notice %d, v%d", p.ExtensionMaxDays, p.ExtensionMaxSource,
					p.Overrides["AT"].Rules["transfer_notice"].Count, p.Rules["transfer_notice"].Count, p.Version)
			}
		})
	}
}
