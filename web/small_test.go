package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms"
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
