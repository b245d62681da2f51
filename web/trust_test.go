package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// trustServer serves the demo people over https (tls) or http, its own
// address the public one, with setup applied first. It returns the address
// and an HTTP client that trusts the server and keeps no cookies.
func trustServer(t *testing.T, tls bool, setup func(*web.Server)) (string, *http.Client) {
	t.Helper()
	db, _ := testdb.Open(t, sqldb.SQLite)
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.Blobs = blobs
	if _, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return password }); err != nil {
		t.Fatal(err)
	}
	h := web.New(db, nil)
	srv := httptest.NewUnstartedServer(h)
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	if err := h.SetBaseURL(scheme + srv.Listener.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(h)
	}
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return srv.URL, c
}

// fetch sends a request with headers (name, value, …) and returns the answer with its body read.
func fetch(t *testing.T, c *http.Client, method, url string, body url.Values, headers ...string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

const hsts = "max-age=63072000; includeSubDomains"

// TestHSTSAndAPIHeaders: over TLS every answer (page, API, health check)
// tells browsers to keep to https; over plain http none does, whatever
// X-Forwarded-Proto a client sends. API answers carry a policy that loads
// and frames nothing.
func TestHSTSAndAPIHeaders(t *testing.T) {
	tlsBase, tlsClient := trustServer(t, true, nil)
	httpBase, httpClient := trustServer(t, false, nil)
	for _, path := range []string{"/signin", "/api/v1/openapi.json", "/api/v1/cases", "/healthz", "/nowhere"} {
		resp, _ := fetch(t, tlsClient, "GET", tlsBase+path, nil)
		if got := resp.Header.Get("Strict-Transport-Security"); got != hsts {
			t.Errorf("https %s: Strict-Transport-Security %q", path, got)
		}
		resp, _ = fetch(t, httpClient, "GET", httpBase+path, nil, "X-Forwarded-Proto", "https")
		if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("http %s (a client claiming https): Strict-Transport-Security %q", path, got)
		}
		if strings.HasPrefix(path, "/api/") || path == "/healthz" {
			h := resp.Header
			if h.Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" || h.Get("X-Content-Type-Options") != "nosniff" ||
				h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: headers %v", path, h)
			}
		}
	}
}

// TestForwardedHeadersFromProxyOnly: X-Forwarded-Proto makes the answer
// HSTS only when the peer is a configured proxy.
func TestForwardedHeadersFromProxyOnly(t *testing.T) {
	untrusted, c1 := trustServer(t, false, func(s *web.Server) {
		s.SetTrustedProxies([]netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")})
	})
	trusted, c2 := trustServer(t, false, func(s *web.Server) {
		s.SetTrustedProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")})
	})
	if resp, _ := fetch(t, c1, "GET", untrusted+"/signin", nil, "X-Forwarded-Proto", "https"); resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("X-Forwarded-Proto from a peer that is no proxy is believed")
	}
	if resp, _ := fetch(t, c2, "GET", trusted+"/signin", nil, "X-Forwarded-Proto", "https"); resp.Header.Get("Strict-Transport-Security") != hsts {
		t.Error("X-Forwarded-Proto from the configured proxy is ignored")
	}
	if resp, _ := fetch(t, c2, "GET", trusted+"/signin", nil, "X-Forwarded-Proto", "http"); resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over http through the proxy")
	}
}

// TestHostCookies: with an https public address every cookie of the pages
// is __Host- and Secure, and a plain-named cookie (which another host or a
// plain-http page could have set) is not read; over http the names are
// plain and not Secure (the demo).
func TestHostCookies(t *testing.T) {
	base, c := trustServer(t, true, nil)
	jar, _ := cookiejar.New(nil)
	c.Jar = jar
	resp, page := fetch(t, c, "GET", base+"/signin", nil)
	assertCookies(t, resp, "__Host-ercms_pre", true)
	csrf := csrfField.FindStringSubmatch(page)
	if csrf == nil {
		t.Fatalf("no CSRF token:\n%s", page)
	}
	resp, _ = fetch(t, c, "POST", base+"/signin", url.Values{"csrf": {csrf[1]}, "username": {"de.officer"}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in over https: %d", resp.StatusCode)
	}
	assertCookies(t, resp, "__Host-ercms_session", true)
	var token string
	for _, ck := range resp.Cookies() {
		if ck.Name == "__Host-ercms_session" {
			token = ck.Value
		}
	}
	if _, page := fetch(t, c, "GET", base+"/", nil); !strings.Contains(page, `class="who"`) {
		t.Fatal("not signed in with the __Host- session cookie")
	}
	plain := &http.Client{Transport: c.Transport, CheckRedirect: c.CheckRedirect}
	if resp, _ := fetch(t, plain, "GET", base+"/", nil, "Cookie", "ercms_session="+token); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session read from a cookie without the __Host- prefix: %d", resp.StatusCode)
	}

	httpBase, hc := trustServer(t, false, nil)
	resp, _ = fetch(t, hc, "GET", httpBase+"/signin", nil, "X-Forwarded-Proto", "https")
	assertCookies(t, resp, "ercms_pre", false)
}

// assertCookies checks that the answer sets the cookie name, and that every
// cookie it sets is Secure or not, for the whole site, for no other domain.
func assertCookies(t *testing.T, resp *http.Response, name string, secure bool) {
	t.Helper()
	found := false
	for _, c := range resp.Cookies() {
		found = found || c.Name == name
		if c.Secure != secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly || strings.HasPrefix(c.Name, "__Host-") != secure {
			t.Errorf("cookie %s: Secure %v, Path %q, Domain %q, HttpOnly %v; want Secure %v", c.Name, c.Secure, c.Path, c.Domain, c.HttpOnly, secure)
		}
	}
	if !found {
		t.Errorf("no cookie %s in %v", name, resp.Header.Values("Set-Cookie"))
	}
}

// TestLanguageSwitchPosts: following a link to the language switch (a GET)
// changes nothing, neither the cookie nor the account; its form (a POST
// with the page's token) changes both, signed in or not.
func TestLanguageSwitchPosts(t *testing.T) {
	_, _, base := journeyStore(t)
	u := newUIClient(t, base, "en")
	u.signIn("de.officer")
	noRedirects(u)
	resp, _ := fetch(t, u.c, "GET", base+"/lang/fr?back=%2Fcases", nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/cases" || len(resp.Cookies()) != 0 {
		t.Errorf("GET /lang/fr: %d to %q, cookies %v", resp.StatusCode, loc, resp.Cookies())
	}
	if _, page := u.get("/"); !strings.Contains(page, `<html lang="en"`) {
		t.Error("GET /lang/fr changed the language")
	}
	if _, page := u.get("/"); !strings.Contains(page, `formaction="/lang/fr"`) {
		t.Errorf("no language switch:\n%s", page)
	}
	resp, _ = fetch(t, u.c, "POST", base+"/lang/fr", url.Values{"back": {"/"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /lang/fr without the token: %d", resp.StatusCode)
	}
	if status, loc := u.postFrom("/", "/lang/fr", url.Values{"back": {"/cases"}}); status != http.StatusSeeOther || loc != "/cases" {
		t.Errorf("POST /lang/fr: %d to %q", status, loc)
	}
	again := newUIClient(t, base, "en") // another computer: the account remembers
	again.signIn("de.officer")
	if _, page := again.get("/"); !strings.Contains(page, `<html lang="fr"`) {
		t.Error("the language chosen is not remembered for the account")
	}

	// Not signed in: the sign-in page's switch, with its pre-session token.
	anon := noRedirects(newUIClient(t, base, "en"))
	if status, loc := anon.postLanguage("ru", "/signin"); status != http.StatusSeeOther || loc != "/signin" {
		t.Errorf("POST /lang/ru signed out: %d to %q", status, loc)
	}
	if _, page := anon.get("/signin"); !strings.Contains(page, `<html lang="ru"`) {
		t.Error("the sign-in page is not in the language chosen")
	}
}

// postFrom posts a form with the CSRF token of the page at from and
// returns the status and Location of the answer.
func (u *uiClient) postFrom(from, action string, form url.Values) (int, string) {
	u.t.Helper()
	_, page := u.get(from)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatalf("no CSRF token on %s", from)
	}
	form.Set("csrf", m[1])
	resp, _ := fetch(u.t, u.c, "POST", u.base+action, form)
	return resp.StatusCode, resp.Header.Get("Location")
}

// isSession reports whether c is the session cookie.
func isSession(c *http.Cookie) bool { return strings.HasSuffix(c.Name, "ercms_session") }

// TestCrossOriginRefused: a browser's post from another site is refused,
// on the pages even with a valid form token and on the API, while the same
// post from the site itself and an API client's (no browser headers) pass.
func TestCrossOriginRefused(t *testing.T) {
	_, _, base := journeyStore(t)
	u := noRedirects(newUIClient(t, base, "en"))
	_, page := u.get("/signin")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the sign-in page")
	}
	form := url.Values{"csrf": {m[1]}, "username": {"de.officer"}, "password": {password}}
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"}, {"Origin", "http://evil.example"}} {
		resp, page := fetch(t, u.c, "POST", base+"/signin", form, append(h, "Accept-Language", "en")...)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "sent from another website") || slices.ContainsFunc(resp.Cookies(), isSession) {
			t.Errorf("sign-in posted with %s: %d, cookies %v", h, resp.StatusCode, resp.Cookies())
		}
		resp, body := fetch(t, http.DefaultClient, "POST", base+"/api/v1/session", nil, append(h, "Content-Type", "application/json")...)
		var p web.Problem
		if resp.StatusCode != http.StatusForbidden || json.Unmarshal([]byte(body), &p) != nil || p.Key != "err.trust.cross_origin" {
			t.Errorf("API posted with %s: %d %s", h, resp.StatusCode, body)
		}
	}
	if resp, _ := fetch(t, u.c, "POST", base+"/signin", form, "Sec-Fetch-Site", "same-origin", "Origin", base); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in from the site itself: %d", resp.StatusCode)
	}
	// (The analyst signs in with a password alone: the policy asks no second factor of it.)
	req, _ := http.NewRequest("POST", base+"/api/v1/session", strings.NewReader(`{"username":"analyst","password":"`+password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusCreated {
		t.Errorf("API client: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// TestJourneyOverHTTPS: a browser signs in, changes language, works and
// signs out over https with an https public address; every answer it got
// carries HSTS and sets only __Host- Secure cookies (journeyStoreOver's
// scan), and the browser keeps them (it stays signed in).
func TestJourneyOverHTTPS(t *testing.T) {
	db, actors, base := journeyStoreOver(t, true)
	s := newCase(t, db, actors)
	b := newBrowser(t, base)
	b.signIn("fr", "de.officer")
	b.expect(".who", "de.officer")
	b.open("/cases/" + s.c.ID)
	b.expect("main", s.c.Reference)
	b.submit(`.lang-switch button[lang="en"]`)
	if got := b.attr("html", "lang"); got != "en" {
		t.Fatalf("after the switch: language %q", got)
	}
	b.expect(".who", "de.officer")
	b.submit(".who button[type=submit]")
	b.expect("main h1", "Sign in")
}
