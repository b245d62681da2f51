package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// TestSmallMessageKeepsLineBreaks: a message typed on several lines shows
// those lines to the reader, on screen and when the page is printed, and
// markup typed in it stays text.
func TestSmallMessageKeepsLineBreaks(t *testing.T) {
	db, act, base := journeyStore(t)
	ctx := context.Background()
	c, _, err := db.CreateCase(ctx, act["de.officer"], sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err = db.Act(ctx, act["de.officer"], c.ID, ercms.ActSubmit, c.Version, ercms.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, base)
	b.signIn("en", "sms.officer")
	b.open("/cases/" + c.ID + "/messages")
	b.fill("#f-body", "Flight AZ 123 lands at 07:40.\nEscorts: two.\n\n<b>Wheelchair</b> needed")
	b.submit(`form[action$="/messages"] button[type=submit]`)
	b.screenshot("message-lines")
	lines := func() []string {
		text := value(b, "message text", chromedp.Evaluate[string](`document.querySelector("ol.messages blockquote").innerText`))
		return strings.Split(strings.TrimSpace(text), "\n")
	}
	want := []string{"Flight AZ 123 lands at 07:40.", "Escorts: two.", "", "<b>Wheelchair</b> needed"}
	if got := lines(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the message reads on screen as %q, want the lines %q", got, want)
	}
	if b.exists("ol.messages blockquote b") {
		t.Error("markup typed in a message became markup")
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if got := lines(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the printed message reads as %q, want the lines %q", got, want)
	}
}

// TestSmallCalendarWorkingWeekendDay: the administrator declares a
// Saturday a working day on the calendar page; the calculator's working-day
// deadline that crosses it then ends a day earlier; a weekday or odd input
// is refused in words, and removing the day brings the deadline back.
func TestSmallCalendarWorkingWeekendDay(t *testing.T) {
	_, _, base := journeyStore(t)
	const cal = "/admin/calendars/AZ/2026"
	admin := newUIClient(t, base, "en")
	admin.signIn("admin")
	officer := newUIClient(t, base, "en")
	officer.signIn("sms.officer")
	due := func() string {
		t.Helper()
		// The travel document: 5 working days of Azerbaijan from Thursday 1 October 2026.
		status, page := officer.get("/deadlines?rule=travel_document&from=2026-10-01&state=DE")
		if status != http.StatusOK {
			t.Fatalf("calculator: %d\n%s", status, page)
		}
		return regexpFind(t, page, `<time datetime="[^"]+">([^<]+)</time>`)
	}
	if got, want := due(), i18n.FormatDate(i18n.EN, civil.MustParse("2026-10-08")); got != want {
		t.Fatalf("before: due %q, want %q", got, want)
	}
	if _, page := admin.get(cal); !strings.Contains(page, "No Saturday or Sunday is a working day this year.") || !strings.Contains(page, "Working day on a Saturday or Sunday") {
		t.Fatalf("the calendar page does not offer working days:\n%s", page)
	}
	day := func(kind, d, m, name string) url.Values {
		return url.Values{"day_kind": {kind}, "date.day": {d}, "date.month": {m}, "date.year": {"2026"}, "names.en": {name}}
	}
	// A Tuesday is a working day already.
	status, page := admin.post(cal, cal, day("working", "6", "10", "Not a weekend"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "is a weekday, a working day already") || !strings.Contains(page, `href="#f-date"`) {
		t.Fatalf("a Tuesday as a working day: %d\n%s", status, page)
	}
	checkPage(t, "calendar with an error", page, "en")
	for _, odd := range []url.Values{day("%", "3", "10", "x"), day("working", "٣", "10", "x"), day("working", "6", "10", strings.Repeat("Ə", 1000)),
		day("working", "3", "10", ""), day("работа", "3", "10", "1,000"), day("working", "31", "2", "x")} {
		if status, _ := admin.post(cal, cal, odd); status != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", odd, status)
		}
	}
	if _, page := admin.get(cal); !strings.Contains(page, "No Saturday or Sunday is a working day this year.") {
		t.Fatalf("odd input added a working day:\n%s", page)
	}
	status, page = admin.post(cal, cal, day("working", "3", "10", "Working day in exchange for Friday 9 October"))
	if status != http.StatusOK || !strings.Contains(page, "Working day in exchange for Friday 9 October") || strings.Contains(page, "No Saturday or Sunday is a working day") {
		t.Fatalf("a Saturday as a working day: %d\n%s", status, page)
	}
	checkPage(t, "calendar with a working Saturday", page, "en")
	if got, want := due(), i18n.FormatDate(i18n.EN, civil.MustParse("2026-10-07")); got != want {
		t.Errorf("across the working Saturday: due %q, want %q", got, want)
	}
	// The list of calendars counts it; another language reads the page in words.
	if _, page := admin.get("/admin/calendars"); !strings.Contains(page, "Working days moved to weekends") {
		t.Errorf("the calendars list has no column of working days:\n%s", page)
	}
	az := newUIClient(t, base, "az")
	az.signIn("admin")
	if _, page := az.get(cal); !strings.Contains(page, "Şənbə və ya bazar günü iş günü") || !strings.Contains(page, "Working day in exchange for Friday 9 October") {
		t.Errorf("the Azerbaijani page:\n%s", page)
	}
	// Removed, the Saturday is a rest day again.
	if status, page := admin.post(cal, cal, url.Values{"remove": {"2026-10-03"}}); status != http.StatusOK || !strings.Contains(page, "No Saturday or Sunday is a working day this year.") {
		t.Fatalf("remove: %d\n%s", status, page)
	}
	if got, want := due(), i18n.FormatDate(i18n.EN, civil.MustParse("2026-10-08")); got != want {
		t.Errorf("after the removal: due %q, want %q", got, want)
	}
}

// TestSmallAPICalendarWorkingWeekendDay: through the API an administrator
// lists a Saturday under working; the calculator's working-day deadline
// across it ends a day earlier; a weekday listed there is refused on its
// field.
func TestSmallAPICalendarWorkingWeekendDay(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de, admin := signIn(t, base, "de.officer"), signIn(t, base, "admin")
	due := func() string {
		t.Helper()
		var c web.Calculation
		r := de.do("GET", "/api/v1/deadlines/calculate?rule=travel_document&from=2026-10-01&state=DE", nil)
		r.decode(t, &c)
		if r.status != http.StatusOK || c.DueOn == nil {
			t.Fatalf("calculator: %d %s", r.status, r.body)
		}
		return *c.DueOn
	}
	if got := due(); got != "2026-10-08" {
		t.Fatalf("before: due %s, want 2026-10-08", got)
	}
	var y deadline.Year
	for _, cand := range db.Rules().Calendars().Years("AZ") {
		if cand.Year == 2026 {
			y = cand
		}
	}
	weekday := y
	weekday.Working = append(slices.Clone(y.Working), deadline.Day{Date: civil.MustParse("2026-10-06"), Name: "Tuesday"})
	r := admin.do("PUT", "/api/v1/calendars/AZ/2026", weekday)
	field := fmt.Sprintf("working[%d].date", len(weekday.Working)-1)
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.FieldKeys[field].Key != "field.deadline.working_weekday" {
		t.Fatalf("a Tuesday listed as a working day: %d %s", r.status, r.body)
	}
	y.Working = append(y.Working, deadline.Day{Date: civil.MustParse("2026-10-03"), Name: "Working day in exchange for Friday 9 October",
		Names: i18n.Texts{"az": "9 oktyabr cümə günü əvəzinə iş günü"}})
	if r := admin.do("PUT", "/api/v1/calendars/AZ/2026", y); r.status != http.StatusAccepted {
		t.Fatalf("a Saturday listed as a working day: %d %s", r.status, r.body)
	}
	if got := due(); got != "2026-10-07" {
		t.Errorf("across the working Saturday: due %s, want 2026-10-07", got)
	}
}

// TestSmallProfileSettingsInWords: the agreement-profile pages word each
// setting in the reader's language: the event a period counts from and the
// calendar it counts are chosen by their words, not typed as codes, and the
// partner states are named.
func TestSmallProfileSettingsInWords(t *testing.T) {
	_, _, base := journeyStore(t)
	for lang, want := range map[string][]string{
		"en": {`<option value="transferred_on" selected>from handover</option>`, `<option value="AZ" selected>working-day calendar: Azerbaijan</option>`,
			`<option value="requesting" selected>calendar of the requesting state</option>`, "Calendar of working days and holidays", "Germany",
			"Finger minutiae, ISO/IEC 19794-2"},
		"az": {`<option value="transferred_on" selected>`, "İş günləri və bayramlar təqvimi", "Almaniya"},
		"fr": {"Calendrier des jours ouvrables et fériés", "Allemagne"},
		"ru": {"Календарь рабочих и праздничных дней", "Германия", "Минуции отпечатков пальцев"},
	} {
		a := newUIClient(t, base, lang)
		a.signIn("admin")
		_, list := a.get("/admin/profiles")
		_, form := a.get("/admin/profiles/eu-az/new")
		checkPage(t, "profile form", form, lang)
		for _, w := range want {
			if !strings.Contains(html.UnescapeString(list+form), w) {
				t.Errorf("%s: the profile pages do not say %q", lang, w)
			}
		}
		// No setting is left as a code to type.
		if regexp.MustCompile(`<input[^>]+name="rules\.[a-z_]+\.(from|calendar)"`).MatchString(form) || strings.Contains(list, "transferred_on") {
			t.Errorf("%s: a setting is shown as a code to type", lang)
		}
		if lang == "en" && strings.Contains(form, `name="rules.take_back.from"`) && !strings.Contains(form, "from handover") {
			t.Errorf("the event of the take-back period is not worded")
		}
	}
}
