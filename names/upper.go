package names

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Upper writes a surname in capitals, as readmission documents print it,
// whatever the language of the page or document that shows it.
//
// Azerbaijani (and Turkish) casing, where i becomes İ and ı becomes I, is
// used when the name itself is written with a letter of those alphabets
// (ə, ı, İ, ğ or ş, in either case) or when nationality, the person's ISO
// alpha-2 nationality, is AZ or TR: Rəhimov becomes RƏHİMOV and Aliyev of
// an Azerbaijani national ALİYEV. Every other name takes Unicode default
// casing: Giorgadze becomes GIORGADZE, Ghasemi GHASEMI and Konan KONAN.
// Names in Arabic script have no case and are returned unchanged, and so are
// names in Georgian script: Georgian writes names in Mkhedruli, not in the
// Mtavruli capitals that Unicode casing would produce.
func Upper(surname, nationality string) string {
	if strings.IndexFunc(surname, func(r rune) bool { return unicode.Is(unicode.Georgian, r) }) >= 0 {
		return surname
	}
	if azerbaijaniCasing(surname, nationality) {
		return cases.Upper(language.Azerbaijani).String(surname)
	}
	return cases.Upper(language.Und).String(surname)
}

// azerbaijaniCasing reports whether a name takes the dotted and dotless i
// of the Azerbaijani and Turkish alphabets.
func azerbaijaniCasing(surname, nationality string) bool {
	switch strings.ToUpper(strings.TrimSpace(nationality)) {
	case "AZ", "TR":
		return true
	}
	return strings.ContainsAny(surname, "əƏıİğĞşŞ")
}
