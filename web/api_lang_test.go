package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestAPIAdapterErrorsInReadersLanguage: the web layer's own refusals (a
// field the body does not have or gives twice, a date that does not parse,
// a query parameter out of range, no token) answer in the language of
// Accept-Language, with the message key and its arguments beside the text,
// and the field at fault named by its path; without Accept-Language they
// are in English.
func TestAPIAdapterErrorsInReadersLanguage(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de := signIn(t, base, "de.officer")
	cat := i18n.Default()

	var app map[string]any
	if err := json.Unmarshal([]byte(application), &app); err != nil {
		t.Fatal(err)
	}
	withExtra := clone(t, app)
	withExtra["comment"] = "not a field"
	badBirth := clone(t, app)
	badBirth["person"].(map[string]any)["date_of_birth"] = "1988-13-40"

	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		key, field, fkey   string
		args               map[string]any
	}{
		{"unknown field", "POST", "/api/v1/cases", withExtra, http.StatusUnprocessableEntity, "err.api.body", "comment", "field.api.unknown_field", nil},
		{"unparseable date of birth", "POST", "/api/v1/cases", badBirth, http.StatusUnprocessableEntity, "err.api.body", "person.date_of_birth", "field.api.partial_date", nil},
		{"a field given twice", "POST", "/api/v1/cases", `{"procedure":"accelerated",` + application[1:], http.StatusUnprocessableEntity, "err.api.body", "procedure", "field.api.duplicate_field", nil},
		{"trailing data", "POST", "/api/v1/cases", application + " {}", http.StatusUnprocessableEntity, "err.api.body_one_object", "body", "field.api.trailing_data", nil},
		{"limit out of range", "GET", "/api/v1/cases?limit=0", nil, http.StatusUnprocessableEntity, "err.api.query", "limit", "field.api.limit", map[string]any{"max": sqldb.MaxPage}},
		{"no such action", "POST", "/api/v1/cases/x/actions/fly_away", nil, http.StatusNotFound, "err.api.no_action", "", "", map[string]any{"action": "fly_away"}},
	} {
		for _, lang := range []i18n.Lang{i18n.FR, i18n.EN} {
			var headers []string
			if lang != i18n.EN {
				headers = []string{"Accept-Language", "fr-FR,fr;q=0.9", "If-Match", `"1"`}
			} else {
				headers = []string{"If-Match", `"1"`}
			}
			r := de.offContract().do(tc.method, tc.path, tc.body, headers...) // each request is wrong on purpose
			p := r.problem(t)
			if r.status != tc.status || p.Key != tc.key || p.Detail != cat.Message(lang, tc.key, tc.args) {
				t.Errorf("%s (%s): %d key %q detail %q, want %d %q %q", tc.name, lang, r.status, p.Key, p.Detail, tc.status, tc.key, cat.Message(lang, tc.key, tc.args))
			}
			if got := r.header.Get("Content-Language"); got != string(lang) {
				t.Errorf("%s (%s): Content-Language %q", tc.name, lang, got)
			}
			if tc.field == "" {
				continue
			}
			want := cat.Message(lang, tc.fkey, tc.args)
			if p.Errors[tc.field] != want || p.FieldKeys[tc.field].Key != tc.fkey {
				t.Errorf("%s (%s): errors %v field keys %v, want %s: %q (%s)", tc.name, lang, p.Errors, p.FieldKeys, tc.field, want, tc.fkey)
			}
			for name, v := range tc.args {
				if got, ok := p.FieldKeys[tc.field].Args[name].(float64); !ok || int(got) != v.(int) {
					t.Errorf("%s (%s): argument %s = %v, want %v", tc.name, lang, name, p.FieldKeys[tc.field].Args[name], v)
				}
			}
			if lang == i18n.FR && want == cat.Message(i18n.EN, tc.fkey, tc.args) {
				t.Errorf("%s: the French text is the English one: %q", tc.name, want)
			}
		}
	}

	anon := &client{t: t, base: base}
	r := anon.offContract().do("GET", "/api/v1/me", nil, "Accept-Language", "fr")
	if p := r.problem(t); r.status != http.StatusUnauthorized || p.Key != "err.api.sign_in" || p.Detail != cat.T(i18n.FR, "err.api.sign_in") {
		t.Errorf("no token in French: %d %+v", r.status, p)
	}
}

// TestAPICalendarProblemsInReadersLanguage: a holiday calendar's problem
// is on the field of the body at fault, with its message key and
// arguments, worded in the language of Accept-Language.
func TestAPICalendarProblemsInReadersLanguage(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	admin := signIn(t, base, "admin")
	var y deadline.Year
	for _, cand := range db.Rules().Calendars().Years(db.Country()) {
		y = cand
	}
	y.NonWorking = append(y.NonWorking, deadline.Day{Date: civil.Date{Year: y.Year + 1, Month: 1, Day: 2}, Name: "next year"})
	field := fmt.Sprintf("non_working[%d].date", len(y.NonWorking)-1)
	cat := i18n.Default()
	for _, lang := range []i18n.Lang{i18n.FR, i18n.RU, i18n.AZ} {
		r := admin.do("PUT", fmt.Sprintf("/api/v1/calendars/%s/%d", y.State, y.Year), y, "Accept-Language", string(lang))
		p := r.problem(t)
		fk := p.FieldKeys[field]
		want := cat.Message(lang, "field.deadline.outside_year", fk.Args)
		if r.status != http.StatusUnprocessableEntity || p.Key != "err.calendar.invalid" || fk.Key != "field.deadline.outside_year" ||
			p.Errors[field] != want || !strings.Contains(want, strconv.Itoa(y.Year)) || want == cat.Message(i18n.EN, fk.Key, fk.Args) {
			t.Errorf("%s: %d %+v, want %s on %s: %q", lang, r.status, p, fk.Key, field, want)
		}
	}
}

// clone copies a decoded JSON object.
func clone(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
