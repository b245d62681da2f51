package names

import (
	"bytes"
	"strings"
)

// Skeleton returns a looser phonetic key that brings the common spellings of one
// Azerbaijani name together across scripts and eras, for "find this person whatever
// the document spelled": Məmmədov, Мамедов, Mamedov, MAMMADOV and Mammadov give the
// same skeleton, as do Hüseynov, Гусейнов, Guseynov, GUSEINOV and HUSEYNOV, or Əliyev,
// Алиев, Aliyev and Aliev, while Mamedov and Mehdiyev, Aliyev and Alizada, Hüseynov
// and Həsənov, or Qasımov and Quliyev stay apart.
//
// Skeleton works on Key(s), so Skeleton(Key(s)) == Skeleton(s), and word by word; the
// words are joined by single spaces. Each word goes through these rules, in order:
//
//  1. Digraphs become one letter, as they spell one sound that Azerbaijani writes
//     with one letter: dzh, dj, zh, ch → c (Джафаров is Dzhafarov or Djafarov for
//     Cəfərov; Russian Ч is Ch for ç, Ж is Zh for j); sh → s (Ш for ş: Rashidov,
//     Rəşidov); kh and gh → k (Х for x: Khalilov, Xəlilov; gh for ğ in English
//     spellings: Aghayev). Key has already made ç c and ş s.
//  2. Letters fold into classes that Russification and romanisation confuse:
//     e → a, since ə becomes а or е in Russian (Məmmədov → Мамедов) and Key writes ə
//     as a (MAMMADOV); h, x, q, g and k → k, since Russian has no h, q or ğ and writes
//     h as Г or Х (Hüseynov → Гусейнов, Əhmədov → Ахмедов), q as Г or К (Qasımov →
//     Гасымов, Tofiq → Тофик) and x as Х (Kh); j → c, since the English and
//     Azerbaijani spellings of one name alternate (Jafarov, Cəfərov) and rule 1 made
//     Ж and Дж c already; w → v.
//  3. Doubled letters are collapsed, since Russian spellings often single them
//     (Məmmədov, Мамедов).
//  4. Glides are dropped, since Russian writes Azerbaijani ya, yu and (after a vowel)
//     ye with one letter (я, ю, е) that romanisation renders with or without y
//     (Алиев is Aliev for Əliyev), and ICAO with i (Ю → IU, Я → IA): y before a vowel at the start
//     of a word or after a consonant is dropped (Vyusal → vusal, Yusif → usif);
//     y or i between two vowels is dropped (Aliyev, Aliev and ALIEV meet; Ayub, AIUB);
//     i before a vowel at the start of a word is dropped (IUSIF, IASHAR); i between
//     a consonant and u or o is dropped (VIUSAL, SHUKIUROVA); every other y is the
//     vowel i (Hüseynov and GUSEINOV, Гасымов as Gasymov and Qasımov).
//  5. Doubled letters are collapsed again; rules 3 to 5 are repeated until the word
//     no longer changes, which makes Skeleton(Skeleton(s)) == Skeleton(s).
//
// Before these rules, the patronymic particle oğlu ("son of"), which Russian writes
// оглы (ogly), is given one spelling (oglu), as its Russified vowel is y, not u; its
// feminine qızı / кызы (kyzy) needs no rule.
//
// The vowel classes a (a, e, ə), i (i, ı, y), o and u stay distinct, since they tell
// names apart (Hüseynov, Həsənov). Known misses: a Russified ö written е (Гевхар for
// Gövhər), devoiced consonants (Мехтиев for Mehdiyev), ICAO Я after a consonant
// (KIAMAL for Kəmal), and an Azerbaijani s followed by h (İshaq reads as if it had ş).
// Names outside Azerbaijani and Russian conventions get a skeleton too, but it is
// only as good as these rules are for them.
func Skeleton(s string) string {
	k := Key(s)
	if k == "" {
		return ""
	}
	out := make([]byte, 0, len(k))
	for i, w := range strings.Split(k, " ") {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, skeletonWord(w)...)
	}
	return string(out)
}

// skeletonWord applies the rules documented on Skeleton to one word of a key.
func skeletonWord(w string) []byte {
	if w == "ogly" || w == "ogli" {
		w = "oglu"
	}
	// Rules 1 and 2.
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); {
		switch {
		case strings.HasPrefix(w[i:], "dzh"):
			b = append(b, 'c')
			i += 3
		case strings.HasPrefix(w[i:], "dj"), strings.HasPrefix(w[i:], "zh"), strings.HasPrefix(w[i:], "ch"):
			b = append(b, 'c')
			i += 2
		case strings.HasPrefix(w[i:], "sh"):
			b = append(b, 's')
			i += 2
		case strings.HasPrefix(w[i:], "kh"), strings.HasPrefix(w[i:], "gh"):
			b = append(b, 'k')
			i += 2
		default:
			b = append(b, letterClass(w[i]))
			i++
		}
	}
	// Rules 3 to 5, until nothing changes.
	for {
		next := collapse(glides(collapse(b)))
		if bytes.Equal(next, b) {
			return b
		}
		b = next
	}
}

// letterClass is rule 2 of Skeleton.
func letterClass(c byte) byte {
	switch c {
	case 'e':
		return 'a'
	case 'h', 'x', 'q', 'g', 'k':
		return 'k'
	case 'j':
		return 'c'
	case 'w':
		return 'v'
	}
	return c
}

// collapse returns b without repeated letters (rules 3 and 5 of Skeleton).
func collapse(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i, c := range b {
		if i > 0 && c == b[i-1] {
			continue
		}
		out = append(out, c)
	}
	return out
}

// glides applies rule 4 of Skeleton; each decision looks at the letters around the
// glide in b, before any is dropped.
func glides(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i, c := range b {
		var prev, next byte
		if i > 0 {
			prev = b[i-1]
		}
		if i+1 < len(b) {
			next = b[i+1]
		}
		switch c {
		case 'y':
			if isVowel(next) {
				continue // initial, after a consonant, or between vowels
			}
			c = 'i'
		case 'i':
			if isVowel(next) && (prev == 0 || isVowel(prev)) {
				continue // initial, or between vowels
			}
			if (next == 'u' || next == 'o') && isConsonant(prev) {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// isVowel reports whether c is a vowel after rule 2 (y is not counted).
func isVowel(c byte) bool {
	return c == 'a' || c == 'i' || c == 'o' || c == 'u'
}

// isConsonant reports whether c is a letter other than a vowel and y.
func isConsonant(c byte) bool {
	return 'a' <= c && c <= 'z' && !isVowel(c) && c != 'y'
}
