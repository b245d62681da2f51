package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// TestJourneyFileMovesVersion: a central-authority officer fills in a form
// while the member state sends a file; the officer's step is refused, in
// the officer's language, and the form comes back with what was typed, on
// the case as it is now; sent again, it goes through.
func TestJourneyFileMovesVersion(t *testing.T) {
	for _, lang := range []string{"az", "fr"} {
		t.Run(lang, func(t *testing.T) {
			db, actors, base := journeyStore(t)
			s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
			b := newBrowser(t, base)
			b.signIn(lang, "sms.officer")
			b.open("/cases/" + s.c.ID + "/act/request_info")
			b.fill("#f-question", "Şəki doğum qeydinin surətini göndərin.")
			if _, _, err := db.AddAttachment(context.Background(), actors["de.officer"], s.c.ID, sqldb.NewAttachment{Purpose: ercms.AttachForm,
				Name: "dogum-haqqinda-sehadetname.pdf", Kind: "pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4\n%birth\n%%EOF\n")}); err != nil {
				t.Fatal(err)
			}
			b.submit("main form button[type=submit]")
			b.screenshot("refused")
			if got, want := b.text(".error-summary"), i18n.Default().T(i18n.Lang(lang), "error.stale"); !strings.Contains(got, want) {
				t.Fatalf("after a file came: %q, want %q", got, want)
			}
			if got := value(b, "question", chromedp.Value(chromedp.CSS("#f-question"))); got != "Şəki doğum qeydinin surətini göndərin." {
				t.Fatalf("the question typed was lost: %q", got)
			}
			s.reload()
			if s.c.Status != ercms.StateSubmitted {
				t.Fatalf("the refused step changed the case: %s", s.c.Status)
			}
			b2 := newBrowser(t, base) // the officer looks at the case in another tab
			b2.signIn(lang, "sms.officer")
			b2.open("/cases/" + s.c.ID + "/files")
			b2.expect("main", "dogum-haqqinda-sehadetname.pdf")
			b.submit("main form button[type=submit]") // sent again as it was
			b.screenshot("sent")
			s.reload()
			if s.c.Status != ercms.StateInfoRequested {
				t.Fatalf("after seeing the file: %s", s.c.Status)
			}
		})
	}
}

// TestJourneyRecordAcknowledgement: for an application that came by
// e-mail, the central-authority officer records the date the
// acknowledgement of receipt was sent; an empty date is refused with a
// message in the officer's language; the case shows both dates.
func TestJourneyRecordAcknowledgement(t *testing.T) {
	for _, lang := range []string{"az", "fr"} {
		t.Run(lang, func(t *testing.T) {
			db, actors, base := journeyStore(t)
			ctx := context.Background()
			today := db.Today()
			n := ercms.NewCase{Type: ercms.TypeReadmission, RequestingReference: "BPOL-2026-0900", Procedure: ercms.ProcedureNormal,
				Category: ercms.CategoryOwnNational, Application: ercms.Application{
					Person:   ercms.Person{Surname: "Quliyev", GivenNames: "Elvin", DateOfBirth: ercms.PartialDate{Year: 1990}, PlaceOfBirth: "Gəncə", Nationality: "AZ"},
					Evidence: []ercms.Evidence{{Type: "national_passport", Number: "C11223344"}}}}
			c, err := db.ImportApplication(ctx, actors["sms.officer"], actors["de.officer"].Org.ID, today.AddDays(-3), n, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.AcknowledgedOn != nil {
				t.Fatalf("an e-mailed application acknowledged on %s before anyone sent it", c.AcknowledgedOn)
			}
			b := newBrowser(t, base)
			b.signIn(lang, "sms.officer")
			b.open("/cases/" + c.ID + "/act/record_acknowledgement")
			b.submit("main form button[type=submit]") // no date: errors
			if got, want := b.text(".error-summary"), i18n.Default().T(i18n.Lang(lang), "field.acknowledged_on.required"); !strings.Contains(got, want) {
				t.Fatalf("error summary %q, want %q", got, want)
			}
			b.screenshot("errors")
			sent := today.AddDays(-2)
			b.fillDate("#f-acknowledged_on", sent)
			b.submit("main form button[type=submit]")
			b.screenshot("recorded")
			b.expect("main", i18n.FormatDate(i18n.Lang(lang), sent))
			b.expect("main", i18n.FormatDate(i18n.Lang(lang), today.AddDays(-3)))
			got, err := db.FindCase(ctx, ercms.SystemActor(), c.ID)
			if err != nil || got.AcknowledgedOn == nil || *got.AcknowledgedOn != sent {
				t.Fatalf("acknowledged on %v (%v), want %s", got.AcknowledgedOn, err, sent)
			}
		})
	}
}

// TestUIStaleFormWhoseActionWentAway: an officer's form is refused as
// stale, and since a colleague's change took the action away (the case was
// registered meanwhile), the officer reads why instead of a form to send
// again; the case is as the colleague left it.
func TestUIStaleFormWhoseActionWentAway(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
	version := strconv.Itoa(s.c.Version)
	s.act("sms.supervisor", ercms.ActRegister, ercms.ActionInput{})
	o := newUIClient(t, base, "az")
	o.signIn("sms.officer")
	form := "/cases/" + s.c.ID + "/act/request_info"
	status, page := o.post(form, "/cases/"+s.c.ID+"/act/register", url.Values{"version": {version}})
	if status != http.StatusPreconditionFailed || !strings.Contains(page, i18n.Default().T(i18n.Lang("az"), "error.stale")) || strings.Contains(page, `name="version"`) {
		t.Fatalf("stale form of an action no longer offered: %d\n%s", status, page)
	}
	s.reload()
	if s.c.Status != ercms.StateRegistered {
		t.Fatalf("status %s", s.c.Status)
	}
}
