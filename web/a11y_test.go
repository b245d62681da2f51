package web_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/htmlcheck"
)

// a11yAccounts are one account of every role of the demo, and more where
// their cases differ (requesting states, agencies).
var a11yAccounts = []string{"de.officer", "de.supervisor", "at.officer", "be.officer", "fr.officer", "nl.officer", "sms.officer", "sms.supervisor", "civil.registry.officer", "police.officer",
	"mfa.consul.berlin", "border.officer", "admin", "auditor", "dpo", "analyst"}

var a11yLanguages = []string{"az", "en", "fr", "ru"}

// emptyable are the actions whose form has a required field: submitted
// empty, they come back with an error summary and change nothing.
var emptyable = []string{"request_info", "provide_info", "start_verification", "answer_task", "request_interview", "extend_reply", "refuse",
	"return_proposal", "correct_deemed_approval", "request_travel_document", "issue_travel_document", "renew_travel_document", "notify_transfer",
	"object_transfer", "postpone_transfer", "record_no_show", "record_handover", "extend_transfer_window", "request_consent_withdrawal",
	"maintain_application", "withdraw", "request_take_back", "record_take_back", "clear_flag", "approve_transit", "refuse_transit",
	"revoke_transit", "record_transit"}

// TestAccessibility crawls the web application as every role in every
// language over realistic demo cases, and checks each page with htmlcheck
// (UI.md "Behaviour": lang, unique title, skip link, landmarks, one h1,
// labelled fields, no inline script or style, valid markup), its headers
// (Content-Security-Policy, Content-Language) and that no catalogue key
// shows instead of a translation.
func TestAccessibility(t *testing.T) {
	db, actors, base := journeyStore(t)
	if _, err := demo.SeedCases(context.Background(), db, actors, 40, 2026); err != nil {
		t.Fatal(err)
	}
	f := &findings{m: map[string][]string{}}
	pages := 0
	var mu sync.Mutex
	t.Run("signed out", func(t *testing.T) {
		for _, lang := range a11yLanguages {
			c := newCrawler(t, f, base, "", lang)
			c.page("GET", "/", nil, 200) // to the sign-in page
			r := c.page("GET", "/signin", nil, 200)
			r = c.page("POST", "/signin", url.Values{"csrf": {r.csrf()}}, http.StatusUnprocessableEntity)
			c.page("POST", "/signin", url.Values{"csrf": {r.csrf()}, "username": {"sms.officer"}, "password": {"not the password"}}, http.StatusUnauthorized)
			r = c.page("GET", "/account/setup", nil, 200)
			c.page("POST", "/account/setup", url.Values{"csrf": {r.csrf()}, "new": {"one"}, "confirm": {"two"}}, http.StatusUnprocessableEntity)
			c.page("GET", "/no-such-page", nil, http.StatusNotFound)
			pages += c.pages
		}
	})
	for _, user := range a11yAccounts {
		t.Run(user, func(t *testing.T) {
			t.Parallel()
			n := crawlAs(t, f, base, user)
			mu.Lock()
			pages += n
			mu.Unlock()
		})
	}
	t.Cleanup(func() {
		t.Logf("checked %d pages of %d routes", pages, len(f.routes))
		if testing.Verbose() {
			t.Logf("routes:\n%s", strings.Join(slices.Sorted(maps.Keys(f.routes)), "\n"))
		}
		f.report(t)
	})
}

// crawlAs visits, in every language, the pages user reaches.
func crawlAs(t *testing.T, f *findings, base, user string) int {
	c := newCrawler(t, f, base, user, "en")
	c.u.signIn(user)
	// The cases to open: one of each status the user sees, chosen in the
	// first language and opened in all.
	var cases []string
	seen := map[string]bool{}
	draft := ""
	for i, lang := range a11yLanguages {
		// The language switch of the page, as a user would.
		home := c.page("GET", "/", nil, 200)
		sw := "/lang/" + string(lang)
		if !strings.Contains(home.body, `formaction="`+sw+`"`) {
			c.fail("GET", "/", "lang-switch", "no button posting to "+sw)
		}
		c.lang = lang
		c.titles = htmlcheck.Titles{}
		home = c.page("POST", sw, url.Values{"csrf": {home.csrf()}, "back": {"/"}}, 200)
		nav := home.Links

		// Every queue tab, and the sort orders of the first.
		var tabs []string
		for _, l := range nav {
			if strings.HasPrefix(l, "/?queue=") && !strings.Contains(l, "&") {
				tabs = append(tabs, l)
			}
		}
		for j, tab := range tabs {
			r := c.page("GET", tab, nil, 200)
			if j == 0 {
				for _, l := range r.Links {
					if strings.HasPrefix(l, tab+"&sort=") {
						c.page("GET", l, nil, 200)
					}
				}
			}
			if i == 0 {
				cases = pickCases(cases, seen, r.body)
			}
		}

		if slices.Contains(nav, "/cases") {
			r := c.page("GET", "/cases", nil, 200)
			if i == 0 {
				cases = pickCases(cases, seen, r.body)
			}
			for _, q := range []string{"?q=a", "?status=registered", "?due=overdue", "?due=7&procedure=normal&category=own_national",
				"?requesting_state=DE&status=approved", "?q=no+such+person+at+all"} {
				r := c.page("GET", "/cases"+q, nil, 200)
				for _, l := range r.Links {
					if strings.Contains(l, "after=") {
						c.page("GET", l, nil, 200)
						break
					}
				}
			}
		}

		tried := map[string]bool{}
		for _, id := range cases {
			r := c.page("GET", "/cases/"+id, nil, 200)
			for _, l := range r.Links {
				rest, ok := strings.CutPrefix(l, "/cases/"+id+"/")
				if !ok {
					continue
				}
				if action, ok := strings.CutPrefix(rest, "act/"); ok {
					form := c.page("GET", l, nil, 200)
					if slices.Contains(emptyable, action) && !tried[action] {
						if len(tried) == 0 {
							// A form that lost the case's version: a page that says what to do, not a failure.
							c.page("POST", l, url.Values{"csrf": {form.csrf()}}, http.StatusPreconditionRequired)
						}
						tried[action] = true
						c.postEmpty(l, form.body)
					}
				} else if !strings.HasPrefix(rest, "application/") && !strings.HasPrefix(rest, "documents/") && !strings.HasPrefix(rest, "files/") {
					// (documents and files are PDFs and images: not pages)
					c.page("GET", l, nil, 200)
				}
			}
			c.page("GET", "/cases/"+id+"/no-such-section", nil, http.StatusNotFound)
		}

		if slices.Contains(nav, "/applications/new") {
			r := c.page("GET", "/applications/new", nil, 200)
			c.page("POST", "/applications/new", url.Values{"csrf": {r.csrf()}, "idempotency_key": {r.field("idempotency_key")}}, http.StatusUnprocessableEntity)
			if draft == "" {
				draft = c.createDraft(r)
			}
			if draft != "" {
				for _, step := range []string{"person", "family", "evidence", "special", "review"} {
					r := c.page("GET", "/cases/"+draft+"/application/"+step, nil, 200)
					switch step {
					case "family":
						c.page("POST", "/cases/"+draft+"/application/family", url.Values{"csrf": {r.csrf()}, "version": {r.field("version")}, "add": {"1"},
							"family.relationship": {"child"}, "family.surname": {"Quliyev"}, "family.dob.day": {"40"}}, http.StatusUnprocessableEntity)
					case "review":
						// Not complete yet (no evidence): the summary links to the steps.
						c.page("POST", "/cases/"+draft+"/application/review", url.Values{"csrf": {r.csrf()}, "version": {r.field("version")}}, http.StatusUnprocessableEntity)
					}
				}
			}
		}

		r := c.page("GET", "/deadlines", nil, 200)
		rule := r.selected("f-rule")
		calc := "/deadlines?rule=" + url.QueryEscape(rule) + "&from=2026-03-02&state=DE"
		if r := c.page("GET", calc, nil, 200); !strings.Contains(r.body, `<dl class="summary">`) {
			c.fail("GET", calc, "status", "no result")
		}
		calc = "/deadlines?rule=" + url.QueryEscape(rule) + "&from=2026-02-30&state=DE"
		if r := c.page("GET", calc, nil, 200); !strings.Contains(r.body, `class="error-summary"`) {
			c.fail("GET", calc, "status", "an impossible date without an error summary")
		}
		if slices.Contains(nav, "/dashboard") {
			c.page("GET", "/dashboard", nil, 200)
		}
		if slices.Contains(nav, "/admin") {
			r := c.page("GET", "/admin", nil, 200)
			for _, l := range r.Links {
				if strings.HasPrefix(l, "/admin/") {
					a := c.page("GET", l, nil, 200)
					for _, l2 := range a.Links {
						if strings.HasPrefix(l2, "/admin/calendars/") {
							c.page("GET", l2, nil, 200)
							break
						}
					}
					// The form of a new profile version, and the same sent empty.
					for _, l2 := range a.Links {
						if strings.HasPrefix(l2, "/admin/profiles/") && strings.HasSuffix(l2, "/new") {
							form := c.page("GET", l2, nil, 200)
							c.page("POST", l2, url.Values{"csrf": {form.csrf()}}, http.StatusUnprocessableEntity)
							break
						}
					}
					// The page of a figure's check and correction, its forms sent empty.
					for _, l2 := range a.Links {
						if strings.HasPrefix(l2, "/admin/profiles/") && strings.Contains(l2, "/checks?figure=rules.reply") {
							form := c.page("GET", l2, nil, 200)
							path, _, _ := strings.Cut(l2, "?")
							c.page("POST", path, url.Values{"csrf": {form.csrf()}, "figure": {"rules.reply"}}, http.StatusUnprocessableEntity)
							c.page("POST", strings.TrimSuffix(path, "/checks")+"/correct", url.Values{"csrf": {form.csrf()}, "figure": {"rules.reply"}}, http.StatusUnprocessableEntity)
							break
						}
					}
				}
			}
		} else {
			c.page("GET", "/admin", nil, http.StatusForbidden)
		}
		pw := c.page("GET", "/account/password", nil, 200)
		c.page("POST", "/account/password", url.Values{"csrf": {pw.csrf()}, "current": {""}, "new": {"one"}, "confirm": {"two"}}, http.StatusUnprocessableEntity)
		c.page("GET", "/no-such-page", nil, http.StatusNotFound)
	}
	return c.pages
}

var (
	caseLink = regexp.MustCompile(`^/cases/([0-9A-Za-z-]+)$`)
	caseRow  = regexp.MustCompile(`(?s)<tr>\s*<td><a href="/cases/([^"/]+)">.*?<span class="tag [^"]*">([^<]+)</span>`)
)

// pickCases adds to cases the first case of each status listed on a page
// of cases that seen does not hold yet.
func pickCases(cases []string, seen map[string]bool, page string) []string {
	for _, m := range caseRow.FindAllStringSubmatch(page, -1) {
		if !seen[m[2]] {
			seen[m[2]] = true
			cases = append(cases, m[1])
		}
	}
	return cases
}

// crawler is one user in one language, checking every page it opens.
type crawler struct {
	t      *testing.T
	f      *findings
	u      *uiClient
	user   string
	lang   string
	titles htmlcheck.Titles
	pages  int
}

func newCrawler(t *testing.T, f *findings, base, user, lang string) *crawler {
	return &crawler{t: t, f: f, u: newUIClient(t, base, lang), user: user, lang: lang, titles: htmlcheck.Titles{}}
}

// checked is a page with its report.
type checked struct {
	htmlcheck.Report
	body string
}

var (
	csrfValue   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	hiddenValue = `name="%s" value="([^"]*)"`
)

func (p checked) csrf() string {
	if m := csrfValue.FindStringSubmatch(p.body); m != nil {
		return m[1]
	}
	return ""
}

func (p checked) field(name string) string {
	if m := regexp.MustCompile(fmt.Sprintf(hiddenValue, regexp.QuoteMeta(name))).FindStringSubmatch(p.body); m != nil {
		return m[1]
	}
	return ""
}

// selected is the first option of a select.
func (p checked) selected(id string) string {
	m := regexp.MustCompile(`id="` + id + `"[^>]*><option value="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return m[1]
}

func (c *crawler) where(method, path string) string {
	who := c.user
	if who == "" {
		who = "signed out"
	}
	return fmt.Sprintf("%s %s (%s, %s)", method, path, who, c.lang)
}

func (c *crawler) fail(method, path, rule, msg string) {
	c.f.add(rule+": "+msg, c.where(method, path))
}

// page requests a page (following redirects), checks it and returns its report.
func (c *crawler) page(method, path string, form url.Values, status int) checked {
	c.t.Helper()
	var req *http.Request
	if method == "POST" {
		req, _ = http.NewRequest(method, c.u.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, c.u.base+path, nil)
	}
	req.Header.Set("Accept-Language", c.lang)
	resp, err := c.u.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.pages++
	c.f.visit(method, path)
	if resp.StatusCode != status {
		c.fail(method, path, "status", fmt.Sprintf("%d, want %d", resp.StatusCode, status))
	}
	h := resp.Header
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		c.fail(method, path, "http", "Content-Type "+ct)
		return checked{body: string(b)}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") ||
		strings.Contains(csp, "unsafe-") {
		c.fail(method, path, "http", fmt.Sprintf("Content-Security-Policy %q", csp))
	}
	if cl := h.Get("Content-Language"); cl != c.lang {
		c.fail(method, path, "http", fmt.Sprintf("Content-Language %q, want %q", cl, c.lang))
	}
	r := htmlcheck.Check(b, htmlcheck.Options{Lang: c.lang, SignedIn: c.user != ""})
	for _, p := range r.Problems {
		c.f.add(p.String(), c.where(method, path))
	}
	key := resp.Request.URL.Path
	if caseLink.MatchString(key) {
		key += "/summary"
	}
	// Every page not found is one page, and so is every other error.
	switch {
	case resp.StatusCode == http.StatusNotFound:
		key = "not found"
	case resp.StatusCode >= 400 && resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusUnauthorized:
		key = "error"
	}
	if other, dup := c.titles.Add(key, r.Title); dup {
		c.fail(method, path, "title", fmt.Sprintf("%q is also the title of %s", r.Title, other))
	}
	errorSummary := strings.Contains(string(b), `class="error-summary"`)
	if resp.StatusCode == http.StatusUnprocessableEntity && !errorSummary {
		c.fail(method, path, "error-summary", "a form with errors without an error summary")
	}
	// The title tells a screen reader's user at once that the form came back with errors.
	if prefix := i18n.Default().T(i18n.Lang(c.lang), "error.title_prefix"); errorSummary && !strings.HasPrefix(r.Title, prefix+" ") {
		c.fail(method, path, "title", fmt.Sprintf("%q: a page with errors has a title without %q", r.Title, prefix))
	}
	return checked{Report: r, body: string(b)}
}

// postEmpty submits an action form with no value: it comes back with an error summary.
func (c *crawler) postEmpty(path, form string) {
	p := checked{body: form}
	c.page("POST", path, url.Values{"csrf": {p.csrf()}, "version": {p.field("version")}}, http.StatusUnprocessableEntity)
}

// createDraft fills the first step of the application and returns the draft's id.
func (c *crawler) createDraft(r checked) string {
	form := url.Values{"csrf": {r.csrf()}, "idempotency_key": {r.field("idempotency_key")}, "requesting_reference": {"BPOL-2026-" + c.user},
		"procedure": {"normal"}, "category": {"own_national"}, "person.surname": {"Quliyev"}, "person.given_names": {"Elnur"},
		"dob.year": {"1991"}, "dob.month": {"7"}}
	req, _ := http.NewRequest("POST", c.u.base+"/applications/new", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.u.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	m := regexp.MustCompile(`^/cases/([^/]+)/application/family$`).FindStringSubmatch(resp.Request.URL.Path)
	if m == nil {
		c.fail("POST", "/applications/new", "status", fmt.Sprintf("creating a draft ended at %s (%d)", resp.Request.URL.Path, resp.StatusCode))
		return ""
	}
	return m[1]
}

// findings gathers the problems of a crawl: one line per distinct problem
// with the first pages that show it.
type findings struct {
	mu sync.Mutex
	m  map[string][]string
	n  map[string]int
	// routes are the pages visited, ids and queries left out.
	routes map[string]int
}

var idInPath = regexp.MustCompile(`/[0-9a-f]{8}-[0-9a-f-]{27}`)

func (f *findings) visit(method, path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.routes == nil {
		f.routes = map[string]int{}
	}
	path, _, _ = strings.Cut(idInPath.ReplaceAllString(path, "/{id}"), "?")
	f.routes[method+" "+path]++
}

func (f *findings) add(problem, where string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == nil {
		f.n = map[string]int{}
	}
	f.n[problem]++
	if len(f.m[problem]) < 3 {
		f.m[problem] = append(f.m[problem], where)
	}
}

func (f *findings) report(t *testing.T) {
	t.Helper()
	keys := make([]string, 0, len(f.m))
	for k := range f.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("%s\n\ton %d pages, such as %s", k, f.n[k], strings.Join(f.m[k], "; "))
	}
}

// TestPaletteContrast computes the WCAG 2.1 contrast ratio of every pair of
// text and background colours of the stylesheet's palette (UI.md: contrast
// ≥ 4.5:1), and makes sure the stylesheet writes text only in colours of the
// palette, so that the pairs cover it.
func TestPaletteContrast(t *testing.T) {
	css, err := os.ReadFile("assets/app.css")
	if err != nil {
		t.Fatal(err)
	}
	root := regexp.MustCompile(`(?s):root\s*\{(.*?)\}`).FindSubmatch(css)
	if root == nil {
		t.Fatal("no :root rule in app.css")
	}
	palette := map[string]string{"white": "#ffffff"}
	for _, m := range regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{3,6})\s*;`).FindAllStringSubmatch(string(root[1]), -1) {
		palette[m[1]] = m[2]
	}
	// Text colour on background, and where the stylesheet puts them together.
	pairs := []struct{ fg, bg, where string }{
		{"text", "bg", "body text"},
		{"text", "panel", "text in the navigation, filters, case header and quotes"},
		{"text", "warn-bg", "a warning banner"},
		{"text", "focus", "the skip link when focused"},
		{"muted", "bg", "captions, hints and the footer"},
		{"muted", "panel", "the case header's caption"},
		{"accent", "bg", "links, secondary buttons"},
		{"accent", "panel", "links of the navigation and the filters"},
		{"accent-dark", "bg", "a hovered link"},
		{"accent-dark", "panel", "a hovered secondary button"},
		{"white", "accent", "buttons and queue counts"},
		{"white", "accent-dark", "the header, a hovered button"},
		{"white", "error", "a warning button"},
		{"error", "bg", "error messages and the error summary"},
		{"error", "panel", "an overdue deadline in the case header"},
		{"ok", "bg", "a success banner"},
		{"warn", "bg", "a deadline due soon"},
		{"warn", "panel", "a deadline due soon in the case header"},
		{"tag-new", "tag-new-bg", "status tag: new"},
		{"tag-progress", "tag-progress-bg", "status tag: in progress"},
		{"tag-positive", "tag-positive-bg", "status tag: decided positive"},
		{"tag-negative", "tag-negative-bg", "status tag: decided negative"},
		{"tag-closed", "tag-closed-bg", "status tag: closed"},
	}
	tested := map[string]bool{}
	for _, p := range pairs {
		fg, okF := palette[p.fg]
		bg, okB := palette[p.bg]
		if !okF || !okB {
			t.Errorf("%s: the palette has no --%s or --%s", p.where, p.fg, p.bg)
			continue
		}
		tested[p.fg] = true
		if r := contrast(t, fg, bg); r < 4.5 {
			t.Errorf("%s: --%s %s on --%s %s has a contrast of %.2f:1, below 4.5:1", p.where, p.fg, fg, p.bg, bg, r)
		}
	}
	// Every text colour of a rule is one of the pairs' (or inherited).
	rules := css[len(root[0]):]
	for _, m := range regexp.MustCompile(`(?:^|[;{\s])color:\s*([^;}]+)`).FindAllSubmatch(rules, -1) {
		v := strings.TrimSpace(string(m[1]))
		switch {
		case v == "inherit" || v == "currentColor":
		case v == "#fff" || v == "#ffffff":
			if !tested["white"] {
				t.Errorf("white text is not tested")
			}
		case strings.HasPrefix(v, "var(--"):
			if name := strings.TrimSuffix(strings.TrimPrefix(v, "var(--"), ")"); !tested[name] {
				t.Errorf("text in --%s is in no tested pair", name)
			}
		default:
			t.Errorf("text colour %s is not from the palette: add it to :root and to the pairs of this test", v)
		}
	}
}

// contrast is the WCAG 2.1 contrast ratio of two sRGB colours #rgb or #rrggbb.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of a colour (WCAG 2.1).
func luminance(t *testing.T, hex string) float64 {
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	var rgb [3]float64
	for i := range rgb {
		n, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			t.Fatalf("colour %s: %v", hex, err)
		}
		c := float64(n) / 255
		if c <= 0.03928 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}

func TestContrastFormula(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{{"#000", "#fff", 21}, {"#fff", "#fff", 1}, {"#767676", "#ffffff", 4.54}, {"#0b4f8a", "#ffffff", 8.4}} {
		if got := contrast(t, c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}
