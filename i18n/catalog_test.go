package i18n

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// pluralBases returns the base keys of the plural messages: those whose
// ".one" entry the English catalog holds.
func pluralBases(c *Catalog) map[string]bool {
	bases := map[string]bool{}
	for k := range c.msgs[EN] {
		if base, ok := strings.CutSuffix(k, ".one"); ok {
			bases[base] = true
		}
	}
	return bases
}

// pluralBase returns the base of a plural entry key, or "".
func pluralBase(bases map[string]bool, key string) string {
	if i := strings.LastIndexByte(key, '.'); i > 0 && bases[key[:i]] {
		return key[:i]
	}
	return ""
}

func TestEmbeddedCatalogsParse(t *testing.T) {
	c, err := load(messagesFS)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Languages {
		if len(c.msgs[l]) == 0 {
			t.Errorf("messages/%s.json holds no messages", l)
		}
	}
	if Default() != Default() {
		t.Error("Default builds a new catalog on each call")
	}
}

func TestParseMessagesRejects(t *testing.T) {
	for _, src := range []string{
		`{"a": "x", "a": "y"}`,
		`{"a": {"b": "c"}}`,
		`{"a": 1}`,
		`["a"]`,
		`{"a": "x"} {"b": "y"}`,
		`{"a": "x"`,
	} {
		if _, err := parseMessages([]byte(src)); err == nil {
			t.Errorf("parseMessages(%s) accepted it", src)
		}
	}
	if m, err := parseMessages([]byte(`{"a": "x", "b.c": "Due {date}"}`)); err != nil || m["b.c"] != "Due {date}" {
		t.Errorf("parseMessages = %v, %v", m, err)
	}
}

// TestEveryKeyInEveryLanguage requires every key of any language in every
// language, non-empty and without surrounding spaces; plural messages need
// exactly the categories of each language's plural rule.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	c := Default()
	bases := pluralBases(c)
	want := map[Lang]map[string]bool{}
	for _, l := range Languages {
		want[l] = map[string]bool{}
	}
	for _, k := range c.Keys() {
		if base := pluralBase(bases, k); base != "" {
			for _, l := range Languages {
				for _, f := range pluralForms(l) {
					want[l][base+"."+f] = true
				}
			}
			continue
		}
		for _, l := range Languages {
			want[l][k] = true
		}
	}
	for _, l := range Languages {
		for _, k := range slicesSorted(want[l]) {
			v, ok := c.msgs[l][k]
			switch {
			case !ok:
				t.Errorf("key %q is missing in %s (messages/%s.json)", k, l, l)
			case strings.TrimSpace(v) == "":
				t.Errorf("key %q is empty in %s", k, l)
			case strings.TrimSpace(v) != v:
				t.Errorf("key %q in %s starts or ends with a space: %q", k, l, v)
			}
		}
		for k := range c.msgs[l] {
			if !want[l][k] {
				t.Errorf("key %q of %s is a plural category the %s rule never chooses", k, l, l)
			}
		}
	}
}

func slicesSorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestPlaceholdersMatch requires the same placeholders in every language
// (and every plural category) of a key, and no stray braces.
func TestPlaceholdersMatch(t *testing.T) {
	c := Default()
	bases := pluralBases(c)
	type ref struct {
		where string
		names string
	}
	first := map[string]ref{} // group (key or plural base) → first seen
	for _, l := range Languages {
		for _, k := range c.Keys() {
			v, ok := c.msgs[l][k]
			if !ok {
				continue
			}
			names, stray := placeholders(v)
			if stray {
				t.Errorf("%s %q: a brace that is not a {name} placeholder: %q", l, k, v)
			}
			slices.Sort(names)
			names = slices.Compact(names)
			group := k
			if base := pluralBase(bases, k); base != "" {
				group = base
				if !slices.Contains(names, "n") {
					t.Errorf("%s %q: plural message without {n}: %q", l, k, v)
				}
			}
			got := ref{string(l) + " " + k, strings.Join(names, ",")}
			if r, ok := first[group]; !ok {
				first[group] = got
			} else if r.names != got.names {
				t.Errorf("placeholders differ: %s has {%s}, %s has {%s}", r.where, r.names, got.where, got.names)
			}
		}
	}
}

func TestPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		in    string
		names []string
		stray bool
	}{
		{"Due {date}", []string{"date"}, false},
		{"Page {page} of {pages}", []string{"page", "pages"}, false},
		{"no placeholder", nil, false},
		{"{Date}", nil, true},
		{"{date", nil, true},
		{"date}", nil, true},
		{"{}", nil, true},
		{"{a_1}{b}", []string{"a_1", "b"}, false},
	} {
		names, stray := placeholders(tc.in)
		if !slices.Equal(names, tc.names) || stray != tc.stray {
			t.Errorf("placeholders(%q) = %v, %v; want %v, %v", tc.in, names, stray, tc.names, tc.stray)
		}
	}
}

func TestT(t *testing.T) {
	c := newCatalog(map[Lang]map[string]string{
		EN: {"due": "Reply due {date}", "only.en": "English only", "two": "{a} and {b}", "days.one": "{n} day", "days.other": "{n} days"},
		FR: {"due": "Réponse attendue le {date}", "days.one": "{n} jour", "days.other": "{n} jours"},
		RU: {"days.one": "{n} день", "days.few": "{n} дня", "days.many": "{n} дней"},
	})
	for _, tc := range []struct {
		l    Lang
		key  string
		args []string
		want string
	}{
		{EN, "due", []string{"date", "15 December 2026"}, "Reply due 15 December 2026"},
		{FR, "due", []string{"date", "15 décembre 2026"}, "Réponse attendue le 15 décembre 2026"},
		{FR, "only.en", nil, "English only"},                                      // falls back to English
		{AZ, "due", []string{"date", "x"}, "Reply due x"},                         // language with no catalog
		{Lang("de"), "due", []string{"date", "x"}, "Reply due x"},                 // unknown language
		{FR, "nowhere", nil, "[nowhere]"},                                         // missing in English too
		{EN, "due", nil, "Reply due {date}"},                                      // no value: placeholder stays
		{EN, "due", []string{"date"}, "Reply due {date}"},                         // odd argument ignored
		{EN, "due", []string{"other", "x"}, "Reply due {date}"},                   // unknown name
		{EN, "two", []string{"a", "{b}", "b", "B"}, "{b} and B"},                  // values are not expanded again
		{EN, "two", []string{"b", "2", "a", "1", "a", "3"}, "1 and 2"},            // first value of a name wins
		{EN, "due", []string{"date", "1 < 2 & \"x\""}, "Reply due 1 < 2 & \"x\""}, // no escaping here: templates escape
	} {
		if got := c.T(tc.l, tc.key, tc.args...); got != tc.want {
			t.Errorf("T(%s, %q, %q) = %q, want %q", tc.l, tc.key, tc.args, got, tc.want)
		}
	}
	for _, tc := range []struct {
		l    Lang
		n    int
		want string
	}{
		{EN, 1, "1 day"},
		{EN, 1234, "1,234 days"},
		{FR, 0, "0 jour"},
		{FR, 2000000, "2\u202f000\u202f000 jours"}, // "many" missing: falls back to "other"
		{RU, 22, "22 дня"},
		{AZ, 3, "3 days"}, // no Azerbaijani catalog: English, with English digits grouping
	} {
		if got := c.Plural(tc.l, "days", tc.n); got != tc.want {
			t.Errorf("Plural(%s, days, %d) = %q, want %q", tc.l, tc.n, got, tc.want)
		}
	}
	if got := c.Plural(EN, "weeks", 2); got != "[weeks]" {
		t.Errorf("Plural of a missing message = %q", got)
	}
	if !c.Has(FR, "due") || c.Has(FR, "only.en") || c.Has(AZ, "due") {
		t.Error("Has should report the language's own keys only")
	}
	if got, want := c.Keys(), []string{"days.few", "days.many", "days.one", "days.other", "due", "only.en", "two"}; !slices.Equal(got, want) {
		t.Errorf("Keys = %q, want %q", got, want)
	}
	var nilCat *Catalog
	if nilCat.T(EN, "x") != "[x]" || nilCat.Has(EN, "x") || nilCat.Keys() != nil || nilCat.Plural(EN, "x", 1) != "[x]" {
		t.Error("a nil catalog should answer like an empty one")
	}
}

func TestLoadReportsBadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"messages/en.json": {Data: []byte(`{"a": "A"}`)},
		"messages/fr.json": {Data: []byte(`{"a": "A", "a": "B"}`)},
		"messages/ru.json": {Data: []byte(`{"a": "А"}`)},
	}
	c, err := load(fsys)
	if err == nil || !strings.Contains(err.Error(), "fr.json") || !strings.Contains(err.Error(), "az.json") {
		t.Fatalf("load error = %v, want one naming az.json and fr.json", err)
	}
	if c.T(RU, "a") != "А" || c.T(FR, "a") != "A" {
		t.Error("load should keep the languages that parsed")
	}
}

func TestLoadMergesAreaFiles(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, l := range Languages {
		fsys["messages/"+string(l)+".json"] = &fstest.MapFile{Data: []byte(`{"a": "A"}`)}
		fsys["messages/pdf/"+string(l)+".json"] = &fstest.MapFile{Data: []byte(`{"pdf.title": "T"}`)}
	}
	c, err := load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c.T(AZ, "pdf.title") != "T" || c.T(AZ, "a") != "A" {
		t.Errorf("area files should merge into the language's catalog: %q", c.Keys())
	}

	fsys["messages/pdf/fr.json"] = &fstest.MapFile{Data: []byte(`{"a": "again"}`)}
	delete(fsys, "messages/pdf/ru.json")
	_, err = load(fsys)
	if err == nil || !strings.Contains(err.Error(), `pdf/fr.json: key "a" is already defined`) || !strings.Contains(err.Error(), "pdf/ru.json: missing") {
		t.Errorf("load error = %v, want the key defined twice and the missing area file", err)
	}
}

func TestDefaultCatalogSamples(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		l         Lang
		key, want string
	}{
		{EN, "app.name", "eRCMS"},
		{EN, "app.title", "Readmission case management"},
		{EN, "error.summary_title", "There is a problem"},
		{EN, "skip.link", "Skip to main content"},
		{EN, "action.register", "Register"},
		{EN, "action.request_info", "Request information"},
		{EN, "clock.reply", "Reply"},
		{EN, "clock.travel_document", "Travel document"},
		{AZ, "state.registered", "Qeydiyyata alınıb"},
		{RU, "state.refused", "Отказано"},
		{FR, "state.deemed_approved", "Réputée acceptée"},
	} {
		if got := c.T(tc.l, tc.key); got != tc.want {
			t.Errorf("T(%s, %q) = %q, want %q", tc.l, tc.key, got, tc.want)
		}
	}
	if got := c.T(EN, "deadline.due", "date", "15 December 2026"); got != "Due 15 December 2026" {
		t.Errorf("deadline.due = %q", got)
	}
	if !strings.HasPrefix(c.T(EN, "error.stale"), "The case was changed by someone else") {
		t.Errorf("error.stale = %q", c.T(EN, "error.stale"))
	}
}

// sameInLanguages are the keys whose wording in a language is the English
// one by right: the product's name, formats without words, and words French
// or Azerbaijani spell as English does (Actions, Code, Status, Transit …).
var sameInLanguages = map[string][]Lang{
	"app.name": {AZ, FR, RU}, "title.page": {AZ, FR, RU}, "web3.invalid.field": {AZ, RU},
	"col.status": {AZ}, "role.admin": {AZ}, "role.auditor": {AZ},
	"admin.code": {FR}, "admin.home": {FR}, "calc.source": {FR}, "case.actions": {FR}, "common.actions": {FR},
	"common.pages": {FR}, "documents.title": {FR}, "evidence.visa": {FR}, "field.body": {FR}, "field.code": {FR},
	"field.date": {FR}, "field.justification": {FR}, "field.type": {FR}, "message_kind.message": {FR},
	"nav.admin": {FR}, "nav.notifications": {FR}, "notifications.title": {FR}, "section.messages": {FR},
	"type.transit": {FR}, "web3.col.source": {FR}, "web3.profile.version": {FR}, "web3.profile.versions": {FR},
}

// TestEveryKeyTranslated fails where a key's wording in az, fr or ru is the
// English one, outside the short list of words that are the same by right:
// a text copied from English and never translated.
func TestEveryKeyTranslated(t *testing.T) {
	c := Default()
	for _, k := range c.Keys() {
		en, ok := c.msgs[EN][k]
		if !ok {
			continue
		}
		for _, l := range []Lang{AZ, FR, RU} {
			if c.msgs[l][k] == en && !slices.Contains(sameInLanguages[k], l) {
				t.Errorf("key %q in %s is the English text %q", k, l, en)
			}
		}
	}
	for k, langs := range sameInLanguages {
		for _, l := range langs {
			if en := c.msgs[EN][k]; en == "" || c.msgs[l][k] != en {
				t.Errorf("key %q in %s is allowed to be the English text but is not: drop it from sameInLanguages", k, l)
			}
		}
	}
}
