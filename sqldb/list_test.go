package sqldb_test

import (
	"slices"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestSearchCases searches names across scripts and references, within
// scope, with filters and page by page.
func TestSearchCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr, sms := act["de.officer"], act["fr.officer"], act["sms.officer"]
		person := func(ref, surname, given, cyrillic string) ercms.NewCase {
			n := application(ref)
			n.Person.Surname, n.Person.GivenNames, n.Person.OriginalScript = surname, given, nil
			if cyrillic != "" {
				n.Person.OriginalScript = &ercms.Name{Surname: cyrillic, Script: "Cyrl"}
			}
			return n
		}
		submit := func(a ercms.Actor, n ercms.NewCase) *ercms.Case {
			return mustAct(t, db, a, createCase(t, db, a, n), ercms.ActSubmit, ercms.ActionInput{})
		}
		ali := submit(de, person("DE-ali", "Məmmədov", "Əli", "Мамедов"))
		leyla := submit(de, person("DE-leyla", "Məmmədova", "Leyla", ""))
		zaur := createCase(t, db, de, person("DE-zaur", "Mamedov", "Zaur", "")) // a draft
		samir := submit(de, person("DE-samir", "Əliyev", "Samir Məmməd oğlu", ""))
		other := submit(de, person("DE-other", "Quliyev", "Kamran", ""))
		frc := submit(fr, person("FR-ali", "Məmmədov", "Əli", ""))
		leyla = mustAct(t, db, sms, leyla, ercms.ActRegister, ercms.ActionInput{})
		// Newest first.
		newest := func(cs ...*ercms.Case) []string {
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			slices.Reverse(ids)
			return ids
		}
		search := func(a ercms.Actor, f sqldb.CaseFilter) []string {
			t.Helper()
			var ids []string
			for pages := 0; pages < 20; pages++ {
				page, err := db.ListCases(ctx, a, f)
				if err != nil {
					t.Fatalf("%+v: %v", f, err)
				}
				for _, c := range page.Cases {
					ids = append(ids, c.ID)
				}
				if f.After = page.Next; f.After == "" {
					break
				}
			}
			return ids
		}
		for _, tc := range []struct {
			who  ercms.Actor
			f    sqldb.CaseFilter
			want []string
		}{
			{de, sqldb.CaseFilter{Text: "mamm"}, newest(ali, leyla, samir)},           // Latin prefix of any name
			{de, sqldb.CaseFilter{Text: "MƏMMƏDOV"}, newest(ali, leyla, zaur)},        // full name, any case; the Russified spelling by skeleton
			{de, sqldb.CaseFilter{Text: "Мамедов"}, newest(ali, zaur)},                // Cyrillic (skeletons match whole words: not Məmmədova)
			{de, sqldb.CaseFilter{Text: "Мамедова Лейла"}, newest(leyla)},             // every word must match
			{de, sqldb.CaseFilter{Text: "Məmmədov Kamran"}, nil},                      // words of two different cases
			{de, sqldb.CaseFilter{Text: "Zzyzx"}, nil},                                // nothing
			{de, sqldb.CaseFilter{Text: "DE-other"}, newest(other)},                   // the file number
			{de, sqldb.CaseFilter{Text: samir.Reference}, newest(samir)},              // the reference
			{de, sqldb.CaseFilter{Text: frc.Reference}, nil},                          // another state's reference
			{de, sqldb.CaseFilter{Text: "mamm", Limit: 1}, newest(ali, leyla, samir)}, // page by page
			{de, sqldb.CaseFilter{Text: "mamm", Status: []ercms.State{ercms.StateRegistered}}, newest(leyla)},
			{de, sqldb.CaseFilter{Text: "mamm", After: samir.ID}, newest(ali, leyla)}, // after a cursor
			{sms, sqldb.CaseFilter{Text: "Mamedov"}, newest(ali, frc)},                // the CA sees both states, no drafts
			{sms, sqldb.CaseFilter{Text: "mamedov", RequestingState: "FR"}, newest(frc)},
			{fr, sqldb.CaseFilter{Text: "mamm"}, newest(frc)},
			{act["police.officer"], sqldb.CaseFilter{Text: "mamm"}, nil},
		} {
			if got := search(tc.who, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%s searches %+v: %v, want %v", tc.who.Username, tc.f, got, tc.want)
			}
		}
	})
}
