package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRedirectsStayOnSite sends the language switch and the sign-in page
// targets that browsers would read as another site (control characters,
// which browsers drop, backslashes, which they read as slashes, schemes,
// hosts) and checks that each answer sends the browser home instead, while
// a path of the site is kept.
func TestRedirectsStayOnSite(t *testing.T) {
	_, _, base := journeyStore(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	hostile := []string{"/\t/evil.example", "/\n/evil.example", "/\r//evil.example", "/\\evil.example", "/\\\\evil.example", "//evil.example",
		"https://evil.example", "javascript:alert(1)", " //evil.example", "/\x00/evil.example", "/\x7f/evil.example"}
	for _, back := range hostile {
		resp, err := client.Get(base + "/lang/en?back=" + url.QueryEscape(back))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("back=%q: %d to %q, want home", back, resp.StatusCode, loc)
		}
		u := newUIClient(t, base, "en")
		if _, page := u.get("/signin?next=" + url.QueryEscape(back)); !strings.Contains(page, `name="next" value="/">`) {
			t.Errorf("next=%q is kept by the sign-in form", back)
		}
	}
	resp, err := client.Get(base + "/lang/fr?back=" + url.QueryEscape("/cases?q=M%C9%99mm%C9%99dov"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/cases?q=M%C9%99mm%C9%99dov" {
		t.Errorf("a path of the site: redirected to %q", loc)
	}
}
