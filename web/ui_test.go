package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// uiClient is a browser without JavaScript: cookies, forms and redirects.
type uiClient struct {
	t    *testing.T
	base string
	c    *http.Client
	lang string
}

func newUIClient(t *testing.T, base, lang string) *uiClient {
	jar, _ := cookiejar.New(nil)
	return &uiClient{t: t, base: base, c: &http.Client{Jar: jar}, lang: lang}
}

// get fetches a page and returns its status and HTML.
func (u *uiClient) get(path string) (int, string) {
	u.t.Helper()
	req, _ := http.NewRequest("GET", u.base+path, nil)
	return u.do(req)
}

// do sends a request in the client's language and follows redirects.
func (u *uiClient) do(req *http.Request) (int, string) {
	u.t.Helper()
	req.Header.Set("Accept-Language", u.lang)
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form with the CSRF token of the page at from.
func (u *uiClient) post(from, action string, form url.Values) (int, string) {
	u.t.Helper()
	_, page := u.get(from)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatalf("no CSRF token on %s:\n%s", from, page)
	}
	form.Set("csrf", m[1])
	req, _ := http.NewRequest("POST", u.base+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.do(req)
}

func (u *uiClient) signIn(username string) {
	u.t.Helper()
	status, page := u.post("/signin", "/signin", url.Values{"username": {username}, "password": {password}})
	if status != 200 || !strings.Contains(page, `class="who"`) {
		u.t.Fatalf("sign in %s: %d\n%s", username, status, page)
	}
}

func TestUISignInAndQueue(t *testing.T) {
	_, _, base := journeyStore(t)
	u := newUIClient(t, base, "fr-FR,fr;q=0.9")
	if status, page := u.get("/"); status != 200 || !strings.Contains(page, `action="/signin"`) {
		t.Fatalf("home without a session: %d", status)
	}
	u.signIn("de.officer")
	status, page := u.get("/applications/new")
	if status != 200 || !strings.Contains(page, `lang="fr"`) || !strings.Contains(page, "f-person-surname") {
		t.Fatalf("new application: %d\n%s", status, page)
	}
}
