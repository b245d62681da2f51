package deadline

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms/civil"
)

var defaultSet = sync.OnceValues(Defaults)

// defaults returns the embedded Set (built once per test binary; read-only).
func defaults(t testing.TB) *Set {
	t.Helper()
	s, err := defaultSet()
	if err != nil {
		t.Fatalf("Defaults: %v", err)
	}
	return s
}

var d = civil.MustParse

// testCalendars is a calendar "XX" with weekends only for 2027 and 2028 (a
// leap year), for month ends and leap days with roll-forward.
func testCalendars(t testing.TB) *Calendars {
	t.Helper()
	c, err := NewCalendars([]Year{
		{State: "XX", Year: 2027, Status: StatusConfirmed, Source: "test"},
		{State: "XX", Year: 2028, Status: StatusConfirmed, Source: "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type want struct {
	due         string // "" when BeyondData
	provisional bool
}

// TestEUAZRules checks every rule kind of the EU–AZ profile on dates worked
// out by hand from CALENDAR.md and the member states' holidays.
func TestEUAZRules(t *testing.T) {
	s := defaults(t)
	tests := []struct {
		name, kind, member, from string
		want
		basis string
	}{
		// reply: 15 calendar days, no roll-forward.
		{"reply example", "reply", "", "2026-11-30", want{due: "2026-12-15"}, "15 calendar days from receipt on 2026-11-30"},
		{"reply into Novruz holidays stays strict", "reply", "DE", "2026-03-05", want{due: "2026-03-20"}, ""},
		{"reply ends on a Sunday across the year end", "reply", "", "2025-12-20", want{due: "2026-01-04"}, ""},
		{"reply needs no holiday data in 2028", "reply", "", "2027-12-20", want{due: "2028-01-04"}, ""},
		{"reply over a pending window is not provisional", "reply", "", "2027-03-01", want{due: "2027-03-16"}, ""},
		// reply_accelerated: 2 AZ working days.
		{"accelerated reply over Novruz+Ramazan 2026", "reply_accelerated", "", "2026-03-19", want{due: "2026-04-01"}, "2 working days (AZ calendar) from receipt on 2026-03-19"},
		{"accelerated reply over Ramazan 2025", "reply_accelerated", "", "2025-03-28", want{due: "2025-04-03"}, ""},
		{"accelerated reply over the year end", "reply_accelerated", "", "2025-12-30", want{due: "2026-01-06"}, ""},
		{"accelerated reply beyond data", "reply_accelerated", "", "2027-12-30", want{}, ""},
		{"accelerated reply over the 2027 Ramazan window", "reply_accelerated", "", "2027-03-05", want{due: "2027-03-10", provisional: true}, ""},
		{"accelerated reply before the window", "reply_accelerated", "", "2027-03-01", want{due: "2027-03-03"}, ""},
		{"accelerated reply from a Saturday", "reply_accelerated", "", "2026-06-13", want{due: "2026-06-17"}, ""},
		// submission_accelerated: requesting state's calendar.
		{"submission on German calendar over Easter", "submission_accelerated", "DE", "2026-04-02", want{due: "2026-04-08"}, "2 working days (DE calendar) from apprehension on 2026-04-02"},
		{"submission on French calendar over Easter", "submission_accelerated", "FR", "2026-04-02", want{due: "2026-04-07"}, ""},
		{"submission on German calendar over Christmas", "submission_accelerated", "DE", "2026-12-23", want{due: "2026-12-28"}, ""},
		{"submission on German calendar beyond data", "submission_accelerated", "DE", "2027-12-30", want{}, ""},
		// submission_tcn: 6 months.
		{"TCN submission to the end of February", "submission_tcn", "", "2025-08-31", want{due: "2026-02-28"}, "6 months from knowledge of the facts on 2025-08-31"},
		{"TCN submission same day number", "submission_tcn", "NL", "2026-01-15", want{due: "2026-07-15"}, ""},
		// travel_document: 5 AZ working days.
		{"travel document over Qurban 2026", "travel_document", "", "2026-05-26", want{due: "2026-06-05"}, ""},
		{"travel document over the 2027 Qurban window", "travel_document", "", "2027-05-12", want{due: "2027-05-19", provisional: true}, ""},
		{"travel document beyond data", "travel_document", "", "2027-12-24", want{}, ""},
		{"travel document validity", "travel_document_validity", "", "2026-02-10", want{due: "2026-03-12"}, ""},
		// interviews.
		{"interview over Novruz 2026", "interview", "", "2026-03-18", want{due: "2026-04-03"}, "5 working days (AZ calendar) from request on 2026-03-18"},
		{"interview without mission over Novruz 2026", "interview_no_mission", "", "2026-03-18", want{due: "2026-04-07"}, ""},
		{"interview at the end of the data", "interview", "", "2027-12-20", want{due: "2027-12-27"}, ""},
		{"verification task over Victory and Flag Day 2025", "verification_task", "", "2025-11-07", want{due: "2025-11-18"}, ""},
		{"verification task over Flag Day 2026", "verification_task", "", "2026-11-06", want{due: "2026-11-17"}, ""},
		// transfer window: 3 months.
		{"transfer window to the end of February", "transfer_window", "", "2025-11-30", want{due: "2026-02-28"}, ""},
		{"transfer window to the 31st", "transfer_window", "", "2026-05-31", want{due: "2026-08-31"}, ""},
		{"transfer window to a leap day", "transfer_window", "", "2027-11-30", want{due: "2028-02-29"}, ""},
		// transfer_notice: 3 AZ working days before (Austria 5).
		{"transfer notice", "transfer_notice", "DE", "2026-06-22", want{due: "2026-06-17"}, "3 working days (AZ calendar) before the transfer on 2026-06-22"},
		{"transfer notice before Novruz 2026", "transfer_notice", "DE", "2026-04-01", want{due: "2026-03-18"}, ""},
		{"transfer notice Germany", "transfer_notice", "DE", "2026-07-07", want{due: "2026-07-02"}, ""},
		{"transfer notice Austria", "transfer_notice", "AT", "2026-07-07", want{due: "2026-06-30"}, "5 working days (AZ calendar) before the transfer on 2026-07-07"},
		{"transfer notice Austria ends on a holiday", "transfer_notice", "AT", "2026-06-22", want{due: "2026-06-15"}, ""},
		{"transfer notice over the 2027 Ramazan window", "transfer_notice", "BE", "2027-03-15", want{due: "2027-03-10", provisional: true}, ""},
		{"transfer notice before the first year of data", "transfer_notice", "DE", "2025-01-02", want{}, ""},
		{"transfer on a Sunday", "transfer_notice", "DE", "2026-06-21", want{due: "2026-06-16"}, ""},
		// transit and money.
		{"transit lead time over the year end", "transit_lead_time", "", "2026-01-05", want{due: "2025-12-29"}, "7 calendar days before the transit on 2026-01-05"},
		{"transit reply over the year end", "transit_reply", "", "2026-12-29", want{due: "2027-01-03"}, ""},
		{"cost reimbursement over February", "cost_reimbursement", "", "2026-01-30", want{due: "2026-03-01"}, "30 calendar days from invoice on 2026-01-30"},
		{"take back to the end of February", "take_back", "", "2025-08-29", want{due: "2026-02-28"}, ""},
		{"take back to a leap day", "take_back", "", "2027-08-31", want{due: "2028-02-29"}, ""},
		{"close after handover over the year end", "close_after_handover", "", "2026-12-15", want{due: "2027-01-14"}, "30 calendar days from handover on 2026-12-15"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, st, err := Calculate(s, "eu-az", tt.member, tt.kind, d(tt.from))
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res, tt.want)
			if tt.basis != "" && res.Basis != tt.basis {
				t.Errorf("Basis = %q, want %q", res.Basis, tt.basis)
			}
			if st.Calendar == RequestingCalendar {
				t.Errorf("setting calendar not resolved: %+v", st)
			}
		})
		covered[tt.kind] = true
	}
	p, _ := s.Latest("eu-az")
	for _, k := range p.Kinds() {
		if !covered[k] {
			t.Errorf("rule kind %q has no table test", k)
		}
	}
}

func checkResult(t *testing.T, res Result, w want) {
	t.Helper()
	if w.due == "" {
		if !res.BeyondData || !res.Due.IsZero() || res.Provisional {
			t.Errorf("got %+v, want BeyondData with no date", res)
		}
		return
	}
	if res.BeyondData || res.Due != d(w.due) || res.Provisional != w.provisional {
		t.Errorf("got due %s beyond=%v provisional=%v, want due %s provisional=%v",
			res.Due, res.BeyondData, res.Provisional, w.due, w.provisional)
	}
}

func TestComputeCustomRules(t *testing.T) {
	s := defaults(t)
	az := s.Calendars()
	xx := testCalendars(t)
	roll := func(r Rule) Rule { r.RollForward = true; return r }
	cal15 := Rule{Count: 15, Unit: CalendarDays, From: "received_on", Calendar: "AZ"}
	tests := []struct {
		name string
		r    Rule
		from string
		c    *Calendars
		want
	}{
		{"roll-forward off ends on a holiday", cal15, "2026-03-05", az, want{due: "2026-03-20"}},
		{"roll-forward on runs past Novruz", roll(cal15), "2026-03-05", az, want{due: "2026-03-31"}},
		{"roll-forward over a Sunday and a moved holiday", roll(cal15), "2026-02-21", az, want{due: "2026-03-10"}},
		{"roll-forward on a working day does nothing", roll(cal15), "2026-03-16", az, want{due: "2026-03-31"}},
		{"roll-forward needs 2028 data", roll(cal15), "2027-12-17", az, want{}},
		{"without roll-forward no data is needed", cal15, "2027-12-17", az, want{due: "2028-01-01"}},
		{"roll-forward at a pending window", roll(Rule{Count: 3, Unit: CalendarDays, From: "x", Calendar: "AZ"}), "2027-03-05", az, want{due: "2027-03-09", provisional: true}},
		{"before with roll-forward", roll(Rule{Count: 7, Unit: CalendarDays, From: "transit_date", Calendar: "AZ", Before: true}), "2026-03-30", az, want{due: "2026-03-12"}},
		{"month end 31 Jan + 1 month", Rule{Count: 1, Unit: Months, From: "x"}, "2027-01-31", nil, want{due: "2027-02-28"}},
		{"month end in a leap year", Rule{Count: 1, Unit: Months, From: "x"}, "2028-01-31", nil, want{due: "2028-02-29"}},
		{"leap day + 12 months", Rule{Count: 12, Unit: Months, From: "x"}, "2028-02-29", nil, want{due: "2029-02-28"}},
		{"month end rolled forward from a Sunday", roll(Rule{Count: 1, Unit: Months, From: "x", Calendar: "XX"}), "2027-01-31", xx, want{due: "2027-03-01"}},
		{"month end on a leap day is a Tuesday", roll(Rule{Count: 1, Unit: Months, From: "x", Calendar: "XX"}), "2028-01-31", xx, want{due: "2028-02-29"}},
		{"working days over a leap day", Rule{Count: 2, Unit: WorkingDays, From: "x", Calendar: "XX"}, "2028-02-25", xx, want{due: "2028-02-29"}},
		{"working days past the test data", Rule{Count: 2, Unit: WorkingDays, From: "x", Calendar: "XX"}, "2028-12-29", xx, want{}},
		{"one calendar day onto a leap day", Rule{Count: 1, Unit: CalendarDays, From: "x"}, "2028-02-28", nil, want{due: "2028-02-29"}},
		{"month before a leap day", Rule{Count: 1, Unit: Months, From: "x", Before: true}, "2028-02-29", nil, want{due: "2028-01-31"}},
		{"month before the end of February", Rule{Count: 1, Unit: Months, From: "x", Before: true}, "2027-02-28", nil, want{due: "2027-01-31"}},
		{"month before 30 March", Rule{Count: 1, Unit: Months, From: "x", Before: true}, "2027-03-30", nil, want{due: "2027-02-28"}},
		{"AZ working days in 2028 are beyond the data", Rule{Count: 1, Unit: WorkingDays, From: "x", Calendar: "AZ"}, "2028-03-01", az, want{}},
		{"zero working days from a Sunday", Rule{Count: 0, Unit: WorkingDays, From: "x", Calendar: "AZ"}, "2026-03-22", az, want{due: "2026-03-22"}},
		{"zero working days before a Sunday", Rule{Count: 0, Unit: WorkingDays, From: "x", Calendar: "AZ", Before: true}, "2026-03-22", az, want{due: "2026-03-22"}},
		{"zero calendar days rolled forward", roll(Rule{Count: 0, Unit: CalendarDays, From: "x", Calendar: "AZ"}), "2026-03-22", az, want{due: "2026-03-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Compute(tt.r, d(tt.from), tt.c)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res, tt.want)
		})
	}
}

func TestComputeErrors(t *testing.T) {
	s := defaults(t)
	good := Rule{Count: 2, Unit: WorkingDays, From: "received_on", Calendar: "AZ"}
	tests := []struct {
		name string
		r    Rule
		from civil.Date
		c    *Calendars
		want string
		is   error
	}{
		{"unresolved requesting calendar", Rule{Count: 2, Unit: WorkingDays, From: "x", Calendar: RequestingCalendar}, d("2026-01-05"), s.Calendars(), `"requesting" must be resolved`, ErrInvalid},
		{"no calendar data", Rule{Count: 2, Unit: WorkingDays, From: "x", Calendar: "PT"}, d("2026-01-05"), s.Calendars(), "no calendar data for state PT", ErrNoCalendar},
		{"nil calendars", good, d("2026-01-05"), nil, "no calendar data", ErrNoCalendar},
		{"impossible date", good, civil.Date{Year: 2026, Month: time.February, Day: 30}, s.Calendars(), "2026-02-30 is not a date", ErrInvalid},
		{"zero date", good, civil.Date{}, s.Calendars(), "is not a date", ErrInvalid},
		{"negative count", Rule{Count: -1, Unit: CalendarDays, From: "x"}, d("2026-01-05"), nil, "count: must not be negative", ErrInvalid},
		{"unknown unit", Rule{Count: 1, Unit: "weeks", From: "x"}, d("2026-01-05"), nil, `unknown unit "weeks"`, ErrInvalid},
		{"working days without calendar", Rule{Count: 1, Unit: WorkingDays, From: "x"}, d("2026-01-05"), nil, "calendar: is missing", ErrInvalid},
		{"roll-forward on working days", Rule{Count: 1, Unit: WorkingDays, From: "x", Calendar: "AZ", RollForward: true}, d("2026-01-05"), nil, "roll_forward: applies only", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compute(tt.r, tt.from, tt.c)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want one containing %q and matching %v", err, tt.want, tt.is)
			}
		})
	}
	if _, err := Compute(Rule{Count: 3, Unit: Months, From: "x"}, d("2026-01-31"), nil); err != nil {
		t.Errorf("month rule without calendar needs no Calendars: %v", err)
	}
}

func TestDescribeRule(t *testing.T) {
	tests := []struct {
		r    Rule
		want string
	}{
		{Rule{Count: 15, Unit: CalendarDays, From: "received_on", Calendar: "AZ"}, "15 calendar days from received_on (AZ)"},
		{Rule{Count: 3, Unit: WorkingDays, From: "transfer_date", Calendar: "AZ", Before: true}, "3 working days before transfer_date (AZ)"},
		{Rule{Count: 2, Unit: WorkingDays, From: "apprehended_on", Calendar: RequestingCalendar}, "2 working days from apprehended_on (requesting state)"},
		{Rule{Count: 1, Unit: Months, From: "approved_on"}, "1 month from approved_on"},
		{Rule{Count: 1, Unit: CalendarDays, From: "x", Calendar: "DE", RollForward: true}, "1 calendar day from x (DE), a last day that is not a working day runs on to the next working day"},
	}
	for _, tt := range tests {
		if got := DescribeRule(tt.r); got != tt.want {
			t.Errorf("DescribeRule(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
	res, err := Compute(Rule{Count: 1, Unit: CalendarDays, From: "custom_event", Calendar: "AZ", RollForward: true}, d("2026-03-19"), defaults(t).Calendars())
	if err != nil {
		t.Fatal(err)
	}
	if want := "1 calendar day from the event custom_event on 2026-03-19 (a last day that is not a working day in AZ runs on to the next working day)"; res.Basis != want {
		t.Errorf("Basis = %q, want %q", res.Basis, want)
	}
}
