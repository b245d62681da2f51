package demo_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// eachCountry runs fn on every engine with a fresh store serving country
// (testdb.Each opens stores for the default country only).
func eachCountry(t *testing.T, country string, fn func(t *testing.T, db *sqldb.DB, clock *testdb.Clock)) {
	t.Helper()
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			db, err := sqldb.Open(context.Background(), sqldb.Options{URL: testdb.URL(t, e), Country: country})
			if err != nil {
				t.Fatalf("open %s for %s: %v", e, country, err)
			}
			t.Cleanup(func() { db.Close() })
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			db.Now, db.Argon = clock.Now, testdb.FastArgon
			fn(t, db, clock)
		})
	}
}

// TestSeedCoteDIvoire seeds the Côte d'Ivoire demo: a deployment under a
// non-binding arrangement (target times, no deemed approval), in French.
func TestSeedCoteDIvoire(t *testing.T) {
	eachCountry(t, "CI", func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		ci := demo.CoteDIvoire()
		actors, err := demo.SeedPeople(ctx, db, ci, func(string) string { return "demo password 123" })
		if err != nil {
			t.Fatalf("seed people: %v", err)
		}
		if len(actors) != len(ci.Accounts) {
			t.Fatalf("%d actors for %d accounts", len(actors), len(ci.Accounts))
		}
		for _, u := range []string{"admin", "dgat.officer", "dgat.supervisor", "mae.consul.paris", "oneci.officer", "frontiere.abj.officer"} {
			if _, ok := actors[u]; !ok {
				t.Errorf("no account %s", u)
			}
		}
		for u, a := range actors {
			if a.Language != "fr" {
				t.Errorf("%s starts in %q, want the French web application", u, a.Language)
			}
		}
		if b := actors["frontiere.abj.officer"]; b.Org.CrossingPoint != "ABJ" || b.Org.State != "CI" {
			t.Errorf("border officer's organisation: %+v", b.Org)
		}
		if a := actors["oneci.officer"]; !strings.Contains(a.Org.Name, "ONECI") || a.Org.AgencyType != "civil_registry" {
			t.Errorf("ONECI officer's organisation: %+v", a.Org)
		}
		p, err := db.ProfileFor("")
		if err != nil || p.ID != "ci-eu" || p.DeemedApproval || p.EUTravelDocumentOnLate {
			t.Fatalf("profile of the deployment: %+v, %v", p, err)
		}
		for kind, s := range p.Rules {
			if s.Binding {
				t.Errorf("rule %s of the arrangement is binding", kind)
			}
		}

		start := time.Now()
		n, err := demo.SeedCases(ctx, db, actors, 300, 1)
		if err != nil {
			t.Fatalf("seed cases (%d created): %v", n, err)
		}
		t.Logf("%d cases seeded in %v", n, time.Since(start).Round(time.Millisecond))
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
		loc, err := time.LoadLocation("Africa/Abidjan")
		if err != nil {
			t.Fatal(err)
		}
		today := civil.In(clock.Now(), loc)
		byState := map[ercms.CaseType]map[ercms.State]int{ercms.TypeReadmission: {}, ercms.TypeTransit: {}}
		memberStates, categories := map[string]int{}, map[ercms.Category]int{}
		procedures := map[ercms.Procedure]int{}
		for _, c := range cases {
			byState[c.Type][c.Status]++
			memberStates[c.RequestingState]++
			if c.Type == ercms.TypeReadmission {
				procedures[c.Procedure]++
				categories[c.Category]++
			}
		}
		t.Logf("readmission %v; transit %v; member states %v", byState[ercms.TypeReadmission], byState[ercms.TypeTransit], memberStates)
		// Every state of both lifecycles, but deemed approval, which the arrangement does not know.
		for typ, states := range map[ercms.CaseType][]ercms.State{ercms.TypeReadmission: ercms.ReadmissionStates, ercms.TypeTransit: ercms.TransitStates} {
			for _, st := range states {
				switch n := byState[typ][st]; {
				case st == ercms.StateDeemedApproved && n > 0:
					t.Errorf("%d cases deemed approved under a profile without deemed approval", n)
				case st != ercms.StateDeemedApproved && n == 0:
					t.Errorf("no %s case in state %s", typ, st)
				}
			}
		}
		for _, st := range p.PartnerStates {
			if memberStates[st] == 0 {
				t.Errorf("no case requested by %s", st)
			}
		}
		if memberStates["FR"] <= memberStates["DE"] {
			t.Errorf("France, the main partner, requests %d cases, Germany %d", memberStates["FR"], memberStates["DE"])
		}
		for _, c := range []ercms.Category{ercms.CategoryOwnNational, ercms.CategoryThirdCountryNational, ercms.CategoryStateless} {
			if categories[c] == 0 {
				t.Errorf("no case of category %s", c)
			}
		}
		for _, pr := range []ercms.Procedure{ercms.ProcedureNormal, ercms.ProcedureAccelerated} {
			if procedures[pr] == 0 {
				t.Errorf("no case under the %s procedure", pr)
			}
		}

		passport := regexp.MustCompile(`^[AB][A-E][0-9]{7}$`)
		foreign := regexp.MustCompile(`(?i)azerbaijan|bak[uı]|GYD|Heydar|Dövlət|oğlu|qızı`)
		var arabic, cyrillic, overdue, flaggedLate, ownPassports, handovers int
		for _, s := range cases {
			c, err := db.FindCase(ctx, ercms.SystemActor(), s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.RequestedState != "CI" {
				t.Errorf("%s: requested state %s", c.Reference, c.RequestedState)
			}
			if o := c.Application.Person.OriginalScript; o != nil {
				switch o.Script {
				case "Arab":
					arabic++
				case "Cyrl":
					cyrillic++
				}
			}
			for _, e := range c.Application.Evidence {
				if e.Type == "national_passport" && c.Category == ercms.CategoryOwnNational {
					ownPassports++
					if !passport.MatchString(e.Number) {
						t.Errorf("%s: Ivorian passport number %q", c.Reference, e.Number)
					}
				}
			}
			if td := c.TravelDocument; td != nil && td.Kind == "eu_standard" {
				t.Errorf("%s: EU standard travel document accepted under a profile that does not accept it", c.Reference)
			}
			if tr := c.Transfer; tr != nil {
				if tr.CrossingPoint != "ABJ" {
					t.Errorf("%s: transfer through %s", c.Reference, tr.CrossingPoint)
				}
				if tr.HandoverOn != nil {
					handovers++
				}
			}
			// Overdue replies carry the warning: the scheduler flagged them the day after the target date.
			for _, k := range []string{ercms.ClockReply, ercms.ClockReplyAccelerated} {
				if d := c.Deadline(k); d != nil && d.Status == ercms.DeadlineRunning && d.DueOn != nil && today.After(*d.DueOn) {
					overdue++
					if !c.HasWarning(ercms.WarnOverdue) {
						t.Errorf("%s: reply due %s is overdue on %s without the %s warning", c.Reference, d.DueOn, today, ercms.WarnOverdue)
					}
				}
			}
			if c.HasWarning(ercms.WarnOverdue) {
				found := false
				for _, e := range c.Timeline {
					found = found || e.Action == "reply_overdue"
				}
				if !found {
					t.Errorf("%s: warned overdue without a reply_overdue event", c.Reference)
				}
				if c.Decision != nil {
					flaggedLate++ // decided after the target date
				}
			}
			for i := 1; i < len(c.Timeline); i++ {
				if c.Timeline[i].At.Before(c.Timeline[i-1].At) || c.Timeline[i].At.After(clock.Now()) {
					t.Errorf("%s: timeline out of order or in the future at %d (%s): %v", c.Reference, i, c.Timeline[i].Action, c.Timeline[i].At)
				}
			}
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if m := foreign.Find(b); m != nil {
				t.Errorf("%s holds %q, a text of another country's demo", c.Reference, m)
			}
		}
		t.Logf("%d Arabic-script originals, %d Cyrillic, %d overdue replies, %d decided after being flagged overdue, %d Ivorian passports, %d handovers",
			arabic, cyrillic, overdue, flaggedLate, ownPassports, handovers)
		if arabic == 0 || cyrillic > 0 {
			t.Errorf("original scripts: %d Arabic, %d Cyrillic; want some Arabic and no Cyrillic", arabic, cyrillic)
		}
		if overdue < 3 || flaggedLate == 0 || ownPassports == 0 || handovers == 0 {
			t.Errorf("the cases lack variety")
		}

		// The timed actions find nothing to do: overdue replies are flagged already.
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
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := db.VerifyAudit(ctx); err != nil || !r.OK() {
			t.Errorf("audit: %v %+v", err, r)
		}
	})
}

// TestSeedCasesOtherCountry refuses to seed one country's cases in a
// deployment serving another.
func TestSeedCasesOtherCountry(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite) // serves AZ
	actors := seedPeople(t, db)
	if _, err := demo.SeedCasesFor(context.Background(), db, demo.CoteDIvoire(), actors, 10, 1); err == nil || !strings.Contains(err.Error(), "CI") {
		t.Errorf("seeding Ivorian cases in an Azerbaijani deployment: %v", err)
	}
}
