package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

const password = "correct horse battery"

// client talks to the API as one user.
type client struct {
	t     *testing.T
	base  string
	token string
	// invalid marks requests meant not to match openapi.json (offContract).
	invalid bool
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r reply) problem(t *testing.T) web.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("error content type %q (status %d): %s", ct, r.status, r.body)
	}
	var p web.Problem
	r.decode(t, &p)
	return p
}

func (c *client) do(method, path string, body any, headers ...string) reply {
	c.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	default:
		j, err := json.Marshal(v)
		if err != nil {
			c.t.Fatal(err)
		}
		b = j
	}
	req, err := http.NewRequest(method, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if b != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.send(req, b)
}

func signIn(t *testing.T, base, username string) *client {
	t.Helper()
	c := &client{t: t, base: base}
	r := c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": password})
	if r.status == http.StatusForbidden || r.status == http.StatusUnauthorized {
		// A journey server asks for a second factor: set an app up in the
		// pages if there is none, and send its code.
		if _, ok := apps.Load(base + " " + username); !ok {
			newUIClient(t, base, "en").signIn(username)
		}
		if v, ok := apps.Load(base + " " + username); ok {
			clock, _ := journeyClocks.Load(base)
			v.(*app).give(t, clock.(*testdb.Clock), func(code string) {
				r = c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": password, "code": code})
			})
		}
	}
	if r.status != http.StatusCreated {
		t.Fatalf("sign in %s: %d %s", username, r.status, r.body)
	}
	var s struct {
		Token string `json:"token"`
	}
	r.decode(t, &s)
	c.token = s.Token
	return c
}

func start(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	return startWith(t, db, nil)
}

// startWith is start with the server set up by configure before it serves.
func startWith(t *testing.T, db *sqldb.DB, configure func(*web.Server)) string {
	t.Helper()
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.Blobs = blobs
	if _, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return password }); err != nil {
		t.Fatal(err)
	}
	s := web.New(db, nil)
	s.SetSignInRate(unshed) // tests sign many users in at once from one address
	if configure != nil {
		configure(s)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL
}

type caseJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Version int    `json:"version"`
	Tasks   []struct {
		ID    string `json:"id"`
		OrgID string `json:"organisation_id"`
	} `json:"tasks"`
	Deadlines []struct {
		Kind   string `json:"kind"`
		DueOn  string `json:"due_on"`
		Basis  string `json:"basis"`
		Status string `json:"status"`
	} `json:"deadlines"`
	Actions []string `json:"actions"`
}

const application = `{"type":"readmission","requesting_reference":"DE-BPOL-2026-77","procedure":"normal","category":"own_national",
 "person":{"surname":"Hüseynov","given_names":"Rəşad","original_script":{"surname":"Гусейнов","given_names":"Рашад","script":"Cyrl"},
  "date_of_birth":"1988","place_of_birth":"Bakı","nationality":"AZ"},
 "evidence":[{"type":"national_id_card","document_number":"AZE1234567"}]}`

func (c *client) act(cs *caseJSON, action string, body any) reply {
	c.t.Helper()
	r := c.do("POST", "/api/v1/cases/"+cs.ID+"/actions/"+action, body, "If-Match", fmt.Sprintf(`"%d"`, cs.Version))
	if r.status == http.StatusOK {
		r.decode(c.t, cs)
	}
	return r
}

func (c *client) mustAct(cs *caseJSON, action string, body any) {
	c.t.Helper()
	if r := c.act(cs, action, body); r.status != http.StatusOK {
		c.t.Fatalf("%s: %d %s", action, r.status, r.body)
	}
}

// TestAPIScenario is the "done means" scenario of the core issue through HTTP.
func TestAPIScenario(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		base := start(t, db)
		de := signIn(t, base, "de.officer")
		sms := signIn(t, base, "sms.officer")
		sup := signIn(t, base, "sms.supervisor")
		fr := signIn(t, base, "fr.officer")
		reg := signIn(t, base, "civil.registry.officer")

		r := de.do("POST", "/api/v1/cases", application, "Idempotency-Key", "abc-1")
		if r.status != http.StatusCreated || r.header.Get("ETag") != `"1"` {
			t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
		}
		var cs caseJSON
		r.decode(t, &cs)
		if again := de.do("POST", "/api/v1/cases", application, "Idempotency-Key", "abc-1"); again.status != http.StatusOK || !strings.Contains(string(again.body), cs.ID) {
			t.Fatalf("replay: %d %s", again.status, again.body)
		}
		if !slices.Contains(cs.Actions, "submit") {
			t.Errorf("draft actions for its officer: %v", cs.Actions)
		}

		// If-Match: missing → 428, stale → 412, wrong state → 409.
		if r := de.offContract().do("POST", "/api/v1/cases/"+cs.ID+"/actions/submit", nil); r.status != 428 || r.problem(t).Code != ercms.EPreconditionRequired {
			t.Fatalf("no If-Match: %d %s", r.status, r.body)
		}
		if r := de.do("POST", "/api/v1/cases/"+cs.ID+"/actions/submit", nil, "If-Match", `"7"`); r.status != 412 {
			t.Fatalf("stale If-Match: %d %s", r.status, r.body)
		}
		if r := de.act(&cs, "provide_info", map[string]string{"answer": "x"}); r.status != 409 {
			t.Fatalf("provide_info on a draft: %d %s", r.status, r.body)
		}
		// Editing the draft needs the version; bad input is refused field by field and changes nothing.
		edited := strings.Replace(application, `"date_of_birth":"1988"`, `"date_of_birth":"1988-07"`, 1)
		if r := de.offContract().do("PUT", "/api/v1/cases/"+cs.ID, edited); r.status != 428 {
			t.Fatalf("edit without If-Match: %d %s", r.status, r.body)
		}
		bad := strings.Replace(application, `"surname":"Hüseynov"`, `"surname":""`, 1)
		if r := de.do("PUT", "/api/v1/cases/"+cs.ID, bad, "If-Match", `"1"`); r.status != 422 || r.problem(t).Errors["person.surname"] == "" {
			t.Fatalf("edit with an empty surname: %d %s", r.status, r.body)
		}
		r = de.do("PUT", "/api/v1/cases/"+cs.ID, edited, "If-Match", `"1"`)
		if r.status != 200 || r.header.Get("ETag") != `"2"` || !strings.Contains(string(r.body), `"date_of_birth":"1988-07"`) {
			t.Fatalf("edit the draft: %d %s", r.status, r.body)
		}
		r.decode(t, &cs)
		de.mustAct(&cs, "submit", nil)
		if len(cs.Deadlines) != 1 || cs.Deadlines[0].Kind != "reply" || cs.Deadlines[0].DueOn != "2026-03-17" || cs.Deadlines[0].Status != "running" {
			t.Fatalf("reply deadline after submission on 2026-03-02: %+v", cs.Deadlines)
		}

		if r := fr.do("GET", "/api/v1/cases/"+cs.ID, nil); r.status != 404 || r.problem(t).Code != ercms.ENotFound {
			t.Fatalf("French officer opens a German case: %d %s", r.status, r.body)
		}
		if r := fr.act(&cs, "withdraw", map[string]string{"reason": "x", "reason_code": "other"}); r.status != 404 {
			t.Fatalf("French officer acts on a German case: %d %s", r.status, r.body)
		}
		if r := de.act(&cs, "register", nil); r.status != 403 {
			t.Fatalf("member state registers: %d %s", r.status, r.body)
		}

		sms.mustAct(&cs, "register", nil)
		// The supervisor reassigns the case to herself; the officer may not.
		var supMe web.Me
		sup.do("GET", "/api/v1/me", nil).decode(t, &supMe)
		if r := sms.do("PUT", "/api/v1/cases/"+cs.ID+"/assignment", map[string]string{"user_id": supMe.UserID}, "If-Match", fmt.Sprintf(`"%d"`, cs.Version)); r.status != 403 {
			t.Fatalf("officer reassigns: %d %s", r.status, r.body)
		}
		if r := sup.do("PUT", "/api/v1/cases/"+cs.ID+"/assignment", map[string]string{"user_id": "nobody"}, "If-Match", fmt.Sprintf(`"%d"`, cs.Version)); r.status != 422 {
			t.Fatalf("assign to nobody: %d %s", r.status, r.body)
		}
		r = sup.do("PUT", "/api/v1/cases/"+cs.ID+"/assignment", map[string]string{"user_id": supMe.UserID}, "If-Match", fmt.Sprintf(`"%d"`, cs.Version))
		if r.status != 200 || !strings.Contains(string(r.body), `"assigned_to":"`+supMe.UserID+`"`) {
			t.Fatalf("supervisor reassigns: %d %s", r.status, r.body)
		}
		r.decode(t, &cs)
		r = sms.act(&cs, "start_verification", map[string]any{"tasks": []map[string]string{{"organisation_id": "nope", "question": ""}}})
		if p := r.problem(t); r.status != 422 || p.Errors["tasks[0].organisation_id"] == "" || p.Errors["tasks[0].question"] == "" {
			t.Fatalf("bad tasks: %d %s", r.status, r.body)
		}
		var me web.Me
		reg.do("GET", "/api/v1/me", nil).decode(t, &me)
		sms.mustAct(&cs, "start_verification", map[string]any{"tasks": []map[string]string{{"organisation_id": me.Organisation.ID, "question": "Birth record of Rəşad Hüseynov, 1988, Bakı?"}}})
		reg.do("GET", "/api/v1/cases/"+cs.ID, nil).decode(t, &cs)
		reg.mustAct(&cs, "answer_task", map[string]string{"task_id": cs.Tasks[0].ID, "finding": "confirmed", "answer": "Record found"})
		sms.do("GET", "/api/v1/cases/"+cs.ID, nil).decode(t, &cs)
		sms.mustAct(&cs, "approve", map[string]any{"family_covered": []string{}})
		if cs.Status != "pending_sign_off" {
			t.Fatalf("approve with four eyes: %s", cs.Status)
		}
		if r := sms.act(&cs, "sign_off", nil); r.status != 403 {
			t.Fatalf("officer signs off: %d %s", r.status, r.body)
		}
		sup.mustAct(&cs, "sign_off", nil)
		if cs.Status != "approved" {
			t.Fatalf("after sign-off: %s", cs.Status)
		}

		var page struct {
			Cases []struct{ ID string } `json:"cases"`
		}
		de.do("GET", "/api/v1/cases?q=Гусейнов&status=approved", nil).decode(t, &page)
		if len(page.Cases) != 1 || page.Cases[0].ID != cs.ID {
			t.Fatalf("search by Cyrillic name: %+v", page)
		}
		fr.do("GET", "/api/v1/cases", nil).decode(t, &page)
		if len(page.Cases) != 0 {
			t.Fatalf("French list: %+v", page)
		}
		if _, err := db.SequenceAudit(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rep, err := db.VerifyAudit(context.Background()); err != nil || !rep.OK() {
			t.Fatalf("audit: %v %+v", err, rep)
		}
	})
}

func TestSignInErrorsAreTheSame(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	c := &client{t: t, base: base}
	wrong := c.do("POST", "/api/v1/session", map[string]string{"username": "de.officer", "password": "wrong password!"})
	unknown := c.do("POST", "/api/v1/session", map[string]string{"username": "nobody", "password": "wrong password!"})
	if wrong.status != 401 || unknown.status != 401 || wrong.problem(t).Detail != unknown.problem(t).Detail {
		t.Fatalf("wrong password %d %s / unknown user %d %s", wrong.status, wrong.body, unknown.status, unknown.body)
	}
	if r := c.offContract().do("GET", "/api/v1/cases", nil); r.status != 401 {
		t.Fatalf("no token: %d", r.status)
	}
	if r := c.offContract().do("POST", "/api/v1/session", `{"username":"x","password":"y","extra":1}`); r.status != 422 || r.problem(t).Errors["extra"] == "" {
		t.Fatalf("unknown field: %d %s", r.status, r.body)
	}
}

func TestHealthz(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	srv := httptest.NewServer(web.New(db, nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
	db.Close()
	resp, err = http.Get(srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("healthz with the database closed: %v %v", err, resp.StatusCode)
	}
	resp.Body.Close()
}

// TestOpenAPIMatchesRoutes checks that every registered route is in the
// OpenAPI document and every path of the document is registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	srv := httptest.NewServer(web.New(db, nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, rt := range web.New(db, nil).Routes() {
		key := rt[0] + " " + rt[1]
		registered[key] = true
		if !documented[key] {
			t.Errorf("route %s is not in the OpenAPI document", key)
		}
	}
	for key := range documented {
		if !registered[key] {
			t.Errorf("the OpenAPI document has %s, which is not registered", key)
		}
	}
}

// TestAccessLogHoldsNoPersonalData checks that the access log names the
// route pattern only: no query string, no id, no body.
func TestAccessLogHoldsNoPersonalData(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	if _, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return password }); err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	srv := httptest.NewServer(web.New(db, slog.New(slog.NewTextHandler(&logBuf, nil))))
	defer srv.Close()
	de := signIn(t, srv.URL, "de.officer")
	r := de.do("POST", "/api/v1/cases", application)
	var cs caseJSON
	r.decode(t, &cs)
	de.do("GET", "/api/v1/cases?q=Hüseynov&requesting_state=DE", nil)
	de.do("GET", "/api/v1/cases/"+cs.ID, nil)
	log := logBuf.String()
	for _, secret := range []string{"Hüseynov", "H%C3%BCseynov", "Гусейнов", "AZE1234567", password, de.token, cs.ID, "requesting_state=DE"} {
		if strings.Contains(log, secret) {
			t.Errorf("the access log holds %q:\n%s", secret, log)
		}
	}
	if !strings.Contains(log, "GET /api/v1/cases/{id}") {
		t.Errorf("the access log does not name the route:\n%s", log)
	}
}

// TestAPICalendarRecomputation: a calendar edit answers 202 with the
// recomputation it started; its progress is read at /api/v1/recomputations
// by administrators only.
func TestAPICalendarRecomputation(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	de, admin := signIn(t, base, "de.officer"), signIn(t, base, "admin")
	r := de.do("POST", "/api/v1/cases", application)
	var cs caseJSON
	r.decode(t, &cs)
	de.mustAct(&cs, "submit", nil)
	var y deadline.Year
	for _, cand := range db.Rules().Calendars().Years("AZ") {
		if cand.Year == 2026 {
			y = cand
		}
	}
	y.NonWorking = append(y.NonWorking, deadline.Day{Date: civil.MustParse("2026-03-04"), Name: "API test"})
	if r := de.do("PUT", "/api/v1/calendars/AZ/2026", y); r.status != http.StatusForbidden {
		t.Fatalf("a member-state officer edits the calendar: %d", r.status)
	}
	r = admin.do("PUT", "/api/v1/calendars/AZ/2026", y)
	var started struct {
		Recomputation sqldb.Recomputation `json:"recomputation"`
	}
	r.decode(t, &started)
	if r.status != http.StatusAccepted || started.Recomputation.Total != 1 || !started.Recomputation.Running() {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if _, err := db.RecomputeAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Recomputations []sqldb.Recomputation `json:"recomputations"`
	}
	r = admin.do("GET", "/api/v1/recomputations", nil)
	r.decode(t, &list)
	if r.status != http.StatusOK || len(list.Recomputations) != 1 || list.Recomputations[0].ID != started.Recomputation.ID ||
		list.Recomputations[0].Done != 1 || list.Recomputations[0].Running() {
		t.Fatalf("recomputations: %d %s", r.status, r.body)
	}
	if r := de.do("GET", "/api/v1/recomputations", nil); r.status != http.StatusForbidden {
		t.Errorf("a member-state officer reads the recomputations: %d", r.status)
	}
}
