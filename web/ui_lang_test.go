package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// TestPagesInDeploymentLanguage: a reader who has chosen no language and
// whose browser asks for none sees the sign-in page in the deployment's
// language (Azerbaijani for the deployment serving Azerbaijan, or the one
// set by SetLanguage); a browser that asks for French gets French; the
// language switch's cookie wins over both. The API still answers such a
// caller in English.
func TestPagesInDeploymentLanguage(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	if db.Country() != "AZ" {
		t.Fatalf("the test store serves %s, not the deployment of Azerbaijan", db.Country())
	}
	az := httptest.NewServer(web.New(db, nil))
	t.Cleanup(az.Close)
	set := web.New(db, nil)
	set.SetLanguage(i18n.RU)
	ru := httptest.NewServer(set)
	t.Cleanup(ru.Close)

	for _, tc := range []struct {
		name, base, accept, cookie string
		want                       i18n.Lang
	}{
		{"no Accept-Language", az.URL, "", "", i18n.AZ},
		{"a language none of ours", az.URL, "de-DE,de;q=0.9", "", i18n.AZ},
		{"French asked for", az.URL, "fr-FR,fr;q=0.9", "", i18n.FR},
		{"English asked for", az.URL, "en-US,en;q=0.9", "", i18n.EN},
		{"the switch's cookie", az.URL, "fr", "en", i18n.EN},
		{"the language set for the deployment", ru.URL, "", "", i18n.RU},
	} {
		req, _ := http.NewRequest("GET", tc.base+"/signin", nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Language", tc.accept)
		}
		if tc.cookie != "" {
			req.AddCookie(&http.Cookie{Name: "ercms_lang", Value: tc.cookie})
		}
		status, page, hdr := get(t, req)
		title := html.EscapeString(i18n.Default().T(tc.want, "signin.title"))
		if status != http.StatusOK || !strings.Contains(page, `<html lang="`+string(tc.want)+`"`) || !strings.Contains(page, title) || hdr.Get("Content-Language") != string(tc.want) {
			t.Errorf("%s: status %d, Content-Language %q, want a sign-in page in %s (%q)", tc.name, status, hdr.Get("Content-Language"), tc.want, title)
		}
	}

	req, _ := http.NewRequest("GET", az.URL+"/api/v1/me", nil)
	if status, _, hdr := get(t, req); status != http.StatusUnauthorized || hdr.Get("Content-Language") != "en" {
		t.Errorf("API without Accept-Language: %d, Content-Language %q, want English", status, hdr.Get("Content-Language"))
	}
}

// get sends req and returns the status, the body and the headers.
func get(t *testing.T, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}
