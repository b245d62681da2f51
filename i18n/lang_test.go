package i18n

import (
	"slices"
	"testing"
)

func TestLanguages(t *testing.T) {
	if !slices.Equal(Languages, []Lang{AZ, EN, FR, RU}) {
		t.Errorf("Languages = %v", Languages)
	}
	names := map[Lang]string{AZ: "Azərbaycanca", EN: "English", FR: "Français", RU: "Русский"}
	for _, l := range Languages {
		if l.Name() != names[l] {
			t.Errorf("%s.Name() = %q, want %q", l, l.Name(), names[l])
		}
		if l.Dir() != "ltr" {
			t.Errorf("%s.Dir() = %q", l, l.Dir())
		}
		if b, _ := l.Tag().Base(); b.String() != string(l) {
			t.Errorf("%s.Tag() = %v", l, l.Tag())
		}
	}
	if Lang("xx").Name() != "xx" {
		t.Error("an unknown language should name itself")
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"az", AZ, true},
		{"en", EN, true},
		{"fr", FR, true},
		{"ru", RU, true},
		{" RU ", RU, true},
		{"EN", EN, true},
		{"en-GB", EN, true},
		{"fr_CH", FR, true},
		{"az-Latn-AZ", AZ, true},
		{"ru-RU", RU, true},
		{"az-Cyrl", "", false},
		{"ru-Latn", "", false},
		{"de", "", false},
		{"tr", "", false},
		{"", "", false},
		{"english", "", false},
		{"e", "", false},
		{"en;q=1", "", false},
	} {
		got, ok := Parse(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   Lang
	}{
		{"", EN},
		{"az", AZ},
		{"az-AZ,az;q=0.9,en-US;q=0.8,en;q=0.7", AZ},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", RU},
		{"fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", FR},
		{"en-US,en;q=0.9", EN},
		{"en;q=0.5, az;q=0.9", AZ},        // q-values, not order
		{"ru;q=0.3, fr;q=0.3", RU},        // ties keep header order
		{"de-AT, de;q=0.9, fr;q=0.5", FR}, // the best supported one
		{"de-DE", EN},                     // nothing supported: English
		{"de, ru;q=0.2", RU},
		{"en;q=0, fr;q=0.1", FR}, // q=0: not acceptable
		{"be", RU},               // CLDR: Belarusian readers read Russian
		{"*", EN},
		{"tr", EN},
		{"fr-FR, ;;;bad, ru;q=0.5", FR}, // malformed entry skipped
		{"x;;q=bad", EN},
	} {
		if got := Negotiate(tc.header); got != tc.want {
			t.Errorf("Negotiate(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}

// TestNegotiateOr: a header that names one of the languages wins over the
// deployment's language; an empty, unmatched or malformed one gives it.
func TestNegotiateOr(t *testing.T) {
	for _, tc := range []struct {
		header string
		def    Lang
		want   Lang
	}{
		{"", AZ, AZ},
		{"", FR, FR},
		{"de-DE", AZ, AZ},
		{"x;;q=bad", FR, FR},
		{"fr-FR,fr;q=0.9", AZ, FR},
		{"en-US", AZ, EN},
		{"de, ru;q=0.2", FR, RU},
		{"", "xx", EN}, // not a language of ours
	} {
		if got := NegotiateOr(tc.header, tc.def); got != tc.want {
			t.Errorf("NegotiateOr(%q, %s) = %s, want %s", tc.header, tc.def, got, tc.want)
		}
	}
}

// TestCountryLanguage: the language a deployment speaks by default follows
// the country it serves.
func TestCountryLanguage(t *testing.T) {
	for country, want := range map[string]Lang{"AZ": AZ, "az": AZ, "CI": FR, "RU": RU, "DE": EN, "US": EN, "": EN, "Q1": EN} {
		if got := CountryLanguage(country); got != want {
			t.Errorf("CountryLanguage(%q) = %s, want %s", country, got, want)
		}
	}
}
