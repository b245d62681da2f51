package ercms

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ercms/ercms/civil"
)

// NewCase is what a requesting officer sends to create a case (a draft).
type NewCase struct {
	Type                CaseType  `json:"type"`
	RequestingReference string    `json:"requesting_reference"`
	Procedure           Procedure `json:"procedure,omitempty"`
	Category            Category  `json:"category,omitempty"`
	NoApplication       bool      `json:"no_application,omitempty"`
	PreviousCaseID      string    `json:"previous_case_id,omitempty"`
	// Flags raises safeguard flags the requesting state knows of (asylum_pending, legal_stay, …).
	Flags []string `json:"flags,omitempty"`
	Application
}

// EvidenceType is one entry of the evidence catalogue (DOMAIN.md §4).
type EvidenceType struct {
	Code     string
	Strength Strength
	// For says what the item proves: "nationality" or "third_country" (visa, stay, entry).
	For string
}

// EvidenceCatalogue lists the evidence types of the agreement's annexes.
// False or forged documents never count and have no entry.
var EvidenceCatalogue = []EvidenceType{
	{"national_passport", StrengthProof, "nationality"},
	{"diplomatic_passport", StrengthProof, "nationality"},
	{"service_passport", StrengthProof, "nationality"},
	{"emergency_passport", StrengthProof, "nationality"},
	{"child_passport", StrengthProof, "nationality"},
	{"national_id_card", StrengthProof, "nationality"},
	{"temporary_id_card", StrengthProof, "nationality"},
	{"military_id", StrengthProof, "nationality"},
	{"seamans_book", StrengthProof, "nationality"},
	{"citizenship_certificate", StrengthProof, "nationality"},
	{"document_copy", StrengthPrimaFacie, "nationality"},
	{"expired_document", StrengthPrimaFacie, "nationality"},
	{"driving_licence", StrengthPrimaFacie, "nationality"},
	{"birth_certificate", StrengthPrimaFacie, "nationality"},
	{"service_id", StrengthPrimaFacie, "nationality"},
	{"witness_statement", StrengthPrimaFacie, "nationality"},
	{"own_statement", StrengthPrimaFacie, "nationality"},
	{"language_test", StrengthPrimaFacie, "nationality"},
	{"fingerprint_match", StrengthPrimaFacie, "nationality"},
	{"other_official_document", StrengthPrimaFacie, "nationality"},
	{"visa", StrengthProof, "third_country"},
	{"residence_permit", StrengthProof, "third_country"},
	{"entry_exit_stamp", StrengthProof, "third_country"},
	{"hotel_bill", StrengthPrimaFacie, "third_country"},
	{"travel_ticket", StrengthPrimaFacie, "third_country"},
	{"passenger_list", StrengthPrimaFacie, "third_country"},
	{"medical_appointment_card", StrengthPrimaFacie, "third_country"},
	{"credit_card_receipt", StrengthPrimaFacie, "third_country"},
	{"rental_contract", StrengthPrimaFacie, "third_country"},
	{"official_statement", StrengthPrimaFacie, "third_country"},
}

// Catalogue is an evidence catalogue in use: the agreement's annexes, with
// what an administrator added or withdrew. A nil Catalogue is the annexes'
// (EvidenceCatalogue).
type Catalogue []EvidenceType

// Lookup returns the entry for code.
func (c Catalogue) Lookup(code string) (EvidenceType, bool) {
	if c == nil {
		c = EvidenceCatalogue
	}
	i := slices.IndexFunc(c, func(e EvidenceType) bool { return e.Code == code })
	if i < 0 {
		return EvidenceType{}, false
	}
	return c[i], true
}

// LookupEvidenceType returns the entry for code in the annexes' catalogue.
func LookupEvidenceType(code string) (EvidenceType, bool) { return Catalogue(nil).Lookup(code) }

// Prepare validates a new case for creation, assigns ids to family members
// and evidence, and sets evidence strength from the annexes' catalogue.
func (n *NewCase) Prepare(newID func() string, today civil.Date) error {
	return n.PrepareWith(newID, today, nil)
}

// PrepareWith is Prepare with the evidence catalogue in use.
func (n *NewCase) PrepareWith(newID func() string, today civil.Date, cat Catalogue) error {
	var v Validation
	switch n.Type {
	case TypeReadmission:
		if !slices.Contains([]Procedure{ProcedureNormal, ProcedureAccelerated}, n.Procedure) {
			v.Add("procedure", "field.procedure.required")
		}
		if !slices.Contains([]Category{CategoryOwnNational, CategoryThirdCountryNational, CategoryStateless}, n.Category) {
			v.Add("category", "field.category.required")
		}
	case TypeTransit:
		if n.Procedure != "" {
			v.Add("procedure", "field.procedure_category.transit")
		}
		if n.Category != "" {
			v.Add("category", "field.procedure_category.transit")
		}
	default:
		v.Add("type", "field.type.required")
	}
	v.Require("requesting_reference", n.RequestingReference, "field.requesting_reference.required")
	if len(n.RequestingReference) > 64 {
		v.Add("requesting_reference", "field.too_long", "max", 64)
	}
	for i, f := range n.Flags {
		if !slices.Contains(SafeguardFlags, f) {
			v.Add(fmt.Sprintf("flags[%d]", i), "field.flags.choose", "flags", SafeguardFlags)
		}
	}
	if t := n.Application.Transit; t != nil && t.ExecutedOn != nil {
		// Nothing is accepted that is not the sender's to say: the border
		// post records the transit (record_transit).
		v.Add("transit.executed_on", "field.transit.executed_on.border_post")
	}
	validateApplication(&v, n.Type, n.Procedure, n.Category, &n.Application, false, today, cat)
	if err := v.Err(); err != nil {
		return err
	}
	for i := range n.Family {
		n.Family[i].ID = newID()
	}
	for i := range n.Evidence {
		n.Evidence[i].ID = newID()
		et, _ := cat.Lookup(n.Evidence[i].Type)
		n.Evidence[i].Strength = et.Strength
	}
	return nil
}

// ValidateApplication checks an application; complete requires everything a
// submission needs (DOMAIN.md §3), otherwise only what a draft needs.
func ValidateApplication(t CaseType, p Procedure, c Category, app *Application, complete bool, today civil.Date) error {
	return ValidateApplicationWith(t, p, c, app, complete, today, nil)
}

// ValidateApplicationWith is ValidateApplication with the evidence catalogue in use.
func ValidateApplicationWith(t CaseType, p Procedure, c Category, app *Application, complete bool, today civil.Date, cat Catalogue) error {
	var v Validation
	validateApplication(&v, t, p, c, app, complete, today, cat)
	return v.Err()
}

// nameParts yields each name part of an application with its field: the
// person's names in every script, other names and parents' names, and the
// family members' names.
func nameParts(app *Application) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		per := app.Person
		parts := [][2]string{{"person.surname", per.Surname}, {"person.given_names", per.GivenNames},
			{"person.father_name", per.FatherName}, {"person.mother_name", per.MotherName}}
		if o := per.OriginalScript; o != nil {
			parts = append(parts, [2]string{"person.original_script.surname", o.Surname}, [2]string{"person.original_script.given_names", o.GivenNames})
		}
		for i, o := range per.OtherNames {
			key := fmt.Sprintf("person.other_names[%d]", i)
			parts = append(parts, [2]string{key + ".surname", o.Surname}, [2]string{key + ".given_names", o.GivenNames})
		}
		for i, f := range app.Family {
			key := fmt.Sprintf("family[%d]", i)
			parts = append(parts, [2]string{key + ".surname", f.Surname}, [2]string{key + ".given_names", f.GivenNames})
		}
		for _, p := range parts {
			if !yield(p[0], p[1]) {
				return
			}
		}
	}
}

func validateApplication(v *Validation, t CaseType, p Procedure, c Category, app *Application, complete bool, today civil.Date, cat Catalogue) {
	per := app.Person
	v.Require("person.surname", per.Surname, "field.person.surname.required")
	// A person with one name has it as the surname and no given names
	// (ICAO Doc 9303): given names are never required, but a name part
	// that is given holds a letter.
	for field, name := range nameParts(app) {
		if strings.TrimSpace(name) != "" && !strings.ContainsFunc(name, unicode.IsLetter) {
			v.Add(field, "field.name.no_letter")
		}
	}
	if complete {
		if per.DateOfBirth.IsZero() {
			v.Add("person.date_of_birth", "field.person.date_of_birth.required")
		}
	}
	if !per.DateOfBirth.IsZero() && per.DateOfBirth.Earliest().After(today) {
		v.Add("person.date_of_birth", "field.date_of_birth.future")
	}
	// The description of care needs is health data shared with the
	// person's express consent; the escort and contagion facts the handover
	// needs pass without it.
	if strings.TrimSpace(app.Special.Health) != "" && !app.Special.CareConsent {
		v.Add("special.health", "field.special.health.consent")
	}
	// A nationality is a code of the list (Countries), never free text.
	for field, code := range map[string]string{"person.nationality": per.Nationality, "person.previous_nationality": per.PreviousNation} {
		if code != "" && !IsCountry(code) {
			v.Add(field, "field.country.unknown")
		}
	}
	if per.Sex != "" && !slices.Contains([]string{"F", "M", "X"}, per.Sex) {
		v.Add("person.sex", "field.person.sex.invalid")
	}
	for i, f := range app.Family {
		key := fmt.Sprintf("family[%d]", i)
		if !slices.Contains([]string{"spouse", "child"}, f.Relationship) {
			v.Add(key+".relationship", "field.family.relationship.required")
		}
		v.Require(key+".surname", f.Surname, "field.family.surname.required")
		if f.Nationality != "" && !IsCountry(f.Nationality) {
			v.Add(key+".nationality", "field.country.unknown")
		}
		if !f.DateOfBirth.IsZero() && f.DateOfBirth.Earliest().After(today) {
			v.Add(key+".date_of_birth", "field.date_of_birth.future")
		}
	}
	for i, e := range app.Evidence {
		key := fmt.Sprintf("evidence[%d]", i)
		if _, ok := cat.Lookup(e.Type); !ok {
			v.Add(key+".type", "field.evidence.type.required")
		}
		if e.IssuedOn != nil && e.IssuedOn.After(today) {
			v.Add(key+".issued_on", "field.evidence.issued_on.future")
		}
	}
	validateObstacle(v, c, app, today)
	for _, d := range []struct {
		field string
		date  *civil.Date
	}{{"apprehended_on", app.ApprehendedOn}, {"facts_known_on", app.FactsKnownOn}, {"obstacle_removed_on", app.ObstacleRemovedOn}} {
		if d.date != nil && d.date.After(today) {
			v.Add(d.field, "field.date.future")
		}
	}
	switch t {
	case TypeTransit:
		tr := app.Transit
		if tr == nil {
			v.Add("transit", "field.transit.required")
			return
		}
		v.Require("transit.itinerary", tr.Itinerary, "field.transit.itinerary.required")
		v.Require("transit.final_destination", tr.FinalDestination, "field.transit.final_destination.required")
		// The destination is a state of the list, not a code of no state.
		if tr.FinalDestination != "" && (!IsCountry(tr.FinalDestination) || slices.Contains(NoStateCountries, tr.FinalDestination)) {
			v.Add("transit.final_destination", "field.country.unknown")
		}
		v.Require("transit.entry_point", tr.EntryPoint, "field.entry_point.required")
		if tr.TransitOn.IsZero() {
			v.Add("transit.transit_on", "field.transit.transit_on.required")
		}
		if tr.Escorts < 0 {
			v.Add("transit.escorts", "field.escorts.negative")
		}
	case TypeReadmission:
		if app.Transit != nil {
			v.Add("transit", "field.transit.not_transit")
		}
		if complete {
			if len(app.Evidence) == 0 && !app.InterviewRequested {
				v.Add("evidence", "field.evidence.required")
			}
			if p == ProcedureAccelerated && app.ApprehendedOn == nil {
				v.Add("apprehended_on", "field.apprehended_on.required")
			}
		}
	}
}

// NewCaseFrom builds the draft case for n, created by actor a at now.
func NewCaseFrom(n NewCase, a Actor, id, reference, requestedState, profileID string, profileVersion int, now time.Time) *Case {
	c := &Case{
		ID: id, Reference: reference, Type: n.Type, Status: StateDraft, Version: 1,
		ProfileID: profileID, ProfileVersion: profileVersion, RequestedState: requestedState,
		RequestingState: a.Org.State, RequestingOrgID: a.Org.ID, RequestingReference: n.RequestingReference,
		Procedure: n.Procedure, Category: n.Category, NoApplication: n.NoApplication,
		Application: n.Application, AssignedTo: "", Deadlines: []Deadline{}, CreatedAt: now, UpdatedAt: now,
	}
	if n.PreviousCaseID != "" {
		prev := n.PreviousCaseID
		c.PreviousCaseID = &prev
	}
	for _, f := range n.Flags {
		c.Flags = append(c.Flags, Flag{Code: f, RaisedAt: now, NoteKey: "note.flag.raised_by_requesting_state"})
	}
	c.Timeline = []Event{{At: now, Action: ActCreate, To: string(StateDraft), ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID}}
	return c
}

// validateObstacle checks the obstacle stated for a late application: only
// for third-country nationals and stateless persons, with the date the facts
// became known, what the obstacle was and the day it was removed, both.
func validateObstacle(v *Validation, c Category, app *Application, today civil.Date) {
	what, on := strings.TrimSpace(app.Obstacle), app.ObstacleRemovedOn
	if what == "" && on == nil {
		return
	}
	if c == CategoryOwnNational {
		v.Add("obstacle", "field.obstacle.own_national")
		return
	}
	if what == "" {
		v.Add("obstacle", "field.obstacle.required")
	}
	if on == nil {
		v.Add("obstacle_removed_on", "field.obstacle_removed_on.required")
	}
	if app.FactsKnownOn == nil {
		v.Add("facts_known_on", "field.facts_known_on.obstacle")
	} else if on != nil && on.Before(*app.FactsKnownOn) {
		v.Add("obstacle_removed_on", "field.obstacle_removed_on.before_facts", "date", *app.FactsKnownOn)
	}
}
