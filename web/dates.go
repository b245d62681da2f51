package web

import (
	"strconv"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

// Dates are entered as day, month and year in three text fields named
// <name>.day, <name>.month and <name>.year, never with a browser's date
// picker (UI.md); this file reads them, for every form that has them.

// dateParts are the three fields of a date as typed.
type dateParts struct{ day, month, year string }

// datePartsOf reads the three fields of the date called name.
func datePartsOf(get func(string) string, name string) dateParts {
	return dateParts{day: get(name + ".day"), month: get(name + ".month"), year: get(name + ".year")}
}

// empty reports whether none of the three fields was filled in.
func (p dateParts) empty() bool { return p.day == "" && p.month == "" && p.year == "" }

// numbers reads the fields as numbers, 0 for an empty one; ok is false
// when a field is not a number in its range (a year of four digits).
func (p dateParts) numbers() (day, month, year int, ok bool) {
	num := func(s string, lo, hi int) (int, bool) {
		if s == "" {
			return 0, true
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi
	}
	var okD, okM, okY bool
	day, okD = num(p.day, 1, 31)
	month, okM = num(p.month, 1, 12)
	year, okY = num(p.year, 1000, 9999)
	return day, month, year, okD && okM && okY && len(p.year) == 4
}

// noSuchDay reports whether day does not exist in month of year (31 February).
func noSuchDay(day, month, year int) bool {
	return day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// formDate reads the date called name from three fields: nil when all are
// empty. A date not given in full is refused with invalid.date, a day the
// month does not have with invalid.date.no_such_day (message keys).
func formDate(get func(string) string, name string) (*civil.Date, string) {
	p := datePartsOf(get, name)
	if p.empty() {
		return nil, ""
	}
	day, month, year, ok := p.numbers()
	if !ok || day == 0 || month == 0 || year == 0 {
		return nil, "invalid.date"
	}
	if noSuchDay(day, month, year) {
		return nil, "invalid.date.no_such_day"
	}
	return &civil.Date{Year: year, Month: time.Month(month), Day: day}, ""
}

// formPartialDate reads a date of birth called name from three fields, each
// optional from the left: the year alone, or the month and year, when the
// rest is not known. The zero date when all are empty; a date that does not
// parse is refused with invalid.date_of_birth, a day the month does not have
// with invalid.date.no_such_day (message keys).
func formPartialDate(get func(string) string, name string) (ercms.PartialDate, string) {
	p := datePartsOf(get, name)
	if p.empty() {
		return ercms.PartialDate{}, ""
	}
	day, month, year, ok := p.numbers()
	if !ok || year == 0 || (day != 0 && month == 0) {
		return ercms.PartialDate{}, "invalid.date_of_birth"
	}
	if day != 0 && noSuchDay(day, month, year) {
		return ercms.PartialDate{}, "invalid.date.no_such_day"
	}
	d := ercms.PartialDate{Year: year, Month: month, Day: day}
	if _, err := ercms.ParsePartialDate(d.String()); err != nil { // the domain's range of years
		return ercms.PartialDate{}, "invalid.date_of_birth"
	}
	return d, ""
}

// setDate puts a date into the three fields of name, for a form filled in
// from what is kept.
func setDate(v map[string]string, name string, d *civil.Date) {
	if d == nil {
		return
	}
	v[name+".day"], v[name+".month"], v[name+".year"] = strconv.Itoa(d.Day), strconv.Itoa(int(d.Month)), strconv.Itoa(d.Year)
}

// setPartialDate puts a date of birth into the three fields of name.
func setPartialDate(v map[string]string, name string, d ercms.PartialDate) {
	if d.IsZero() {
		return
	}
	v[name+".year"] = strconv.Itoa(d.Year)
	if d.Month > 0 {
		v[name+".month"] = strconv.Itoa(d.Month)
	}
	if d.Day > 0 {
		v[name+".day"] = strconv.Itoa(d.Day)
	}
}
