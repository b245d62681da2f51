package web_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/sqldb"
)

// hostilePieces are the parts the search property test builds its texts
// from: digits, wildcards and punctuation of SQL and URLs, letters of
// several scripts, invalid UTF-8 and a NUL.
var hostilePieces = []string{"0", "00109", "1988", "5158449767", "C01234567", "%", "_", "-", "'", `"`, `\`, ";", "--", "/*", "*",
	"(", ")", "?", "&", "=", "#", "+", ".", ",", ":", "Ə", "ə", "İ", "ı", "Мамедов", "Məmmədov", "Mamedof", "李", "🙂", "\u200d",
	"\x00", "\xff\xfe", " ", "  ", "\t", "AZ-DE-2026-", "12.05.1988", "1988-05-12", "a", "z", "zz", "ова", "oğlu"}

// hostileText returns a random search text of up to 1,000 characters.
func hostileText(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(12); n >= 0; n-- {
		b.WriteString(hostilePieces[r.IntN(len(hostilePieces))])
	}
	if r.IntN(10) == 0 {
		return strings.Repeat(b.String(), 1000)[:1000]
	}
	return b.String()
}

// TestSearchAnyText sends random and hostile search texts, with random
// other filters, through the API and the page of the case list, as the
// central authority and a member state, and fails on any answer but 200; a
// document number of a demo case finds that case only.
func TestSearchAnyText(t *testing.T) {
	db, actors, base := journeyStore(t)
	if _, err := demo.SeedCases(context.Background(), db, actors, 30, 2026); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 2026))
	for _, user := range []string{"sms.officer", "de.officer"} {
		api := signIn(t, base, user) // hostile queries are off the contract on purpose: only the answers are checked
		page := newUIClient(t, base, "az")
		page.signIn(user)
		for i := 0; i < 150; i++ {
			q := url.Values{"q": {hostileText(r)}}
			for _, k := range []string{"after", "status", "type", "requesting_state", "procedure", "category", "due"} {
				if r.IntN(4) == 0 {
					q.Set(k, hostileText(r))
				}
			}
			if rp := api.offContract().do("GET", "/api/v1/cases?"+q.Encode(), nil); rp.status != http.StatusOK && rp.status != http.StatusBadRequest {
				t.Errorf("%s: GET /api/v1/cases?%s: %d %s", user, q.Encode(), rp.status, rp.body)
			}
			if status, _ := page.get("/cases?" + q.Encode()); status != http.StatusOK {
				t.Errorf("%s: GET /cases?%s: %d", user, q.Encode(), status)
			}
		}
	}

	// A document number finds its case, and only it.
	all, err := db.ListCases(context.Background(), actors["sms.officer"], sqldb.CaseFilter{Limit: sqldb.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, s := range all.Cases {
		c, err := db.FindCase(context.Background(), actors["sms.officer"], s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Application.Evidence {
			if e.Number == "" || found == 3 {
				continue
			}
			found++
			var list struct {
				Cases []struct {
					ID string `json:"id"`
				} `json:"cases"`
			}
			signIn(t, base, "sms.officer").do("GET", "/api/v1/cases?q="+url.QueryEscape(strings.ToLower(e.Number)), nil).decode(t, &list)
			if len(list.Cases) != 1 || list.Cases[0].ID != c.ID {
				t.Errorf("document number %s of %s finds %+v", e.Number, c.Reference, list.Cases)
			}
		}
	}
	if found == 0 {
		t.Fatal("no demo case has a document number")
	}
}
