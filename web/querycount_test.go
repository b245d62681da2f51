package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/sqldb"
)

// maxStatements bounds the SQL statements of one page of the queue, the
// list or the case view, whatever the number of cases.
const maxStatements = 10

// queryCountUsers are the roles whose queues, lists and cases differ.
var queryCountUsers = []string{"sms.officer", "sms.supervisor", "de.officer", "civil.registry.officer", "mfa.consul.berlin", "border.officer"}

var queryCountSections = []string{"summary", "person", "evidence", "verification", "decision", "transfer", "history"}

// TestQueryCount: no page of the queue, the list or the case view runs more
// than maxStatements SQL statements, and each runs as many over a store of
// 300 cases as over one of 40 (no statement per case or per row).
func TestQueryCount(t *testing.T) {
	small := countPages(t, 40, 1)
	large := countPages(t, 300, 2)
	var keys []string
	for k := range small {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var table strings.Builder
	for _, k := range keys {
		s, l := small[k], large[k]
		fmt.Fprintf(&table, "%-60s %3d %3d\n", k, s.n, l.n)
		if s.n > maxStatements || l.n > maxStatements {
			t.Errorf("%s: %d statements with 40 cases, %d with 300: more than %d", k, s.n, l.n, maxStatements)
		}
		if _, ok := large[k]; ok && s.n-s.audit() != l.n-l.audit() {
			t.Errorf("%s: %d statements with 40 cases, %d with 300: the count grows with the cases", k, s.n, l.n)
		}
	}
	for k := range large {
		if _, ok := small[k]; !ok && large[k].n > maxStatements {
			t.Errorf("%s: %d statements with 300 cases: more than %d", k, large[k].n, maxStatements)
		}
	}
	t.Logf("statements per page (40 cases, 300 cases):\n%s", table.String())
}

var (
	firstCaseLink = regexp.MustCompile(`<td><a href="/cases/([^"/]+)">([^<]+)</a>`)
	firstSurname  = regexp.MustCompile(`<span class="surname">([^<]+)</span>`)
	queueCount    = regexp.MustCompile(`<span class="count">[1-9]`) // a tab of the queue lists a case
)

// counted is the statements of one request of a page.
type counted struct {
	n int64
	// listed: the page lists cases (in any tab of the queue), and the
	// store records that they were shown (one audit statement for the
	// whole list); a list without a case has none.
	listed bool
}

func (c counted) audit() int64 {
	if c.listed {
		return 1
	}
	return 0
}

// countPages seeds a store with about n cases and counts the statements of
// each page as each of queryCountUsers, by page key.
func countPages(t *testing.T, n int, seed int64) map[string]counted {
	t.Helper()
	db, actors, base := journeyStore(t)
	created, err := demo.SeedCases(context.Background(), db, actors, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	if created < n*9/10 {
		t.Fatalf("seeded %d cases, want about %d", created, n)
	}
	counts := map[string]counted{}
	for _, user := range queryCountUsers {
		u := newUIClient(t, base, "en")
		u.signIn(user)
		// The server runs nothing in the background and the seed has
		// returned: between two readings of the counter, only this
		// request talks to the store.
		count := func(key, path string) string {
			t.Helper()
			before := db.Statements()
			status, page := u.get(path)
			counts[user+" "+key] = counted{n: db.Statements() - before, listed: firstCaseLink.MatchString(page) || queueCount.MatchString(page)}
			if status != http.StatusOK {
				t.Errorf("%s %s: %d", user, path, status)
			}
			return page
		}
		home := count("/", "/")
		var tabs []string
		for _, m := range regexp.MustCompile(`href="(/\?queue=[a-z_]+)"`).FindAllStringSubmatch(home, -1) {
			tabs = append(tabs, m[1])
		}
		if len(tabs) == 0 {
			t.Fatalf("%s: no queue on the home page", user)
		}
		cases := map[string]string{} // queue → its first case
		for _, tab := range tabs {
			page := count(tab, tab)
			count(tab+"&sort=name", tab+"&sort=name")
			if m := firstCaseLink.FindStringSubmatch(page); m != nil {
				cases[tab] = m[1]
			}
		}
		list := count("/cases", "/cases")
		// Search for a name and a reference of the list.
		if m := firstSurname.FindStringSubmatch(list); m != nil {
			count("/cases?q={surname}", "/cases?q="+url.QueryEscape(m[1]))
		}
		if m := firstCaseLink.FindStringSubmatch(list); m != nil {
			count("/cases?q={reference}", "/cases?q="+url.QueryEscape(m[2]))
		}
		for _, q := range []string{"?q=nobody+at+all", "?status=registered", "?due=overdue", "?requesting_state=DE&procedure=normal"} {
			count("/cases"+q, "/cases"+q)
		}
		for tab, id := range cases {
			for _, s := range queryCountSections {
				count("case of "+strings.TrimPrefix(tab, "/?queue=")+" /"+s, "/cases/"+id+"/"+s)
			}
		}
	}
	checkStatementsCounted(t, db)
	return counts
}

// checkStatementsCounted makes sure the counter counts: a page without a
// statement would make every bound above hold trivially.
func checkStatementsCounted(t *testing.T, db *sqldb.DB) {
	t.Helper()
	before := db.Statements()
	if _, err := db.Organisations(context.Background()); err != nil {
		t.Fatal(err)
	}
	if db.Statements() == before {
		t.Fatal("db.Statements() does not count the statements")
	}
}
