package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/carlos7ags/folio/document"
	"github.com/carlos7ags/folio/font"
	"github.com/carlos7ags/folio/forms"
	"github.com/carlos7ags/folio/reader"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// formEvidenceRows is how many evidence items the fillable form holds.
const formEvidenceRows = 3

// formField is one field of the fillable application form: its name is the
// JSON path of the application it fills, its label a catalog key.
type formField struct {
	name, label string
	lines       int // 1, or more for a multi-line field
}

func applicationFormFields() []formField {
	f := []formField{
		{"requesting_reference", "field.requesting_reference", 1},
		{"procedure", "pdf.form.procedure", 1},
		{"category", "pdf.form.category", 1},
		{"person.surname", "field.person.surname", 1},
		{"person.given_names", "field.person.given_names", 1},
		{"person.original_script.surname", "field.person.original_script.surname", 1},
		{"person.original_script.given_names", "field.person.original_script.given_names", 1},
		{"person.sex", "pdf.form.sex", 1},
		{"person.date_of_birth", "pdf.form.date_of_birth", 1},
		{"person.place_of_birth", "field.person.place_of_birth", 1},
		{"person.nationality", "pdf.form.nationality", 1},
		{"person.father_name", "field.person.father_name", 1},
		{"person.mother_name", "field.person.mother_name", 1},
	}
	for i := range formEvidenceRows {
		f = append(f, formField{fmt.Sprintf("evidence.%d.type", i), "pdf.form.evidence_type", 1},
			formField{fmt.Sprintf("evidence.%d.document_number", i), "field.evidence.document_number", 1})
	}
	return append(f, formField{"observations", "field.observations", 4})
}

// ApplicationForm writes the fillable application form: a member state
// without the system fills it in a PDF reader and sends it by e-mail; the
// central authority imports it (ReadApplicationForm). values fill fields
// ahead (by field name, the application's JSON path); nil gives the blank
// form. The codes to use are printed at the top.
func ApplicationForm(values map[string]string, o Options) ([]byte, error) {
	f, err := faces()
	if err != nil {
		return nil, fmt.Errorf("pdf: fonts: %w", err)
	}
	if o.Cat == nil {
		o.Cat = i18n.Default()
	}
	t := func(k string, args ...string) string { return o.Cat.T(o.Lang, k, args...) }
	doc := document.NewDocument(document.PageSizeA4)
	doc.Info.Title = t("pdf.form.title")
	doc.Info.Creator = "eRCMS"
	reg, bold := font.NewEmbeddedFont(f[0]), font.NewEmbeddedFont(f[1])
	form := forms.NewAcroForm()
	page := doc.AddPage()
	pageIndex := 0
	y := 790.0
	page.AddTextEmbedded(t("pdf.application"), bold, 15, 48, y)
	y -= 18
	page.AddTextEmbedded(t("pdf.form.lead"), reg, 8.5, 48, y)
	y -= 14
	page.AddTextEmbedded(t("pdf.form.codes"), reg, 8, 48, y)
	y -= 26
	for _, fl := range applicationFormFields() {
		h := 16.0 * float64(fl.lines)
		if y-h < 60 {
			page = doc.AddPage()
			pageIndex++
			y = 790
		}
		label := t(fl.label)
		if strings.HasPrefix(fl.name, "evidence.") {
			n, _ := strconv.Atoi(strings.Split(fl.name, ".")[1])
			label = fmt.Sprintf("%s %d", label, n+1)
		}
		page.AddTextEmbedded(label, reg, 9, 48, y-11)
		rect := [4]float64{250, y - h, 547, y}
		var fld *forms.Field
		if fl.lines > 1 {
			fld = forms.NewMultilineTextField(fl.name, rect, pageIndex)
		} else {
			fld = forms.NewTextField(fl.name, rect, pageIndex)
		}
		if v := values[fl.name]; v != "" {
			fld.SetValue(v)
		}
		form.Add(fld.SetBorderColor(0.4, 0.4, 0.5))
		y -= h + 8
	}
	doc.SetAcroForm(form)
	return doc.ToBytes()
}

// ReadApplicationForm reads a filled application form back into a new
// case (readmission). Errors: EInvalid (file) for a PDF that is not our
// form; EInvalid (person.date_of_birth) for a date that does not parse.
// The application itself is validated by the store when it is entered.
func ReadApplicationForm(data []byte) (ercms.NewCase, error) {
	var n ercms.NewCase
	notOurs := ercms.FieldError("file", "field.api.form_not_ours")
	notOurs.Message = "err.api.form_not_ours"
	r, err := reader.Parse(data)
	if err != nil {
		return n, notOurs
	}
	ff := forms.NewFormFiller(r)
	names, err := ff.FieldNames()
	if err != nil || !containsName(names, "person.surname") {
		return n, notOurs
	}
	get := func(name string) string {
		v, err := ff.GetValue(name)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(v)
	}
	n.Type = ercms.TypeReadmission
	n.RequestingReference = get("requesting_reference")
	n.Procedure = ercms.Procedure(strings.ToLower(get("procedure")))
	n.Category = ercms.Category(strings.ToLower(get("category")))
	p := &n.Person
	p.Surname, p.GivenNames = get("person.surname"), get("person.given_names")
	if s, g := get("person.original_script.surname"), get("person.original_script.given_names"); s != "" || g != "" {
		p.OriginalScript = &ercms.Name{Surname: s, GivenNames: g}
	}
	p.Sex = strings.ToUpper(get("person.sex"))
	if dob := get("person.date_of_birth"); dob != "" {
		d, err := ercms.ParsePartialDate(dob)
		if err != nil {
			return n, ercms.FieldError("person.date_of_birth", "field.api.partial_date")
		}
		p.DateOfBirth = d
	}
	p.PlaceOfBirth, p.Nationality = get("person.place_of_birth"), formCountry(get("person.nationality"))
	p.FatherName, p.MotherName = get("person.father_name"), get("person.mother_name")
	for i := range formEvidenceRows {
		typ := strings.ToLower(get(fmt.Sprintf("evidence.%d.type", i)))
		num := get(fmt.Sprintf("evidence.%d.document_number", i))
		if typ != "" || num != "" {
			n.Evidence = append(n.Evidence, ercms.Evidence{Type: typ, Number: num})
		}
	}
	n.Observations = get("observations")
	return n, nil
}

func containsName(names []string, want string) bool {
	for _, n := range names {
		if n == want {
			return true
		}
	}
	return false
}

// IsPDF reports whether data starts like a PDF file.
func IsPDF(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \r\n\t"), []byte("%PDF-"))
}

// countries reads a country written on the form, as a code or a name.
var countries = sync.OnceValue(func() *i18n.CountryMatcher {
	return i18n.NewCountryMatcher(i18n.Default(), ercms.Countries())
})

// formCountry reads the nationality written on a filled-in form: a code,
// or a country's name or adjective in Azerbaijani, English, French or
// Russian, as its code (ercms.Countries); text that names none is kept in
// capitals, for the application's check to refuse on its field.
func formCountry(text string) string {
	if code, ok := countries().Match(text); ok {
		return code
	}
	return strings.ToUpper(text)
}
