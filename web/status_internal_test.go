package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// TestHTTPStatus pins the one mapping from error code to HTTP status, which
// the API's problem documents and the pages' error pages both use.
func TestHTTPStatus(t *testing.T) {
	for code, want := range map[string]int{
		ercms.EInvalid:              http.StatusUnprocessableEntity,
		ercms.ENotFound:             http.StatusNotFound,
		ercms.EConflict:             http.StatusConflict,
		ercms.EPreconditionRequired: http.StatusPreconditionRequired,
		ercms.EPreconditionFailed:   http.StatusPreconditionFailed,
		ercms.EUnauthorized:         http.StatusUnauthorized,
		ercms.EForbidden:            http.StatusForbidden,
		ercms.EInternal:             http.StatusInternalServerError,
		ercms.EThrottled:            http.StatusTooManyRequests,
		"no_such_code":              http.StatusInternalServerError,
	} {
		if got := HTTPStatus(code); got != want {
			t.Errorf("HTTPStatus(%q) = %d, want %d", code, got, want)
		}
	}
	if len(httpStatuses) != 9 {
		t.Errorf("%d codes mapped: a new code needs its status here and in the test", len(httpStatuses))
	}
}

// TestProblemCarriesKeys checks that a problem document holds the code, the
// message key and its arguments, the per-field texts with their keys beside
// them, worded in the language of Accept-Language (English without one),
// and that a message not yet keyed shows as written.
func TestProblemCarriesKeys(t *testing.T) {
	var v ercms.Validation
	v.Add("acknowledged_on", "field.acknowledged_on.before_received", "received", civil.Date{Year: 2026, Month: 3, Day: 2})
	v.Add("legacy", "An English sentence of an adapter.")
	for _, tc := range []struct{ accept, lang string }{{"", "en"}, {"fr-FR,fr;q=0.9", "fr"}, {"az", "az"}} {
		r := httptest.NewRequest("GET", "/api/v1/cases", nil)
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		w := httptest.NewRecorder()
		writeProblem(w, r, v.Err())
		var p Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		l := i18n.Lang(tc.lang)
		wantField := i18n.Default().T(l, "field.acknowledged_on.before_received", "received", i18n.FormatDate(l, civil.Date{Year: 2026, Month: 3, Day: 2}))
		switch {
		case w.Code != http.StatusUnprocessableEntity || p.Code != ercms.EInvalid || p.Key != "err.invalid":
			t.Errorf("%s: status %d code %q key %q", tc.lang, w.Code, p.Code, p.Key)
		case p.Detail != i18n.Default().T(l, "err.invalid"):
			t.Errorf("%s: detail %q", tc.lang, p.Detail)
		case p.Errors["acknowledged_on"] != wantField:
			t.Errorf("%s: field text %q, want %q", tc.lang, p.Errors["acknowledged_on"], wantField)
		case p.FieldKeys["acknowledged_on"].Key != "field.acknowledged_on.before_received" || p.FieldKeys["acknowledged_on"].Args["received"] != "2026-03-02":
			t.Errorf("%s: field key %+v", tc.lang, p.FieldKeys["acknowledged_on"])
		case p.Errors["legacy"] != "An English sentence of an adapter." || p.FieldKeys["legacy"].Key != "":
			t.Errorf("%s: unkeyed message %q, key %+v", tc.lang, p.Errors["legacy"], p.FieldKeys["legacy"])
		case w.Header().Get("Content-Language") != tc.lang:
			t.Errorf("%s: Content-Language %q", tc.lang, w.Header().Get("Content-Language"))
		}
	}
	w := httptest.NewRecorder()
	writeProblem(w, httptest.NewRequest("GET", "/", nil), ercms.Errorf(ercms.EInternal, "sql: connection refused to 10.0.0.7"))
	if strings.Contains(w.Body.String(), "10.0.0.7") || !strings.Contains(w.Body.String(), `"key":"err.internal"`) {
		t.Errorf("an internal error leaks or lacks its key: %s", w.Body)
	}
}
