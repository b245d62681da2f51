package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// rowWith returns the text of the first table row of page that contains
// label ("" when none does), unescaped.
func rowWith(page, label string) string {
	for _, row := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(page, -1) {
		if text := html.UnescapeString(row); strings.Contains(text, label) {
			return text
		}
	}
	return ""
}

// uncheckedMark is the mark of a figure not yet checked, in language l.
func uncheckedMark(t *testing.T, l i18n.Lang) string {
	t.Helper()
	m := i18n.Default().T(l, "figure.unchecked")
	if m == "" || m == "figure.unchecked" {
		t.Fatalf("no mark in %s", l)
	}
	return m
}

// TestUncheckedFigureMarked: on the case page (the central authority's
// officer and the requesting state's officer) and in the calculator, in
// Azerbaijani and French, the reply deadline says it is not yet checked
// against the agreement text, with its source; the verification task's
// target, eRCMS's own, carries no such mark.
func TestUncheckedFigureMarked(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
	s.act("sms.officer", ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{{OrganisationID: orgByType(t, db, "civil_registry"), Question: "Is this person registered?"}}})
	p, err := db.Rules().Latest("eu-az")
	if err != nil {
		t.Fatal(err)
	}
	cat := i18n.Default()
	for _, l := range []i18n.Lang{i18n.AZ, i18n.FR} {
		mark := uncheckedMark(t, l)
		source := cat.T(l, "figure.source", "source", p.Rules["reply"].SourceIn(l))
		reply := cat.T(l, "clock.reply")
		for _, user := range []string{"sms.officer", "de.officer"} {
			u := newUIClient(t, base, string(l))
			u.signIn(user)
			_, page := u.get("/cases/" + s.c.ID)
			row := rowWith(page, reply)
			if !strings.Contains(row, mark) || !strings.Contains(row, source) {
				t.Errorf("%s, %s: the reply row does not say %q with %q:\n%s", l, user, mark, source, row)
			}
			if user == "sms.officer" {
				task := rowWith(page, cat.T(l, "clock."+ercms.ClockVerificationTask))
				if task == "" || strings.Contains(task, mark) {
					t.Errorf("%s: the verification task's own target is marked unchecked (or missing):\n%s", l, task)
				}
			}
		}
		u := newUIClient(t, base, string(l))
		u.signIn("de.officer")
		_, page := u.get("/deadlines?rule=reply&from=2026-03-02&state=DE")
		text := html.UnescapeString(page)
		if !strings.Contains(text, mark) || !strings.Contains(text, p.Rules["reply"].SourceIn(l)) {
			t.Errorf("%s: the calculator's reply does not say %q with its source", l, mark)
		}
		_, page = u.get("/deadlines?rule=verification_task&from=2026-03-02&state=DE")
		if text := html.UnescapeString(page); strings.Contains(text, mark) || !strings.Contains(text, p.Rules["verification_task"].SourceIn(l)) {
			t.Errorf("%s: the calculator marks eRCMS's own target unchecked, or shows no source", l)
		}
	}
}

// TestFigureCheckedByAdministrator: the administrator records, in French,
// that the reply's figure was checked against the Official Journal; bad
// input is refused field by field in French and kept; the officer then
// reads "checked against … by … on …" instead of the mark on the case page
// and in the calculator, in Azerbaijani; the administrator withdraws the
// check and the mark is back. A supervisor may not open the check page.
func TestFigureCheckedByAdministrator(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
	cat := i18n.Default()
	au, err := db.UserByUsername(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	admin := au.DisplayName
	checked := func(l i18n.Lang) string {
		return cat.T(l, "figure.checked", "text", "OJ L 128, 30.4.2014", "article", "Art. 11(2)", "name", admin, "date", i18n.FormatDate(l, db.Today()))
	}
	const form = "/admin/profiles/eu-az/versions/1/checks?figure=rules.reply"
	const action = "/admin/profiles/eu-az/versions/1/checks"

	sup := newUIClient(t, base, "fr")
	sup.signIn("sms.supervisor")
	if status, _ := sup.get(form); status != 403 {
		t.Errorf("a supervisor opens the check page: %d", status)
	}

	a := newUIClient(t, base, "fr")
	a.signIn("admin")
	_, page := a.get("/admin/profiles")
	if row := rowWith(page, cat.T(i18n.FR, "clock.reply")); !strings.Contains(row, cat.T(i18n.FR, "figure.unchecked")) {
		t.Errorf("the administration page does not mark the reply unchecked:\n%s", row)
	}
	if status, _ := a.get("/admin/profiles/eu-az/versions/1/checks?figure=rules.nothing"); status != 404 {
		t.Errorf("the check page of an unknown figure: %d", status)
	}
	if status, _ := a.get("/admin/profiles/eu-az/versions/9/checks?figure=rules.reply"); status != 404 {
		t.Errorf("the check page of an unknown version: %d", status)
	}

	long := strings.Repeat("Ə1%Я", 250)
	for _, tc := range []struct {
		name   string
		values url.Values
		want   []string // French messages
		kept   string
	}{
		{"empty", url.Values{"figure": {"rules.reply"}}, []string{
			cat.T(i18n.FR, "field.check.text.required"), cat.T(i18n.FR, "field.check.article.required")}, ""},
		{"1,000 characters", url.Values{"figure": {"rules.reply"}, "text": {long}, "article": {"Art. 11(2)"}, "note": {"Ünvan: Bakı, % 100"}}, []string{
			cat.T(i18n.FR, "field.check.too_long", "max", "300")}, "Ünvan: Bakı, % 100"},
	} {
		status, page := a.post(form, action, tc.values)
		text := html.UnescapeString(page)
		if status != 422 {
			t.Errorf("%s: status %d", tc.name, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the page does not say %q", tc.name, w)
			}
		}
		if tc.kept != "" && !strings.Contains(text, tc.kept) {
			t.Errorf("%s: the note %q is lost", tc.name, tc.kept)
		}
	}

	status, page := a.post(form, action, url.Values{"figure": {"rules.reply"}, "text": {"OJ L 128, 30.4.2014"}, "article": {"Art. 11(2)"}, "note": {"15 jours civils confirmés"}})
	if status != 200 || !strings.Contains(html.UnescapeString(page), checked(i18n.FR)) {
		t.Fatalf("after recording a check (%d) the administration page does not say %q", status, checked(i18n.FR))
	}

	o := newUIClient(t, base, "az")
	o.signIn("sms.officer")
	reply := cat.T(i18n.AZ, "clock.reply")
	_, page = o.get("/cases/" + s.c.ID)
	row := rowWith(page, reply)
	if !strings.Contains(row, checked(i18n.AZ)) || strings.Contains(row, cat.T(i18n.AZ, "figure.unchecked")) {
		t.Errorf("az officer: the reply row does not say %q instead of the mark:\n%s", checked(i18n.AZ), row)
	}
	_, page = o.get("/deadlines?rule=reply&from=2026-03-02&state=DE")
	if text := html.UnescapeString(page); !strings.Contains(text, checked(i18n.AZ)) || strings.Contains(text, cat.T(i18n.AZ, "figure.unchecked")) {
		t.Errorf("az calculator: no %q instead of the mark", checked(i18n.AZ))
	}
	// The requesting state's officer reads the check without the administrator's name.
	fr := newUIClient(t, base, "fr")
	fr.signIn("de.officer")
	_, page = fr.get("/cases/" + s.c.ID)
	byAdmin := cat.T(i18n.FR, "figure.checked", "text", "OJ L 128, 30.4.2014", "article", "Art. 11(2)", "name", cat.T(i18n.FR, "figure.by_admin"), "date", i18n.FormatDate(i18n.FR, db.Today()))
	if row := rowWith(page, cat.T(i18n.FR, "clock.reply")); !strings.Contains(row, byAdmin) || strings.Contains(row, admin) {
		t.Errorf("de.officer: the reply row does not say %q without the administrator's name:\n%s", byAdmin, row)
	}
	// Austria's protocol has its own notice period: the check of the agreement's reply does not touch it.
	_, page = o.get("/deadlines?rule=transfer_notice&from=2026-03-20&state=AT")
	if text := html.UnescapeString(page); !strings.Contains(text, cat.T(i18n.AZ, "figure.unchecked")) {
		t.Errorf("az calculator: Austria's transfer notice is not marked unchecked")
	}

	status, page = a.post(form, action+"/withdraw", url.Values{"figure": {"rules.reply"}, "reason": {"Mauvaise édition du JO"}})
	if status != 200 || !strings.Contains(html.UnescapeString(page), cat.T(i18n.FR, "figure.withdrawn", "figure", cat.T(i18n.FR, "clock.reply"), "id", "eu-az", "version", "1")) {
		t.Errorf("withdrawing the check: %d", status)
	}
	_, page = o.get("/deadlines?rule=reply&from=2026-03-02&state=DE")
	if text := html.UnescapeString(page); strings.Contains(text, checked(i18n.AZ)) || !strings.Contains(text, cat.T(i18n.AZ, "figure.unchecked")) {
		t.Errorf("az calculator: after the withdrawal the mark is not back")
	}
}

// TestFigureCorrectedByAdministrator: the administrator, in French, finds
// the reply's figure wrong and corrects it on its page; a correction
// without a reason or with a count in words is refused in French and loses
// nothing; the correction then moves the running case's reply due date,
// which the officer reads on the case page in Azerbaijani.
func TestFigureCorrectedByAdministrator(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
	var before civil.Date
	for _, d := range s.c.Deadlines {
		if d.Kind == ercms.ClockReply && d.DueOn != nil {
			before = *d.DueOn
		}
	}
	if before.IsZero() {
		t.Fatal("no reply due date")
	}
	cat := i18n.Default()
	const form = "/admin/profiles/eu-az/versions/1/checks?figure=rules.reply"
	const action = "/admin/profiles/eu-az/versions/1/correct"
	a := newUIClient(t, base, "fr")
	a.signIn("admin")
	status, page := a.post(form, action, url.Values{"figure": {"rules.reply"}, "count": {"dix"}, "unit": {"calendar_days"}, "source": {"Accord UE–AZ, art. 11, paragraphe 2 : 10 jours"}, "correction_reason": {""}})
	text := html.UnescapeString(page)
	if status != 422 || !strings.Contains(text, cat.Message(i18n.FR, "field.profile.correction.count", map[string]any{"max": 9999})) ||
		!strings.Contains(text, cat.T(i18n.FR, "field.profile.correction.reason")) || !strings.Contains(text, "Accord UE–AZ, art. 11, paragraphe 2 : 10 jours") {
		t.Fatalf("a bad correction: %d, errors in French or the source kept missing", status)
	}
	status, page = a.post(form, action, url.Values{"figure": {"rules.reply"}, "count": {"10"}, "unit": {"calendar_days"}, "correction_reason": {"L’art. 11, paragraphe 2, dit 10 jours civils"}})
	if status != 200 || !strings.Contains(html.UnescapeString(page), cat.T(i18n.FR, "figure.corrected", "figure", cat.T(i18n.FR, "clock.reply"), "id", "eu-az", "version", "1", "cases", "1")) {
		t.Fatalf("the correction: %d, no confirmation", status)
	}
	if _, err := db.RecomputeAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, page := a.get(form); !strings.Contains(page, `id="recomputation"`) {
		t.Error("the figure's page does not show the recomputation its correction started")
	}
	after := before.AddDays(-5)
	o := newUIClient(t, base, "az")
	o.signIn("sms.officer")
	_, page = o.get("/cases/" + s.c.ID)
	row := rowWith(page, cat.T(i18n.AZ, "clock.reply"))
	if !strings.Contains(row, i18n.FormatDate(i18n.AZ, after)) || strings.Contains(row, i18n.FormatDate(i18n.AZ, before)) {
		t.Errorf("az officer: the reply row does not say the corrected due date %s:\n%s", after, row)
	}
}
