package deadline

import (
	"testing"

	"github.com/ercms/ercms/civil"
)

// TestSmallWorkingSaturdayShortensDeadline: a Saturday declared a working
// day (a transferred working day) counts as one, so a working-day deadline
// that crosses it ends a day earlier, and the day before it a rule that
// counts backwards begins a day later; a weekday cannot be declared one.
func TestSmallWorkingSaturdayShortensDeadline(t *testing.T) {
	c := defaults(t).Calendars()
	rule := Rule{Count: 5, Unit: WorkingDays, From: "received_on", Calendar: "AZ"}
	// Thursday 1 October 2026: Fri 2, Mon 5 … Thu 8.
	plain, err := Compute(rule, d("2026-10-01"), c)
	if err != nil || plain.Due != d("2026-10-08") {
		t.Fatalf("without a working Saturday: %+v, %v", plain, err)
	}
	var y Year
	for _, cand := range c.Years("AZ") {
		if cand.Year == 2026 {
			y = cand
		}
	}
	y.Working = append(y.Working, Day{Date: d("2026-10-03"), Name: "Working day in exchange for Friday 9 October"})
	c2, err := c.With(y)
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Day("AZ", d("2026-10-03")).Working || c2.Day("AZ", d("2026-10-04")).Working {
		t.Error("the Saturday declared a working day is not one, or the Sunday became one")
	}
	// Fri 2, Sat 3, Mon 5, Tue 6, Wed 7.
	got, err := Compute(rule, d("2026-10-01"), c2)
	if err != nil || got.Due != d("2026-10-07") {
		t.Errorf("across a working Saturday the deadline is %+v (%v), want 2026-10-07", got, err)
	}
	// A count that starts on the Saturday itself: the next day is Sunday.
	one := Rule{Count: 1, Unit: WorkingDays, From: "received_on", Calendar: "AZ"}
	if got, _ := Compute(one, d("2026-10-02"), c2); got.Due != d("2026-10-03") {
		t.Errorf("one working day after Friday 2 October is %s, want the working Saturday", got.Due)
	}
	// Counting back: 2 working days before Monday 5 October.
	back := Rule{Count: 2, Unit: WorkingDays, From: "received_on", Calendar: "AZ", Before: true}
	if a, b := mustCompute(t, back, d("2026-10-05"), c), mustCompute(t, back, d("2026-10-05"), c2); a.Due != d("2026-10-01") || b.Due != d("2026-10-02") {
		t.Errorf("2 working days before 5 October: %s without, %s with the working Saturday", a.Due, b.Due)
	}
	// A weekday is a working day already: declaring one is refused.
	y.Working = append(y.Working, Day{Date: d("2026-10-06"), Name: "Tuesday"})
	if _, err := c.With(y); err == nil {
		t.Error("a Tuesday declared a working day was accepted")
	}
}

func mustCompute(t *testing.T, r Rule, from civil.Date, c *Calendars) Result {
	t.Helper()
	res, err := Compute(r, from, c)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
