package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

func seedPeople(t *testing.T, db *sqldb.DB) map[string]ercms.Actor {
	t.Helper()
	actors, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return "demo password 123" })
	if err != nil {
		t.Fatalf("seed people: %v", err)
	}
	return actors
}

// allCases lists every case of the store, as the system sees it.
func allCases(t *testing.T, db *sqldb.DB, f sqldb.CaseFilter) []sqldb.CaseSummary {
	t.Helper()
	var out []sqldb.CaseSummary
	f.Limit = sqldb.MaxPage
	for {
		page, err := db.ListCases(context.Background(), ercms.SystemActor(), f)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		out = append(out, page.Cases...)
		if page.Next == "" {
			return out
		}
		f.After = page.Next
	}
}

func TestSeedCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		actors := seedPeople(t, db)
		start := time.Now()
		n, err := demo.SeedCases(ctx, db, actors, 300, 1)
		took := time.Since(start)
		if err != nil {
			t.Fatalf("seed cases (%d created): %v", n, err)
		}
		t.Logf("%d cases seeded in %v", n, took.Round(time.Millisecond))
		if n < 280 {
			t.Errorf("seeded %d cases, want at least 280", n)
		}
		if !db.Now().Equal(clock.Now()) {
			t.Errorf("the store's clock was not restored: %v, want %v", db.Now(), clock.Now())
		}

		cases := allCases(t, db, sqldb.CaseFilter{})
		if len(cases) != n {
			t.Errorf("the store holds %d cases, SeedCases said %d", len(cases), n)
		}
		byState := map[ercms.CaseType]map[ercms.State]int{ercms.TypeReadmission: {}, ercms.TypeTransit: {}}
		memberStates, procedures, categories := map[string]int{}, map[ercms.Procedure]int{}, map[ercms.Category]int{}
		baku, err := time.LoadLocation("Asia/Baku")
		if err != nil {
			t.Fatal(err)
		}
		today := civil.In(clock.Now(), baku)
		for _, c := range cases {
			byState[c.Type][c.Status]++
			memberStates[c.RequestingState]++
			if c.Type == ercms.TypeReadmission {
				procedures[c.Procedure]++
				categories[c.Category]++
			}
			if c.ReceivedOn != nil && (c.ReceivedOn.After(today) || c.ReceivedOn.Before(today.AddDays(-335))) {
				t.Errorf("%s received on %s, outside the last eleven months before %s", c.Reference, c.ReceivedOn, today)
			}
		}
		for typ, states := range map[ercms.CaseType][]ercms.State{ercms.TypeReadmission: ercms.ReadmissionStates, ercms.TypeTransit: ercms.TransitStates} {
			for _, st := range states {
				if byState[typ][st] == 0 {
					t.Errorf("no %s case in state %s", typ, st)
				}
			}
		}
		t.Logf("readmission %v; transit %v", byState[ercms.TypeReadmission], byState[ercms.TypeTransit])
		for _, st := range []string{"DE", "AT", "BE", "FR", "NL", "NO", "CH"} {
			if memberStates[st] == 0 {
				t.Errorf("no case requested by %s", st)
			}
		}
		if memberStates["NO"] > memberStates["DE"]/4 || memberStates["CH"] > memberStates["DE"]/4 {
			t.Errorf("Norway and Switzerland request a few cases, Germany most: %v", memberStates)
		}
		for _, p := range []ercms.Procedure{ercms.ProcedureNormal, ercms.ProcedureAccelerated} {
			if procedures[p] == 0 {
				t.Errorf("no case under the %s procedure", p)
			}
		}
		for _, c := range []ercms.Category{ercms.CategoryOwnNational, ercms.CategoryThirdCountryNational, ercms.CategoryStateless} {
			if categories[c] == 0 {
				t.Errorf("no case of category %s", c)
			}
		}

		// The particulars: originals in Cyrillic, families, evidence of both strengths, safeguards.
		var cyrillic []*ercms.Case
		var family, proof, primaFacie, flagged, partial, noApp int
		for _, s := range cases {
			c, err := db.FindCase(ctx, ercms.SystemActor(), s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o := c.Application.Person.OriginalScript; o != nil && o.Script == "Cyrl" {
				cyrillic = append(cyrillic, c)
			}
			if len(c.Application.Family) > 0 {
				family++
			}
			// Each case is counted under its requesting state's agreement.
			if want := map[string]string{"NO": "no-az", "CH": "ch-az"}[c.RequestingState]; want != "" && c.ProfileID != want ||
				want == "" && c.ProfileID != "eu-az" {
				t.Errorf("%s requested by %s under profile %s", c.Reference, c.RequestingState, c.ProfileID)
			}
			for _, e := range c.Application.Evidence {
				if _, ok := ercms.LookupEvidenceType(e.Type); !ok {
					t.Errorf("%s: evidence type %q is not in the catalogue", c.Reference, e.Type)
				}
				switch e.Strength {
				case ercms.StrengthProof:
					proof++
				case ercms.StrengthPrimaFacie:
					primaFacie++
				}
			}
			if len(c.Flags) > 0 {
				flagged++
			}
			if dob := c.Application.Person.DateOfBirth; !dob.IsZero() && dob.Day == 0 {
				partial++
			}
			if c.NoApplication {
				noApp++
			}
			for i := 1; i < len(c.Timeline); i++ {
				if c.Timeline[i].At.Before(c.Timeline[i-1].At) || c.Timeline[i].At.After(clock.Now()) {
					t.Errorf("%s: timeline out of order or in the future at %d: %v", c.Reference, i, c.Timeline[i].At)
				}
			}
		}
		t.Logf("%d with Cyrillic originals, %d with family, %d proof and %d prima facie items, %d flagged, %d partial dates of birth, %d without application",
			len(cyrillic), family, proof, primaFacie, flagged, partial, noApp)
		if len(cyrillic) < 30 || family == 0 || proof == 0 || primaFacie == 0 || flagged == 0 || partial == 0 || noApp == 0 {
			t.Errorf("the particulars lack variety")
		}
		if len(cyrillic) > 0 {
			c := cyrillic[0]
			found := allCases(t, db, sqldb.CaseFilter{Text: c.Application.Person.OriginalScript.Surname})
			if !slices.ContainsFunc(found, func(s sqldb.CaseSummary) bool { return s.ID == c.ID }) {
				t.Errorf("a search for %q does not find %s", c.Application.Person.OriginalScript.Surname, c.Reference)
			}
		}
		if found := allCases(t, db, sqldb.CaseFilter{Text: "Мамедов"}); len(found) == 0 {
			t.Errorf("a search for Мамедов finds nothing")
		}

		// The timed actions find nothing to do: the seeded states are stable today.
		rep, err := db.RunTimedActions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Applied) > 0 || rep.Flagged > 0 {
			t.Errorf("the scheduler changes seeded cases: %+v", rep)
		}

		if n, err := demo.SeedCases(ctx, db, actors, 300, 1); err != nil || n != 0 {
			t.Errorf("second run: created %d, %v; want 0, nil", n, err)
		}
		if got := len(allCases(t, db, sqldb.CaseFilter{})); got != len(cases) {
			t.Errorf("after the second run the store holds %d cases, want %d", got, len(cases))
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := db.VerifyAudit(ctx); err != nil || !r.OK() {
			t.Errorf("audit: %v %+v", err, r)
		}
	})
}

// TestSeedCasesDeterministic seeds two stores with the same seed and compares them.
func TestSeedCasesDeterministic(t *testing.T) {
	summary := func() []string {
		db, _ := testdb.Open(t, sqldb.SQLite)
		actors := seedPeople(t, db)
		if _, err := demo.SeedCases(context.Background(), db, actors, 40, 7); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range allCases(t, db, sqldb.CaseFilter{}) {
			out = append(out, c.Reference+" "+string(c.Status)+" "+c.Surname+" "+c.DateOfBirth.String())
		}
		return out
	}
	a, b := summary(), summary()
	if !slices.Equal(a, b) {
		t.Errorf("two runs with one seed differ:\n%v\n%v", a, b)
	}
}

// TestSeedCasesNeedsPeople reports missing accounts instead of failing midway.
func TestSeedCasesNeedsPeople(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	if _, err := demo.SeedCases(context.Background(), db, map[string]ercms.Actor{}, 10, 1); err == nil {
		t.Fatal("seeding without accounts succeeded")
	}
}
