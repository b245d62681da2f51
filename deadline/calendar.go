package deadline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// The values of Year.Status.
const (
	// StatusConfirmed marks a year whose days off are decided.
	StatusConfirmed = "confirmed"
	// StatusProvisional marks a year computed from rules, with holidays still
	// to be decided (see Year.Pending).
	StatusProvisional = "provisional"
)

// Day is a listed day of a calendar year with its name (a holiday, a moved
// rest day, a Saturday declared a working day…): Name as the source of the
// data gives it, Names in the languages of the user interface.
type Day struct {
	Date  civil.Date `json:"date"`
	Name  string     `json:"name"`
	Names i18n.Texts `json:"names,omitempty"`
}

// NameIn names the day in the reader's language l (Name when the day has no
// name in any language of the user interface).
func (d Day) NameIn(l i18n.Lang) string { return d.Names.Or(l, d.Name) }

// Window is a span of days (both ends included) in which a holiday not yet
// decided may fall; Note says which, Notes in the languages of the user
// interface.
type Window struct {
	From  civil.Date `json:"from"`
	To    civil.Date `json:"to"`
	Note  string     `json:"note"`
	Notes i18n.Texts `json:"notes,omitempty"`
}

// NoteIn says which holiday may fall in the window in the reader's language l.
func (w Window) NoteIn(l i18n.Lang) string { return w.Notes.Or(l, w.Note) }

// Year is one state's working-day calendar for one year. Saturdays and Sundays
// are non-working days unless listed in Working; the days in NonWorking are
// non-working whatever their weekday. A day inside a Pending window keeps that
// status (so an unlisted weekday counts as a working day) but makes every
// result that depends on it provisional.
type Year struct {
	State  string `json:"state"`
	Year   int    `json:"year"`
	Status string `json:"status"` // StatusConfirmed or StatusProvisional
	Source string `json:"source"`
	// Sources is Source in the languages of the user interface.
	Sources    i18n.Texts `json:"sources,omitempty"`
	Note       string     `json:"note,omitempty"`
	NonWorking []Day      `json:"non_working"`
	Working    []Day      `json:"working"`
	Pending    []Window   `json:"pending"`
}

// SourceIn says where the year's days come from in the reader's language l
// (Source when the year has no wording in the languages of the interface).
func (y Year) SourceIn(l i18n.Lang) string { return y.Sources.Or(l, y.Source) }

// label names the year in error messages, e.g. "AZ-2026".
func (y Year) label() string { return fmt.Sprintf("%s-%d", y.State, y.Year) }

func (y Year) clone() Year {
	y.NonWorking = slices.Clone(y.NonWorking)
	y.Working = slices.Clone(y.Working)
	y.Pending = slices.Clone(y.Pending)
	return y
}

// validate adds the problems of y to ps, with field paths under prefix.
func (y Year) validate(prefix string, ps *problems) {
	if !statePattern.MatchString(y.State) {
		ps.add(join(prefix, "state"), "field.deadline.state_code", "value", y.State)
	}
	if y.Year < 1900 || y.Year > 2999 {
		ps.add(join(prefix, "year"), "field.deadline.year", "year", strconv.Itoa(y.Year))
	}
	switch y.Status {
	case StatusConfirmed, StatusProvisional:
	case "":
		ps.add(join(prefix, "status"), "field.deadline.status_missing")
	default:
		ps.add(join(prefix, "status"), "field.deadline.status_unknown", "value", y.Status)
	}
	if strings.TrimSpace(y.Source) == "" {
		ps.add(join(prefix, "source"), "field.deadline.days_source_missing")
	}
	validateTexts(join(prefix, "sources"), y.Sources, ps)
	inYear := func(path string, d civil.Date) bool {
		switch {
		case d.IsZero():
			ps.add(path, "field.deadline.missing")
		case !validDate(d):
			ps.add(path, "field.deadline.not_real_date", "value", d.String())
		case d.Year != y.Year:
			ps.add(path, "field.deadline.outside_year", "date", d.String(), "year", strconv.Itoa(y.Year))
		default:
			return true
		}
		return false
	}
	nonWorking := make(map[civil.Date]bool, len(y.NonWorking))
	for i, d := range y.NonWorking {
		path := join(prefix, fmt.Sprintf("non_working[%d]", i))
		d.validateNames(path, ps)
		if !inYear(join(path, "date"), d.Date) {
			continue
		}
		if nonWorking[d.Date] {
			ps.add(join(path, "date"), "field.deadline.non_working_twice", "date", d.Date.String())
		}
		nonWorking[d.Date] = true
	}
	working := make(map[civil.Date]bool, len(y.Working))
	for i, d := range y.Working {
		path := join(prefix, fmt.Sprintf("working[%d]", i))
		d.validateNames(path, ps)
		if !inYear(join(path, "date"), d.Date) {
			continue
		}
		switch {
		case working[d.Date]:
			ps.add(join(path, "date"), "field.deadline.working_twice", "date", d.Date.String())
		case nonWorking[d.Date]:
			ps.add(join(path, "date"), "field.deadline.working_and_non_working", "date", d.Date.String())
		case d.Date.Weekday() != time.Saturday && d.Date.Weekday() != time.Sunday:
			ps.add(join(path, "date"), "field.deadline.working_weekday", "date", d.Date.String())
		}
		working[d.Date] = true
	}
	for i, w := range y.Pending {
		path := join(prefix, fmt.Sprintf("pending[%d]", i))
		okFrom := inYear(join(path, "from"), w.From)
		okTo := inYear(join(path, "to"), w.To)
		if okFrom && okTo && w.To.Before(w.From) {
			ps.add(path, "field.deadline.ends_before", "to", w.To.String(), "from", w.From.String())
		}
		if strings.TrimSpace(w.Note) == "" {
			ps.add(join(path, "note"), "field.deadline.pending_note_missing")
		}
		validateTexts(join(path, "notes"), w.Notes, ps)
	}
	if len(y.Pending) > 0 && y.Status == StatusConfirmed {
		ps.add(join(prefix, "pending"), "field.deadline.pending_confirmed")
	}
}

// validateNames adds the problems of the day's name and names to ps.
func (d Day) validateNames(path string, ps *problems) {
	if strings.TrimSpace(d.Name) == "" {
		ps.add(join(path, "name"), "field.deadline.missing")
	}
	validateTexts(join(path, "names"), d.Names, ps)
}

// validateTexts adds a problem to ps when texts holds a language that is not
// one of the user interface.
func validateTexts(path string, texts i18n.Texts, ps *problems) {
	if unknown := texts.Unknown(); len(unknown) > 0 {
		ps.add(path, "field.deadline.ui_language", "languages", strings.Join(unknown, ", "))
	}
}

// ParseYear reads one calendar year in its JSON form and validates it. Unknown
// fields are errors.
func ParseYear(b []byte) (Year, error) {
	var y Year
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&y); err != nil {
		return Year{}, &ValidationError{Subject: "calendar year", Fields: []FieldError{notJSON(err)}}
	}
	ps := problems{subject: "calendar year " + y.label()}
	y.validate("", &ps)
	if err := ps.err(); err != nil {
		return Year{}, err
	}
	return y, nil
}

// Calendars is a validated set of working-day calendars, by state and year.
// It is immutable and safe for concurrent use; With returns a changed copy.
type Calendars struct {
	states map[string]*stateCalendar
}

// stateCalendar is one state's years, flattened into one flag byte per day
// from 1 January of the first year to 31 December of the last.
type stateCalendar struct {
	years []Year
	first int // day number of flags[0]
	flags []uint8
	names map[int]string
}

const (
	flagKnown   uint8 = 1 << iota // the day lies in a loaded year
	flagWorking                   // the day is a working day
	flagPending                   // the day lies in a pending window
)

// at returns the flags of day number n (0 when no year covers it).
func (s *stateCalendar) at(n int) uint8 {
	i := n - s.first
	if i < 0 || i >= len(s.flags) {
		return 0
	}
	return s.flags[i]
}

// NewCalendars validates the years (dates inside their year, no day both
// working and non-working, no state-year twice, …) and indexes them.
func NewCalendars(years []Year) (*Calendars, error) {
	ps := problems{subject: "calendar data"}
	byState := map[string][]Year{}
	seen := map[string]int{}
	for i, y := range years {
		label := y.label()
		y.validate(label, &ps)
		if j, dup := seen[label]; dup {
			ps.add(label, "field.deadline.given_twice", "first", j, "second", i)
			continue
		}
		seen[label] = i
		byState[y.State] = append(byState[y.State], y.clone())
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	c := &Calendars{states: make(map[string]*stateCalendar, len(byState))}
	for state, ys := range byState {
		c.states[state] = buildState(ys)
	}
	return c, nil
}

// buildState indexes one state's validated years.
func buildState(ys []Year) *stateCalendar {
	slices.SortFunc(ys, func(a, b Year) int { return a.Year - b.Year })
	first := dayNumber(civil.New(ys[0].Year, time.January, 1))
	last := dayNumber(civil.New(ys[len(ys)-1].Year, time.December, 31))
	s := &stateCalendar{years: ys, first: first, flags: make([]uint8, last-first+1), names: map[int]string{}}
	for _, y := range ys {
		start := dayNumber(civil.New(y.Year, time.January, 1))
		end := dayNumber(civil.New(y.Year, time.December, 31))
		for n := start; n <= end; n++ {
			f := flagKnown
			if !isWeekend(n) {
				f |= flagWorking
			}
			s.flags[n-first] = f
		}
		for _, d := range y.NonWorking {
			n := dayNumber(d.Date)
			s.flags[n-first] &^= flagWorking
			s.names[n] = d.Name
		}
		for _, d := range y.Working {
			n := dayNumber(d.Date)
			s.flags[n-first] |= flagWorking
			s.names[n] = d.Name
		}
		for _, w := range y.Pending {
			for n := dayNumber(w.From); n <= dayNumber(w.To); n++ {
				s.flags[n-first] |= flagPending
			}
		}
	}
	return s
}

// With returns a copy of c in which the year y of y.State replaces the one
// loaded (or is added); c itself does not change.
func (c *Calendars) With(y Year) (*Calendars, error) {
	ps := problems{subject: "calendar year " + y.label()}
	y.validate(y.label(), &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	var ys []Year
	if s := c.state(y.State); s != nil {
		for _, old := range s.years {
			if old.Year != y.Year {
				ys = append(ys, old)
			}
		}
	}
	ys = append(ys, y.clone())
	out := &Calendars{states: maps.Clone(c.states)}
	if out.states == nil {
		out.states = map[string]*stateCalendar{}
	}
	out.states[y.State] = buildState(ys)
	return out, nil
}

func (c *Calendars) state(code string) *stateCalendar {
	if c == nil {
		return nil
	}
	return c.states[code]
}

// Years returns copies of the loaded years of state, oldest first (nil when
// none is loaded).
func (c *Calendars) Years(state string) []Year {
	s := c.state(state)
	if s == nil {
		return nil
	}
	out := make([]Year, len(s.years))
	for i, y := range s.years {
		out[i] = y.clone()
	}
	return out
}

// States returns the codes of the states with at least one loaded year, sorted.
func (c *Calendars) States() []string {
	if c == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(c.states))
}

// DayInfo describes one day of a state's calendar. Working is meaningful only
// when Known (the day lies in a loaded year); Provisional says the day lies in
// a pending window; Name is the listed name of the day, if any.
type DayInfo struct {
	Working, Known, Provisional bool
	Name                        string
}

// Day describes day d of state's calendar.
func (c *Calendars) Day(state string, d civil.Date) DayInfo {
	s := c.state(state)
	if s == nil || !validDate(d) {
		return DayInfo{}
	}
	n := dayNumber(d)
	f := s.at(n)
	if f&flagKnown == 0 {
		return DayInfo{}
	}
	return DayInfo{
		Working:     f&flagWorking != 0,
		Known:       true,
		Provisional: f&flagPending != 0,
		Name:        s.names[n],
	}
}
