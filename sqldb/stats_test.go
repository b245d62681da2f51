package sqldb_test

import (
	"context"
	"maps"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestStatistics checks the dashboard figures against the cases themselves.
func TestStatistics(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		if _, err := demo.SeedCases(ctx, db, act, 40, 7); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Statistics(ctx, act["sms.officer"]); ercms.ErrorCode(err) != ercms.EForbidden {
			t.Fatalf("an officer reads statistics: %v", err)
		}
		st, err := db.Statistics(ctx, act["analyst"])
		if err != nil {
			t.Fatal(err)
		}
		byStatus := map[ercms.State]int{}
		perMonth := map[string]map[string]int{}
		decisions := map[ercms.State]int{}
		sys := ercms.SystemActor()
		page := &sqldb.CasePage{Next: "start"}
		for after := ""; page.Next != ""; after = page.Next {
			if page, err = db.ListCases(ctx, sys, sqldb.CaseFilter{After: after, Limit: sqldb.MaxPage}); err != nil {
				t.Fatal(err)
			}
			for _, s := range page.Cases {
				if s.Status != ercms.StateDraft {
					byStatus[s.Status]++
				}
				if s.ReceivedOn != nil {
					m := s.ReceivedOn.String()[:7]
					if perMonth[m] == nil {
						perMonth[m] = map[string]int{}
					}
					perMonth[m][s.RequestingState]++
				}
				if s.Type != ercms.TypeReadmission {
					continue
				}
				c, err := db.FindCase(ctx, sys, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]bool{}
				for _, e := range c.Timeline {
					if e.From != e.To && (e.To == "approved" || e.To == "refused" || e.To == "deemed_approved") && !got[e.To] {
						got[e.To] = true
						decisions[ercms.State(e.To)]++
					}
				}
			}
		}
		if len(byStatus) < 10 || !maps.Equal(byStatus, st.ByStatus) {
			t.Errorf("by status %v, want %v", st.ByStatus, byStatus)
		}
		if len(perMonth) != len(st.PerMonth) {
			t.Errorf("per month %v, want %v", st.PerMonth, perMonth)
		}
		for m, states := range perMonth {
			if !maps.Equal(states, st.PerMonth[m]) {
				t.Errorf("month %s: %v, want %v", m, st.PerMonth[m], states)
			}
		}
		if !maps.Equal(decisions, st.Decisions) || st.MedianDays <= 0 {
			t.Errorf("decisions %v (median %v days), want %v", st.Decisions, st.MedianDays, decisions)
		}
		if len(st.Deadlines) == 0 {
			t.Error("no deadline compliance figures")
		}
	})
}

// TestListDueBy checks the deadline-window filter against each case's next deadline.
func TestListDueBy(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		if _, err := demo.SeedCases(ctx, db, act, 40, 3); err != nil {
			t.Fatal(err)
		}
		by := db.Today().AddDays(7)
		all, err := db.ListCases(ctx, ercms.SystemActor(), sqldb.CaseFilter{Limit: sqldb.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, c := range all.Cases {
			if c.NextDeadline != nil && c.NextDeadline.DueOn != nil && !c.NextDeadline.DueOn.After(by) {
				want++
			}
		}
		got, err := db.ListCases(ctx, ercms.SystemActor(), sqldb.CaseFilter{DueBy: &by, Limit: sqldb.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		if want == 0 || len(got.Cases) != want {
			t.Fatalf("due by %s: %d cases, want %d", by, len(got.Cases), want)
		}
	})
}
