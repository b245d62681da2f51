package ercms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
)

// CaseType tells a readmission case from a transit request.
type CaseType string

// Case types.
const (
	TypeReadmission CaseType = "readmission"
	TypeTransit     CaseType = "transit"
)

// Procedure is the readmission procedure.
type Procedure string

// Procedures.
const (
	ProcedureNormal      Procedure = "normal"
	ProcedureAccelerated Procedure = "accelerated" // apprehended in the border region right after an irregular crossing
)

// Category is whom the application concerns.
type Category string

// Categories.
const (
	CategoryOwnNational          Category = "own_national"
	CategoryThirdCountryNational Category = "third_country_national"
	CategoryStateless            Category = "stateless"
)

// PartialDate is a date of birth that may be known only to the year or the
// month: "1987", "1987-04" or "1987-04-12".
type PartialDate struct {
	Year  int
	Month int // 0 when unknown
	Day   int // 0 when unknown
}

// ParsePartialDate reads YYYY, YYYY-MM or YYYY-MM-DD.
func ParsePartialDate(s string) (PartialDate, error) {
	bad := fmt.Errorf("enter the date as YYYY-MM-DD, or YYYY-MM or YYYY when the day or month is unknown")
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) == 0 || len(parts) > 3 || len(parts[0]) != 4 {
		return PartialDate{}, bad
	}
	var p PartialDate
	var err error
	if p.Year, err = strconv.Atoi(parts[0]); err != nil || p.Year < 1850 || p.Year > 2200 {
		return PartialDate{}, bad
	}
	if len(parts) >= 2 {
		if len(parts[1]) != 2 {
			return PartialDate{}, bad
		}
		if p.Month, err = strconv.Atoi(parts[1]); err != nil || p.Month < 1 || p.Month > 12 {
			return PartialDate{}, bad
		}
	}
	if len(parts) == 3 {
		if _, err := civil.Parse(s); err != nil {
			return PartialDate{}, bad
		}
		p.Day, _ = strconv.Atoi(parts[2])
	}
	return p, nil
}

// String writes the date in its partial form.
func (p PartialDate) String() string {
	switch {
	case p.Year == 0:
		return ""
	case p.Month == 0:
		return fmt.Sprintf("%04d", p.Year)
	case p.Day == 0:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", p.Year, p.Month, p.Day)
}

// IsZero reports whether no date is set.
func (p PartialDate) IsZero() bool { return p.Year == 0 }

// Earliest returns the first day the partial date may stand for.
func (p PartialDate) Earliest() civil.Date {
	m, d := max(p.Month, 1), max(p.Day, 1)
	return civil.Date{Year: p.Year, Month: time.Month(m), Day: d}
}

// MarshalText writes the partial form.
func (p PartialDate) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads the partial form; empty text is the zero value.
func (p *PartialDate) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = PartialDate{}
		return nil
	}
	v, err := ParsePartialDate(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Name is a person's name as written in one document or script. Original is
// as written (any script); Latin is its Latin transliteration.
type Name struct {
	Surname    string `json:"surname"`
	GivenNames string `json:"given_names"`
	// Script of the original: "Latn", "Cyrl", "Arab", … (ISO 15924), optional.
	Script string `json:"script,omitempty"`
}

// Person holds the particulars of the person to be readmitted (DOMAIN.md §3).
type Person struct {
	Surname         string      `json:"surname"`
	GivenNames      string      `json:"given_names"`
	OriginalScript  *Name       `json:"original_script,omitempty"`
	OtherNames      []Name      `json:"other_names,omitempty"` // earlier, maiden names and aliases
	Sex             string      `json:"sex,omitempty"`         // "F", "M", "X"
	DateOfBirth     PartialDate `json:"date_of_birth"`
	PlaceOfBirth    string      `json:"place_of_birth,omitempty"`
	Description     string      `json:"physical_description,omitempty"`
	Nationality     string      `json:"nationality,omitempty"`          // claimed, a code of Countries: ISO alpha-2, XXA for stateless
	PreviousNation  string      `json:"previous_nationality,omitempty"` // a code of Countries, e.g. SU
	Languages       []string    `json:"languages,omitempty"`
	CivilStatus     string      `json:"civil_status,omitempty"`
	FatherName      string      `json:"father_name,omitempty"`
	MotherName      string      `json:"mother_name,omitempty"`
	LastAddress     string      `json:"last_address_requested_state,omitempty"`
	DocumentNumbers []string    `json:"document_numbers,omitempty"`
	HasPhoto        bool        `json:"has_photo,omitempty"`
	HasFingerprints bool        `json:"has_fingerprints,omitempty"`
}

// FamilyMember is a spouse or minor unmarried child covered by the same application.
type FamilyMember struct {
	ID           string      `json:"id"`
	Relationship string      `json:"relationship"` // spouse, child
	Surname      string      `json:"surname"`
	GivenNames   string      `json:"given_names"`
	Sex          string      `json:"sex,omitempty"`
	DateOfBirth  PartialDate `json:"date_of_birth"`
	Nationality  string      `json:"nationality,omitempty"` // a code of Countries
}

// Strength is the weight of an evidence item (DOMAIN.md §4).
type Strength string

// Evidence strengths.
const (
	StrengthProof      Strength = "proof"
	StrengthPrimaFacie Strength = "prima_facie"
)

// Evidence is one item supporting the application.
type Evidence struct {
	ID        string      `json:"id"`
	Type      string      `json:"type"` // a code of the evidence catalogue, e.g. national_passport
	Strength  Strength    `json:"strength"`
	Number    string      `json:"document_number,omitempty"`
	IssuedOn  *civil.Date `json:"issued_on,omitempty"`
	IssuedAt  string      `json:"issued_at,omitempty"`
	Authority string      `json:"authority,omitempty"`
	ExpiresOn *civil.Date `json:"expires_on,omitempty"`
	Note      string      `json:"note,omitempty"`
}

// Special holds special circumstances of the person (DOMAIN.md §3).
type Special struct {
	NeedsCare           bool   `json:"needs_care,omitempty"`
	CareConsent         bool   `json:"care_consent,omitempty"` // express consent to share care needs
	Health              string `json:"health,omitempty"`
	MedicalEscort       bool   `json:"medical_escort,omitempty"`
	ContagiousDisease   bool   `json:"contagious_disease,omitempty"`
	SecurityRisk        string `json:"security_risk,omitempty"`
	Minor               bool   `json:"minor,omitempty"`
	VictimOfTrafficking bool   `json:"victim_of_trafficking,omitempty"`
}

// Safeguard flags block the transfer until a central-authority supervisor clears them.
const (
	FlagAsylumPending = "asylum_pending"
	FlagLegalStay     = "legal_stay"
	FlagMinor         = "minor"
	FlagTrafficking   = "victim_of_trafficking"
	FlagMedical       = "medical"
)

// SafeguardFlags lists the flags that block transfer actions.
var SafeguardFlags = []string{FlagAsylumPending, FlagLegalStay, FlagMinor, FlagTrafficking, FlagMedical}

// Flag is a safeguard flag on a case; Cleared holds who cleared it and why.
type Flag struct {
	Code     string    `json:"code"`
	RaisedAt time.Time `json:"raised_at"`
	// NoteKey says why the flag was raised, as a message key; Note is the
	// English sentence of a flag raised before notes were keys.
	NoteKey   string     `json:"note_key,omitempty"`
	Note      string     `json:"note,omitempty"`
	ClearedAt *time.Time `json:"cleared_at,omitempty"`
	ClearedBy string     `json:"cleared_by,omitempty"`
	Reason    string     `json:"clear_reason,omitempty"`
}

// Transit holds the particulars of a transit request (DOMAIN.md §6).
type Transit struct {
	Itinerary        string     `json:"itinerary"`
	OtherStates      []string   `json:"other_transit_states,omitempty"`
	FinalDestination string     `json:"final_destination"`
	EntryPoint       string     `json:"entry_point"`
	TransitOn        civil.Date `json:"transit_on"`
	TransitTime      string     `json:"transit_time,omitempty"`
	Escorts          int        `json:"escorts"`
	// ExecutedOn is the requested state's date on which the border officer
	// recorded the transit (record_transit); the crossing point sees the
	// request until 30 days after it, as after a handover.
	ExecutedOn *civil.Date `json:"executed_on,omitempty"`
}

// Application is what the requesting state submits: every field the case
// holds about the person, kept together.
type Application struct {
	Person       Person         `json:"person"`
	Family       []FamilyMember `json:"family,omitempty"`
	Evidence     []Evidence     `json:"evidence,omitempty"`
	Special      Special        `json:"special_circumstances"`
	Observations string         `json:"observations,omitempty"`
	// InterviewRequested is set when the requesting state asks for a consular interview.
	InterviewRequested bool        `json:"interview_requested,omitempty"`
	ApprehendedOn      *civil.Date `json:"apprehended_on,omitempty"` // accelerated procedure
	FactsKnownOn       *civil.Date `json:"facts_known_on,omitempty"` // third-country nationals: when the requesting state learnt the facts
	// Obstacle is what kept the requesting state from applying for a
	// third-country national within the time limit, and ObstacleRemovedOn
	// the day it was removed: the limit runs "only until the obstacles are
	// removed" (DOMAIN.md §5.1), so a late application with an obstacle
	// stated is not flagged late; the central authority judges it.
	Obstacle          string      `json:"obstacle,omitempty"`
	ObstacleRemovedOn *civil.Date `json:"obstacle_removed_on,omitempty"`
	Transit           *Transit    `json:"transit,omitempty"`
}

// Decision is the outcome of a readmission or transit request, or a proposal
// waiting for sign-off.
type Decision struct {
	Outcome       string      `json:"outcome"` // approve, refuse
	Reasons       []string    `json:"reasons,omitempty"`
	Text          string      `json:"text,omitempty"`
	FamilyCovered []string    `json:"family_covered,omitempty"`
	ProposedBy    string      `json:"proposed_by,omitempty"`
	ProposedAt    time.Time   `json:"proposed_at"`
	SignedOffBy   string      `json:"signed_off_by,omitempty"`
	DecidedOn     *civil.Date `json:"decided_on,omitempty"`
	// Assistance is the assistance the requested state grants with an
	// approved transit (approve_transit), for the border crossing point.
	Assistance string `json:"assistance,omitempty"`
	// Overtaken is the proposal that was waiting for sign-off when the reply
	// time ran out (deemed approval); correct_deemed_approval restores it.
	Overtaken *Decision `json:"overtaken_proposal,omitempty"`
}

// TravelDocumentIssuer returns the state that issues c's travel document:
// the requesting member state for the EU standard travel document
// (Regulation (EU) 2016/1953), else the requested state, whose mission
// issues it.
func (c *Case) TravelDocumentIssuer() string {
	if c.TravelDocument != nil && c.TravelDocument.Kind == TravelDocumentEUStandard {
		return c.RequestingState
	}
	return c.RequestedState
}

// Kinds of travel document.
const (
	TravelDocumentNational   = "national"
	TravelDocumentEUStandard = "eu_standard"
)

// TravelDocument is the document the person travels on.
type TravelDocument struct {
	Kind       string      `json:"kind"` // national (issued by the mission), eu_standard
	Number     string      `json:"number,omitempty"`
	IssuedOn   *civil.Date `json:"issued_on,omitempty"`
	ValidUntil *civil.Date `json:"valid_until,omitempty"`
	MissionID  string      `json:"mission_id,omitempty"`
	// Signature is the signed token of the document's key fields (package
	// seal) that its QR code carries; set by the store when it is issued.
	Signature string `json:"signature,omitempty"`
}

// Transfer holds the notified transfer and its outcome.
type Transfer struct {
	Date          civil.Date  `json:"date"`
	Time          string      `json:"time,omitempty"`
	CrossingPoint string      `json:"crossing_point"`
	Flight        string      `json:"flight_or_vehicle,omitempty"`
	Escorts       int         `json:"escorts"`
	EscortNames   []string    `json:"escort_names,omitempty"`
	MedicalEscort bool        `json:"medical_escort,omitempty"`
	Security      string      `json:"security_measures,omitempty"`
	SpecialNeeds  string      `json:"special_needs,omitempty"`
	NotifiedOn    civil.Date  `json:"notified_on"`
	LateNotice    bool        `json:"late_notice,omitempty"`
	HandoverOn    *civil.Date `json:"handover_on,omitempty"`
	// HandoverNote is the English sentence of a handover recorded before
	// notes were keys; the timeline's record_handover note says it now.
	HandoverNote string `json:"handover_note,omitempty"`
	// OperationID links the transfer to a group transfer operation (one
	// flight or vehicle for several persons); set by the store only.
	OperationID string `json:"operation_id,omitempty"`
}

// Task is a verification task, a consular interview or a travel-document
// request addressed to one organisation; it has its own small lifecycle
// (open → answered, or cancelled) and does not change the case state.
type Task struct {
	ID       string      `json:"id"`
	Kind     string      `json:"kind"` // verification, interview, travel_document
	OrgID    string      `json:"organisation_id"`
	Question string      `json:"question,omitempty"`
	Mode     string      `json:"mode,omitempty"`     // interviews: in_person, video
	Language string      `json:"language,omitempty"` // interviews: interpreter language
	Status   string      `json:"status"`             // open, answered, cancelled
	SentOn   civil.Date  `json:"sent_on"`
	DueOn    *civil.Date `json:"due_on,omitempty"`
	// ScheduledAt and Place say when and where the mission holds an
	// interview (an address, or the link of a video interview).
	ScheduledAt *time.Time  `json:"scheduled_at,omitempty"`
	Place       string      `json:"place,omitempty"`
	Finding     string      `json:"finding,omitempty"` // confirmed, not_found, contradictory; interviews: outcome
	Answer      string      `json:"answer,omitempty"`
	AnsweredOn  *civil.Date `json:"answered_on,omitempty"`
}

// Task kinds and statuses.
const (
	TaskVerification   = "verification"
	TaskInterview      = "interview"
	TaskTravelDocument = "travel_document"
	TaskOpen           = "open"
	TaskAnswered       = "answered"
	TaskCancelled      = "cancelled"
)

// DeadlineStatus is the state of one clock.
type DeadlineStatus string

// Clock states.
const (
	DeadlineRunning DeadlineStatus = "running"
	DeadlineMet     DeadlineStatus = "met"
	DeadlineMissed  DeadlineStatus = "missed"
	DeadlineStopped DeadlineStatus = "stopped"
)

// Deadline is one clock of a case (LIFECYCLE.md, "Clocks in the JSON").
type Deadline struct {
	Kind   string         `json:"kind"`
	TaskID string         `json:"task_id,omitempty"`
	DueOn  *civil.Date    `json:"due_on"`
	Rule   deadline.Rule  `json:"rule"`
	Basis  string         `json:"basis"`
	Status DeadlineStatus `json:"status"`
	MetOn  *civil.Date    `json:"met_on"`
	// From is the date of the event the period counts from.
	From civil.Date `json:"from"`
	// ExtendedDays moves the due date by calendar days (extend_reply); ExtendedTo sets it (extend_transfer_window).
	ExtendedDays int         `json:"extended_days,omitempty"`
	ExtendedTo   *civil.Date `json:"extended_to,omitempty"`
	// SuspendedDays moves the due date by the days the clock stood still
	// while the agreement was suspended (EndSuspension).
	SuspendedDays int  `json:"suspended_days,omitempty"`
	Binding       bool `json:"binding"`
	BeyondData    bool `json:"beyond_holiday_data,omitempty"`
	Provisional   bool `json:"provisional,omitempty"`
}

// Event is one entry of a case's timeline, shown to everyone who may see the case.
type Event struct {
	At      time.Time `json:"at"`
	Action  string    `json:"action"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	ActorID string    `json:"actor_id,omitempty"`
	Actor   string    `json:"actor"` // username, or "system"
	OrgID   string    `json:"organisation_id,omitempty"`
	// NoteKey and NoteArgs say what happened, as a message key with its
	// arguments (Note), worded in the reader's language where shown.
	NoteKey  string         `json:"note_key,omitempty"`
	NoteArgs map[string]any `json:"note_args,omitempty"`
	// Note is what happened in English words, as events written before
	// notes were keys hold it (NoteKey empty); the API fills it with NoteKey
	// worded in the caller's language.
	Note string `json:"note,omitempty"`
	// Text is what the actor wrote with the action (a question, an answer,
	// a reason); Codes are the reason codes chosen. Both are part of the case,
	// never of the audit trail.
	Text  string   `json:"text,omitempty"`
	Codes []string `json:"codes,omitempty"`
}

// Case is a readmission case or a transit request with everything it holds.
type Case struct {
	ID                  string    `json:"id"`
	Reference           string    `json:"reference"`
	Type                CaseType  `json:"type"`
	Status              State     `json:"status"`
	Version             int       `json:"version"`
	ProfileID           string    `json:"profile"`
	ProfileVersion      int       `json:"profile_version"`
	RequestedState      string    `json:"requested_state"`
	RequestingState     string    `json:"requesting_state"`
	RequestingOrgID     string    `json:"requesting_organisation_id"`
	RequestingReference string    `json:"requesting_reference"`
	Procedure           Procedure `json:"procedure,omitempty"`
	Category            Category  `json:"category,omitempty"`
	NoApplication       bool      `json:"no_application,omitempty"`
	// WithoutNotification marks an own national returned with a valid
	// passport or identity card where the agreement needs neither an
	// application nor a written transfer notification (the profile's
	// ValidDocumentWithoutNotification): every border post of the
	// requested state sees the case from approval and records the handover
	// directly.
	WithoutNotification bool        `json:"without_notification,omitempty"`
	ReceivedOn          *civil.Date `json:"received_on"`
	// AcknowledgedOn is the date the acknowledgement of receipt was sent:
	// the date of receipt for an electronic submission, the recorded date
	// for an application that came by e-mail or on paper.
	AcknowledgedOn *civil.Date `json:"acknowledged_on,omitempty"`
	// AcknowledgedElectronically says the system's delivery receipt at an
	// electronic submission was the acknowledgement: there is none to record.
	AcknowledgedElectronically bool    `json:"acknowledged_electronically,omitempty"`
	PreviousCaseID             *string `json:"previous_case_id"`
	AssignedTo                 string  `json:"assigned_to,omitempty"`
	// Application is embedded: its fields (person, family, evidence, …) stand at the top level of the JSON.
	Application
	// PriorStatus is the state a returning action goes back to (provide_info,
	// return_proposal, correct_deemed_approval, maintain_application).
	PriorStatus State `json:"prior_status,omitempty"`
	// OuterPriors holds the prior states of enclosing requests, innermost
	// last; PriorStatus returns to the last one once its own return is done
	// (info_requested → deemed_approved → corrected → info_requested →
	// provide_info goes back to the state before the request for information).
	OuterPriors    []State         `json:"outer_priors,omitempty"`
	Decision       *Decision       `json:"decision,omitempty"`
	TravelDocument *TravelDocument `json:"travel_document,omitempty"`
	Transfer       *Transfer       `json:"transfer,omitempty"`
	Flags          []Flag          `json:"flags,omitempty"`
	Warnings       []string        `json:"warnings,omitempty"`
	// Suspension marks a running case whose agreement is suspended
	// (MarkSuspended); nil otherwise.
	Suspension *CaseSuspension `json:"suspension,omitempty"`
	Tasks      []Task          `json:"tasks,omitempty"`
	Deadlines  []Deadline      `json:"deadlines"`
	Timeline   []Event         `json:"timeline,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Warning codes shown on a case.
const (
	WarnLateSubmission = "late_submission"      // accelerated: after 2 working days; TCN: after 6 months
	WarnLateNotice     = "late_transfer_notice" // notice given inside the notice period
	// WarnLateObstacle: a third-country-national application after the
	// time limit, with the obstacle that delayed it stated (Application.Obstacle).
	WarnLateObstacle = "late_submission_obstacle"
	// WarnAgreementSuspended: the case's agreement is suspended (Case.Suspension).
	WarnAgreementSuspended = "agreement_suspended"
	WarnShortLeadTime      = "short_transit_lead_time"
	WarnOverdue            = "reply_overdue" // non-binding profiles: no deemed approval, flagged instead
	WarnBeyondData         = "deadline_beyond_holiday_data"
	WarnProvisional        = "deadline_provisional"
)

// ActiveFlags returns the codes of safeguard flags not yet cleared.
func (c *Case) ActiveFlags() []string {
	var out []string
	for _, f := range c.Flags {
		if f.ClearedAt == nil {
			out = append(out, f.Code)
		}
	}
	return out
}

// Deadline returns the clock of the given kind (and task), or nil.
func (c *Case) Deadline(kind string) *Deadline {
	for i := range c.Deadlines {
		if c.Deadlines[i].Kind == kind && c.Deadlines[i].TaskID == "" {
			return &c.Deadlines[i]
		}
	}
	return nil
}

// NextDeadline returns the running clock due first, or nil. A case at its
// end has none, and a decided case none of the verification's (a case
// decided before decisions closed its tasks may still hold them running).
func (c *Case) NextDeadline() *Deadline {
	if Terminal(c.Status) {
		return nil
	}
	decided := c.Decision != nil && c.Decision.DecidedOn != nil
	var best *Deadline
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if d.Status != DeadlineRunning || d.DueOn == nil || decided && slices.Contains(verificationClocks, d.Kind) {
			continue
		}
		if best == nil || d.DueOn.Before(*best.DueOn) {
			best = d
		}
	}
	return best
}

// DeemedApprovalDue returns, for a deemed approval, the reply deadline the
// requested state missed, which made the silence an approval; else nil.
func (c *Case) DeemedApprovalDue() *civil.Date {
	if c.Decision == nil || c.Decision.Outcome != "deemed_approval" {
		return nil
	}
	for _, d := range c.Deadlines {
		if (d.Kind == ClockReply || d.Kind == ClockReplyAccelerated) && d.Status == DeadlineMissed && d.DueOn != nil {
			return d.DueOn
		}
	}
	return nil
}

// verificationClocks are the clocks of the verification's tasks.
var verificationClocks = []string{ClockVerificationTask, ClockInterview, ClockInterviewNoMission}

// Task returns the task with the given id, or nil.
func (c *Case) Task(id string) *Task {
	for i := range c.Tasks {
		if c.Tasks[i].ID == id {
			return &c.Tasks[i]
		}
	}
	return nil
}

// HasWarning reports whether the case carries warning code w.
func (c *Case) HasWarning(w string) bool {
	for _, x := range c.Warnings {
		if x == w {
			return true
		}
	}
	return false
}

func (c *Case) warn(w string) {
	if !c.HasWarning(w) {
		c.Warnings = append(c.Warnings, w)
	}
}
