package deadline

import (
	"fmt"

	"github.com/ercms/ercms/civil"
)

// Result is a due date with the rule it came from.
type Result struct {
	Due         civil.Date // zero when BeyondData
	Basis       string     // the rule applied to the event, in English: "15 calendar days from receipt on 2026-11-30"
	BeyondData  bool       // the count needed a day outside the loaded years of the calendar: never guessed
	Provisional bool       // the count depended on a day in a pending window (an undecided holiday); false when BeyondData
}

// Compute applies rule r to the date of its event (see the package
// documentation for the counting conventions). c may be nil for rules that
// need no calendar. r.Calendar must be a state code, not RequestingCalendar:
// resolve it with Profile.Setting first.
//
// Errors: an invalid rule or date (*ValidationError), or ErrNoCalendar when the
// rule needs a calendar of which c holds no year at all.
func Compute(r Rule, from civil.Date, c *Calendars) (Result, error) {
	ps := problems{subject: "rule " + DescribeRule(r)}
	validateRule("", r, &ps, func(path, cal string) { checkStateCalendar(path, cal, &ps) })
	if !validDate(from) {
		ps.add("from date", "field.deadline.not_a_date", "value", from.String())
	}
	if err := ps.err(); err != nil {
		return Result{}, err
	}
	res := Result{Basis: basis(r, from)}
	var cal *stateCalendar
	if r.needsCalendar() {
		cal = c.state(r.Calendar)
		if cal == nil {
			return Result{}, fmt.Errorf("%w for state %s (rule %s)", ErrNoCalendar, r.Calendar, DescribeRule(r))
		}
	}
	w := walker{cal: cal}
	event := dayNumber(from)
	var due int
	if r.Before {
		due = w.before(r, from, event)
	} else {
		due = w.forward(r, from, event)
	}
	if w.beyond {
		res.BeyondData = true
		return res, nil
	}
	res.Due = dateOf(due)
	res.Provisional = w.provisional
	return res, nil
}

// walker looks days up in one calendar and remembers what it met.
type walker struct {
	cal         *stateCalendar
	beyond      bool // met a day outside the loaded years
	provisional bool // met a day in a pending window
}

// look reports whether day n is a working day; ok is false (and the walker
// marked beyond) when the day is not covered by the data.
func (w *walker) look(n int) (working, ok bool) {
	f := w.cal.at(n)
	if f&flagKnown == 0 {
		w.beyond = true
		return false, false
	}
	if f&flagPending != 0 {
		w.provisional = true
	}
	return f&flagWorking != 0, true
}

// forward returns the last day of the period starting after event.
func (w *walker) forward(r Rule, from civil.Date, event int) int {
	var end int
	switch r.Unit {
	case WorkingDays:
		n := event
		for counted := 0; counted < r.Count; {
			n++
			working, ok := w.look(n)
			if !ok {
				return 0
			}
			if working {
				counted++
			}
		}
		return n
	case CalendarDays:
		end = event + r.Count
	case Months:
		end = dayNumber(from.AddMonths(r.Count))
	}
	if r.RollForward {
		for {
			working, ok := w.look(end)
			if !ok {
				return 0
			}
			if working {
				break
			}
			end++
		}
	}
	return end
}

// before returns the latest day d whose forward period ends on or before event.
func (w *walker) before(r Rule, from civil.Date, event int) int {
	if r.Unit == WorkingDays {
		if r.Count == 0 {
			return event
		}
		// The Nth working day counted back from the event (the event included)
		// must be the first day of the period: d is the day before it.
		n := event
		for counted := 0; ; n-- {
			working, ok := w.look(n)
			if !ok {
				return 0
			}
			if working {
				counted++
				if counted == r.Count {
					return n - 1
				}
			}
		}
	}
	last := event // the latest day the period itself may end on
	if r.RollForward {
		// A period ending on day e runs on to the first working day on or
		// after e; that is on or before the event exactly when e is on or
		// before the last working day on or before the event.
		for {
			working, ok := w.look(last)
			if !ok {
				return 0
			}
			if working {
				break
			}
			last--
		}
	}
	if r.Unit == CalendarDays {
		return last - r.Count
	}
	// Months: the largest d with d.AddMonths(N) <= last. Counting back N
	// months gives a day that qualifies; at most three later days may too
	// (when the month counted back is shorter).
	lastDate := dateOf(last)
	d := lastDate.AddMonths(-r.Count)
	for {
		next := d.AddDays(1)
		if next.AddMonths(r.Count).After(lastDate) {
			return dayNumber(d)
		}
		d = next
	}
}
