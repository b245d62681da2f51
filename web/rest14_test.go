package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// TestWordsProfileLanguages: the administrator reads an implementing
// protocol's languages of communication as language names in the page's
// language, not as codes.
func TestWordsProfileLanguages(t *testing.T) {
	_, _, base := journeyStore(t)
	override := regexp.MustCompile(`<span class="override-languages">([^<]*)</span>`)
	for lang, want := range map[string]string{
		"en": "German, English",
		"fr": "allemand, anglais",
		"az": "alman, ingilis",
		"ru": "немецкий, английский",
	} {
		a := newUIClient(t, base, lang)
		a.signIn("admin")
		status, page := a.get("/admin/profiles")
		var got []string
		for _, m := range override.FindAllStringSubmatch(page, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		if status != 200 || len(got) == 0 {
			t.Fatalf("%s: /admin/profiles %d shows no override's languages", lang, status)
		}
		for _, g := range got {
			if regexp.MustCompile(`\b[a-z]{2}\b`).MatchString(g) {
				t.Errorf("%s: languages read as codes: %q", lang, g)
			}
		}
		if !strings.Contains(strings.Join(got, "|"), want) {
			t.Errorf("%s: the German protocol's languages are not %q: %q", lang, want, got)
		}
	}
}
