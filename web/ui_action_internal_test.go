package web

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestActionFormsFitInputs fills every field of every action's form (as the
// description gives it) and checks that the form's input carries each of
// them, at its JSON path, and nothing the action does not keep; and that
// every list a field chooses from has options in the web application.
func TestActionFormsFitInputs(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	u := &ui{s: &Server{db: db}, cat: i18n.Default()}
	sample := map[ercms.FieldKind]string{ercms.KindText: "x", ercms.KindTextarea: "x", ercms.KindNumber: "2",
		ercms.KindSelect: "v", ercms.KindRadios: "v", ercms.KindChecks: "v", ercms.KindCheckbox: "yes", ercms.KindDateTime: "2026-05-04T10:30"}
	for _, d := range ercms.Descriptions {
		form := url.Values{}
		for _, f := range d.Fields {
			if f.Choices != "" && choices[f.Choices] == nil {
				t.Errorf("%s.%s: no options for the list %s", d.Action, f.Name, f.Choices)
			}
			if f.Kind == ercms.KindDate { // typed as day, month and year
				form.Set(f.Name+".day", "4")
				form.Set(f.Name+".month", "5")
				form.Set(f.Name+".year", "2026")
				continue
			}
			form.Set(f.Name, sample[f.Kind])
		}
		r := httptest.NewRequest("POST", "/", nil)
		r.PostForm = form
		rq := &request{u: u, r: r, lang: i18n.EN, actor: &ercms.Actor{}}
		in, errs := u.parseAction(rq, d.Action)
		if len(errs) > 0 {
			t.Errorf("%s: %v", d.Action, errs)
		}
		if _, err := in.For(d.Action); err != nil {
			t.Errorf("%s: the form sends what the action does not keep: %v", d.Action, err)
		}
		b, _ := json.Marshal(in)
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		for _, f := range d.Fields {
			if !present(got, strings.Split(f.Name, ".")) {
				t.Errorf("%s: the form's %s is lost (%s)", d.Action, f.Name, b)
			}
		}
	}
}

// present reports whether the JSON value v has a value at path (through
// objects, and the first item of lists).
func present(v any, path []string) bool {
	if len(path) == 0 {
		return v != nil
	}
	switch x := v.(type) {
	case map[string]any:
		return present(x[path[0]], path[1:])
	case []any:
		return len(x) > 0 && present(x[0], path)
	}
	return false
}
