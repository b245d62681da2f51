package ercms

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
)

// Apply is tested here on realistic cases with the embedded agreement
// profiles and calendars (deadline.Defaults). Due dates are checked twice:
// against dates worked out by hand from DOMAIN.md §5 and CALENDAR.md, and
// against the deadline package's own calculator (deadline.Calculate), which
// does not go through the case's clocks.
//
// Azerbaijan's non-working weekdays of 2026 (CALENDAR.md): 1, 2 Jan · 9 Mar ·
// 20, 23–27, 30 Mar · 11 May · 27, 28, 29 May · 15 Jun · 26 Jun · 10 Nov · 31 Dec.

var baku = mustLocation("Asia/Baku")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a moment in Baku, written "2026-04-13 10:00".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, baku)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) civil.Date   { return civil.MustParse(s) }
func dayp(s string) *civil.Date { d := day(s); return &d }

// Organisations of the Apply tests besides those of the permission walk.
var (
	orgAT       = Organisation{ID: "org-at-bfa", Kind: OrgRequestingAuthority, State: "AT"}
	orgDEAgency = Organisation{ID: "org-de-registry", Kind: OrgAgency, State: "DE"} // an agency, but not of the requested state
	orgCI       = Organisation{ID: "org-ci-dst", Kind: OrgCentralAuthority, State: "CI"}
	orgCIFR     = Organisation{ID: "org-fr-ofii", Kind: OrgRequestingAuthority, State: "FR"}
)

// The actors of the Apply tests.
var (
	deOff     = Actor{UserID: "de-off", Username: "de.officer", Role: RoleRequestingOfficer, Org: orgDE}
	deSup     = Actor{UserID: "de-sup", Username: "de.supervisor", Role: RoleRequestingSupervisor, Org: orgDE}
	atOff     = Actor{UserID: "at-off", Username: "at.officer", Role: RoleRequestingOfficer, Org: orgAT}
	frOff     = Actor{UserID: "fr-off", Username: "fr.officer", Role: RoleRequestingOfficer, Org: orgFR}
	caOff     = Actor{UserID: "ca-off", Username: "sms.officer", Role: RoleCAOfficer, Org: orgSMS}
	caSup1    = Actor{UserID: "ca-sup-1", Username: "sms.supervisor1", Role: RoleCASupervisor, Org: orgSMS}
	caSup2    = Actor{UserID: "ca-sup-2", Username: "sms.supervisor2", Role: RoleCASupervisor, Org: orgSMS}
	civregOff = Actor{UserID: "civreg-off", Username: "civreg", Role: RoleAgencyOfficer, Org: orgCivreg}
	policeOff = Actor{UserID: "police-off", Username: "police", Role: RoleAgencyOfficer, Org: orgPolice}
	berlinOff = Actor{UserID: "berlin-off", Username: "berlin", Role: RoleConsularOfficer, Org: orgBerlin}
	bonnOff   = Actor{UserID: "bonn-off", Username: "bonn", Role: RoleConsularOfficer, Org: orgBonn}
	viennaOff = Actor{UserID: "vienna-off", Username: "vienna", Role: RoleConsularOfficer, Org: orgVienna}
	gydOff    = Actor{UserID: "gyd-off", Username: "gyd", Role: RoleBorderOfficer, Org: orgGYD}
	najOff    = Actor{UserID: "naj-off", Username: "naj", Role: RoleBorderOfficer, Org: orgNAJ}
	ciOff     = Actor{UserID: "ci-off", Username: "dst.officer", Role: RoleCAOfficer, Org: orgCI}
	sysActor  = SystemActor()
)

// world is a deployment: the embedded profiles and calendars, the
// organisations, and an id counter.
type world struct {
	// edit changes a copy of the profile each Env carries (a setting under test).
	edit      func(*deadline.Profile)
	t         *testing.T
	set       *deadline.Set
	profileID string
	fourEyes  bool
	cals      *deadline.Calendars // when set, replaces the set's calendars (edited holiday data)
	ids       int
	orgs      map[string]Organisation
}

var (
	defaultsOnce sync.Once
	defaultSet   *deadline.Set
	defaultErr   error
)

// defaults returns the embedded profiles and calendars, loaded once (a Set is immutable).
func defaults(t *testing.T) *deadline.Set {
	t.Helper()
	defaultsOnce.Do(func() { defaultSet, defaultErr = deadline.Defaults() })
	if defaultErr != nil {
		t.Fatalf("deadline.Defaults: %v", defaultErr)
	}
	return defaultSet
}

func newWorld(t *testing.T, profileID string, fourEyes bool) *world {
	t.Helper()
	w := &world{t: t, set: defaults(t), profileID: profileID, fourEyes: fourEyes, orgs: map[string]Organisation{}}
	for _, o := range append(slices.Clone(permOrgs), orgAT, orgDEAgency, orgCI, orgCIFR) {
		w.orgs[o.ID] = o
	}
	return w
}

func (w *world) newID() string {
	w.ids++
	return sprintf("id-%d", w.ids)
}

func (w *world) profile() *deadline.Profile {
	w.t.Helper()
	p, err := w.set.Latest(w.profileID)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) calendars() *deadline.Calendars {
	if w.cals != nil {
		return w.cals
	}
	return w.set.Calendars()
}

func (w *world) env(now time.Time) Env {
	p := w.profile()
	if w.edit != nil {
		cp := *p // a copy: the set's profiles are shared
		w.edit(&cp)
		p = &cp
	}
	return Env{
		Now: now, Today: p.ReceivedOn(now), Profile: p, Calendars: w.calendars(), FourEyes: w.fourEyes,
		NewID: w.newID, RefusalReasons: DefaultRefusals,
		Org: func(id string) (Organisation, bool) { o, ok := w.orgs[id]; return o, ok },
	}
}

// due is the deadline package's own answer for rule kind of the world's
// profile for a case of memberState, counted from `from`.
func (w *world) due(kind, memberState string, from civil.Date) civil.Date {
	w.t.Helper()
	r, _, err := deadline.Calculate(w.set.WithCalendars(w.calendars()), w.profileID, memberState, kind, from)
	if err != nil {
		w.t.Fatalf("deadline.Calculate(%s, %s, %s): %v", kind, memberState, from, err)
	}
	if r.BeyondData {
		w.t.Fatalf("deadline.Calculate(%s, %s, %s): beyond the holiday data", kind, memberState, from)
	}
	return r.Due
}

// scenario is one case going through its life.
type scenario struct {
	t *testing.T
	w *world
	c *Case
}

func (w *world) newCase(n NewCase, by Actor, now time.Time) *scenario {
	w.t.Helper()
	env := w.env(now)
	if err := n.Prepare(w.newID, env.Today); err != nil {
		w.t.Fatalf("Prepare: %v", err)
	}
	c := NewCaseFrom(n, by, w.newID(), "AZ-2026-000001", env.Profile.RequestedState, env.Profile.ID, env.Profile.Version, now)
	return &scenario{t: w.t, w: w, c: c}
}

// do applies an action that must succeed and checks the timeline event it adds.
func (s *scenario) do(now string, a Actor, action string, in ActionInput) Note {
	s.t.Helper()
	from, events := s.c.Status, len(s.c.Timeline)
	note, err := Apply(s.w.env(at(now)), s.c, a, action, in)
	if err != nil {
		s.t.Fatalf("%s: %s by %s from %s: %v", now, action, a.Username, from, err)
	}
	if len(s.c.Timeline) != events+1 {
		s.t.Fatalf("%s: %d timeline events added, want 1", action, len(s.c.Timeline)-events)
	}
	// What the actor wrote and the codes chosen stay on the timeline for the other party.
	var said []string
	for _, f := range []string{in.Question, in.Answer, in.Comment, in.Reason, in.Justification, in.Text} {
		if f != "" {
			said = append(said, f)
		}
	}
	codes := append([]string(nil), in.Reasons...)
	if in.ReasonCode != "" {
		codes = append(codes, in.ReasonCode)
	}
	if len(codes) == 0 {
		codes = nil
	}
	want := Event{At: at(now), Action: action, From: string(from), To: string(s.c.Status), ActorID: a.UserID,
		Actor: a.Username, OrgID: a.Org.ID, NoteKey: note.Key, NoteArgs: note.Args, Text: strings.Join(said, "\n\n"), Codes: codes}
	if diff := cmp.Diff(want, s.c.Timeline[events]); diff != "" {
		s.t.Errorf("%s: timeline event (-want +got):\n%s", action, diff)
	}
	if !IsKey(note.Key) {
		s.t.Errorf("%s: the note %q is no message key", action, note.Key)
	}
	return note
}

// reject applies an action that must fail with code (and, for EInvalid,
// exactly the given fields) and leave the case as it was.
func (s *scenario) reject(now string, a Actor, action string, in ActionInput, code string, fields ...string) {
	s.t.Helper()
	before := deepCopy(s.c)
	note, err := Apply(s.w.env(at(now)), s.c, a, action, in)
	checkErr(s.t, sprintf("%s: %s by %s in %s", now, action, a.Username, before.Status), err, code, fields...)
	if !note.IsZero() {
		s.t.Errorf("%s refused, yet the note %v", action, note)
	}
	if diff := cmp.Diff(before, s.c); diff != "" {
		s.t.Errorf("%s: the refused %s changed the case (-before +after):\n%s", now, action, diff)
	}
}

func checkErr(t *testing.T, what string, err error, code string, fields ...string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v (%T), want an *Error %s", what, err, err, code)
		return
	}
	if e.Code != code {
		t.Errorf("%s: %v, want code %s", what, err, code)
		return
	}
	if code == EInvalid {
		got := slices.Sorted(maps.Keys(e.Fields))
		want := slices.Sorted(slices.Values(fields))
		if !slices.Equal(got, want) {
			t.Errorf("%s: fields %v, want %v (%v)", what, got, want, err)
		}
		for k, msg := range e.Fields {
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s: field %s has no message", what, k)
			}
		}
	} else if len(fields) > 0 {
		t.Fatalf("test bug: fields given for %s", code)
	}
}

// clock returns the case's clock of kind (and task), failing when absent.
func (s *scenario) clock(kind, taskID string) *Deadline {
	s.t.Helper()
	for i := range s.c.Deadlines {
		if d := &s.c.Deadlines[i]; d.Kind == kind && d.TaskID == taskID {
			return d
		}
	}
	s.t.Fatalf("no %s clock (task %q) on the case; clocks: %v", kind, taskID, s.clockKinds())
	return nil
}

func (s *scenario) clockKinds() []string {
	var out []string
	for _, d := range s.c.Deadlines {
		out = append(out, d.Kind+"/"+string(d.Status))
	}
	return out
}

func (s *scenario) hasClock(kind string) bool {
	return slices.ContainsFunc(s.c.Deadlines, func(d Deadline) bool { return d.Kind == kind })
}

// checkClock checks the state of a clock and, when due is not empty, its due date.
func (s *scenario) checkClock(kind, taskID string, status DeadlineStatus, due string) {
	s.t.Helper()
	d := s.clock(kind, taskID)
	if d.Status != status {
		s.t.Errorf("%s clock: status %s, want %s", kind, d.Status, status)
	}
	if due != "" && (d.DueOn == nil || *d.DueOn != day(due)) {
		s.t.Errorf("%s clock: due %v, want %s (%s)", kind, d.DueOn, due, d.Basis)
	}
}

func (s *scenario) wantStatus(st State) {
	s.t.Helper()
	if s.c.Status != st {
		s.t.Fatalf("status %s, want %s", s.c.Status, st)
	}
}

func (s *scenario) runningKinds() []string {
	var out []string
	for _, d := range s.c.Deadlines {
		if d.Status == DeadlineRunning {
			out = append(out, d.Kind)
		}
	}
	return out
}

// deepCopy copies v and everything it points to, so that a later change of
// v shows in a comparison.
func deepCopy[T any](v T) T {
	return copyValue(reflect.ValueOf(v)).Interface().(T)
}

func copyValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(copyValue(v.Elem()))
		return n
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(copyValue(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			n.SetMapIndex(it.Key(), copyValue(it.Value()))
		}
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v) // unexported fields (time.Time's) are values or shared read-only pointers
		for i := range v.NumField() {
			if n.Field(i).CanSet() {
				n.Field(i).Set(copyValue(v.Field(i)))
			}
		}
		return n
	}
	return v
}

func TestDeepCopy(t *testing.T) {
	c := &Case{Decision: &Decision{Reasons: []string{"a"}}, Deadlines: []Deadline{{DueOn: dayp("2026-01-01")}}}
	d := deepCopy(c)
	c.Decision.Reasons[0] = "b"
	*c.Deadlines[0].DueOn = day("2026-02-02")
	if cmp.Equal(c, d) {
		t.Fatal("the copy shares memory with the original")
	}
}

// --- applications ---------------------------------------------------------

func ownNational() NewCase {
	return NewCase{
		Type: TypeReadmission, RequestingReference: "BPOL-2026-0417", Procedure: ProcedureNormal, Category: CategoryOwnNational,
		Application: Application{
			Person: Person{Surname: "Mammadov", GivenNames: "Elvin", Sex: "M", DateOfBirth: PartialDate{Year: 1991, Month: 5},
				OriginalScript: &Name{Surname: "Məmmədov", GivenNames: "Elvin", Script: "Latn"}, Nationality: "AZ"},
			Family:   []FamilyMember{{Relationship: "spouse", Surname: "Mammadova", GivenNames: "Aysel", DateOfBirth: PartialDate{Year: 1993}}},
			Evidence: []Evidence{{Type: "expired_document", Number: "C01234567", ExpiresOn: dayp("2024-02-01")}},
		},
	}
}

func thirdCountryNational(factsKnown string) NewCase {
	n := ownNational()
	n.Category = CategoryThirdCountryNational
	n.Person.Nationality = "UZ"
	n.Family = nil
	n.Evidence = []Evidence{{Type: "visa", Number: "AZ-V-771"}}
	n.FactsKnownOn = dayp(factsKnown)
	return n
}

func acceleratedProcedure(apprehended string) NewCase {
	n := ownNational()
	n.Procedure = ProcedureAccelerated
	n.ApprehendedOn = dayp(apprehended)
	return n
}

func transitRequest(on string) NewCase {
	return NewCase{
		Type: TypeTransit, RequestingReference: "BPOL-T-2026-0009",
		Application: Application{
			Person:  Person{Surname: "Karimov", GivenNames: "Aziz", DateOfBirth: PartialDate{Year: 1988}, Nationality: "UZ"},
			Transit: &Transit{Itinerary: "FRA–GYD LH 620, GYD–TAS HY 54", FinalDestination: "UZ", EntryPoint: "GYD", TransitOn: day(on), TransitTime: "14:05", Escorts: 2},
		},
	}
}

func familyOf(c *Case) *[]string {
	var ids []string
	for _, f := range c.Family {
		ids = append(ids, f.ID)
	}
	return &ids
}

func none() *[]string { return &[]string{} }

// --- submission and the reply clock ----------------------------------------

func TestApplySubmitStartsReplyClock(t *testing.T) {
	berlin := mustLocation("Europe/Berlin")
	for _, tc := range []struct {
		name     string
		n        NewCase
		now      time.Time
		received string
		kind     string
		due      string // worked out by hand
	}{
		// LIFECYCLE.md's example: 15 calendar days from receipt on 30 Nov 2026.
		{"normal, the spec's example", ownNational(), at("2026-11-30 10:00"), "2026-11-30", ClockReply, "2026-12-15"},
		// Sent at 23:30 in Berlin on 29 Nov: already 02:30 on 30 Nov in Baku.
		{"normal, the requested state's date counts", ownNational(),
			time.Date(2026, 11, 29, 23, 30, 0, 0, berlin), "2026-11-30", ClockReply, "2026-12-15"},
		{"normal, sent at 21:30 in Baku", ownNational(), at("2026-11-29 21:30"), "2026-11-29", ClockReply, "2026-12-14"},
		// Calendar days do not stop for Novruz, and the last day does not run
		// on (24 March 2026 is a holiday): the strict date.
		{"normal, ends on a holiday", ownNational(), at("2026-03-09 12:00"), "2026-03-09", ClockReply, "2026-03-24"},
		// 2 working days: 20–30 March are all rest days (Novruz and Ramazan);
		// 31 March and 1 April are the first two working days.
		{"accelerated, over Novruz", acceleratedProcedure("2026-03-19"), at("2026-03-19 16:00"), "2026-03-19", ClockReplyAccelerated, "2026-04-01"},
		// Friday 8 May: 9–10 May weekend, 11 May rest day for Victory Day (Sat 9 May).
		{"accelerated, Victory Day moved", acceleratedProcedure("2026-05-07"), at("2026-05-08 09:00"), "2026-05-08", ClockReplyAccelerated, "2026-05-13"},
		{"accelerated, ordinary week", acceleratedProcedure("2026-04-13"), at("2026-04-13 09:00"), "2026-04-13", ClockReplyAccelerated, "2026-04-15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "eu-az", true)
			s := w.newCase(tc.n, deOff, tc.now.Add(-time.Hour))
			note := s.do(tc.now.In(baku).Format("2006-01-02 15:04"), deOff, ActSubmit, ActionInput{})
			s.wantStatus(StateSubmitted)
			if s.c.ReceivedOn == nil || *s.c.ReceivedOn != day(tc.received) {
				t.Errorf("received on %v, want %s", s.c.ReceivedOn, tc.received)
			}
			if len(s.c.Deadlines) != 1 {
				t.Fatalf("clocks after submit: %v", s.clockKinds())
			}
			s.checkClock(tc.kind, "", DeadlineRunning, tc.due)
			d := s.clock(tc.kind, "")
			if calc := w.due(tc.kind, "DE", day(tc.received)); *d.DueOn != calc {
				t.Errorf("due %s, the deadline package says %s", d.DueOn, calc)
			}
			st, _ := w.profile().Setting(tc.kind, "DE")
			if d.Rule != st.Rule || !d.Binding || d.From != day(tc.received) {
				t.Errorf("clock %+v; want the profile's rule %+v, binding, from %s", d, st.Rule, tc.received)
			}
			if d.Rule.Calendar != "AZ" {
				t.Errorf("the reply counts on %q, want the requested state's calendar AZ", d.Rule.Calendar)
			}
			if !strings.Contains(d.Basis, "from receipt on "+tc.received) {
				t.Errorf("basis %q does not say the rule", d.Basis)
			}
			if !strings.Contains(note.String(), "due_date="+tc.due) {
				t.Errorf("note %v does not give the due date", note)
			}
			if len(s.c.Warnings) != 0 {
				t.Errorf("warnings %v", s.c.Warnings)
			}
			if got := Recipient(deOff, s.c, ActSubmit); got != "AZ" {
				t.Errorf("submission sent to %q, want AZ", got)
			}
		})
	}
}

func TestApplySubmissionLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    NewCase
		now  string
		late bool
	}{
		// 2 working days of the requesting state (DE) after apprehension on
		// Thursday 2 April 2026: Good Friday (3 Apr) and Easter Monday (6 Apr)
		// are German public holidays, so the limit is Wednesday 8 April.
		{"accelerated, on the last day", acceleratedProcedure("2026-04-02"), "2026-04-08 17:00", false},
		{"accelerated, a day late", acceleratedProcedure("2026-04-02"), "2026-04-09 09:00", true},
		// Thursday 19 March (Novruz in Azerbaijan, not in Germany): Friday 20, Monday 23.
		{"accelerated, the requesting state's calendar counts", acceleratedProcedure("2026-03-19"), "2026-03-23 10:00", false},
		{"accelerated, after the requesting state's limit", acceleratedProcedure("2026-03-19"), "2026-03-24 10:00", true},
		// Third-country nationals: 6 months after the facts became known.
		{"third-country national, on the last day", thirdCountryNational("2025-10-13"), "2026-04-13 10:00", false},
		{"third-country national, a day late", thirdCountryNational("2025-10-13"), "2026-04-14 10:00", true},
		{"own national: no 6-month limit", func() NewCase { n := ownNational(); n.FactsKnownOn = dayp("2024-01-01"); return n }(), "2026-04-14 10:00", false},
		// The limit runs only until the obstacles are removed: a late
		// application with its obstacle stated is not flagged late.
		{"third-country national, late, obstacle stated", withObstacle(thirdCountryNational("2025-10-13"), "2026-04-10"), "2026-04-14 10:00", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "eu-az", true)
			s := w.newCase(tc.n, deOff, at(tc.now).Add(-time.Hour))
			s.do(tc.now, deOff, ActSubmit, ActionInput{})
			if got := s.c.HasWarning(WarnLateSubmission); got != tc.late {
				t.Errorf("late submission flagged: %v, want %v", got, tc.late)
			}
			if obstacle := s.c.Obstacle != ""; s.c.HasWarning(WarnLateObstacle) != obstacle {
				t.Errorf("warnings %v: want the stated obstacle shown (%v) exactly when one is stated", s.c.Warnings, obstacle)
			}
			// Independently: the limit of the deadline package.
			kind, from := "submission_accelerated", s.c.ApprehendedOn
			if s.c.Procedure != ProcedureAccelerated {
				kind, from = "submission_tcn", s.c.FactsKnownOn
			}
			if s.c.Category != CategoryOwnNational || s.c.Procedure == ProcedureAccelerated {
				limit := w.due(kind, "DE", *from)
				if late := s.c.ReceivedOn.After(limit); late != (tc.late || s.c.Obstacle != "") {
					t.Errorf("the deadline package puts the limit at %s: late = %v", limit, late)
				}
			}
		})
	}
	// The accelerated procedure needs the date of apprehension; the failed
	// submission leaves the draft as it was.
	w := newWorld(t, "eu-az", true)
	n := acceleratedProcedure("2026-04-02")
	s := w.newCase(n, deOff, at("2026-04-02 09:00"))
	s.c.ApprehendedOn = nil
	s.reject("2026-04-03 09:00", deOff, ActSubmit, ActionInput{}, EInvalid, "apprehended_on")
	s.c.Person.GivenNames, s.c.Evidence = "5", nil // a name part without a letter; no given names is fine (ICAO)
	s.reject("2026-04-03 09:00", deOff, ActSubmit, ActionInput{}, EInvalid, "apprehended_on", "person.given_names", "evidence")
	s.reject("2026-04-03 09:00", caOff, ActSubmit, ActionInput{}, ENotFound) // a draft is not the central authority's yet
	s.reject("2026-04-03 09:00", frOff, ActSubmit, ActionInput{}, ENotFound)
}

// --- a normal case from submission to take-back -------------------------------

func TestApplyNormalProcedureLifecycle(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s := w.newCase(ownNational(), deOff, at("2026-04-10 09:00"))
	s.wantStatus(StateDraft)
	spouse := s.c.Family[0].ID

	s.do("2026-04-13 10:00", deOff, ActSubmit, ActionInput{})
	s.checkClock(ClockReply, "", DeadlineRunning, "2026-04-28")

	// register
	s.reject("2026-04-14 10:00", deOff, ActRegister, ActionInput{}, EForbidden)
	s.do("2026-04-14 10:00", caOff, ActRegister, ActionInput{})
	s.wantStatus(StateRegistered)
	if s.c.AssignedTo != caOff.UserID {
		t.Errorf("assigned to %q, want the registering officer", s.c.AssignedTo)
	}
	if Recipient(caOff, s.c, ActRegister) != "DE" {
		t.Error("the acknowledgment is not sent to the requesting state")
	}

	// request_info / provide_info: back to registered; the reply clock keeps running (profile: no pause)
	s.reject("2026-04-14 11:00", caOff, ActRequestInfo, ActionInput{Question: "  "}, EInvalid, "question")
	s.do("2026-04-14 11:00", caOff, ActRequestInfo, ActionInput{Question: "Please send a copy of the birth certificate."})
	s.wantStatus(StateInfoRequested)
	s.checkClock(ClockReply, "", DeadlineRunning, "2026-04-28")
	s.reject("2026-04-15 09:00", deSup, ActProvideInfo, ActionInput{}, EInvalid, "answer")
	s.reject("2026-04-15 09:00", caOff, ActProvideInfo, ActionInput{Answer: "x"}, EForbidden)
	s.do("2026-04-15 09:00", deSup, ActProvideInfo, ActionInput{Answer: "Attached."})
	s.wantStatus(StateRegistered)
	s.checkClock(ClockReply, "", DeadlineRunning, "2026-04-28")

	// start_verification: each task with its own due date, 5 working days of AZ
	s.reject("2026-04-16 10:00", caOff, ActStartVerification, ActionInput{}, EInvalid, "tasks")
	s.reject("2026-04-16 10:00", caOff, ActStartVerification, ActionInput{Tasks: []TaskInput{
		{OrganisationID: orgDEAgency.ID, Question: "Check the passport"}, // not of the requested state
		{OrganisationID: orgCivreg.ID},                                   // no question
		{OrganisationID: "org-unknown", Question: "?"},
		{OrganisationID: orgSMS.ID, Question: "?"},    // not an agency
		{OrganisationID: orgVienna.ID, Question: "?"}, // a mission that does not serve DE
	}}, EInvalid, "tasks[0].organisation_id", "tasks[1].question", "tasks[2].organisation_id", "tasks[3].organisation_id", "tasks[4].organisation_id")
	s.do("2026-04-16 10:00", caOff, ActStartVerification, ActionInput{Tasks: []TaskInput{
		{OrganisationID: orgCivreg.ID, Question: "Birth record of Elvin Mammadov, 1991?"},
		{OrganisationID: orgPolice.ID, Question: "Registered address?"},
	}})
	s.wantStatus(StateUnderVerification)
	if len(s.c.Tasks) != 2 {
		t.Fatalf("tasks: %+v", s.c.Tasks)
	}
	civTask, polTask := s.c.Tasks[0], s.c.Tasks[1]
	// Thursday 16 April: 17, 20, 21, 22, 23 April.
	for _, task := range s.c.Tasks {
		if task.Status != TaskOpen || task.Kind != TaskVerification || task.SentOn != day("2026-04-16") || task.DueOn == nil || *task.DueOn != day("2026-04-23") {
			t.Errorf("task %+v", task)
		}
		s.checkClock(ClockVerificationTask, task.ID, DeadlineRunning, "2026-04-23")
	}
	if w.due(ClockVerificationTask, "DE", day("2026-04-16")) != day("2026-04-23") {
		t.Error("the deadline package disagrees on the task due date")
	}
	if !CanView(civregOff, s.c, day("2026-04-16")) || CanView(Actor{Role: RoleAgencyOfficer, Org: orgDEAgency}, s.c, day("2026-04-16")) {
		t.Error("a task must make the case visible to its agency, and only to it")
	}

	// answer_task: only the addressed agency, once; the case state does not change
	s.reject("2026-04-20 10:00", policeOff, ActAnswerTask, ActionInput{TaskID: civTask.ID, Finding: "confirmed"}, EInvalid, "task_id")
	s.reject("2026-04-20 10:00", civregOff, ActAnswerTask, ActionInput{TaskID: civTask.ID, Finding: "maybe"}, EInvalid, "finding")
	s.reject("2026-04-20 10:00", caOff, ActAnswerTask, ActionInput{TaskID: civTask.ID, Finding: "confirmed"}, EForbidden)
	s.do("2026-04-20 10:00", civregOff, ActAnswerTask, ActionInput{TaskID: civTask.ID, Finding: "confirmed", Answer: "Birth record 1991/0412 found."})
	s.wantStatus(StateUnderVerification)
	if got := s.c.Task(civTask.ID); got.Status != TaskAnswered || got.Finding != "confirmed" || *got.AnsweredOn != day("2026-04-20") {
		t.Errorf("answered task: %+v", got)
	}
	s.checkClock(ClockVerificationTask, civTask.ID, DeadlineMet, "")
	s.reject("2026-04-20 11:00", civregOff, ActAnswerTask, ActionInput{TaskID: civTask.ID, Finding: "confirmed"}, EConflict)

	// request_interview: with a mission accredited to DE, the 5-working-day interview clock
	s.reject("2026-04-20 11:00", deOff, ActRequestInterview, ActionInput{}, EInvalid, "mission_id", "mode", "language")
	s.reject("2026-04-20 11:00", deOff, ActRequestInterview, ActionInput{MissionID: orgCivreg.ID, Mode: "phone", Language: "az"}, EInvalid, "mission_id", "mode")
	s.do("2026-04-20 11:00", deOff, ActRequestInterview, ActionInput{MissionID: orgBerlin.ID, Mode: "video", Language: "az"})
	s.wantStatus(StateUnderVerification)
	iv := s.c.Tasks[len(s.c.Tasks)-1]
	// Monday 20 April: 21, 22, 23, 24, 27 April.
	if iv.Kind != TaskInterview || iv.OrgID != orgBerlin.ID || iv.Mode != "video" || iv.DueOn == nil || *iv.DueOn != day("2026-04-27") {
		t.Errorf("interview task %+v", iv)
	}
	s.checkClock(ClockInterview, iv.ID, DeadlineRunning, "2026-04-27")

	// extend_reply: ca_supervisor only, days within the profile maximum (60 in all)
	s.reject("2026-04-21 10:00", caOff, ActExtendReply, ActionInput{Justification: "x", Days: 5}, EForbidden)
	s.reject("2026-04-21 10:00", caSup1, ActExtendReply, ActionInput{}, EInvalid, "justification", "days")
	s.reject("2026-04-21 10:00", caSup1, ActExtendReply, ActionInput{Justification: "Civil registry archive closed", Days: 61}, EInvalid, "days")
	s.do("2026-04-21 10:00", caSup1, ActExtendReply, ActionInput{Justification: "Civil registry archive closed", Days: 10})
	s.wantStatus(StateUnderVerification)
	s.checkClock(ClockReply, "", DeadlineRunning, "2026-05-08")
	if d := s.clock(ClockReply, ""); d.ExtendedDays != 10 || !strings.Contains(d.Basis, "extended by 10") {
		t.Errorf("extended clock %+v", d)
	}
	s.reject("2026-04-21 11:00", caSup1, ActExtendReply, ActionInput{Justification: "more", Days: 51}, EInvalid, "days")

	// a late answer: the police task was due on 23 April
	s.do("2026-04-24 09:00", policeOff, ActAnswerTask, ActionInput{TaskID: polTask.ID, Finding: "not_found"})
	s.checkClock(ClockVerificationTask, polTask.ID, DeadlineMissed, "2026-04-23")

	// approve with four-eyes: a proposal, then returned, then signed off by another supervisor
	s.reject("2026-04-24 10:00", caOff, ActApprove, ActionInput{}, EInvalid, "family_covered")
	s.reject("2026-04-24 10:00", caOff, ActApprove, ActionInput{FamilyCovered: &[]string{"somebody"}}, EInvalid, "family_covered")
	s.reject("2026-04-24 10:00", deSup, ActApprove, ActionInput{FamilyCovered: none()}, EForbidden)
	s.do("2026-04-24 10:00", caOff, ActApprove, ActionInput{FamilyCovered: &[]string{spouse}})
	s.wantStatus(StatePendingSignOff)
	if d := s.c.Decision; d == nil || d.Outcome != "approve" || d.ProposedBy != caOff.UserID || d.DecidedOn != nil || !slices.Equal(d.FamilyCovered, []string{spouse}) {
		t.Errorf("proposal %+v", s.c.Decision)
	}
	s.checkClock(ClockReply, "", DeadlineRunning, "2026-05-08")
	if s.hasClock(ClockTransferWindow) {
		t.Error("a proposal started the transfer window")
	}
	if r := Recipient(caOff, s.c, ActApprove); r != "" {
		t.Errorf("a proposal was sent to %q", r)
	}
	s.reject("2026-04-24 11:00", caOff, ActSignOff, ActionInput{}, EForbidden)
	s.reject("2026-04-24 11:00", caSup1, ActReturnProposal, ActionInput{}, EInvalid, "comment")
	s.do("2026-04-24 11:00", caSup1, ActReturnProposal, ActionInput{Comment: "Wait for the interview."})
	s.wantStatus(StateUnderVerification)
	if s.c.Decision != nil {
		t.Errorf("a returned proposal stays: %+v", s.c.Decision)
	}

	s.do("2026-04-27 10:00", berlinOff, ActAnswerTask, ActionInput{TaskID: iv.ID, Finding: "confirmed", Answer: "Speaks Azerbaijani, Baku accent."})
	s.checkClock(ClockInterview, iv.ID, DeadlineMet, "")

	s.do("2026-04-27 11:00", caSup1, ActApprove, ActionInput{FamilyCovered: &[]string{spouse}})
	s.wantStatus(StatePendingSignOff)
	s.reject("2026-04-28 10:00", caSup1, ActSignOff, ActionInput{}, EForbidden) // the proposer
	s.do("2026-04-28 10:00", caSup2, ActSignOff, ActionInput{})
	s.wantStatus(StateApproved)
	if d := s.c.Decision; d.SignedOffBy != caSup2.UserID || d.DecidedOn == nil || *d.DecidedOn != day("2026-04-28") || d.ProposedBy != caSup1.UserID {
		t.Errorf("decision %+v", d)
	}
	s.checkClock(ClockReply, "", DeadlineMet, "2026-05-08")
	if m := s.clock(ClockReply, "").MetOn; m == nil || *m != day("2026-04-28") {
		t.Errorf("reply met on %v", m)
	}
	// 3 months from the sign-off: 28 July.
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-07-28")
	if w.due(ClockTransferWindow, "DE", day("2026-04-28")) != day("2026-07-28") {
		t.Error("the deadline package disagrees on the transfer window")
	}
	if Recipient(caSup2, s.c, ActSignOff) != "DE" {
		t.Error("the reply is not sent to the requesting state")
	}

	// request_travel_document: a mission of the requested state accredited to DE
	s.reject("2026-05-25 10:00", deOff, ActRequestTravelDocument, ActionInput{MissionID: orgCivreg.ID}, EInvalid, "mission_id")
	s.reject("2026-05-25 10:00", deOff, ActRequestTravelDocument, ActionInput{MissionID: orgVienna.ID}, EInvalid, "mission_id")
	s.do("2026-05-25 10:00", deOff, ActRequestTravelDocument, ActionInput{MissionID: orgBerlin.ID})
	s.wantStatus(StateTravelDocumentRequested)
	// Monday 25 May: 26 May; 27–29 May rest days (Qurban, Independence Day); 1, 2, 3, 4 June.
	s.checkClock(ClockTravelDocument, "", DeadlineRunning, "2026-06-04")
	if w.due(ClockTravelDocument, "DE", day("2026-05-25")) != day("2026-06-04") {
		t.Error("the deadline package disagrees on the travel-document due date")
	}
	td := s.c.Tasks[len(s.c.Tasks)-1]
	if td.Kind != TaskTravelDocument || td.OrgID != orgBerlin.ID || *td.DueOn != day("2026-06-04") {
		t.Errorf("travel-document task %+v", td)
	}

	// issue_travel_document: only the mission asked; validity within the profile's 30 days
	s.reject("2026-06-03 10:00", bonnOff, ActIssueTravelDocument, ActionInput{Number: "RC-1", ValidUntil: dayp("2026-07-03")}, ENotFound)
	s.reject("2026-06-03 10:00", deOff, ActIssueTravelDocument, ActionInput{Number: "RC-1", ValidUntil: dayp("2026-07-03")}, EForbidden)
	s.reject("2026-06-03 10:00", berlinOff, ActIssueTravelDocument, ActionInput{}, EInvalid, "number", "valid_until")
	s.reject("2026-06-03 10:00", berlinOff, ActIssueTravelDocument, ActionInput{Number: "RC-1", ValidUntil: dayp("2026-07-04")}, EInvalid, "valid_until")
	s.reject("2026-06-03 10:00", berlinOff, ActIssueTravelDocument, ActionInput{Number: "RC-1", ValidUntil: dayp("2026-06-03")}, EInvalid, "valid_until")
	s.do("2026-06-03 10:00", berlinOff, ActIssueTravelDocument, ActionInput{Number: "RC-0042", ValidUntil: dayp("2026-07-03")})
	s.wantStatus(StateTravelDocumentIssued)
	want := &TravelDocument{Kind: "national", Number: "RC-0042", IssuedOn: dayp("2026-06-03"), ValidUntil: dayp("2026-07-03"), MissionID: orgBerlin.ID}
	if diff := cmp.Diff(want, s.c.TravelDocument); diff != "" {
		t.Errorf("travel document (-want +got):\n%s", diff)
	}
	s.checkClock(ClockTravelDocument, "", DeadlineMet, "")

	// notify_transfer: 3 working days' notice (AZ calendar). For Wednesday 17
	// June: 17, 16 and (15 June being a rest day) 12 June are the 3 working
	// days, so the notice is due by 11 June.
	tr := Transfer{Date: day("2026-06-17"), Time: "09:40", CrossingPoint: "GYD", Flight: "J2 8012", Escorts: 2, EscortNames: []string{"PK Braun", "PK Weiß"}}
	bad := func(f func(*Transfer)) ActionInput { x := tr; f(&x); return ActionInput{Transfer: &x} }
	s.reject("2026-06-10 10:00", deOff, ActNotifyTransfer, ActionInput{}, EInvalid, "transfer")
	s.reject("2026-06-10 10:00", deOff, ActNotifyTransfer, bad(func(x *Transfer) { x.CrossingPoint = "NAJ" }), EInvalid, "transfer.crossing_point")
	s.reject("2026-06-10 10:00", deOff, ActNotifyTransfer, bad(func(x *Transfer) { x.Date = day("2026-06-09") }), EInvalid, "transfer.date")
	s.reject("2026-06-10 10:00", deOff, ActNotifyTransfer, bad(func(x *Transfer) { x.Date = day("2026-07-06") }), EInvalid, "transfer.date") // after the travel document's validity
	s.reject("2026-06-10 10:00", deOff, ActNotifyTransfer, bad(func(x *Transfer) { x.Escorts = -1; x.EscortNames = nil }), EInvalid, "transfer.escorts", "transfer.escort_names")
	s.reject("2026-06-10 10:00", deOff, ActNotifyTransfer, bad(func(x *Transfer) { x.Escorts = 1 }), EInvalid, "transfer.escort_names")
	s.reject("2026-06-10 10:00", caOff, ActNotifyTransfer, ActionInput{Transfer: &tr}, EForbidden)
	if CanView(gydOff, s.c, day("2026-06-10")) {
		t.Error("the border point sees the case before any transfer notice")
	}
	s.do("2026-06-10 10:00", deOff, ActNotifyTransfer, ActionInput{Transfer: &tr})
	s.wantStatus(StateTransferNotified)
	if s.c.Transfer.LateNotice || s.c.HasWarning(WarnLateNotice) || s.c.Transfer.NotifiedOn != day("2026-06-10") {
		t.Errorf("transfer %+v, warnings %v", s.c.Transfer, s.c.Warnings)
	}
	if !CanView(gydOff, s.c, day("2026-06-10")) || CanView(najOff, s.c, day("2026-06-10")) {
		t.Error("after notice only the notified crossing point sees the case")
	}

	s.do("2026-06-12 10:00", caOff, ActConfirmTransfer, ActionInput{})
	s.wantStatus(StateTransferConfirmed)

	// record_handover: the date is Baku's (01:30 on 17 June in Baku is still 16 June in UTC)
	s.reject("2026-06-17 01:30", najOff, ActRecordHandover, ActionInput{Handover: &Handover{At: at("2026-06-17 01:30"), Officer: "x", Persons: 1}}, ENotFound)
	s.reject("2026-06-17 01:30", gydOff, ActRecordHandover, ActionInput{}, EInvalid, "handover")
	s.reject("2026-06-17 01:30", gydOff, ActRecordHandover, ActionInput{Handover: &Handover{}}, EInvalid, "handover.at", "handover.officer", "handover.persons")
	// a handover two weeks ahead, or before the decision, cannot be
	s.reject("2026-06-17 01:30", gydOff, ActRecordHandover, ActionInput{Handover: &Handover{At: at("2026-07-01 01:30"), Officer: "x", Persons: 1}}, EInvalid, "handover.at")
	s.reject("2026-06-17 01:30", gydOff, ActRecordHandover, ActionInput{Handover: &Handover{At: at("2026-04-01 10:00"), Officer: "x", Persons: 1}}, EInvalid, "handover.at")
	s.do("2026-06-17 01:30", gydOff, ActRecordHandover, ActionInput{Handover: &Handover{At: at("2026-06-17 01:30").UTC(), Officer: "Capt. R. Aliyev", Persons: 1, Documents: "RC-0042"}})
	s.wantStatus(StateTransferred)
	if h := s.c.HandoverOn(); h == nil || *h != day("2026-06-17") {
		t.Errorf("handover on %v, want 2026-06-17", h)
	}
	s.checkClock(ClockTransferWindow, "", DeadlineMet, "")
	s.checkClock(ClockTakeBack, "", DeadlineRunning, "2026-12-17")           // 6 months
	s.checkClock(ClockCloseAfterHandover, "", DeadlineRunning, "2026-07-17") // 30 days

	// the border point sees the case until 30 days after the handover
	if !CanView(gydOff, s.c, day("2026-07-17")) || CanView(gydOff, s.c, day("2026-07-18")) {
		t.Error("border visibility must end 30 days after the handover")
	}

	// close: the system only once the 30 days have passed
	s.reject("2026-07-17 12:00", sysActor, ActClose, ActionInput{}, EConflict)
	s.do("2026-07-18 00:30", sysActor, ActClose, ActionInput{})
	s.wantStatus(StateClosed)
	if d := s.c.Deadline(ClockCloseAfterHandover); d == nil || d.Status != DeadlineStopped {
		t.Errorf("the close clock after the system closed the case: %+v, want stopped (a waiting period is never missed)", d)
	}
	s.checkClock(ClockTakeBack, "", DeadlineRunning, "2026-12-17") // keeps running
	if Terminal(s.c.Status) {
		t.Error("closed is not terminal while the take-back window runs")
	}

	// take-back within the window
	s.reject("2026-08-01 10:00", caOff, ActRequestTakeBack, ActionInput{}, EInvalid, "reason")
	s.do("2026-08-01 10:00", caOff, ActRequestTakeBack, ActionInput{Reason: "Identity confused with a namesake."})
	s.wantStatus(StateTakeBackRequested)
	s.reject("2026-08-20 10:00", deOff, ActRecordTakeBack, ActionInput{}, EInvalid, "date")
	s.do("2026-08-20 10:00", deOff, ActRecordTakeBack, ActionInput{Date: dayp("2026-08-19")})
	s.wantStatus(StateTakenBack)
	if r := s.runningKinds(); len(r) != 0 {
		t.Errorf("clocks still running after take-back: %v", r)
	}
	if !Terminal(s.c.Status) {
		t.Error("taken_back must be terminal")
	}
	for _, a := range []Actor{deOff, caSup1, sysActor} {
		if got := AvailableActions(a, s.c, day("2026-08-20")); len(got) != 0 {
			t.Errorf("%s may still %v", a.Role, got)
		}
	}
	// the timeline holds every step, in order
	var steps []string
	for _, e := range s.c.Timeline {
		steps = append(steps, e.Action)
	}
	wantSteps := []string{ActCreate, ActSubmit, ActRegister, ActRequestInfo, ActProvideInfo, ActStartVerification, ActAnswerTask,
		ActRequestInterview, ActExtendReply, ActAnswerTask, ActApprove, ActReturnProposal, ActAnswerTask, ActApprove, ActSignOff,
		ActRequestTravelDocument, ActIssueTravelDocument, ActNotifyTransfer, ActConfirmTransfer, ActRecordHandover, ActClose,
		ActRequestTakeBack, ActRecordTakeBack}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("timeline: %v", steps)
	}
}

// --- decisions ---------------------------------------------------------------

// reach builds a readmission case of world w in state st by the canonical
// path (own national, DE) and returns it with the time of its last step.
func (w *world) reach(st State) (*scenario, string) { return w.reachType(TypeReadmission, st) }

// reachType builds a case of type tt in state st (transit: a request for a
// transit through GYD on 24 April 2026).
func (w *world) reachType(tt CaseType, st State) (*scenario, string) {
	w.t.Helper()
	type step struct {
		parent State
		now    string
		a      Actor
		action string
		in     func(s *scenario) ActionInput
	}
	noIn := func(*scenario) ActionInput { return ActionInput{} }
	path := map[State]step{
		StateSubmitted:     {StateDraft, "2026-04-13 10:00", deOff, ActSubmit, noIn},
		StateRegistered:    {StateSubmitted, "2026-04-14 10:00", caOff, ActRegister, noIn},
		StateInfoRequested: {StateRegistered, "2026-04-14 11:00", caOff, ActRequestInfo, func(*scenario) ActionInput { return ActionInput{Question: "Birth certificate?"} }},
		StateUnderVerification: {StateRegistered, "2026-04-16 10:00", caOff, ActStartVerification, func(*scenario) ActionInput {
			return ActionInput{Tasks: []TaskInput{{OrganisationID: orgCivreg.ID, Question: "Birth record?"}}}
		}},
		StatePendingSignOff:             {StateUnderVerification, "2026-04-17 10:00", caOff, ActApprove, func(s *scenario) ActionInput { return ActionInput{FamilyCovered: familyOf(s.c)} }},
		StateApproved:                   {StatePendingSignOff, "2026-04-20 10:00", caSup2, ActSignOff, noIn},
		StateDeemedApproved:             {StateRegistered, "2026-04-29 10:00", sysActor, ActDeemApproved, noIn},
		StateConsentWithdrawalRequested: {StateApproved, "2026-04-21 10:00", caOff, ActRequestConsentWithdrawal, func(*scenario) ActionInput { return ActionInput{Reason: "New evidence of Uzbek nationality."} }},
		StateTravelDocumentRequested:    {StateApproved, "2026-05-25 10:00", deOff, ActRequestTravelDocument, func(*scenario) ActionInput { return ActionInput{MissionID: orgBerlin.ID} }},
		StateTravelDocumentIssued:       {StateTravelDocumentRequested, "2026-06-03 10:00", berlinOff, ActIssueTravelDocument, func(*scenario) ActionInput { return ActionInput{Number: "RC-7", ValidUntil: dayp("2026-07-03")} }},
		StateTransferNotified: {StateTravelDocumentIssued, "2026-06-10 10:00", deOff, ActNotifyTransfer, func(*scenario) ActionInput {
			return ActionInput{Transfer: &Transfer{Date: day("2026-06-17"), Time: "09:40", CrossingPoint: "GYD", Flight: "J2 8012", Escorts: 2}}
		}},
		StateTransferConfirmed: {StateTransferNotified, "2026-06-12 10:00", caOff, ActConfirmTransfer, noIn},
		StateTransferObjected:  {StateTransferNotified, "2026-06-12 10:00", caOff, ActObjectTransfer, func(*scenario) ActionInput { return ActionInput{Reason: "Airport closed."} }},
		StateTransferPostponed: {StateTransferConfirmed, "2026-06-13 10:00", deOff, ActPostponeTransfer, func(*scenario) ActionInput { return ActionInput{Reason: "Person ill."} }},
		StateTransferred: {StateTransferConfirmed, "2026-06-17 10:00", gydOff, ActRecordHandover, func(*scenario) ActionInput {
			return ActionInput{Handover: &Handover{At: at("2026-06-17 10:00"), Officer: "Capt. Aliyev", Persons: 1}}
		}},
		StateClosed:            {StateTransferred, "2026-06-20 10:00", caOff, ActClose, noIn},
		StateTakeBackRequested: {StateTransferred, "2026-06-25 10:00", caOff, ActRequestTakeBack, func(*scenario) ActionInput { return ActionInput{Reason: "Readmitted in error."} }},
		StateTransitRequested:  {StateDraft, "2026-04-13 10:00", deOff, ActSubmit, noIn},
		StateTransitApproved:   {StateTransitRequested, "2026-04-14 10:00", caOff, ActApproveTransit, func(*scenario) ActionInput { return ActionInput{EntryPoint: "GYD", Time: "14:05"} }},
	}
	var build func(st State) (*scenario, string)
	build = func(st State) (*scenario, string) {
		if st == StateDraft {
			n := ownNational()
			if tt == TypeTransit {
				n = transitRequest("2026-04-24")
			}
			return w.newCase(n, deOff, at("2026-04-10 09:00")), "2026-04-10 09:00"
		}
		p, ok := path[st]
		if !ok {
			w.t.Fatalf("test bug: no path to %s", st)
		}
		s, _ := build(p.parent)
		s.do(p.now, p.a, p.action, p.in(s))
		s.wantStatus(st)
		return s, p.now
	}
	return build(st)
}

func TestApplyFourEyesOff(t *testing.T) {
	w := newWorld(t, "eu-az", false)
	s, _ := w.reach(StateUnderVerification)
	s.do("2026-04-20 10:00", caOff, ActApprove, ActionInput{FamilyCovered: none()})
	s.wantStatus(StateApproved)
	if d := s.c.Decision; d.ProposedBy != caOff.UserID || *d.DecidedOn != day("2026-04-20") || d.SignedOffBy != "" {
		t.Errorf("decision %+v", d)
	}
	s.checkClock(ClockReply, "", DeadlineMet, "")
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-07-20")

	s, _ = w.reach(StateRegistered)
	s.reject("2026-04-20 10:00", caOff, ActRefuse, ActionInput{}, EInvalid, "reasons", "text")
	s.reject("2026-04-20 10:00", caOff, ActRefuse, ActionInput{Reasons: []string{"not_a_reason"}, Text: "x"}, EInvalid, "reasons")
	s.do("2026-04-20 10:00", caOff, ActRefuse, ActionInput{Reasons: []string{"nationality_not_established"}, Text: "No record of the person in the civil registry."})
	s.wantStatus(StateRefused)
	if d := s.c.Decision; d.Outcome != "refuse" || !slices.Equal(d.Reasons, []string{"nationality_not_established"}) || d.Text == "" {
		t.Errorf("refusal %+v", d)
	}
	if r := s.runningKinds(); len(r) != 0 {
		t.Errorf("clocks running after a refusal: %v", r)
	}
	if s.hasClock(ClockTransferWindow) {
		t.Error("a refusal started the transfer window")
	}
	if !Terminal(s.c.Status) {
		t.Error("refused is terminal")
	}
}

func TestApplyRefusalThroughSignOff(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateUnderVerification)
	task := s.c.Tasks[0].ID
	s.do("2026-04-20 10:00", caSup1, ActRefuse, ActionInput{Reasons: []string{"airside_transit_only", "other"}, Text: "Only in airside transit at GYD."})
	s.wantStatus(StatePendingSignOff)
	s.checkClock(ClockReply, "", DeadlineRunning, "")
	s.reject("2026-04-21 10:00", caSup1, ActSignOff, ActionInput{}, EForbidden)
	s.do("2026-04-21 10:00", caSup2, ActSignOff, ActionInput{})
	s.wantStatus(StateRefused)
	s.checkClock(ClockReply, "", DeadlineMet, "")
	if got := s.c.Task(task); got.Status != TaskCancelled {
		t.Errorf("open task after a refusal: %+v", got)
	}
	if r := s.runningKinds(); len(r) != 0 {
		t.Errorf("clocks running after a refusal: %v", r)
	}
}

// --- deemed approval and its correction ----------------------------------------

func TestApplyDeemedApproval(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateRegistered) // received 13 April: reply due 28 April
	s.reject("2026-04-28 23:59", sysActor, ActDeemApproved, ActionInput{}, EConflict)
	s.reject("2026-04-29 10:00", caSup1, ActDeemApproved, ActionInput{}, EForbidden)
	note := s.do("2026-04-29 00:01", sysActor, ActDeemApproved, ActionInput{})
	s.wantStatus(StateDeemedApproved)
	if !strings.Contains(note.String(), "2026-04-28") {
		t.Errorf("the case does not say why: %v", note)
	}
	s.checkClock(ClockReply, "", DeadlineMissed, "2026-04-28")
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-07-29")
	if d := s.c.Decision; d == nil || d.Outcome != "deemed_approval" || *d.DecidedOn != day("2026-04-29") {
		t.Errorf("decision %+v", d)
	}
	if Recipient(sysActor, s.c, ActDeemApproved) != "DE" {
		t.Error("the requesting state is not told of the deemed approval")
	}

	// correction: back to the state before, reply clock running again, window stopped
	s.reject("2026-04-30 10:00", caOff, ActCorrectDeemedApproval, ActionInput{Reason: "x"}, EForbidden)
	s.reject("2026-04-30 10:00", caSup1, ActCorrectDeemedApproval, ActionInput{}, EInvalid, "reason")
	s.do("2026-04-30 10:00", caSup1, ActCorrectDeemedApproval, ActionInput{Reason: "The reply was sent by e-mail on 27 April."})
	s.wantStatus(StateRegistered)
	s.checkClock(ClockReply, "", DeadlineRunning, "2026-04-28")
	s.checkClock(ClockTransferWindow, "", DeadlineStopped, "")
	if s.c.Decision != nil {
		t.Errorf("decision after correction: %+v", s.c.Decision)
	}
	// and the case can be decided normally
	s.do("2026-04-30 11:00", caOff, ActApprove, ActionInput{FamilyCovered: none()})
	s.do("2026-04-30 12:00", caSup2, ActSignOff, ActionInput{})
	s.wantStatus(StateApproved)
}

// TestApplyFinalDecisionClosesVerification checks that the verification
// tasks still open when a decision becomes final (an approval, or a deemed
// approval) are cancelled and their clocks stopped, so that no task target
// shows on an approved case.
func TestApplyFinalDecisionClosesVerification(t *testing.T) {
	w := newWorld(t, "eu-az", false)
	for _, deemed := range []bool{false, true} {
		s, _ := w.reach(StateUnderVerification)
		task := s.c.Tasks[0].ID
		s.checkClock(ClockVerificationTask, task, DeadlineRunning, "")
		if deemed {
			s.do("2026-05-20 00:01", sysActor, ActDeemApproved, ActionInput{})
			s.wantStatus(StateDeemedApproved)
		} else {
			s.do("2026-04-20 10:00", caOff, ActApprove, ActionInput{FamilyCovered: none()})
			s.wantStatus(StateApproved)
		}
		if got := s.c.Task(task); got.Status != TaskCancelled {
			t.Errorf("deemed %v: open task after the decision: %+v", deemed, got)
		}
		s.checkClock(ClockVerificationTask, task, DeadlineStopped, "")
		if r := s.runningKinds(); !slices.Equal(r, []string{ClockTransferWindow}) {
			t.Errorf("deemed %v: clocks running after the decision: %v", deemed, r)
		}
	}
}

// TestApplyDeemedApprovalCorrectedAfterHolidayFix is the spec's example of a
// correction: the holiday data was wrong, so the reply clock moves.
func TestApplyDeemedApprovalCorrectedAfterHolidayFix(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s := w.newCase(acceleratedProcedure("2026-04-13"), deOff, at("2026-04-13 08:00"))
	s.do("2026-04-13 09:00", deOff, ActSubmit, ActionInput{})
	s.checkClock(ClockReplyAccelerated, "", DeadlineRunning, "2026-04-15") // Tue 14, Wed 15
	s.do("2026-04-16 00:10", sysActor, ActDeemApproved, ActionInput{})
	s.wantStatus(StateDeemedApproved)

	// An administrator adds two forgotten rest days (14 and 15 April).
	var y deadline.Year
	for _, x := range w.set.Calendars().Years("AZ") {
		if x.Year == 2026 {
			y = x
		}
	}
	y.NonWorking = append(y.NonWorking, deadline.Day{Date: day("2026-04-14"), Name: "rest day (test)"}, deadline.Day{Date: day("2026-04-15"), Name: "rest day (test)"})
	cals, err := w.set.Calendars().With(y)
	if err != nil {
		t.Fatal(err)
	}
	w.cals = cals
	s.do("2026-04-16 09:00", caSup1, ActCorrectDeemedApproval, ActionInput{Reason: "Wrong holiday data: 14–15 April were rest days."})
	s.wantStatus(StateSubmitted)
	s.checkClock(ClockReplyAccelerated, "", DeadlineRunning, "2026-04-17") // Thu 16, Fri 17
	if w.due(ClockReplyAccelerated, "DE", day("2026-04-13")) != day("2026-04-17") {
		t.Error("the deadline package disagrees on the corrected due date")
	}
	s.reject("2026-04-17 12:00", sysActor, ActDeemApproved, ActionInput{}, EConflict)
}

// TestApplyNestedReturns checks that a return goes back to the right state
// when a deemed approval or a consent-withdrawal request interrupts another
// request that has a return of its own.
func TestApplyNestedReturns(t *testing.T) {
	t.Run("deemed while information was requested", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s, _ := w.reach(StateInfoRequested) // from registered
		s.do("2026-04-29 10:00", sysActor, ActDeemApproved, ActionInput{})
		s.do("2026-04-30 10:00", caSup1, ActCorrectDeemedApproval, ActionInput{Reason: "Reply lost in transmission."})
		s.wantStatus(StateInfoRequested)
		s.do("2026-04-30 11:00", deOff, ActProvideInfo, ActionInput{Answer: "Birth certificate attached."})
		s.wantStatus(StateRegistered)
	})
	t.Run("deemed while a proposal waited for sign-off", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s, _ := w.reach(StatePendingSignOff) // from under_verification
		proposal := deepCopy(s.c.Decision)
		s.do("2026-04-29 10:00", sysActor, ActDeemApproved, ActionInput{})
		s.do("2026-04-30 10:00", caSup1, ActCorrectDeemedApproval, ActionInput{Reason: "Reply lost in transmission."})
		s.wantStatus(StatePendingSignOff)
		if diff := cmp.Diff(proposal, s.c.Decision); diff != "" {
			t.Errorf("the proposal was not restored (-want +got):\n%s", diff)
		}
		s.reject("2026-04-30 11:00", caOff, ActSignOff, ActionInput{}, EForbidden)
		back := &scenario{t: t, w: w, c: deepCopy(s.c)}
		s.do("2026-04-30 11:00", caSup2, ActSignOff, ActionInput{})
		s.wantStatus(StateApproved)
		back.do("2026-04-30 11:00", caSup2, ActReturnProposal, ActionInput{Comment: "Redo after the interview."})
		back.wantStatus(StateUnderVerification)
	})
	t.Run("consent withdrawal on a deemed approval, then corrected", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s, _ := w.reach(StateDeemedApproved) // from registered
		s.do("2026-05-04 10:00", caOff, ActRequestConsentWithdrawal, ActionInput{Reason: "Holds a valid Uzbek passport."})
		s.wantStatus(StateConsentWithdrawalRequested)
		s.reject("2026-05-05 10:00", deOff, ActNotifyTransfer, ActionInput{Transfer: &Transfer{Date: day("2026-05-20"), CrossingPoint: "GYD"}}, EConflict)
		s.do("2026-05-05 10:00", deOff, ActMaintainApplication, ActionInput{Reason: "The passport is forged."})
		s.wantStatus(StateDeemedApproved)
		s.do("2026-05-06 10:00", caSup1, ActCorrectDeemedApproval, ActionInput{Reason: "Reply lost in transmission."})
		s.wantStatus(StateRegistered)
	})
	t.Run("a signed-off decision forgets its return", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s, _ := w.reach(StateApproved)
		if s.c.PriorStatus != "" || len(s.c.OuterPriors) != 0 {
			t.Errorf("after sign-off the case still remembers %q %v", s.c.PriorStatus, s.c.OuterPriors)
		}
		s.do("2026-04-21 10:00", caOff, ActRequestConsentWithdrawal, ActionInput{Reason: "New evidence."})
		s.do("2026-04-22 10:00", deOff, ActMaintainApplication, ActionInput{Reason: "Evidence false."})
		s.wantStatus(StateApproved)
	})
}

func TestApplyNoDeemedApprovalUnderNonBindingProfile(t *testing.T) {
	w := newWorld(t, "ci-eu", true)
	n := ownNational()
	n.Person.Nationality = "CI"
	s := w.newCase(n, frOff, at("2026-04-01 09:00"))
	s.do("2026-04-01 10:00", frOff, ActSubmit, ActionInput{})
	// 30 calendar days, a target time (not binding)
	s.checkClock(ClockReply, "", DeadlineRunning, "2026-05-01")
	if s.clock(ClockReply, "").Binding {
		t.Error("a non-binding profile's reply clock is binding")
	}
	s.reject("2026-05-02 10:00", sysActor, ActDeemApproved, ActionInput{}, EConflict)
	s.do("2026-05-02 11:00", ciOff, ActRegister, ActionInput{})
}

// --- returns to the prior state ------------------------------------------------

func TestApplyRequestInfoReturnsToPriorState(t *testing.T) {
	for _, from := range []State{StateSubmitted, StateRegistered, StateUnderVerification} {
		t.Run(string(from), func(t *testing.T) {
			w := newWorld(t, "eu-az", true)
			s, _ := w.reach(from)
			due := *s.clock(ClockReply, "").DueOn
			s.do("2026-04-20 10:00", caOff, ActRequestInfo, ActionInput{Question: "Photograph?"})
			s.wantStatus(StateInfoRequested)
			s.do("2026-04-21 10:00", deOff, ActProvideInfo, ActionInput{Answer: "Attached."})
			s.wantStatus(from)
			if d := s.clock(ClockReply, ""); d.Status != DeadlineRunning || *d.DueOn != due {
				t.Errorf("reply clock %+v, want running until %s", d, due)
			}
		})
	}
	for _, from := range []State{StateRegistered, StateUnderVerification} {
		t.Run("return_proposal to "+string(from), func(t *testing.T) {
			w := newWorld(t, "eu-az", true)
			s, _ := w.reach(from)
			s.do("2026-04-20 10:00", caOff, ActRefuse, ActionInput{Reasons: []string{"other"}, Text: "x"})
			s.do("2026-04-21 10:00", caSup1, ActReturnProposal, ActionInput{Comment: "Give the reasons."})
			s.wantStatus(from)
		})
	}
}

// --- travel documents, transfer, expiry ----------------------------------------

func TestApplyEUTravelDocumentAccepted(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateTravelDocumentRequested) // due 4 June
	task := s.c.Tasks[len(s.c.Tasks)-1].ID
	s.reject("2026-06-04 18:00", deOff, ActAcceptEUTravelDocument, ActionInput{}, EConflict)
	s.reject("2026-06-05 09:00", caOff, ActAcceptEUTravelDocument, ActionInput{}, EForbidden)
	s.do("2026-06-05 09:00", deOff, ActAcceptEUTravelDocument, ActionInput{})
	s.wantStatus(StateTravelDocumentIssued)
	if td := s.c.TravelDocument; td == nil || td.Kind != "eu_standard" || *td.IssuedOn != day("2026-06-05") {
		t.Errorf("travel document %+v", td)
	}
	s.checkClock(ClockTravelDocument, "", DeadlineMissed, "2026-06-04")
	if got := s.c.Task(task); got.Status != TaskCancelled {
		t.Errorf("the mission's task: %+v", got)
	}
	// the system may do the same
	s2, _ := w.reach(StateTravelDocumentRequested)
	s2.do("2026-06-05 00:30", sysActor, ActAcceptEUTravelDocument, ActionInput{})
	s2.wantStatus(StateTravelDocumentIssued)
}

func TestApplyRenewTravelDocument(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateTransferPostponed) // document valid until 3 July
	s.reject("2026-06-20 10:00", berlinOff, ActRenewTravelDocument, ActionInput{}, EInvalid, "valid_until")
	s.reject("2026-06-20 10:00", berlinOff, ActRenewTravelDocument, ActionInput{ValidUntil: dayp("2026-07-01")}, EInvalid, "valid_until") // not later
	s.reject("2026-06-20 10:00", berlinOff, ActRenewTravelDocument, ActionInput{ValidUntil: dayp("2026-07-21")}, EInvalid, "valid_until") // > 30 days
	s.reject("2026-06-20 10:00", deOff, ActRenewTravelDocument, ActionInput{ValidUntil: dayp("2026-07-20")}, EForbidden)
	s.do("2026-06-20 10:00", berlinOff, ActRenewTravelDocument, ActionInput{ValidUntil: dayp("2026-07-20")})
	s.wantStatus(StateTravelDocumentIssued)
	if *s.c.TravelDocument.ValidUntil != day("2026-07-20") || s.c.TravelDocument.Number != "RC-7" {
		t.Errorf("renewed document %+v", s.c.TravelDocument)
	}
	s.do("2026-06-22 10:00", deOff, ActNotifyTransfer, ActionInput{Transfer: &Transfer{Date: day("2026-07-15"), CrossingPoint: "GYD", Escorts: 1}})
	s.wantStatus(StateTransferNotified)
}

func TestApplyTransferNotice(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a        Actor
		notified string
		transfer string
		late     bool
	}{
		// DE: 3 working days; for 17 June (15 June a rest day) due by 11 June.
		{"DE on the last day", deOff, "2026-06-11 18:00", "2026-06-17", false},
		{"DE a day late", deOff, "2026-06-12 09:00", "2026-06-17", true},
		// AT protocol: 5 working days: 17, 16, 12, 11, 10 June, so due by 9 June.
		{"AT on the last day", atOff, "2026-06-09 10:00", "2026-06-17", false},
		{"AT a day late, on time for DE", atOff, "2026-06-10 10:00", "2026-06-17", true},
		// 31 March 2026, the first working day after Novruz: 31, 19, 18 March, so due by 17 March.
		{"DE over Novruz, on time", deOff, "2026-03-17 10:00", "2026-03-31", false},
		{"DE over Novruz, late", deOff, "2026-03-18 10:00", "2026-03-31", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "eu-az", false)
			// a third-country national needs no travel document of the requested state
			s := w.newCase(thirdCountryNational("2026-01-10"), tc.a, at("2026-02-01 09:00"))
			s.do("2026-02-02 10:00", tc.a, ActSubmit, ActionInput{})
			s.do("2026-02-03 10:00", caOff, ActRegister, ActionInput{})
			s.do("2026-02-04 10:00", caOff, ActApprove, ActionInput{FamilyCovered: none()})
			s.do(tc.notified, tc.a, ActNotifyTransfer, ActionInput{Transfer: &Transfer{Date: day(tc.transfer), CrossingPoint: "GYD", Escorts: 2}})
			s.wantStatus(StateTransferNotified)
			if s.c.Transfer.LateNotice != tc.late || s.c.HasWarning(WarnLateNotice) != tc.late {
				t.Errorf("late notice %v (warnings %v), want %v", s.c.Transfer.LateNotice, s.c.Warnings, tc.late)
			}
			latest := w.due("transfer_notice", s.c.RequestingState, day(tc.transfer))
			if got := s.c.Transfer.NotifiedOn.After(latest); got != tc.late {
				t.Errorf("the deadline package puts the notice at %s: late = %v", latest, got)
			}
			// a new notice on time clears the warning
			if tc.late {
				s.do(tc.notified, caOff, ActObjectTransfer, ActionInput{Reason: "Too short notice."})
				s.wantStatus(StateTransferObjected)
				s.do(tc.notified, tc.a, ActNotifyTransfer, ActionInput{Transfer: &Transfer{Date: day(tc.transfer).AddDays(14), CrossingPoint: "GYD", Escorts: 2}})
				if s.c.Transfer.LateNotice || s.c.HasWarning(WarnLateNotice) {
					t.Errorf("a timely new notice keeps the late warning: %v", s.c.Warnings)
				}
			}
		})
	}
}

func TestApplyOwnNationalNeedsTravelDocument(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateApproved)
	s.reject("2026-05-01 10:00", deOff, ActNotifyTransfer, ActionInput{Transfer: &Transfer{Date: day("2026-05-20"), CrossingPoint: "GYD", Escorts: 1}}, EInvalid, "transfer.date")
}

func TestApplyProtocolCrossingPoints(t *testing.T) {
	w := newWorld(t, "eu-az", false)
	// A protocol naming its own crossing point replaces the agreement's (deadline.Override).
	p := *w.profile()
	p.Overrides = maps.Clone(p.Overrides)
	o := p.Overrides["DE"]
	o.CrossingPoints = []deadline.CrossingPoint{{Code: "NAJ", Name: "Nakhchivan Airport"}}
	p.Overrides["DE"] = o
	s := w.newCase(thirdCountryNational("2026-01-10"), deOff, at("2026-02-01 09:00"))
	s.do("2026-02-02 10:00", deOff, ActSubmit, ActionInput{})
	s.do("2026-02-03 10:00", caOff, ActRegister, ActionInput{})
	s.do("2026-02-04 10:00", caOff, ActApprove, ActionInput{FamilyCovered: none()})
	env := w.env(at("2026-02-05 10:00"))
	env.Profile = &p
	for _, tc := range []struct {
		cp   string
		want string
	}{{"GYD", EInvalid}, {"NAJ", ""}} {
		c := deepCopy(s.c)
		_, err := Apply(env, c, deOff, ActNotifyTransfer, ActionInput{Transfer: &Transfer{Date: day("2026-02-20"), CrossingPoint: tc.cp, Escorts: 1}})
		if ErrorCode(err) != tc.want {
			t.Errorf("crossing point %s under a protocol listing NAJ only: %v, want %q", tc.cp, err, tc.want)
		}
	}
}

func TestApplySafeguardFlags(t *testing.T) {
	w := newWorld(t, "eu-az", false)
	n := thirdCountryNational("2026-01-10")
	n.Special.Minor = true
	n.Flags = []string{FlagAsylumPending}
	s := w.newCase(n, deOff, at("2026-02-01 09:00"))
	s.do("2026-02-02 10:00", deOff, ActSubmit, ActionInput{})
	if got := s.c.ActiveFlags(); !slices.Equal(sortedStrings(got), []string{FlagAsylumPending, FlagMinor}) {
		t.Fatalf("flags %v", got)
	}
	s.do("2026-02-03 10:00", caOff, ActRegister, ActionInput{})
	s.do("2026-02-04 10:00", caOff, ActApprove, ActionInput{FamilyCovered: none()})
	notify := ActionInput{Transfer: &Transfer{Date: day("2026-02-20"), CrossingPoint: "GYD", Escorts: 1}}
	s.reject("2026-02-05 10:00", deOff, ActNotifyTransfer, notify, EConflict)
	s.reject("2026-02-05 10:00", caOff, ActClearFlag, ActionInput{Flag: FlagMinor, Reason: "x"}, EForbidden)
	s.reject("2026-02-05 10:00", caSup1, ActClearFlag, ActionInput{}, EInvalid, "flag", "reason")
	s.reject("2026-02-05 10:00", caSup1, ActClearFlag, ActionInput{Flag: FlagMedical, Reason: "x"}, EInvalid, "flag")
	s.do("2026-02-05 10:00", caSup1, ActClearFlag, ActionInput{Flag: FlagMinor, Reason: "Turned 18 on 1 February."})
	s.wantStatus(StateApproved)
	s.reject("2026-02-05 10:00", caSup1, ActClearFlag, ActionInput{Flag: FlagMinor, Reason: "again"}, EInvalid, "flag")
	s.reject("2026-02-05 11:00", deOff, ActNotifyTransfer, notify, EConflict)
	s.do("2026-02-05 11:00", caSup1, ActClearFlag, ActionInput{Flag: FlagAsylumPending, Reason: "Asylum application rejected, final."})
	if f := s.c.Flags[0]; f.ClearedAt == nil || f.ClearedBy != caSup1.UserID || f.Reason == "" {
		t.Errorf("cleared flag %+v", f)
	}
	s.do("2026-02-05 12:00", deOff, ActNotifyTransfer, notify)
	s.wantStatus(StateTransferNotified)
}

func sortedStrings(in []string) []string { return slices.Sorted(slices.Values(in)) }

// The requesting state asks for a longer transfer window itself; a
// central-authority supervisor records a request that came by e-mail, with
// its date (LIFECYCLE.md extend_transfer_window).
func TestApplyTransferWindowExtendedByRequestingState(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateApproved) // window until 20 July
	s.reject("2026-07-10 10:00", deOff, ActExtendTransferWindow, ActionInput{Justification: "x", NewEnd: dayp("2026-08-31"), RequestedOn: dayp("2026-07-09")}, EInvalid, "requested_on")
	note := s.do("2026-07-10 10:00", deOff, ActExtendTransferWindow, ActionInput{Justification: "No flights until August.", NewEnd: dayp("2026-08-31")})
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-08-31")
	if !strings.Contains(note.String(), "2026-08-31") {
		t.Errorf("note %v does not name the new end", note)
	}
	s.reject("2026-07-11 10:00", caSup1, ActExtendTransferWindow, ActionInput{Justification: "x", NewEnd: dayp("2026-09-30"), RequestedOn: dayp("2026-07-12")}, EInvalid, "requested_on")
	note = s.do("2026-07-11 10:00", caSup1, ActExtendTransferWindow, ActionInput{Justification: "Court order.", NewEnd: dayp("2026-09-30"), RequestedOn: dayp("2026-07-09")})
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-09-30")
	if !strings.Contains(note.String(), "requested_on=2026-07-09") {
		t.Errorf("note %v does not name the date of the request", note)
	}
}

// An electronic submission is acknowledged by its delivery receipt; for an
// application on paper or by e-mail the central authority records the date
// the acknowledgement was sent, and where the profile counts the reply time
// from the acknowledgement, the reply clock counts from that date.
func TestApplyRecordAcknowledgement(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	el, _ := w.reach(StateRegistered) // received 13 April
	if el.c.AcknowledgedOn == nil || *el.c.AcknowledgedOn != day("2026-04-13") || !el.c.AcknowledgedElectronically {
		t.Fatalf("acknowledged on %v after an electronic submission, want 2026-04-13", el.c.AcknowledgedOn)
	}
	el.reject("2026-04-14 12:00", caOff, ActRecordAcknowledgement, ActionInput{AcknowledgedOn: dayp("2026-04-14")}, EConflict)
	if slices.Contains(AvailableActions(caOff, el.c, day("2026-04-14")), ActRecordAcknowledgement) {
		t.Error("an electronic submission offers to record an acknowledgement")
	}

	// An application received by e-mail on 13 April.
	s := w.newCase(ownNational(), deOff, at("2026-04-13 09:00"))
	if _, err := ReceiveByEmail(w.env(at("2026-04-14 09:00")), s.c, caOff, day("2026-04-13")); err != nil {
		t.Fatal(err)
	}
	if s.c.AcknowledgedOn != nil || s.c.AcknowledgedElectronically {
		t.Fatalf("an e-mailed application acknowledged on %v before anyone sent it", s.c.AcknowledgedOn)
	}
	due := *s.clock(ClockReply, "").DueOn
	s.reject("2026-04-14 12:00", caOff, ActRecordAcknowledgement, ActionInput{}, EInvalid, "acknowledged_on")
	s.reject("2026-04-14 12:00", caOff, ActRecordAcknowledgement, ActionInput{AcknowledgedOn: dayp("2026-04-12")}, EInvalid, "acknowledged_on")
	s.reject("2026-04-14 12:00", caOff, ActRecordAcknowledgement, ActionInput{AcknowledgedOn: dayp("2026-04-15")}, EInvalid, "acknowledged_on")
	s.reject("2026-04-14 12:00", deOff, ActRecordAcknowledgement, ActionInput{AcknowledgedOn: dayp("2026-04-14")}, EForbidden)
	// A profile counting from receipt: the date is recorded, the clock stays.
	s.do("2026-04-14 12:00", caOff, ActRecordAcknowledgement, ActionInput{AcknowledgedOn: dayp("2026-04-14")})
	s.wantStatus(StateSubmitted)
	if got := *s.clock(ClockReply, "").DueOn; got != due {
		t.Errorf("reply due %s after the acknowledgement under a profile counting from receipt, want %s", got, due)
	}
	// A profile counting from the acknowledgement: the clock moves with it
	// (a later date corrects the one recorded).
	s.clock(ClockReply, "").Rule.From = AcknowledgementEvent
	s.do("2026-04-15 13:00", caOff, ActRecordAcknowledgement, ActionInput{AcknowledgedOn: dayp("2026-04-15")})
	if got := *s.clock(ClockReply, ""); got.From != day("2026-04-15") || *got.DueOn != due.AddDays(2) {
		t.Errorf("reply clock from %s due %s, want from 2026-04-15 due %s", got.From, got.DueOn, due.AddDays(2))
	}
	if *s.c.AcknowledgedOn != day("2026-04-15") {
		t.Errorf("acknowledged on %s, want 2026-04-15", s.c.AcknowledgedOn)
	}
}

func TestApplyTransferWindowExpiryAndExtension(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateApproved) // signed off 20 April: window until 20 July
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-07-20")
	s.reject("2026-07-20 23:00", sysActor, ActExpire, ActionInput{}, EConflict)
	s.reject("2026-07-10 10:00", caOff, ActExtendTransferWindow, ActionInput{Justification: "x", NewEnd: dayp("2026-08-31")}, EForbidden)
	s.reject("2026-07-10 10:00", caSup1, ActExtendTransferWindow, ActionInput{}, EInvalid, "justification", "new_end")
	s.reject("2026-07-10 10:00", caSup1, ActExtendTransferWindow, ActionInput{Justification: "x", NewEnd: dayp("2026-07-20")}, EInvalid, "new_end")
	s.do("2026-07-10 10:00", caSup1, ActExtendTransferWindow, ActionInput{Justification: "No flights from Frankfurt until August.", NewEnd: dayp("2026-08-31")})
	s.wantStatus(StateApproved)
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-08-31")
	s.reject("2026-07-21 10:00", sysActor, ActExpire, ActionInput{}, EConflict)
	s.do("2026-09-01 00:05", sysActor, ActExpire, ActionInput{})
	s.wantStatus(StateExpired)
	s.checkClock(ClockTransferWindow, "", DeadlineMissed, "")
	if r := s.runningKinds(); len(r) != 0 {
		t.Errorf("running after expiry: %v", r)
	}
	if !Terminal(s.c.Status) {
		t.Error("expired is terminal")
	}
}

func TestApplyHandoverAndTakeBackWindow(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateTransferred) // handover 17 June: take-back until 17 December
	s.reject("2026-06-18 10:00", caOff, ActRecordHandover, ActionInput{}, EForbidden)
	s.do("2026-06-18 10:00", caOff, ActClose, ActionInput{}) // the central authority need not wait 30 days
	s.wantStatus(StateClosed)
	s.reject("2026-12-18 10:00", caOff, ActRequestTakeBack, ActionInput{Reason: "Readmitted in error."}, EConflict)
	s.do("2026-12-17 10:00", caOff, ActRequestTakeBack, ActionInput{Reason: "Readmitted in error."})
	s.wantStatus(StateTakeBackRequested)
	// the border point no longer sees the case (more than 30 days after the handover)
	s.reject("2026-12-20 10:00", gydOff, ActRecordTakeBack, ActionInput{Date: dayp("2026-12-20")}, ENotFound)
	s.reject("2026-12-20 10:00", deSup, ActRecordTakeBack, ActionInput{Date: dayp("2026-12-21")}, EInvalid, "date") // in the future
	s.reject("2026-12-20 10:00", deSup, ActRecordTakeBack, ActionInput{Date: dayp("2026-06-16")}, EInvalid, "date") // before the handover
	s.do("2026-12-20 10:00", deSup, ActRecordTakeBack, ActionInput{Date: dayp("2026-12-20")})
	s.wantStatus(StateTakenBack)
}

func TestApplyConsentWithdrawal(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateTransferConfirmed)
	s.reject("2026-06-13 10:00", caOff, ActRequestConsentWithdrawal, ActionInput{}, EInvalid, "reason")
	s.do("2026-06-13 10:00", caOff, ActRequestConsentWithdrawal, ActionInput{Reason: "New evidence: Georgian national."})
	s.wantStatus(StateConsentWithdrawalRequested)
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "")
	// transfer actions are blocked
	s.reject("2026-06-17 10:00", gydOff, ActRecordHandover, ActionInput{Handover: &Handover{At: at("2026-06-17 10:00"), Officer: "x", Persons: 1}}, EConflict)
	s.reject("2026-06-14 10:00", caOff, ActConfirmTransfer, ActionInput{}, EConflict)
	s.reject("2026-06-14 10:00", deOff, ActMaintainApplication, ActionInput{}, EInvalid, "reason")
	s.do("2026-06-14 10:00", deOff, ActMaintainApplication, ActionInput{Reason: "The Georgian document is forged."})
	s.wantStatus(StateTransferConfirmed)
}

func TestApplyWithdraw(t *testing.T) {
	for _, st := range []State{StateDraft, StateSubmitted, StateInfoRequested, StateUnderVerification, StatePendingSignOff,
		StateDeemedApproved, StateTravelDocumentRequested, StateTransferConfirmed, StateConsentWithdrawalRequested} {
		t.Run(string(st), func(t *testing.T) {
			w := newWorld(t, "eu-az", true)
			s, now := w.reach(st)
			s.reject(now, deOff, ActWithdraw, ActionInput{}, EInvalid, "reason_code")
			s.reject(now, deOff, ActWithdraw, ActionInput{ReasonCode: "bored"}, EInvalid, "reason_code")
			s.reject(now, deOff, ActWithdraw, ActionInput{ReasonCode: "other"}, EInvalid, "reason")
			if st != StateDraft {
				s.reject(now, caSup1, ActWithdraw, ActionInput{ReasonCode: "absconded"}, EForbidden)
			}
			s.do(now, deOff, ActWithdraw, ActionInput{ReasonCode: "voluntary_departure"})
			s.wantStatus(StateWithdrawn)
			if r := s.runningKinds(); len(r) != 0 {
				t.Errorf("clocks running after withdrawal: %v", r)
			}
			for _, task := range s.c.Tasks {
				if task.Status == TaskOpen {
					t.Errorf("open task after withdrawal: %+v", task)
				}
			}
			if !Terminal(s.c.Status) {
				t.Error("withdrawn is terminal")
			}
		})
	}
	w := newWorld(t, "eu-az", true)
	s, now := w.reach(StateTransferred)
	s.reject(now, deOff, ActWithdraw, ActionInput{ReasonCode: "other", Reason: "too late"}, EConflict)
}

func TestApplyInterviewClocks(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateRegistered)
	// a mission not accredited to the requesting state: 7 working days
	s.do("2026-04-20 10:00", caOff, ActRequestInterview, ActionInput{MissionID: orgVienna.ID, Mode: "in_person", Language: "ru"})
	s.wantStatus(StateRegistered)
	iv := s.c.Tasks[len(s.c.Tasks)-1]
	// Monday 20 April: 21, 22, 23, 24, 27, 28, 29 April.
	s.checkClock(ClockInterviewNoMission, iv.ID, DeadlineRunning, "2026-04-29")
	if w.due(ClockInterviewNoMission, "DE", day("2026-04-20")) != day("2026-04-29") {
		t.Error("the deadline package disagrees on the no-mission interview clock")
	}
	// the interview outcome uses the interview findings
	s.do("2026-04-20 11:00", deOff, ActRequestInterview, ActionInput{MissionID: orgBerlin.ID, Mode: "in_person", Language: "az"})
	iv2 := s.c.Tasks[len(s.c.Tasks)-1]
	s.reject("2026-04-22 10:00", berlinOff, ActAnswerTask, ActionInput{TaskID: iv2.ID, Finding: "not_found"}, EInvalid, "finding")
	s.reject("2026-04-22 10:00", berlinOff, ActAnswerTask, ActionInput{TaskID: iv.ID, Finding: "confirmed"}, EInvalid, "task_id") // Vienna's task
	s.do("2026-04-22 10:00", berlinOff, ActAnswerTask, ActionInput{TaskID: iv2.ID, Finding: "not_held", Answer: "Person did not appear."})
	s.checkClock(ClockInterview, iv2.ID, DeadlineMet, "2026-04-27")
}

// --- transit -------------------------------------------------------------------

func TestApplyTransit(t *testing.T) {
	t.Run("approved and executed", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s := w.newCase(transitRequest("2026-04-24"), deOff, at("2026-04-10 09:00"))
		if s.c.Procedure != "" || s.c.Category != "" {
			t.Errorf("a transit request has procedure %q, category %q", s.c.Procedure, s.c.Category)
		}
		s.do("2026-04-13 10:00", deOff, ActSubmit, ActionInput{})
		s.wantStatus(StateTransitRequested)
		if s.c.HasWarning(WarnShortLeadTime) {
			t.Error("11 days' lead time flagged as short")
		}
		s.checkClock(ClockTransitReply, "", DeadlineRunning, "2026-04-18") // 5 calendar days
		if w.due(ClockTransitReply, "DE", day("2026-04-13")) != day("2026-04-18") {
			t.Error("the deadline package disagrees on the transit reply")
		}
		s.reject("2026-04-14 10:00", caOff, ActApprove, ActionInput{FamilyCovered: none()}, ENotFound) // not a transit action
		s.reject("2026-04-14 10:00", caOff, ActApproveTransit, ActionInput{}, EInvalid, "entry_point", "time")
		s.reject("2026-04-14 10:00", deOff, ActApproveTransit, ActionInput{EntryPoint: "GYD", Time: "14:05"}, EForbidden)
		s.do("2026-04-14 10:00", caOff, ActApproveTransit, ActionInput{EntryPoint: "GYD", Time: "14:05", Assistance: "Escort to gate 12"})
		s.wantStatus(StateTransitApproved)
		s.checkClock(ClockTransitReply, "", DeadlineMet, "")
		s.reject("2026-04-24 15:00", najOff, ActRecordTransit, ActionInput{Time: "14:10"}, ENotFound)
		s.reject("2026-04-24 15:00", gydOff, ActRecordTransit, ActionInput{}, EInvalid, "time")
		s.do("2026-04-24 15:00", gydOff, ActRecordTransit, ActionInput{Time: "14:10"})
		s.wantStatus(StateTransitExecuted)
		if !Terminal(s.c.Status) {
			t.Error("transit_executed is terminal")
		}
		if !CanView(gydOff, s.c, day("2026-05-24")) || CanView(gydOff, s.c, day("2026-05-25")) {
			t.Error("the entry point sees an executed transit until 30 days after it")
		}
	})
	t.Run("short lead time, refused", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s := w.newCase(transitRequest("2026-04-16"), deOff, at("2026-04-10 09:00"))
		s.do("2026-04-13 10:00", deOff, ActSubmit, ActionInput{}) // 7 days before 16 April is 9 April
		if !s.c.HasWarning(WarnShortLeadTime) {
			t.Error("3 days' lead time not flagged")
		}
		if latest := w.due("transit_lead_time", "DE", day("2026-04-16")); latest != day("2026-04-09") {
			t.Errorf("the deadline package puts the lead time at %s", latest)
		}
		s.reject("2026-04-14 10:00", caOff, ActRefuseTransit, ActionInput{}, EInvalid, "reasons")
		s.reject("2026-04-14 10:00", caOff, ActRefuseTransit, ActionInput{Reasons: []string{"nationality_not_established"}}, EInvalid, "reasons")
		s.do("2026-04-19 10:00", caOff, ActRefuseTransit, ActionInput{Reasons: []string{"onward_admission_not_assured"}})
		s.wantStatus(StateTransitRefused)
		s.checkClock(ClockTransitReply, "", DeadlineMissed, "2026-04-18") // answered a day late
	})
	t.Run("revoked", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s, _ := w.reachType(TypeTransit, StateTransitApproved)
		s.reject("2026-04-20 10:00", caOff, ActRevokeTransit, ActionInput{}, EInvalid, "reasons")
		s.do("2026-04-20 10:00", caOff, ActRevokeTransit, ActionInput{Reasons: []string{"public_health_security_order"}})
		s.wantStatus(StateTransitRevoked)
		if !Terminal(s.c.Status) {
			t.Error("transit_revoked is terminal")
		}
	})
	t.Run("withdrawn", func(t *testing.T) {
		w := newWorld(t, "eu-az", true)
		s, _ := w.reachType(TypeTransit, StateTransitApproved)
		s.do("2026-04-20 10:00", deSup, ActWithdraw, ActionInput{ReasonCode: "legal_stay"})
		s.wantStatus(StateWithdrawn)
	})
}

// --- every action: missing input is refused, field by field, without a trace ------

// emptyInputFields is, for each action, the fields Apply must name when the
// input is empty; it is the spec's "required" column put into the API's
// field names.
var emptyInputFields = map[string][]string{
	ActRecordAcknowledgement:    {"acknowledged_on"},                                     // date the acknowledgement was sent
	ActRequestInfo:              {"question"},                                            // question
	ActProvideInfo:              {"answer"},                                              // answer
	ActStartVerification:        {"tasks"},                                               // at least one task
	ActAnswerTask:               {"task_id"},                                             // (the task first, then its finding)
	ActRequestInterview:         {"mission_id", "mode", "language"},                      // mission, mode, language
	ActExtendReply:              {"justification", "days"},                               // justification, days
	ActApprove:                  {"family_covered"},                                      // family members covered
	ActRefuse:                   {"reasons", "text"},                                     // reason codes + text
	ActReturnProposal:           {"comment"},                                             // comment
	ActCorrectDeemedApproval:    {"reason"},                                              // reason
	ActRequestTravelDocument:    {"mission_id"},                                          // mission
	ActIssueTravelDocument:      {"number", "valid_until"},                               // number, valid until
	ActRenewTravelDocument:      {"valid_until"},                                         // new validity
	ActNotifyTransfer:           {"transfer.date", "transfer.crossing_point"},            // date/time, crossing point, … (escorts: 0 is a count)
	ActObjectTransfer:           {"reason"},                                              // reasons
	ActPostponeTransfer:         {"reason"},                                              // reason
	ActRecordNoShow:             {"reason"},                                              // what happened
	ActRecordHandover:           {"handover.at", "handover.officer", "handover.persons"}, // time, officer, persons received
	ActExtendTransferWindow:     {"justification", "new_end"},                            // justification, new end
	ActRequestConsentWithdrawal: {"reason"},                                              // new evidence
	ActMaintainApplication:      {"reason"},                                              // reasons
	ActWithdraw:                 {"reason_code"},                                         // reason (from the list)
	ActRequestTakeBack:          {"reason"},                                              // reasons
	ActRecordTakeBack:           {"date"},                                                // date
	ActClearFlag:                {"flag", "reason"},                                      // which flag, with a reason
	ActApproveTransit:           {"entry_point", "time"},                                 // entry point, time (assistance may be none)
	ActRefuseTransit:            {"reasons"},                                             // grounds from the list
	ActRevokeTransit:            {"reasons"},                                             // grounds
	ActRecordTransit:            {"time"},                                                // time
}

// beyondEmpty lists the Required fields that an empty input cannot miss:
// escorts is a count (0 is valid), a finding is asked for once the task is known.
var beyondEmpty = map[string][]string{ActNotifyTransfer: {"transfer.escorts"}, ActAnswerTask: {"finding"}}

func TestApplyEmptyInputRefusedWithoutChange(t *testing.T) {
	actorFor := func(r Role) Actor {
		switch r {
		case RoleRequestingOfficer:
			return deOff
		case RoleRequestingSupervisor:
			return deSup
		case RoleCAOfficer:
			return caOff
		case RoleCASupervisor:
			return caSup1
		case RoleAgencyOfficer:
			return civregOff
		case RoleConsularOfficer:
			return berlinOff
		case RoleBorderOfficer:
			return gydOff
		}
		return sysActor
	}
	// the non-terminal states reach builds
	reachable := map[CaseType][]State{
		TypeReadmission: {StateDraft, StateSubmitted, StateRegistered, StateInfoRequested, StateUnderVerification,
			StatePendingSignOff, StateApproved, StateDeemedApproved, StateConsentWithdrawalRequested, StateTravelDocumentRequested,
			StateTravelDocumentIssued, StateTransferNotified, StateTransferConfirmed, StateTransferObjected, StateTransferPostponed,
			StateTransferred, StateClosed, StateTakeBackRequested},
		TypeTransit: {StateDraft, StateTransitRequested, StateTransitApproved},
	}
	for _, tr := range Lifecycle {
		want, ok := emptyInputFields[tr.Action]
		required := Describe(tr.Action).Required()
		if len(required) == 0 {
			if ok {
				t.Errorf("%s %s: no Required fields, yet the spec requires %v", tr.Type, tr.Action, want)
			}
			continue
		}
		if !ok {
			t.Errorf("%s %s: Required %v, but the test knows no fields for it", tr.Type, tr.Action, required)
			continue
		}
		if got, w := sortedStrings(required), sortedStrings(append(slices.Clone(want), beyondEmpty[tr.Action]...)); !slices.Equal(got, w) {
			t.Errorf("%s %s: Required %v, want %v", tr.Type, tr.Action, got, w)
		}
		for _, st := range tr.From {
			if !slices.Contains(reachable[tr.Type], st) {
				t.Errorf("%s %s from %s: the test cannot build a case in that state", tr.Type, tr.Action, st)
				continue
			}
			// The canonical path sends a task (to the civil registry) only when
			// verification starts, and the central authority does not see drafts.
			if (tr.Action == ActAnswerTask && st != StateUnderVerification) || (tr.Action == ActClearFlag && st == StateDraft) {
				continue
			}
			t.Run(string(tr.Type)+"/"+tr.Action+"/"+string(st), func(t *testing.T) {
				w := newWorld(t, "eu-az", true)
				s, now := w.reachType(tr.Type, st)
				if tr.Action == ActClearFlag {
					s.c.Flags = []Flag{{Code: FlagMinor}}
				}
				if tr.Action == ActRecordAcknowledgement {
					s.c.AcknowledgedElectronically = false // as if it came by e-mail
				}
				if tr.Action == ActRecordHandover && st == StateApproved {
					s.c.WithoutNotification = true // returned without a written notification
				}
				a := actorFor(tr.By[0])
				// with nested structs present but empty, every leaf is named
				s.reject(now, a, tr.Action, ActionInput{Transfer: &Transfer{}, Handover: &Handover{}}, EInvalid, want...)
			})
		}
	}
}

// --- drafts: Prepare, NewCaseFrom, ValidateApplication, no application -----------

func TestPrepare(t *testing.T) {
	today := day("2026-04-13")
	ids := 0
	newID := func() string { ids++; return sprintf("x%d", ids) }

	n := ownNational()
	n.Evidence = append(n.Evidence, Evidence{Type: "national_passport"}, Evidence{Type: "hotel_bill"})
	n.Evidence[0].Strength = StrengthProof // the catalogue decides, not the sender
	if err := n.Prepare(newID, today); err != nil {
		t.Fatal(err)
	}
	for i, want := range []Strength{StrengthPrimaFacie, StrengthProof, StrengthPrimaFacie} {
		if n.Evidence[i].Strength != want || n.Evidence[i].ID == "" {
			t.Errorf("evidence[%d] = %+v, want strength %s and an id", i, n.Evidence[i], want)
		}
	}
	if n.Family[0].ID == "" {
		t.Error("family member without id")
	}

	for _, tc := range []struct {
		name   string
		change func(*NewCase)
		fields []string
	}{
		{"no type", func(n *NewCase) { n.Type = "" }, []string{"type"}},
		{"no procedure or category", func(n *NewCase) { n.Procedure, n.Category = "", "" }, []string{"procedure", "category"}},
		{"unknown category", func(n *NewCase) { n.Category = "tourist" }, []string{"category"}},
		{"no reference", func(n *NewCase) { n.RequestingReference = " " }, []string{"requesting_reference"}},
		{"long reference", func(n *NewCase) { n.RequestingReference = strings.Repeat("x", 65) }, []string{"requesting_reference"}},
		{"unknown flag", func(n *NewCase) { n.Flags = []string{FlagMinor, "vip"} }, []string{"flags[1]"}},
		{"no surname", func(n *NewCase) { n.Person.Surname = "" }, []string{"person.surname"}},
		{"born in the future", func(n *NewCase) { n.Person.DateOfBirth = PartialDate{Year: 2026, Month: 5} }, []string{"person.date_of_birth"}},
		{"bad sex", func(n *NewCase) { n.Person.Sex = "male" }, []string{"person.sex"}},
		{"nationality as free text", func(n *NewCase) {
			n.Person.Nationality, n.Person.PreviousNation, n.Family[0].Nationality = "AZERBAIJAN", "Soviet", "XX"
		}, []string{"person.nationality", "person.previous_nationality", "family[0].nationality"}},
		{"transit to no state", func(n *NewCase) { *n = transitRequest("2026-04-24"); n.Transit.FinalDestination = CountryStateless }, []string{"transit.final_destination"}},
		{"bad family", func(n *NewCase) { n.Family[0].Relationship = "cousin"; n.Family[0].Surname = "" }, []string{"family[0].relationship", "family[0].surname"}},
		{"unknown evidence, issued tomorrow", func(n *NewCase) { n.Evidence[0] = Evidence{Type: "forged_passport", IssuedOn: dayp("2026-04-14")} }, []string{"evidence[0].type", "evidence[0].issued_on"}},
		{"apprehended tomorrow", func(n *NewCase) { n.ApprehendedOn = dayp("2026-04-14") }, []string{"apprehended_on"}},
		{"transit details on a readmission case", func(n *NewCase) { n.Transit = &Transit{} }, []string{"transit"}},
		{"transit with procedure", func(n *NewCase) { *n = transitRequest("2026-04-24"); n.Procedure = ProcedureNormal }, []string{"procedure"}},
		{"transit with category", func(n *NewCase) { *n = transitRequest("2026-04-24"); n.Category = CategoryStateless }, []string{"category"}},
		{"transit without details", func(n *NewCase) { *n = transitRequest("2026-04-24"); n.Transit = nil }, []string{"transit"}},
		{"transit incomplete", func(n *NewCase) {
			*n = transitRequest("2026-04-24")
			n.Transit = &Transit{Escorts: -1}
		}, []string{"transit.itinerary", "transit.final_destination", "transit.entry_point", "transit.transit_on", "transit.escorts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := ownNational()
			tc.change(&n)
			before := deepCopy(n)
			err := n.Prepare(newID, today)
			checkErr(t, "Prepare", err, EInvalid, tc.fields...)
			if diff := cmp.Diff(before, n); diff != "" {
				t.Errorf("a refused draft was changed:\n%s", diff)
			}
		})
	}
	// A draft needs little: given names, date of birth and evidence come at submission.
	d := NewCase{Type: TypeReadmission, RequestingReference: "R1", Procedure: ProcedureAccelerated, Category: CategoryStateless,
		Application: Application{Person: Person{Surname: "Unknown"}}}
	if err := d.Prepare(newID, today); err != nil {
		t.Errorf("minimal draft: %v", err)
	}
	if err := ValidateApplication(d.Type, d.Procedure, d.Category, &d.Application, true, today); err == nil {
		t.Error("the minimal draft is not a complete application")
	} else {
		checkErr(t, "ValidateApplication", err, EInvalid, "person.date_of_birth", "evidence", "apprehended_on")
	}
	d.InterviewRequested = true
	d.Person.GivenNames, d.Person.DateOfBirth, d.ApprehendedOn = "", PartialDate{Year: 1990}, dayp("2026-04-12")
	if err := ValidateApplication(d.Type, d.Procedure, d.Category, &d.Application, true, today); err != nil {
		t.Errorf("an interview request stands for evidence: %v", err)
	}
}

func TestNewCaseFrom(t *testing.T) {
	now := at("2026-04-10 09:00")
	n := ownNational()
	n.Flags = []string{FlagLegalStay}
	n.PreviousCaseID = "case-old"
	c := NewCaseFrom(n, deOff, "case-1", "AZ-2026-000001", "AZ", "eu-az", 1, now)
	if c.Status != StateDraft || c.RequestingState != "DE" || c.RequestingOrgID != orgDE.ID || c.RequestedState != "AZ" ||
		c.Version != 1 || c.ProfileID != "eu-az" || c.ReceivedOn != nil || c.Deadlines == nil || len(c.Deadlines) != 0 {
		t.Errorf("new case %+v", c)
	}
	if c.PreviousCaseID == nil || *c.PreviousCaseID != "case-old" {
		t.Errorf("previous case %v", c.PreviousCaseID)
	}
	if got := c.ActiveFlags(); !slices.Equal(got, []string{FlagLegalStay}) {
		t.Errorf("flags %v", got)
	}
	want := []Event{{At: now, Action: ActCreate, To: string(StateDraft), ActorID: deOff.UserID, Actor: deOff.Username, OrgID: orgDE.ID}}
	if diff := cmp.Diff(want, c.Timeline); diff != "" {
		t.Errorf("timeline:\n%s", diff)
	}
	// another member state's officer creates for its own state
	if c2 := NewCaseFrom(n, atOff, "case-2", "AZ-2026-000002", "AZ", "eu-az", 1, now); c2.RequestingState != "AT" {
		t.Errorf("requesting state %s, want the creator's", c2.RequestingState)
	}
}

func TestStartWithoutApplication(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	n := ownNational()
	n.NoApplication = true
	n.Evidence = []Evidence{{Type: "national_passport", Number: "C09999999", IssuedOn: dayp("2022-01-10"), ExpiresOn: dayp("2032-01-09")}}
	s := w.newCase(n, deOff, at("2026-04-10 09:00"))
	if err := s.c.StartWithoutApplication(w.env(at("2026-04-13 10:00"))); err != nil {
		t.Fatal(err)
	}
	s.wantStatus(StateApproved)
	if td := s.c.TravelDocument; td == nil || td.Number != "C09999999" || *td.ValidUntil != day("2032-01-09") {
		t.Errorf("travel document %+v", td)
	}
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-07-13")
	if got := AvailableActions(deOff, s.c, day("2026-04-13")); !slices.Contains(got, ActNotifyTransfer) {
		t.Errorf("next actions %v, want notify_transfer among them", got)
	}
	s.do("2026-04-14 10:00", deOff, ActNotifyTransfer, ActionInput{Transfer: &Transfer{Date: day("2026-04-24"), CrossingPoint: "GYD", Escorts: 1}})

	for _, tc := range []struct {
		name     string
		category Category
		evidence []Evidence
	}{
		{"expired passport", CategoryOwnNational, []Evidence{{Type: "national_passport", ExpiresOn: dayp("2026-04-12")}}},
		{"no travel document", CategoryOwnNational, []Evidence{{Type: "birth_certificate"}}},
		{"third-country national without a visa", CategoryThirdCountryNational, []Evidence{{Type: "national_passport", ExpiresOn: dayp("2030-01-01")}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := ownNational()
			n.Category, n.Evidence = tc.category, tc.evidence
			s := w.newCase(n, deOff, at("2026-04-10 09:00"))
			before := deepCopy(s.c)
			err := s.c.StartWithoutApplication(w.env(at("2026-04-13 10:00")))
			checkErr(t, "StartWithoutApplication", err, EInvalid, "evidence")
			if diff := cmp.Diff(before, s.c); diff != "" {
				t.Errorf("the refused case changed:\n%s", diff)
			}
		})
	}
}

// A transit request cannot say it was executed: the border post records it.
func TestNewTransitRefusesExecutedOn(t *testing.T) {
	n := transitRequest("2026-04-24")
	if err := n.PrepareWith(func() string { return "x" }, day("2026-04-10"), nil); err != nil {
		t.Fatalf("the transit request itself: %v", err)
	}
	n = transitRequest("2026-04-24")
	n.Transit.ExecutedOn = dayp("2026-04-01")
	checkErr(t, "executed_on in a new transit request", n.PrepareWith(func() string { return "x" }, day("2026-04-10"), nil), EInvalid, "transit.executed_on")
}

// TestCareNeedsNeedConsent checks that the description of care needs is
// refused without the person's consent, while the medical escort and a
// contagious disease pass without it.
func TestCareNeedsNeedConsent(t *testing.T) {
	today := day("2026-04-10")
	n := ownNational()
	n.Special = Special{NeedsCare: true, Health: "Insulin twice a day", MedicalEscort: true, ContagiousDisease: true}
	err := ValidateApplication(n.Type, n.Procedure, n.Category, &n.Application, true, today)
	checkErr(t, "care needs without consent", err, EInvalid, "special.health")
	n.Special.Health = ""
	if err := ValidateApplication(n.Type, n.Procedure, n.Category, &n.Application, true, today); err != nil {
		t.Errorf("an escort and a contagious disease without consent: %v", err)
	}
	n.Special.Health, n.Special.CareConsent = "Insulin twice a day", true
	if err := ValidateApplication(n.Type, n.Procedure, n.Category, &n.Application, true, today); err != nil {
		t.Errorf("care needs with consent: %v", err)
	}
}

// TestCountriesOfTheList: a nationality is a code of the list, ISO's, a
// former state's or ICAO's of no state; any other text is refused on its
// field with field.country.unknown.
func TestCountriesOfTheList(t *testing.T) {
	today := day("2026-04-13")
	newID := func() string { return "x" }
	for _, code := range []string{"AZ", CountryStateless, CountryRefugee, CountryRefugeeOther, CountryUnspecified, "SU", "YU", "CS", ""} {
		n := ownNational()
		n.Person.Nationality, n.Person.PreviousNation, n.Family[0].Nationality = code, code, code
		if err := n.Prepare(newID, today); err != nil {
			t.Errorf("nationality %q refused: %v", code, err)
		}
	}
	for _, text := range []string{"XX", "az", "AZE", "Azerbaijan", "ZZ", "EU", "XXD"} {
		n := ownNational()
		n.Person.Nationality = text
		var e *Error
		if err := n.Prepare(newID, today); !errors.As(err, &e) || e.Fields["person.nationality"] != "field.country.unknown" {
			t.Errorf("nationality %q: %v, want field.country.unknown on person.nationality", text, err)
		}
	}
	if got := len(Countries()); got != 249+len(FormerCountries)+len(NoStateCountries) {
		t.Errorf("%d codes in the list, want ISO 3166-1's 249 and %d more", got, len(FormerCountries)+len(NoStateCountries))
	}
}

func withObstacle(n NewCase, removed string) NewCase {
	n.Obstacle, n.ObstacleRemovedOn = "The person's identity was established by a court only in April.", dayp(removed)
	return n
}

func TestObstacleValidation(t *testing.T) {
	today := day("2026-04-14")
	for _, tc := range []struct {
		name   string
		n      NewCase
		fields []string
	}{
		{"what without the date", func() NewCase { n := thirdCountryNational("2025-10-13"); n.Obstacle = "court"; return n }(), []string{"obstacle_removed_on"}},
		{"the date without what", func() NewCase {
			n := thirdCountryNational("2025-10-13")
			n.ObstacleRemovedOn = dayp("2026-04-01")
			return n
		}(), []string{"obstacle"}},
		{"removed before the facts were known", withObstacle(thirdCountryNational("2025-10-13"), "2025-10-01"), []string{"obstacle_removed_on"}},
		{"removed in the future", withObstacle(thirdCountryNational("2025-10-13"), "2026-05-01"), []string{"obstacle_removed_on"}},
		{"own national", withObstacle(ownNational(), "2026-04-01"), []string{"obstacle"}},
		{"no date of the facts", func() NewCase {
			n := withObstacle(thirdCountryNational("2025-10-13"), "2026-04-01")
			n.FactsKnownOn = nil
			return n
		}(), []string{"facts_known_on"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateApplicationWith(TypeReadmission, tc.n.Procedure, tc.n.Category, &tc.n.Application, false, today, nil)
			if err == nil {
				t.Fatal("accepted")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T", err)
			}
			for _, f := range tc.fields {
				if _, ok := e.Fields[f]; !ok {
					t.Errorf("no message on %s: %v", f, e.Fields)
				}
			}
		})
	}
}

// A profile may cap the extensions of the transfer window; without a cap
// the requesting state extends it for as long as the obstacles last.
func TestApplyTransferWindowCap(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	w.edit = func(p *deadline.Profile) {
		p.TransferWindowCap = &deadline.DaysFigure{Days: 60, Source: "test: at most 60 days beyond the first end"}
	}
	s, _ := w.reach(StateApproved) // window until 20 July
	s.reject("2026-07-10 10:00", deOff, ActExtendTransferWindow, ActionInput{Justification: "No flights.", NewEnd: dayp("2026-09-19")}, EInvalid, "new_end")
	s.do("2026-07-10 10:00", deOff, ActExtendTransferWindow, ActionInput{Justification: "No flights.", NewEnd: dayp("2026-09-18")})
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2026-09-18")
	w.edit = nil
	s.do("2026-07-11 10:00", deOff, ActExtendTransferWindow, ActionInput{Justification: "The court has not decided.", NewEnd: dayp("2027-03-31")})
	s.checkClock(ClockTransferWindow, "", DeadlineRunning, "2027-03-31")
}
