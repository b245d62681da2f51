package i18n

import (
	"slices"
	"strings"
)

// Texts is one piece of reference wording (an organisation's name, a
// holiday's name, the source of a time limit) in the languages of the user
// interface, by language. Unlike a catalog message it is data: entered by an
// administrator or shipped with the reference files, with no placeholders.
// In JSON it is an object {"az": …, "en": …, "fr": …, "ru": …}; a language
// may be missing.
type Texts map[Lang]string

// In returns the text in l; when l has none, the English text; when English
// has none either, the first text in the order of Languages; "" when t holds
// no text at all.
func (t Texts) In(l Lang) string {
	if s := strings.TrimSpace(t[l]); s != "" {
		return s
	}
	if s := strings.TrimSpace(t[EN]); s != "" {
		return s
	}
	for _, x := range Languages {
		if s := strings.TrimSpace(t[x]); s != "" {
			return s
		}
	}
	return ""
}

// Has reports whether t holds a text in l itself (no fallback).
func (t Texts) Has(l Lang) bool { return strings.TrimSpace(t[l]) != "" }

// Unknown returns the languages of t that are not languages of the user
// interface, for validation of data entered or loaded.
func (t Texts) Unknown() []string {
	var out []string
	for l := range t {
		if !l.valid() {
			out = append(out, string(l))
		}
	}
	slices.Sort(out)
	return out
}

// Or returns the text in l, else the English text, else fallback (the
// wording of data written before it had one per language, or in one
// language only), else the first text in the order of Languages.
func (t Texts) Or(l Lang, fallback string) string {
	for _, x := range []Lang{l, EN} {
		if s := strings.TrimSpace(t[x]); s != "" {
			return s
		}
	}
	if s := strings.TrimSpace(fallback); s != "" {
		return s
	}
	return t.In(l)
}

// Untranslated returns the languages of the user interface that t (with
// english as its English text where t has none) leaves without wording of
// their own: no text at all, or, in a language other than English, the
// English text itself.
func (t Texts) Untranslated(english string) []Lang {
	en := strings.TrimSpace(t[EN])
	if en == "" {
		en = strings.TrimSpace(english)
	}
	var out []Lang
	for _, l := range Languages {
		s := strings.TrimSpace(t[l])
		if l == EN {
			s = en
		}
		if s == "" || (l != EN && s == en) {
			out = append(out, l)
		}
	}
	return out
}
