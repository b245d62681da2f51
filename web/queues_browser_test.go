package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// queueTexts are the words a journey through the queues reads, by language.
var queueTexts = map[string]struct {
	arrival, flight, medical, noNeeds, waiting, answer, notify, deemed string
}{
	"az": {"Gəliş", "Reys və ya nəqliyyat vasitəsi:", "Tibbi müşayiət", "Heç nə göstərilməyib", "Məndən gözlənilənlər",
		"Məlumat sorğusuna cavab verin", "Təsdiqlənib: səyahət sənədi tələb edin və ya təhvil barədə bildiriş göndərin", "Susmaqla təsdiq tarixi"},
	"fr": {"Arrivée", "Vol ou véhicule :", "Escorte médicale", "Aucun besoin déclaré", "En attente de moi",
		"Répondre à la demande d’informations", "Approuvée : demander un document de voyage ou notifier le transfert", "Approbation tacite après le"},
}

// queueHeads returns the column headings of the queue on the page (read
// aloud; a narrow screen shows them beside each value).
func queueHeads(b *browser) string {
	b.t.Helper()
	return value(b, "queue headings", chromedp.Evaluate[string](`document.querySelector('#table-queue thead').textContent`))
}

// queueRows returns the text of each row of the queue on the page.
func queueRows(b *browser) []string {
	b.t.Helper()
	return value(b, "queue rows", chromedp.Evaluate[[]string](`[...document.querySelectorAll('#table-queue tbody tr')].map(r => r.innerText)`))
}

// fitsPhone fails the test when the page is wider than a 390 px phone.
func fitsPhone(b *browser, what string) {
	b.t.Helper()
	if w := value(b, "scroll width", chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > 390 {
		b.t.Errorf("%s: the page is %v px wide on a 390 px screen", what, w)
	}
}

// rowIndex returns the index of the row naming ref, or -1.
func rowIndex(rows []string, ref string) int {
	for i, r := range rows {
		if strings.Contains(r, ref) {
			return i
		}
	}
	return -1
}

// TestJourneyQueuesOnPhone walks the queues of the border post, the
// requesting officer and the central authority's supervisor on a 390 px
// screen: the arrivals in order of arrival with flight, persons, escorts and
// care needs; the requesting officer's cases that wait for them, saying what
// is awaited; the proposals to sign off by the date of deemed approval. No
// queue makes the page scroll sideways.
func TestJourneyQueuesOnPhone(t *testing.T) {
	for _, lang := range []string{"az", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := queueTexts[lang]
			l, _ := i18n.Parse(lang)
			db, actors, base := journeyStore(t)
			ref := func(r string) func(*ercms.NewCase) { return func(n *ercms.NewCase) { n.RequestingReference = r } }
			berlin := orgByType(t, db, "Embassy of the Republic of Azerbaijan in Berlin – consular section")
			transfer := func(r string, days int, tr ercms.Transfer) *caseSetup {
				s := newCaseWith(t, db, actors, ref(r)).approved().act("de.officer", ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin})
				valid := s.c.ReceivedOn.AddDays(28)
				s.act("mfa.consul.berlin", ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "AZ-TD-" + r, ValidUntil: &valid})
				tr.Date, tr.CrossingPoint = s.c.ReceivedOn.AddDays(days), "GYD"
				return s.act("de.officer", ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: &tr})
			}
			// The earlier arrival is notified first: newest first would list it last.
			early := transfer("BPOL-EARLY", 7, ercms.Transfer{Time: "06:05", Flight: "J2 8012", Escorts: 1, MedicalEscort: true})
			late := transfer("BPOL-LATE", 12, ercms.Transfer{Time: "10:40", Flight: "LH 1234", Escorts: 2})
			late.act("sms.officer", ercms.ActConfirmTransfer, ercms.ActionInput{})

			asked := newCaseWith(t, db, actors, ref("BPOL-ASKED")).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).
				act("sms.officer", ercms.ActRegister, ercms.ActionInput{}).
				act("sms.officer", ercms.ActRequestInfo, ercms.ActionInput{Question: "Which school did the person attend?"})
			approved := newCaseWith(t, db, actors, ref("BPOL-APPROVED")).approved()
			pending := newCaseWith(t, db, actors, ref("BPOL-PENDING")).act("de.officer", ercms.ActSubmit, ercms.ActionInput{})

			propose := func(r string, extend int) *caseSetup {
				s := newCaseWith(t, db, actors, ref(r)).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
				if extend > 0 {
					s.act("sms.supervisor", ercms.ActExtendReply, ercms.ActionInput{Days: extend, Justification: "The records are archived."})
				}
				none := []string{}
				return s.act("sms.officer", ercms.ActApprove, ercms.ActionInput{FamilyCovered: &none})
			}
			// The nearest deemed approval is proposed first.
			soon := propose("BPOL-SOON", 0)
			later := propose("BPOL-LATER", 6)

			t.Run("border", func(t *testing.T) {
				b := newBrowser(t, base)
				b.run("phone", chromedp.EmulateViewport(390, 844))
				b.signIn(lang, "border.officer")
				rows := queueRows(b)
				i, j := rowIndex(rows, early.c.Reference), rowIndex(rows, late.c.Reference)
				if i < 0 || j < 0 || i > j {
					t.Fatalf("arrivals %q: want %s before %s", rows, early.c.Reference, late.c.Reference)
				}
				if h := queueHeads(b); !strings.Contains(h, words.arrival) {
					t.Errorf("the arrivals' headings %q lack %q", h, words.arrival)
				}
				for _, want := range []string{i18n.FormatDate(l, early.c.Transfer.Date), "06:05", "GYD", words.flight + " J2 8012", words.medical} {
					if !strings.Contains(rows[i], want) {
						t.Errorf("the early arrival reads %q, without %q", rows[i], want)
					}
				}
				for _, want := range []string{"10:40", "LH 1234", words.noNeeds} {
					if !strings.Contains(rows[j], want) {
						t.Errorf("the late arrival reads %q, without %q", rows[j], want)
					}
				}
				fitsPhone(b, "arrivals")
				b.screenshot("arrivals")
			})

			t.Run("requesting", func(t *testing.T) {
				b := newBrowser(t, base)
				b.run("phone", chromedp.EmulateViewport(390, 844))
				b.signIn(lang, "de.officer")
				b.expect(".tabs a[aria-current=page]", words.waiting)
				rows := queueRows(b)
				if i := rowIndex(rows, asked.c.Reference); i < 0 || !strings.Contains(rows[i], words.answer) {
					t.Errorf("waiting for me %q: no %s saying %q", rows, asked.c.Reference, words.answer)
				}
				if i := rowIndex(rows, approved.c.Reference); i < 0 || !strings.Contains(rows[i], words.notify) {
					t.Errorf("waiting for me %q: no %s saying %q", rows, approved.c.Reference, words.notify)
				}
				if rowIndex(rows, pending.c.Reference) >= 0 || rowIndex(rows, early.c.Reference) >= 0 {
					t.Errorf("waiting for me %q lists cases that wait for the requested state", rows)
				}
				fitsPhone(b, "waiting for me")
				b.screenshot("waiting")
				b.open("/?queue=awaiting_reply")
				if rows := queueRows(b); rowIndex(rows, pending.c.Reference) < 0 {
					t.Errorf("awaiting reply %q: no %s", rows, pending.c.Reference)
				}
				fitsPhone(b, "awaiting reply")
				b.open("/cases")
				fitsPhone(b, "cases")
			})

			t.Run("supervisor", func(t *testing.T) {
				b := newBrowser(t, base)
				b.run("phone", chromedp.EmulateViewport(390, 844))
				b.signIn(lang, "sms.supervisor")
				rows := queueRows(b)
				i, j := rowIndex(rows, soon.c.Reference), rowIndex(rows, later.c.Reference)
				if i < 0 || j < 0 || i > j {
					t.Fatalf("sign-offs %q: want %s before %s", rows, soon.c.Reference, later.c.Reference)
				}
				if h := queueHeads(b); !strings.Contains(h, words.deemed) {
					t.Errorf("the sign-offs' headings %q lack %q", h, words.deemed)
				}
				for k, s := range map[int]*caseSetup{i: soon, j: later} {
					due := i18n.FormatDate(l, *s.c.Deadline(ercms.ClockReply).DueOn)
					if !strings.Contains(rows[k], due) {
						t.Errorf("sign-off %q: without the date of deemed approval %s", rows[k], due)
					}
				}
				fitsPhone(b, "sign-offs")
				b.screenshot("sign-off")
				for _, q := range []string{"to_register", "verification", "transfers", "after_decision"} {
					b.open("/?queue=" + q)
					fitsPhone(b, q)
				}
			})
		})
	}
}
