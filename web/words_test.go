package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
)

// wordsLanguages are the languages the words crawl reads every page in.
var wordsLanguages = []string{"az", "fr", "ru"}

var (
	// rawID is a record's id (a UUID, or its first group cut short).
	rawID = regexp.MustCompile(`[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|…)`)
	// rawCode is a code of the system's vocabularies as the store keeps
	// it: a word with underscores (ca_officer, transferred_on, own_national).
	rawCode = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)
	// hrefs are a page's links within the application.
	hrefs = regexp.MustCompile(`href="(/[^"#]*)"`)
	// notRead are links whose targets are not pages: files, the API,
	// signing out, switching the language.
	notRead = regexp.MustCompile(`^/(?:assets/|api/|signout|lang/|forms/)|/documents/|/files/|/download|/export|\.(?:pdf|csv|json|jpe?g|png)$`)
	// routeIDs turns the ids and numbers of a path into placeholders, so
	// that the crawl opens a bounded number of pages of each route.
	routeIDs = regexp.MustCompile(`/[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|/[0-9]+(?:/|$)`)
	// ownedElsewhere are pages left out: the reference lists, which show
	// each code in brackets after its words on purpose, for the
	// administrator who maintains them.
	ownedElsewhere = regexp.MustCompile(`^/admin/reference(?:/|$|\?)`)
	// surnameSpan is a surname as a page shows it.
	surnameSpan = regexp.MustCompile(`<span class="surname">([^<]*)</span>`)
	// afterCursor is the cursor of a list's next page, left out of a route.
	afterCursor = regexp.MustCompile(`after=[^&]*`)
)

// pageText returns the text of an HTML page that a person reads: its text
// nodes outside scripts and styles, each trimmed (attributes and URLs are
// left out).
func pageText(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "template") {
			return
		}
		if n.Type == html.TextNode {
			if s := strings.TrimSpace(n.Data); s != "" {
				out = append(out, s)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// codesIn lists the raw ids and codes in a page's text: ids, words with
// underscores, a sex written as its letter, a country as its ISO code.
func codesIn(texts []string) []string {
	var out []string
	for _, c := range codesInText(texts) {
		out = append(out, c.code)
	}
	return out
}

// codeInText is a code found in a page's text with the text around it.
type codeInText struct{ code, text string }

func codesInText(texts []string) []codeInText {
	cat := i18n.Default()
	var out []codeInText
	for _, s := range texts {
		for _, m := range rawID.FindAllString(s, -1) {
			out = append(out, codeInText{"id " + m, s})
		}
		for _, m := range rawCode.FindAllString(s, -1) {
			out = append(out, codeInText{"code " + m, s})
		}
		if s == "M" || s == "F" || s == "X" {
			out = append(out, codeInText{"sex " + s, s})
		}
		// A country code alone, or as one part of a line of facts (Readmission · DE · …);
		// two capitals inside a sentence or a flight number (ID card, TK 1952) are words.
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '·' || r == '→' }) {
			tok := strings.TrimSpace(part)
			if len(tok) == 2 && tok[0] >= 'A' && tok[0] <= 'Z' && tok[1] >= 'A' && tok[1] <= 'Z' && cat.CountryName(i18n.EN, tok) != tok {
				out = append(out, codeInText{"country " + tok, s})
			}
		}
	}
	return out
}

func TestCodesIn(t *testing.T) {
	for _, tc := range []struct {
		text []string
		want []string
	}{
		{[]string{"Officer in charge", "01a23ef1-4b5c-4d6e-8f90-123456789abc"}, []string{"id 01a23ef1-4b5c-4d6e-8f90-123456789abc"}},
		{[]string{"Officer in charge: 01a23ef1-…"}, []string{"id 01a23ef1-…"}},
		{[]string{"Role", "ca_officer"}, []string{"code ca_officer"}},
		{[]string{"Transferred on: transferred_on"}, []string{"code transferred_on"}},
		{[]string{"Sex", "M"}, []string{"sex M"}},
		{[]string{"Readmission · DE · BPOL-2026-0417"}, []string{"country DE"}},
		{[]string{"DE → AZ"}, []string{"country DE", "country AZ"}},
		{[]string{"AT"}, []string{"country AT"}},
		{[]string{"AZ-DE-2026-00042", "Germany → Azerbaijan", "Male", "Flight J2 8012", "GYD", "RƏHİMOV Elnur", "sms.officer", "The ID card is valid.", "TK 1952 / TK 338"}, nil},
	} {
		if got := codesIn(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("codesIn(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestPagesShowWordsNotCodes reads every page every role of the demo
// reaches from its home page and its cases, in Azerbaijani, French and
// Russian, and fails where the text a person reads shows a record's id or a
// code instead of words: a role, status or setting as the store keeps it,
// a sex as its letter, a country as its ISO code. Surnames are written in
// capitals by the server (KONAN, RƏHİMOV), whatever the page's language.
func TestPagesShowWordsNotCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo")
	}
	start := time.Now()
	db, actors, base := journeyStore(t)
	if _, err := demo.SeedCases(context.Background(), db, actors, 40, 2026); err != nil {
		t.Fatal(err)
	}
	f := &findings{m: map[string][]string{}}
	var mu sync.Mutex
	pages := 0
	t.Run("roles", func(t *testing.T) {
		for _, user := range a11yAccounts {
			t.Run(user, func(t *testing.T) {
				t.Parallel()
				for _, lang := range wordsLanguages {
					n := readAllPages(t, f, base, user, lang)
					mu.Lock()
					pages += n
					mu.Unlock()
				}
			})
		}
	})
	t.Logf("read %d pages in %s", pages, time.Since(start).Round(time.Second))
	if pages < 300 {
		t.Errorf("read only %d pages: the crawl does not reach the pages", pages)
	}
	f.report(t)
}

// readAllPages signs user in, switches to lang and reads the pages reached
// from the home page, a few of each route (cases of different statuses
// first), checking the text of each; it returns how many it read.
func readAllPages(t *testing.T, f *findings, base, user, lang string) int {
	const perRoute, most = 3, 45
	u := newUIClient(t, base, lang)
	u.signIn(user)
	u.switchLanguage(lang)
	queue := []string{"/", "/cases"}
	seen := map[string]bool{}
	routes := map[string]int{}
	read := 0
	for len(queue) > 0 && read < most {
		path := queue[0]
		queue = queue[1:]
		status, body := u.get(path)
		read++
		where := fmt.Sprintf("%s (%s, %s)", path, user, lang)
		if status >= 500 {
			f.add(fmt.Sprintf("status %d", status), where)
			continue
		}
		if status != http.StatusOK {
			continue
		}
		// Surnames come in capitals from the server (names.Upper), not from CSS.
		for _, m := range surnameSpan.FindAllStringSubmatch(body, -1) {
			if sn := html.UnescapeString(m[1]); strings.IndexFunc(sn, unicode.IsLower) >= 0 {
				f.add("surname not in capitals", fmt.Sprintf("%s in %q", where, sn))
			}
		}
		for _, c := range codesInText(pageText(body)) {
			text := c.text
			if len(text) > 80 {
				text = text[:80] + "…"
			}
			f.add(c.code, fmt.Sprintf("%s in %q", where, text))
		}
		// Cases of each status first, then the other links in page order.
		var next []string
		for _, id := range pickCases(nil, map[string]bool{}, body) {
			next = append(next, "/cases/"+id)
		}
		for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
			next = append(next, html.UnescapeString(m[1]))
		}
		for _, l := range next {
			if seen[l] || notRead.MatchString(l) || ownedElsewhere.MatchString(l) {
				continue
			}
			seen[l] = true
			route := afterCursor.ReplaceAllString(routeIDs.ReplaceAllString(l, "/{id}/"), "after=")
			if routes[route] >= perRoute {
				continue
			}
			routes[route]++
			queue = append(queue, l)
		}
	}
	return read
}
