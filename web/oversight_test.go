package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// oversightSetup seeds cases and has the central authority's officer read
// one of them (the one returned), then links the audit trail.
func oversightSetup(t *testing.T) (*sqldb.DB, map[string]ercms.Actor, string, sqldb.CaseSummary) {
	t.Helper()
	db, actors, base := journeyStore(t)
	ctx := context.Background()
	if _, err := demo.SeedCases(ctx, db, actors, 8, 14); err != nil {
		t.Fatal(err)
	}
	sms := actors["sms.officer"]
	pg, err := db.ListCases(ctx, sms, sqldb.CaseFilter{Limit: 20})
	if err != nil || len(pg.Cases) == 0 {
		t.Fatalf("list: %v", err)
	}
	var read sqldb.CaseSummary
	for _, c := range pg.Cases {
		if c.Surname != "" {
			read = c
			break
		}
	}
	if read.ID == "" {
		t.Fatal("no case with a person's name")
	}
	if _, err := db.FindCase(ctx, sms, read.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SequenceAudit(ctx); err != nil {
		t.Fatal(err)
	}
	return db, actors, base, read
}

// TestUIOversightOddInput answers odd filters with field errors in the
// reader's language, never a server error, and exports safe CSV.
func TestUIOversightOddInput(t *testing.T) {
	_, _, base, read := oversightSetup(t)
	cat := i18n.Default()
	officer := newUIClient(t, base, "en")
	officer.signIn("sms.officer")
	for _, p := range []string{"/audit", "/audit/transmissions", "/audit/persons", "/audit/export", "/audit/persons/" + read.ID} {
		if status, _ := officer.get(p); status != 403 {
			t.Errorf("an officer opens %s: %d", p, status)
		}
	}
	for _, lang := range []string{"az", "fr"} {
		u := newUIClient(t, base, lang)
		u.signIn("auditor")
		status, home := u.get("/")
		if status != 200 || !strings.Contains(home, `id="audit-rows"`) || !strings.Contains(home, html.EscapeString(cat.T(i18n.Lang(lang), "oversight.trail.title"))) {
			t.Fatalf("%s: the auditor's home is not the audit trail: %d", lang, status)
		}
		long := strings.Repeat("ə", 1000)
		for _, c := range []struct {
			query, key string
		}{
			{"from.day=abc&from.month=1&from.year=2026", "invalid.date"},
			{"from.day=31&from.month=2&from.year=2026", "invalid.date.no_such_day"},
			{"to.day=1&to.month=1&to.year=20266", "invalid.date"},
			{"from.day=2&from.month=1&from.year=2026&to.day=1&to.month=1&to.year=2026", "oversight.error.period"},
			{"user=" + long, "oversight.error.text"},
			{"user=a%0Ab", "oversight.error.text"},
			{"reference=" + url.QueryEscape("%' OR 1=1"), "oversight.error.reference"},
			{"reference=" + url.QueryEscape("АБВ-2026"), "oversight.error.reference"},
			{"action=nope", "oversight.error.action"},
			{"organisation=123", "oversight.error.organisation"},
			{"state=ZZ", "oversight.error.state"},
			{"before=-1", "oversight.error.page"},
			{"before=99999999999999999999999", "oversight.error.page"},
		} {
			for _, path := range []string{"/audit", "/audit/transmissions"} {
				status, body := u.get(path + "?" + c.query)
				want := html.EscapeString(cat.T(i18n.Lang(lang), c.key))
				if status != 422 || !strings.Contains(body, "error-summary") || !strings.Contains(body, want) {
					t.Errorf("%s %s?%.60s: %d, want 422 with %q", lang, path, c.query, status, want)
				}
			}
		}
		// Text that matches nothing is no error: the table is empty.
		for _, q := range []string{"user=12345", "user=%25", "user=" + url.QueryEscape("Рəhimov"), "reference=AZ-0000"} {
			if status, body := u.get("/audit?" + q); status != 200 || strings.Contains(body, `id="audit-rows"`) {
				t.Errorf("%s /audit?%s: %d", lang, q, status)
			}
		}
		status, body := u.get("/audit/export?user=sms.officer")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if status != 200 || err != nil || len(rows) < 2 || rows[0][2] != cat.T(i18n.Lang(lang), "oversight.col.user") {
			t.Fatalf("%s export: %d %v %.200q", lang, status, err, body)
		}
		for _, r := range rows[1:] {
			if r[2] != "sms.officer" {
				t.Fatalf("%s export holds a row of %s", lang, r[2])
			}
		}
		dpo := newUIClient(t, base, lang)
		dpo.signIn("dpo")
		for _, q := range []string{"reference=" + url.QueryEscape("<script>"), "name=" + long, "reference=" + long} {
			if status, body := dpo.get("/audit/persons?" + q); status != 422 || !strings.Contains(body, "error-summary") {
				t.Errorf("%s persons?%.40s: %d", lang, q, status)
			}
		}
		for _, q := range []string{"name=%25", "name=12345", "name=" + url.QueryEscape("'\""), "reference=AZ-2026"} {
			if status, _ := dpo.get("/audit/persons?" + q); status != 200 {
				t.Errorf("%s persons?%s: %d", lang, q, status)
			}
		}
		if status, _ := dpo.get("/audit/persons/no-such-case"); status != 404 {
			t.Errorf("%s report of no case: %d", lang, status)
		}
		status, body = dpo.get("/audit/persons/" + read.ID + "/export")
		rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
		if status != 200 || err != nil || !strings.Contains(body, "sms.officer") || rows[0][1] != cat.T(i18n.Lang(lang), "oversight.col.user") {
			t.Fatalf("%s report export: %d %v %.200q", lang, status, err, body)
		}
	}
}

// TestJourneyOversight: the auditor narrows the audit trail by user and
// by case in the browser, and the DPO finds a person by reference and by
// name and reads who read the person's data, in Azerbaijani and French,
// on a phone's width too.
func TestJourneyOversight(t *testing.T) {
	_, _, base, read := oversightSetup(t)
	cat := i18n.Default()
	for _, lang := range []string{"az", "fr"} {
		t.Run(lang, func(t *testing.T) {
			b := newBrowser(t, base)
			rows := func(table string) int {
				return int(value(b, "count rows", chromedp.Evaluate[float64](fmt.Sprintf(`document.querySelectorAll('#%s tbody tr').length`, table))))
			}
			// every reports whether every row's cell sel reads want.
			every := func(sel, want string) bool {
				return value(b, "check rows", chromedp.Evaluate[bool](fmt.Sprintf(
					`[...document.querySelectorAll('#audit-rows tbody tr')].every(r => r.querySelector(%q).textContent.trim().startsWith(%q))`, sel, want)))
			}
			b.signIn(lang, "auditor")
			b.open("/")
			b.expect("h1", regexp.QuoteMeta(cat.T(i18n.Lang(lang), "oversight.trail.title")))
			if !value(b, "chain", chromedp.Evaluate[bool](`document.querySelector('#chain-state.banner-success') !== null`)) {
				t.Fatal("the chain's state is not shown as verified")
			}
			all := rows("audit-rows")
			if all == 0 || every(".audit-user", "sms.officer") {
				t.Fatalf("the whole trail shows %d rows, all by the officer", all)
			}
			b.screenshot("audit-trail")
			b.fill("#f-user", "sms.officer")
			b.submit("#oversight-filter")
			if n := rows("audit-rows"); n == 0 || !every(".audit-user", "sms.officer") {
				t.Fatalf("filtered by user: %d rows, not all by the officer", n)
			}
			b.open("/audit")
			b.fill("#f-reference", read.Reference)
			b.submit("#oversight-filter")
			if n := rows("audit-rows"); n == 0 || n >= all && !every(".audit-case", read.Reference) {
				t.Fatalf("filtered by case: %d rows", n)
			}
			if !value(b, "read by the officer", chromedp.Evaluate[bool](
				`[...document.querySelectorAll('#audit-rows tbody tr')].some(r => r.querySelector('.audit-user').textContent.includes('sms.officer') && r.querySelector('.audit-action').title === 'case.read')`)) {
				t.Fatal("the case's trail does not show the officer's read")
			}
			b.screenshot("audit-by-case")
			// A day that does not exist is refused in the reader's language.
			b.fill("#f-from", "31")
			b.fill("#f-from-month", "2")
			b.fill("#f-from-year", "2026")
			b.submit("#oversight-filter")
			b.expect(".error-summary", regexp.QuoteMeta(cat.T(i18n.Lang(lang), "invalid.date.no_such_day")))
			b.open("/audit/transmissions")
			if n := rows("audit-rows"); n == 0 || !value(b, "recipients", chromedp.Evaluate[bool](
				`[...document.querySelectorAll('#audit-rows tbody tr')].every(r => r.querySelector('.audit-recipient').textContent.trim() !== '')`)) {
				t.Fatalf("the register shows %d rows, some without a recipient", n)
			}
			narrow(t, b, "/audit")
			narrow(t, b, "/audit/transmissions")
			b.screenshot("audit-phone")

			d := newBrowser(t, base)
			d.signIn(lang, "dpo")
			d.open("/")
			d.expect("h1", regexp.QuoteMeta(cat.T(i18n.Lang(lang), "oversight.persons.title")))
			d.fill("#f-reference", read.Reference)
			d.submit("#person-search")
			d.expect("#person-matches", read.Reference)
			d.submit("#person-matches a")
			d.expect("h1", read.Reference)
			d.expect("#report-rows", "sms.officer")
			d.screenshot("person-report")
			narrow(t, d, d.path())
			d.screenshot("person-report-phone")
			d.open("/audit/persons")
			d.fill("#f-name", read.Surname)
			d.submit("#person-search")
			d.expect("#person-matches", read.Reference)
		})
	}
}

// narrow shows path at a phone's width (390 px) and checks that the page
// does not scroll sideways; the browser keeps that width.
func narrow(t *testing.T, b *browser, path string) {
	t.Helper()
	b.run("phone width", chromedp.EmulateViewport(390, 844))
	b.open(path)
	if w := value(b, "page width", chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > 390 {
		wide := value(b, "wide elements", chromedp.Evaluate[string](
			`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`))
		t.Fatalf("%s is %v px wide at 390 px: %s", path, w, wide)
	}
}

// TestUIOversightPurposeWords: the auditor and the DPO read each event's
// purpose in their language on the audit trail, the person report and
// both CSV files (the CSV keeps the purpose's code in a last column); the
// English phrase the record keeps is not shown.
func TestUIOversightPurposeWords(t *testing.T) {
	_, _, base, read := oversightSetup(t)
	cat := i18n.Default()
	for _, lang := range []string{"fr", "az", "ru"} {
		l := i18n.Lang(lang)
		handling := cat.T(l, "audit_purpose.case_handling")
		auditor := newUIClient(t, base, lang)
		auditor.signIn("auditor")
		status, body := auditor.get("/audit?user=sms.officer")
		if status != 200 || !strings.Contains(body, html.EscapeString(handling)) || strings.Contains(body, ">"+ercms.PurposeCaseHandling+"<") {
			t.Errorf("%s trail: %d, want the purpose %q and not %q", lang, status, handling, ercms.PurposeCaseHandling)
		}
		status, body = auditor.get("/audit/export?user=sms.officer")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if status != 200 || err != nil || len(rows) < 2 {
			t.Fatalf("%s trail export: %d %v", lang, status, err)
		}
		last := len(rows[0]) - 1
		if rows[0][6] != cat.T(l, "oversight.col.purpose") || rows[0][last] != cat.T(l, "rest14.col.purpose_code") {
			t.Errorf("%s trail export headed %q", lang, rows[0])
		}
		found := false
		for _, r := range rows[1:] {
			if r[6] == ercms.PurposeCaseHandling || r[6] == r[last] && strings.Contains(r[6], "_") {
				t.Errorf("%s trail export: purpose %q not in words", lang, r[6])
			}
			found = found || (r[6] == handling && r[last] == "case_handling")
		}
		if !found {
			t.Errorf("%s trail export: no row reads %q with its code", lang, handling)
		}
		dpo := newUIClient(t, base, lang)
		dpo.signIn("dpo")
		status, body = dpo.get("/audit/persons/" + read.ID)
		if status != 200 || !strings.Contains(body, html.EscapeString(handling)) || strings.Contains(body, ercms.PurposeCaseHandling) {
			t.Errorf("%s person report: %d, want %q", lang, status, handling)
		}
		status, body = dpo.get("/audit/persons/" + read.ID + "/export")
		if status != 200 || !strings.Contains(body, handling) || strings.Contains(body, ","+ercms.PurposeCaseHandling+",") {
			t.Errorf("%s person report export: %d %.300q", lang, status, body)
		}
	}
}

// TestUIOversightExportAllAndPages: the trail's CSV holds every event the
// filters select, beyond one page of 200, and so does the person report's;
// the trail's pages go forward with "next" and back with "previous" to
// the same rows.
func TestUIOversightExportAllAndPages(t *testing.T) {
	db, actors, base, read := oversightSetup(t)
	ctx := context.Background()
	sms := actors["sms.officer"]
	// More than a page of reads of one case by one officer.
	for range 230 {
		if _, err := db.FindCase(ctx, sms, read.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SequenceAudit(ctx); err != nil {
		t.Fatal(err)
	}
	cat := i18n.Default()
	u := newUIClient(t, base, "fr")
	u.signIn("auditor")
	status, body := u.get("/audit/export?user=sms.officer&action=case.read")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || err != nil || len(rows) < 232 {
		t.Fatalf("trail export: %d %v, %d rows, want the header and at least 231 reads", status, err, len(rows))
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if seen[r[0]] || r[2] != "sms.officer" {
			t.Fatalf("trail export: row %q repeated or of another user", r)
		}
		seen[r[0]] = true
	}
	dpo := newUIClient(t, base, "fr")
	dpo.signIn("dpo")
	status, body = dpo.get("/audit/persons/" + read.ID + "/export")
	rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || err != nil || len(rows) < 232 {
		t.Fatalf("person report export: %d %v, %d rows", status, err, len(rows))
	}
	for _, r := range rows[1:] {
		if r[0] == cat.T(i18n.FR, "oversight.col.time") {
			t.Fatalf("a second header in the person report export")
		}
	}

	// Pages: forward then back.
	rowSeqs := regexp.MustCompile(`<tr>\s*<td>(\d+)</td>`)
	seqs := func(page string) string {
		var out []string
		for _, m := range rowSeqs.FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return strings.Join(out, ",")
	}
	link := func(page, id string) string {
		m := regexp.MustCompile(`href="([^"]+)" id="` + id + `"`).FindStringSubmatch(page)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	_, first := u.get("/audit?user=sms.officer")
	if link(first, "previous-page") != "" || link(first, "next-page") == "" {
		t.Fatalf("the newest page has a previous page or no next one")
	}
	_, second := u.get(link(first, "next-page"))
	if seqs(second) == "" || seqs(second) == seqs(first) || link(second, "previous-page") == "" {
		t.Fatalf("the second page: %q, its previous link %q", seqs(second), link(second, "previous-page"))
	}
	_, third := u.get(link(second, "next-page"))
	_, back := u.get(link(third, "previous-page"))
	if seqs(back) != seqs(second) {
		t.Errorf("back from the third page: %s, want the second page %s", seqs(back), seqs(second))
	}
	_, backAgain := u.get(link(back, "previous-page"))
	if seqs(backAgain) != seqs(first) || link(backAgain, "previous-page") != "" {
		t.Errorf("back to the first page: %s, want %s and no previous page", seqs(backAgain), seqs(first))
	}
}
