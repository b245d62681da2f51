package deadline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func parseEmbedded(t *testing.T, name string) *Profile {
	t.Helper()
	p, err := ParseProfile(embeddedProfile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSetVersions(t *testing.T) {
	cals := defaults(t).Calendars()
	v1 := parseEmbedded(t, "eu-az.json")
	v2 := parseEmbedded(t, "eu-az.json")
	v2.Version = 2
	v2.EffectiveFrom = d("2027-01-01")
	st := v2.Rules["reply"]
	st.Count = 10
	v2.Rules["reply"] = st
	s, err := NewSet([]*Profile{v2, v1, parseEmbedded(t, "ci-eu.json")}, cals)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.ProfileIDs(); !cmp.Equal(got, []string{"ci-eu", "eu-az"}) {
		t.Errorf("ProfileIDs = %v", got)
	}
	for on, want := range map[string]int{"2014-09-01": 1, "2026-12-31": 1, "2027-01-01": 2, "2030-01-01": 2} {
		p, err := s.Profile("eu-az", d(on))
		if err != nil || p.Version != want {
			t.Errorf("Profile on %s = %v, %v; want version %d", on, p, err, want)
		}
	}
	if _, err := s.Profile("eu-az", d("2014-08-31")); !errors.Is(err, ErrNotInForce) {
		t.Errorf("before the agreement: %v", err)
	}
	if _, err := s.Profile("eu-ge", d("2026-01-01")); !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "ci-eu, eu-az") {
		t.Errorf("unknown profile: %v", err)
	}
	if p, err := s.Latest("eu-az"); err != nil || p.Version != 2 {
		t.Errorf("Latest = %v, %v", p, err)
	}
	if vs := s.Versions("eu-az"); len(vs) != 2 || vs[0].Version != 1 {
		t.Errorf("Versions = %v", vs)
	}
	// A case keeps the rule in force on its date of receipt.
	r, st2, err := Calculate(s, "eu-az", "DE", "reply", d("2026-12-31"))
	if err != nil || st2.Count != 15 || r.Due != d("2027-01-15") {
		t.Errorf("v1 reply: %+v %+v %v", r, st2, err)
	}
	r, st2, err = Calculate(s, "eu-az", "DE", "reply", d("2027-01-01"))
	if err != nil || st2.Count != 10 || r.Due != d("2027-01-11") {
		t.Errorf("v2 reply: %+v %+v %v", r, st2, err)
	}
	// NewSet keeps its own copies.
	v1.Rules["reply"] = Setting{}
	if p, _ := s.Profile("eu-az", d("2026-01-01")); p.Rules["reply"].Count != 15 {
		t.Error("NewSet shares the caller's profile")
	}
}

func TestNewSetErrors(t *testing.T) {
	cals := defaults(t).Calendars()
	dup := parseEmbedded(t, "eu-az.json")
	early := parseEmbedded(t, "eu-az.json")
	early.Version = 2
	early.EffectiveFrom = d("2010-01-01")
	bad := parseEmbedded(t, "eu-az.json")
	bad.Rules["reply"] = Setting{Rule: Rule{Count: 1, Unit: "weeks", From: "received_on"}, Source: "x"}
	onlyAZ, err := NewCalendars(cals.Years("AZ"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		profiles []*Profile
		cals     *Calendars
		want     []string
	}{
		{"same version twice", []*Profile{parseEmbedded(t, "eu-az.json"), dup}, cals, []string{"profile eu-az v1: version 1 is given twice"}},
		{"later version not later", []*Profile{parseEmbedded(t, "eu-az.json"), early}, cals, []string{"profile eu-az v2.effective_from: 1 January 2010 is not after 1 September 2014"}},
		{"invalid profile", []*Profile{bad}, cals, []string{`profile eu-az v1.rules.reply.unit: unknown unit "weeks"`}},
		{"missing member-state calendars", []*Profile{parseEmbedded(t, "eu-az.json")}, onlyAZ, []string{
			"profile eu-az v1.rules.submission_accelerated.calendar: no calendar data for DE",
			"profile eu-az v1.rules.submission_accelerated.calendar: no calendar data for NL"}},
		{"missing requested-state calendar", []*Profile{parseEmbedded(t, "ci-eu.json")}, onlyAZ, []string{
			"profile ci-eu v1.rules.travel_document.calendar: no calendar data for CI"}},
		{"nil profile", []*Profile{nil}, cals, []string{"profiles[0]: is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSet(tt.profiles, tt.cals)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestCalculateAndWithCalendars(t *testing.T) {
	s := defaults(t)
	r, st, err := Calculate(s, "eu-az", "AT", "transfer_notice", d("2026-07-07"))
	if err != nil || r.Due != d("2026-06-30") || st.Count != 5 {
		t.Errorf("AT notice: %+v %+v %v", r, st, err)
	}
	if _, _, err := Calculate(s, "eu-az", "DE", "nope", d("2026-07-07")); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, _, err := Calculate(s, "ci-eu", "", "submission_accelerated", d("2026-07-07")); !errors.Is(err, ErrUnknownState) {
		t.Errorf("requesting calendar without member state: %v", err)
	}
	// Côte d'Ivoire: 10 working days over Easter Monday 2026 (CI calendar).
	r, st, err = Calculate(s, "ci-eu", "FR", "travel_document", d("2026-04-01"))
	if err != nil || r.Due != d("2026-04-16") || st.Binding || r.Provisional {
		t.Errorf("CI travel document: %+v %+v %v", r, st, err)
	}
	// Without the CI calendar the count fails clearly.
	onlyAZ, err := NewCalendars(s.Calendars().Years("AZ"))
	if err != nil {
		t.Fatal(err)
	}
	s2 := s.WithCalendars(onlyAZ)
	if _, _, err := Calculate(s2, "ci-eu", "FR", "travel_document", d("2026-04-01")); !errors.Is(err, ErrNoCalendar) {
		t.Errorf("missing calendar: %v", err)
	}
	if s2.Calendars() != onlyAZ || s.Calendars() == onlyAZ {
		t.Error("WithCalendars must return a changed copy")
	}
	if _, _, err := Calculate(s, "ci-eu", "FR", "reply", d("2019-12-31")); !errors.Is(err, ErrNotInForce) {
		t.Errorf("before the profile: %v", err)
	}
}

// TestConcurrentUse computes from many goroutines on shared values (run
// with -race).
func TestConcurrentUse(t *testing.T) {
	s := defaults(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c := s.Calendars()
			for j := range 200 {
				from := d("2026-01-01").AddDays(i*7 + j)
				if _, _, err := Calculate(s, "eu-az", "DE", "travel_document", from); err != nil {
					t.Error(err)
					return
				}
				_ = c.Day("AZ", from)
			}
			if _, err := c.With(year("AZ", 2028)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestDefaultsFreshEachCall checks that a caller cannot change another
// caller's defaults.
func TestDefaultsFreshEachCall(t *testing.T) {
	a, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	pa, _ := a.Latest("eu-az")
	pb, _ := b.Latest("eu-az")
	if pa == pb {
		t.Error("Defaults returned shared profiles")
	}
}

// TestSourcesNameNoCountry guards the rule that country facts are data: the
// package's Go code holds no literal naming a requested state or its holidays
// (examples in comments and messages are fine).
func TestSourcesNameNoCountry(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, word := range []string{"Azerbaijan", `"Asia/Baku"`, `"AZ"`, "Ivoire", `"Africa/Abidjan"`, `"CI"`, `"eu-az"`, `"ci-eu"`, "Novruz", "Ramazan"} {
			if strings.Contains(string(b), word) {
				t.Errorf("%s names %s: country facts belong in data files", f, word)
			}
		}
	}
}
