package pdf_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/pdf"
)

func day(s string) *civil.Date { d := civil.MustParse(s); return &d }

func sampleCase() *ercms.Case {
	received := day("2026-04-13")
	return &ercms.Case{
		ID: "c1", Reference: "AZ-DE-2026-00042", Type: ercms.TypeReadmission, Status: ercms.StateTravelDocumentIssued,
		RequestedState: "AZ", RequestingState: "DE", RequestingOrgID: "org-de", RequestingReference: "BPOL-2026-0417",
		Procedure: ercms.ProcedureNormal, Category: ercms.CategoryOwnNational, ReceivedOn: received,
		Application: ercms.Application{
			Person: ercms.Person{Surname: "Məmmədov", GivenNames: "Əli Hüseyn oğlu", Sex: "M", DateOfBirth: ercms.PartialDate{Year: 1991, Month: 5},
				OriginalScript: &ercms.Name{Surname: "Мамедов", GivenNames: "Али", Script: "Cyrl"}, PlaceOfBirth: "Şəki", Nationality: "AZ",
				FatherName: "Hüseyn", DocumentNumbers: []string{"C01234567"}},
			Family:       []ercms.FamilyMember{{ID: "f1", Relationship: "spouse", Surname: "Məmmədova", GivenNames: "Aysel", DateOfBirth: ercms.PartialDate{Year: 1993}}},
			Evidence:     []ercms.Evidence{{ID: "e1", Type: "national_passport", Strength: ercms.StrengthProof, Number: "C01234567", ExpiresOn: day("2024-02-01")}},
			Observations: "Говорит по-русски и по-азербайджански.",
		},
		Decision:       &ercms.Decision{Outcome: "approve", FamilyCovered: []string{"f1"}, DecidedOn: day("2026-04-28")},
		TravelDocument: &ercms.TravelDocument{Kind: "national", Number: "RC-0042", IssuedOn: day("2026-06-03"), ValidUntil: day("2026-07-03"), MissionID: "mission"},
		Transfer:       &ercms.Transfer{Date: *day("2026-06-17"), Time: "09:40", CrossingPoint: "GYD", Flight: "J2 8012", Escorts: 2, EscortNames: []string{"PK Weiß"}, NotifiedOn: *day("2026-06-10")},
	}
}

func options(l i18n.Lang) pdf.Options {
	return pdf.Options{Lang: l, Now: time.Date(2026, 6, 3, 8, 0, 0, 0, time.UTC),
		Org: func(id string) string {
			return map[string]string{"org-de": "Bundespolizeipräsidium", "mission": "Посольство Азербайджана в Берлине"}[id]
		}}
}

func text(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", b)
	}
	s, err := pdf.Text(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// has checks that the extracted text holds each want (spaces ignored: a
// PDF's text comes in positioned runs).
func has(t *testing.T, what, got string, want ...string) {
	t.Helper()
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	g := squeeze(got)
	for _, w := range want {
		if !strings.Contains(g, squeeze(w)) {
			t.Errorf("%s lacks %q; text:\n%s", what, w, got)
		}
	}
}

func TestDocumentsPrintAzerbaijaniAndCyrillic(t *testing.T) {
	c := sampleCase()
	for _, tc := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.AZ, []string{"Readmissiya müraciəti", "MƏMMƏDOV", "Əli Hüseyn oğlu", "Мамедов Али", "Şəki", "MƏMMƏDOVA", "Говорит по-русски"}},
		{i18n.RU, []string{"Заявление о реадмиссии", "MƏMMƏDOV", "Мамедов Али", "Bundespolizeipräsidium"}},
		{i18n.FR, []string{"Demande de réadmission", "MƏMMƏDOV", "État requis"}},
		{i18n.EN, []string{"Readmission application", "AZ-DE-2026-00042", "BPOL-2026-0417", "C01234567"}},
	} {
		b, err := pdf.Application(c, options(tc.lang))
		if err != nil {
			t.Fatal(err)
		}
		has(t, "application in "+string(tc.lang), text(t, b), tc.want...)
		if !bytes.Contains(b, []byte("/FontFile2")) {
			t.Errorf("%s: no embedded TrueType font", tc.lang)
		}
	}
}

func TestReplyTransferAndTransit(t *testing.T) {
	c := sampleCase()
	b, err := pdf.Reply(c, options(i18n.RU))
	if err != nil {
		t.Fatal(err)
	}
	has(t, "reply", text(t, b), "Ответ на заявление о реадмиссии", "MƏMMƏDOV", "MƏMMƏDOVA")

	refused := sampleCase()
	refused.Decision = &ercms.Decision{Outcome: "refuse", Reasons: []string{"airside_transit_only"}, Text: "Только транзитная зона аэропорта.", DecidedOn: day("2026-04-28")}
	b, err = pdf.Reply(refused, options(i18n.EN))
	if err != nil {
		t.Fatal(err)
	}
	has(t, "refusal", text(t, b), "Только транзитная зона аэропорта.")

	b, err = pdf.TransferNotice(c, options(i18n.AZ))
	if err != nil {
		t.Fatal(err)
	}
	has(t, "transfer notice", text(t, b), "Təhvil barədə bildiriş", "J2 8012", "PK Weiß", "GYD")

	tr := sampleCase()
	tr.Type, tr.Status = ercms.TypeTransit, ercms.StateTransitRefused
	tr.Transit = &ercms.Transit{Itinerary: "VIE–GYD–TAS", EntryPoint: "GYD", TransitOn: *day("2026-05-02")}
	tr.Decision = &ercms.Decision{Outcome: "refuse", Reasons: []string{"onward_admission_not_assured"}, DecidedOn: day("2026-04-30")}
	b, err = pdf.TransitReply(tr, options(i18n.FR))
	if err != nil {
		t.Fatal(err)
	}
	has(t, "transit reply", text(t, b), "Réponse à la demande de transit", "VIE–GYD–TAS")
	if _, err := pdf.TransitReply(c, options(i18n.EN)); err == nil {
		t.Error("a transit reply for a readmission case")
	}
}

func photo(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for x := range 60 {
		for y := range 80 {
			img.Set(x, y, color.RGBA{uint8(x * 4), 120, uint8(y * 3), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTravelDocumentAndDossier(t *testing.T) {
	c := sampleCase()
	qr := "https://ercms.example.az/verify?t=eyJ2IjoxfQ.c2ln"
	b, err := pdf.TravelDocument(c, photo(t), pdf.TravelDocumentSeal{Link: qr, MRZ: pdf.MRZ(c)}, options(i18n.AZ))
	if err != nil {
		t.Fatal(err)
	}
	has(t, "travel document", text(t, b), "Təcili yol sənədi", "RC-0042", "MƏMMƏDOV", "Посольство Азербайджана в Берлине", qr)
	if !bytes.Contains(b, []byte("/Image")) {
		t.Error("the travel document has no image (photo and QR code)")
	}
	if _, err := pdf.TravelDocument(c, []byte("not an image"), pdf.TravelDocumentSeal{Link: qr}, options(i18n.AZ)); err == nil {
		t.Error("a broken photo was accepted")
	}

	app, _ := pdf.Application(c, options(i18n.EN))
	reply, _ := pdf.Reply(c, options(i18n.EN))
	d, err := pdf.Dossier([][]byte{app, reply, b}, [][]byte{photo(t)}, options(i18n.EN))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, part := range [][]byte{app, reply, b} {
		n, err := pdf.Pages(part)
		if err != nil {
			t.Fatal(err)
		}
		want += n
	}
	if n, err := pdf.Pages(d); err != nil || n != want+1 {
		t.Errorf("dossier has %d pages (%v), want %d", n, err, want+1)
	}
	has(t, "dossier", text(t, d), "Readmission application", "RC-0042")
}

// TestApplicationFormRoundTrip fills our blank form as a member state's
// officer would in a PDF reader, then reads it back.
func TestApplicationFormRoundTrip(t *testing.T) {
	blank, err := pdf.ApplicationForm(nil, options(i18n.RU))
	if err != nil {
		t.Fatal(err)
	}
	has(t, "blank form", text(t, blank), "Заявление о реадмиссии")
	if n, err := pdf.ReadApplicationForm(blank); err != nil || n.Person.Surname != "" {
		t.Fatalf("blank form read as %+v: %v", n, err)
	}
	// A form as a member state's officer fills it in a PDF reader.
	filled, err := pdf.ApplicationForm(map[string]string{
		"requesting_reference": "BPOL-2026-1234", "procedure": "normal", "category": "own_national",
		"person.surname": "Məmmədov", "person.given_names": "Əli", "person.original_script.surname": "Мамедов",
		"person.sex": "m", "person.date_of_birth": "1990-04", "person.nationality": "az",
		"evidence.0.type": "national_passport", "evidence.0.document_number": "C01234567", "observations": "Говорит по-азербайджански.",
	}, options(i18n.AZ))
	if err != nil {
		t.Fatal(err)
	}
	n, err := pdf.ReadApplicationForm(filled)
	if err != nil {
		t.Fatal(err)
	}
	if n.RequestingReference != "BPOL-2026-1234" || n.Person.Surname != "Məmmədov" || n.Person.OriginalScript == nil || n.Person.OriginalScript.Surname != "Мамедов" ||
		n.Person.Sex != "M" || n.Person.DateOfBirth.String() != "1990-04" || n.Person.Nationality != "AZ" || len(n.Evidence) != 1 ||
		n.Evidence[0].Type != "national_passport" || n.Observations != "Говорит по-азербайджански." || n.Category != ercms.CategoryOwnNational {
		t.Errorf("read back %+v", n)
	}
	bad, _ := pdf.ApplicationForm(map[string]string{"person.surname": "X", "person.date_of_birth": "1990-13-45"}, options(i18n.EN))
	if _, err := pdf.ReadApplicationForm(bad); err == nil || !strings.Contains(err.Error(), "person.date_of_birth") {
		t.Errorf("a bad date of birth: %v", err)
	}
	if _, err := pdf.ReadApplicationForm([]byte("%PDF-1.4\n%%EOF\n")); err == nil {
		t.Error("a PDF that is not our form was read")
	}
	app, _ := pdf.Application(sampleCase(), options(i18n.EN))
	if _, err := pdf.ReadApplicationForm(app); err == nil {
		t.Error("a printed application (no form fields) was read as a form")
	}
}

// TestDocumentsWriteSurnamesInCapitalsAndSexInWords: a document prints the
// surname in capitals by the rules of the name's own alphabet, whatever its
// language (KONAN on a Côte d'Ivoire document, RƏHİMOV even in English,
// GIORGADZE even in Azerbaijani), and the sex as a word.
func TestDocumentsWriteSurnamesInCapitalsAndSexInWords(t *testing.T) {
	for _, tc := range []struct {
		lang                 i18n.Lang
		surname, nationality string
		sex                  string
		want                 []string
	}{
		{i18n.FR, "Konan", "CI", "M", []string{"KONAN", "Masculin"}},
		{i18n.EN, "Konan", "CI", "F", []string{"KONAN", "Female"}},
		{i18n.EN, "Rəhimov", "AZ", "M", []string{"RƏHİMOV", "Male"}},
		{i18n.AZ, "Giorgadze", "GE", "M", []string{"GIORGADZE", "Kişi"}},
		{i18n.RU, "Ghasemi", "IR", "F", []string{"GHASEMI", "Женский"}},
	} {
		c := sampleCase()
		c.Person.Surname, c.Person.Nationality, c.Person.Sex = tc.surname, tc.nationality, tc.sex
		c.Family[0].Surname, c.Family[0].Nationality = tc.surname, tc.nationality
		b, err := pdf.Application(c, options(tc.lang))
		if err != nil {
			t.Fatal(err)
		}
		got := text(t, b)
		has(t, tc.surname+" in "+string(tc.lang), got, tc.want...)
		for _, wrong := range []string{"GİORGADZE", "GHASEMİ", "RƏHIMOV"} {
			if strings.Contains(got, wrong) {
				t.Errorf("%s in %s: %q printed", tc.surname, tc.lang, wrong)
			}
		}
		b, err = pdf.Reply(c, options(tc.lang))
		if err != nil {
			t.Fatal(err)
		}
		has(t, "reply for "+tc.surname+" in "+string(tc.lang), text(t, b), tc.want[0])
	}
}
