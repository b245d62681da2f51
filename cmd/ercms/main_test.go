package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/sqldb"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfig(t *testing.T) {
	c, _, err := parse("serve", nil, env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./ercms-data" || c.DatabaseURL != filepath.Join("ercms-data", "ercms.db") || c.Country != "AZ" {
		t.Errorf("defaults: %+v", c)
	}
	c, _, err = parse("serve", []string{"--addr", "0.0.0.0:9000"}, env(map[string]string{"ERCMS_ADDR": "127.0.0.1:7000", "ERCMS_DATA_DIR": "/srv/ercms", "ERCMS_DATABASE_URL": "postgres://db/ercms"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.DataDir != "/srv/ercms" || c.DatabaseURL != "postgres://db/ercms" {
		t.Errorf("flags over environment: %+v", c)
	}
	_, _, err = parse("serve", []string{"--addr", "nowhere", "--country", "Azerbaijan", "--database-url", "mysql://x"}, env(nil), nil)
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, want := range []string{"--addr", "--country", "--database-url"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// TestConfigSessionIdle: sign-in sessions end after 30 minutes unused
// unless ERCMS_SESSION_IDLE or --session-idle say otherwise; a duration
// that is no duration, or outside 1m to 12h, is refused.
func TestConfigSessionIdle(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want time.Duration
	}{
		{nil, nil, 30 * time.Minute},
		{nil, map[string]string{"ERCMS_SESSION_IDLE": "15m"}, 15 * time.Minute},
		{[]string{"--session-idle", "1h"}, map[string]string{"ERCMS_SESSION_IDLE": "15m"}, time.Hour},
	} {
		c, _, err := parse("serve", tc.args, env(tc.env), nil)
		if err != nil || c.SessionIdle != tc.want {
			t.Errorf("%v %v: idle %s, %v; want %s", tc.args, tc.env, c.SessionIdle, err, tc.want)
		}
	}
	for _, bad := range []string{"30", "soon", "30s", "13h", "-5m"} {
		if _, _, err := parse("serve", nil, env(map[string]string{"ERCMS_SESSION_IDLE": bad}), nil); err == nil || !strings.Contains(err.Error(), "ERCMS_SESSION_IDLE") || !strings.Contains(err.Error(), "from 1m to 12h") {
			t.Errorf("idle %q: %v", bad, err)
		}
	}
}

// TestConfigLanguage: the deployment's language defaults to that of the
// country served, ERCMS_LANGUAGE sets it, --language wins, and a language
// the pages do not speak is refused.
func TestConfigLanguage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "az"},
		{[]string{"--country", "ci"}, nil, "fr"},
		{[]string{"--country", "DE"}, nil, "en"},
		{nil, map[string]string{"ERCMS_LANGUAGE": "ru"}, "ru"},
		{[]string{"--language", "EN"}, map[string]string{"ERCMS_LANGUAGE": "ru", "ERCMS_COUNTRY": "CI"}, "en"},
	} {
		c, _, err := parse("serve", tc.args, env(tc.env), nil)
		if err != nil || c.Language != tc.want {
			t.Errorf("%v %v: language %q, %v; want %q", tc.args, tc.env, c.Language, err, tc.want)
		}
	}
	if _, _, err := parse("serve", []string{"--language", "de"}, env(nil), nil); err == nil || !strings.Contains(err.Error(), "--language") {
		t.Errorf("a language the pages do not speak: %v", err)
	}
}

// TestConfigWebhookNetworks: webhooks reach the internet only unless the
// administrator names networks, by variable or flag; a network that does
// not parse and an SMTP URL with an unknown tls are refused at start.
func TestConfigWebhookNetworks(t *testing.T) {
	c, _, err := parse("serve", nil, env(nil), nil)
	if err != nil || len(c.WebhookAllow) != 0 {
		t.Fatalf("default allowance %v, %v", c.WebhookAllow, err)
	}
	c, _, err = parse("serve", nil, env(map[string]string{"ERCMS_WEBHOOK_ALLOW_NETWORKS": "10.20.0.0/16, fd12:3456::/48"}), nil)
	if err != nil || fmt.Sprint(c.WebhookAllow) != "[10.20.0.0/16 fd12:3456::/48]" {
		t.Errorf("environment: %v, %v", c.WebhookAllow, err)
	}
	c, _, err = parse("serve", []string{"--webhook-allow-networks", "192.168.7.5"}, env(map[string]string{"ERCMS_WEBHOOK_ALLOW_NETWORKS": "10.20.0.0/16"}), nil)
	if err != nil || fmt.Sprint(c.WebhookAllow) != "[192.168.7.5/32]" {
		t.Errorf("flag over environment: %v, %v", c.WebhookAllow, err)
	}
	_, _, err = parse("serve", []string{"--webhook-allow-networks", "intranet"}, env(map[string]string{"ERCMS_SMTP_URL": "smtp://relay:25?from=ercms@example.org&tls=off"}), nil)
	for _, want := range []string{"--webhook-allow-networks", "ERCMS_SMTP_URL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
	if _, _, err := parse("serve", nil, env(map[string]string{"ERCMS_SMTP_URL": "smtp://relay:25?from=ercms@example.org&tls=none"}), nil); err != nil {
		t.Errorf("a local relay without TLS: %v", err)
	}
}

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, env(nil), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDeadlineCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd(t, "deadline", "--data", dir, "--rule", "reply", "--from", "2026-03-02")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "2026-03-17" || !strings.HasPrefix(lines[1], "basis: 15 calendar days") {
		t.Errorf("output:\n%s", out)
	}
	// Two working days from Thursday 19 March 2026: Novruz and Ramazan make 20–30 March non-working
	// in Azerbaijan (CALENDAR.md), so day 1 is 31 March and day 2 is 1 April.
	code, out, _ = runCmd(t, "deadline", "--data", dir, "--rule", "reply_accelerated", "--from", "2026-03-19", "--state", "FR")
	if code != 0 || !strings.HasPrefix(out, "2026-04-01\n") {
		t.Errorf("accelerated reply over Novruz: exit %d\n%s", code, out)
	}
	code, _, errOut = runCmd(t, "deadline", "--data", dir, "--rule", "no_such_rule", "--from", "2026-13-01")
	if code != exitFail || !strings.Contains(errOut, "from:") {
		t.Errorf("bad input: exit %d, %s", code, errOut)
	}
}

func TestUserAndAuditCommands(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	db, err := sqldb.Open(context.Background(), sqldb.Options{URL: filepath.Join(dir, "ercms.db")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return "a long demo password" }); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := runCmd(t, "user", "create", "--data", dir, "--username", "sms.officer2", "--name", "Aysel Quliyeva",
		"--org", "State Migration Service of the Republic of Azerbaijan", "--role", "ca_officer")
	setup := regexp.MustCompile(`setup code: ([A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}) `)
	if code != 0 || !setup.MatchString(out) || strings.Contains(out, "password:") {
		t.Fatalf("user create: exit %d\n%s%s", code, out, errOut)
	}
	// The command line bootstraps accounts: active at once, no second person.
	db, err = sqldb.Open(context.Background(), sqldb.Options{URL: filepath.Join(dir, "ercms.db")})
	if err != nil {
		t.Fatal(err)
	}
	// No password is printed: the user chooses one with the setup code.
	if err := db.UseSetupCode(context.Background(), "sms.officer2", setup.FindStringSubmatch(out)[1], "a password of Aysel's own", netip.Addr{}); err != nil {
		t.Fatalf("the setup code printed: %v", err)
	}
	if _, err := db.SignIn(context.Background(), "sms.officer2", "a password of Aysel's own", netip.Addr{}); err != nil {
		t.Errorf("the account created on the command line signs in: %v", err)
	}
	db.Close()
	if code, _, errOut := runCmd(t, "user"); code != exitUsage || !strings.Contains(errOut, "active at once") {
		t.Errorf("user help: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, "user", "create", "--data", dir, "--username", "x", "--name", "", "--org", "nope", "--role", "ca_officer"); code != exitFail || !strings.Contains(errOut, "org:") {
		t.Errorf("bad user create: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, "user", "reset-password", "--data", dir, "--username", "sms.officer2", "--password", "another long password"); code != 0 {
		t.Errorf("reset-password: %s", errOut)
	}
	if code, out, errOut := runCmd(t, "user", "reset-password", "--data", dir, "--username", "sms.officer2"); code != 0 || !setup.MatchString(out) {
		t.Errorf("reset-password without a password prints a setup code: exit %d %s%s", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, "user", "reset-password", "--data", dir, "--username", "sms.officer2", "--password", "sms.officer2sms"); code != exitFail ||
		!strings.Contains(errOut, "password: Do not use your username") {
		t.Errorf("reset-password to the username: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, "user", "disable", "--data", dir, "--username", "sms.officer2"); code != 0 {
		t.Errorf("disable: %s", errOut)
	}

	code, out, _ = runCmd(t, "audit", "verify", "--data", dir)
	if code != 0 || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("verify: exit %d %s", code, out)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "ercms.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_events SET actor_username = 'someone else' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out, _ = runCmd(t, "audit", "verify", "--data", dir)
	if code != exitBroken || !strings.Contains(out, "BROKEN at event 3") {
		t.Fatalf("verify after an edit: exit %d %s", code, out)
	}
}

// syncBuffer is a bytes.Buffer safe to read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startDemo runs `ercms demo` (with extra flags) until the test ends and returns its URL and output.
func startDemo(t *testing.T, dir string, extra ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int)
	args := append([]string{"demo", "--data", dir, "--addr", "127.0.0.1:0", "--demo-password", "demo password 2026"}, extra...)
	go func() {
		done <- run(ctx, args, env(nil), out, &syncBuffer{})
	}()
	stop := func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("demo exit %d", code)
		}
	}
	re := regexp.MustCompile(`running at (http://[0-9.:]+)`)
	// Seeding takes long under the race detector on a busy machine: wait
	// until shortly before the test binary's own deadline.
	deadline := time.Now().Add(10 * time.Minute)
	if d, ok := t.Deadline(); ok {
		deadline = d.Add(-30 * time.Second)
	}
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, stop
		}
		select {
		case code := <-done:
			t.Fatalf("demo ended with %d:\n%s", code, out)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("demo did not start:\n%s", out)
	return "", nil, nil
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the whole demo")
	}
	dir := t.TempDir()
	url, out, stop := startDemo(t, dir)
	if !strings.Contains(out.String(), "seeded ") || !strings.Contains(out.String(), "sms.supervisor") {
		t.Errorf("first start:\n%s", out)
	}
	body := strings.NewReader(`{"username":"de.officer","password":"demo password 2026"}`)
	resp, err := http.Post(url+"/api/v1/session", "application/json", body)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("sign in to the demo: %v %v", err, resp)
	}
	var sess struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&sess)
	resp.Body.Close()
	req, _ := http.NewRequest("GET", url+"/api/v1/cases?limit=200", nil)
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("list: %v %v", err, resp)
	}
	var page struct {
		Cases []struct {
			RequestingState string `json:"requesting_state"`
		}
	}
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if len(page.Cases) == 0 {
		t.Error("the German officer sees no demo cases")
	}
	for _, c := range page.Cases {
		if c.RequestingState != "DE" {
			t.Fatalf("the German officer sees a case of %s", c.RequestingState)
		}
	}
	stop()

	// A restart seeds nothing more.
	_, out, stop = startDemo(t, dir)
	if strings.Contains(out.String(), "seeded ") {
		t.Errorf("second start seeded again:\n%s", out)
	}
	stop()
}

// signIn signs in to the demo's API and returns the bearer token.
func signIn(t *testing.T, url, username string) string {
	t.Helper()
	body := strings.NewReader(`{"username":"` + username + `","password":"demo password 2026"}`)
	resp, err := http.Post(url+"/api/v1/session", "application/json", body)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("sign in to the demo as %s: %v %v", username, err, resp)
	}
	defer resp.Body.Close()
	var sess struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&sess); err != nil {
		t.Fatal(err)
	}
	return sess.Token
}

// getJSON GETs an API path with a bearer token into v.
func getJSON(t *testing.T, url, token string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v", url, err, resp)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestDemoCoteDIvoire runs the demo of a second country, configured only by
// --country: its own accounts, French, the non-binding arrangement; and a
// data directory set up for one country refuses the other.
func TestDemoCoteDIvoire(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the whole demo")
	}
	dir := t.TempDir()
	url, out, stop := startDemo(t, dir, "--country", "ci")
	for _, want := range []string{"seeded ", "dgat.officer", "dgat.supervisor", "mae.consul.paris", "oneci.officer", "frontiere.abj.officer"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out.String(), "sms.officer") {
		t.Errorf("the Ivorian demo offers the Azerbaijani accounts:\n%s", out)
	}

	type page struct {
		Cases []struct {
			ID              string `json:"id"`
			RequestingState string `json:"requesting_state"`
		}
	}
	// The French officer sees France's cases only.
	var fr page
	getJSON(t, url+"/api/v1/cases?limit=200", signIn(t, url, "fr.officer"), &fr)
	if len(fr.Cases) == 0 {
		t.Error("the French officer sees no demo cases")
	}
	for _, c := range fr.Cases {
		if c.RequestingState != "FR" {
			t.Fatalf("the French officer sees a case of %s", c.RequestingState)
		}
	}
	// The Ivorian central authority sees the cases of every partner state, in French.
	token := signIn(t, url, "dgat.officer")
	var me struct {
		Organisation struct{ State, Name string }
	}
	getJSON(t, url+"/api/v1/me", token, &me)
	if me.Organisation.State != "CI" {
		t.Errorf("dgat.officer works for %+v", me.Organisation)
	}
	var all page
	getJSON(t, url+"/api/v1/cases?limit=200", token, &all)
	states := map[string]bool{}
	for _, c := range all.Cases {
		states[c.RequestingState] = true
	}
	if len(states) < 3 {
		t.Errorf("the central authority sees cases of %v only", states)
	}
	var c struct {
		RequestedState string `json:"requested_state"`
		Profile        string `json:"profile"`
		Timeline       []struct {
			Action string `json:"action"`
		} `json:"timeline"`
	}
	getJSON(t, url+"/api/v1/cases/"+all.Cases[0].ID, token, &c)
	if c.RequestedState != "CI" || c.Profile != "ci-eu" {
		t.Errorf("a case of the Ivorian demo: requested state %s, profile %s", c.RequestedState, c.Profile)
	}
	stop()

	db, err := sqldb.Open(context.Background(), sqldb.Options{URL: filepath.Join(dir, "ercms.db"), Country: "CI"})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := db.ActorByUsername(context.Background(), "dgat.officer"); err != nil || a.Language != "fr" {
		t.Errorf("dgat.officer starts in %q (%v), want French", a.Language, err)
	}
	db.Close()

	// The directory now holds Côte d'Ivoire's deployment: the default country is refused, with the way out.
	for _, cmd := range []string{"demo", "serve"} {
		code, _, errOut := runCmd(t, cmd, "--data", dir, "--addr", "127.0.0.1:0")
		if code != exitUsage || !strings.Contains(errOut, "for CI, not for AZ") || !strings.Contains(errOut, "another --data directory") {
			t.Errorf("%s for AZ in a CI data directory: exit %d\n%s", cmd, code, errOut)
		}
	}
	// A restart for Côte d'Ivoire seeds nothing more.
	_, out, stop = startDemo(t, dir, "--country", "CI")
	if strings.Contains(out.String(), "seeded ") {
		t.Errorf("second start seeded again:\n%s", out)
	}
	stop()
}

// TestDemoPasswordRule: a demo password the operator chooses follows the
// rule of every password, and the refusal says why.
func TestDemoPasswordRule(t *testing.T) {
	for _, tc := range []struct{ password, want string }{
		{"short", "--demo-password: Use at least 12 characters."},
		{"passwordpassword", "--demo-password: Repeated characters or words"},
	} {
		code, _, errOut := runCmd(t, "demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--demo-password", tc.password)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d %s", tc.password, code, errOut)
		}
	}
}
