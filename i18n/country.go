package i18n

import (
	_ "embed"
	"encoding/json"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// regionNamers name regions in each language (CLDR, golang.org/x/text).
var regionNamers = func() map[Lang]display.Namer {
	m := make(map[Lang]display.Namer, len(Languages))
	for _, l := range Languages {
		m[l] = display.Regions(l.Tag())
	}
	return m
}()

// CountryName names a country code in l: the catalogue's "country.<code>"
// where it has one (ICAO's codes of no state, XXA to XXX, and the former
// states SU, YU and CS, which CLDR does not name or names otherwise), else
// CLDR's name of the region. A code neither knows is returned as it is.
func (c *Catalog) CountryName(l Lang, code string) string {
	if code == "" {
		return ""
	}
	if c.Has(l, "country."+code) {
		return c.T(l, "country."+code)
	}
	if r, err := language.ParseRegion(code); err == nil && len(code) == 2 {
		if n := regionNamers[l.or()].Name(r); n != "" {
			return n
		}
	}
	return code
}

// Country is a country code with its name in a reader's language.
type Country struct {
	Code, Name string
}

// Countries names codes in l, sorted by name in the alphabetical order of l:
// the options of a country list.
func (c *Catalog) Countries(l Lang, codes []string) []Country {
	out := make([]Country, len(codes))
	names := make([]string, len(codes))
	byName := make(map[string][]string, len(codes))
	for i, code := range codes {
		names[i] = c.CountryName(l, code)
		byName[names[i]] = append(byName[names[i]], code)
	}
	Sort(l, names)
	for i, n := range names {
		out[i] = Country{Code: byName[n][0], Name: n}
		byName[n] = byName[n][1:]
	}
	return out
}

// CountryMatcher reads a country written as text (a code, a name or an
// adjective of nationality in Azerbaijani, English, French or Russian) as
// one code of a list. It is safe for concurrent use.
type CountryMatcher struct {
	words map[string]string // folded word → code; "" where two codes share it
}

// NewCountryMatcher builds a matcher of codes: each code itself, its
// ISO 3166-1 alpha-3 form, its names by c in every language, the
// adjectives of nationality it knows (countryAdjectives), and "XX", the
// code written for stateless before the list, as XXA.
func NewCountryMatcher(c *Catalog, codes []string) *CountryMatcher {
	m := &CountryMatcher{words: map[string]string{}}
	add := func(word, code string) {
		k := foldCountry(word)
		if k == "" {
			return
		}
		if prev, ok := m.words[k]; ok && prev != code {
			m.words[k] = ""
			return
		}
		m.words[k] = code
	}
	known := make(map[string]bool, len(codes))
	for _, code := range codes {
		known[code] = true
	}
	for _, code := range codes {
		add(code, code)
		if r, err := language.ParseRegion(code); err == nil && len(code) == 2 {
			if a3 := r.ISO3(); a3 != "" && a3 != "ZZZ" {
				add(a3, code)
			}
		}
		for _, l := range Languages {
			add(c.CountryName(l, code), code)
		}
	}
	for code, words := range countryAdjectives {
		if known[code] {
			for _, w := range words {
				add(w, code)
			}
		}
	}
	if known["XXA"] {
		add("XX", "XXA")
	}
	return m
}

// Match returns the code text names, and whether it names exactly one.
// Case, accents, spaces and punctuation do not count.
func (m *CountryMatcher) Match(text string) (string, bool) {
	code := m.words[foldCountry(text)]
	return code, code != ""
}

// foldCountry reduces text to lower-case letters and digits without
// accents, dotless ı as i.
func foldCountry(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ı' || r == 'İ':
			b.WriteRune('i')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// countryWordsJSON holds words of nationality, in English, Azerbaijani,
// French and Russian, that files written before the country list hold
// instead of a country's name, by code: those of the states of the region
// and of the readmission agreements' parties most often met, and of no
// state. It is data, not code: no country is named in the code.
//
//go:embed country_words.json
var countryWordsJSON []byte

// countryAdjectives are the words of countryWordsJSON by code (none if the
// file does not parse: TestCountryNames reads them).
var countryAdjectives = func() map[string][]string {
	var m map[string][]string
	_ = json.Unmarshal(countryWordsJSON, &m)
	return m
}()
