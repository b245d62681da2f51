package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestAPIRefusesTextItWouldRepair: text that is not UTF-8, a lone surrogate,
// a control character or a direction override is refused with 422 on the
// field where it is, in the reader's language, and changes nothing; a ZWNJ
// in a Persian name and a line feed in a reason are kept.
func TestAPIRefusesTextItWouldRepair(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de := signIn(t, base, "de.officer")
	cat := i18n.Default()

	r := de.do("POST", "/api/v1/cases", application)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var cs caseJSON
	r.decode(t, &cs)
	surname := func(s string) string {
		return strings.Replace(application, `"surname":"Hüseynov"`, `"surname":"`+s+`"`, 1)
	}
	for _, tc := range []struct {
		name, body, field, key string
		char                   string
	}{
		{"invalid UTF-8", surname("H\xfcseynov"), "person.surname", "input.not_utf8", ""},
		{"a lone surrogate", surname(`H\ud800seynov`), "person.surname", "input.not_utf8", ""},
		{"a NUL", surname(`Hüseynov\u0000`), "person.surname", "input.control", "U+0000"},
		{"an ESC", surname(`\u001b[2JHüseynov`), "person.surname", "input.control", "U+001B"},
		{"a C1 control", surname(`Hüs\u0085eynov`), "person.surname", "input.control", "U+0085"},
		{"a right-to-left override", surname(`\u202evonyesüH`), "person.surname", "input.bidi", "U+202E"},
		{"a line feed in a name", surname(`Hüseynov\nAli`), "person.surname", "input.one_line", "U+000A"},
		{"invalid UTF-8 in a list", strings.Replace(application, `"AZE1234567"`, "\"AZE\xff\"", 1), "evidence[0].document_number", "input.not_utf8", ""},
	} {
		for _, lang := range []i18n.Lang{i18n.EN, i18n.FR} {
			r := de.offContract().do("PUT", "/api/v1/cases/"+cs.ID, tc.body, "If-Match", `"1"`, "Accept-Language", string(lang)) // wrong on purpose
			p := r.problem(t)
			args := map[string]any{}
			if tc.char != "" {
				args["char"] = tc.char
			}
			want := cat.Message(lang, tc.key, args)
			if r.status != http.StatusUnprocessableEntity || p.FieldKeys[tc.field].Key != tc.key || p.Errors[tc.field] != want {
				t.Errorf("%s (%s): %d %s, want 422 with %s on %s: %q", tc.name, lang, r.status, r.body, tc.key, tc.field, want)
			}
			if tc.char != "" && p.FieldKeys[tc.field].Args["char"] != tc.char {
				t.Errorf("%s: arguments %v, want char %s", tc.name, p.FieldKeys[tc.field].Args, tc.char)
			}
			if lang == i18n.FR && want == cat.Message(i18n.EN, tc.key, args) {
				t.Errorf("%s: the French text is the English one", tc.name)
			}
		}
	}
	if r := de.act(&cs, "withdraw", map[string]string{"reason_code": "other", "reason": "duplicate\x1b[8m"}); r.status != http.StatusUnprocessableEntity || r.problem(t).FieldKeys["reason"].Key != "input.control" {
		t.Errorf("an ESC in a reason: %d %s", r.status, r.body)
	}
	r = de.do("GET", "/api/v1/cases/"+cs.ID, nil)
	if r.decode(t, &cs); cs.Version != 1 || cs.Status != "draft" || !strings.Contains(string(r.body), `"surname":"Hüseynov"`) {
		t.Fatalf("the refused bodies changed the case: version %d %s", cs.Version, r.body)
	}

	persian := strings.Replace(application, `"original_script":{"surname":"Гусейнов","given_names":"Рашад","script":"Cyrl"}`,
		`"original_script":{"surname":"نیک\u200cپور","given_names":"رشاد","script":"Arab"}`, 1)
	if r := de.do("PUT", "/api/v1/cases/"+cs.ID, persian, "If-Match", `"1"`); r.status != http.StatusOK || !strings.Contains(string(r.body), "نیک\u200cپور") {
		t.Fatalf("a ZWNJ in a Persian name: %d %s", r.status, r.body)
	}
	cs.Version = 2
	if r := de.act(&cs, "withdraw", map[string]string{"reason_code": "other", "reason": "Sent twice.\nThe other case stays."}); r.status != http.StatusOK || !strings.Contains(string(r.body), `Sent twice.\nThe other case stays.`) {
		t.Errorf("a line feed in a reason: %d %s", r.status, r.body)
	}
}
