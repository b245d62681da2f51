package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms"
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

func (b *browser) signIn(lang, username string) {
	b.t.Helper()
	b.open("/lang/" + lang + "?back=/signin")
	b.open("/signin")
	b.screenshot("signin")
	b.fill("#f-username", username)
	b.fill("#f-password", password)
	b.submit("main button[type=submit]")
	if got := b.attr("html", "lang"); got != lang {
		b.t.Fatalf("page language %q, want %q", got, lang)
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

// journeyStore opens a store with the demo people and serves it.
func journeyStore(t *testing.T) (*sqldb.DB, map[string]ercms.Actor, string) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	actors, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return password })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(db, nil))
	t.Cleanup(srv.Close)
	return db, actors, srv.URL
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
			b.screenshot("special")
			b.submit("main form button[type=submit]")
			b.screenshot("review")
			b.expect("main", "QUL[Iİ]YEV|Quliyev") // the Azerbaijani upper case of i is İ
			b.submit("main form button[type=submit]")
			b.screenshot("submitted")
			b.expect(".banner", "AZ-DE-")
			b.expect(".case-header .tag", ".+")
		})
	}
}
