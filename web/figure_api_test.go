package web_test

import (
	"strings"
	"testing"

	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestAPIProfileChecks: over the API an administrator records a check of a
// figure, the calculator then answers with it, a newer check replaces it
// and a withdrawal removes it; others are refused, bad input gets field
// errors in the reader's language, and every answer is as documented.
func TestAPIProfileChecks(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	admin, de, sup := signIn(t, base, "admin"), signIn(t, base, "de.officer"), signIn(t, base, "sms.supervisor")
	const checks = "/api/v1/profiles/eu-az/versions/1/checks"
	body := map[string]string{"figure": "rules.reply", "text": "OJ L 128, 30.4.2014", "article": "Art. 11(2)", "note": "15 days"}

	type calc struct {
		Verify bool
		Check  *struct{ Text, Article, Figure string }
	}
	var c calc
	if r := de.do("GET", "/api/v1/deadlines/calculate?rule=reply&from=2026-03-02&state=DE", nil); r.status != 200 {
		t.Fatalf("calculate: %d %s", r.status, r.body)
	} else if r.decode(t, &c); !c.Verify || c.Check != nil {
		t.Fatalf("the reply before any check: %+v", c)
	}

	for _, who := range []*client{de, sup} {
		if r := who.do("POST", checks, body); r.status != 403 {
			t.Errorf("a non-administrator records a check: %d %s", r.status, r.body)
		}
	}
	if r := admin.do("POST", "/api/v1/profiles/eu-az/versions/7/checks", body); r.status != 404 {
		t.Errorf("a check of an unknown version: %d", r.status)
	}
	if r := admin.do("POST", "/api/v1/profiles/eu-az/versions/one/checks", body); r.status != 404 {
		t.Errorf("a check of version 'one': %d", r.status)
	}
	r := admin.do("POST", checks, map[string]string{"figure": "rules.nothing", "text": strings.Repeat("Ə%9Ж", 250), "article": ""}, "Accept-Language", "ru")
	if r.status != 422 {
		t.Fatalf("a bad check: %d %s", r.status, r.body)
	}
	p := r.problem(t)
	cat := i18n.Default()
	for field, key := range map[string]string{"text": "field.check.too_long", "article": "field.check.article.required", "figure": "field.check.figure"} {
		if p.FieldKeys[field].Key != key || p.Errors[field] == "" || !strings.ContainsAny(p.Errors[field], "абвгдеёжзийклмнопрстуфхцчшщыьэюя") {
			t.Errorf("%s: %q (%s), want %s in Russian", field, p.Errors[field], p.FieldKeys[field].Key, key)
		}
	}
	if want := cat.T(i18n.RU, "field.check.article.required"); p.Errors["article"] != want {
		t.Errorf("article: %q, want %q", p.Errors["article"], want)
	}

	if r := admin.do("POST", checks, body); r.status != 201 {
		t.Fatalf("record a check: %d %s", r.status, r.body)
	}
	newer := map[string]string{"figure": "rules.reply", "text": "OJ L 128, 30.4.2014, p. 17", "article": "Article 11(2)"}
	if r := admin.do("POST", checks, newer); r.status != 201 {
		t.Fatalf("record a newer check: %d %s", r.status, r.body)
	}
	var list struct {
		Checks []struct {
			Figure, Text, Article string
			CheckedBy             string `json:"checked_by"`
		}
	}
	de.do("GET", checks, nil).decode(t, &list)
	if len(list.Checks) != 1 || list.Checks[0].Text != newer["text"] || list.Checks[0].Article != newer["article"] || list.Checks[0].CheckedBy != "" {
		t.Errorf("checks after a newer one, as the requesting state reads them (no administrator named): %+v", list)
	}
	sup.do("GET", checks, nil).decode(t, &list)
	if len(list.Checks) != 1 || list.Checks[0].CheckedBy != "admin" {
		t.Errorf("checks as the central authority reads them: %+v", list)
	}
	de.do("GET", "/api/v1/deadlines/calculate?rule=reply&from=2026-03-02&state=DE", nil).decode(t, &c)
	if c.Check == nil || c.Check.Article != newer["article"] || c.Check.Figure != "rules.reply" {
		t.Errorf("the calculator after the check: %+v", c)
	}

	if r := sup.do("POST", checks+"/withdraw", map[string]string{"figure": "rules.reply", "reason": ""}); r.status != 403 {
		t.Errorf("a supervisor withdraws a check: %d", r.status)
	}
	if r := admin.do("POST", checks+"/withdraw", map[string]string{"figure": "rules.reply", "reason": "wrong edition"}); r.status != 204 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if r := admin.do("POST", checks+"/withdraw", map[string]string{"figure": "rules.reply"}); r.status != 404 {
		t.Errorf("withdraw again: %d %s", r.status, r.body)
	}
	c = calc{}
	de.do("GET", "/api/v1/deadlines/calculate?rule=reply&from=2026-03-02&state=DE", nil).decode(t, &c)
	if !c.Verify || c.Check != nil {
		t.Errorf("the calculator after the withdrawal: %+v", c)
	}

	// A figure found wrong is corrected in the version in force.
	corr := "/api/v1/profiles/eu-az/corrections"
	if r := sup.do("POST", corr, map[string]any{"figure": "rules.reply", "count": 10, "reason": "Art. 11(2)"}); r.status != 403 {
		t.Errorf("a supervisor corrects a figure: %d", r.status)
	}
	r = admin.do("POST", corr, map[string]any{"figure": "rules.reply", "count": -3, "reason": " "}, "Accept-Language", "fr")
	if r.status != 422 {
		t.Fatalf("a bad correction: %d %s", r.status, r.body)
	}
	p = r.problem(t)
	if p.Errors["count"] != cat.Message(i18n.FR, "field.profile.correction.count", map[string]any{"max": 9999}) || p.Errors["reason"] != cat.T(i18n.FR, "field.profile.correction.reason") {
		t.Errorf("a bad correction's errors: %+v", p.Errors)
	}
	r = admin.do("POST", corr, map[string]any{"figure": "rules.reply", "count": 10, "reason": "Art. 11(2) says 10 calendar days"})
	var done struct {
		Version       int
		Recomputation struct{ ID string }
	}
	if r.status != 202 {
		t.Fatalf("a correction: %d %s", r.status, r.body)
	}
	r.decode(t, &done)
	if done.Version != 1 || done.Recomputation.ID == "" {
		t.Errorf("a correction's answer: %s", r.body)
	}
	var after struct {
		DueOn string `json:"due_on"`
	}
	de.do("GET", "/api/v1/deadlines/calculate?rule=reply&from=2026-03-02&state=DE", nil).decode(t, &after)
	if after.DueOn != "2026-03-12" {
		t.Errorf("the reply from 2 March 2026 after the correction is due %s, want 2026-03-12", after.DueOn)
	}
}
