package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
)

// englishErrorSegments returns the English wording of every error message
// of the catalogue (i18n/messages/errors and the invalid.* field messages):
// the parts between the placeholders long enough to be telling.
func englishErrorSegments(t *testing.T) []string {
	cat := i18n.Default()
	extra := map[string]string{}
	for _, k := range cat.Keys() {
		if strings.HasPrefix(k, "invalid.") {
			extra[k] = cat.T(i18n.EN, k)
		}
	}
	return englishSegments(t, "../i18n/messages/errors/en.json", 15, extra)
}

// englishSegments returns the parts between the placeholders, of at least
// least bytes, of the texts of the English message file (and of extra): the
// wording that a page in another language must not show.
func englishSegments(t *testing.T, file string, least int, extra map[string]string) []string {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]string
	if err := json.Unmarshal(b, &en); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, text := range slices.Concat(slices.Collect(maps.Values(en)), slices.Collect(maps.Values(extra))) {
		for _, seg := range placeholder.Split(text, -1) {
			if seg = strings.TrimSpace(seg); len(seg) >= least {
				out = append(out, seg)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// notInDemo are the emptyable actions that no case of the demo offers (a
// travel document to renew needs an issued one on an approved case).
var notInDemo = []string{"renew_travel_document"}

var placeholder = regexp.MustCompile(`\{[a-z_0-9]+\}`)

// TestActionErrorsInReadersLanguage walks the error path of every action
// form (emptyable: each submitted empty) as the accounts of the demo, in
// Azerbaijani, French and Russian, and fails when a page shows the English
// wording of an error message instead of the reader's, or when an action's
// form was not reached.
func TestActionErrorsInReadersLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo")
	}
	db, actors, base := journeyStore(t)
	if _, err := demo.SeedCases(context.Background(), db, actors, 40, 2026); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"az", "fr", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			english := englishErrorSegments(t)
			f := &findings{m: map[string][]string{}}
			tried := map[string]bool{}
			for _, user := range a11yAccounts {
				c := newCrawler(t, f, base, user, lang)
				c.u.signIn(user)
				_, home := c.u.get("/") // in the language another test left the account in: not checked
				c.page("POST", "/lang/"+lang, url.Values{"csrf": {checked{body: home}.csrf()}, "back": {"/"}}, 200)
				var cases []string
				for _, q := range []string{"/", "/cases"} {
					for _, m := range caseRow.FindAllStringSubmatch(c.page("GET", q, nil, 200).body, -1) {
						if !slices.Contains(cases, m[1]) {
							cases = append(cases, m[1])
						}
					}
				}
				for _, id := range cases {
					if len(tried) == len(emptyable) {
						break
					}
					for _, l := range c.page("GET", "/cases/"+id, nil, 200).Links {
						action, ok := strings.CutPrefix(l, "/cases/"+id+"/act/")
						if !ok || !slices.Contains(emptyable, action) || tried[action] {
							continue
						}
						tried[action] = true
						form := c.page("GET", l, nil, 200)
						r := c.page("POST", l, url.Values{"csrf": {form.csrf()}, "version": {form.field("version")}}, http.StatusUnprocessableEntity)
						body := html.UnescapeString(r.body)
						for _, seg := range english {
							if strings.Contains(body, seg) {
								c.fail("POST", l, "english", fmt.Sprintf("the %s page of %s shows %q", lang, action, seg))
							}
						}
					}
				}
			}
			for _, action := range emptyable {
				if !tried[action] && !slices.Contains(notInDemo, action) {
					f.add("coverage: no demo case offered the form of "+action, lang)
				}
			}
			f.report(t)
		})
	}
}
