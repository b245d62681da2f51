package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/sqldb"
)

// TestWordsProfileLanguages: the administrator reads an implementing
// protocol's languages of communication as language names in the page's
// language, not as codes.
func TestWordsProfileLanguages(t *testing.T) {
	_, _, base := journeyStore(t)
	override := regexp.MustCompile(`<span class="override-languages">([^<]*)</span>`)
	for lang, want := range map[string]string{
		"en": "German, English",
		"fr": "allemand, anglais",
		"az": "alman, ingilis",
		"ru": "немецкий, английский",
	} {
		a := newUIClient(t, base, lang)
		a.signIn("admin")
		status, page := a.get("/admin/profiles")
		var got []string
		for _, m := range override.FindAllStringSubmatch(page, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		if status != 200 || len(got) == 0 {
			t.Fatalf("%s: /admin/profiles %d shows no override's languages", lang, status)
		}
		for _, g := range got {
			if regexp.MustCompile(`\b[a-z]{2}\b`).MatchString(g) {
				t.Errorf("%s: languages read as codes: %q", lang, g)
			}
		}
		if !strings.Contains(strings.Join(got, "|"), want) {
			t.Errorf("%s: the German protocol's languages are not %q: %q", lang, want, got)
		}
	}
}

// TestQueueArrivalTimeZone: the border officer's arrivals and the case's
// transfer details say in which time zone a transfer's arrival time is,
// in the reader's language.
func TestQueueArrivalTimeZone(t *testing.T) {
	db, actors, base := journeyStore(t)
	berlin := orgByType(t, db, "Embassy of the Republic of Azerbaijan in Berlin – consular section")
	s := newCaseWith(t, db, actors, func(n *ercms.NewCase) { n.RequestingReference = "BPOL-ZONE" }).approved().
		act("de.officer", ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin})
	valid := s.c.ReceivedOn.AddDays(28)
	s.act("mfa.consul.berlin", ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "AZ-TD-ZONE", ValidUntil: &valid})
	s.act("de.officer", ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &ercms.Transfer{
		Date: s.c.ReceivedOn.AddDays(7), Time: "06:05", CrossingPoint: "GYD", Flight: "J2 8012", Escorts: 1}})
	for lang, want := range map[string]string{
		"en": "06:05 Baku time",
		"fr": "06:05 (heure de Bakou)",
		"az": "06:05 (Bakı vaxtı ilə)",
		"ru": "06:05 (по бакинскому времени)",
	} {
		border := newUIClient(t, base, lang)
		border.signIn("border.officer")
		status, home := border.get("/")
		if status != 200 || !strings.Contains(home, s.c.Reference) || !strings.Contains(html.UnescapeString(home), want) {
			t.Errorf("%s: the arrivals (%d) do not say %q", lang, status, want)
		}
		for _, user := range []string{"border.officer", "de.officer", "sms.officer"} {
			u := border
			if user != "border.officer" {
				u = newUIClient(t, base, lang)
				u.signIn(user)
			}
			status, page := u.get("/cases/" + s.c.ID + "/transfer")
			if status != 200 || !strings.Contains(html.UnescapeString(page), want) {
				t.Errorf("%s: %s reads the transfer (%d) without %q", lang, user, status, want)
			}
		}
		status, doc := border.get("/cases/" + s.c.ID + "/documents/transfer_notice")
		text, err := pdf.Text([]byte(doc))
		squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if status != 200 || err != nil || !strings.Contains(squeeze(text), squeeze(want)) {
			t.Errorf("%s: the transfer notice (%d, %v) does not say %q", lang, status, err, want)
		}
	}
}

// TestQueueTransitTimeZone: an approved transit's time says its time
// zone on the border's arrivals, the case's transit details and the
// approval's note in the case history.
func TestQueueTransitTimeZone(t *testing.T) {
	db, actors, base := journeyStore(t)
	transit := newCaseWith(t, db, actors, func(n *ercms.NewCase) {
		n.Type, n.Procedure, n.Category, n.Evidence = ercms.TypeTransit, "", "", nil
		n.Transit = &ercms.Transit{Itinerary: "FRA–GYD–TAS", FinalDestination: "UZ", EntryPoint: "GYD", TransitOn: db.Today().AddDays(10), Escorts: 2}
	})
	transit.act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
	transit.act("sms.officer", ercms.ActApproveTransit, ercms.ActionInput{EntryPoint: "GYD", Time: "06:00"})
	want := "06:00 (heure de Bakou)"
	border := newUIClient(t, base, "fr")
	border.signIn("border.officer")
	for _, p := range []string{"/", "/cases/" + transit.c.ID + "/transfer", "/cases/" + transit.c.ID + "/history"} {
		if status, page := border.get(p); status != 200 || !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("%s (%d) does not say %q", p, status, want)
		}
	}
}

// TestNotifyProposalReturnedPage: in French and Azerbaijani the officer
// reads that the supervisor returned the proposal and that the comment is
// on the case, follows it to the case, and the notice is no longer new.
func TestNotifyProposalReturnedPage(t *testing.T) {
	db, actors, base := journeyStore(t)
	cat := i18n.Default()
	none := []string{}
	s := newCaseWith(t, db, actors, func(n *ercms.NewCase) { n.RequestingReference = "BPOL-BACK" }).
		act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{}).
		act("sms.officer", ercms.ActApprove, ercms.ActionInput{FamilyCovered: &none}).
		act("sms.supervisor", ercms.ActReturnProposal, ercms.ActionInput{Comment: "Check the birth record first."})
	for i, lang := range []string{"fr", "az"} {
		l := i18n.Lang(lang)
		u := newUIClient(t, base, lang)
		u.signIn("sms.officer")
		status, page := u.get("/notifications")
		page = html.UnescapeString(page)
		for _, want := range []string{cat.T(l, "notify.proposal_returned"), cat.T(l, "notify.text.proposal_returned.approve"), s.c.Reference} {
			if status != 200 || !strings.Contains(page, want) {
				t.Errorf("%s: the notifications (%d) do not say %q", lang, status, want)
			}
		}
		if i == 0 {
			if status, _ := u.get("/cases/" + s.c.ID); status != 200 {
				t.Fatalf("open the case: %d", status)
			}
			if n, _ := db.UnreadNotifications(context.Background(), actors["sms.officer"]); n != 0 {
				t.Errorf("after opening the case, %d notices are still new", n)
			}
		}
	}
}

// TestApplicationRemoveFile: on the files step of a draft, the requesting
// officer removes a photo attached by mistake with the button beside it
// and reads, in French, that it was removed; odd ids are no server
// error; once the application is submitted the files stay.
func TestApplicationRemoveFile(t *testing.T) {
	db, actors, base := journeyStore(t)
	ctx := context.Background()
	de := actors["de.officer"]
	c, _, err := db.CreateCase(ctx, de, sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	photo, _, err := db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachPhoto, Name: "wrong-person.jpg", Kind: "jpeg", MIME: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0 photo")})
	if err != nil {
		t.Fatal(err)
	}
	kept, _, err := db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachFingerprints, Name: "prints.pdf", Kind: "pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF\n")})
	if err != nil {
		t.Fatal(err)
	}
	cat := i18n.Default()
	u := newUIClient(t, base, "fr")
	u.signIn("de.officer")
	files := "/cases/" + c.ID + "/application/files"
	status, page := u.get(files)
	if status != 200 || !strings.Contains(page, `name="remove_file" value="`+photo.ID+`"`) || !strings.Contains(page, cat.T(i18n.FR, "common.remove")) {
		t.Fatalf("the files step (%d) has no remove button for the photo", status)
	}
	for _, odd := range []string{"%' OR 1=1", strings.Repeat("ə", 1000), "12345"} {
		if status, _ := u.post(files, files, url.Values{"remove_file": {odd}}); status >= 500 || status == 200 {
			t.Errorf("removing file %.20q: %d, want a refusal", odd, status)
		}
	}
	cur, _ := db.FindCase(ctx, de, c.ID)
	status, page = u.post(files, files, url.Values{"remove_file": {photo.ID}, "version": {strconv.Itoa(cur.Version)}})
	want := cat.T(i18n.FR, "rest14.files.removed", "name", "wrong-person.jpg")
	if status != 200 || !strings.Contains(html.UnescapeString(page), want) || strings.Contains(page, `value="`+photo.ID+`"`) || !strings.Contains(page, "prints.pdf") {
		t.Errorf("after removing the photo (%d): want %q, the photo gone and the fingerprints kept", status, want)
	}
	cur, _ = db.FindCase(ctx, de, c.ID)
	if _, err := db.Act(ctx, de, c.ID, ercms.ActSubmit, cur.Version, ercms.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	if status, _ := u.post("/cases/"+c.ID, files, url.Values{"remove_file": {kept.ID}}); status >= 500 {
		t.Errorf("removing a file of a submitted application: %d", status)
	}
	if list, _ := db.Attachments(ctx, de, c.ID); len(list) != 1 || list[0].ID != kept.ID {
		t.Errorf("the submitted application's files are %+v, want the fingerprints kept", list)
	}
}
