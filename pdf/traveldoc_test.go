package pdf_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/mrz"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/seal"
)

// familyCase is a case whose approval covers a spouse and two children.
func familyCase() *ercms.Case {
	c := sampleCase()
	c.Person.Surname, c.Person.GivenNames = "Şükürov", "Çingiz Ağa oğlu"
	c.Family = []ercms.FamilyMember{
		{ID: "f1", Relationship: "spouse", Surname: "Şükürova", GivenNames: "Gülnarə", Sex: "F", DateOfBirth: ercms.PartialDate{Year: 1993, Month: 2, Day: 14}, Nationality: "AZ"},
		{ID: "f2", Relationship: "child", Surname: "Şükürov", GivenNames: "Rəşad", Sex: "M", DateOfBirth: ercms.PartialDate{Year: 2015, Month: 9, Day: 1}, Nationality: "AZ"},
		{ID: "f3", Relationship: "child", Surname: "Şükürova", GivenNames: "İlahə", Sex: "F", DateOfBirth: ercms.PartialDate{Year: 2019, Month: 12, Day: 30}, Nationality: "AZ"},
	}
	c.Decision.FamilyCovered = []string{"f1", "f2", "f3"}
	return c
}

// raster renders the one page of a PDF at dpi with pdftoppm.
func raster(t *testing.T, doc []byte, dpi string) image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-r", dpi, "-gray", "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

type subImager interface {
	SubImage(image.Rectangle) image.Image
}

// decodeDataMatrix looks for a DataMatrix in overlapping windows of the page
// (the reader's detector looks outward from the middle of what it is given).
func decodeDataMatrix(img image.Image) ([]byte, bool) {
	r := img.Bounds()
	w, h := r.Dx()/2, r.Dy()/4
	reader := datamatrix.NewDataMatrixReader()
	for y := r.Min.Y; y+h <= r.Max.Y; y += h / 3 {
		for x := r.Min.X; x+w <= r.Max.X; x += w / 4 {
			sub := img.(subImager).SubImage(image.Rect(x, y, x+w, y+h))
			bmp, err := gozxing.NewBinaryBitmapFromImage(sub)
			if err != nil {
				continue
			}
			res, err := reader.Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
			if err == nil && len(res.GetText()) > 0 && res.GetText()[0] == 0xDC {
				return []byte(res.GetText()), true
			}
		}
	}
	return nil, false
}

// decodeQR reads the QR code of the page as a phone aimed at it would: the
// whole page first, then overlapping windows (on the whole page the
// detector may take the DataMatrix beside it for part of the code).
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	reader := qrcode.NewQRCodeReader()
	var last error
	try := func(im image.Image) (string, bool) {
		bmp, err := gozxing.NewBinaryBitmapFromImage(im)
		if err != nil {
			last = err
			return "", false
		}
		res, err := reader.Decode(bmp, hints)
		if err != nil {
			last = err
			return "", false
		}
		return res.GetText(), true
	}
	if s, ok := try(img); ok {
		return s
	}
	r := img.Bounds()
	w, h := r.Dx()/3, r.Dy()/4
	for y := r.Min.Y; y+h <= r.Max.Y; y += h / 3 {
		for x := r.Min.X; x+w <= r.Max.X; x += w / 4 {
			if s, ok := try(img.(subImager).SubImage(image.Rect(x, y, x+w, y+h))); ok {
				return s
			}
		}
	}
	t.Fatalf("no QR code on the page: %v", last)
	return ""
}

// TestTravelDocumentReadByMachines prints the travel document of a family
// in Azerbaijani, Russian and French, rasterises each page, reads the
// DataMatrix and the QR code from the pixels, verifies the seal with the
// exported certificates and checks the MRZ's check digits.
func TestTravelDocumentReadByMachines(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	keys, err := seal.OpenKeyring(t.TempDir(), time.Now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c := familyCase()
	lines := pdf.MRZ(c)
	vds, err := keys.SealVDS(seal.SealData{IssuingState: "AZ", Country: mrz.Country("AZ"), IssuedOn: time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC), MRZ: lines[:]})
	if err != nil {
		t.Fatal(err)
	}
	exported, err := keys.Certificates()
	if err != nil {
		t.Fatal(err)
	}
	certs, err := seal.ParseCertificates(exported)
	if err != nil {
		t.Fatal(err)
	}
	link := "https://ercms.example.az/verify?d=0193f1c2-7a4b-7c3d-9e8f-0123456789ab"
	for _, lang := range []i18n.Lang{i18n.AZ, i18n.RU, i18n.FR} {
		t.Run(string(lang), func(t *testing.T) {
			doc, err := pdf.TravelDocument(c, photo(t), pdf.TravelDocumentSeal{VDS: vds, Link: link, MRZ: lines}, options(lang))
			if err != nil {
				t.Fatal(err)
			}
			if n, err := pdf.Pages(doc); err != nil || n != 1 {
				t.Fatalf("the travel document has %d pages (%v), want one A4 page", n, err)
			}
			txt := text(t, doc)
			cat := i18n.Default()
			has(t, "travel document", txt, cat.T(lang, "traveldoc.title"), cat.T(lang, "traveldoc.covered"), "RC-0042",
				"ŞÜKÜROV", "ŞÜKÜROVA", "Gülnarə", "Rəşad", "İlahə", "SUKUROVA", "GULNARA", "RASAD", "ILAHA", lines[0], lines[1])
			if lang != i18n.AZ && strings.Contains(txt, "Azərbaycan") {
				t.Errorf("the issuing state is named in Azerbaijani on the %s document", lang)
			}

			if dir := os.Getenv("ERCMS_ARTIFACTS"); dir != "" {
				_ = os.WriteFile(filepath.Join(dir, "travel-document-"+string(lang)+".pdf"), doc, 0o644)
			}
			img := raster(t, doc, "150")
			if r := img.Bounds(); r.Dx() < 1239 || r.Dx() > 1241 || r.Dy() < 1753 || r.Dy() > 1755 { // A4 (210 × 297 mm) at 150 dpi
				t.Errorf("the page is %d × %d pixels at 150 dpi, not A4", r.Dx(), r.Dy())
			}
			got, ok := decodeDataMatrix(img)
			if !ok {
				t.Fatal("no DataMatrix read from the rasterised page")
			}
			if !bytes.Equal(got, vds) {
				t.Fatalf("the DataMatrix holds % X, want % X", got, vds)
			}
			v, err := seal.VerifyVDS(got, certs)
			if err != nil {
				t.Fatalf("the seal read from the page does not verify: %v", err)
			}
			m := v.MRZ()
			if len(m) != 2 || m[0] != lines[0] || m[1] != lines[1] || !mrz.Valid(m[1]) {
				t.Errorf("the seal's MRZ %q: want %q with valid check digits", m, lines)
			}
			if !strings.HasPrefix(m[0], "PEAZESUKUROV<<CINGIZ<AGA<OGLU<") || m[1][10:13] != "AZE" {
				t.Errorf("the seal's MRZ %q", m)
			}
			if q := decodeQR(t, img); q != link {
				t.Errorf("the QR code reads %q, want the short link %q", q, link)
			}
			// One changed byte of the message zone and the seal fails.
			bad := bytes.Clone(got)
			bad[len(bad)-70] ^= 0x04
			if _, err := seal.VerifyVDS(bad, certs); !errors.Is(err, seal.ErrBadSignature) {
				t.Errorf("a changed byte verified: %v", err)
			}
		})
	}
}

// TestEUTravelDocument: where the EU standard travel document was accepted,
// the requesting state's document prints in its own layout on one page,
// naming the issuing member state, the regulation and every family member.
func TestEUTravelDocument(t *testing.T) {
	c := familyCase()
	c.TravelDocument = &ercms.TravelDocument{Kind: ercms.TravelDocumentEUStandard, IssuedOn: day("2026-06-10"), ValidUntil: day("2026-07-10")}
	for _, lang := range []i18n.Lang{i18n.FR, i18n.AZ} {
		doc, err := pdf.EUTravelDocument(c, photo(t), options(lang))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := pdf.Pages(doc); err != nil || n != 1 {
			t.Errorf("%s: %d pages (%v)", lang, n, err)
		}
		cat := i18n.Default()
		has(t, "EU travel document", text(t, doc), "2016/1953", cat.CountryName(lang, "DE"), "Bundespolizeipräsidium", "BPOL-2026-0417",
			"ŞÜKÜROV", "Gülnarə", "Rəşad", "İlahə", cat.T(lang, "traveldoc.eu.accompanied"))
	}
	if _, err := pdf.EUTravelDocument(sampleCase(), nil, options(i18n.EN)); err == nil {
		t.Error("a national travel document printed as the EU one")
	}
}
