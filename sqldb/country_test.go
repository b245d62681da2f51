package sqldb_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestCountriesOfKeptCases migrates a store whose cases hold countries as
// free text, as before the country list: a name or an adjective in any of
// the four languages reads back as its code, "XX" as XXA, and a text that
// names no country as XXX with the text kept in the observations.
func TestCountriesOfKeptCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de := act["de.officer"]
		n := application("DE-COUNTRY-1")
		n.Observations = "Met at the border."
		n.Family = []ercms.FamilyMember{{Relationship: "spouse", Surname: "Məmmədova", Nationality: "AZ"}, {Relationship: "child", Surname: "Məmmədov", Nationality: "AZ"}}
		kept := createCase(t, db, de, n)
		other := createCase(t, db, de, application("DE-COUNTRY-2"))
		// As written before the list: free text the form took as typed.
		write := func(id string, change func(c map[string]any)) {
			var data string
			if err := db.SQL().QueryRowContext(ctx, `SELECT data FROM cases WHERE id = $1`, id).Scan(&data); err != nil {
				t.Fatal(err)
			}
			var c map[string]any
			if err := json.Unmarshal([]byte(data), &c); err != nil {
				t.Fatal(err)
			}
			change(c)
			b, _ := json.Marshal(c)
			if _, err := db.SQL().ExecContext(ctx, `UPDATE cases SET data = $1 WHERE id = $2`, string(b), id); err != nil {
				t.Fatal(err)
			}
		}
		write(kept.ID, func(c map[string]any) {
			p := c["person"].(map[string]any)
			p["nationality"], p["previous_nationality"] = "AZERBAIJAN", "Ruritanian"
			f := c["family"].([]any)
			f[0].(map[string]any)["nationality"], f[1].(map[string]any)["nationality"] = "Azərbaycan", "Azerbaijani"
		})
		write(other.ID, func(c map[string]any) { c["person"].(map[string]any)["nationality"] = "XX" })
		if err := db.RedoCountryCodes(ctx); err != nil {
			t.Fatal(err)
		}
		c := readCase(t, db, kept.ID)
		if got := []string{c.Person.Nationality, c.Person.PreviousNation, c.Family[0].Nationality, c.Family[1].Nationality}; strings.Join(got, " ") != "AZ XXX AZ AZ" {
			t.Errorf("after the migration the countries are %v, want AZ XXX AZ AZ", got)
		}
		if !strings.HasPrefix(c.Observations, "Met at the border.\n") || !strings.Contains(c.Observations, "person.previous_nationality: Ruritanian") {
			t.Errorf("observations %q do not keep the text that names no country", c.Observations)
		}
		if c.Person.Surname != "Məmmədov" || c.Person.OriginalScript == nil || c.Person.OriginalScript.Surname != "Мамедов" || len(c.Evidence) != 1 {
			t.Errorf("the migration changed the rest of the case: %+v", c.Application)
		}
		if got := readCase(t, db, other.ID).Person.Nationality; got != ercms.CountryStateless {
			t.Errorf("XX reads back as %q, want %s", got, ercms.CountryStateless)
		}
	})
}
