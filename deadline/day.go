package deadline

import (
	"time"

	"github.com/ercms/ercms/civil"
)

// The engine counts on day numbers (days since 1970-01-01) so that stepping a
// day is an addition; civil.Date is used at the edges only.

const secondsPerDay = 86400

// dayNumber returns the number of days from 1970-01-01 to d.
func dayNumber(d civil.Date) int {
	s := d.Time().Unix() // noon UTC
	n := s / secondsPerDay
	if s < 0 && s%secondsPerDay != 0 {
		n-- // floor division for dates before 1970
	}
	return int(n)
}

// dateOf is the inverse of dayNumber.
func dateOf(n int) civil.Date {
	return civil.Of(time.Unix(int64(n)*secondsPerDay, 0).UTC())
}

// weekdayOf returns the weekday of day number n (day 0 was a Thursday).
func weekdayOf(n int) time.Weekday {
	return time.Weekday(((n % 7) + 7 + int(time.Thursday)) % 7)
}

// isWeekend reports whether day number n is a Saturday or a Sunday.
func isWeekend(n int) bool {
	w := weekdayOf(n)
	return w == time.Saturday || w == time.Sunday
}

// validDate reports whether d is a real date (not zero, not 2026-02-30).
func validDate(d civil.Date) bool {
	return !d.IsZero() && civil.New(d.Year, d.Month, d.Day) == d
}
