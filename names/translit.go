package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// azCyrillic maps lower-case letters of the Azerbaijani Cyrillic alphabet (1958–1991)
// to the Azerbaijani Latin alphabet (1991). The second block holds Russian letters
// that Azerbaijani Cyrillic texts use in loanwords and that the 1939–1958 spelling
// used (й for y). Upper case is derived with unicode.TurkishCase.
var azCyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "q", 'ғ': "ğ", 'д': "d", 'е': "e", 'ә': "ə",
	'ж': "j", 'з': "z", 'и': "i", 'ы': "ı", 'ј': "y", 'к': "k", 'ҝ': "g", 'л': "l",
	'м': "m", 'н': "n", 'о': "o", 'ө': "ö", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ү': "ü", 'ф': "f", 'х': "x", 'һ': "h", 'ч': "ç", 'ҹ': "c", 'ш': "ş",

	'й': "y", 'ё': "yo", 'ц': "ts", 'щ': "şç", 'ъ': "", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
}

// ruLatin maps lower-case Russian Cyrillic letters to a Russian-passport style
// romanisation (the 1997–2010 passport table, which is also how most Soviet-era
// names reached Latin documents: Гусейнов → Guseynov, Джафаров → Dzhafarov), with
// one deviation: ё is yo rather than e, so that a Russified ö stays recoverable
// (Гёзель → Gyozel, not Gezel). The further blocks cover Ukrainian and Belarusian
// letters, and Serbian and Macedonian letters mapped to those languages' own Latin
// letters.
var ruLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya",

	'ґ': "g", 'є': "ye", 'і': "i", 'ї': "yi", 'ў': "u",

	'ђ': "đ", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "ć", 'џ': "dž", 'ѕ': "dz", 'ѓ': "ǵ",
	'ќ': "ḱ", 'ѐ': "è", 'ѝ': "ì",
}

// icaoCyrillic is the Cyrillic transliteration table of ICAO Doc 9303 Part 3
// (lower-case letter to MRZ characters), used for Cyrillic that is not Azerbaijani.
var icaoCyrillic = map[rune]string{
	'а': "A", 'б': "B", 'в': "V", 'г': "G", 'д': "D", 'е': "E", 'ё': "E", 'ж': "ZH",
	'з': "Z", 'и': "I", 'й': "I", 'к': "K", 'л': "L", 'м': "M", 'н': "N", 'о': "O",
	'п': "P", 'р': "R", 'с': "S", 'т': "T", 'у': "U", 'ф': "F", 'х': "KH", 'ц': "TS",
	'ч': "CH", 'ш': "SH", 'щ': "SHCH", 'ъ': "IE", 'ы': "Y", 'ь': "", 'э': "E", 'ю': "IU",
	'я': "IA",

	'ґ': "G", 'є': "IE", 'і': "I", 'ї': "I", 'ў': "U",

	'ђ': "D", 'ј': "J", 'љ': "LJ", 'њ': "NJ", 'ћ': "C", 'џ': "DZ", 'ѕ': "DZ", 'ѓ': "G",
	'ќ': "K", 'ѐ': "E", 'ѝ': "I",
}

// Letters that decide whether a Cyrillic word is Azerbaijani (lower case).
const (
	// azOnly letters exist in Azerbaijani Cyrillic and not in Russian.
	azOnly = "әғҝҹһөү"
	// azJe is ј, Azerbaijani y, but also Serbian and Macedonian j.
	azJe = 'ј'
	// notAz letters are absent from the 1958 Azerbaijani alphabet.
	notAz = "йёцщъьэюяґєіїўђљњћџѕѓќѐѝ"
)

// Latin returns s transliterated to Latin script: Azerbaijani Cyrillic and Russian
// Cyrillic letters to their Azerbaijani Latin equivalents where the script is
// Azerbaijani (Ә→Ə, Г→Q, Ғ→Ğ, Һ→H, Ҹ→C, Ч→Ç, Ш→Ş, Ж→J, Х→X, Ө→Ö, Ү→Ü, Ы→I (dotless),
// И→İ, Ј→Y, Ҝ→G …) and a sensible Russian-passport romanisation otherwise (Х→Kh,
// Ж→Zh, Ч→Ch, Ш→Sh, Й→Y, Ы→Y, Ю→Yu, Я→Ya, Ё→Yo, Ь and Ъ dropped); Latin input is
// returned unchanged (NFC).
//
// The script is decided word by word (a word is a run of letters and combining marks):
// a word with ә ғ ҝ ҹ һ ө ү is Azerbaijani; otherwise a word with a letter the
// Azerbaijani alphabet lacks (й ё ц щ ъ ь э ю я, or a Ukrainian or Serbian letter) is
// not; otherwise a word with ј is Azerbaijani; the remaining words, whose letters both
// alphabets share, are read as Azerbaijani when another word of s is Azerbaijani and
// as Russian when not. So "Гасымов Рәшид" is "Qasımov Rəşid" but "Гасымов" alone is
// "Gasymov".
//
// Case follows the source letter; a letter that becomes several Latin letters is
// written in capitals inside a word in capitals (ШУКЮРОВА → SHUKYUROVA) and with an
// initial capital otherwise (Шукюрова → Shukyurova). Characters of other scripts,
// digits and punctuation are kept as they are.
func Latin(s string) string {
	if isASCII(s) {
		return s
	}
	s = norm.NFC.String(s)
	if !hasCyrillic(s) {
		return s
	}
	return norm.NFC.String(transliterate(s, false))
}

// transliterate replaces the Cyrillic letters of s (NFC). With icao false it writes
// Latin with case (Latin); with icao true, words that are not Azerbaijani use the
// ICAO table and case is not maintained, as the caller folds the result to the MRZ
// alphabet. Azerbaijani words go through azCyrillic in both modes, so that an
// Azerbaijani Cyrillic name has the MRZ form of its Latin spelling (Һүсејнов →
// Hüseynov → HUSEYNOV), which is what Azerbaijani passports print.
func transliterate(s string, icao bool) string {
	rs := []rune(s)
	az := azWords(rs)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i, r := range rs {
		if !unicode.Is(unicode.Cyrillic, r) {
			b.WriteRune(r)
			continue
		}
		lr := unicode.ToLower(r)
		out, ok := cyrLookup(lr, az[i], icao)
		if !ok {
			// A letter with a diacritic outside the tables (ӣ, ӧ, ӱ …): transliterate
			// its base letter and keep the marks.
			if d := []rune(norm.NFD.String(string(lr))); len(d) > 1 {
				if base, ok2 := cyrLookup(d[0], az[i], icao); ok2 {
					out, ok = base+string(d[1:]), true
				}
			}
		}
		if !ok {
			b.WriteRune(r)
			continue
		}
		if !icao && r != lr {
			out = upper(out, allCaps(rs, i), az[i])
		}
		b.WriteString(out)
	}
	return b.String()
}

// cyrLookup returns the transliteration of the lower-case Cyrillic letter lr.
func cyrLookup(lr rune, az, icao bool) (string, bool) {
	if az {
		if out, ok := azCyrillic[lr]; ok {
			return out, true
		}
	}
	if icao {
		out, ok := icaoCyrillic[lr]
		return out, ok
	}
	out, ok := ruLatin[lr]
	return out, ok
}

// azWords reports for each rune of rs whether it belongs to an Azerbaijani Cyrillic
// word, by the rules documented on Latin.
func azWords(rs []rune) []bool {
	const (
		shared = iota
		isAz
		isNotAz
	)
	type span struct{ from, to, class int }
	var spans []span
	anyAz := false
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		j := i
		strong, je, non := false, false, false
		for ; j < len(rs) && isWordRune(rs[j]); j++ {
			lr := unicode.ToLower(rs[j])
			switch {
			case lr < 0x400 || lr > 0x4ff:
				// Not in the Cyrillic block: no evidence.
			case strings.ContainsRune(azOnly, lr):
				strong = true
			case lr == azJe:
				je = true
			case strings.ContainsRune(notAz, lr):
				non = true
			}
		}
		class := shared
		switch {
		case strong:
			class = isAz
		case non:
			class = isNotAz
		case je:
			class = isAz
		}
		anyAz = anyAz || class == isAz
		spans = append(spans, span{i, j, class})
		i = j
	}
	az := make([]bool, len(rs))
	for _, sp := range spans {
		v := sp.class == isAz || (sp.class == shared && anyAz)
		for k := sp.from; k < sp.to; k++ {
			az[k] = v
		}
	}
	return az
}

// allCaps reports whether the letter at rs[i] stands among capitals: the next letter
// of its word is a capital, or, at the end of the word, the previous one is.
func allCaps(rs []rune, i int) bool {
	for j := i + 1; j < len(rs); j++ {
		if unicode.IsMark(rs[j]) {
			continue
		}
		if unicode.IsLetter(rs[j]) {
			return unicode.IsUpper(rs[j])
		}
		break
	}
	for j := i - 1; j >= 0; j-- {
		if unicode.IsMark(rs[j]) {
			continue
		}
		return unicode.IsLetter(rs[j]) && unicode.IsUpper(rs[j])
	}
	return false
}

// upper capitalises the transliteration out of an upper-case letter: every letter
// when all is set, else the first. Azerbaijani uses Turkish casing (i → İ, ı → I).
func upper(out string, all, az bool) string {
	toUpper := unicode.ToUpper
	if az {
		toUpper = unicode.TurkishCase.ToUpper
	}
	var b strings.Builder
	b.Grow(len(out) + 2)
	for k, r := range out {
		if k == 0 || all {
			r = toUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isWordRune reports whether r is part of a word: a letter or a combining mark.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r)
}

// isASCII reports whether s is entirely 7-bit ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasCyrillic reports whether s holds a Cyrillic character.
func hasCyrillic(s string) bool {
	for _, r := range s {
		if r >= 0x400 && unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}
