package names

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// latinFold maps the Latin letters that have no canonical or compatibility
// decomposition to the ASCII letters Key uses (lower case).
var latinFold = map[rune]string{
	'ə': "a", 'Ə': "a", 'ǝ': "a", 'Ǝ': "a", // Azerbaijani schwa; Ǝ/ǝ are a frequent mis-typing of it
	'ı': "i", // dotless i; İ decomposes to I + combining dot
	'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'Æ': "ae",
	'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o",
	'þ': "th", 'Þ': "th",
	'ð': "d", 'Ð': "d", 'đ': "d", 'Đ': "d",
	'ł': "l", 'Ł': "l",
	'ħ': "h", 'Ħ': "h",
	'ŋ': "n", 'Ŋ': "n",
	'ŧ': "t", 'Ŧ': "t",
}

// isIgnorable reports whether r is deleted rather than treated as a separator by Key
// and ICAO: apostrophes and their look-alikes (O'Neil → oneil and ONEIL, as an MRZ
// prints it; Gyul'nara → gyulnara, where the apostrophe stands for a soft sign), the
// middle dot of Catalan l·l, and invisible format characters (soft hyphen, zero-width
// joiners, byte order mark).
func isIgnorable(r rune) bool {
	switch r {
	case '\'', '`', '\u00b4', '\u00b7', '\u02b9', '\u02bb', '\u02bc', '\u02be', '\u02bf',
		'\u2018', '\u2019', '\u201b', '\u2032', '\uff07':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// dropIgnorable is isIgnorable for strings.Map.
func dropIgnorable(r rune) rune {
	if isIgnorable(r) {
		return -1
	}
	return r
}

// Key returns the exact search key: Latin(s), folded to lower-case ASCII a–z with
// single spaces (ə→a, ı→i, İ→i, ğ→g, ö→o, ü→u, ç→c, ş→s, other diacritics removed,
// punctuation and hyphens to spaces).
//
// Details: the text is decomposed (NFKD), so that decomposed input, ligatures and
// full-width letters give the same key as their plain forms; combining marks are
// dropped; letters without a decomposition use a small table (ß→ss, æ→ae, ø→o, ł→l,
// đ→d, þ→th …). Apostrophes are deleted, not turned into spaces (O'Neil → oneil, as
// in an MRZ). Digits, punctuation, symbols and letters of scripts Latin does not
// transliterate (Arabic, Greek, Georgian …) separate words; such words are therefore
// absent from the key. The result has no leading, trailing or repeated spaces, and
// Key(Key(s)) == Key(s). Because i, ı, I and İ all become i before anything is
// lower-cased, the key does not depend on Turkish or default case rules.
func Key(s string) string {
	if isASCII(s) {
		return keyASCII(s)
	}
	t := strings.Map(dropIgnorable, Latin(s))
	t = norm.NFKD.String(t)
	var b strings.Builder
	b.Grow(len(t))
	sep := false
	for _, r := range t {
		var out string
		switch {
		case 'a' <= r && r <= 'z':
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case unicode.IsMark(r):
			continue
		default:
			f, ok := latinFold[r]
			if !ok {
				sep = true
				continue
			}
			out = f
		}
		if sep && b.Len() > 0 {
			b.WriteByte(' ')
		}
		sep = false
		if out != "" {
			b.WriteString(out)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// keyASCII is Key for 7-bit input.
func keyASCII(s string) string {
	b := make([]byte, 0, len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '\'' || c == '`':
			continue
		default:
			sep = true
			continue
		}
		if sep && len(b) > 0 {
			b = append(b, ' ')
		}
		sep = false
		b = append(b, c)
	}
	return string(b)
}

// Tokens returns the Key of each word of s (for indexing several names: surname,
// given names, aliases), in order and with repetitions kept. Words are those of
// Key(s), so hyphenated and apostrophised names split and join as Key does
// ("Əliyeva-Hüseynova" gives "aliyeva" and "huseynova"), and Cyrillic words are read
// in the context of the whole of s, as Latin does. The result is nil when Key(s) is
// empty.
func Tokens(s string) []string {
	f := strings.Fields(Key(s))
	if len(f) == 0 {
		return nil
	}
	return f
}
