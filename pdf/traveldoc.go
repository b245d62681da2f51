package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"

	"github.com/boombuler/barcode/datamatrix"
	"github.com/carlos7ags/folio/barcode"
	"github.com/carlos7ags/folio/font"
	folioimage "github.com/carlos7ags/folio/image"
	"github.com/carlos7ags/folio/layout"
	"github.com/go-fonts/dejavu/dejavusansmono"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/mrz"
	"github.com/ercms/ercms/names"
)

// TravelDocumentSeal is what makes a printed travel document checkable: the
// Visible Digital Seal's bytes (printed as a DataMatrix), the short
// verification link (printed as a QR code) and the machine-readable zone.
type TravelDocumentSeal struct {
	VDS  []byte
	Link string
	MRZ  [2]string
}

// MRZ returns the machine-readable zone of c's travel document (TD3 lines
// of an emergency travel document, ICAO Doc 9303 Parts 4 and 8).
func MRZ(c *ercms.Case) [2]string {
	td := c.TravelDocument
	p := c.Person
	d := mrz.Data{IssuingState: c.TravelDocumentIssuer(), Surname: p.Surname, GivenNames: p.GivenNames, Nationality: p.Nationality,
		BirthYear: p.DateOfBirth.Year, BirthMonth: p.DateOfBirth.Month, BirthDay: p.DateOfBirth.Day, Sex: p.Sex}
	if td != nil {
		d.Number = td.Number
		if td.ValidUntil != nil {
			d.ExpiryYear, d.ExpiryMonth, d.ExpiryDay = td.ValidUntil.Year, int(td.ValidUntil.Month), td.ValidUntil.Day
		}
	}
	return mrz.Lines(d)
}

// upper writes s in capitals by the rules of the document's language.
func (b *Builder) upper(s string) string {
	tag := language.Und
	if b.o.Lang == i18n.AZ {
		tag = language.Azerbaijani
	}
	return cases.Upper(tag).String(s)
}

// covered lists the family members the decision covers.
func covered(c *ercms.Case) []ercms.FamilyMember {
	if c.Decision == nil {
		return nil
	}
	var out []ercms.FamilyMember
	for _, f := range c.Family {
		if contains(c.Decision.FamilyCovered, f.ID) {
			out = append(out, f)
		}
	}
	return out
}

// latinName writes a name in Latin letters as the MRZ does, with spaces.
func latinName(s string) string {
	return strings.Join(strings.FieldsFunc(mrz.Latin(s), func(r rune) bool { return r == '<' }), " ")
}

// TravelDocument writes the emergency travel document in the layout of ICAO
// Doc 9303 Part 8 on one A4 page, in the document's language (o.Lang,
// chosen by the issuing mission when it prints): the issuing state and
// authority, the document's type and number, the holder's particulars as
// written and in Latin letters with the photo, every family member the
// decision covers, the validity and purpose, the place and date of issue,
// the issuing officer, the signature and seal block, the Visible Digital
// Seal as a DataMatrix with a QR code of the verification link, and the
// machine-readable zone.
func TravelDocument(c *ercms.Case, photo []byte, s TravelDocumentSeal, o Options) ([]byte, error) {
	td := c.TravelDocument
	if td == nil {
		return nil, fmt.Errorf("pdf: %s has no travel document", c.Reference)
	}
	b, err := newBuilder(o, "traveldoc.title", td.Number)
	if err != nil {
		return nil, err
	}
	b.doc.SetMargins(layout.Margins{Top: 30, Right: 36, Bottom: 30, Left: 36})
	issuer := c.TravelDocumentIssuer()

	// Issuing state and authority, the document's type and number.
	head := layout.NewTable()
	head.SetColumnWidths([]float64{363, 160})
	r := head.AddRow()
	r.AddCellElement(b.lines([]string{b.upper(b.country(issuer)), b.org(td.MissionID)}, []float64{14, 9.5})).SetPadding(2)
	r.AddCellElement(b.lines([]string{b.T("traveldoc.type") + ": " + mrz.DocumentCode, b.T("traveldoc.number") + ": " + td.Number}, []float64{9.5, 11})).SetPadding(2).SetAlign(layout.AlignRight)
	b.doc.Add(head)
	title := layout.NewParagraphEmbedded(b.T("traveldoc.title"), b.bold, 15)
	title.SetSpaceBefore(4)
	b.doc.Add(title)
	b.Para(b.T("traveldoc.subtitle"))

	// The holder.
	p := c.Person
	surname := names.Upper(p.Surname, p.Nationality)
	pairs := []string{
		b.T("traveldoc.surname"), surname,
		b.T("traveldoc.given_names"), p.GivenNames,
		b.T("traveldoc.latin"), latinName(p.Surname) + ", " + latinName(p.GivenNames),
		b.T("traveldoc.nationality"), b.country(p.Nationality),
		b.T("traveldoc.date_of_birth"), p.DateOfBirth.String(),
		b.T("traveldoc.place_of_birth"), p.PlaceOfBirth,
		b.T("traveldoc.sex"), b.word("sex.", p.Sex),
	}
	if p.OriginalScript != nil {
		pairs = append(pairs, b.T("traveldoc.original_script"), strings.TrimSpace(p.OriginalScript.Surname+" "+p.OriginalScript.GivenNames))
	}
	if err := b.holder(pairs, photo); err != nil {
		return nil, err
	}

	// Every person the document covers.
	b.Heading(b.T("traveldoc.covered"))
	b.coveredTable(c)

	// Validity, purpose, issue.
	b.Heading(b.T("traveldoc.validity"))
	agreement := b.o.Agreement
	if agreement == "" {
		agreement = b.T("traveldoc.agreement")
	}
	b.Fields(
		b.T("traveldoc.valid_until"), b.date(td.ValidUntil),
		b.T("traveldoc.purpose"), b.T("traveldoc.purpose_text", "state", b.country(issuer), "agreement", agreement),
		b.T("traveldoc.place_of_issue"), b.org(td.MissionID),
		b.T("traveldoc.issued_on"), b.date(td.IssuedOn),
		b.T("traveldoc.officer"), b.o.Officer,
		b.T("traveldoc.reference"), c.Reference,
	)

	// Signature and seal block.
	sig := layout.NewTable()
	sig.SetColumnWidths([]float64{261, 262})
	r = sig.AddRow()
	r.AddCellEmbedded(b.T("traveldoc.signature"), b.reg, 8).SetPaddingSides(layout.Padding{Top: 2, Left: 4, Right: 4, Bottom: 40})
	r.AddCellEmbedded(b.T("traveldoc.seal"), b.reg, 8).SetPaddingSides(layout.Padding{Top: 2, Left: 4, Right: 4, Bottom: 40})
	sig.SetCellSpacing(0, 0)
	spacer := layout.NewParagraphEmbedded(" ", b.reg, 4)
	b.doc.Add(spacer)
	b.doc.Add(sig)

	// The Visible Digital Seal and the verification link.
	if len(s.VDS) > 0 || s.Link != "" {
		codes := layout.NewTable()
		codes.SetColumnWidths([]float64{150, 110, 263})
		r = codes.AddRow()
		if len(s.VDS) > 0 {
			img, err := dataMatrix(s.VDS)
			if err != nil {
				return nil, err
			}
			r.AddCellElement(layout.NewImageElement(img).SetSize(140, 140)).SetPadding(3)
		} else {
			r.AddCellEmbedded(" ", b.reg, 8)
		}
		if s.Link != "" {
			qr, err := barcode.NewQRWithECC(s.Link, barcode.ECCLevelM)
			if err != nil {
				return nil, fmt.Errorf("pdf: QR code: %w", err)
			}
			r.AddCellElement(layout.NewBarcodeElement(qr, 100)).SetPadding(3)
		} else {
			r.AddCellEmbedded(" ", b.reg, 8)
		}
		r.AddCellElement(b.lines([]string{b.T("traveldoc.vds"), b.T("traveldoc.vds_explained"), s.Link}, []float64{9, 7.5, 7.5})).SetPadding(3)
		b.doc.Add(codes)
	}

	// The machine-readable zone.
	if s.MRZ[0] != "" {
		face, err := monoFace()
		if err != nil {
			return nil, fmt.Errorf("pdf: fonts: %w", err)
		}
		mono := font.NewEmbeddedFont(face)
		for i, line := range s.MRZ {
			p := layout.NewParagraphEmbedded(line, mono, 11.5)
			if i == 0 {
				p.SetSpaceBefore(8)
			}
			b.doc.Add(p)
		}
	}
	return b.doc.ToBytes()
}

// lines stacks texts, each in its size (the first in bold).
func (b *Builder) lines(texts []string, sizes []float64) layout.Element {
	d := layout.NewDiv()
	for i, s := range texts {
		if strings.TrimSpace(s) == "" {
			continue
		}
		f := b.reg
		if i == 0 {
			f = b.bold
		}
		d.Add(layout.NewParagraphEmbedded(s, f, sizes[i]))
	}
	return d
}

func photoImage(data []byte) (*folioimage.Image, error) {
	var img *folioimage.Image
	var err error
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		img, err = folioimage.NewJPEG(data)
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		img, err = folioimage.NewPNG(data)
	default:
		err = fmt.Errorf("not a JPEG or PNG image")
	}
	if err != nil {
		return nil, fmt.Errorf("pdf: photo: %w", err)
	}
	return img, nil
}

// dataMatrix draws data as a DataMatrix (ECC 200) with a quiet zone of two
// modules, four pixels a module.
func dataMatrix(data []byte) (*folioimage.Image, error) {
	code, err := datamatrix.Encode(string(data))
	if err != nil {
		return nil, fmt.Errorf("pdf: DataMatrix: %w", err)
	}
	const px, quiet = 4, 2
	bounds := code.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	img := image.NewGray(image.Rect(0, 0, (w+2*quiet)*px, (h+2*quiet)*px))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	for x := range w {
		for y := range h {
			if isDark(code.At(bounds.Min.X+x, bounds.Min.Y+y)) {
				for dx := range px {
					for dy := range px {
						img.SetGray((x+quiet)*px+dx, (y+quiet)*px+dy, color.Gray{})
					}
				}
			}
		}
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	return folioimage.NewPNG(out.Bytes())
}

func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}

// monoFace is DejaVu Sans Mono, for the machine-readable zone (OCR-B is not
// in a Go module).
var monoFace = sync.OnceValues(func() (font.Face, error) { return font.ParseFont(dejavusansmono.TTF) })

// EUTravelDocument writes the European travel document for return
// (Regulation (EU) 2016/1953) that the requesting member state issues where
// the agreement's profile accepts it: its own layout on one A4 page, in the
// document's language: the issuing member state and authority, the
// number, the holder's particulars with the photo, the family members it
// covers, the single journey to the state of return, the validity, the
// place and date of issue and the signature and stamp block.
func EUTravelDocument(c *ercms.Case, photo []byte, o Options) ([]byte, error) {
	td := c.TravelDocument
	if td == nil || td.Kind != ercms.TravelDocumentEUStandard {
		return nil, fmt.Errorf("pdf: %s has no EU travel document", c.Reference)
	}
	number := td.Number
	if number == "" {
		number = c.RequestingReference
	}
	b, err := newBuilder(o, "traveldoc.eu.title", number)
	if err != nil {
		return nil, err
	}
	b.doc.SetMargins(layout.Margins{Top: 30, Right: 36, Bottom: 30, Left: 36})
	issuer := c.TravelDocumentIssuer()
	head := layout.NewTable()
	head.SetColumnWidths([]float64{363, 160})
	r := head.AddRow()
	r.AddCellElement(b.lines([]string{b.T("traveldoc.eu.union"), b.upper(b.country(issuer)), b.org(c.RequestingOrgID)}, []float64{9.5, 14, 9.5})).SetPadding(3)
	r.AddCellElement(b.lines([]string{b.T("traveldoc.number"), number}, []float64{9.5, 11})).SetPadding(3).SetAlign(layout.AlignRight)
	b.doc.Add(head)
	title := layout.NewParagraphEmbedded(b.upper(b.T("traveldoc.eu.title")), b.bold, 15)
	title.SetSpaceBefore(4)
	b.doc.Add(title)
	b.Para(b.T("traveldoc.eu.basis"))

	p := c.Person
	pairs := []string{
		b.T("traveldoc.surname"), names.Upper(p.Surname, p.Nationality),
		b.T("traveldoc.given_names"), p.GivenNames,
		b.T("traveldoc.latin"), latinName(p.Surname) + ", " + latinName(p.GivenNames),
		b.T("traveldoc.date_of_birth"), p.DateOfBirth.String(),
		b.T("traveldoc.place_of_birth"), p.PlaceOfBirth,
		b.T("traveldoc.sex"), b.word("sex.", p.Sex),
		b.T("traveldoc.nationality"), b.country(p.Nationality),
	}
	if err := b.holder(pairs, photo); err != nil {
		return nil, err
	}

	b.Heading(b.T("traveldoc.eu.accompanied"))
	b.coveredTable(c)

	b.Heading(b.T("traveldoc.validity"))
	b.Fields(
		b.T("traveldoc.purpose"), b.T("traveldoc.eu.journey", "from", b.country(c.RequestingState), "to", b.country(c.RequestedState)),
		b.T("traveldoc.valid_until"), b.date(td.ValidUntil),
		b.T("traveldoc.place_of_issue"), b.org(c.RequestingOrgID),
		b.T("traveldoc.issued_on"), b.date(td.IssuedOn),
		b.T("traveldoc.officer"), b.o.Officer,
		b.T("traveldoc.reference"), c.Reference,
	)
	sig := layout.NewTable()
	sig.SetColumnWidths([]float64{261, 262})
	r = sig.AddRow()
	r.AddCellEmbedded(b.T("traveldoc.signature"), b.reg, 8).SetPaddingSides(layout.Padding{Top: 2, Left: 4, Right: 4, Bottom: 50})
	r.AddCellEmbedded(b.T("traveldoc.eu.stamp"), b.reg, 8).SetPaddingSides(layout.Padding{Top: 2, Left: 4, Right: 4, Bottom: 50})
	b.doc.Add(layout.NewParagraphEmbedded(" ", b.reg, 6))
	b.doc.Add(sig)
	return b.doc.ToBytes()
}

// holder draws the holder's particulars (label and value pairs) beside the
// photo, one page-wide table; no photo leaves its cell blank.
func (b *Builder) holder(pairs []string, photo []byte) error {
	t := layout.NewTable()
	t.SetColumnWidths([]float64{110, 150, 263})
	for i := 0; i+1 < len(pairs); i += 2 {
		row := t.AddRow()
		if i == 0 {
			var pic layout.Element = layout.NewParagraphEmbedded(" ", b.reg, 8)
			if len(photo) > 0 {
				img, err := photoImage(photo)
				if err != nil {
					return err
				}
				pic = layout.NewImageElement(img).SetMaxSize(100, 130)
			}
			row.AddCellElement(pic).SetRowspan(len(pairs) / 2).SetPadding(2)
		}
		row.AddCellEmbedded(pairs[i], b.bold, 8.5).SetPadding(2)
		row.AddCellEmbedded(pairs[i+1], b.reg, 8.5).SetPadding(2)
	}
	b.doc.Add(t)
	return nil
}

// coveredTable lists every family member the decision covers, as written
// and in Latin letters, or says that the document covers no one else.
func (b *Builder) coveredTable(c *ercms.Case) {
	var rows [][]string
	for _, f := range covered(c) {
		rows = append(rows, []string{b.word("relationship.", f.Relationship), names.Upper(f.Surname, f.Nationality) + " " + f.GivenNames,
			latinName(f.Surname) + ", " + latinName(f.GivenNames), f.DateOfBirth.String(), b.word("sex.", f.Sex), b.country(f.Nationality)})
	}
	if len(rows) == 0 {
		b.Para(b.T("traveldoc.covered_none"))
		return
	}
	b.Table([]string{b.T("traveldoc.relationship"), b.T("traveldoc.name"), b.T("traveldoc.latin"), b.T("traveldoc.date_of_birth"), b.T("traveldoc.sex"), b.T("traveldoc.nationality")}, rows)
}
