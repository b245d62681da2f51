package civil

import (
	"encoding/json"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo
)

func TestParse(t *testing.T) {
	good := map[string]Date{
		"2026-03-02": {2026, time.March, 2},
		"2028-02-29": {2028, time.February, 29},
		"0001-01-01": {1, time.January, 1},
	}
	for s, want := range good {
		got, err := Parse(s)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("String() = %q, want %q", got.String(), s)
		}
	}
	for _, s := range []string{"", "2026-02-30", "2027-02-29", "2026-13-01", "2026-1-5", "26-01-05", "2026-01-05T00:00:00Z", " 2026-01-05", "05.01.2026"} {
		if d, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", s, d)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse did not panic")
		}
	}()
	MustParse("2026-02-30")
}

func TestNewNormalises(t *testing.T) {
	tests := []struct {
		got  Date
		want string
	}{
		{New(2026, time.February, 30), "2026-03-02"},
		{New(2026, time.January, 0), "2025-12-31"},
		{New(2026, 13, 1), "2027-01-01"},
		{New(2028, time.February, 29), "2028-02-29"},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-31", 1, "2027-01-01"},
		{"2028-02-28", 1, "2028-02-29"},
		{"2027-02-28", 1, "2027-03-01"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2026-03-28", 2, "2026-03-30"}, // across the European DST change: no effect on dates
		{"2026-01-01", 365, "2027-01-01"},
		{"2028-01-01", 366, "2029-01-01"},
		{"2026-05-05", 0, "2026-05-05"},
	}
	for _, tt := range tests {
		if got := MustParse(tt.from).AddDays(tt.n); got.String() != tt.want {
			t.Errorf("%s + %d days = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-01-30", 1, "2026-02-28"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-01-15", 12, "2027-01-15"},
		{"2028-02-29", 12, "2029-02-28"},
		{"2028-02-29", 48, "2032-02-29"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-01-31", -2, "2025-11-30"},
		{"2026-05-31", 0, "2026-05-31"},
		{"2026-12-15", 1, "2027-01-15"},
	}
	for _, tt := range tests {
		if got := MustParse(tt.from).AddMonths(tt.n); got.String() != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestCompareAndDaysUntil(t *testing.T) {
	a, b := MustParse("2026-03-31"), MustParse("2026-04-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("ordering of 2026-03-31 and 2026-04-01 is wrong")
	}
	if MustParse("2025-12-31").Compare(MustParse("2026-01-01")) != -1 || MustParse("2026-02-01").Compare(MustParse("2026-01-31")) != 1 {
		t.Error("ordering across months or years is wrong")
	}
	if n := MustParse("2026-01-01").DaysUntil(MustParse("2027-01-01")); n != 365 {
		t.Errorf("DaysUntil = %d, want 365", n)
	}
	if n := MustParse("2028-03-01").DaysUntil(MustParse("2028-02-28")); n != -2 {
		t.Errorf("DaysUntil = %d, want -2", n)
	}
}

func TestWeekday(t *testing.T) {
	for s, want := range map[string]time.Weekday{
		"2026-03-20": time.Friday, "2026-11-09": time.Monday, "2027-03-20": time.Saturday, "2028-02-29": time.Tuesday,
	} {
		if got := MustParse(s).Weekday(); got != want {
			t.Errorf("%s: Weekday = %s, want %s", s, got, want)
		}
	}
}

func TestIn(t *testing.T) {
	baku, err := time.LoadLocation("Asia/Baku")
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 23, 30, 0, 0, berlin)
	if got := In(at, baku); got.String() != "2026-03-02" {
		t.Errorf("In(Baku) = %s", got)
	}
	if got := Of(at); got.String() != "2026-03-01" {
		t.Errorf("Of = %s", got)
	}
	if got := In(time.Date(2026, 3, 1, 19, 59, 59, 0, time.UTC), baku); got.String() != "2026-03-01" {
		t.Errorf("19:59:59 UTC = %s in Baku", got)
	}
}

func TestZeroAndText(t *testing.T) {
	var z Date
	if !z.IsZero() || z.String() != "" || MustParse("2026-01-01").IsZero() {
		t.Error("zero date handling is wrong")
	}
	type doc struct {
		On  Date  `json:"on"`
		Opt *Date `json:"opt"`
	}
	b, err := json.Marshal(doc{On: MustParse("2026-12-15")})
	if err != nil || string(b) != `{"on":"2026-12-15","opt":null}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var got doc
	if err := json.Unmarshal([]byte(`{"on":"2028-02-29","opt":"2026-01-02"}`), &got); err != nil || got.On != MustParse("2028-02-29") || *got.Opt != MustParse("2026-01-02") {
		t.Errorf("Unmarshal = %+v, %v", got, err)
	}
	if err := json.Unmarshal([]byte(`{"on":""}`), &got); err != nil || !got.On.IsZero() {
		t.Errorf("empty text: %+v, %v", got, err)
	}
	if err := json.Unmarshal([]byte(`{"on":"2026-02-30"}`), &got); err == nil {
		t.Error("Unmarshal accepted 2026-02-30")
	}
}
