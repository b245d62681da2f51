package deadline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // profiles name IANA zones; work on machines without zoneinfo

	"golang.org/x/text/language"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// FingerprintFormats are the fingerprint file formats a profile may allow.
var FingerprintFormats = []string{"wsq", "iso19794_2", "iso19794_4", "ansi_nist"}

// CrossingPoint is a border crossing point (usually an airport) where persons
// are handed over.
type CrossingPoint struct {
	Code  string     `json:"code"` // e.g. the IATA code of an airport: GYD
	Name  string     `json:"name"`
	Names i18n.Texts `json:"names,omitempty"` // Name in the languages of the user interface
}

// NameIn names the crossing point in the reader's language l.
func (c CrossingPoint) NameIn(l i18n.Lang) string { return c.Names.Or(l, c.Name) }

// Override is what one member state's implementing protocol changes in a
// profile: rules (whole settings, replacing the profile's of the same kind),
// crossing points, the languages of communication and a note on the protocol.
// Empty fields keep the profile's values.
type Override struct {
	Rules          map[string]Setting `json:"rules,omitempty"`
	CrossingPoints []CrossingPoint    `json:"crossing_points,omitempty"`
	Languages      []string           `json:"languages,omitempty"`
	Note           string             `json:"note,omitempty"`
	Notes          i18n.Texts         `json:"notes,omitempty"` // Note in the languages of the user interface
}

// NoteIn gives the note on the protocol in the reader's language l.
func (o Override) NoteIn(l i18n.Lang) string { return o.Notes.Or(l, o.Note) }

// Profile is one version of an agreement (or non-binding arrangement) between
// a requested state and its partner states: its time limits and the
// parameters of its procedure. A profile is data: a second country is a new
// profile file. Profiles held by a Set are shared and must not be modified.
type Profile struct {
	ID             string     // stable identifier shared by all versions, e.g. eu-az
	Version        int        // 1, 2, …; a later version has a later EffectiveFrom
	Name           string     // English name of the agreement
	Names          i18n.Texts // Name in the languages of the user interface
	Source         string     // the legal text (or arrangement) the profile rests on
	Sources        i18n.Texts // Source in the languages of the user interface
	EffectiveFrom  civil.Date // first date of receipt this version applies to
	RequestedState string     // state code of the requested state, e.g. AZ
	TimeZone       string     // IANA zone of the requested state, e.g. Asia/Baku
	PartnerStates  []string   // member states that may submit applications

	DeemedApproval           bool // no reply in time means approval (else the case is flagged overdue)
	ReplyPausesOnInfoRequest bool // a request for information stops the reply clock until answered
	EUTravelDocumentOnLate   bool // the EU standard travel document is accepted when the travel document is late
	// SuspensionPausesClocks: while a suspension of the agreement is in
	// force, the time limits of the running cases it marks stand still.
	SuspensionPausesClocks bool
	// ValidDocumentWithoutNotification: an own national holding a valid
	// passport or identity card is returned with neither an application
	// nor a written transfer notification (as some bilateral texts say):
	// the border post records the handover of such an approved case
	// without application directly.
	ValidDocumentWithoutNotification bool
	// ObligationsFrom gives, per category of persons (own_national,
	// third_country_national, stateless), the first date of receipt the
	// agreement's obligations apply to: a transitional period, such as
	// third-country nationals three years after entry into force.
	ObligationsFrom map[string]DatedFigure
	// TransferWindowCap is the longest the requesting state may extend the
	// transfer window beyond its first end, in calendar days; nil: no cap
	// (the texts extend it for as long as the obstacles last).
	TransferWindowCap *DaysFigure

	ExtensionMaxDays   int    // longest extension of the reply time limit, in calendar days
	ExtensionMaxSource string // where ExtensionMaxDays comes from
	ExtensionMaxVerify bool   // ExtensionMaxDays still has to be checked against the legal text

	TravelDocumentValidityDays   int    // validity of the travel document, in calendar days
	TravelDocumentValiditySource string // where TravelDocumentValidityDays comes from
	TravelDocumentValidityVerify bool   // TravelDocumentValidityDays still has to be checked

	CrossingPoints []CrossingPoint // the requested state's crossing points
	// FingerprintFormats lists the fingerprint file formats the parties
	// exchange (wsq, iso19794_2, iso19794_4, ansi_nist); none: no fingerprint files.
	FingerprintFormats []string
	Rules              map[string]Setting  // time limits by kind ("reply", "transfer_notice", …)
	Overrides          map[string]Override // implementing protocols, by member state
	loc                *time.Location      // loaded by validation
}

// profileCategories are the categories of persons a profile's
// ObligationsFrom may name (ercms.Category).
var profileCategories = []string{"own_national", "third_country_national", "stateless"}

// DaysFigure is a number of days a profile rests on, with its source and
// whether it still has to be checked against the legal text.
type DaysFigure struct {
	Days   int    `json:"days"`
	Source string `json:"source"`
	Verify bool   `json:"verify,omitempty"`
}

// DatedFigure is a date a profile rests on, with its source and whether it
// still has to be checked against the legal text.
type DatedFigure struct {
	Date   civil.Date `json:"date"`
	Source string     `json:"source"`
	Verify bool       `json:"verify,omitempty"`
}

// ObligationsStart returns the first date of receipt the agreement's
// obligations apply to for persons of category, and whether there is one.
func (p *Profile) ObligationsStart(category string) (DatedFigure, bool) {
	f, ok := p.ObligationsFrom[category]
	return f, ok
}

// profileJSON is the file form of a Profile.
type profileJSON struct {
	ID                       string     `json:"id"`
	Version                  int        `json:"version"`
	Name                     string     `json:"name"`
	Names                    i18n.Texts `json:"names,omitempty"`
	Source                   string     `json:"source"`
	Sources                  i18n.Texts `json:"sources,omitempty"`
	EffectiveFrom            civil.Date `json:"effective_from"`
	RequestedState           string     `json:"requested_state"`
	TimeZone                 string     `json:"time_zone"`
	PartnerStates            []string   `json:"partner_states"`
	DeemedApproval           *bool      `json:"deemed_approval"`
	ReplyPausesOnInfoRequest *bool      `json:"reply_pauses_on_info_request"`
	EUTravelDocumentOnLate   *bool      `json:"eu_travel_document_on_late"`
	// The settings added later are optional, false or none when absent,
	// so that versions stored before read as they were.
	SuspensionPausesClocks           bool                    `json:"suspension_pauses_clocks,omitempty"`
	ValidDocumentWithoutNotification bool                    `json:"valid_document_without_notification,omitempty"`
	ObligationsFrom                  map[string]DatedFigure  `json:"obligations_from,omitempty"`
	TransferWindowCap                *DaysFigure             `json:"transfer_window_cap,omitempty"`
	ExtensionMax                     *figureJSON             `json:"extension_max"`
	TravelDocumentValidity           *figureJSON             `json:"travel_document_validity"`
	CrossingPoints                   []CrossingPoint         `json:"crossing_points"`
	FingerprintFormats               []string                `json:"fingerprint_formats,omitempty"`
	Rules                            map[string]settingJSON  `json:"rules"`
	Overrides                        map[string]overrideJSON `json:"overrides,omitempty"`
}

type figureJSON struct {
	Days   int    `json:"days"`
	Source string `json:"source"`
	Verify bool   `json:"verify,omitempty"`
}

type settingJSON struct {
	Rule
	Binding *bool      `json:"binding"`
	Source  string     `json:"source"`
	Sources i18n.Texts `json:"sources,omitempty"`
	Verify  bool       `json:"verify,omitempty"`
}

type overrideJSON struct {
	Rules          map[string]settingJSON `json:"rules,omitempty"`
	CrossingPoints []CrossingPoint        `json:"crossing_points,omitempty"`
	Languages      []string               `json:"languages,omitempty"`
	Note           string                 `json:"note,omitempty"`
	Notes          i18n.Texts             `json:"notes,omitempty"`
}

// ParseProfile reads a profile in its JSON form and validates it. Every
// problem found is reported in one *ValidationError, with the path of the
// field and what is wrong ("rules.reply.unit: unknown unit …"). Unknown fields
// are errors; the booleans of the procedure and each rule's "binding" must be
// given explicitly.
func ParseProfile(b []byte) (*Profile, error) {
	var j profileJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, &ValidationError{Subject: "profile", Fields: []FieldError{notJSON(err)}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{Subject: "profile", Fields: []FieldError{problem("", "field.deadline.trailing_data")}}
	}
	ps := problems{subject: profileSubject(j.ID, j.Version)}
	flag := func(path string, v *bool) bool {
		if v == nil {
			ps.add(path, "field.deadline.bool_missing")
			return false
		}
		return *v
	}
	figure := func(path string, f *figureJSON) figureJSON {
		if f == nil {
			ps.add(path, "field.deadline.figure_missing")
			return figureJSON{}
		}
		return *f
	}
	settings := func(path string, in map[string]settingJSON) map[string]Setting {
		if in == nil {
			return nil
		}
		out := make(map[string]Setting, len(in))
		for _, kind := range slices.Sorted(maps.Keys(in)) {
			s := in[kind]
			out[kind] = Setting{Rule: s.Rule, Binding: flag(join(join(path, kind), "binding"), s.Binding), Source: s.Source, Sources: s.Sources, Verify: s.Verify}
		}
		return out
	}
	ext := figure("extension_max", j.ExtensionMax)
	val := figure("travel_document_validity", j.TravelDocumentValidity)
	p := &Profile{
		ID:                               j.ID,
		Version:                          j.Version,
		Name:                             j.Name,
		Names:                            j.Names,
		Source:                           j.Source,
		Sources:                          j.Sources,
		EffectiveFrom:                    j.EffectiveFrom,
		RequestedState:                   j.RequestedState,
		TimeZone:                         j.TimeZone,
		PartnerStates:                    j.PartnerStates,
		DeemedApproval:                   flag("deemed_approval", j.DeemedApproval),
		ReplyPausesOnInfoRequest:         flag("reply_pauses_on_info_request", j.ReplyPausesOnInfoRequest),
		EUTravelDocumentOnLate:           flag("eu_travel_document_on_late", j.EUTravelDocumentOnLate),
		SuspensionPausesClocks:           j.SuspensionPausesClocks,
		ValidDocumentWithoutNotification: j.ValidDocumentWithoutNotification,
		ObligationsFrom:                  j.ObligationsFrom,
		TransferWindowCap:                j.TransferWindowCap,
		ExtensionMaxDays:                 ext.Days,
		ExtensionMaxSource:               ext.Source,
		ExtensionMaxVerify:               ext.Verify,
		TravelDocumentValidityDays:       val.Days,
		TravelDocumentValiditySource:     val.Source,
		TravelDocumentValidityVerify:     val.Verify,
		CrossingPoints:                   j.CrossingPoints,
		FingerprintFormats:               j.FingerprintFormats,
		Rules:                            settings("rules", j.Rules),
	}
	if j.Overrides != nil {
		p.Overrides = make(map[string]Override, len(j.Overrides))
		for _, state := range slices.Sorted(maps.Keys(j.Overrides)) {
			o := j.Overrides[state]
			p.Overrides[state] = Override{
				Rules:          settings(join(join("overrides", state), "rules"), o.Rules),
				CrossingPoints: o.CrossingPoints,
				Languages:      o.Languages,
				Note:           o.Note,
				Notes:          o.Notes,
			}
		}
	}
	p.validate(&ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// MarshalJSON writes the profile in the form ParseProfile reads.
func (p Profile) MarshalJSON() ([]byte, error) {
	settings := func(in map[string]Setting) map[string]settingJSON {
		if in == nil {
			return nil
		}
		out := make(map[string]settingJSON, len(in))
		for kind, s := range in {
			out[kind] = settingJSON{Rule: s.Rule, Binding: &s.Binding, Source: s.Source, Sources: s.Sources, Verify: s.Verify}
		}
		return out
	}
	j := profileJSON{
		ID:                               p.ID,
		Version:                          p.Version,
		Name:                             p.Name,
		Names:                            p.Names,
		Source:                           p.Source,
		Sources:                          p.Sources,
		EffectiveFrom:                    p.EffectiveFrom,
		RequestedState:                   p.RequestedState,
		TimeZone:                         p.TimeZone,
		PartnerStates:                    p.PartnerStates,
		DeemedApproval:                   &p.DeemedApproval,
		ReplyPausesOnInfoRequest:         &p.ReplyPausesOnInfoRequest,
		EUTravelDocumentOnLate:           &p.EUTravelDocumentOnLate,
		SuspensionPausesClocks:           p.SuspensionPausesClocks,
		ValidDocumentWithoutNotification: p.ValidDocumentWithoutNotification,
		ObligationsFrom:                  p.ObligationsFrom,
		TransferWindowCap:                p.TransferWindowCap,
		ExtensionMax:                     &figureJSON{Days: p.ExtensionMaxDays, Source: p.ExtensionMaxSource, Verify: p.ExtensionMaxVerify},
		TravelDocumentValidity:           &figureJSON{Days: p.TravelDocumentValidityDays, Source: p.TravelDocumentValiditySource, Verify: p.TravelDocumentValidityVerify},
		CrossingPoints:                   p.CrossingPoints,
		FingerprintFormats:               p.FingerprintFormats,
		Rules:                            settings(p.Rules),
	}
	if p.Overrides != nil {
		j.Overrides = make(map[string]overrideJSON, len(p.Overrides))
		for state, o := range p.Overrides {
			j.Overrides[state] = overrideJSON{Rules: settings(o.Rules), CrossingPoints: o.CrossingPoints, Languages: o.Languages, Note: o.Note, Notes: o.Notes}
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads and validates a profile with ParseProfile.
func (p *Profile) UnmarshalJSON(b []byte) error {
	q, err := ParseProfile(b)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}

// NameIn names the agreement in the reader's language l.
func (p *Profile) NameIn(l i18n.Lang) string { return p.Names.Or(l, p.Name) }

// SourceIn names the legal text (or arrangement) the profile rests on in the
// reader's language l (Source when the profile has no wording in the
// languages of the user interface).
func (p *Profile) SourceIn(l i18n.Lang) string { return p.Sources.Or(l, p.Source) }

func profileSubject(id string, version int) string {
	if id == "" {
		return "profile"
	}
	return fmt.Sprintf("profile %s v%d", id, version)
}

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	crossingPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]*$`)
)

// validate adds the problems of p to ps and, when the time zone is good,
// remembers its location.
func (p *Profile) validate(ps *problems) {
	switch {
	case p.ID == "":
		ps.add("id", "field.deadline.missing")
	case !idPattern.MatchString(p.ID):
		ps.add("id", "field.deadline.profile_id", "value", p.ID)
	}
	if p.Version < 1 {
		ps.add("version", "field.deadline.at_least_one", "value", p.Version)
	}
	if strings.TrimSpace(p.Name) == "" {
		ps.add("name", "field.deadline.missing")
	}
	validateTexts("names", p.Names, ps)
	validateTexts("sources", p.Sources, ps)
	switch {
	case p.EffectiveFrom.IsZero():
		ps.add("effective_from", "field.deadline.missing")
	case !validDate(p.EffectiveFrom):
		ps.add("effective_from", "field.deadline.invalid_date")
	}
	if !statePattern.MatchString(p.RequestedState) {
		ps.add("requested_state", "field.deadline.state_code", "value", p.RequestedState)
	}
	switch {
	case p.TimeZone == "":
		ps.add("time_zone", "field.deadline.time_zone_missing")
	case p.TimeZone == "Local":
		ps.add("time_zone", "field.deadline.time_zone_local", "value", p.TimeZone)
	default:
		loc, err := time.LoadLocation(p.TimeZone)
		if err != nil {
			ps.add("time_zone", "field.deadline.time_zone_unknown", "value", p.TimeZone)
		} else {
			p.loc = loc
		}
	}
	for _, cat := range slices.Sorted(maps.Keys(p.ObligationsFrom)) {
		f, path := p.ObligationsFrom[cat], join("obligations_from", cat)
		if !slices.Contains(profileCategories, cat) {
			ps.add(path, "field.deadline.category_unknown", "value", cat)
		}
		if f.Date.IsZero() || !validDate(f.Date) {
			ps.add(join(path, "date"), "field.deadline.invalid_date")
		}
		if strings.TrimSpace(f.Source) == "" {
			ps.add(join(path, "source"), "field.deadline.missing")
		}
	}
	if c := p.TransferWindowCap; c != nil {
		if c.Days < 1 {
			ps.add("transfer_window_cap.days", "field.deadline.at_least_one", "value", c.Days)
		}
		if strings.TrimSpace(c.Source) == "" {
			ps.add("transfer_window_cap.source", "field.deadline.missing")
		}
	}
	partners := map[string]bool{}
	if len(p.PartnerStates) == 0 {
		ps.add("partner_states", "field.deadline.partner_states_empty")
	}
	for i, s := range p.PartnerStates {
		path := fmt.Sprintf("partner_states[%d]", i)
		switch {
		case !statePattern.MatchString(s):
			ps.add(path, "field.deadline.state_code", "value", s)
		case s == p.RequestedState:
			ps.add(path, "field.deadline.partner_is_requested", "value", s)
		case partners[s]:
			ps.add(path, "field.deadline.listed_twice", "value", s)
		}
		partners[s] = true
	}
	if p.ExtensionMaxDays < 0 {
		ps.add("extension_max.days", "field.deadline.not_negative", "value", p.ExtensionMaxDays)
	}
	if strings.TrimSpace(p.ExtensionMaxSource) == "" {
		ps.add("extension_max.source", "field.deadline.figure_source_missing")
	}
	if p.TravelDocumentValidityDays < 1 {
		ps.add("travel_document_validity.days", "field.deadline.at_least_one", "value", p.TravelDocumentValidityDays)
	}
	if strings.TrimSpace(p.TravelDocumentValiditySource) == "" {
		ps.add("travel_document_validity.source", "field.deadline.figure_source_missing")
	}
	if len(p.CrossingPoints) == 0 {
		ps.add("crossing_points", "field.deadline.crossing_points_empty")
	}
	validateCrossingPoints("crossing_points", p.CrossingPoints, ps)
	for i, f := range p.FingerprintFormats {
		if !slices.Contains(FingerprintFormats, f) {
			ps.add(fmt.Sprintf("fingerprint_formats[%d]", i), "field.deadline.fingerprint_format", "value", f, "choices", FingerprintFormats)
		}
	}

	// A rule's calendar is the requested state's, a partner state's, or the
	// requesting state's (resolved per case).
	checkCalendar := func(path, cal string) {
		if cal != RequestingCalendar && cal != p.RequestedState && !partners[cal] {
			ps.add(path, "field.deadline.calendar_state", "value", cal, "requested", p.RequestedState)
		}
	}
	if len(p.Rules) == 0 {
		ps.add("rules", "field.deadline.rules_empty")
	}
	for _, kind := range slices.Sorted(maps.Keys(p.Rules)) {
		path := join("rules", kind)
		if !kindPattern.MatchString(kind) {
			ps.add(path, "field.deadline.rule_kind", "value", kind)
		}
		validateSetting(path, p.Rules[kind], ps, checkCalendar)
	}
	if s, ok := p.Rules["travel_document_validity"]; ok && s.Unit == CalendarDays && p.TravelDocumentValidityDays != s.Count {
		ps.add("travel_document_validity.days", "field.deadline.validity_differs", "value", p.TravelDocumentValidityDays, "count", s.Count)
	}
	for _, state := range slices.Sorted(maps.Keys(p.Overrides)) {
		o := p.Overrides[state]
		path := join("overrides", state)
		if !partners[state] {
			ps.add(path, "field.deadline.not_partner", "value", state)
		}
		for _, kind := range slices.Sorted(maps.Keys(o.Rules)) {
			rpath := join(join(path, "rules"), kind)
			if _, ok := p.Rules[kind]; !ok {
				ps.add(rpath, "field.deadline.no_rule_to_override", "rule", kind)
			}
			validateSetting(rpath, o.Rules[kind], ps, checkCalendar)
		}
		validateCrossingPoints(join(path, "crossing_points"), o.CrossingPoints, ps)
		validateTexts(join(path, "notes"), o.Notes, ps)
		for i, l := range o.Languages {
			if _, err := language.Parse(l); err != nil || l == "" {
				ps.add(join(path, fmt.Sprintf("languages[%d]", i)), "field.deadline.language_tag", "value", l)
			}
		}
	}
}

func validateSetting(path string, s Setting, ps *problems, checkCalendar func(path, cal string)) {
	validateRule(path, s.Rule, ps, checkCalendar)
	if strings.TrimSpace(s.Source) == "" {
		ps.add(join(path, "source"), "field.deadline.figure_source_missing")
	}
	validateTexts(join(path, "sources"), s.Sources, ps)
}

func validateCrossingPoints(path string, cps []CrossingPoint, ps *problems) {
	seen := map[string]bool{}
	for i, cp := range cps {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !crossingPattern.MatchString(cp.Code):
			ps.add(join(p, "code"), "field.deadline.crossing_code", "value", cp.Code)
		case seen[cp.Code]:
			ps.add(join(p, "code"), "field.deadline.listed_twice", "value", cp.Code)
		}
		seen[cp.Code] = true
		if strings.TrimSpace(cp.Name) == "" {
			ps.add(join(p, "name"), "field.deadline.missing")
		}
		validateTexts(join(p, "names"), cp.Names, ps)
	}
}

// clone returns a deep copy of p.
func (p *Profile) clone() *Profile {
	q := *p
	q.PartnerStates = slices.Clone(p.PartnerStates)
	q.CrossingPoints = slices.Clone(p.CrossingPoints)
	q.Rules = maps.Clone(p.Rules)
	if p.Overrides != nil {
		q.Overrides = make(map[string]Override, len(p.Overrides))
		for k, o := range p.Overrides {
			o.Rules = maps.Clone(o.Rules)
			o.CrossingPoints = slices.Clone(o.CrossingPoints)
			o.Languages = slices.Clone(o.Languages)
			q.Overrides[k] = o
		}
	}
	return &q
}

// Setting returns the rule of the given kind for a case of memberState: the
// member state's implementing-protocol override first, then the profile's
// default, with the RequestingCalendar placeholder replaced by memberState.
// memberState may be empty when no member state applies; a rule counting on
// the requesting state's calendar then fails.
//
// Errors: ErrUnknownKind (naming the known kinds), ErrUnknownState.
func (p *Profile) Setting(kind, memberState string) (Setting, error) {
	if memberState != "" && !slices.Contains(p.PartnerStates, memberState) {
		return Setting{}, fmt.Errorf("%w: %q is not a partner state of profile %s v%d (partner states: %s)",
			ErrUnknownState, memberState, p.ID, p.Version, strings.Join(p.PartnerStates, ", "))
	}
	s, ok := p.Overrides[memberState].Rules[kind]
	if !ok {
		s, ok = p.Rules[kind]
	}
	if !ok {
		return Setting{}, fmt.Errorf("%w: profile %s v%d has no rule %q (known kinds: %s)",
			ErrUnknownKind, p.ID, p.Version, kind, strings.Join(p.Kinds(), ", "))
	}
	if s.Calendar == RequestingCalendar {
		if memberState == "" {
			return Setting{}, fmt.Errorf("%w: rule %q of profile %s v%d counts the requesting state's working days: name the member state",
				ErrUnknownState, kind, p.ID, p.Version)
		}
		s.Calendar = memberState
	}
	return s, nil
}

// Kinds returns the profile's rule kinds, sorted.
func (p *Profile) Kinds() []string {
	return slices.Sorted(maps.Keys(p.Rules))
}

// Location returns the requested state's time zone. It is loaded once when
// the profile is validated (by ParseProfile or NewSet); for a profile built by
// hand and never validated it is loaded on each call, and UTC is returned if
// the zone is unknown.
func (p *Profile) Location() *time.Location {
	if p.loc != nil {
		return p.loc
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil || p.TimeZone == "" {
		return time.UTC
	}
	return loc
}

// ReceivedOn returns the requested state's civil date at instant t: the date
// of receipt of an application that arrived at t, whatever the sender's zone.
func (p *Profile) ReceivedOn(t time.Time) civil.Date {
	return civil.In(t, p.Location())
}

// CrossingPointsFor returns the crossing points for cases of memberState: the
// member state's protocol's, or else the profile's.
func (p *Profile) CrossingPointsFor(memberState string) []CrossingPoint {
	if o, ok := p.Overrides[memberState]; ok && len(o.CrossingPoints) > 0 {
		return slices.Clone(o.CrossingPoints)
	}
	return slices.Clone(p.CrossingPoints)
}

// Languages returns the languages of communication agreed with memberState
// (empty when the profile names none).
func (p *Profile) Languages(memberState string) []string {
	return slices.Clone(p.Overrides[memberState].Languages)
}
