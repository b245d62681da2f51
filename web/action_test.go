package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// sampleValues holds a well-typed JSON value of every top-level field of
// every action, so that a body can carry a field of another action.
var sampleValues = map[string]any{
	"question": "q", "answer": "a", "comment": "c", "reason": "r", "reason_code": "other", "reasons": []string{"other"},
	"text": "t", "justification": "j", "tasks": []map[string]string{{"organisation_id": "o", "question": "q"}},
	"task_id": "t1", "finding": "confirmed", "mission_id": "m", "mode": "video", "language": "az", "place": "p", "days": 3,
	"family_covered": []string{}, "number": "N1", "valid_until": "2026-05-04", "new_end": "2026-05-04", "date": "2026-05-04",
	"acknowledged_on": "2026-05-04", "requested_on": "2026-05-04",
	"transfer":    map[string]any{"date": "2026-05-04", "crossing_point": "GYD", "escorts": 1},
	"handover":    map[string]any{"at": "2026-05-04T10:00:00Z", "officer": "o", "persons": 1},
	"entry_point": "GYD", "time": "10:00", "assistance": "a", "flag": "minor",
}

// topFields lists the top-level JSON fields of an action's input.
func topFields(d ercms.Description) []string {
	var out []string
	for _, f := range d.Fields {
		top, _, _ := strings.Cut(f.Name, ".")
		if !slices.Contains(out, top) {
			out = append(out, top)
		}
	}
	return out
}

// TestAPIRefusesFieldsOfOtherActions sends, for every action, a body with
// each field of every other action (and the former user_id) to both action
// endpoints: each answers 422 problem+json naming that field, before
// anything is read or changed.
func TestAPIRefusesFieldsOfOtherActions(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de := signIn(t, base, "de.officer")
	r := de.do("POST", "/api/v1/cases", application)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var cs caseJSON
	r.decode(t, &cs)

	var all []string
	for _, d := range ercms.Descriptions {
		for _, f := range topFields(d) {
			if _, ok := sampleValues[f]; !ok {
				t.Fatalf("the test has no value for %s of %s", f, d.Action)
			}
			if !slices.Contains(all, f) {
				all = append(all, f)
			}
		}
	}
	all = append(all, "user_id")
	sampleValues["user_id"] = "u1"
	checked := 0
	for _, d := range ercms.Descriptions {
		own := topFields(d)
		for _, f := range all {
			if slices.Contains(own, f) {
				continue
			}
			body := map[string]any{f: sampleValues[f]}
			for _, o := range own { // the action's own fields may be there too
				body[o] = sampleValues[o]
			}
			r := de.offContract().do("POST", "/api/v1/cases/"+cs.ID+"/actions/"+d.Action, body, "If-Match", `"1"`)
			if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Errors[f] == "" {
				t.Errorf("%s with %s: %d %s, want 422 naming %s", d.Action, f, r.status, r.body, f)
			}
			body["cases"] = []map[string]any{{"id": cs.ID, "version": 1}}
			r = de.offContract().do("POST", "/api/v1/transfer-operations/no-such-operation/actions/"+d.Action, body)
			if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Errors[f] == "" {
				t.Errorf("operation %s with %s: %d %s, want 422 naming %s", d.Action, f, r.status, r.body, f)
			}
			checked++
		}
	}
	if checked < len(ercms.Descriptions)*10 {
		t.Errorf("only %d bodies checked", checked)
	}
	// A field of a nested object is named by its path: the system's fields
	// of a transfer are not the requesting state's to send.
	for _, tc := range []struct {
		action string
		body   map[string]any
		field  string
	}{
		{"notify_transfer", map[string]any{"transfer": map[string]any{"date": "2026-05-04", "crossing_point": "GYD", "escorts": 1, "late_notice": true}}, "transfer.late_notice"},
		{"notify_transfer", map[string]any{"transfer": map[string]any{"date": "2026-05-04", "crossing_point": "GYD", "escorts": 1, "operation_id": "x"}}, "transfer.operation_id"},
		{"record_handover", map[string]any{"handover": map[string]any{"officer": "o", "persons": 1, "signature": "x"}}, "handover.signature"},
		{"start_verification", map[string]any{"tasks": []map[string]string{{"organisation_id": "o", "question": "q", "due_on": "2026-05-04"}}}, "tasks[0].due_on"},
	} {
		r := de.offContract().do("POST", "/api/v1/cases/"+cs.ID+"/actions/"+tc.action, tc.body, "If-Match", `"1"`)
		if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Errors[tc.field] == "" {
			t.Errorf("%s with %s: %d %s, want 422 naming %s", tc.action, tc.field, r.status, r.body, tc.field)
		}
	}
	// So on a group transfer's notice, and on any other body.
	r = de.offContract().do("POST", "/api/v1/transfer-operations", map[string]any{"cases": []map[string]any{{"id": cs.ID, "version": 1}, {"id": "x", "version": 1}},
		"transfer": map[string]any{"date": "2026-05-04", "crossing_point": "GYD", "escorts": 1, "notified_on": "2026-05-01"}})
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Errors["transfer.notified_on"] == "" {
		t.Errorf("group notice with notified_on: %d %s, want 422 naming transfer.notified_on", r.status, r.body)
	}
	// The case did not change.
	r = de.do("GET", "/api/v1/cases/"+cs.ID, nil)
	if r.header.Get("ETag") != `"1"` {
		t.Errorf("the refused bodies changed the case: ETag %s", r.header.Get("ETag"))
	}
	// An unknown action is not found; an action's own fields pass the decoder.
	if r := de.offContract().do("POST", "/api/v1/cases/"+cs.ID+"/actions/frobnicate", map[string]string{}, "If-Match", `"1"`); r.status != http.StatusNotFound {
		t.Errorf("unknown action: %d %s", r.status, r.body)
	}
	if r := de.act(&cs, "withdraw", map[string]string{"reason_code": "other", "reason": "Left on his own."}); r.status != http.StatusOK || cs.Status != "withdrawn" {
		t.Errorf("withdraw with its own fields: %d %s", r.status, r.body)
	}
}

// transitApplication is a transit request through Baku airport (GYD).
func transitApplication(on string) string {
	return `{"type":"transit","requesting_reference":"BPOL-T-2026-0009",
 "person":{"surname":"Karimov","given_names":"Aziz","date_of_birth":"1988","nationality":"UZ"},
 "transit":{"itinerary":"FRA–GYD LH 620, GYD–TAS HY 54","final_destination":"UZ","entry_point":"GYD","transit_on":"` + on + `","transit_time":"14:05","escorts":2}}`
}

// TestTransitAssistanceKeptAndShown: the assistance of approve_transit,
// entered in the central authority's form, is kept on the decision; the API
// returns it on the case and in lists, the case page shows it, and the
// border crossing point sees it on its work queue and on the case.
func TestTransitAssistanceKeptAndShown(t *testing.T) {
	db, _, base := journeyStore(t)
	ctx := context.Background()
	de := signIn(t, base, "de.officer")
	r := de.do("POST", "/api/v1/cases", transitApplication(db.Today().AddDays(20).String()))
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var cs caseJSON
	r.decode(t, &cs)
	de.mustAct(&cs, "submit", nil)
	const help = "Escort from gate B12 to the transfer desk; wheelchair"

	sms := newUIClient(t, base, "en")
	sms.signIn("sms.officer")
	page := "/cases/" + cs.ID + "/act/approve_transit"
	if _, html := sms.get(page); !strings.Contains(html, `name="assistance"`) || !strings.Contains(html, "Assistance during the transit") {
		t.Fatalf("the approve_transit form has no assistance field:\n%s", html)
	}
	status, html := sms.post(page, page, url.Values{"version": {strconv.Itoa(cs.Version)}, "entry_point": {"GYD"}, "time": {"14:05"}, "assistance": {help}})
	if status != http.StatusOK {
		t.Fatalf("approve_transit form: %d\n%s", status, html)
	}
	c, err := db.FindCase(ctx, ercms.SystemActor(), cs.ID)
	if err != nil || c.Status != ercms.StateTransitApproved || c.Decision == nil || c.Decision.Assistance != help {
		t.Fatalf("after the form: %v %s %+v", err, c.Status, c.Decision)
	}
	if _, html := sms.get("/cases/" + cs.ID + "/decision"); !strings.Contains(html, help) {
		t.Errorf("the case page does not show the assistance:\n%s", html)
	}

	var view struct {
		Decision struct {
			Assistance string `json:"assistance"`
		} `json:"decision"`
	}
	for _, user := range []string{"sms.officer", "de.officer", "border.officer"} {
		cl := signIn(t, base, user)
		cl.do("GET", "/api/v1/cases/"+cs.ID, nil).decode(t, &view)
		if view.Decision.Assistance != help {
			t.Errorf("%s: the case JSON has assistance %q", user, view.Decision.Assistance)
		}
	}
	border := signIn(t, base, "border.officer")
	var list struct {
		Cases []struct {
			ID         string `json:"id"`
			Assistance string `json:"assistance"`
		} `json:"cases"`
	}
	border.do("GET", "/api/v1/cases?type=transit", nil).decode(t, &list)
	if len(list.Cases) != 1 || list.Cases[0].Assistance != help {
		t.Errorf("the border's list: %+v", list)
	}

	gyd := newUIClient(t, base, "en")
	gyd.signIn("border.officer")
	if _, html := gyd.get("/"); !strings.Contains(html, c.Reference) || !strings.Contains(html, help) {
		t.Errorf("the border officer's queue does not show the assistance:\n%s", html)
	}
	if _, html := gyd.get("/cases/" + cs.ID + "/transfer"); !strings.Contains(html, help) || !strings.Contains(html, "GYD") {
		t.Errorf("the border officer's case page does not show the transit and its assistance:\n%s", html)
	}
	// Translated for every language of the border officer.
	for _, lang := range []string{"az", "fr", "ru"} {
		u := newUIClient(t, base, lang)
		u.signIn("border.officer")
		if _, html := u.get("/cases/" + cs.ID + "/transfer"); !strings.Contains(html, help) || strings.Contains(html, "[field.") {
			t.Errorf("%s: the transit section:\n%s", lang, html)
		}
	}
}

// TestUIStartVerificationForm: the verification form sends one task per
// organisation ticked, with the question; a missing question lands on the
// question's field.
func TestUIStartVerificationForm(t *testing.T) {
	db, act, base := journeyStore(t)
	ctx := context.Background()
	c, _, err := db.CreateCase(ctx, act["de.officer"], sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		who, action string
	}{{"de.officer", ercms.ActSubmit}, {"sms.officer", ercms.ActRegister}} {
		if c, err = db.Act(ctx, act[s.who], c.ID, s.action, c.Version, ercms.ActionInput{}); err != nil {
			t.Fatal(err)
		}
	}
	registry := act["civil.registry.officer"].Org.ID
	sms := newUIClient(t, base, "en")
	sms.signIn("sms.officer")
	page := "/cases/" + c.ID + "/act/start_verification"
	status, html := sms.post(page, page, url.Values{"version": {strconv.Itoa(c.Version)}, "tasks.organisation_id": {registry}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(html, `id="f-tasks-question-error"`) {
		t.Fatalf("no question: %d\n%s", status, html)
	}
	status, html = sms.post(page, page, url.Values{"version": {strconv.Itoa(c.Version)}, "tasks.organisation_id": {registry}, "tasks.question": {"Birth record?"}})
	if status != http.StatusOK {
		t.Fatalf("verification: %d\n%s", status, html)
	}
	c, err = db.FindCase(ctx, ercms.SystemActor(), c.ID)
	if err != nil || c.Status != ercms.StateUnderVerification || len(c.Tasks) != 1 || c.Tasks[0].OrgID != registry || c.Tasks[0].Question != "Birth record?" {
		t.Fatalf("after the form: %v %s %+v", err, c.Status, c.Tasks)
	}
}

// TestOpenAPIActionInputs reads the served document: one closed input
// schema per action a client takes (the system's deem_approved and expire
// have none), assistance in approve_transit's, no shared ActionInput.
func TestOpenAPIActionInputs(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	c := &client{t: t, base: base}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties           map[string]any `json:"properties"`
				AdditionalProperties *bool          `json:"additionalProperties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	c.do("GET", "/api/v1/openapi.json", nil).decode(t, &doc)
	s, ok := doc.Components.Schemas["ApproveTransitInput"]
	if !ok || s.Properties["assistance"] == nil || s.AdditionalProperties == nil || *s.AdditionalProperties {
		t.Errorf("ApproveTransitInput: %+v", s)
	}
	if _, ok := doc.Components.Schemas["ActionInput"]; ok {
		t.Error("the shared ActionInput schema is still there")
	}
	for _, d := range ercms.Descriptions {
		name := reflect.TypeOf(d.Input).Name() + "Input"
		if _, ok := doc.Components.Schemas[name]; !ok && d.Action != ercms.ActDeemApproved && d.Action != ercms.ActExpire {
			t.Errorf("no schema %s for %s", name, d.Action)
		}
	}
}

// TestAPIWrongKindOfValue: a value of the wrong kind, or a date that does
// not parse, is refused on its field (not on the body), with what the field
// takes in words a client reads (never a Go type).
func TestAPIWrongKindOfValue(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de := signIn(t, base, "de.officer")
	var cs caseJSON
	de.do("POST", "/api/v1/cases", application).decode(t, &cs)
	for _, tc := range []struct {
		action, body, field, want string
	}{
		{"withdraw", `{"reason_code": 5}`, "reason_code", "text"},
		{"notify_transfer", `{"transfer": {"date": "2026-04-01", "crossing_point": "GYD", "escorts": "two"}}`, "transfer.escorts", "a whole number"},
		{"notify_transfer", `{"transfer": {"date": 20260401, "crossing_point": "GYD", "escorts": 1}}`, "transfer.date", "a date as text"},
		{"notify_transfer", `{"transfer": {"date": "2026-02-30", "crossing_point": "GYD", "escorts": 1}}`, "transfer.date", "YYYY-MM-DD"},
	} {
		r := de.offContract().do("POST", "/api/v1/cases/"+cs.ID+"/actions/"+tc.action, json.RawMessage(tc.body), "If-Match", fmt.Sprintf(`"%d"`, cs.Version))
		p := r.problem(t)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(p.Errors[tc.field], tc.want) || strings.Contains(p.Errors[tc.field], "civil.") ||
			strings.Contains(p.Errors[tc.field], "int") {
			t.Errorf("%s %s: %d %+v", tc.action, tc.body, r.status, p)
		}
	}
}
