package deadline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms/civil"
)

// TestAzerbaijanData checks the embedded AZ years against CALENDAR.md.
func TestAzerbaijanData(t *testing.T) {
	c := defaults(t).Calendars()
	// Weekdays off, as CALENDAR.md lists them (plus 9 November 2026, State
	// Flag Day on a Monday, which the table omits; see AZ-2026.json).
	wantOff := map[int][]string{
		2025: {"01-01", "01-02", "01-03", "03-10", "03-20", "03-21", "03-24", "03-25", "03-26", "03-31", "04-01",
			"05-09", "05-28", "06-06", "06-09", "06-16", "06-26", "11-10", "11-11", "12-31"},
		2026: {"01-01", "01-02", "03-09", "03-20", "03-23", "03-24", "03-25", "03-26", "03-27", "03-30", "05-11",
			"05-27", "05-28", "05-29", "06-15", "06-26", "11-09", "11-10", "12-31"},
		// Fixed holidays and Novruz, weekend holidays moved to the next working day.
		2027: {"01-01", "01-04", "03-08", "03-22", "03-23", "03-24", "03-25", "03-26", "05-10", "05-28", "06-15",
			"06-28", "11-08", "11-09", "12-31"},
	}
	for year, days := range wantOff {
		off := map[civil.Date]bool{}
		for _, md := range days {
			off[d(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-")+md)] = true
		}
		for day := civil.New(year, 1, 1); day.Year == year; day = day.AddDays(1) {
			info := c.Day("AZ", day)
			weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
			if !info.Known || info.Working != (!weekend && !off[day]) {
				t.Errorf("AZ %s (%s): %+v, want working=%v", day, day.Weekday(), info, !weekend && !off[day])
			}
			if off[day] && (weekend || info.Name == "") {
				t.Errorf("AZ %s: listed day off is a weekend day or has no name", day)
			}
		}
	}
	for day := d("2026-03-20"); !day.After(d("2026-03-30")); day = day.AddDays(1) {
		if c.Day("AZ", day).Working {
			t.Errorf("Novruz 2026: %s is a working day", day)
		}
	}
	if !c.Day("AZ", d("2026-03-31")).Working {
		t.Error("31 March 2026 must be the first working day after Novruz")
	}
	years := c.Years("AZ")
	if len(years) != 3 || years[0].Status != StatusConfirmed || years[1].Status != StatusConfirmed || years[2].Status != StatusProvisional {
		t.Fatalf("AZ years: %+v", years)
	}
	for _, y := range years {
		if y.Source == "" || !strings.Contains(y.Note, "confirmed each year") {
			t.Errorf("AZ %d: source %q, note %q", y.Year, y.Source, y.Note)
		}
	}
	p := years[2].Pending
	if len(p) != 2 || p[0].From != d("2027-03-08") || p[0].To != d("2027-03-12") || p[1].From != d("2027-05-14") || p[1].To != d("2027-05-19") {
		t.Errorf("2027 pending windows: %+v", p)
	}
	if info := c.Day("AZ", d("2027-03-10")); !info.Provisional || !info.Working {
		t.Errorf("2027-03-10: %+v, want a provisional working day", info)
	}
	if info := c.Day("AZ", d("2028-01-03")); info.Known || info.Working {
		t.Errorf("2028 must be unknown: %+v", info)
	}
	if info := c.Day("AZ", d("2025-03-31")); info.Name != "Ramazan Bayram" {
		t.Errorf("2025-03-31 name %q", info.Name)
	}
}

func TestMemberStateData(t *testing.T) {
	c := defaults(t).Calendars()
	tests := []struct {
		state, date string
		working     bool
	}{
		{"DE", "2026-04-03", false}, // Karfreitag
		{"DE", "2026-04-06", false}, // Ostermontag
		{"DE", "2026-12-24", true},  // not a national holiday
		{"DE", "2026-01-06", true},  // regional only (Heilige Drei Könige)
		{"AT", "2026-01-06", false}, // national in Austria
		{"AT", "2026-10-26", false}, // Nationalfeiertag
		{"FR", "2026-04-03", true},  // no Good Friday in France
		{"FR", "2026-07-14", false},
		{"BE", "2026-07-21", false},
		{"NL", "2026-04-27", false}, // Koningsdag
		{"NL", "2026-05-05", false}, // Bevrijdingsdag, as the library lists it
		{"SE", "2026-12-24", true},  // Julafton: de facto, not a legal holiday
		{"BG", "2026-09-07", false}, // observed on Monday
		{"DE", "2026-03-20", true},  // Novruz is no German holiday
	}
	for _, tt := range tests {
		if info := c.Day(tt.state, d(tt.date)); !info.Known || info.Working != tt.working {
			t.Errorf("%s %s: %+v, want working=%v", tt.state, tt.date, info, tt.working)
		}
	}
	for _, st := range []string{"AT", "BE", "DE", "FR", "NL"} {
		ys := c.Years(st)
		if len(ys) != 3 || ys[0].Year != 2025 || ys[2].Year != 2027 || !strings.Contains(ys[0].Source, "national public holidays only") {
			t.Errorf("%s years: %d, %+v", st, len(ys), ys)
		}
	}
	if info := c.Day("DE", d("2028-01-03")); info.Known {
		t.Error("DE 2028 must be unknown")
	}
}

func year(state string, y int) Year {
	return Year{State: state, Year: y, Status: StatusConfirmed, Source: "test"}
}

func TestCalendarValidation(t *testing.T) {
	tests := []struct {
		name  string
		years []Year
		want  []string
	}{
		{"date outside its year", []Year{func() Year {
			y := year("AZ", 2026)
			y.NonWorking = []Day{{Date: d("2025-12-31"), Name: "Solidarity"}}
			return y
		}()}, []string{"AZ-2026.non_working[0].date: 31 December 2025 is outside the year 2026"}},
		{"working and non-working", []Year{func() Year {
			y := year("AZ", 2026)
			y.NonWorking = []Day{{Date: d("2026-03-21"), Name: "Novruz"}}
			y.Working = []Day{{Date: d("2026-03-21"), Name: "Swapped Saturday"}}
			return y
		}()}, []string{"AZ-2026.working[0].date: 21 March 2026 is listed both as a working and as a non-working day"}},
		{"weekday declared working", []Year{func() Year {
			y := year("AZ", 2026)
			y.Working = []Day{{Date: d("2026-03-03"), Name: "Tuesday"}}
			return y
		}()}, []string{"AZ-2026.working[0].date: 3 March 2026 is not a Saturday or a Sunday"}},
		{"listed twice and without name", []Year{func() Year {
			y := year("AZ", 2026)
			y.NonWorking = []Day{{Date: d("2026-01-01"), Name: "New Year"}, {Date: d("2026-01-01")}}
			return y
		}()}, []string{"AZ-2026.non_working[1].name: is missing", "AZ-2026.non_working[1].date: 1 January 2026 is listed twice"}},
		{"missing date", []Year{func() Year {
			y := year("AZ", 2026)
			y.NonWorking = []Day{{Name: "New Year"}}
			return y
		}()}, []string{"AZ-2026.non_working[0].date: is missing"}},
		{"impossible date", []Year{func() Year {
			y := year("AZ", 2026)
			y.NonWorking = []Day{{Date: civil.Date{Year: 2026, Month: 2, Day: 30}, Name: "x"}}
			return y
		}()}, []string{"AZ-2026.non_working[0].date: 2026-02-30 is not a real date"}},
		{"pending window in a confirmed year", []Year{func() Year {
			y := year("AZ", 2027)
			y.Pending = []Window{{From: d("2027-03-12"), To: d("2027-03-08"), Note: "Ramazan"}}
			return y
		}()}, []string{"AZ-2027.pending[0]: ends (2027-03-08) before it starts (2027-03-12)", "AZ-2027.pending: a confirmed year cannot have pending windows"}},
		{"bad header", []Year{{State: "Azerbaijan", Year: 26, Status: "final"}},
			[]string{`state: "Azerbaijan" is not a state code`, "year: 26 is not a year", `status: unknown status "final"`, "source: is missing"}},
		{"state-year twice", []Year{year("AZ", 2026), year("AZ", 2026)}, []string{"AZ-2026: given twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCalendars(tt.years)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
		})
	}
}

func TestParseYear(t *testing.T) {
	b, err := dataFS.ReadFile("data/calendars/AZ-2026.json")
	if err != nil {
		t.Fatal(err)
	}
	y, err := ParseYear(b)
	if err != nil || y.State != "AZ" || y.Year != 2026 || len(y.NonWorking) != 19 {
		t.Fatalf("ParseYear: %+v, %v", y, err)
	}
	if _, err := ParseYear([]byte(`{"state":"AZ","year":2026,"status":"confirmed","source":"x","holidays":[]}`)); err == nil || !strings.Contains(err.Error(), `unknown field "holidays"`) {
		t.Errorf("unknown field: %v", err)
	}
	if _, err := ParseYear([]byte(`{"state":"AZ","year":2026,"status":"confirmed","source":"x","non_working":[{"date":"2026-02-30","name":"x"}]}`)); err == nil || !strings.Contains(err.Error(), "not a date") {
		t.Errorf("bad date: %v", err)
	}
	if _, err := ParseYear([]byte(`{"state":"AZ","year":2026,"status":"confirmed","source":"x","non_working":[{"date":"2027-01-01","name":"x"}]}`)); err == nil || !strings.Contains(err.Error(), "non_working[0].date: 1 January 2027 is outside the year 2026") {
		t.Errorf("outside: %v", err)
	}
}

func TestCalendarsWith(t *testing.T) {
	s := defaults(t)
	c := s.Calendars()
	before := c.Years("AZ")
	// The Cabinet decides Ramazan 2027 on 9–10 March and Qurban on 16–17 May.
	y := before[2]
	y.Status = StatusConfirmed
	y.Pending = nil
	y.NonWorking = append(y.NonWorking,
		Day{Date: d("2027-03-09"), Name: "Ramazan Bayram"}, Day{Date: d("2027-03-10"), Name: "Ramazan Bayram"},
		Day{Date: d("2027-05-17"), Name: "Qurban Bayram"}, Day{Date: d("2027-05-18"), Name: "Qurban Bayram (moved from Sunday 16 May)"})
	c2, err := c.With(y)
	if err != nil {
		t.Fatal(err)
	}
	rule := Rule{Count: 2, Unit: WorkingDays, From: "received_on", Calendar: "AZ"}
	old, _ := Compute(rule, d("2027-03-05"), c)
	now, _ := Compute(rule, d("2027-03-05"), c2)
	if old.Due != d("2027-03-10") || !old.Provisional || now.Due != d("2027-03-12") || now.Provisional {
		t.Errorf("before the decision %+v, after %+v", old, now)
	}
	if got := c.Years("AZ"); len(got) != 3 || got[2].Status != StatusProvisional || len(got[2].NonWorking) != len(before[2].NonWorking) {
		t.Error("With changed the original calendars")
	}
	if got := c2.Years("AZ"); len(got) != 3 || got[2].Status != StatusConfirmed {
		t.Errorf("replaced years: %+v", got)
	}
	if c2.Day("DE", d("2026-04-03")).Working {
		t.Error("other states lost")
	}
	// A new year extends the data: 2028 is no longer beyond it.
	c3, err := c2.With(Year{State: "AZ", Year: 2028, Status: StatusProvisional, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := Compute(rule, d("2027-12-30"), c3); r.BeyondData || r.Due != d("2028-01-04") {
		t.Errorf("with 2028: %+v", r)
	}
	// A gap year is unknown.
	c4, err := c2.With(Year{State: "AZ", Year: 2030, Status: StatusConfirmed, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if info := c4.Day("AZ", d("2029-06-01")); info.Known {
		t.Error("gap year must be unknown")
	}
	if !c4.Day("AZ", d("2030-06-03")).Working {
		t.Error("2030-06-03 must be a working day")
	}
	if _, err := c.With(Year{State: "AZ", Year: 2027}); err == nil {
		t.Error("With accepted an invalid year")
	}
	// Years returns copies.
	ys := c.Years("AZ")
	ys[0].NonWorking[0].Name = "changed"
	if c.Years("AZ")[0].NonWorking[0].Name == "changed" {
		t.Error("Years exposes the calendar's slices")
	}
}

func TestSaturdayDeclaredWorking(t *testing.T) {
	y := year("AZ", 2024)
	y.Working = []Day{{Date: d("2024-12-28"), Name: "Working Saturday (exchanged for 30 December)"}}
	y.NonWorking = []Day{{Date: d("2024-12-30"), Name: "Rest day (exchanged for Saturday 28 December)"}, {Date: d("2024-12-31"), Name: "Solidarity"}}
	c, err := NewCalendars([]Year{y, year("AZ", 2025)})
	if err != nil {
		t.Fatal(err)
	}
	if info := c.Day("AZ", d("2024-12-28")); !info.Working || info.Name == "" {
		t.Errorf("28 Dec 2024: %+v", info)
	}
	// Two working days from Friday 27 December 2024: Saturday 28 (worked),
	// then Wednesday 1 January 2025 (this test year lists no holiday).
	r, err := Compute(Rule{Count: 2, Unit: WorkingDays, From: "x", Calendar: "AZ"}, d("2024-12-27"), c)
	if err != nil || r.Due != d("2025-01-01") {
		t.Errorf("got %+v, %v", r, err)
	}
}
