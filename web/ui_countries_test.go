package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// selectOptions returns the options (value, text) of the select named name.
func selectOptions(t *testing.T, page, name string) [][2]string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select [^>]*name="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no select %s on the page", name)
	}
	var out [][2]string
	for _, o := range regexp.MustCompile(`<option value="([^"]*)"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, [2]string{o[1], html.UnescapeString(o[2])})
	}
	return out
}

// TestUIApplicationCountriesAndDates: the application form offers the
// countries by their names in the reader's language, in its alphabetical
// order, and keeps the chosen code; the case page names the country. Dates
// are typed as day, month and year: a year alone is a date of birth, and a
// day the month does not have is refused on its field in the reader's
// language.
func TestUIApplicationCountriesAndDates(t *testing.T) {
	db, _, base := journeyStore(t)
	cat := i18n.Default()
	for _, tc := range []struct {
		lang       i18n.Lang
		azerbaijan string // the name of AZ the reader expects
	}{
		{i18n.AZ, "Azərbaycan"},
		{i18n.FR, "Azerbaïdjan"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			u := newUIClient(t, base, string(tc.lang))
			u.signIn("de.officer")
			_, page := u.get("/applications/new")
			opts := selectOptions(t, page, "person.nationality")
			names := map[string]string{}
			var order []string
			for _, o := range opts[1:] { // the first is "choose"
				names[o[0]] = o[1]
				order = append(order, o[1])
			}
			if names["AZ"] != tc.azerbaijan {
				t.Errorf("AZ is offered as %q, want %q", names["AZ"], tc.azerbaijan)
			}
			for _, code := range []string{ercms.CountryStateless, "SU"} {
				if n := names[code]; n == "" || n == code || n == cat.CountryName(i18n.EN, code) {
					t.Errorf("%s is offered as %q, not by a name in %s", code, n, tc.lang)
				}
			}
			if len(names) != len(ercms.Countries()) {
				t.Errorf("%d countries offered, want %d", len(names), len(ercms.Countries()))
			}
			if !slices.IsSortedFunc(order, func(a, b string) int { return i18n.Compare(tc.lang, a, b) }) {
				t.Errorf("the countries are not in the alphabetical order of %s: %v", tc.lang, order[:10])
			}

			// 31 February is refused on the date of birth, in the reader's language.
			form := url.Values{"requesting_reference": {"BPOL-C-" + string(tc.lang)}, "procedure": {"normal"}, "category": {"own_national"},
				"person.surname": {"Quliyev"}, "person.nationality": {"AZ"}, "person.previous_nationality": {"SU"},
				"dob.day": {"31"}, "dob.month": {"2"}, "dob.year": {"1990"}, "apprehended_on.day": {"3"}, "apprehended_on.month": {"4"}, "apprehended_on.year": {"2020"}}
			status, page := u.post("/applications/new", "/applications/new", form)
			want := `<span class="error-message" id="f-dob-day-error">` + html.EscapeString(cat.T(tc.lang, "invalid.date.no_such_day")) + `</span>`
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
				t.Fatalf("31 February: %d, want %s on the field", status, want)
			}
			if slices.Contains(selectOptions(t, page, "person.nationality"), [2]string{"AZ", tc.azerbaijan}) &&
				!strings.Contains(page, `<option value="AZ" selected>`+tc.azerbaijan) {
				t.Error("the form sent back lost the chosen nationality")
			}

			// The year alone is a date of birth; the code is kept.
			form.Del("dob.day")
			form.Del("dob.month")
			status, page = u.post("/applications/new", "/applications/new", form)
			m := regexp.MustCompile(`/cases/([^/"]+)/application/family`).FindStringSubmatch(page)
			if status != http.StatusOK || m == nil {
				t.Fatalf("creating the draft: %d\n%s", status, page)
			}
			c, err := db.FindCase(context.Background(), ercms.SystemActor(), m[1])
			if err != nil {
				t.Fatal(err)
			}
			if c.Person.Nationality != "AZ" || c.Person.PreviousNation != "SU" || c.Person.DateOfBirth != (ercms.PartialDate{Year: 1990}) ||
				c.ApprehendedOn == nil || *c.ApprehendedOn != (civil.Date{Year: 2020, Month: 4, Day: 3}) {
				t.Errorf("kept %+v, born %v, apprehended %v", c.Person, c.Person.DateOfBirth, c.ApprehendedOn)
			}

			// A family member's nationality is chosen from the same list.
			step := "/cases/" + c.ID + "/application/family"
			status, _ = u.post(step, step, url.Values{"version": {strconv.Itoa(c.Version)}, "add": {"1"}, "family.relationship": {"child"},
				"family.surname": {"Quliyeva"}, "family.dob.year": {"2015"}, "family.nationality": {ercms.CountryStateless}})
			if c, err = db.FindCase(context.Background(), ercms.SystemActor(), c.ID); err != nil || status != http.StatusOK ||
				len(c.Family) != 1 || c.Family[0].Nationality != ercms.CountryStateless {
				t.Fatalf("adding a stateless child: %d, %+v, %v", status, c.Family, err)
			}

			// The case page names the countries in the reader's language.
			_, page = u.get("/cases/" + c.ID + "/person")
			if want := "<td>" + html.EscapeString(cat.CountryName(tc.lang, ercms.CountryStateless)) + "</td>"; !strings.Contains(page, want) {
				t.Errorf("the family table has no %s", want)
			}
			for field, code := range map[string]string{"field.person.nationality": "AZ", "field.person.previous_nationality": "SU"} {
				row := "<dt>" + html.EscapeString(cat.T(tc.lang, field)) + "</dt><dd>" + html.EscapeString(cat.CountryName(tc.lang, code)) + "</dd>"
				if !strings.Contains(page, row) {
					t.Errorf("the case page has no %s", row)
				}
			}
		})
	}
}
