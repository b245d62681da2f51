package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// chromiumPath finds Debian's chromium, or skips the test with how to get it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("ERCMS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser tests skipped: install Chromium (apt-get install chromium) or set ERCMS_CHROMIUM to its path; .ci/run does this")
	return ""
}

// artifactDir is where screenshots go: $ERCMS_ARTIFACTS, else artifacts/ at the repository root.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("ERCMS_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	dir = filepath.Join(dir, "screenshots", strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser drives one Chromium tab as one user.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	shot int
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 900))
	if strings.HasPrefix(base, "https://") {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors", true)) // httptest's certificate
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// Accept the confirmation dialogs of irreversible actions.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return &browser{t: t, ctx: ctx, base: base, dir: artifactDir(t)}
}

// run runs browser steps with a time limit; on failure it shows the page.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		body, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
		b.t.Fatalf("%s: %v\npage: %s", what, err, body)
	}
}

// value runs one browser step that returns a value.
func value[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// screenshot saves the page as a JPEG named after the step.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	img := value(b, "screenshot "+name, chromedp.FullScreenshot(80))
	b.shot++
	if err := os.WriteFile(filepath.Join(b.dir, fmt.Sprintf("%02d-%s.jpg", b.shot, name)), img, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
}

func (b *browser) text(sel string) string {
	return value(b, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// submit clicks a button and waits for the next page.
func (b *browser) submit(sel string) {
	b.t.Helper()
	before := value(b, "page id", chromedp.Evaluate[float64](`performance.timeOrigin`))
	b.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	// Poll from Go: an evaluation that meets the navigation fails, and is retried.
	expr := fmt.Sprintf(`performance.timeOrigin !== %v && document.readyState === "complete"`, before)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && done {
			return
		}
	}
	b.t.Fatalf("click %s: no new page", sel)
}

func (b *browser) fill(sel, v string) {
	b.t.Helper()
	b.run("fill "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
}

// fillDate types d into the day, month and year fields of the date whose
// day field is sel.
func (b *browser) fillDate(sel string, d civil.Date) {
	b.t.Helper()
	b.fill(sel, strconv.Itoa(d.Day))
	b.fill(sel+"-month", strconv.Itoa(int(d.Month)))
	b.fill(sel+"-year", strconv.Itoa(d.Year))
}

func (b *browser) signIn(lang, username string) {
	b.t.Helper()
	b.open("/signin")
	b.submit(`.lang-switch button[lang="` + lang + `"]`) // the language switch posts its form
	b.screenshot("signin")
	b.fill("#f-username", username)
	b.fill("#f-password", password)
	b.submit("main button[type=submit]")
	if strings.HasPrefix(b.path(), "/signin/factor") {
		b.passSecondFactor(username)
	}
	if got := b.attr("html", "lang"); got != lang {
		b.t.Fatalf("page language %q, want %q", got, lang)
	}
}

// path is the path of the page shown.
func (b *browser) path() string {
	return value(b, "location", chromedp.Evaluate[string](`location.pathname`))
}

// exists reports whether the page has an element sel.
func (b *browser) exists(sel string) bool {
	return value(b, "find "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, sel)))
}

// apps holds the authenticator app each user of a journey server set up,
// by server address and username, so that the browser types its codes
// (journeyClocks gives the server's time).
var (
	apps          sync.Map // base + " " + username → *app
	journeyClocks sync.Map // base → *testdb.Clock
)

// app is an authenticator app: its key and the last time step a code of
// it was given (the server takes each code once).
type app struct {
	mu   sync.Mutex
	key  string
	last int64
}

// rememberApp keeps the app set up with key for id (base and username),
// unless it is kept already: two sign-ins at once may show the same key.
func rememberApp(id, key string, clock *testdb.Clock) *app {
	fresh := &app{key: key, last: clock.Now().Unix()/30 - 2}
	v, loaded := apps.LoadOrStore(id, fresh)
	if a := v.(*app); loaded && a.key != key {
		apps.Store(id, fresh)
		return fresh
	}
	return v.(*app)
}

// give runs send with the app's next code, one sign-in at a time, so that
// the server sees the codes in their order (it takes each step once).
func (a *app) give(t *testing.T, clock *testdb.Clock, send func(code string)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	send(a.code(t, clock))
}

// code returns the app's next code at the server's time, moving the
// clock on when the codes of this time step are spent. The caller holds a.mu.
func (a *app) code(t *testing.T, clock *testdb.Clock) string {
	st := clock.Now().Unix() / 30
	if a.last >= st+1 {
		clock.Advance(30 * time.Second)
		st = clock.Now().Unix() / 30
	}
	st = max(st, a.last+1) // the server allows one step of drift
	a.last = st
	return appCode(t, a.key, time.Unix(st*30, 0))
}

// passSecondFactor gives the second factor on the page it asks for it:
// at the first sign-in it sets up an authenticator app (its key read from
// the page) and continues past the recovery codes; later it types the
// app's code. It asks to remember the device.
func (b *browser) passSecondFactor(username string) {
	b.t.Helper()
	c, ok := journeyClocks.Load(b.base)
	if !ok {
		b.t.Fatalf("no clock for the server %s", b.base)
	}
	clock := c.(*testdb.Clock)
	id := b.base + " " + username
	if b.exists("#app-key") {
		rememberApp(id, strings.ReplaceAll(b.text("#app-key"), " ", ""), clock)
	}
	v, ok := apps.Load(id)
	if !ok {
		b.t.Fatalf("%s has no authenticator app in this test", username)
	}
	v.(*app).give(b.t, clock, func(code string) {
		b.fill("#f-code", code)
		b.run("remember the device", chromedp.Click(chromedp.CSS("#f-remember")))
		b.submit("main button[type=submit]")
	})
	if b.exists(".recovery-codes") {
		b.submit("main a.button") // (TestJourneyPasskey and TestUISecondFactor look at these pages)
	}
	if strings.HasPrefix(b.path(), "/signin") {
		b.t.Fatalf("%s: the second factor did not pass: %s", username, b.text("main"))
	}
}

func (b *browser) attr(sel, name string) string {
	return value(b, "attribute "+name, chromedp.AttributeValue(chromedp.CSS(sel), name)).Value
}

func (b *browser) expect(sel, re string) {
	b.t.Helper()
	if got := b.text(sel); !regexp.MustCompile(re).MatchString(got) {
		b.t.Fatalf("%s: %q does not match %q", sel, got, re)
	}
}

// journeyStore opens a store with the demo people and serves it over
// http, its address the public one. Every answer is scanned for the
// security headers and cookie flags (headerScan) when the test ends.
func journeyStore(t *testing.T) (*sqldb.DB, map[string]ercms.Actor, string) {
	return journeyStoreOver(t, false)
}

// journeyStoreOver is journeyStore over https (a test certificate) when
// tls is set: the public address is then https, so the cookies are
// __Host- and Secure, and every answer carries HSTS.
func journeyStoreOver(t *testing.T, tls bool) (*sqldb.DB, map[string]ercms.Actor, string) {
	return journeyServe(t, tls, "127.0.0.1")
}

// journeyServe is journeyStoreOver with the public address named by host
// (localhost, where browsers take passkeys over http).
func journeyServe(t *testing.T, tls bool, host string) (*sqldb.DB, map[string]ercms.Actor, string) {
	db, clock := testdb.Open(t, sqldb.SQLite)
	// Every journey signs in with a second factor, as a deployment does.
	db.RequireSecondFactor = true
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.Blobs = blobs
	actors, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return password })
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(db, nil)
	h.SetSignInRate(unshed) // journeys sign many users in at once from one address
	scan := &headerScan{https: tls}
	srv := httptest.NewUnstartedServer(scan.wrap(h))
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	base := "http://" + host + ":" + port
	if tls {
		base = "https://" + host + ":" + port
	}
	if err := h.SetBaseURL(base); err != nil {
		t.Fatal(err)
	}
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	journeyClocks.Store(base, clock)
	t.Cleanup(func() {
		journeyClocks.Delete(base)
		srv.Close()
		scan.check(t)
	})
	return db, actors, base
}

func TestJourneySubmitApplication(t *testing.T) {
	for _, lang := range []string{"en", "az"} {
		t.Run(lang, func(t *testing.T) {
			_, _, base := journeyStore(t)
			b := newBrowser(t, base)
			b.signIn(lang, "de.officer")
			b.screenshot("home")
			b.open("/applications/new")
			b.screenshot("person")
			b.submit("main form button[type=submit]")
			b.expect(".error-summary", ".+")
			b.screenshot("person-errors")
			b.fill("#f-requesting_reference", "BPOL-2026-4711")
			b.fill("#f-person-surname", "Quliyev")
			b.fill("#f-person-given_names", "Elnur Vaqif oğlu")
			b.fill("#f-person-original_script-surname", "Гулиев")
			b.fill("#f-dob-year", "1991")
			b.fill("#f-dob-month", "7")
			b.submit("main form button[type=submit]")
			b.screenshot("family")
			b.submit("main button[name=continue]")
			b.screenshot("evidence")
			b.fill("#f-evidence-type", "national_passport")
			b.fill("#f-evidence-document_number", "C12345678")
			b.submit("main button[name=add]")
			b.expect("main table", "C12345678")
			b.submit("main button[name=continue]")
			// The photo and the passport's scan go in the form itself.
			b.screenshot("files")
			photo, scan := uploadFixtures(t)
			b.fill("#f-purpose", "photo")
			b.run("choose the photo", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{photo}))
			b.submit("main button[name=add]")
			b.fill("#f-purpose", "evidence")
			b.fill("#f-evidence_id", b.attr("#f-evidence_id option:nth-child(2)", "value"))
			b.run("choose the scan", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{scan}))
			b.submit("main button[name=add]")
			b.expect("main table", `photo\.png[\s\S]*passport-scan\.pdf|passport-scan\.pdf[\s\S]*photo\.png`)
			b.screenshot("files-attached")
			b.submit("main button[name=continue]")
			b.screenshot("special")
			b.submit("main form button[type=submit]")
			b.screenshot("review")
			b.expect("main", "QUL[Iİ]YEV|Quliyev")                                // the Azerbaijani upper case of i is İ
			b.expect("#step-files + table", `passport-scan\.pdf[\s\S]*C12345678`) // the scan names its evidence item
			b.submit("main form button[type=submit]")
			b.screenshot("submitted")
			b.expect(".banner", "AZ-DE-")
			b.expect(".case-header .tag", ".+")
			b.open(b.path() + "/files")
			b.expect("main table", "passport-scan\\.pdf")
		})
	}
}

// uploadFixtures writes a photograph (PNG) and a scan (PDF) to upload,
// and returns their paths.
func uploadFixtures(t *testing.T) (photo, scan string) {
	t.Helper()
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo, scan = filepath.Join(dir, "photo.png"), filepath.Join(dir, "passport-scan.pdf")
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scan, []byte("%PDF-1.4\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return photo, scan
}

// caseSetup drives a case through the store, as the other parties would.
type caseSetup struct {
	t      *testing.T
	db     *sqldb.DB
	actors map[string]ercms.Actor
	c      *ercms.Case
}

func newCase(t *testing.T, db *sqldb.DB, actors map[string]ercms.Actor) *caseSetup {
	t.Helper()
	return newCaseWith(t, db, actors, nil)
}

// newCaseWith is newCase with the application changed by edit first.
func newCaseWith(t *testing.T, db *sqldb.DB, actors map[string]ercms.Actor, edit func(*ercms.NewCase)) *caseSetup {
	t.Helper()
	n := ercms.NewCase{Type: ercms.TypeReadmission, RequestingReference: "BPOL-2026-0815", Procedure: ercms.ProcedureNormal,
		Category: ercms.CategoryOwnNational, Application: ercms.Application{
			Person:   ercms.Person{Surname: "Əliyeva", GivenNames: "Günel", DateOfBirth: ercms.PartialDate{Year: 1994}, PlaceOfBirth: "Şəki", Nationality: "AZ"},
			Evidence: []ercms.Evidence{{Type: "national_passport", Number: "C87654321"}}}}
	if edit != nil {
		edit(&n)
	}
	c, _, err := db.CreateCase(context.Background(), actors["de.officer"], n, "")
	if err != nil {
		t.Fatal(err)
	}
	return &caseSetup{t: t, db: db, actors: actors, c: c}
}

func (s *caseSetup) act(user, action string, in ercms.ActionInput) *caseSetup {
	s.t.Helper()
	c, err := s.db.Act(context.Background(), s.actors[user], s.c.ID, action, s.c.Version, in)
	if err != nil {
		s.t.Fatalf("%s by %s: %v", action, user, err)
	}
	s.c = c
	return s
}

func (s *caseSetup) reload() {
	c, err := s.db.FindCase(context.Background(), ercms.SystemActor(), s.c.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	s.c = c
}

func orgByType(t *testing.T, db *sqldb.DB, agencyType string) string {
	orgs, err := db.Organisations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.AgencyType == agencyType || o.Name == agencyType {
			return o.ID
		}
	}
	t.Fatalf("no organisation %s", agencyType)
	return ""
}

// transferNotified takes an approved case through the Berlin mission's
// travel document (number) to a transfer notified at GYD ten days after its
// receipt, with the arrangements of tr (date, time and crossing point are
// set here).
func (s *caseSetup) transferNotified(number string, tr ercms.Transfer) *caseSetup {
	s.t.Helper()
	berlin := orgByType(s.t, s.db, "Embassy of the Republic of Azerbaijan in Berlin – consular section")
	s.act("de.officer", ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin})
	valid := s.c.ReceivedOn.AddDays(28)
	s.act("mfa.consul.berlin", ercms.ActIssueTravelDocument, ercms.ActionInput{Number: number, ValidUntil: &valid})
	tr.Date, tr.Time, tr.CrossingPoint = s.c.ReceivedOn.AddDays(10), "10:40", "GYD"
	return s.act("de.officer", ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
}

// approved drives a new case to approved.
func (s *caseSetup) approved() *caseSetup {
	s.act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
	none := []string{}
	return s.act("sms.officer", ercms.ActApprove, ercms.ActionInput{FamilyCovered: &none}).act("sms.supervisor", ercms.ActSignOff, ercms.ActionInput{})
}

func TestJourneyRegisterVerifyApprove(t *testing.T) {
	for _, lang := range []string{"az", "en"} {
		t.Run(lang, func(t *testing.T) {
			db, actors, base := journeyStore(t)
			s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
			b := newBrowser(t, base)
			b.signIn(lang, "sms.officer")
			b.expect("main table", s.c.Reference)
			b.screenshot("queue")
			b.open("/cases/" + s.c.ID)
			b.screenshot("case")
			b.open("/cases/" + s.c.ID + "/act/register")
			b.screenshot("register")
			b.submit("main form button[type=submit]")
			b.expect(".banner", s.c.Reference)
			b.expect(".case-header .tag", ".+")
			b.open("/cases/" + s.c.ID + "/act/start_verification")
			b.submit("main form button[type=submit]") // nothing chosen: errors
			b.expect(".error-summary", ".+")
			b.screenshot("verification-errors")
			registry := orgByType(t, db, "civil_registry")
			b.run("choose the registry", chromedp.Click(chromedp.CSS(`input[name="tasks.organisation_id"][value="`+registry+`"]`)))
			b.fill("#f-tasks-question", "Birth record of Günel Əliyeva, 1994, Şəki?")
			b.submit("main form button[type=submit]")
			b.screenshot("under-verification")
			s.reload()
			if s.c.Status != ercms.StateUnderVerification || len(s.c.Tasks) != 1 || s.c.Tasks[0].OrgID != registry {
				t.Fatalf("after the verification form: %s, tasks %+v", s.c.Status, s.c.Tasks)
			}
			s.act("civil.registry.officer", ercms.ActAnswerTask, ercms.ActionInput{TaskID: s.c.Tasks[0].ID, Finding: "confirmed"})
			b.open("/cases/" + s.c.ID + "/act/approve")
			b.screenshot("approve")
			b.submit("main form button[type=submit]")
			s.reload()
			if s.c.Status != ercms.StatePendingSignOff {
				t.Fatalf("after approve: %s", s.c.Status)
			}
			sup := newBrowser(t, base)
			sup.signIn(lang, "sms.supervisor")
			sup.open("/cases/" + s.c.ID + "/act/sign_off")
			sup.screenshot("sign-off")
			sup.submit("main form button[type=submit]")
			sup.screenshot("approved")
			s.reload()
			if s.c.Status != ercms.StateApproved {
				t.Fatalf("after sign-off: %s", s.c.Status)
			}
		})
	}
}

func TestJourneyConsulIssuesTravelDocument(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			db, actors, base := journeyStore(t)
			berlin := orgByType(t, db, "Embassy of the Republic of Azerbaijan in Berlin – consular section")
			s := newCase(t, db, actors).approved().act("de.officer", ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin})
			b := newBrowser(t, base)
			b.signIn(lang, "mfa.consul.berlin")
			b.expect("main table", s.c.Reference)
			b.screenshot("queue")
			b.open("/cases/" + s.c.ID + "/act/issue_travel_document")
			b.screenshot("form")
			b.fill("#f-number", "AZ-TD-000123")
			b.fillDate("#f-valid_until", s.c.ReceivedOn.AddDays(25))
			b.submit("main form button[type=submit]")
			b.screenshot("issued")
			s.reload()
			if s.c.Status != ercms.StateTravelDocumentIssued || s.c.TravelDocument == nil || s.c.TravelDocument.Number != "AZ-TD-000123" {
				t.Fatalf("after issuing: %s %+v", s.c.Status, s.c.TravelDocument)
			}
		})
	}
}

func TestJourneyBorderRecordsHandover(t *testing.T) {
	for _, lang := range []string{"az", "fr"} {
		t.Run(lang, func(t *testing.T) {
			db, actors, base := journeyStore(t)
			berlin := orgByType(t, db, "Embassy of the Republic of Azerbaijan in Berlin – consular section")
			s := newCase(t, db, actors).approved().act("de.officer", ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin})
			day := s.c.ReceivedOn.AddDays(10)
			valid := s.c.ReceivedOn.AddDays(28)
			s.act("mfa.consul.berlin", ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "AZ-TD-000777", ValidUntil: &valid})
			s.act("de.officer", ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &ercms.Transfer{Date: day, Time: "10:40", CrossingPoint: "GYD", Flight: "LH 1234", Escorts: 2}})
			s.act("sms.officer", ercms.ActConfirmTransfer, ercms.ActionInput{})
			b := newBrowser(t, base)
			b.signIn(lang, "border.officer")
			b.expect("main table", s.c.Reference)
			b.screenshot("expected")
			b.open("/cases/" + s.c.ID + "/act/record_handover")
			b.screenshot("form")
			b.fill("#f-handover-at", db.Now().In(db.Location()).Format("2006-01-02T15:04")) // a handover is recorded when it happened, never ahead
			b.fill("#f-handover-officer", "Fərid Nəsirov")
			b.fill("#f-handover-persons", "1")
			b.submit("main form button[type=submit]")
			b.screenshot("handed-over")
			s.reload()
			if s.c.Status != ercms.StateTransferred {
				t.Fatalf("after the handover: %s", s.c.Status)
			}
		})
	}
}

func TestJourneyOtherStateCannotOpen(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			db, actors, base := journeyStore(t)
			s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
			b := newBrowser(t, base)
			b.signIn(lang, "fr.officer")
			b.open("/cases/" + s.c.ID)
			b.screenshot("not-found")
			if strings.Contains(b.text("body"), "Əliyeva") || strings.Contains(b.text("body"), s.c.Reference) {
				t.Fatal("the French officer sees the German case")
			}
			b.open("/cases?q=Əliyeva")
			if strings.Contains(b.text("main"), s.c.Reference) {
				t.Fatal("the French officer finds the German case")
			}
		})
	}
}
