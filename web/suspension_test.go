package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"

	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestAPISuspension suspends the agreement through the API: only an
// administrator may, with field errors in the reader's language; a
// submission during the suspension is refused with a message that says so
// in Azerbaijani and keeps the draft; the running case is marked; the end
// is recorded and submissions pass again.
func TestAPISuspension(t *testing.T) {
	db, clock := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de, admin := signIn(t, base, "de.officer"), signIn(t, base, "admin")
	var running, draft caseJSON
	de.do("POST", "/api/v1/cases", application).decode(t, &running)
	de.mustAct(&running, "submit", nil)
	de.do("POST", "/api/v1/cases", application).decode(t, &draft)

	body := map[string]any{"profile": "eu-az", "from": "2026-03-02", "grounds": "public_health", "note": "Note verbale No 12/2026"}
	if r := de.do("POST", "/api/v1/suspensions", body); r.status != http.StatusForbidden {
		t.Fatalf("a requesting officer suspends the agreement: %d %s", r.status, r.body)
	}
	bad := map[string]any{"profile": "eu-az", "from": "2026-03-01", "grounds": "public_health", "note": "x"}
	r := admin.do("POST", "/api/v1/suspensions", bad, "Accept-Language", "fr")
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || !strings.Contains(p.Errors["from"], "rétroactivement") {
		t.Fatalf("a suspension backwards: %d %s", r.status, r.body)
	}
	r = admin.do("POST", "/api/v1/suspensions", body)
	var sp struct {
		ID string `json:"id"`
	}
	r.decode(t, &sp)
	if r.status != http.StatusCreated || sp.ID == "" {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	if _, _, err := db.ApplySuspensions(t.Context()); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Suspensions []map[string]any `json:"suspensions"`
	}
	de.do("GET", "/api/v1/suspensions?profile=eu-az", nil).decode(t, &list)
	if len(list.Suspensions) != 1 || list.Suspensions[0]["grounds"] != "public_health" {
		t.Fatalf("list: %+v", list)
	}

	r = de.do("POST", "/api/v1/cases/"+draft.ID+"/actions/submit", nil, "If-Match", `"1"`, "Accept-Language", "az")
	if p := r.problem(t); r.status != http.StatusConflict || !strings.Contains(p.Detail, "ictimai sağlamlıq") || !strings.Contains(p.Detail, "qaralama") {
		t.Fatalf("submission during the suspension: %d %s", r.status, r.body)
	}
	var got struct {
		Status     string         `json:"status"`
		Warnings   []string       `json:"warnings"`
		Suspension map[string]any `json:"suspension"`
	}
	de.do("GET", "/api/v1/cases/"+running.ID, nil).decode(t, &got)
	if got.Suspension == nil || !strings.Contains(strings.Join(got.Warnings, " "), "agreement_suspended") {
		t.Fatalf("the running case is not marked: %+v", got)
	}
	de.do("GET", "/api/v1/cases/"+draft.ID, nil).decode(t, &got)
	if got.Status != "draft" {
		t.Fatalf("the refused draft is %s", got.Status)
	}

	if r := admin.do("POST", "/api/v1/suspensions/"+sp.ID+"/end", map[string]any{"until": "2026-03-03"}); r.status != http.StatusOK {
		t.Fatalf("end: %d %s", r.status, r.body)
	}
	clock.Set(clock.Now().AddDate(0, 0, 1))
	if _, _, err := db.ApplySuspensions(t.Context()); err != nil {
		t.Fatal(err)
	}
	de = signIn(t, base, "de.officer") // the day's sessions have expired
	de.do("GET", "/api/v1/cases/"+draft.ID, nil).decode(t, &draft)
	de.mustAct(&draft, "submit", nil)
}

// TestSuspensionPages: the administrator records a suspension in French
// (a date backwards is refused with the reason beside the field, what was
// typed kept), reads it in force, and a German officer's submission on the
// review page is refused with the reason while the draft stays a draft.
func TestSuspensionPages(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	admin := newUIClient(t, base, "fr")
	admin.signIn("admin")
	form := url.Values{"suspension_profile": {"eu-az"}, "suspension_category": {"third_country_national"}, "suspension_grounds": {"public_order"},
		"suspension_note": {"Note verbale n° 7/2026\ndu 1er mars"}, "suspension_from.day": {"1"}, "suspension_from.month": {"3"}, "suspension_from.year": {"2026"}}
	status, page := admin.post("/admin/suspensions", "/admin/suspensions", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "rétroactivement") || !strings.Contains(page, "Note verbale n° 7/2026") {
		t.Fatalf("a suspension backwards: %d\n%s", status, strings.Join(pageText(page), "\n"))
	}
	form.Set("suspension_from.day", "2")
	status, page = admin.post("/admin/suspensions", "/admin/suspensions", form)
	text := strings.Join(pageText(page), "\n")
	if status != http.StatusOK || !strings.Contains(text, "En vigueur") || !strings.Contains(text, "Ressortissants de pays tiers") || !strings.Contains(text, "ordre public") {
		t.Fatalf("after recording: %d\n%s", status, text)
	}

	de := newUIClient(t, base, "fr")
	de.signIn("de.officer")
	c, _, err := db.CreateCase(t.Context(), officer(t, db, "de.officer"), tcnApplication(), "")
	if err != nil {
		t.Fatal(err)
	}
	review := "/cases/" + c.ID + "/application/review"
	status, page = de.post(review, review, url.Values{"version": {"1"}})
	text = strings.Join(pageText(page), "\n")
	if status != http.StatusConflict || !strings.Contains(text, "L'accord est suspendu pour les ressortissants de pays tiers") || !strings.Contains(text, "brouillon") {
		t.Fatalf("submission during the suspension: %d\n%s", status, text)
	}
	if got, _ := db.FindCase(t.Context(), officer(t, db, "de.officer"), c.ID); got.Status != "draft" {
		t.Fatalf("the draft is %s", got.Status)
	}
}

// officer returns the actor of a demo account.
func officer(t *testing.T, db *sqldb.DB, username string) ercms.Actor {
	t.Helper()
	a, err := db.ActorByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// tcnApplication is a complete application for a third-country national.
func tcnApplication() ercms.NewCase {
	known := civil.MustParse("2026-02-20")
	return ercms.NewCase{Type: ercms.TypeReadmission, RequestingReference: "DE-TCN-1", Procedure: ercms.ProcedureNormal, Category: ercms.CategoryThirdCountryNational,
		Application: ercms.Application{Person: ercms.Person{Surname: "Rahimi", DateOfBirth: ercms.PartialDate{Year: 1990}, Nationality: "IR"}, FactsKnownOn: &known,
			Evidence: []ercms.Evidence{{Type: "visa", Number: "AZ123"}}}}
}

// TestBorderQueueWithoutNotification: a Swiss own national returned with a
// valid identity card and no written notification is on the border post's
// queue of expected arrivals from approval, and the post records the
// handover from the case page.
func TestBorderQueueWithoutNotification(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	exp := civil.MustParse("2030-01-01")
	n := ercms.NewCase{Type: ercms.TypeReadmission, RequestingReference: "CH-SEM-CARD", Procedure: ercms.ProcedureNormal, Category: ercms.CategoryOwnNational, NoApplication: true,
		Application: ercms.Application{Person: ercms.Person{Surname: "Əliyeva", GivenNames: "Günel", DateOfBirth: ercms.PartialDate{Year: 1992}, Nationality: "AZ"},
			Evidence: []ercms.Evidence{{Type: "national_id_card", Number: "AZE7654321", ExpiresOn: &exp}}}}
	c, _, err := db.CreateCase(t.Context(), officer(t, db, "ch.officer"), n, "")
	if err != nil {
		t.Fatal(err)
	}
	border := newUIClient(t, base, "fr")
	border.signIn("border.officer")
	_, page := border.get("/")
	if !strings.Contains(strings.Join(pageText(page), "\n"), c.Reference) {
		t.Fatalf("the case returned without notification is not on the border's queue:\n%s", strings.Join(pageText(page), "\n"))
	}
	_, page = border.get("/cases/" + c.ID)
	if text := strings.Join(pageText(page), "\n"); !strings.Contains(text, "Enregistrer la remise") || !strings.Contains(text, "notification écrite") {
		t.Fatalf("the case page does not offer the handover or say why:\n%s", text)
	}
}

// TestFormsRefuseWithoutToken posts forms of several kinds without their
// CSRF token and with another session's token: each is refused with 403
// and changes nothing (here: no suspension is recorded).
func TestFormsRefuseWithoutToken(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	admin, other := newUIClient(t, base, "en"), newUIClient(t, base, "en")
	admin.signIn("admin")
	other.signIn("de.officer")
	_, page := other.get("/")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no token on the other session's page")
	}
	form := url.Values{"suspension_profile": {"eu-az"}, "suspension_category": {"whole"}, "suspension_grounds": {"security"},
		"suspension_note": {"x"}, "suspension_from.day": {"2"}, "suspension_from.month": {"3"}, "suspension_from.year": {"2026"}}
	for _, path := range []string{"/admin/suspensions", "/account/password", "/lang/fr"} {
		for name, token := range map[string]string{"without a token": "", "with another session's token": m[1]} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if token != "" {
				f.Set("csrf", token)
			}
			if resp, _ := fetch(t, admin.c, "POST", base+path, f); resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s %s: %d, want 403", path, name, resp.StatusCode)
			}
		}
	}
	if got := db.Suspensions("eu-az"); len(got) != 0 {
		t.Fatalf("a refused form recorded %d suspensions", len(got))
	}
}

// TestSuspensionAndObstacleOddInput types odd things into every box of the
// suspension forms and the application's obstacle: digits, %, another
// script, control characters, 1,000 characters, dates that are not dates.
// Nothing answers 5xx; what cannot be kept is refused with a message.
func TestSuspensionAndObstacleOddInput(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	admin := newUIClient(t, base, "az")
	admin.signIn("admin")
	odd := []string{"", "0", "%", "%%25", "_", "-1", "٣", "ə", "Мамедов", "\u202etxt", "a\x00b", strings.Repeat("ş", 1000), "2026-13-45", "99999999999999999999"}
	for _, v := range odd {
		form := url.Values{"suspension_profile": {v}, "suspension_category": {v}, "suspension_grounds": {v}, "suspension_note": {v},
			"suspension_from.day": {v}, "suspension_from.month": {v}, "suspension_from.year": {v}}
		if status, _ := admin.post("/admin/suspensions", "/admin/suspensions", form); status >= 500 || status == http.StatusOK && v == "" {
			t.Errorf("suspension form with %q: %d", v, status)
		}
		end := url.Values{"until-x.day": {v}, "until-x.month": {v}, "until-x.year": {v}}
		if status, _ := admin.post("/admin/suspensions", "/admin/suspensions/"+url.PathEscape(v)+"/end", end); status >= 500 {
			t.Errorf("end of suspension %q: %d", v, status)
		}
	}
	if got := db.Suspensions("eu-az"); len(got) != 0 {
		t.Fatalf("odd input recorded %d suspensions", len(got))
	}

	de := newUIClient(t, base, "fr")
	de.signIn("de.officer")
	c, _, err := db.CreateCase(t.Context(), officer(t, db, "de.officer"), tcnApplication(), "")
	if err != nil {
		t.Fatal(err)
	}
	step := "/cases/" + c.ID + "/application/person"
	for _, v := range odd {
		got, _ := db.FindCase(t.Context(), officer(t, db, "de.officer"), c.ID)
		form := url.Values{"version": {fmt.Sprint(got.Version)}, "procedure": {"normal"}, "category": {"third_country_national"},
			"person.surname": {"Rahimi"}, "person.nationality": {"IR"}, "dob.year": {"1990"},
			"facts_known_on.day": {"20"}, "facts_known_on.month": {"2"}, "facts_known_on.year": {"2026"},
			"obstacle": {v}, "obstacle_removed_on.day": {v}, "obstacle_removed_on.month": {"3"}, "obstacle_removed_on.year": {"2026"}}
		if status, _ := de.post(step, step, form); status >= 500 {
			t.Errorf("obstacle %q: %d", v, status)
		}
	}
}
