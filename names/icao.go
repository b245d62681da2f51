package names

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// icaoFold maps the Latin letters that have no canonical or compatibility
// decomposition to MRZ characters, following the ICAO Doc 9303 Part 3 table where
// it has an entry (Æ→AE, Ø→OE, Œ→OE, ß→SS, Þ→TH, Đ→D, Ł→L …). Ə is not in the ICAO
// table; Azerbaijan prints it as A (Məmmədov → MAMMADOV), and so does this table.
var icaoFold = map[rune]string{
	'ə': "A", 'Ə': "A", 'ǝ': "A", 'Ǝ': "A",
	'ı': "I",
	'ß': "SS", 'ẞ': "SS",
	'æ': "AE", 'Æ': "AE",
	'œ': "OE", 'Œ': "OE",
	'ø': "OE", 'Ø': "OE",
	'þ': "TH", 'Þ': "TH",
	'ð': "D", 'Ð': "D", 'đ': "D", 'Đ': "D",
	'ł': "L", 'Ł': "L",
	'ħ': "H", 'Ħ': "H",
	'ŋ': "N", 'Ŋ': "N",
	'ŧ': "T", 'Ŧ': "T",
}

// ICAO returns the ICAO Doc 9303 machine-readable form (upper-case A–Z and '<'
// separators as the MRZ prints them, e.g. "MƏMMƏDOV" → "MAMMADOV", "Гусейнов" →
// "GUSEINOV" per the ICAO Cyrillic table).
//
// Azerbaijani Cyrillic (see Latin for how it is recognised) is first written in
// Azerbaijani Latin, so Һүсејнов gives HUSEYNOV as an Azerbaijani passport prints it;
// other Cyrillic follows the ICAO table (Ж→ZH, Х→KH, Ц→TS, Ч→CH, Ш→SH, Щ→SHCH, Ъ→IE,
// Ы→Y, Ь dropped, Й→I, Ю→IU, Я→IA). Latin diacritics are removed (Ç→C, Ğ→G, Ş→S,
// İ and ı→I, Ə→A); for Ä, Å, Ö, Ü and Ñ, for which Doc 9303 lets the issuing state
// choose, the single letter is used (Ö→O, Ü→U), as Azerbaijan and Turkey do.
//
// Apostrophes are deleted (O'Neil → ONEIL). Any other run of characters that are not
// letters (spaces, hyphens, commas, digits) becomes one '<' filler; a run holding
// two or more '<' stays "<<", so an MRZ name field passes through unchanged
// (ICAO("MAMMADOV<<ALI") == "MAMMADOV<<ALI"). Letters of scripts without a table
// (Arabic, Greek …) count as separators. Leading and trailing fillers are removed;
// the result is not padded or truncated to a field length.
func ICAO(s string) string {
	t := norm.NFC.String(s)
	if hasCyrillic(t) {
		t = transliterate(t, true)
	}
	t = norm.NFKD.String(strings.Map(dropIgnorable, t))
	var b strings.Builder
	b.Grow(len(t))
	sep, fillers := false, 0
	for _, r := range t {
		var out string
		switch {
		case 'A' <= r && r <= 'Z':
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case r == '<':
			sep = true
			fillers++
			continue
		case unicode.IsMark(r):
			continue
		default:
			f, ok := icaoFold[r]
			if !ok {
				sep = true
				continue
			}
			out = f
		}
		if sep && b.Len() > 0 {
			if fillers >= 2 {
				b.WriteString("<<")
			} else {
				b.WriteByte('<')
			}
		}
		sep, fillers = false, 0
		if out != "" {
			b.WriteString(out)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
