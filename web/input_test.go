package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms"
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
	if r := de.offContract().upload("/api/v1/cases/"+cs.ID+"/attachments", map[string]string{"purpose": "form\x1b"}, "x.pdf", []byte("%PDF-1.4\n%%EOF\n")); r.status != http.StatusUnprocessableEntity || r.problem(t).FieldKeys["purpose"].Key != "input.control" {
		t.Errorf("an ESC in an upload's purpose: %d %s", r.status, r.body)
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

// TestUIRefusesControlCharacters: a form with a control character or a
// direction override in its text is refused with a message in the page's
// language beside the field (or on a page naming the field for the forms
// that cannot show it), and nothing is saved; a line feed from a text area
// is kept.
func TestUIRefusesControlCharacters(t *testing.T) {
	db, actors, base := journeyStore(t)
	cat := i18n.Default()
	s := newCase(t, db, actors)
	de := newUIClient(t, base, "fr-FR,fr;q=0.9")
	de.signIn("de.officer")
	refused := func(label, key, char string) string {
		return cat.T(i18n.FR, "web3.invalid.field", "field", cat.T(i18n.FR, label), "problem", cat.T(i18n.FR, key, "char", char))
	}

	withdraw := "/cases/" + s.c.ID + "/act/withdraw"
	form := url.Values{"version": {strconv.Itoa(s.c.Version)}, "reason_code": {"other"}, "reason": {"Doublon\x1b[8m caché"}}
	status, page := de.post(withdraw, withdraw, form)
	if want := refused("field.reason", "input.control", "U+001B"); status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-reason-error"`) || !strings.Contains(html.UnescapeString(page), want) {
		t.Fatalf("an ESC in the reason: %d, want 422 with %q beside the field:\n%s", status, want, page)
	}
	if s.reload(); s.c.Status != ercms.StateDraft || s.c.Version != 1 {
		t.Fatalf("the refused form changed the case: %s version %d", s.c.Status, s.c.Version)
	}

	before := len(caseIDs(t, db, actors["de.officer"]))
	status, page = de.post("/applications/new", "/applications/new", url.Values{"requesting_reference": {"BPOL-1"}, "person.surname": {"\u202eavoyilƏ"}})
	if want := refused("field.person.surname", "input.bidi", "U+202E"); status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(page), want) || !strings.Contains(page, `id="f-person-surname-error"`) {
		t.Errorf("a direction override in a surname: %d, want 422 with %q beside the field:\n%s", status, want, page)
	}
	if after := len(caseIDs(t, db, actors["de.officer"])); after != before {
		t.Errorf("the refused application was saved: %d cases, had %d", after, before)
	}

	a := newUIClient(t, base, "fr")
	a.signIn("admin")
	status, page = a.post("/admin/users", "/admin/users", url.Values{"username": {"de.officer9"}, "display_name": {"Anna\x00Schmidt"}, "role": {"requesting_officer"}})
	if want := refused("field.display_name", "input.control", "U+0000"); status != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(page), cat.T(i18n.FR, "input.form_refused")) || !strings.Contains(html.UnescapeString(page), want) {
		t.Errorf("a NUL in a display name: %d, want 422 with %q:\n%s", status, want, page)
	}
	if _, page := a.get("/admin/users"); strings.Contains(page, "de.officer9") {
		t.Errorf("the refused user was created")
	}

	form.Set("reason", "Doublon.\r\nL’autre dossier reste.")
	if status, page := de.post(withdraw, withdraw, form); status != http.StatusOK {
		t.Fatalf("a line feed in the reason: %d\n%s", status, page)
	}
	if s.reload(); s.c.Status != ercms.StateWithdrawn {
		t.Errorf("the reason with a line feed was not taken: %s", s.c.Status)
	}
}

// caseIDs lists the ids of the cases actor sees.
func caseIDs(t *testing.T, db *sqldb.DB, actor ercms.Actor) []string {
	t.Helper()
	list, err := db.ListCases(context.Background(), actor, sqldb.CaseFilter{Limit: sqldb.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range list.Cases {
		ids = append(ids, c.ID)
	}
	return ids
}
