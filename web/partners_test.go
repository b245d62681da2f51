package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// TestPartnerOfficersFollowTheirAgreements: the Norwegian and the Swiss
// requesting officers each fill in and submit an application on the pages;
// their case page names their own agreement (Norway–Azerbaijan,
// Switzerland–Azerbaijan) and counts the reply by it (from receipt; from the
// acknowledgement of receipt, Swiss Art. 8(2)); the calculator counts their
// working days on their own holidays (17 May, 1 August); and neither sees
// the other's case nor a German one.
func TestPartnerOfficersFollowTheirAgreements(t *testing.T) {
	db, actors, base := journeyStore(t)
	ctx := context.Background()
	cat := i18n.Default()
	german := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).c

	type officer struct {
		user, state, profile, lang string
		from                       string // the reply rule's event, worded in the basis
		holiday                    struct{ from, due string }
	}
	officers := []officer{
		{user: "no.officer", state: "NO", profile: "no-az", lang: "en", from: "web3.from.received_on",
			holiday: struct{ from, due string }{"2027-05-14", "2027-05-19"}}, // 17 May: Constitution Day
		{user: "ch.officer", state: "CH", profile: "ch-az", lang: "fr", from: "web3.from.acknowledged_on",
			holiday: struct{ from, due string }{"2025-07-31", "2025-08-05"}}, // 1 August: National Day
	}
	cases := map[string]*ercms.Case{}
	clients := map[string]*uiClient{}
	for _, o := range officers {
		l := i18n.Lang(o.lang)
		u := newUIClient(t, base, o.lang)
		u.signIn(o.user)
		clients[o.user] = u

		// The application, step by step, as the officer fills it in.
		status, page := u.post("/applications/new", "/applications/new", url.Values{"requesting_reference": {o.state + "-2026-0042"},
			"procedure": {"normal"}, "category": {"own_national"}, "person.surname": {"Hüseynov"}, "person.given_names": {"Elnur"},
			"person.nationality": {"AZ"}, "dob.year": {"1991"}})
		m := regexp.MustCompile(`/cases/([^/"]+)/application/family`).FindStringSubmatch(page)
		if status != http.StatusOK || m == nil {
			t.Fatalf("%s: the draft: %d\n%s", o.user, status, page)
		}
		id := m[1]
		version := func() string {
			c, err := db.FindCase(ctx, ercms.SystemActor(), id)
			if err != nil {
				t.Fatal(err)
			}
			return strconv.Itoa(c.Version)
		}
		step := "/cases/" + id + "/application/evidence"
		if status, page := u.post(step, step, url.Values{"version": {version()}, "add": {"1"}, "evidence.type": {"national_passport"},
			"evidence.document_number": {"C01234567"}}); status != http.StatusOK {
			t.Fatalf("%s: the evidence: %d\n%s", o.user, status, page)
		}
		step = "/cases/" + id + "/application/review"
		status, page = u.post(step, step, url.Values{"version": {version()}})
		if status != http.StatusOK || !strings.Contains(page, "<h2>"+html.EscapeString(cat.T(l, "section.summary"))+"</h2>") {
			t.Fatalf("%s: the submission: %d\n%s", o.user, status, page)
		}
		c, err := db.FindCase(ctx, actors[o.user], id)
		if err != nil || c.Status != ercms.StateSubmitted || c.ProfileID != o.profile || c.RequestingState != o.state {
			t.Fatalf("%s: submitted case %+v, %v", o.user, c, err)
		}
		cases[o.user] = c

		// The case page names the agreement and counts the reply by it.
		p, err := db.Rules().Latest(o.profile)
		if err != nil {
			t.Fatal(err)
		}
		row := "<dt>" + html.EscapeString(cat.T(l, "partners.agreement")) + "</dt><dd>" + html.EscapeString(p.NameIn(l)) + "</dd>"
		if !strings.Contains(page, row) {
			t.Errorf("%s: the case page does not name the agreement: want %s", o.user, row)
		}
		due := c.ReceivedOn.AddDays(15)
		if !strings.Contains(page, html.EscapeString(i18n.FormatDate(l, due))) {
			t.Errorf("%s: no reply due on %s on the case page", o.user, due)
		}
		if basis := html.EscapeString(cat.T(l, o.from)); !strings.Contains(page, basis) {
			t.Errorf("%s: the reply's basis does not say %q", o.user, basis)
		}

		// The calculator counts the officer's working days on the officer's own holidays.
		_, page = u.get("/deadlines?" + url.Values{"rule": {"submission_accelerated"}, "from": {o.holiday.from}, "state": {o.state}}.Encode())
		if !strings.Contains(page, `<time datetime="`+o.holiday.due+`">`) {
			t.Errorf("%s: the accelerated submission from %s is not due on %s", o.user, o.holiday.from, o.holiday.due)
		}
		if src := html.EscapeString(p.Rules["submission_accelerated"].SourceIn(l)); !strings.Contains(page, src) {
			t.Errorf("%s: the calculator does not give the source of its own agreement %q", o.user, src)
		}
	}

	// The central authority registers both; each officer follows the own case.
	for user, c := range cases {
		if _, err := db.Act(ctx, actors["sms.officer"], c.ID, ercms.ActRegister, c.Version, ercms.ActionInput{}); err != nil {
			t.Fatalf("register %s: %v", c.Reference, err)
		}
		u := clients[user]
		l := i18n.Lang(u.lang)
		if _, page := u.get("/cases"); !strings.Contains(page, c.Reference) ||
			!strings.Contains(page, html.EscapeString(cat.T(l, "state."+string(ercms.StateRegistered)))) {
			t.Errorf("%s: the queue does not show %s registered", user, c.Reference)
		}
	}

	// Neither sees the other's case nor the German one, in the list or by address.
	for user, own := range cases {
		u := clients[user]
		_, list := u.get("/cases")
		for other, c := range map[string]*ercms.Case{"de.officer": german, "no.officer": cases["no.officer"], "ch.officer": cases["ch.officer"]} {
			if c.ID == own.ID {
				continue
			}
			if strings.Contains(list, c.Reference) {
				t.Errorf("%s sees %s's case %s in the list", user, other, c.Reference)
			}
			if status, _ := u.get("/cases/" + c.ID); status != http.StatusNotFound && status != http.StatusForbidden {
				t.Errorf("%s opens %s's case: %d", user, other, status)
			}
		}
		page, err := db.ListCases(ctx, actors[user], sqldb.CaseFilter{})
		if err != nil || len(page.Cases) != 1 || page.Cases[0].ID != own.ID {
			t.Errorf("%s's cases in the store: %+v, %v", user, page.Cases, err)
		}
	}
}
