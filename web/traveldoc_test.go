package web_test

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/mrz"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/seal"
	"github.com/ercms/ercms/sqldb"
	"github.com/ercms/ercms/web"
)

// TestVerifyTravelDocumentSealAndLink: the consul prints the travel
// document; the short link of its QR code says valid on the public page;
// the seal's bytes (hex or base64, as a DataMatrix reader gives them) verify
// on the page and the API with the published certificates; a changed byte,
// another deployment's seal and junk are told apart in the reader's
// language; after a renewal the old link and seal say replaced.
func TestVerifyTravelDocumentSealAndLink(t *testing.T) {
	db, act, base, keys, c := issuedTravelDocument(t)
	ctx := context.Background()
	berlin := act["mfa.consul.berlin"]
	valid := *c.TravelDocument.ValidUntil
	var err error
	m := newUIClient(t, base, "fr")
	m.signIn("mfa.consul.berlin")
	status, doc := m.get("/cases/" + c.ID + "/documents/travel_document")
	if status != 200 {
		t.Fatalf("travel document: %d", status)
	}
	text, err := pdf.Text([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	squeezed := strings.Join(strings.Fields(text), "")
	link := regexp.MustCompile(`/verify\?d=[0-9a-f-]{36}`).FindString(squeezed)
	if link == "" {
		t.Fatalf("no short verification link on the document:\n%s", text)
	}
	// The document is in French, with the agreement and the issuing officer named.
	for _, want := range []string{"Titredevoyaged'urgence", "Agentayantdélivréledocument", "RC-0077"} {
		if !strings.Contains(squeezed, want) {
			t.Errorf("the French document lacks %q:\n%s", want, text)
		}
	}

	// The mission chooses the document's language, whatever its own.
	if _, page := m.get("/cases/" + c.ID); !strings.Contains(page, "/documents/travel_document?lang=az") {
		t.Errorf("no choice of the document's language on the case page")
	}
	if status, doc := m.get("/cases/" + c.ID + "/documents/travel_document?lang=az"); status != 200 {
		t.Errorf("travel document in Azerbaijani: %d", status)
	} else if text, err := pdf.Text([]byte(doc)); err != nil || !strings.Contains(strings.Join(strings.Fields(text), ""), "Təciliyolsənədi") || strings.Contains(text, "Titre de voyage") {
		t.Errorf("the document in Azerbaijani (%v):\n%s", err, text)
	}

	anon := newUIClient(t, base, "fr")
	if _, page := anon.get(link); !strings.Contains(page, "Valide : ce document a été délivré ici") || !strings.Contains(page, "RC-0077") {
		t.Errorf("the short link's page:\n%s", page)
	}
	// A link typed wrong, or nonsense, answers in words, not 5xx.
	for _, q := range []string{"d=0193f1c2-0000-7000-8000-000000000000", "d=" + strings.Repeat("%E2%82%AC", 300), "t=%25%25", "d=%FF%FE%00", "t=https://x/verify?d=%FF", "t=" + strings.Repeat("ə", 1000), "t=DC03"} {
		status, page := anon.get("/verify?" + q)
		if status != 200 || strings.Contains(page, "Valide :") {
			t.Errorf("/verify?%.40s: %d\n%.400s", q, status, page)
		}
	}

	// The seal the DataMatrix carries (made as the document makes it).
	c, err = db.FindCase(ctx, berlin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	lines := pdf.MRZ(c)
	if !mrz.Valid(lines[1]) {
		t.Fatalf("MRZ %q", lines)
	}
	issued := c.TravelDocument.IssuedOn
	vds, err := keys.SealVDS(seal.SealData{IssuingState: "AZ", Country: "AZE", IssuedOn: time.Date(issued.Year, issued.Month, issued.Day, 0, 0, 0, 0, time.UTC), MRZ: lines[:]})
	if err != nil {
		t.Fatal(err)
	}
	_, page := anon.get("/verify?t=" + hex.EncodeToString(vds))
	if !strings.Contains(page, "Valide : la signature") || !strings.Contains(page, html.EscapeString(lines[1])) || !strings.Contains(page, "Cachet électronique visible") {
		t.Errorf("the seal in hex:\n%s", page)
	}
	// A file saved by a seal reader, uploaded raw; and a file of nonsense.
	for content, want := range map[string]string{string(vds): "Valide : la signature", strings.Repeat("€%<script>", 200): "Non valide."} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("seal", "seal.bin")
		fw.Write([]byte(content))
		mw.Close()
		req, _ := http.NewRequest("POST", base+"/verify", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		status, page := anon.do(req)
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("upload %.20q: %d, want %q\n%.3000s", content, status, want, page)
		}
	}
	bad := append([]byte(nil), vds...)
	bad[len(bad)-70] ^= 0x04
	if _, page := anon.get("/verify?t=" + url.QueryEscape(base64.StdEncoding.EncodeToString(bad))); !strings.Contains(page, "La signature ne correspond pas") {
		t.Errorf("a changed byte of the seal:\n%s", page)
	}
	other, _ := seal.OpenKeyring(t.TempDir(), db.Now, crand.Reader)
	foreign, _ := other.SealVDS(seal.SealData{IssuingState: "AZ", Country: "AZE", IssuedOn: time.Now(), MRZ: lines[:]})
	ru := newUIClient(t, base, "ru")
	if _, page := ru.get("/verify?t=" + hex.EncodeToString(foreign)); strings.Contains(page, "Действителен:") || !strings.Contains(page, "Подписан ключом, неизвестным этой системе") {
		t.Errorf("another deployment's seal:\n%s", page)
	}

	// The API and the certificates a border reader loads.
	r := newAPIRequest(t, base, "GET", "/api/v1/certificates")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	pemBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	certs, err := seal.ParseCertificates(pemBody)
	if resp.StatusCode != 200 || err != nil || len(certs) != 2 {
		t.Fatalf("certificates: %d, %d, %v", resp.StatusCode, len(certs), err)
	}
	if _, err := seal.VerifyVDS(vds, certs); err != nil {
		t.Errorf("the downloaded certificates do not verify the seal: %v", err)
	}
	// The public keys' file carries the certificates too.
	kr, err := http.Get(base + "/api/v1/keys")
	if err != nil {
		t.Fatal(err)
	}
	keysJSON, _ := io.ReadAll(kr.Body)
	kr.Body.Close()
	if fromKeys, err := seal.ParsePublicCertificates(keysJSON); err != nil || len(fromKeys) != 2 {
		t.Errorf("the public keys carry %d certificates (%v)", len(fromKeys), err)
	}
	var v web.Verification
	getJSON(t, base+"/api/v1/verify?t="+base64.RawURLEncoding.EncodeToString(vds), &v)
	if !v.Valid || v.Seal == nil || v.Document == nil || v.Document.Number != "RC-0077" {
		t.Errorf("API verification of the seal: %+v", v)
	}
	getJSON(t, base+"/api/v1/verify?t="+url.QueryEscape(base+link), &v)
	if !v.Valid || v.Document == nil {
		t.Errorf("API verification of the link: %+v", v)
	}

	// A renewal replaces the document: its old link and seal say so.
	later := valid.AddDays(3)
	if c, err = db.Act(ctx, berlin, c.ID, ercms.ActRenewTravelDocument, c.Version, ercms.ActionInput{ValidUntil: &later}); err != nil {
		t.Fatal(err)
	}
	getJSON(t, base+"/api/v1/verify?d="+strings.TrimPrefix(link, "/verify?d="), &v)
	if v.Valid || v.Reason != "replaced" {
		t.Errorf("the old link after a renewal: %+v", v)
	}
	getJSON(t, base+"/api/v1/verify?t="+hex.EncodeToString(vds), &v)
	if v.Valid || v.Reason != "replaced" {
		t.Errorf("the old seal after a renewal: %+v", v)
	}
}

// issuedTravelDocument serves the demo with a signing keyring and a case
// of Germany whose travel document RC-0077 the Berlin mission issued.
func issuedTravelDocument(t *testing.T) (*sqldb.DB, map[string]ercms.Actor, string, *seal.Keyring, *ercms.Case) {
	t.Helper()
	db, act, base := journeyStore(t)
	keys, err := seal.OpenKeyring(t.TempDir(), db.Now, crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	db.Signer = keys
	ctx := context.Background()
	de, sms, sup, berlin := act["de.officer"], act["sms.officer"], act["sms.supervisor"], act["mfa.consul.berlin"]
	c, _, err := db.CreateCase(ctx, de, sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	valid := db.Today().AddDays(25)
	for _, s := range []struct {
		a      ercms.Actor
		action string
		in     ercms.ActionInput
	}{
		{de, ercms.ActSubmit, ercms.ActionInput{}}, {sms, ercms.ActRegister, ercms.ActionInput{}},
		{sms, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}}}, {sup, ercms.ActSignOff, ercms.ActionInput{}},
		{de, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin.Org.ID}},
		{berlin, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-0077", ValidUntil: &valid}},
	} {
		if c, err = db.Act(ctx, s.a, c.ID, s.action, c.Version, s.in); err != nil {
			t.Fatalf("%s: %v", s.action, err)
		}
	}
	return db, act, base, keys, c
}

// sealOf makes the seal the DataMatrix of c's travel document carries.
func sealOf(t *testing.T, keys *seal.Keyring, c *ercms.Case) []byte {
	t.Helper()
	lines := pdf.MRZ(c)
	issued := c.TravelDocument.IssuedOn
	vds, err := keys.SealVDS(seal.SealData{IssuingState: "AZ", Country: "AZE", IssuedOn: time.Date(issued.Year, issued.Month, issued.Day, 0, 0, 0, 0, time.UTC), MRZ: lines[:]})
	if err != nil {
		t.Fatal(err)
	}
	return vds
}

// TestJourneyBorderVerifiesSeal: at a border post, without signing in, an
// officer switches the verification page to Russian, pastes the seal a
// DataMatrix reader gave (hex) and reads that it is valid, with its MRZ;
// a changed byte reads as altered.
func TestJourneyBorderVerifiesSeal(t *testing.T) {
	_, _, base, keys, c := issuedTravelDocument(t)
	vds := sealOf(t, keys, c)
	b := newBrowser(t, base)
	b.open("/verify")
	b.submit(`.lang-switch button[lang="ru"]`)
	b.fill("#f-t", hex.EncodeToString(vds))
	b.submit("main form button[type=submit]")
	b.expect("main [role=status]", `^Действителен: подпись верна`)
	b.expect("main code.mrz", regexp.QuoteMeta(pdf.MRZ(c)[1]))
	b.screenshot("seal-valid")
	bad := append([]byte(nil), vds...)
	bad[len(bad)-70] ^= 0x04
	b.fill("#f-t", hex.EncodeToString(bad))
	b.submit("main form button[type=submit]")
	b.expect("main [role=alert]", `Подпись не совпадает`)
	b.screenshot("seal-altered")
}

func newAPIRequest(t *testing.T, base, method, path string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func getJSON(t *testing.T, u string, v *web.Verification) {
	t.Helper()
	*v = web.Verification{}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestUIEUTravelDocument: when the mission lets the travel-document
// deadline pass and Germany accepts the EU standard travel document, the
// German officer prints the European travel document for return in
// Azerbaijani: one page, issued by Germany under Regulation (EU) 2016/1953.
func TestUIEUTravelDocument(t *testing.T) {
	db, actors, base := journeyStore(t)
	berlin := orgByType(t, db, "Embassy of the Republic of Azerbaijan in Berlin – consular section")
	s := newCase(t, db, actors).approved().act("de.officer", ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin})
	clock, _ := journeyClocks.Load(base)
	clock.(*testdb.Clock).Advance(30 * 24 * time.Hour)
	s.act("de.officer", ercms.ActAcceptEUTravelDocument, ercms.ActionInput{})
	u := newUIClient(t, base, "az")
	u.signIn("de.officer")
	if _, page := u.get("/cases/" + s.c.ID); !strings.Contains(page, "/documents/eu_travel_document") || strings.Contains(page, "/documents/travel_document\"") {
		t.Fatalf("the case page does not offer the EU travel document:\n%s", page)
	}
	status, doc := u.get("/cases/" + s.c.ID + "/documents/eu_travel_document")
	if status != 200 {
		t.Fatalf("EU travel document: %d", status)
	}
	if n, err := pdf.Pages([]byte(doc)); err != nil || n != 1 {
		t.Errorf("%d pages (%v)", n, err)
	}
	text, err := pdf.Text([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	squeezed := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"QAYIDIŞÜÇÜNAVROPAYOLSƏNƏDİ", "2016/1953", "Almaniya", "ƏLİYEVA", "Günel"} {
		if !strings.Contains(squeezed, want) {
			t.Errorf("the EU travel document lacks %q:\n%s", want, text)
		}
	}
}
