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
	switcher := noRedirects(newUIClient(t, base, "en"))
	hostile := []string{"/\t/evil.example", "/\n/evil.example", "/\r//evil.example", "/\\evil.example", "/\\\\evil.example", "//evil.example",
		"https://evil.example", "javascript:alert(1)", " //evil.example", "/\x00/evil.example", "/\x7f/evil.example"}
	for _, back := range hostile {
		resp, err := client.Get(base + "/lang/en?back=" + url.QueryEscape(back))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("GET back=%q: %d to %q, want home", back, resp.StatusCode, loc)
		}
		// A control character in a form is refused whole (422), which
		// leaves the reader on the site as well.
		if status, loc := switcher.postLanguage("en", back); (status != http.StatusSeeOther || loc != "/") && (status != http.StatusUnprocessableEntity || loc != "") {
			t.Errorf("POST back=%q: %d to %q, want home or a refusal", back, status, loc)
		}
		u := newUIClient(t, base, "en")
		if _, page := u.get("/signin?next=" + url.QueryEscape(back)); !strings.Contains(page, `name="next" value="/">`) {
			t.Errorf("next=%q is kept by the sign-in form", back)
		}
	}
	if _, loc := switcher.postLanguage("fr", "/cases?q=M%C9%99mm%C9%99dov"); loc != "/cases?q=M%C9%99mm%C9%99dov" {
		t.Errorf("a path of the site: redirected to %q", loc)
	}
}

// noRedirects makes a client stop at the first answer, to read its Location.
func noRedirects(u *uiClient) *uiClient {
	u.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return u
}

// postLanguage posts the language switch of the sign-in page (a reader not
// signed in) with back, and returns the status and Location of the answer.
func (u *uiClient) postLanguage(lang, back string) (int, string) {
	u.t.Helper()
	_, page := u.get("/signin")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatalf("no CSRF token on the sign-in page:\n%s", page)
	}
	req, _ := http.NewRequest("POST", u.base+"/lang/"+lang, strings.NewReader(url.Values{"csrf": {m[1]}, "back": {back}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
