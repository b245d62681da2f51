// Package civil holds the calendar date type used for every date of the law:
// a day in a state's civil calendar, with no time of day and no time zone.
package civil

import (
	"fmt"
	"time"
)

// Date is a civil date (year, month, day) in the proleptic Gregorian calendar.
// The zero Date is not a valid date; IsZero reports it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// New returns the date y-m-d, normalising out-of-range months and days the way
// time.Date does (2026-02-30 becomes 2026-03-02).
func New(y int, m time.Month, d int) Date {
	return Of(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// Of returns the civil date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// In returns the civil date of the instant t as seen in loc, for example the
// requested state's date at the moment an application arrived.
func In(t time.Time, loc *time.Location) Date {
	return Of(t.In(loc))
}

// Parse reads a date written as YYYY-MM-DD and rejects impossible dates.
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("civil: %q is not a date in the form YYYY-MM-DD", s)
	}
	return Of(t), nil
}

// MustParse is Parse for constants in tests and embedded data; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns noon UTC of the date, a stable instant for date arithmetic.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (n may be negative).
func (d Date) AddDays(n int) Date {
	return New(d.Year, d.Month, d.Day+n)
}

// AddMonths returns the same day number n months later, or the last day of that
// month where it has no such day (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day
	if day > last {
		day = last
	}
	return Date{Year: first.Year(), Month: first.Month(), Day: day}
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// DaysUntil returns the number of days from d to e (negative when e is before d).
func (d Date) DaysUntil(e Date) int {
	return int(e.Time().Sub(d.Time()).Round(time.Hour).Hours() / 24)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// MarshalText writes the date as YYYY-MM-DD (JSON: a string, or null via pointers).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date written as YYYY-MM-DD; an empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
