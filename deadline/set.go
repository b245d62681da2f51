package deadline

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/ercms/ercms/civil"
)

//go:embed data/profiles/*.json data/calendars/*.json data/holiday_names.json
var dataFS embed.FS

// Set is the profiles (every version of each) and the calendars a deployment
// computes with. It is immutable and safe for concurrent use; the profiles it
// returns are shared and must not be modified.
type Set struct {
	profiles map[string][]*Profile // by ID, oldest version first
	cals     *Calendars
}

// Defaults returns the embedded profiles and calendars (the requested states'
// years from data/calendars, the requesting states' national public holidays
// of 2025–2027 from github.com/rickar/cal/v2: the EU member states', Norway's
// and Switzerland's), validated. Each call builds a
// new Set.
func Defaults() (*Set, error) {
	var years []Year
	ps := problems{subject: "embedded calendar files"}
	files, _ := fs.Glob(dataFS, "data/calendars/*.json")
	for _, name := range files {
		b, err := dataFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("deadline: reading %s: %w", name, err)
		}
		y, err := ParseYear(b)
		if err != nil {
			return nil, fmt.Errorf("deadline: %s: %w", name, err)
		}
		if want := y.label() + ".json"; path.Base(name) != want {
			ps.add(name, "field.deadline.file_name", "holds", y.label(), "want", want)
		}
		years = append(years, y)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	years = append(years, memberStateYears(memberStateFirstYear, memberStateLastYear)...)
	cals, err := NewCalendars(years)
	if err != nil {
		return nil, err
	}
	var profiles []*Profile
	files, _ = fs.Glob(dataFS, "data/profiles/*.json")
	for _, name := range files {
		b, err := dataFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("deadline: reading %s: %w", name, err)
		}
		p, err := ParseProfile(b)
		if err != nil {
			return nil, fmt.Errorf("deadline: %s: %w", name, err)
		}
		profiles = append(profiles, p)
	}
	return NewSet(profiles, cals)
}

// NewSet validates the profiles (each alone, then the versions of each ID:
// distinct version numbers, a later version with a later EffectiveFrom) and
// checks that cals holds a calendar for every state a rule counts working days
// on, including every partner state of a rule on the requesting state's
// calendar. The Set keeps its own copies of the profiles.
func NewSet(profiles []*Profile, cals *Calendars) (*Set, error) {
	ps := problems{subject: "profile set"}
	s := &Set{profiles: map[string][]*Profile{}, cals: cals}
	for i, p := range profiles {
		if p == nil {
			ps.add(fmt.Sprintf("profiles[%d]", i), "field.deadline.missing")
			continue
		}
		q := p.clone()
		one := problems{subject: profileSubject(q.ID, q.Version)}
		q.validate(&one)
		if err := one.err(); err != nil {
			for _, f := range err.(*ValidationError).Fields {
				f.Path = join(one.subject, f.Path)
				ps.fields = append(ps.fields, f)
			}
			continue
		}
		s.profiles[q.ID] = append(s.profiles[q.ID], q)
	}
	for _, id := range slices.Sorted(maps.Keys(s.profiles)) {
		vs := s.profiles[id]
		slices.SortFunc(vs, func(a, b *Profile) int { return a.Version - b.Version })
		for i := 1; i < len(vs); i++ {
			prev, cur := vs[i-1], vs[i]
			switch {
			case prev.Version == cur.Version:
				ps.add(profileSubject(id, cur.Version), "field.deadline.version_twice", "version", cur.Version)
			case !cur.EffectiveFrom.After(prev.EffectiveFrom):
				ps.add(join(profileSubject(id, cur.Version), "effective_from"),
					"field.deadline.not_after", "date", cur.EffectiveFrom.String(), "prev_date", prev.EffectiveFrom.String(), "version", prev.Version)
			}
		}
		for _, p := range vs {
			s.checkCalendars(p, &ps)
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkCalendars reports the states a profile's rules count on and cals lacks.
func (s *Set) checkCalendars(p *Profile, ps *problems) {
	subject := profileSubject(p.ID, p.Version)
	need := func(path string, r Rule, states []string) {
		if !r.needsCalendar() {
			return
		}
		if r.Calendar != RequestingCalendar {
			states = []string{r.Calendar}
		}
		for _, st := range states {
			if s.cals.state(st) == nil {
				ps.add(join(join(subject, path), "calendar"), "field.deadline.no_calendar", "value", st)
			}
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(p.Rules)) {
		need(join("rules", kind), p.Rules[kind].Rule, p.PartnerStates)
	}
	for _, state := range slices.Sorted(maps.Keys(p.Overrides)) {
		o := p.Overrides[state]
		for _, kind := range slices.Sorted(maps.Keys(o.Rules)) {
			need(join(join(join("overrides", state), "rules"), kind), o.Rules[kind].Rule, []string{state})
		}
	}
}

// Profile returns the version of profile id in force on date on (the version
// with the latest EffectiveFrom not after on). A case keeps the version in
// force on its date of receipt.
//
// Errors: ErrUnknownProfile, ErrNotInForce.
func (s *Set) Profile(id string, on civil.Date) (*Profile, error) {
	vs, err := s.versions(id)
	if err != nil {
		return nil, err
	}
	if !validDate(on) {
		return nil, fmt.Errorf("%w: profile %s: %q is not a date", ErrNotInForce, id, on.String())
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if !vs[i].EffectiveFrom.After(on) {
			return vs[i], nil
		}
	}
	return nil, fmt.Errorf("%w: profile %s is in force from %s, not on %s", ErrNotInForce, id, vs[0].EffectiveFrom, on)
}

// Latest returns the highest version of profile id.
//
// Errors: ErrUnknownProfile.
func (s *Set) Latest(id string) (*Profile, error) {
	vs, err := s.versions(id)
	if err != nil {
		return nil, err
	}
	return vs[len(vs)-1], nil
}

// Versions returns every version of profile id, oldest first (nil when
// unknown).
func (s *Set) Versions(id string) []*Profile {
	return slices.Clone(s.profiles[id])
}

func (s *Set) versions(id string) ([]*Profile, error) {
	vs := s.profiles[id]
	if len(vs) == 0 {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownProfile, id, strings.Join(s.ProfileIDs(), ", "))
	}
	return vs, nil
}

// ProfileIDs returns the IDs of the profiles, sorted.
func (s *Set) ProfileIDs() []string {
	return slices.Sorted(maps.Keys(s.profiles))
}

// Calendars returns the set's calendars.
func (s *Set) Calendars() *Calendars { return s.cals }

// WithCalendars returns a copy of s computing with c (for example after an
// administrator edited a year with Calendars.With); s itself does not change.
// Unlike NewSet it does not check that c covers every state the rules need:
// Compute then reports ErrNoCalendar.
func (s *Set) WithCalendars(c *Calendars) *Set {
	return &Set{profiles: s.profiles, cals: c}
}

// Calculate is the deadline calculator: the due date of rule kind of profile
// profileID (the version in force on from) for a case of memberState, counted
// from the event on date from, with the setting it used (its calendar
// resolved).
//
// Errors: those of Set.Profile, Profile.Setting and Compute.
func Calculate(s *Set, profileID, memberState, kind string, from civil.Date) (Result, Setting, error) {
	p, err := s.Profile(profileID, from)
	if err != nil {
		return Result{}, Setting{}, err
	}
	st, err := p.Setting(kind, memberState)
	if err != nil {
		return Result{}, Setting{}, err
	}
	res, err := Compute(st.Rule, from, s.cals)
	if err != nil {
		return Result{}, st, err
	}
	return res, st, nil
}
