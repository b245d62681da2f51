package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// countryMigration returns migration 13, written in Go: the countries a
// case kept before the country list holds as free text become codes of
// the list (ercms.Countries). Going down leaves the codes: they were
// valid text before.
func countryMigration() *goose.Migration {
	return goose.NewGoMigration(13, &goose.GoFunc{RunTx: codeKeptCountries}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
}

// codeKeptCountries rewrites, in the data of every case, a thousand cases
// at a time, the person's nationality and previous nationality, each family
// member's nationality and a transit's final destination as codes of the
// list: a code, an ISO alpha-3 code, a country's name or an adjective of
// nationality in Azerbaijani, English, French or Russian ("AZERBAIJAN",
// "Azerbaijani", "Azərbaycan", "AZE" are AZ; "XX" is XXA, stateless).
//
// A nationality that matches nothing becomes XXX (not known), and its text
// is kept in the case's observations, the application's free text that the
// requested state reads with it, on a line of its own that names the field
// by its path as the API does ("person.nationality: Ruritanian",
// "family[1].nationality: …"): the migration knows no reader's language
// to word a label in. A final destination that matches nothing is left as
// written (a transit names a state, XXX is none): the application's check
// refuses it when the draft is next saved.
func codeKeptCountries(ctx context.Context, tx *sql.Tx) error {
	m := i18n.NewCountryMatcher(i18n.Default(), ercms.Countries())
	return keptCases(ctx, tx, func(batch []keptCase) error {
		for _, k := range batch {
			out, changed, err := codeCountries(m, []byte(k.data))
			if err != nil {
				return fmt.Errorf("case %s: %w", k.id, err)
			}
			if !changed {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET data = $1 WHERE id = $2`, string(out), k.id); err != nil {
				return err
			}
		}
		return nil
	})
}

// codeCountries rewrites the countries of one case's data as codes, and
// reports whether it changed anything; the rest of the data is kept as
// it is.
func codeCountries(m *i18n.CountryMatcher, data []byte) ([]byte, bool, error) {
	var c map[string]json.RawMessage
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, false, err
	}
	var notes []string
	changed := false
	// code rewrites the text at key of obj; path names it in a note.
	code := func(obj map[string]json.RawMessage, key, path string, keepUnknown bool) error {
		raw, ok := obj[key]
		if !ok {
			return nil
		}
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if strings.TrimSpace(text) == "" || ercms.IsCountry(text) {
			return nil
		}
		to, ok := m.Match(text)
		if !ok {
			if keepUnknown {
				return nil
			}
			to = ercms.CountryUnspecified
			notes = append(notes, path+": "+strings.TrimSpace(text))
		}
		obj[key], _ = json.Marshal(to)
		changed = true
		return nil
	}
	// object rewrites the object at key of c with f.
	object := func(key string, f func(map[string]json.RawMessage) error) error {
		raw, ok := c[key]
		if !ok || string(raw) == "null" {
			return nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if err := f(obj); err != nil {
			return err
		}
		var err error
		c[key], err = json.Marshal(obj)
		return err
	}
	err := object("person", func(p map[string]json.RawMessage) error {
		if err := code(p, "nationality", "person.nationality", false); err != nil {
			return err
		}
		return code(p, "previous_nationality", "person.previous_nationality", false)
	})
	if err == nil {
		err = object("transit", func(t map[string]json.RawMessage) error {
			return code(t, "final_destination", "transit.final_destination", true)
		})
	}
	if err != nil {
		return nil, false, err
	}
	if raw, ok := c["family"]; ok && string(raw) != "null" {
		var family []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &family); err != nil {
			return nil, false, fmt.Errorf("family: %w", err)
		}
		for i, f := range family {
			if err := code(f, "nationality", fmt.Sprintf("family[%d].nationality", i), false); err != nil {
				return nil, false, err
			}
		}
		if c["family"], err = json.Marshal(family); err != nil {
			return nil, false, err
		}
	}
	if !changed {
		return data, false, nil
	}
	if len(notes) > 0 {
		var obs string
		if raw, ok := c["observations"]; ok {
			if err := json.Unmarshal(raw, &obs); err != nil {
				return nil, false, fmt.Errorf("observations: %w", err)
			}
		}
		if obs = strings.TrimRight(obs, "\n "); obs != "" {
			obs += "\n"
		}
		c["observations"], _ = json.Marshal(obs + strings.Join(notes, "\n"))
	}
	out, err := json.Marshal(c)
	return out, true, err
}
