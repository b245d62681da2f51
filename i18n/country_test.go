package i18n_test

import (
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// TestCountryNames: every code of the country list has a name in every
// language (not the code, CLDR's or the catalogue's), the codes the
// catalogue names are named in az, fr and ru otherwise than in English,
// and the matcher reads a name or adjective of any language as its code.
func TestCountryNames(t *testing.T) {
	cat := i18n.Default()
	for _, l := range i18n.Languages {
		seen := map[string]string{}
		for _, code := range ercms.Countries() {
			n := cat.CountryName(l, code)
			if n == "" || n == code {
				t.Errorf("%s: %s has no name", l, code)
			}
			if other, dup := seen[n]; dup {
				t.Errorf("%s: %s and %s are both named %q", l, other, code, n)
			}
			seen[n] = code
		}
	}
	for _, code := range append(ercms.FormerCountries, ercms.NoStateCountries...) {
		for _, l := range []i18n.Lang{i18n.AZ, i18n.FR, i18n.RU} {
			if cat.CountryName(l, code) == cat.CountryName(i18n.EN, code) {
				t.Errorf("%s is named in %s as in English: %q", code, l, cat.CountryName(l, code))
			}
		}
	}
	m := i18n.NewCountryMatcher(cat, ercms.Countries())
	for text, want := range map[string]string{
		"AZERBAIJAN": "AZ", "Azərbaycan": "AZ", "azerbaïdjanais": "AZ", "Азербайджан": "AZ", "AZE": "AZ", "az": "AZ",
		"XX": "XXA", "apatride": "XXA", "СССР": "SU", "Côte d'Ivoire": "CI", "Russie": "RU", "Gürcüstan": "GE",
	} {
		if got, ok := m.Match(text); !ok || got != want {
			t.Errorf("%q reads as %q (%v), want %s", text, got, ok, want)
		}
	}
	for _, text := range []string{"Ruritania", "", "EU"} {
		if got, ok := m.Match(text); ok {
			t.Errorf("%q reads as %s, want no country", text, got)
		}
	}
}
