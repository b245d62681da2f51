package deadline

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// Unit is the unit a time limit is counted in.
type Unit string

// The units of a Rule.
const (
	// CalendarDays counts every day.
	CalendarDays Unit = "calendar_days"
	// WorkingDays counts only the working days of the rule's calendar.
	WorkingDays Unit = "working_days"
	// Months counts calendar months (same day number, or the month's last day).
	Months Unit = "months"
)

// RequestingCalendar is the placeholder a profile writes in Rule.Calendar for
// "the calendar of the requesting member state"; Profile.Setting replaces it
// with the member state of the case.
const RequestingCalendar = "requesting"

// MaxCount is the largest Count a rule may have (a sanity bound, not a legal one).
const MaxCount = 9999

// Rule is one time limit: Count Units from (or, when Before, before) the event
// named by From, counting the working days of Calendar where needed.
type Rule struct {
	Count       int    `json:"count"`
	Unit        Unit   `json:"unit"`
	From        string `json:"from"`                   // event that starts the period: received_on, requested_on, approved_on, transfer_date, …
	Calendar    string `json:"calendar,omitempty"`     // state whose working days count (or RequestingCalendar in a profile)
	Before      bool   `json:"before,omitempty"`       // period counted backwards from the event (notice periods)
	RollForward bool   `json:"roll_forward,omitempty"` // a calendar-day or month period ending on a non-working day runs on to the next working day
}

// Setting is a Rule as a profile ships it: whether it is a binding legal
// deadline or only a target time, where the figure comes from (Source as the
// profile's author wrote it, Sources in the languages of the user
// interface), and whether the figure still has to be verified against the
// legal text.
type Setting struct {
	Rule
	Binding bool       `json:"binding"`
	Source  string     `json:"source"`
	Sources i18n.Texts `json:"sources,omitempty"`
	Verify  bool       `json:"verify,omitempty"`
}

// SourceIn says where the figure comes from in the reader's language l
// (Source when the setting has no wording in the languages of the user
// interface).
func (s Setting) SourceIn(l i18n.Lang) string { return s.Sources.Or(l, s.Source) }

// needsCalendar reports whether the rule's result depends on working days.
func (r Rule) needsCalendar() bool {
	return r.Unit == WorkingDays || r.RollForward
}

var (
	eventPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	statePattern = regexp.MustCompile(`^[A-Z]{2}$`)
	kindPattern  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// validateRule checks the parts of a rule that do not depend on where it is
// used; checkCalendar, when not nil, judges a non-empty Calendar.
func validateRule(path string, r Rule, ps *problems, checkCalendar func(path, cal string)) {
	if r.Count < 0 {
		ps.add(join(path, "count"), "field.deadline.not_negative", "value", r.Count)
	} else if r.Count > MaxCount {
		ps.add(join(path, "count"), "field.deadline.at_most", "max", MaxCount, "value", r.Count)
	}
	switch r.Unit {
	case CalendarDays, WorkingDays, Months:
	case "":
		ps.add(join(path, "unit"), "field.deadline.unit_missing")
	default:
		ps.add(join(path, "unit"), "field.deadline.unit_unknown", "value", string(r.Unit))
	}
	switch {
	case r.From == "":
		ps.add(join(path, "from"), "field.deadline.from_missing")
	case !eventPattern.MatchString(r.From):
		ps.add(join(path, "from"), "field.deadline.event_name", "value", r.From)
	}
	if r.RollForward && r.Unit == WorkingDays {
		ps.add(join(path, "roll_forward"), "field.deadline.roll_forward_working")
	}
	switch {
	case r.Calendar == "" && r.Unit == WorkingDays:
		ps.add(join(path, "calendar"), "field.deadline.calendar_missing_working")
	case r.Calendar == "" && r.RollForward:
		ps.add(join(path, "calendar"), "field.deadline.calendar_missing_roll")
	case r.Calendar != "" && checkCalendar != nil:
		checkCalendar(join(path, "calendar"), r.Calendar)
	}
}

// checkStateCalendar accepts a resolved state code only (used by Compute).
func checkStateCalendar(path, cal string, ps *problems) {
	switch {
	case cal == RequestingCalendar:
		ps.add(path, "field.deadline.calendar_unresolved", "value", cal)
	case !statePattern.MatchString(cal):
		ps.add(path, "field.deadline.state_code", "value", cal)
	}
}

// DescribeRule writes a rule in short English for lists and logs, for example
// "15 calendar days from received_on (AZ)" or
// "3 working days before transfer_date (AZ)".
func DescribeRule(r Rule) string {
	var b strings.Builder
	b.WriteString(countUnit(r.Count, r.Unit))
	if r.Before {
		b.WriteString(" before ")
	} else {
		b.WriteString(" from ")
	}
	b.WriteString(r.From)
	switch r.Calendar {
	case "":
	case RequestingCalendar:
		b.WriteString(" (requesting state)")
	default:
		b.WriteString(" (" + r.Calendar + ")")
	}
	if r.RollForward {
		b.WriteString(", a last day that is not a working day runs on to the next working day")
	}
	return b.String()
}

// basis writes the rule applied to a date, for Result.Basis.
func basis(r Rule, from civil.Date) string {
	var b strings.Builder
	b.WriteString(countUnit(r.Count, r.Unit))
	if r.Unit == WorkingDays {
		b.WriteString(" (" + r.Calendar + " calendar)")
	}
	if r.Before {
		b.WriteString(" before ")
	} else {
		b.WriteString(" from ")
	}
	b.WriteString(eventNoun(r.From))
	b.WriteString(" on ")
	b.WriteString(from.String())
	if r.RollForward {
		b.WriteString(" (a last day that is not a working day in " + r.Calendar + " runs on to the next working day)")
	}
	return b.String()
}

func countUnit(n int, u Unit) string {
	var word string
	switch u {
	case CalendarDays:
		word = "calendar day"
	case WorkingDays:
		word = "working day"
	case Months:
		word = "month"
	default:
		word = string(u)
	}
	if n != 1 {
		word += "s"
	}
	return strconv.Itoa(n) + " " + word
}

// eventNouns words the usual events for Result.Basis; other events are
// written as "the event <name>".
var eventNouns = map[string]string{
	"received_on":     "receipt",
	"acknowledged_on": "acknowledgement of receipt",
	"requested_on":    "request",
	"apprehended_on":  "apprehension",
	"facts_known_on":  "knowledge of the facts",
	"issued_on":       "issue",
	"sent_on":         "dispatch",
	"approved_on":     "approval",
	"transfer_date":   "the transfer",
	"transit_date":    "the transit",
	"invoiced_on":     "invoice",
	"transferred_on":  "handover",
}

func eventNoun(from string) string {
	if n, ok := eventNouns[from]; ok {
		return n
	}
	return "the event " + from
}
