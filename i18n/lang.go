// Package i18n holds the languages of the web application: message catalogs
// in Azerbaijani (Latin script), English, French and Russian, the domain
// vocabulary in each of them, and the formatting of dates, numbers, relative
// deadlines and sorted name lists.
//
// # Catalogs
//
// Each language has one embedded JSON file, messages/<lang>.json: a flat
// object of key → text; an area of the application may keep its own texts
// beside it in messages/<area>/<lang>.json (one file per language, each key
// in one file only). Keys are dotted families ("state.registered",
// "action.request_info", "nav.home"); the domain families are named after the
// codes of the root package, so the web layer can write
// T(lang, "state."+string(c.Status)).
//
// Texts may hold named placeholders in braces, "Due {date}", filled by the
// name/value pairs passed to [Catalog.T]. A placeholder without a value stays
// as written, so a missing argument shows instead of vanishing.
//
// # Plurals
//
// A message that depends on a number is a plural message: a base key with one
// entry per CLDR plural category the language uses, "days_left.one",
// "days_left.other" in English; "days_left.one", "days_left.few",
// "days_left.many" in Russian (see [PluralForm]). A base key is a plural
// message when the English catalog has its ".one" entry. [Catalog.Plural]
// chooses the entry and fills {n}.
//
// # Fallback
//
// A key missing in a language falls back to the English text; a key missing
// in English too shows as "[key]", so that a gap is visible on the page and
// never breaks it. The tests require every key in every language.
package i18n

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language of the user interface, written as its ISO 639-1 code
// (also the value of the HTML lang attribute).
type Lang string

// The languages of the user interface.
const (
	AZ Lang = "az" // Azerbaijani, Latin script
	EN Lang = "en" // English, the default and the fallback
	FR Lang = "fr" // French
	RU Lang = "ru" // Russian
)

// Languages lists the languages of the user interface in the order of the
// language switch.
var Languages = []Lang{AZ, EN, FR, RU}

// tags are the BCP 47 tags of the languages, English first: the matcher of
// Negotiate takes the first as its default.
var (
	tags = map[Lang]language.Tag{
		EN: language.English,
		AZ: language.Azerbaijani,
		FR: language.French,
		RU: language.Russian,
	}
	matchOrder = []Lang{EN, AZ, FR, RU}
	matcher    = language.NewMatcher([]language.Tag{language.English, language.Azerbaijani, language.French, language.Russian})
	latn       = language.MustParseScript("Latn")
	cyrl       = language.MustParseScript("Cyrl")
)

// valid reports whether l is one of Languages.
func (l Lang) valid() bool {
	_, ok := tags[l]
	return ok
}

// or returns l when it is one of Languages, otherwise EN.
func (l Lang) or() Lang {
	if l.valid() {
		return l
	}
	return EN
}

// Parse reads a language code as stored in a user's settings, a cookie or a
// query parameter: "az", "EN", "fr-FR", "ru_RU", "az-Latn-AZ". It reports
// false for any other language and for a script the interface does not use
// ("az-Cyrl", "ru-Latn").
func Parse(s string) (Lang, bool) {
	s = strings.TrimSpace(s)
	if l := Lang(strings.ToLower(s)); l.valid() {
		return l, true
	}
	if s == "" {
		return "", false
	}
	t, err := language.Parse(strings.ReplaceAll(s, "_", "-"))
	if err != nil {
		return "", false
	}
	base, _ := t.Base()
	l := Lang(base.String())
	if !l.valid() {
		return "", false
	}
	want := latn
	if l == RU {
		want = cyrl
	}
	if sc, conf := t.Script(); conf == language.Exact && sc != want {
		return "", false
	}
	return l, true
}

// Name returns the language's name in the language itself, for the language
// switch: Azərbaycanca, English, Français, Русский. Any other value returns
// itself.
func (l Lang) Name() string {
	switch l {
	case AZ:
		return "Azərbaycanca"
	case EN:
		return "English"
	case FR:
		return "Français"
	case RU:
		return "Русский"
	}
	return string(l)
}

// Dir returns the writing direction for the HTML dir attribute: "ltr" for all
// four languages. Templates write dir from it so that a right-to-left
// language needs only a change here.
func (l Lang) Dir() string { return "ltr" }

// Tag returns the BCP 47 tag of the language (English for any value that is
// not one of Languages).
func (l Lang) Tag() language.Tag { return tags[l.or()] }

// Negotiate chooses the language of a user who has not chosen one from the
// Accept-Language header (RFC 9110 §12.5.4, with q-values), with the CLDR
// language matcher: "ru-RU,ru;q=0.9" gives RU, "be" gives RU, "de-AT" gives
// EN. An empty, unmatched or malformed header gives EN; a header with some
// malformed entries is read entry by entry.
func Negotiate(acceptLanguage string) Lang { return NegotiateOr(acceptLanguage, EN) }

// NegotiateOr is Negotiate with another language than English for a header
// that is empty, unmatched or malformed: the deployment's language (see
// CountryLanguage) for a page. A def that is not one of Languages is EN.
func NegotiateOr(acceptLanguage string, def Lang) Lang {
	def = def.or()
	desired, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil {
		desired = lenientAcceptLanguage(acceptLanguage)
	}
	if len(desired) == 0 {
		return def
	}
	_, i, conf := matcher.Match(desired...)
	if conf == language.No || i < 0 || i >= len(matchOrder) {
		return def
	}
	return matchOrder[i]
}

// CountryLanguage returns the language a deployment serving country (ISO
// 3166-1 alpha-2, as --country) speaks to a reader who asks for none: the
// language most likely spoken there (CLDR's likely subtags: Azerbaijani in
// Azerbaijan, French in Côte d'Ivoire) when it is one of Languages, else
// English.
func CountryLanguage(country string) Lang {
	region, err := language.ParseRegion(strings.TrimSpace(country))
	if err != nil {
		return EN
	}
	tag, err := language.Compose(region)
	if err != nil {
		return EN
	}
	base, conf := tag.Base()
	if l := Lang(base.String()); conf != language.No && l.valid() {
		return l
	}
	return EN
}

// lenientAcceptLanguage reads the well-formed entries of a header that
// language.ParseAcceptLanguage rejects as a whole, highest q first.
func lenientAcceptLanguage(h string) []language.Tag {
	type entry struct {
		tag language.Tag
		q   float32
	}
	var entries []entry
	for part := range strings.SplitSeq(h, ",") {
		t, q, err := language.ParseAcceptLanguage(part)
		if err != nil || len(t) != 1 {
			continue
		}
		entries = append(entries, entry{t[0], q[0]})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(b.q, a.q) })
	out := make([]language.Tag, len(entries))
	for i, e := range entries {
		out[i] = e.tag
	}
	return out
}
