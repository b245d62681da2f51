package sqldb_test

import (
	"fmt"
	"slices"
	"strings"
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
		serial := 0
		person := func(ref, surname, given, cyrillic string) ercms.NewCase {
			n := application(ref)
			n.Person.Surname, n.Person.GivenNames, n.Person.OriginalScript = surname, given, nil
			// Each person has a passport and a date of birth of their own.
			serial++
			n.Evidence[0].Number = fmt.Sprintf("C0123456%d", serial)
			n.Person.DateOfBirth = ercms.PartialDate{Year: 1980 + serial, Month: 5, Day: 12}
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
			{de, sqldb.CaseFilter{Text: "mamm"}, newest(ali, leyla, samir)},    // Latin prefix of any name
			{de, sqldb.CaseFilter{Text: "MƏMMƏDOV"}, newest(ali, leyla, zaur)}, // full name, any case; the Russified spelling by skeleton
			{de, sqldb.CaseFilter{Text: "Мамедов"}, newest(ali, leyla, zaur)},  // Cyrillic, the feminine form with it
			{de, sqldb.CaseFilter{Text: "Мамедова"}, newest(ali, leyla, zaur)}, // and the masculine with the feminine
			{de, sqldb.CaseFilter{Text: "Mamedov"}, newest(ali, leyla, zaur)},
			{de, sqldb.CaseFilter{Text: "Mamedova"}, newest(ali, leyla, zaur)},
			{de, sqldb.CaseFilter{Text: "MAMMADOV"}, newest(ali, leyla, zaur)},
			{de, sqldb.CaseFilter{Text: "Məmmədova"}, newest(ali, leyla, zaur)},
			{de, sqldb.CaseFilter{Text: "Mamedof"}, newest(ali, leyla, zaur)}, // one letter off: listed as similar
			{de, sqldb.CaseFilter{Text: "C01234562"}, newest(leyla)},          // a document number finds its case only
			{de, sqldb.CaseFilter{Text: "c0123 4562"}, newest(leyla)},         // as written with a space, in lower case
			{de, sqldb.CaseFilter{Text: "C0123456"}, nil},                     // a number is matched whole, never by prefix
			{de, sqldb.CaseFilter{Text: "12.05.1982"}, newest(leyla)},         // a date of birth, day first
			{de, sqldb.CaseFilter{Text: "1982-05-12"}, newest(leyla)},         // or as ISO
			{de, sqldb.CaseFilter{Text: "Məmmədov 1981"}, newest(ali)},        // a name and a year of birth
			{de, sqldb.CaseFilter{Text: "5"}, nil},                            // a digit never matches names
			{de, sqldb.CaseFilter{Text: "%"}, nil},                            // punctuation matches nothing
			{de, sqldb.CaseFilter{Text: "_ - %%"}, nil},
			{de, sqldb.CaseFilter{Text: strings.Repeat("Ə1%", 400)}, nil},
			{de, sqldb.CaseFilter{Text: "\x00\xff"}, nil}, // not text: no match, no error
			{de, sqldb.CaseFilter{Text: "Mamedov", After: "\x00"}, nil},
			{de, sqldb.CaseFilter{RequestingState: "\xff"}, nil},
			{de, sqldb.CaseFilter{Status: []ercms.State{"\x00"}}, nil},
			{de, sqldb.CaseFilter{Text: "Мамедова Лейла"}, newest(leyla)},             // every word must match
			{de, sqldb.CaseFilter{Text: "Məmmədov Kamran"}, nil},                      // words of two different cases
			{de, sqldb.CaseFilter{Text: "Zzyzx"}, nil},                                // nothing
			{de, sqldb.CaseFilter{Text: "DE-other"}, newest(other)},                   // the file number
			{de, sqldb.CaseFilter{Text: samir.Reference}, newest(samir)},              // the reference
			{de, sqldb.CaseFilter{Text: frc.Reference}, nil},                          // another state's reference
			{de, sqldb.CaseFilter{Text: "mamm", Limit: 1}, newest(ali, leyla, samir)}, // page by page
			{de, sqldb.CaseFilter{Text: "mamm", Status: []ercms.State{ercms.StateRegistered}}, newest(leyla)},
			{de, sqldb.CaseFilter{Text: "mamm", After: samir.ID}, newest(ali, leyla)}, // after a cursor
			{sms, sqldb.CaseFilter{Text: "Mamedov"}, newest(ali, leyla, frc)},         // the CA sees both states, no drafts
			{sms, sqldb.CaseFilter{Text: "mamedov", RequestingState: "FR"}, newest(frc)},
			{fr, sqldb.CaseFilter{Text: "mamm"}, newest(frc)},
			{act["police.officer"], sqldb.CaseFilter{Text: "mamm"}, nil},
		} {
			if got := search(tc.who, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%s searches %+v: %v, want %v", tc.who.Username, tc.f, got, tc.want)
			}
		}
		// Similar spellings come after the exact matches, marked.
		for text, similar := range map[string]bool{"Mamedof": true, "Mamedov": false, "Samir": false} {
			page, err := db.ListCases(ctx, de, sqldb.CaseFilter{Text: text})
			if err != nil || len(page.Cases) == 0 {
				t.Fatalf("%s: %v, %v", text, page, err)
			}
			for _, c := range page.Cases {
				if c.Similar != similar {
					t.Errorf("%s finds %s (%s) marked similar %v, want %v", text, c.Reference, c.Surname, c.Similar, similar)
				}
			}
		}
		if page, err := db.ListCases(ctx, de, sqldb.CaseFilter{Text: "Aliyev Samit"}); err != nil || len(page.Cases) != 1 || page.Cases[0].ID != samir.ID || !page.Cases[0].Similar {
			t.Errorf("Aliyev Samit (an exact and a similar word): %+v, %v", page, err)
		}
	})
}

// TestSearchIndexOfKeptCases migrates a store as it was before the index of
// identifiers and spellings, with cases in it, and finds them by document
// number and by a name one letter off afterwards.
func TestSearchIndexOfKeptCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de := act["de.officer"]
		kept := createCase(t, db, de, application("DE-KEPT-1"))
		if err := db.RedoSearchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"C01234567", "DE-KEPT-1", "Mammadof", "1990-04"} {
			page, err := db.ListCases(ctx, de, sqldb.CaseFilter{Text: text})
			if err != nil || len(page.Cases) != 1 || page.Cases[0].ID != kept.ID {
				t.Errorf("after the migration, %q finds %+v, %v", text, page, err)
			}
		}
	})
}
