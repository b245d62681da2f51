package i18n

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// languageNamers name languages in each language (CLDR, golang.org/x/text).
var languageNamers = func() map[Lang]display.Namer {
	m := make(map[Lang]display.Namer, len(Languages))
	for _, l := range Languages {
		m[l] = display.Languages(l.Tag())
	}
	return m
}()

// LanguageName names a language code (ISO 639, "de", "en") in l, as CLDR
// writes it there ("allemand", "немецкий"); a code CLDR does not name is
// returned as it is.
func LanguageName(l Lang, code string) string {
	if code == "" {
		return ""
	}
	b, err := language.ParseBase(code)
	if err != nil {
		return code
	}
	if n := languageNamers[l.or()].Name(b); n != "" {
		return n
	}
	return code
}

// LanguageNames names each code of codes in l (see LanguageName).
func LanguageNames(l Lang, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = LanguageName(l, c)
	}
	return out
}
