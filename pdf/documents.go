package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/carlos7ags/folio/reader"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/names"
)

func yes(b *Builder, v bool) string {
	if v {
		return b.T("common.yes")
	}
	return ""
}

// header writes the references every form of a case starts with.
func (b *Builder) header(c *ercms.Case, title string) {
	b.Title(title)
	b.Fields(
		b.T("col.reference"), c.Reference,
		b.T("field.requesting_reference"), c.RequestingReference,
		b.T("pdf.requesting_authority"), b.org(c.RequestingOrgID)+" ("+c.RequestingState+")",
		b.T("pdf.requested_state"), c.RequestedState,
		b.T("field.received_on"), b.date(c.ReceivedOn),
	)
}

// person writes the person's particulars.
func (b *Builder) person(c *ercms.Case) {
	p := c.Person
	b.Heading(b.T("section.person"))
	original := ""
	if p.OriginalScript != nil {
		original = strings.TrimSpace(p.OriginalScript.Surname + " " + p.OriginalScript.GivenNames)
	}
	var others []string
	for _, n := range p.OtherNames {
		others = append(others, strings.TrimSpace(n.Surname+" "+n.GivenNames))
	}
	b.Fields(
		b.T("field.person.surname"), names.Upper(p.Surname, p.Nationality),
		b.T("field.person.given_names"), p.GivenNames,
		b.T("field.person.original_script"), original,
		b.T("field.person.other_names"), strings.Join(others, "; "),
		b.T("field.person.sex"), b.word("sex.", p.Sex),
		b.T("field.person.date_of_birth"), p.DateOfBirth.String(),
		b.T("field.person.place_of_birth"), p.PlaceOfBirth,
		b.T("field.person.nationality"), b.country(p.Nationality),
		b.T("field.person.previous_nationality"), b.country(p.PreviousNation),
		b.T("field.person.father_name"), p.FatherName,
		b.T("field.person.mother_name"), p.MotherName,
		b.T("field.person.languages"), strings.Join(p.Languages, ", "),
		b.T("field.person.document_numbers"), strings.Join(p.DocumentNumbers, ", "),
	)
}

func (b *Builder) family(c *ercms.Case, only []string) {
	var rows [][]string
	for _, f := range c.Family {
		if only != nil && !contains(only, f.ID) {
			continue
		}
		rows = append(rows, []string{b.word("relationship.", f.Relationship), names.Upper(f.Surname, f.Nationality), f.GivenNames, f.DateOfBirth.String(), b.country(f.Nationality)})
	}
	b.Heading(b.T("case.family"))
	b.Table([]string{b.T("field.relationship"), b.T("field.person.surname"), b.T("field.person.given_names"), b.T("field.person.date_of_birth"), b.T("field.person.nationality")}, rows)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Application writes the readmission application in the form of the
// agreement's annex: the requesting authority and its reference, the
// procedure and category, the person and family, the evidence, the special
// circumstances and the observations.
func Application(c *ercms.Case, o Options) ([]byte, error) {
	b, err := newBuilder(o, "pdf.application", c.Reference)
	if err != nil {
		return nil, err
	}
	title := b.T("pdf.application")
	if c.Type == ercms.TypeTransit {
		title = b.T("pdf.transit_request")
	}
	b.header(c, title)
	b.Fields(b.T("field.procedure"), b.word("procedure.", string(c.Procedure)), b.T("field.category"), b.word("category.", string(c.Category)))
	b.person(c)
	b.family(c, nil)
	b.Heading(b.T("section.evidence"))
	var rows [][]string
	for _, e := range c.Evidence {
		typ := b.word("evidence.", e.Type)
		if b.o.Evidence != nil {
			typ = b.o.Evidence(e.Type)
		}
		rows = append(rows, []string{typ, b.word("strength.", string(e.Strength)), e.Number, b.date(e.IssuedOn), e.Authority, b.date(e.ExpiresOn)})
	}
	b.Table([]string{b.T("field.evidence.type"), b.T("field.evidence.strength"), b.T("field.evidence.document_number"), b.T("field.evidence.issued_on"), b.T("field.evidence.authority"), b.T("pdf.expires_on")}, rows)
	s := c.Special
	b.Heading(b.T("pdf.special"))
	b.Fields(
		b.T("field.special.needs_care"), yes(b, s.NeedsCare && s.CareConsent),
		b.T("field.special.health"), s.Health,
		b.T("field.special.medical_escort"), yes(b, s.MedicalEscort),
		b.T("field.special.contagious_disease"), yes(b, s.ContagiousDisease),
		b.T("field.special.security_risk"), s.SecurityRisk,
		b.T("field.special.minor"), yes(b, s.Minor),
		b.T("field.special.victim_of_trafficking"), yes(b, s.VictimOfTrafficking),
	)
	if t := c.Transit; t != nil {
		b.Heading(b.T("type.transit"))
		b.Fields(b.T("pdf.itinerary"), t.Itinerary, b.T("pdf.other_states"), strings.Join(t.OtherStates, ", "),
			b.T("pdf.final_destination"), b.country(t.FinalDestination), b.T("field.entry_point"), t.EntryPoint,
			b.T("field.date"), b.date(&t.TransitOn), b.T("field.time"), b.localTime(t.TransitTime, t.TransitOn), b.T("field.transfer.escorts"), strconv.Itoa(t.Escorts))
	}
	if c.Observations != "" {
		b.Heading(b.T("field.observations"))
		b.Para(c.Observations)
	}
	return b.bytes()
}

// Reply writes the requested state's reply: approval (with the family
// members covered), refusal with its coded reasons and text, or the
// approval deemed given when the reply time ran out.
func Reply(c *ercms.Case, o Options) ([]byte, error) {
	b, err := newBuilder(o, "pdf.reply", c.Reference)
	if err != nil {
		return nil, err
	}
	b.header(c, b.T("pdf.reply"))
	b.Fields(b.T("field.person.surname"), names.Upper(c.Person.Surname, c.Person.Nationality), b.T("field.person.given_names"), c.Person.GivenNames, b.T("field.person.date_of_birth"), c.Person.DateOfBirth.String())
	b.Heading(b.T("section.decision"))
	switch {
	case c.Status == ercms.StateDeemedApproved:
		b.Fields(b.T("field.outcome"), b.T("outcome.deemed_approval"))
		b.Para(b.T("pdf.deemed_explained"))
	case c.Decision == nil || c.Decision.DecidedOn == nil:
		b.Para(b.T("case.no_decision"))
		return b.bytes()
	default:
		d := c.Decision
		var reasons []string
		for _, r := range d.Reasons {
			if c.Type == ercms.TypeTransit {
				reasons = append(reasons, b.word("transit_ground.", r))
			} else if b.o.Refusal != nil {
				reasons = append(reasons, b.o.Refusal(r))
			} else {
				reasons = append(reasons, b.word("refusal.", r))
			}
		}
		b.Fields(b.T("field.outcome"), b.word("outcome.", d.Outcome), b.T("field.decided_on"), b.date(d.DecidedOn), b.T("field.reasons"), strings.Join(reasons, "; "))
		b.Para(d.Text)
		if d.Outcome == "approve" && len(c.Family) > 0 {
			cover := d.FamilyCovered
			if cover == nil {
				cover = []string{}
			}
			b.family(c, cover)
		}
	}
	return b.bytes()
}

// TransferNotice writes the requesting state's notification of a transfer.
func TransferNotice(c *ercms.Case, o Options) ([]byte, error) {
	b, err := newBuilder(o, "pdf.transfer_notice", c.Reference)
	if err != nil {
		return nil, err
	}
	b.header(c, b.T("pdf.transfer_notice"))
	b.person(c)
	t := c.Transfer
	if t == nil {
		b.Para(b.T("case.no_transfer"))
		return b.bytes()
	}
	b.Heading(b.T("section.transfer"))
	late := ""
	if t.LateNotice {
		late = b.T("warning.late_transfer_notice")
	}
	b.Fields(
		b.T("field.transfer.date"), b.date(&t.Date),
		b.T("field.transfer.time"), b.localTime(t.Time, t.Date),
		b.T("field.transfer.crossing_point"), t.CrossingPoint,
		b.T("field.transfer.flight_or_vehicle"), t.Flight,
		b.T("field.transfer.escorts"), strconv.Itoa(t.Escorts),
		b.T("field.transfer.escort_names"), strings.Join(t.EscortNames, ", "),
		b.T("field.transfer.medical_escort"), yes(b, t.MedicalEscort),
		b.T("field.transfer.security_measures"), t.Security,
		b.T("field.transfer.special_needs"), t.SpecialNeeds,
		b.T("field.notified_on"), b.date(&t.NotifiedOn),
		b.T("pdf.late_notice"), late,
	)
	if td := c.TravelDocument; td != nil {
		b.Heading(b.T("case.travel_document"))
		b.Fields(b.T("field.kind"), b.word("travel_document.", td.Kind), b.T("field.number"), td.Number, b.T("field.valid_until"), b.date(td.ValidUntil))
	}
	return b.bytes()
}

// TransitReply writes the requested state's reply to a transit request.
func TransitReply(c *ercms.Case, o Options) ([]byte, error) {
	if c.Type != ercms.TypeTransit {
		return nil, fmt.Errorf("pdf: %s is not a transit request", c.Reference)
	}
	b, err := newBuilder(o, "pdf.transit_reply", c.Reference)
	if err != nil {
		return nil, err
	}
	b.header(c, b.T("pdf.transit_reply"))
	b.Fields(b.T("field.person.surname"), names.Upper(c.Person.Surname, c.Person.Nationality), b.T("field.person.given_names"), c.Person.GivenNames, b.T("col.status"), b.word("state.", string(c.Status)))
	if t := c.Transit; t != nil {
		b.Fields(b.T("pdf.itinerary"), t.Itinerary, b.T("field.entry_point"), t.EntryPoint, b.T("field.date"), b.date(&t.TransitOn), b.T("field.time"), b.localTime(t.TransitTime, t.TransitOn))
	}
	if d := c.Decision; d != nil {
		var grounds []string
		for _, r := range d.Reasons {
			grounds = append(grounds, b.word("transit_ground.", r))
		}
		b.Fields(b.T("field.outcome"), b.word("outcome.", d.Outcome), b.T("field.decided_on"), b.date(d.DecidedOn), b.T("field.reasons"), strings.Join(grounds, "; "))
		b.Para(d.Text)
	}
	return b.bytes()
}

// Dossier merges documents (PDFs) and images (JPEG or PNG, one page each)
// into one PDF: a case's forms and attachments.
func Dossier(docs [][]byte, images [][]byte, o Options) ([]byte, error) {
	all := docs
	for _, img := range images {
		b, err := newBuilder(o, "pdf.dossier", "")
		if err != nil {
			return nil, err
		}
		if err := b.Image(img, 499, 700); err != nil {
			return nil, err
		}
		page, err := b.doc.ToBytes()
		if err != nil {
			return nil, err
		}
		all = append(all, page)
	}
	var readers []*reader.PdfReader
	for i, d := range all {
		r, err := reader.Parse(d)
		if err != nil {
			return nil, fmt.Errorf("pdf: dossier part %d: %w", i+1, err)
		}
		readers = append(readers, r)
	}
	m, err := reader.Merge(readers...)
	if err != nil {
		return nil, fmt.Errorf("pdf: dossier: %w", err)
	}
	var out bytes.Buffer
	if _, err := m.WriteTo(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
