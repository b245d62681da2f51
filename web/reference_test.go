package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// Reference data read on the pages (organisation names, holiday names, the
// sources of time limits, the agreement's name and notes) is shown in the
// reader's language.
func TestUIReferenceDataInReadersLanguage(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).approved()
	berlin := orgByType(t, db, "Embassy of the Republic of Azerbaijan in Berlin – consular section")
	s.act("de.officer", ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin})
	orgs, err := db.Organisations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	mission := findOrg(t, orgs, berlin)
	sms := actors["sms.officer"].Org
	profile, err := db.Rules().Latest("eu-az")
	if err != nil {
		t.Fatal(err)
	}
	reply := profile.Rules["reply"]

	for _, lang := range []i18n.Lang{i18n.AZ, i18n.FR} {
		// in says that page shows want in lang and not the English text
		// (unless the wording in lang contains it).
		in := func(what, page, want, english string) {
			t.Helper()
			if want == english {
				t.Fatalf("%s: %q is not worded in %s", what, want, lang)
			}
			if !strings.Contains(page, want) {
				t.Errorf("%s in %s: no %q", what, lang, want)
			}
			if !strings.Contains(want, english) && strings.Contains(page, english) {
				t.Errorf("%s in %s: shows the English %q", what, lang, english)
			}
		}
		officer := newUIClient(t, base, string(lang))
		officer.signIn("sms.officer")
		_, page := officer.get("/deadlines?rule=reply&from=2026-03-02&state=DE")
		page = html.UnescapeString(page)
		in("the calculator's source", page, reply.SourceIn(lang), reply.Source)
		in("the user's organisation", page, sms.NameIn(lang), sms.NameIn(i18n.EN))
		_, page = officer.get("/cases/" + s.c.ID + "/verification")
		in("the task's organisation", html.UnescapeString(page), mission.NameIn(lang), mission.NameIn(i18n.EN))

		admin := newUIClient(t, base, string(lang))
		admin.signIn("admin")
		for _, state := range []string{"AZ", "DE"} { // the requested state's data files, a member state's library
			_, page = admin.get("/admin/calendars/" + state + "/2026")
			page = html.UnescapeString(page)
			n := 0
			for _, y := range db.Rules().Calendars().Years(state) {
				for _, d := range y.NonWorking {
					if y.Year == 2026 {
						in(state+" holiday "+d.Date.String(), page, d.NameIn(lang), d.NameIn(i18n.EN))
						n++
					}
				}
			}
			if n == 0 {
				t.Fatalf("no days off in %s 2026", state)
			}
		}
		_, page = admin.get("/admin/profiles")
		page = html.UnescapeString(page)
		in("the profile's name", page, profile.NameIn(lang), profile.Name)
		in("the profile's source", page, profile.SourceIn(lang), profile.Source)
		for state, o := range profile.Overrides {
			in("the note on the protocol with "+state, page, o.NoteIn(lang), o.Note)
		}
		for kind, st := range profile.Rules {
			in("the source of "+kind, page, st.SourceIn(lang), st.Source)
		}
		_, page = admin.get("/admin/organisations")
		page = html.UnescapeString(page)
		for _, o := range orgs {
			in("organisation "+o.ID, page, o.NameIn(lang), o.NameIn(i18n.EN))
		}
	}
}

// The administrator names a new organisation, or a day off, in the four
// languages (one is enough); each reader sees the name in their language,
// and a form without any name says so at the names.
func TestUIAdministratorNamesPerLanguage(t *testing.T) {
	_, _, base := journeyStore(t)
	admin := newUIClient(t, base, "ru")
	admin.signIn("admin")
	form := url.Values{"kind": {"agency"}, "state": {"AZ"}, "agency_type": {"police"},
		"names.az": {"Naxçıvan Polis İdarəsi"}, "names.en": {"Nakhchivan Police Department"},
		"names.fr": {"Direction de la police du Nakhitchevan"}, "names.ru": {""}}
	if status, page := admin.post("/admin/organisations", "/admin/organisations", form); status != http.StatusOK || !strings.Contains(page, "Nakhchivan Police Department") {
		t.Fatalf("create: %d\n%s", status, page)
	}
	for lang, want := range map[string]string{"az": "Naxçıvan Polis İdarəsi", "fr": "Direction de la police du Nakhitchevan", "ru": "Nakhchivan Police Department"} {
		u := newUIClient(t, base, lang)
		u.signIn("admin")
		if _, page := u.get("/admin/organisations"); !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("%s: the list does not name the new organisation %q", lang, want)
		}
	}

	form = url.Values{"kind": {"agency"}, "state": {"AZ"}, "agency_type": {"police"}}
	status, page := admin.post("/admin/organisations", "/admin/organisations", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#f-names"`) || !strings.Contains(page, `id="f-names"`) {
		t.Fatalf("no name: %d, want the error at the names\n%s", status, page)
	}

	const cal = "/admin/calendars/AZ/2026"
	day := url.Values{"date.day": {"30"}, "date.month": {"12"}, "date.year": {"2026"}, "names.az": {"Dünya Azərbaycanlılarının Həmrəylik Günü (keçirilmiş istirahət günü)"},
		"names.ru": {"День солидарности азербайджанцев мира (перенесённый день отдыха)"}}
	if status, page := admin.post(cal, cal, day); status != http.StatusOK {
		t.Fatalf("add a day off: %d\n%s", status, page)
	}
	for lang, want := range map[string]string{"az": day.Get("names.az"), "ru": day.Get("names.ru"), "en": day.Get("names.az")} {
		u := newUIClient(t, base, lang)
		u.signIn("admin")
		if _, page := u.get(cal); !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("%s: the calendar does not name the new day off %q", lang, want)
		}
	}
}

// findOrg returns the organisation id of orgs.
func findOrg(t *testing.T, orgs []ercms.Organisation, id string) ercms.Organisation {
	t.Helper()
	for _, o := range orgs {
		if o.ID == id {
			return o
		}
	}
	t.Fatalf("no organisation %s", id)
	return ercms.Organisation{}
}
