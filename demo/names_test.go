package demo_test

import (
	"testing"

	"github.com/ercms/ercms/demo"
)

// Every organisation of every demo country is named in Azerbaijani,
// English, French and Russian, each language in its own words.
func TestOrganisationsNamedInFourLanguages(t *testing.T) {
	for _, code := range demo.CountryCodes() {
		for _, o := range demo.Countries[code]().Orgs {
			if missing := o.Names.Untranslated(o.Name); len(missing) > 0 {
				t.Errorf("%s demo, %s (%q): no name of its own in %v", code, o.Key, o.Name, missing)
			}
		}
	}
}
