// Package pdf writes the documents that leave the system: the readmission
// application in the form of the agreement, the reply, the transfer
// notification, the transit reply, the travel document (an emergency travel
// document with the photo, the machine-readable zone, a DataMatrix seal and
// a QR code of its verification link; or the EU travel document for
// return) and the dossier of a case. Texts come
// from the i18n catalog in the reader's language; DejaVu Sans (from a Go
// module) is embedded, so Azerbaijani (ə ğ ı ö ü ç ş), Cyrillic and French
// print as written. Text extracts the text of a PDF, for tests and for
// reading our own forms back.
package pdf

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/carlos7ags/folio/barcode"
	"github.com/carlos7ags/folio/document"
	"github.com/carlos7ags/folio/font"
	"github.com/carlos7ags/folio/layout"
	"github.com/carlos7ags/folio/reader"
	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// Options say how a document is written.
type Options struct {
	Lang i18n.Lang
	Cat  *i18n.Catalog                   // nil: i18n.Default()
	Org  func(id string) string          // an organisation's name by id; nil: the id
	Now  time.Time                       // the document's date
	Loc  *time.Location                  // time zone of times printed; nil: UTC
	More func(b *Builder, c *ercms.Case) // optional extra content
	// Refusal words a refusal reason (an administrator may have added
	// reasons the catalog does not know); nil: the catalog.
	Refusal func(code string) string
	// Evidence words an evidence type likewise; nil: the catalog.
	Evidence func(code string) string
	// LocalTime words a time of day at the border (HH:MM on a date) with
	// its time zone; nil: the time as typed.
	LocalTime func(hhmm string, d civil.Date) string
	// Agreement names the agreement a travel document is issued under, in
	// the document's language; Officer names the officer who issued it.
	Agreement, Officer string
}

var faces = sync.OnceValues(func() ([2]font.Face, error) {
	reg, err := font.ParseFont(dejavusans.TTF)
	if err != nil {
		return [2]font.Face{}, err
	}
	bold, err := font.ParseFont(dejavusansbold.TTF)
	return [2]font.Face{reg, bold}, err
})

// Builder lays out one document.
type Builder struct {
	doc       *document.Document
	reg, bold *font.EmbeddedFont
	o         Options
}

// newBuilder starts an A4 document with the embedded fonts, titled in the
// document's language by the message key title followed by ref (the case's
// reference or the document's number; "" for none).
func newBuilder(o Options, title, ref string) (*Builder, error) {
	f, err := faces()
	if err != nil {
		return nil, fmt.Errorf("pdf: fonts: %w", err)
	}
	if o.Cat == nil {
		o.Cat = i18n.Default()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Loc == nil {
		o.Loc = time.UTC
	}
	doc := document.NewDocument(document.PageSizeA4)
	doc.Info.Title = strings.TrimSpace(o.Cat.T(o.Lang, title) + " " + ref)
	doc.Info.Creator = "eRCMS"
	doc.SetMargins(layout.Margins{Top: 48, Right: 48, Bottom: 48, Left: 48})
	b := &Builder{doc: doc, reg: font.NewEmbeddedFont(f[0]), bold: font.NewEmbeddedFont(f[1]), o: o}
	return b, nil
}

// T translates key in the document's language.
func (b *Builder) T(key string, args ...string) string { return b.o.Cat.T(b.o.Lang, key, args...) }

// country names a country code in the document's language.
func (b *Builder) country(code string) string { return b.o.Cat.CountryName(b.o.Lang, code) }

// word translates a code of a vocabulary (prefix+code), or keeps the code.
func (b *Builder) word(prefix, code string) string {
	if code == "" {
		return ""
	}
	if b.o.Cat.Has(b.o.Lang, prefix+code) || b.o.Cat.Has(i18n.EN, prefix+code) {
		return b.T(prefix + code)
	}
	return code
}

// localTime is hhmm with its time zone in words (Options.LocalTime).
func (b *Builder) localTime(hhmm string, d civil.Date) string {
	if b.o.LocalTime == nil || hhmm == "" {
		return hhmm
	}
	return b.o.LocalTime(hhmm, d)
}

func (b *Builder) date(d *civil.Date) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return i18n.FormatDate(b.o.Lang, *d)
}

func (b *Builder) org(id string) string {
	if b.o.Org != nil {
		if n := b.o.Org(id); n != "" {
			return n
		}
	}
	return id
}

// Title writes the document's title.
func (b *Builder) Title(s string) {
	p := layout.NewParagraphEmbedded(s, b.bold, 16)
	p.SetSpaceAfter(6)
	b.doc.Add(p)
}

// Heading writes a section heading.
func (b *Builder) Heading(s string) {
	p := layout.NewParagraphEmbedded(s, b.bold, 11.5)
	p.SetSpaceBefore(10).SetSpaceAfter(3)
	b.doc.Add(p)
}

// Para writes a paragraph.
func (b *Builder) Para(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	p := layout.NewParagraphEmbedded(s, b.reg, 9.5)
	p.SetSpaceAfter(3)
	b.doc.Add(p)
}

// Fields writes label/value pairs as a two-column table; empty values are left out.
func (b *Builder) Fields(pairs ...string) {
	t := layout.NewTable()
	t.SetColumnWidths([]float64{170, 329})
	n := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			continue
		}
		r := t.AddRow()
		r.AddCellEmbedded(pairs[i], b.bold, 9).SetPadding(3)
		r.AddCellEmbedded(pairs[i+1], b.reg, 9).SetPadding(3)
		n++
	}
	if n > 0 {
		b.doc.Add(t)
	}
}

// Table writes a table with a header row.
func (b *Builder) Table(head []string, rows [][]string) {
	if len(rows) == 0 {
		b.Para(b.T("common.none"))
		return
	}
	t := layout.NewTable()
	h := t.AddHeaderRow()
	for _, s := range head {
		h.AddCellEmbedded(s, b.bold, 8.5).SetPadding(3).SetBackground(layout.Gray(0.9))
	}
	for _, row := range rows {
		r := t.AddRow()
		for _, s := range row {
			r.AddCellEmbedded(s, b.reg, 8.5).SetPadding(3)
		}
	}
	b.doc.Add(t)
}

// Image places a JPEG or PNG image at most w×h points.
func (b *Builder) Image(data []byte, w, h float64) error {
	img, err := photoImage(data)
	if err != nil {
		return err
	}
	b.doc.Add(layout.NewImageElement(img).SetMaxSize(w, h))
	return nil
}

// QR places a QR code of data, size points wide.
func (b *Builder) QR(data string, size float64) error {
	bc, err := barcode.NewQRWithECC(data, barcode.ECCLevelM)
	if err != nil {
		return fmt.Errorf("pdf: QR code: %w", err)
	}
	b.doc.Add(layout.NewBarcodeElement(bc, size).SetAltText(data))
	return nil
}

// footer writes where and when the document was made.
func (b *Builder) footer() {
	b.Para(" ")
	b.Para(b.T("pdf.generated", "date", i18n.FormatDate(b.o.Lang, civil.In(b.o.Now, b.o.Loc)), "time", b.o.Now.In(b.o.Loc).Format("15:04")))
}

func (b *Builder) bytes() ([]byte, error) {
	b.footer()
	return b.doc.ToBytes()
}

// Text returns the text of every page of a PDF, pages separated by form feeds.
func Text(data []byte) (string, error) {
	r, err := reader.Parse(data)
	if err != nil {
		return "", fmt.Errorf("pdf: %w", err)
	}
	var out []string
	for i := range r.PageCount() {
		p, err := r.Page(i)
		if err != nil {
			return "", fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		s, err := p.ExtractText()
		if err != nil {
			return "", fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\f"), nil
}

// Pages returns the number of pages of a PDF.
func Pages(data []byte) (int, error) {
	r, err := reader.Parse(data)
	if err != nil {
		return 0, fmt.Errorf("pdf: %w", err)
	}
	return r.PageCount(), nil
}
