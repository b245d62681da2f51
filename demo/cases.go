package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/sqldb"
)

// SeedCases creates about n demonstration cases (a few more or fewer: every
// state gets its share, and at least one case) spread over every state of both
// lifecycles, requested by the member states of the demo's requesting
// authorities. Each case goes through the store's real actions (db.Act),
// each taken by the account whose role takes it in LIFECYCLE.md, at past
// moments spread over about the last ten months, so that deadlines, overdue
// and due-soon cases look realistic relative to db.Now(). Cases are created
// in the order of their creation dates, so references and ids follow time.
//
// While it runs, SeedCases sets db.Now to the moment of each action (the
// store's clock is shared: seed before serving) and restores it on return,
// also on error. The result depends only on seed and db.Now() at the start.
//
// It is idempotent: when the store holds any case, it creates nothing and
// returns 0. It returns the number of cases created; on error, those created
// before the error stay.
//
// The people, places and texts of the cases come from the demo Country of
// the deployment's requested state (Countries[db.Country()]). Where its
// agreement profile has no deemed approval (a non-binding arrangement), no
// case is deemed approved: instead some replies are overdue, and the store's
// scheduler flags them (reply_overdue) the day after their target date, as
// it would have; nor is the EU standard travel document accepted where the
// profile does not accept it.
func SeedCases(ctx context.Context, db *sqldb.DB, actors map[string]ercms.Actor, n int, seed int64) (created int, err error) {
	country, ok := Countries[db.Country()]
	if !ok {
		return 0, fmt.Errorf("demo: no demonstration data for %s (the demo exists for %s)", db.Country(), strings.Join(CountryCodes(), ", "))
	}
	return SeedCasesFor(ctx, db, country(), actors, n, seed)
}

// SeedCasesFor is SeedCases with the people, places and texts of country c,
// whose Code must be the deployment's requested state.
func SeedCasesFor(ctx context.Context, db *sqldb.DB, c Country, actors map[string]ercms.Actor, n int, seed int64) (created int, err error) {
	if n <= 0 {
		return 0, nil
	}
	if c.Code != db.Country() {
		return 0, fmt.Errorf("demo: the cases of %s cannot be seeded in a deployment for %s", c.Code, db.Country())
	}
	if err := c.Casework.check(); err != nil {
		return 0, err
	}
	page, err := db.ListCases(ctx, ercms.SystemActor(), sqldb.CaseFilter{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("demo: look for existing cases: %w", err)
	}
	if len(page.Cases) > 0 {
		return 0, nil
	}
	s, err := newSeeder(ctx, db, &c.Casework, actors, seed)
	if err != nil {
		return 0, err
	}
	orig := db.Now
	defer func() { db.Now = orig }()
	s.now = orig()
	s.today = civil.In(s.now, s.loc)
	db.Now = func() time.Time { return s.clock }

	plans := s.plan(n)
	// A dry run of each case stops at its creation and tells when that is.
	s.dry = true
	for i := range plans {
		w := s.walk(plans[i])
		if err := w.build(plans[i].target, s.today); !errors.Is(err, errPlanned) {
			return 0, fmt.Errorf("demo: planning case %d (%s %s): %v", plans[i].i, plans[i].typ, plans[i].target, err)
		}
		plans[i].at = w.created
	}
	s.dry = false
	slices.SortStableFunc(plans, func(a, b plan) int { return a.at.Compare(b.at) })
	for _, p := range plans {
		if err := ctx.Err(); err != nil {
			return created, err
		}
		w := s.walk(p)
		err := w.build(p.target, s.today)
		if err == nil && w.c != nil {
			err = w.flagOverdue(s.now) // as the scheduler would have by now
		}
		if w.c != nil {
			created++
		}
		if err != nil {
			return created, fmt.Errorf("demo: case %d (%s towards %s): %w", p.i, p.typ, p.target, err)
		}
	}
	return created, nil
}

// errPlanned ends a dry run at the creation of its case.
var errPlanned = errors.New("demo: planned")

// mix is the share of each final state among the demo cases.
type mix struct {
	state  ercms.State
	weight int
}

var readmissionMix = []mix{
	{ercms.StateDraft, 8}, {ercms.StateSubmitted, 10}, {ercms.StateRegistered, 8}, {ercms.StateInfoRequested, 7},
	{ercms.StateUnderVerification, 18}, {ercms.StatePendingSignOff, 8}, {ercms.StateApproved, 14},
	{ercms.StateRefused, 22}, {ercms.StateDeemedApproved, 8}, {ercms.StateTravelDocumentRequested, 8},
	{ercms.StateTravelDocumentIssued, 10}, {ercms.StateTransferNotified, 8}, {ercms.StateTransferConfirmed, 8},
	{ercms.StateTransferObjected, 4}, {ercms.StateTransferPostponed, 5}, {ercms.StateTransferred, 10},
	{ercms.StateClosed, 40}, {ercms.StateExpired, 8}, {ercms.StateConsentWithdrawalRequested, 4},
	{ercms.StateWithdrawn, 14}, {ercms.StateTakeBackRequested, 3}, {ercms.StateTakenBack, 3},
}

var transitMix = []mix{
	{ercms.StateDraft, 3}, {ercms.StateTransitRequested, 6}, {ercms.StateTransitApproved, 6},
	{ercms.StateTransitRefused, 4}, {ercms.StateTransitRevoked, 3}, {ercms.StateTransitExecuted, 12},
	{ercms.StateWithdrawn, 3},
}

type plan struct {
	i       int
	typ     ercms.CaseType
	target  ercms.State
	overdue bool      // left without a reply past its target date (profiles without deemed approval)
	at      time.Time // creation moment, from the dry run
}

// plan lists the cases to create: every state's share of n, at least one
// each. Where the profile has no deemed approval, the share of deemed
// approvals goes to cases under verification whose reply is overdue.
func (s *seeder) plan(n int) []plan {
	total := 0
	for _, m := range append(slices.Clone(readmissionMix), transitMix...) {
		total += m.weight
	}
	var out []plan
	add := func(t ercms.CaseType, ms []mix) {
		for _, m := range ms {
			k := max(1, int(math.Round(float64(m.weight*n)/float64(total))))
			target, overdue := m.state, false
			if m.state == ercms.StateDeemedApproved && !s.profile.DeemedApproval {
				target, overdue = ercms.StateUnderVerification, true
			}
			for range k {
				out = append(out, plan{i: len(out), typ: t, target: target, overdue: overdue})
			}
		}
	}
	add(ercms.TypeReadmission, readmissionMix)
	add(ercms.TypeTransit, transitMix)
	return out
}

// seeder holds what every case needs: the store, the accounts, the
// agreement profile, the country's casework and the clock.
type seeder struct {
	ctx      context.Context
	db       *sqldb.DB
	cw       *Casework
	seed     int64
	profile  *deadline.Profile            // the deployment's first agreement
	profiles map[string]*deadline.Profile // the agreement of each requesting state
	cals     *deadline.Calendars
	loc      *time.Location
	country  string

	now   time.Time  // db.Now() when seeding began
	today civil.Date // the requested state's date at now
	clock time.Time  // what db.Now returns while seeding
	dry   bool

	officers map[string][]ercms.Actor // requesting officers (then supervisors) by member state
	states   []string                 // member states with officers and a consular mission, by weight
	weights  []int
	consul   map[string]ercms.Actor // consular officer by accredited member state
	agency   map[string]ercms.Actor // agency officer by agency type
	byOrg    map[string]ercms.Actor // agency and consular officers by organisation id
	ca, sup  ercms.Actor
	border   ercms.Actor
	refs     map[string]int // requesting references by member state
}

func newSeeder(ctx context.Context, db *sqldb.DB, cw *Casework, actors map[string]ercms.Actor, seed int64) (*seeder, error) {
	s := &seeder{ctx: ctx, db: db, cw: cw, seed: seed, country: db.Country(), officers: map[string][]ercms.Actor{},
		consul: map[string]ercms.Actor{}, agency: map[string]ercms.Actor{}, byOrg: map[string]ercms.Actor{}, refs: map[string]int{},
		profiles: map[string]*deadline.Profile{}}
	rules := db.Rules()
	ps := db.Profiles()
	if len(ps) == 0 {
		return nil, fmt.Errorf("demo: no agreement profile for %s", s.country)
	}
	s.profile = ps[0]
	for _, p := range ps {
		for _, st := range p.PartnerStates {
			if _, ok := s.profiles[st]; !ok {
				s.profiles[st] = p
			}
		}
	}
	s.cals, s.loc = rules.Calendars(), s.profile.Location()
	for _, u := range slices.Sorted(maps.Keys(actors)) {
		a := actors[u]
		switch a.Role {
		case ercms.RoleRequestingOfficer, ercms.RoleRequestingSupervisor:
			if a.Org.Kind == ercms.OrgRequestingAuthority {
				s.officers[a.Org.State] = append(s.officers[a.Org.State], a)
			}
		case ercms.RoleCAOfficer:
			if s.ca.UserID == "" && a.Org.State == s.country {
				s.ca = a
			}
		case ercms.RoleCASupervisor:
			if s.sup.UserID == "" && a.Org.State == s.country {
				s.sup = a
			}
		case ercms.RoleAgencyOfficer:
			if _, ok := s.agency[a.Org.AgencyType]; !ok && a.Org.State == s.country {
				s.agency[a.Org.AgencyType] = a
				s.byOrg[a.Org.ID] = a
			}
		case ercms.RoleConsularOfficer:
			for _, st := range a.Org.Accredited {
				if _, ok := s.consul[st]; !ok && a.Org.State == s.country {
					s.consul[st] = a
					s.byOrg[a.Org.ID] = a
				}
			}
		case ercms.RoleBorderOfficer:
			if s.border.UserID == "" && a.Org.CrossingPoint != "" && slices.ContainsFunc(s.profile.CrossingPoints,
				func(cp deadline.CrossingPoint) bool { return cp.Code == a.Org.CrossingPoint }) {
				s.border = a
			}
		}
	}
	for st, as := range s.officers {
		rank := func(a ercms.Actor) int { // officers first, then supervisors
			if a.Role == ercms.RoleRequestingOfficer {
				return 0
			}
			return 1
		}
		slices.SortStableFunc(as, func(a, b ercms.Actor) int { return cmp.Compare(rank(a), rank(b)) })
		s.officers[st] = as
	}
	for _, st := range db.PartnerStates() {
		if len(s.officers[st]) > 0 && s.consul[st].UserID != "" {
			s.states = append(s.states, st)
			s.weights = append(s.weights, cmp.Or(s.cw.MemberStateWeights[st], 10))
		}
	}
	var missing []string
	if len(s.states) == 0 {
		missing = append(missing, "a requesting officer of a partner state with a consular mission accredited to it")
	}
	for _, m := range []struct {
		ok   bool
		what string
	}{{s.ca.UserID != "", "a central-authority officer"}, {s.sup.UserID != "", "a central-authority supervisor"},
		{s.border.UserID != "", "a border officer at a crossing point of the profile"}, {len(s.agency) > 0, "an agency officer"}} {
		if !m.ok {
			missing = append(missing, m.what)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("demo: seeding cases needs %s (seed the people first)", strings.Join(missing, ", "))
	}
	return s, nil
}

// profile returns the agreement of the walk's requesting state (the EU's,
// Norway's or Switzerland's in Azerbaijan).
func (w *walk) profile() *deadline.Profile {
	if p, ok := w.s.profiles[w.state]; ok {
		return p
	}
	return w.s.profile
}

// walk takes one case from its creation to its final state.
type walk struct {
	s       *seeder
	rng     *rand.Rand
	typ     ercms.CaseType
	overdue bool   // see plan
	state   string // requesting member state
	officer ercms.Actor
	proc    ercms.Procedure
	cat     ercms.Category
	c       *ercms.Case
	at      time.Time // moment of the last action
	created time.Time // dry run: the creation moment
	info    *personInfo
}

// walk starts case p with its own random source, so that a dry run and the
// real run take the same choices.
func (s *seeder) walk(p plan) *walk {
	w := &walk{s: s, rng: rand.New(rand.NewPCG(uint64(s.seed), 0x9e3779b97f4a7c15^uint64(p.i))), typ: p.typ, overdue: p.overdue}
	w.state = s.states[w.weighted(s.weights)]
	w.officer = s.officers[w.state][0]
	if p.typ == ercms.TypeReadmission {
		w.proc = ercms.ProcedureNormal
		if w.chance(0.2) {
			w.proc = ercms.ProcedureAccelerated
		}
		w.cat = []ercms.Category{ercms.CategoryOwnNational, ercms.CategoryThirdCountryNational, ercms.CategoryStateless}[w.weighted([]int{65, 28, 7})]
	}
	return w
}

func (w *walk) chance(p float64) bool { return w.rng.Float64() < p }

func (w *walk) weighted(ws []int) int {
	total := 0
	for _, x := range ws {
		total += x
	}
	r := w.rng.IntN(total)
	for i, x := range ws {
		if r < x {
			return i
		}
		r -= x
	}
	return len(ws) - 1
}

func oneOf[T any](w *walk, xs ...T) T { return xs[w.rng.IntN(len(xs))] }

// between returns a random int in [lo, hi].
func (w *walk) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + w.rng.IntN(hi-lo+1)
}

// req is the requesting authority's account that acts: mostly the officer, sometimes the supervisor.
func (w *walk) req() ercms.Actor {
	if as := w.s.officers[w.state]; len(as) > 1 && w.chance(0.15) {
		return as[1+w.rng.IntN(len(as)-1)]
	}
	return w.officer
}

// ---- Days and moments ----

func (s *seeder) working(d civil.Date) bool {
	if info := s.cals.Day(s.country, d); info.Known {
		return info.Working
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// addWork returns the n-th working day after d (d itself when n <= 0).
func (s *seeder) addWork(d civil.Date, n int) civil.Date {
	for n > 0 {
		d = d.AddDays(1)
		if s.working(d) {
			n--
		}
	}
	return d
}

// subWork returns the n-th working day before d (d itself when n <= 0).
func (s *seeder) subWork(d civil.Date, n int) civil.Date {
	for n > 0 {
		d = d.AddDays(-1)
		if s.working(d) {
			n--
		}
	}
	return d
}

// lastWork returns d when it is a working day, else the working day before it.
func (s *seeder) lastWork(d civil.Date) civil.Date {
	if s.working(d) {
		return d
	}
	return s.subWork(d, 1)
}

// due computes the due date of rule kind counted from the event on day from
// (zero when the holiday data do not reach it).
func (w *walk) due(kind string, from civil.Date) civil.Date {
	r, _, err := deadline.Calculate(w.s.db.Rules(), w.profile().ID, w.state, kind, from)
	if err != nil || r.BeyondData {
		return civil.Date{}
	}
	return r.Due
}

// pick returns a random working day in [lo, hi], hi no later than today;
// any day of it when none is a working day; lo when the range is empty.
func (w *walk) pick(lo, hi civil.Date) civil.Date {
	if hi.After(w.s.today) {
		hi = w.s.today
	}
	if hi.Before(lo) {
		return minDate(lo, w.s.today)
	}
	var days []civil.Date
	for d := lo; !d.After(hi); d = d.AddDays(1) {
		if w.s.working(d) {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return lo.AddDays(w.rng.IntN(lo.DaysUntil(hi) + 1))
	}
	return days[w.rng.IntN(len(days))]
}

// anyDay returns a random day in [lo, hi], hi no later than today.
func (w *walk) anyDay(lo, hi civil.Date) civil.Date {
	if hi.After(w.s.today) {
		hi = w.s.today
	}
	if hi.Before(lo) {
		return minDate(lo, w.s.today)
	}
	return lo.AddDays(w.rng.IntN(lo.DaysUntil(hi) + 1))
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}

func maxDate(a, b civil.Date) civil.Date {
	if a.After(b) {
		return a
	}
	return b
}

// last is the day of the case's last action.
func (w *walk) last() civil.Date { return civil.In(w.at, w.s.loc) }

// moment returns a time on day d after the case's last action: office hours
// for people, just after midnight for the system's timed actions; never after
// the moment seeding began.
func (w *walk) moment(d civil.Date, system bool) time.Time {
	loc := w.s.loc
	var t time.Time
	if system {
		t = time.Date(d.Year, d.Month, d.Day, 0, 5+w.rng.IntN(50), w.rng.IntN(60), 0, loc)
	} else {
		t = time.Date(d.Year, d.Month, d.Day, 9+w.rng.IntN(8), w.rng.IntN(60), w.rng.IntN(60), 0, loc)
	}
	if !t.After(w.at) {
		t = w.at.Add(time.Duration(2+w.rng.IntN(40))*time.Minute + time.Duration(w.rng.IntN(60))*time.Second)
	}
	if t.After(w.s.now) {
		// today, before the office hours drawn: somewhere between the last
		// action (or the start of the day, or of office hours) and now
		lo := w.at.Add(time.Minute)
		if start := time.Date(d.Year, d.Month, d.Day, 0, 1, 0, 0, loc); start.After(lo) {
			lo = start
		}
		if office := time.Date(d.Year, d.Month, d.Day, 8, 0, 0, 0, loc); office.After(lo) && office.Before(w.s.now) {
			lo = office
		}
		t = w.s.now
		if lo.Before(t) {
			t = lo.Add(time.Duration(w.rng.Int64N(int64(w.s.now.Sub(lo)/3) + 1)))
		}
	}
	return t.UTC()
}

// ---- Actions ----

// act takes action on day d as actor a.
func (w *walk) act(a ercms.Actor, d civil.Date, action string, in ercms.ActionInput) error {
	return w.actAt(a, w.moment(d, a.Role == ercms.RoleSystem), action, in)
}

func (w *walk) actAt(a ercms.Actor, t time.Time, action string, in ercms.ActionInput) error {
	if err := w.flagOverdue(t); err != nil {
		return err
	}
	w.s.clock = t
	c, err := w.s.db.Act(w.s.ctx, a, w.c.ID, action, w.c.Version, in)
	if err != nil {
		return fmt.Errorf("%s: %s by %s on %s while %s: %w", w.c.Reference, action, a.Username, civil.In(t, w.s.loc), w.c.Status, err)
	}
	if ercms.ViewFor(a, c) != c {
		// A mission or border post sees a minimised case: the walk goes on
		// from the whole case, as the system reads it.
		if c, err = w.s.db.FindCase(w.s.ctx, ercms.SystemActor(), w.c.ID); err != nil {
			return err
		}
	}
	w.c, w.at = c, t
	return nil
}

// flagOverdue runs the scheduler as it runs the day after a reply due date,
// when that day comes before t and the profile has no deemed approval: the
// case is flagged overdue (reply_overdue) before anything later happens to it.
func (w *walk) flagOverdue(t time.Time) error {
	if w.profile().DeemedApproval || w.c == nil || w.c.HasWarning(ercms.WarnOverdue) {
		return nil
	}
	var due *civil.Date
	for _, k := range []string{ercms.ClockReply, ercms.ClockReplyAccelerated} {
		if d := w.c.Deadline(k); d != nil && d.Status == ercms.DeadlineRunning && d.DueOn != nil {
			due = d.DueOn
		}
	}
	if due == nil {
		return nil
	}
	day := due.AddDays(1)
	if day.After(civil.In(t, w.s.loc)) {
		return nil
	}
	at := w.moment(day, true)
	if !at.Before(t) {
		at = w.at.Add(t.Sub(w.at) / 2)
	}
	w.s.clock = at
	rep, err := w.s.db.RunTimedActions(w.s.ctx)
	if err != nil {
		return fmt.Errorf("%s: scheduler on %s: %w", w.c.Reference, day, err)
	}
	if len(rep.Applied) > 0 {
		return fmt.Errorf("%s: the scheduler on %s took %v: a seeded case was left where a timed action applies", w.c.Reference, day, rep.Applied)
	}
	c, err := w.s.db.FindCase(w.s.ctx, ercms.SystemActor(), w.c.ID)
	if err != nil {
		return err
	}
	if !c.HasWarning(ercms.WarnOverdue) {
		return fmt.Errorf("%s: the reply due %s is overdue on %s but the case is not flagged", w.c.Reference, due, day)
	}
	w.c, w.at = c, at
	return nil
}

type createOpts struct {
	received   civil.Date // the planned date of receipt (zero for drafts)
	noApp      bool       // no application needed: the case starts approved
	incomplete bool       // a draft still missing what a submission needs
	transitOn  civil.Date
}

// create creates the case as a draft (or, without application, approved) on day d.
func (w *walk) create(d civil.Date, o createOpts) error {
	t := w.moment(d, false)
	if w.s.dry {
		w.created = t
		return errPlanned
	}
	on := civil.In(t, w.s.loc)
	var nc ercms.NewCase
	if w.typ == ercms.TypeTransit {
		nc = w.transitApplication(on, o)
	} else {
		nc = w.application(on, o)
	}
	w.s.clock = t
	c, _, err := w.s.db.CreateCase(w.s.ctx, w.officer, nc, "")
	if err != nil {
		return fmt.Errorf("create (%s, %s, %s) on %s: %w", w.state, w.proc, w.cat, on, err)
	}
	w.c, w.at = c, t
	return w.attachPortrait()
}

// received creates the application and submits it so that it is received on day R.
func (w *walk) received(R civil.Date, o createOpts) error {
	d0 := R
	if w.proc != ercms.ProcedureAccelerated && w.chance(0.35) {
		d0 = w.pick(R.AddDays(-4), R)
	}
	o.received = R
	if err := w.create(d0, o); err != nil {
		return err
	}
	return w.act(w.req(), R, ercms.ActSubmit, ercms.ActionInput{})
}

func (w *walk) register(d civil.Date) error {
	return w.act(w.s.ca, d, ercms.ActRegister, ercms.ActionInput{})
}

// exam says how the central authority examines an application.
type exam struct {
	verify    bool
	answered  int // verification tasks answered: -1 all, -2 some but not all
	interview int // 0 none, 1 held and answered, 2 requested, still open
	info      int // 0 none, 1 asked and answered, 2 asked, still open at the end
	extend    int // days the supervisor extends the reply time by
	decision  string
	signOff   bool
	negative  bool // the findings speak against the application
}

// examine registers the case received on R and examines it up to day end:
// verification tasks and their answers, an interview, a request for
// information, an extension, and the proposed decision with its sign-off on end.
func (w *walk) examine(R, end civil.Date, x exam) error {
	accel := w.proc == ercms.ProcedureAccelerated
	if w.c.Application.InterviewRequested && x.interview == 0 {
		x.interview = 1
	}
	type step struct {
		day  civil.Date
		prio int
		run  func(civil.Date) error
	}
	var steps []step
	add := func(d civil.Date, prio int, f func(civil.Date) error) { steps = append(steps, step{d, prio, f}) }
	chain := maxDate(R, w.last())
	next := func(lag int) civil.Date {
		if accel {
			lag = min(lag, 1)
		}
		chain = w.pick(chain, minDate(chain.AddDays(lag), end))
		return chain
	}
	reg := next(2)
	if accel {
		reg = R
		chain = R
	}
	add(reg, 10, w.register)
	var sv, iv civil.Date
	tasks := w.taskInputs(x.negative)
	if x.verify {
		sv = next(1)
		add(sv, 20, func(d civil.Date) error {
			return w.act(w.s.ca, d, ercms.ActStartVerification, ercms.ActionInput{Tasks: tasks})
		})
	}
	if x.interview > 0 {
		iv = next(3)
		add(iv, 30, w.requestInterview)
	}
	if x.info > 0 {
		add(next(4), 50, w.requestInfo)
		if x.info == 1 {
			add(next(3), 60, w.provideInfo)
		}
	}
	lastDay := end
	if x.decision != "" {
		p := next(3)
		lastDay = p
		outcome := x.decision
		add(p, 90, func(d civil.Date) error { return w.propose(d, outcome) })
		if x.signOff && w.chance(0.08) {
			add(p, 91, w.returnProposal)
			add(p, 92, func(d civil.Date) error { return w.propose(d, outcome) })
		}
		if x.signOff {
			add(maxDate(end, p), 95, w.signOff)
		}
	}
	if x.verify {
		n := len(tasks)
		switch {
		case x.answered == -1 || x.answered > n:
			x.answered = n
		case x.answered == -2:
			x.answered = w.rng.IntN(n)
		}
		for i := range x.answered {
			neg := x.negative
			add(w.pick(w.later(sv, lastDay), lastDay), 40, func(d civil.Date) error { return w.answerTask(d, i, neg) })
		}
	}
	if x.interview == 1 {
		neg := x.negative
		add(w.pick(w.later(iv, lastDay), lastDay), 41, func(d civil.Date) error { return w.answerInterview(d, neg) })
	}
	if x.extend > 0 {
		limit := lastDay
		if rc := w.c.ReplyClock(); rc != nil && rc.DueOn != nil {
			limit = minDate(limit, *rc.DueOn)
		}
		days := x.extend
		add(w.pick(reg, limit), 45, func(d civil.Date) error { return w.extendReply(d, days) })
	}
	slices.SortStableFunc(steps, func(a, b step) int {
		return cmp.Or(a.day.Compare(b.day), cmp.Compare(a.prio, b.prio))
	})
	for _, st := range steps {
		if err := st.run(st.day); err != nil {
			return err
		}
	}
	return nil
}

// later returns the working day after d when it is no later than limit
// (answers come the next day or later), else d (urgent cases: the same day).
func (w *walk) later(d, limit civil.Date) civil.Date {
	if n := w.s.addWork(d, 1); !n.After(limit) && w.proc != ercms.ProcedureAccelerated {
		return n
	}
	return d
}

func (w *walk) propose(d civil.Date, outcome string) error {
	if outcome == "approve" {
		ids := []string{}
		for i, f := range w.c.Application.Family {
			if i == 0 && f.Relationship == "spouse" && len(w.c.Application.Family) > 1 && w.chance(0.15) {
				continue // the spouse holds a residence permit of the requesting state
			}
			ids = append(ids, f.ID)
		}
		return w.act(w.s.ca, d, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &ids})
	}
	reasons, text := w.refusal()
	return w.act(w.s.ca, d, ercms.ActRefuse, ercms.ActionInput{Reasons: reasons, Text: text})
}

func (w *walk) signOff(d civil.Date) error {
	if w.c.Status != ercms.StatePendingSignOff {
		return nil // no four-eyes sign-off in this deployment
	}
	return w.act(w.s.sup, d, ercms.ActSignOff, ercms.ActionInput{})
}

func (w *walk) returnProposal(d civil.Date) error {
	if w.c.Status != ercms.StatePendingSignOff {
		return nil
	}
	return w.act(w.s.sup, d, ercms.ActReturnProposal, ercms.ActionInput{Comment: w.text("proposal.returned")})
}

func (w *walk) extendReply(d civil.Date, days int) error {
	days = min(days, w.profile().ExtensionMaxDays)
	if days < 1 {
		return nil
	}
	return w.act(w.s.sup, d, ercms.ActExtendReply, ercms.ActionInput{Days: days, Justification: w.text("reply.extension")})
}

func (w *walk) requestInfo(d civil.Date) error {
	return w.act(w.s.ca, d, ercms.ActRequestInfo, ercms.ActionInput{Question: w.text("info.question")})
}

func (w *walk) provideInfo(d civil.Date) error {
	return w.act(w.req(), d, ercms.ActProvideInfo, ercms.ActionInput{Answer: w.text("info.answer")})
}

// ---- Tasks and interviews ----

func (w *walk) taskInputs(negative bool) []ercms.TaskInput {
	p := w.info
	var out []ercms.TaskInput
	addTask := func(agency, q string) {
		if a, ok := w.s.agency[agency]; ok {
			out = append(out, ercms.TaskInput{OrganisationID: a.Org.ID, Question: q})
		}
	}
	name := p.fullName
	if w.cat == ercms.CategoryOwnNational {
		if w.chance(0.85) {
			addTask("civil_registry", w.text("task.birth_record", name, p.dob, p.place))
		}
		if p.docNumber != "" && w.chance(0.7) {
			addTask("passport_registry", w.text("task.own_document", p.docNumber, name))
		} else if w.chance(0.4) {
			addTask("passport_registry", w.text("task.own_search", name, p.dob))
		}
		if w.chance(0.25) {
			addTask("police", w.text("task.address", name, cmp.Or(p.address, p.place)))
		}
	} else {
		if w.chance(0.7) {
			doc := p.docNumber
			if doc == "" {
				doc = w.text("number.unknown")
			}
			addTask("passport_registry", w.text("task.permit", p.permitKind, name, p.nationality, doc))
		}
		if w.chance(0.6) {
			addTask("police", w.text("task.stay", name, p.dob))
		}
	}
	if len(out) == 0 {
		for _, ag := range []string{"civil_registry", "passport_registry", "police"} {
			if _, ok := w.s.agency[ag]; ok {
				addTask(ag, w.text("task.identity", name, p.dob, p.place))
				break
			}
		}
	}
	return out
}

// answerTask has the addressed agency answer the i-th verification task.
func (w *walk) answerTask(d civil.Date, i int, negative bool) error {
	var task *ercms.Task
	for j := range w.c.Tasks {
		if w.c.Tasks[j].Kind == ercms.TaskVerification {
			if i == 0 {
				task = &w.c.Tasks[j]
				break
			}
			i--
		}
	}
	if task == nil || task.Status != ercms.TaskOpen {
		return nil
	}
	a, ok := w.s.byOrg[task.OrgID]
	if !ok {
		return nil
	}
	finding, answer := "confirmed", ""
	switch a.Org.AgencyType {
	case "civil_registry":
		answer = w.text("answer.birth_record", w.between(100, 4999), w.info.birthYear, w.info.place)
		if negative {
			finding = oneOf(w, "not_found", "contradictory")
			answer = w.text("answer.birth_record.negative")
		}
	case "passport_registry":
		answer = w.text("answer.own_document")
		if w.cat != ercms.CategoryOwnNational {
			answer = w.text("answer.permit")
		}
		if negative {
			finding = oneOf(w, "not_found", "contradictory")
			answer = w.text("answer.document.negative")
		}
	default:
		answer = w.text("answer.address")
		if w.cat != ercms.CategoryOwnNational {
			answer = w.text("answer.stay")
		}
		if negative {
			finding, answer = "not_found", w.text("answer.records.negative")
		}
	}
	return w.act(a, d, ercms.ActAnswerTask, ercms.ActionInput{TaskID: task.ID, Finding: finding, Answer: answer})
}

func (w *walk) centre() string {
	if cs := detentionCentres[w.state]; len(cs) > 0 {
		return oneOf(w, cs...)
	}
	return w.text("centre.default")
}

func (w *walk) requestInterview(d civil.Date) error {
	by := w.s.ca
	if w.c.Application.InterviewRequested || w.chance(0.5) {
		by = w.req()
	}
	mode := oneOf(w, "in_person", "video", "video")
	place := w.centre()
	if mode == "video" {
		place = w.text("interview.video", place)
	}
	return w.act(by, d, ercms.ActRequestInterview, ercms.ActionInput{MissionID: w.s.consul[w.state].Org.ID,
		Mode: mode, Language: w.info.languages[0], Place: place})
}

func (w *walk) answerInterview(d civil.Date, negative bool) error {
	for _, t := range w.c.Tasks {
		if t.Kind != ercms.TaskInterview || t.Status != ercms.TaskOpen {
			continue
		}
		a, ok := w.s.byOrg[t.OrgID]
		if !ok {
			return nil
		}
		finding, answer := "confirmed", w.text("answer.interview", w.info.place)
		if negative {
			finding, answer = "not_confirmed", w.text("answer.interview.negative")
		}
		return w.act(a, d, ercms.ActAnswerTask, ercms.ActionInput{TaskID: t.ID, Finding: finding, Answer: answer})
	}
	return nil
}

// ---- Decisions ----

func (w *walk) refusal() ([]string, string) {
	grounds := w.s.cw.ThirdCountryRefusals
	if w.cat == ercms.CategoryOwnNational {
		grounds = w.s.cw.OwnRefusals
	}
	g := oneOf(w, grounds...)
	return slices.Clone(g.Reasons), g.Text
}

// decided takes a new case to a decision on day A: receipt, examination,
// proposal and sign-off.
func (w *walk) decided(A civil.Date, outcome string, o createOpts) error {
	var R civil.Date
	if w.proc == ercms.ProcedureAccelerated {
		R = A
		if w.chance(0.5) {
			R = w.s.subWork(A, 1)
		}
	} else {
		R = w.pick(A.AddDays(-14), A.AddDays(-2))
		if !w.profile().DeemedApproval && w.chance(0.1) {
			// a target time, not a deadline: now and then the reply comes late (flagged overdue first)
			late := w.pick(A.AddDays(-45), A.AddDays(-20))
			if due := w.due(ercms.ClockReply, late); !due.IsZero() && due.Before(A) {
				R = late
			}
		}
	}
	if err := w.received(R, o); err != nil {
		return err
	}
	x := exam{verify: w.chance(0.85), answered: -1, decision: outcome, signOff: true, negative: outcome == "refuse"}
	if w.proc == ercms.ProcedureAccelerated {
		x.verify = w.chance(0.5)
	} else {
		if w.chance(0.1) {
			x.interview = 1
		}
		if w.chance(0.12) {
			x.info = 1
		}
	}
	return w.examine(R, A, x)
}

// deemedFrom takes a case received on R to a deemed approval the day after
// its reply due date, and returns that day.
func (w *walk) deemedFrom(R civil.Date, o createOpts) (civil.Date, error) {
	if w.proc == ercms.ProcedureAccelerated && w.due(ercms.ClockReplyAccelerated, R).IsZero() {
		w.proc = ercms.ProcedureNormal // no holiday data to count working days: the calendar-day rule still has a due date
	}
	if err := w.received(R, o); err != nil {
		return civil.Date{}, err
	}
	rc := w.c.ReplyClock()
	if rc == nil || rc.DueOn == nil {
		return civil.Date{}, fmt.Errorf("%s: no reply due date", w.c.Reference)
	}
	due := *rc.DueOn
	x := exam{verify: w.chance(0.8), answered: -2}
	if w.chance(0.2) {
		x.info = 2
	}
	if err := w.examine(R, due, x); err != nil {
		return civil.Date{}, err
	}
	X := due.AddDays(1)
	return X, w.act(ercms.SystemActor(), X, ercms.ActDeemApproved, ercms.ActionInput{})
}

// deemedReceipt returns a day of receipt whose deemed approval falls in
// [lo, hi], or false.
func (w *walk) deemedReceipt(lo, hi civil.Date) (civil.Date, bool) {
	kind, span := ercms.ClockReply, 16
	if w.proc == ercms.ProcedureAccelerated {
		kind, span = ercms.ClockReplyAccelerated, 4
	}
	R := w.pick(lo.AddDays(-span), hi.AddDays(-span))
	due := w.due(kind, R)
	if due.IsZero() {
		return R, false
	}
	X := due.AddDays(1)
	return R, !X.Before(lo) && !X.After(hi) && !X.After(w.s.today)
}

// approval takes a new case to an approval (or deemed approval, or a case
// without application) on a day in [lo, hi], and returns that day.
func (w *walk) approval(lo, hi civil.Date, noApp, deemed bool) (civil.Date, error) {
	if w.cat == ercms.CategoryStateless {
		noApp = false
	}
	switch {
	case noApp && w.chance(0.1):
		A := w.pick(lo, hi)
		return A, w.create(A, createOpts{noApp: true, received: A})
	case deemed && w.profile().DeemedApproval && w.chance(0.12):
		if R, ok := w.deemedReceipt(lo, hi); ok {
			return w.deemedFrom(R, createOpts{})
		}
	}
	A := w.pick(lo, hi)
	return A, w.decided(A, "approve", createOpts{})
}

// ---- After the approval ----

func (w *walk) requestTD(d civil.Date) error {
	return w.act(w.req(), d, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: w.s.consul[w.state].Org.ID})
}

func (w *walk) issueTD(d civil.Date) error {
	until := d.AddDays(w.profile().TravelDocumentValidityDays)
	return w.act(w.s.consul[w.state], d, ercms.ActIssueTravelDocument, ercms.ActionInput{
		Number: w.text("td.number"), ValidUntil: &until})
}

func (w *walk) renewTD(d civil.Date) error {
	until := d.AddDays(w.profile().TravelDocumentValidityDays)
	return w.act(w.s.consul[w.state], d, ercms.ActRenewTravelDocument, ercms.ActionInput{ValidUntil: &until})
}

// clearFlags has the supervisor clear every active safeguard flag on day d.
func (w *walk) clearFlags(d civil.Date) error {
	for _, f := range w.c.ActiveFlags() {
		if err := w.act(w.s.sup, d, ercms.ActClearFlag, ercms.ActionInput{Flag: f, Reason: cmp.Or(w.s.cw.FlagClearances[f], "Cleared after review.")}); err != nil {
			return err
		}
	}
	return nil
}

// notice is the notice period of a transfer in working days.
func (w *walk) notice() int {
	st, err := w.profile().Setting("transfer_notice", w.state)
	if err != nil || st.Unit != deadline.WorkingDays {
		return 3
	}
	return st.Count
}

// transferDate returns the date of a transfer notified on N: after the
// notice period, now and then too early (a late notice).
func (w *walk) transferDate(N civil.Date) civil.Date {
	if w.chance(0.08) {
		return w.s.addWork(N, max(1, w.notice()-1))
	}
	return w.s.addWork(N, w.notice()+w.between(1, 6))
}

// ready takes a new case to an approval and, where needed, a travel
// document valid on F, with safeguards cleared, so that a transfer on F can
// be notified on N. The approval falls on lo or later.
func (w *walk) ready(N, F, lo civil.Date) error {
	needTD := w.cat == ercms.CategoryOwnNational || w.chance(0.35)
	hi := N
	var I, Q civil.Date
	if needTD {
		I = w.pick(maxDate(F.AddDays(-(w.profile().TravelDocumentValidityDays-2)), N.AddDays(-12)), N)
		Q = w.pick(w.s.subWork(I, 4), I)
		hi = Q
	}
	A, err := w.approval(maxDate(lo, hi.AddDays(-60)), hi, true, true)
	if err != nil {
		return err
	}
	if needTD && !w.c.NoApplication {
		Q = maxDate(Q, A)
		if err := w.requestTD(Q); err != nil {
			return err
		}
		if err := w.issueTD(maxDate(I, Q)); err != nil {
			return err
		}
	}
	if len(w.c.ActiveFlags()) > 0 {
		return w.clearFlags(w.pick(w.last(), N))
	}
	return nil
}

func (w *walk) notify(N, F civil.Date) error {
	t := &ercms.Transfer{Date: F, Time: fmt.Sprintf("%02d:%02d", w.between(3, 8), 5*w.rng.IntN(12)),
		CrossingPoint: w.s.border.Org.CrossingPoint, Escorts: w.between(1, 3)}
	if fs := w.s.cw.Flights[w.state]; len(fs) > 0 {
		if i := w.rng.IntN(len(fs) + 1); i < len(fs) {
			t.Flight = w.pattern(fs[i])
		}
	}
	if t.Flight == "" {
		t.Flight = w.text("flight.charter")
	}
	sp := w.c.Application.Special
	if sp.MedicalEscort {
		t.MedicalEscort = true
		t.SpecialNeeds = w.text("transfer.medical")
	}
	if w.chance(0.15) {
		t.Security = w.text("transfer.security")
	}
	if t.Escorts > 0 && w.chance(0.3) {
		t.EscortNames = []string{oneOf(w, escortNames...)}
	}
	return w.act(w.req(), N, ercms.ActNotifyTransfer, ercms.ActionInput{Transfer: t})
}

func (w *walk) confirm(d civil.Date) error {
	return w.act(w.s.ca, d, ercms.ActConfirmTransfer, ercms.ActionInput{})
}

// handover has the border officer record the handover on H.
func (w *walk) handover(H civil.Date) error {
	t := w.moment(H, false)
	arrival := t.Add(-time.Duration(w.between(20, 180)) * time.Minute)
	if tr := w.c.Transfer; tr != nil {
		var hh, mm int
		if _, err := fmt.Sscanf(tr.Time, "%d:%d", &hh, &mm); err == nil {
			if a := time.Date(H.Year, H.Month, H.Day, hh, mm, 0, 0, w.s.loc).Add(time.Duration(w.between(10, 50)) * time.Minute); a.Before(t) && a.After(w.at) {
				arrival = a
			}
		}
	}
	persons, docs := 1, w.text("handover.passport")
	if d := w.c.Decision; d != nil {
		persons += len(d.FamilyCovered)
	} else {
		persons += len(w.c.Application.Family)
	}
	if td := w.c.TravelDocument; td != nil {
		switch {
		case td.Kind == ercms.TravelDocumentEUStandard:
			docs = w.text("handover.eu_document")
		case td.Number != "":
			docs = w.text("handover.travel_document", td.Number)
		}
	}
	return w.actAt(w.s.border, t, ercms.ActRecordHandover, ercms.ActionInput{Handover: &ercms.Handover{
		At: arrival.UTC(), Officer: oneOf(w, w.s.cw.BorderOfficers...), Persons: persons, Documents: docs}})
}

// transferredOn takes a new case through approval, notice and confirmation to a handover on H.
func (w *walk) transferredOn(H civil.Date) error {
	N := w.s.subWork(H, w.notice()+w.between(1, 6))
	if err := w.ready(N, H, H.AddDays(-80)); err != nil {
		return err
	}
	if err := w.notify(N, H); err != nil {
		return err
	}
	if err := w.confirm(w.pick(w.last(), w.s.subWork(H, 1))); err != nil {
		return err
	}
	return w.handover(H)
}

// closeCase closes a transferred case: by the system 30 days after the handover, or earlier by the central authority.
func (w *walk) closeCase(limit civil.Date) error {
	if d := w.c.Deadline(ercms.ClockCloseAfterHandover); d != nil && d.DueOn != nil && w.chance(0.65) {
		if day := d.DueOn.AddDays(1); !day.After(limit) {
			return w.act(ercms.SystemActor(), day, ercms.ActClose, ercms.ActionInput{})
		}
	}
	h := w.last()
	return w.act(w.s.ca, w.pick(h.AddDays(2), minDate(h.AddDays(25), limit)), ercms.ActClose, ercms.ActionInput{})
}

func (w *walk) requestTakeBack(d civil.Date) error {
	return w.act(w.s.ca, d, ercms.ActRequestTakeBack, ercms.ActionInput{Reason: w.text("takeback.reason")})
}

func (w *walk) recordTakeBack(d civil.Date) error {
	return w.act(w.req(), d, ercms.ActRecordTakeBack, ercms.ActionInput{Date: &d})
}

// expire has the system end the approval the day after the transfer window.
func (w *walk) expire() error {
	d := w.c.Deadline(ercms.ClockTransferWindow)
	if d == nil || d.DueOn == nil {
		return fmt.Errorf("%s: no transfer window", w.c.Reference)
	}
	return w.act(ercms.SystemActor(), d.DueOn.AddDays(1), ercms.ActExpire, ercms.ActionInput{})
}

func (w *walk) requestConsentWithdrawal(d civil.Date) error {
	return w.act(w.s.ca, d, ercms.ActRequestConsentWithdrawal, ercms.ActionInput{Reason: w.text("consent_withdrawal.reason")})
}

func (w *walk) maintain(d civil.Date) error {
	return w.act(w.req(), d, ercms.ActMaintainApplication, ercms.ActionInput{Reason: w.text("maintain.reason")})
}

// withdraw has the requesting state withdraw the case on d.
func (w *walk) withdraw(d civil.Date) error {
	code := oneOf(w, "absconded", "absconded", "voluntary_departure", "voluntary_departure", "asylum_application", "legal_stay", "other")
	if w.c.Type == ercms.TypeTransit {
		code = oneOf(w, "other", "voluntary_departure", "absconded")
	}
	flags := w.c.ActiveFlags()
	switch {
	case slices.Contains(flags, ercms.FlagAsylumPending):
		code = "asylum_application"
	case slices.Contains(flags, ercms.FlagLegalStay):
		code = "legal_stay"
	}
	in := ercms.ActionInput{ReasonCode: code}
	if code == "other" {
		in.Reason = w.text("withdraw.other")
	}
	return w.act(w.req(), d, ercms.ActWithdraw, in)
}

// ---- Building a case ----

// build takes a new case to the target state as of day T: every date of the
// case lies on or before T, and every clock still running at T is not yet
// due (so the timed system actions would leave it where it is).
func (w *walk) build(target ercms.State, T civil.Date) error {
	if w.typ == ercms.TypeTransit {
		return w.buildTransit(target, T)
	}
	s := w.s
	accel := w.proc == ercms.ProcedureAccelerated
	// recent is a day of receipt whose reply is not yet due on T.
	recent := func(lo, hi int) civil.Date {
		if accel {
			d := s.lastWork(T)
			if w.chance(0.4) {
				d = s.subWork(d, 1)
			}
			return d
		}
		return w.pick(T.AddDays(-hi), T.AddDays(-lo))
	}
	switch target {
	case ercms.StateDraft:
		return w.create(w.pick(T.AddDays(-25), T), createOpts{incomplete: w.chance(0.4)})

	case ercms.StateSubmitted:
		return w.received(recent(0, 4), createOpts{})

	case ercms.StateRegistered:
		R := recent(1, 7)
		if err := w.received(R, createOpts{}); err != nil {
			return err
		}
		return w.examine(R, T, exam{})

	case ercms.StateInfoRequested:
		R := recent(2, 13)
		if err := w.received(R, createOpts{}); err != nil {
			return err
		}
		return w.examine(R, T, exam{verify: w.chance(0.5), answered: -2, info: 2})

	case ercms.StateUnderVerification:
		if w.overdue {
			return w.overdueReply(T)
		}
		x := exam{verify: true, answered: -2}
		var R civil.Date
		if !accel && w.chance(0.2) {
			R = w.pick(T.AddDays(-40), T.AddDays(-16))
			if d := w.due(ercms.ClockReply, R); !d.IsZero() {
				x.extend = d.DaysUntil(T) + w.between(2, 10)
			}
		} else {
			R = recent(1, 14)
		}
		if !accel {
			if w.chance(0.15) {
				x.interview = w.between(1, 2)
			}
			if w.chance(0.15) {
				x.info = 1
			}
		}
		if err := w.received(R, createOpts{}); err != nil {
			return err
		}
		return w.examine(R, T, x)

	case ercms.StatePendingSignOff:
		R := recent(2, 14)
		if err := w.received(R, createOpts{}); err != nil {
			return err
		}
		outcome := "approve"
		if w.chance(0.3) {
			outcome = "refuse"
		}
		return w.examine(R, T, exam{verify: w.chance(0.8), answered: -1, decision: outcome, negative: outcome == "refuse"})

	case ercms.StateApproved:
		_, err := w.approval(T.AddDays(-80), T, true, false)
		return err

	case ercms.StateRefused:
		return w.decided(w.pick(T.AddDays(-290), T.AddDays(-1)), "refuse", createOpts{})

	case ercms.StateDeemedApproved:
		var R civil.Date
		if accel {
			R = w.pick(T.AddDays(-80), T.AddDays(-10))
		} else {
			R = w.anyDay(T.AddDays(-96), T.AddDays(-16))
		}
		_, err := w.deemedFrom(R, createOpts{})
		return err

	case ercms.StateTravelDocumentRequested:
		w.preferOwn()
		Q := w.pick(T.AddDays(-4), T)
		if _, err := w.approval(maxDate(T.AddDays(-80), Q.AddDays(-45)), Q, false, true); err != nil {
			return err
		}
		return w.requestTD(maxDate(Q, w.last()))

	case ercms.StateTravelDocumentIssued:
		w.preferOwn()
		switch v := w.rng.IntN(10); {
		case v < 2 && w.profile().EUTravelDocumentOnLate: // the mission missed the deadline: the EU standard document is accepted
			Q := w.pick(T.AddDays(-25), T.AddDays(-10))
			if due := w.due(ercms.ClockTravelDocument, Q); !due.IsZero() && !due.AddDays(1).After(T) {
				if _, err := w.approval(maxDate(T.AddDays(-80), Q.AddDays(-40)), Q, false, true); err != nil {
					return err
				}
				if err := w.requestTD(maxDate(Q, w.last())); err != nil {
					return err
				}
				td := w.c.Deadline(ercms.ClockTravelDocument)
				return w.act(ercms.SystemActor(), td.DueOn.AddDays(1), ercms.ActAcceptEUTravelDocument, ercms.ActionInput{})
			}
		case v < 4: // issued, then renewed
			I0 := w.pick(T.AddDays(-45), T.AddDays(-26))
			Q := w.pick(s.subWork(I0, 4), I0)
			if _, err := w.approval(maxDate(T.AddDays(-80), Q.AddDays(-30)), Q, false, true); err != nil {
				return err
			}
			if err := w.requestTD(maxDate(Q, w.last())); err != nil {
				return err
			}
			if err := w.issueTD(maxDate(I0, w.last())); err != nil {
				return err
			}
			return w.renewTD(w.pick(maxDate(T.AddDays(-8), w.last().AddDays(20)), T))
		}
		I := w.pick(T.AddDays(-25), T)
		Q := w.pick(s.subWork(I, 4), I)
		if _, err := w.approval(maxDate(T.AddDays(-80), Q.AddDays(-40)), Q, false, true); err != nil {
			return err
		}
		if err := w.requestTD(maxDate(Q, w.last())); err != nil {
			return err
		}
		return w.issueTD(maxDate(I, w.last()))

	case ercms.StateTransferNotified:
		N := w.pick(T.AddDays(-3), T)
		F := w.transferDate(N)
		if err := w.ready(N, F, T.AddDays(-80)); err != nil {
			return err
		}
		return w.notify(N, F)

	case ercms.StateTransferConfirmed:
		N := w.pick(T.AddDays(-7), T.AddDays(-1))
		F := w.transferDate(N)
		if F.Before(T) {
			F = s.addWork(T, w.between(0, 3))
		}
		if err := w.ready(N, F, T.AddDays(-80)); err != nil {
			return err
		}
		if err := w.notify(N, F); err != nil {
			return err
		}
		if w.chance(0.12) { // consent withdrawal asked for, the application maintained
			if err := w.requestConsentWithdrawal(w.pick(N, T)); err != nil {
				return err
			}
			if err := w.maintain(w.pick(w.last(), T)); err != nil {
				return err
			}
		}
		return w.confirm(w.pick(w.last(), minDate(w.last().AddDays(2), T)))

	case ercms.StateTransferObjected:
		N := w.pick(T.AddDays(-10), T.AddDays(-1))
		F := w.transferDate(N)
		if err := w.ready(N, F, T.AddDays(-80)); err != nil {
			return err
		}
		if err := w.notify(N, F); err != nil {
			return err
		}
		return w.act(s.ca, w.pick(N, minDate(N.AddDays(3), T)), ercms.ActObjectTransfer, ercms.ActionInput{Reason: w.text("transfer.objection")})

	case ercms.StateTransferPostponed:
		if w.chance(0.6) {
			N := w.pick(T.AddDays(-15), T.AddDays(-2))
			F := w.transferDate(N)
			if err := w.ready(N, F, T.AddDays(-80)); err != nil {
				return err
			}
			if err := w.notify(N, F); err != nil {
				return err
			}
			if w.chance(0.5) {
				if err := w.confirm(w.pick(N, minDate(N.AddDays(2), T))); err != nil {
					return err
				}
			}
			if err := w.act(w.req(), w.pick(w.last(), minDate(F, T)), ercms.ActPostponeTransfer, ercms.ActionInput{Reason: w.text("transfer.postponement")}); err != nil {
				return err
			}
		} else {
			F := w.pick(T.AddDays(-15), T)
			N := s.subWork(F, w.notice()+w.between(1, 4))
			if err := w.ready(N, F, T.AddDays(-80)); err != nil {
				return err
			}
			if err := w.notify(N, F); err != nil {
				return err
			}
			if err := w.confirm(w.pick(w.last(), s.subWork(F, 1))); err != nil {
				return err
			}
			if err := w.act(s.border, F, ercms.ActRecordNoShow, ercms.ActionInput{Reason: w.text("transfer.no_show")}); err != nil {
				return err
			}
		}
		if w.chance(0.3) {
			if d := w.c.Deadline(ercms.ClockTransferWindow); d != nil && d.DueOn != nil {
				end := d.DueOn.AddDays(w.between(30, 60))
				return w.act(s.sup, w.pick(w.last(), T), ercms.ActExtendTransferWindow, ercms.ActionInput{NewEnd: &end,
					Justification: w.text("transfer_window.extension")})
			}
		}
		return nil

	case ercms.StateTransferred:
		return w.transferredOn(w.anyDay(T.AddDays(-29), T))

	case ercms.StateClosed:
		if err := w.transferredOn(w.anyDay(T.AddDays(-220), T.AddDays(-31))); err != nil {
			return err
		}
		return w.closeCase(T)

	case ercms.StateExpired:
		lo, hi := T.AddDays(-270), T.AddDays(-95)
		switch v := w.rng.IntN(10); {
		case v < 6:
			if _, err := w.approval(lo, hi, true, true); err != nil {
				return err
			}
		case v < 8:
			w.preferOwn()
			A, err := w.approval(lo, hi, false, true)
			if err != nil {
				return err
			}
			if err := w.requestTD(w.pick(A, A.AddDays(20))); err != nil {
				return err
			}
			if err := w.issueTD(w.pick(w.last(), s.addWork(w.last(), 4))); err != nil {
				return err
			}
		default:
			N := w.pick(lo.AddDays(20), hi)
			F := w.transferDate(N)
			if err := w.ready(N, F, N.AddDays(-60)); err != nil {
				return err
			}
			if err := w.notify(N, F); err != nil {
				return err
			}
			if err := w.act(w.req(), w.pick(w.last(), F), ercms.ActPostponeTransfer, ercms.ActionInput{Reason: w.text("transfer.absconded")}); err != nil {
				return err
			}
		}
		return w.expire()

	case ercms.StateConsentWithdrawalRequested:
		W := w.pick(T.AddDays(-20), T)
		switch v := w.rng.IntN(3); v {
		case 0:
			if _, err := w.approval(maxDate(T.AddDays(-80), W.AddDays(-60)), W, true, true); err != nil {
				return err
			}
		case 1:
			w.preferOwn()
			I := w.pick(W.AddDays(-15), W)
			Q := w.pick(s.subWork(I, 4), I)
			if _, err := w.approval(maxDate(T.AddDays(-80), Q.AddDays(-40)), Q, false, true); err != nil {
				return err
			}
			if err := w.requestTD(maxDate(Q, w.last())); err != nil {
				return err
			}
			if err := w.issueTD(maxDate(I, w.last())); err != nil {
				return err
			}
		default:
			N := w.pick(W.AddDays(-6), W)
			F := maxDate(w.transferDate(N), s.addWork(W, 1))
			if err := w.ready(N, F, T.AddDays(-80)); err != nil {
				return err
			}
			if err := w.notify(N, F); err != nil {
				return err
			}
			if err := w.confirm(w.pick(N, W)); err != nil {
				return err
			}
		}
		return w.requestConsentWithdrawal(maxDate(W, w.last()))

	case ercms.StateWithdrawn:
		W := w.pick(T.AddDays(-280), T)
		prefixes := []mix{
			{ercms.StateDraft, 2}, {ercms.StateSubmitted, 2}, {ercms.StateRegistered, 1}, {ercms.StateInfoRequested, 1},
			{ercms.StateUnderVerification, 3}, {ercms.StatePendingSignOff, 1}, {ercms.StateApproved, 3},
			{ercms.StateDeemedApproved, 1}, {ercms.StateTravelDocumentRequested, 1}, {ercms.StateTravelDocumentIssued, 2},
			{ercms.StateTransferNotified, 1}, {ercms.StateTransferConfirmed, 1}, {ercms.StateTransferPostponed, 1},
			{ercms.StateConsentWithdrawalRequested, 1},
		}
		if !w.profile().DeemedApproval {
			prefixes = slices.DeleteFunc(prefixes, func(m mix) bool { return m.state == ercms.StateDeemedApproved })
		}
		ws := make([]int, len(prefixes))
		for i, p := range prefixes {
			ws[i] = p.weight
		}
		if err := w.build(prefixes[w.weighted(ws)].state, W); err != nil {
			return err
		}
		return w.withdraw(maxDate(W, w.last()))

	case ercms.StateTakeBackRequested:
		TB := w.pick(T.AddDays(-60), T)
		if err := w.transferredOn(w.anyDay(TB.AddDays(-170), TB.AddDays(-31))); err != nil {
			return err
		}
		if err := w.closeCase(TB); err != nil {
			return err
		}
		return w.requestTakeBack(maxDate(TB, w.last()))

	case ercms.StateTakenBack:
		TB := w.pick(T.AddDays(-150), T.AddDays(-4))
		if w.chance(0.5) {
			if err := w.transferredOn(w.anyDay(TB.AddDays(-25), TB.AddDays(-1))); err != nil {
				return err
			}
		} else {
			if err := w.transferredOn(w.anyDay(TB.AddDays(-170), TB.AddDays(-31))); err != nil {
				return err
			}
			if err := w.closeCase(TB); err != nil {
				return err
			}
		}
		if err := w.requestTakeBack(maxDate(TB, w.last())); err != nil {
			return err
		}
		return w.recordTakeBack(w.pick(w.last().AddDays(2), minDate(w.last().AddDays(30), T)))
	}
	return fmt.Errorf("no way to a readmission case in state %s", target)
}

// overdueReply takes a new case to examination on T with its reply target
// date passed (profiles without deemed approval): received long enough ago,
// still being verified, or waiting for information, and flagged overdue by
// the scheduler the day after the target date.
func (w *walk) overdueReply(T civil.Date) error {
	kind, R := ercms.ClockReply, w.pick(T.AddDays(-80), T.AddDays(-32))
	if w.proc == ercms.ProcedureAccelerated {
		kind, R = ercms.ClockReplyAccelerated, w.pick(T.AddDays(-30), T.AddDays(-12))
	}
	if due := w.due(kind, R); !due.IsZero() && !due.Before(T.AddDays(-1)) {
		R = R.AddDays(-(T.AddDays(-2).DaysUntil(due) + w.between(1, 20))) // a longer target time: received earlier
	}
	x := exam{verify: w.chance(0.8), answered: -2}
	if w.proc != ercms.ProcedureAccelerated && w.chance(0.15) {
		x.interview = w.between(1, 2)
	}
	if w.chance(0.25) {
		x.info = 2
	}
	if err := w.received(R, createOpts{}); err != nil {
		return err
	}
	return w.examine(R, T, x)
}

// preferOwn makes most cases that need a travel document cases of own nationals.
func (w *walk) preferOwn() {
	if w.cat != ercms.CategoryOwnNational && w.chance(0.7) {
		w.cat = ercms.CategoryOwnNational
	}
}

// buildTransit takes a new transit request to the target state as of day T.
func (w *walk) buildTransit(target ercms.State, T civil.Date) error {
	submit := func(S, transitOn civil.Date) error {
		d0 := S
		if w.chance(0.3) {
			d0 = w.pick(S.AddDays(-2), S)
		}
		if err := w.create(d0, createOpts{received: S, transitOn: transitOn}); err != nil {
			return err
		}
		return w.act(w.req(), S, ercms.ActSubmit, ercms.ActionInput{})
	}
	lead := func() int {
		if w.chance(0.1) {
			return w.between(3, 6) // shorter than the lead time: flagged
		}
		return w.between(8, 21)
	}
	approve := func(d civil.Date) error {
		tr := w.c.Application.Transit
		return w.act(w.s.ca, d, ercms.ActApproveTransit, ercms.ActionInput{EntryPoint: tr.EntryPoint, Time: tr.TransitTime,
			Assistance: w.text("transit.assistance")})
	}
	grounds := func() ercms.ActionInput {
		rs := w.s.cw.TransitRefusals
		ws := make([]int, len(rs))
		for i, r := range rs {
			ws[i] = r.Weight
		}
		g := rs[w.weighted(ws)]
		return ercms.ActionInput{Reasons: slices.Clone(g.Reasons), Text: g.Text}
	}
	switch target {
	case ercms.StateDraft:
		D0 := w.pick(T.AddDays(-6), T)
		return w.create(D0, createOpts{transitOn: D0.AddDays(w.between(10, 25))})
	case ercms.StateTransitRequested:
		S := w.pick(T.AddDays(-4), T)
		return submit(S, S.AddDays(lead()))
	case ercms.StateTransitApproved:
		TO := T.AddDays(w.between(1, 14))
		S := w.pick(maxDate(TO.AddDays(-21), T.AddDays(-14)), minDate(TO.AddDays(-8), T.AddDays(-1)))
		if err := submit(S, TO); err != nil {
			return err
		}
		return approve(w.pick(S, minDate(S.AddDays(4), T)))
	case ercms.StateTransitExecuted:
		X := w.anyDay(T.AddDays(-290), T)
		S := w.pick(X.AddDays(-21), X.AddDays(-8))
		if err := submit(S, X); err != nil {
			return err
		}
		if err := approve(w.pick(S, minDate(S.AddDays(4), X.AddDays(-1)))); err != nil {
			return err
		}
		tr := w.c.Application.Transit
		return w.act(w.s.border, X, ercms.ActRecordTransit, ercms.ActionInput{Time: tr.TransitTime})
	case ercms.StateTransitRefused:
		S := w.pick(T.AddDays(-290), T.AddDays(-1))
		if err := submit(S, S.AddDays(lead())); err != nil {
			return err
		}
		return w.act(w.s.ca, w.pick(S, minDate(S.AddDays(5), T)), ercms.ActRefuseTransit, grounds())
	case ercms.StateTransitRevoked:
		S := w.pick(T.AddDays(-290), T.AddDays(-3))
		TO := S.AddDays(w.between(8, 21))
		if err := submit(S, TO); err != nil {
			return err
		}
		if err := approve(w.pick(S, minDate(S.AddDays(3), T.AddDays(-1)))); err != nil {
			return err
		}
		return w.act(w.s.ca, w.pick(w.last(), minDate(TO.AddDays(-1), T)), ercms.ActRevokeTransit, grounds())
	case ercms.StateWithdrawn:
		W := w.pick(T.AddDays(-280), T)
		prefix := []ercms.State{ercms.StateDraft, ercms.StateTransitRequested, ercms.StateTransitApproved}[w.weighted([]int{1, 2, 2})]
		if err := w.buildTransit(prefix, W); err != nil {
			return err
		}
		return w.withdraw(maxDate(W, w.last()))
	}
	return fmt.Errorf("no way to a transit request in state %s", target)
}

// ---- People ----

// personInfo is what the texts of tasks and interviews say about the person.
type personInfo struct {
	fullName, dob, place, docNumber, nationality, permitKind, address string
	birthYear                                                         int
	languages                                                         []string
}

const cyrillicA = "\u0430" // the Cyrillic а of feminine surnames

func (n *Nation) surname(w *walk, female bool) Spelling {
	p := oneOf(w, n.Surnames...)
	if female && n.Feminine && strings.HasSuffix(p.Latin, "v") {
		p.Latin += "a"
		if p.Original != "" {
			p.Original += cyrillicA
		}
	}
	return p
}

// masculine returns the men's form of a surname of nation n.
func masculine(n *Nation, s string) string {
	if n.Feminine && strings.HasSuffix(s, "va") {
		return strings.TrimSuffix(s, "a")
	}
	return s
}

// partialDate returns a date of birth known to the day, or now and then only to the month or the year.
func (w *walk) partialDate(on civil.Date, minAge, maxAge int, exact bool) ercms.PartialDate {
	born := on.AddDays(-w.between(minAge*365+1, maxAge*365+300))
	p := ercms.PartialDate{Year: born.Year, Month: int(born.Month), Day: born.Day}
	if !exact {
		switch v := w.rng.IntN(10); {
		case v == 0:
			p.Month, p.Day = 0, 0
		case v == 1:
			p.Day = 0
		}
	}
	return p
}

// person makes the person of an application filed on day on.
func (w *walk) person(n *Nation, on civil.Date, minor bool) (ercms.Person, bool) {
	female := w.chance(0.3)
	sur := n.surname(w, female)
	given := oneOf(w, n.Men...)
	if female {
		given = oneOf(w, n.Women...)
	}
	minAge, maxAge := 18, 58
	if minor {
		minAge, maxAge = 16, 16
	}
	p := ercms.Person{Surname: sur.Latin, GivenNames: given.Latin, Sex: "M", Nationality: n.Code,
		DateOfBirth: w.partialDate(on, minAge, maxAge, minor), PlaceOfBirth: oneOf(w, n.Places...),
		HasPhoto: w.chance(0.85), HasFingerprints: w.chance(0.7)}
	if female {
		p.Sex = "F"
	}
	origGiven := given.Original
	if n.Patronymic != nil || n.ParentNames {
		father, mother := oneOf(w, n.Men...), oneOf(w, n.Women...)
		p.FatherName, p.MotherName = father.Latin, mother.Latin
		if n.ParentSurnames { // the father's surname is the person's; the mother's her own
			p.FatherName = masculine(n, sur.Latin) + " " + father.Latin
			p.MotherName = n.surname(w, true).Latin + " " + mother.Latin
		}
		if pat := n.Patronymic; pat != nil && w.chance(0.6) {
			if female {
				p.GivenNames += " " + father.Latin + pat.Daughter
				origGiven += " " + father.Original + pat.DaughterOriginal
			} else {
				p.GivenNames += " " + father.Latin + pat.Son
				origGiven += " " + father.Original + pat.SonOriginal
			}
		}
	}
	share := n.OrigShare
	if n.OldUntil > 0 && p.DateOfBirth.Year <= n.OldUntil {
		share = n.OldShare
	}
	if sur.Original != "" && given.Original != "" && w.chance(share) {
		p.OriginalScript = &ercms.Name{Surname: sur.Original, GivenNames: origGiven, Script: n.Script}
	}
	if n.Script == "Cyrl" && sur.Original != "" && w.chance(0.15) {
		// the Russian-style romanisation found in older documents
		p.OtherNames = append(p.OtherNames, ercms.Name{Surname: russianLatin(sur.Original), GivenNames: russianLatin(given.Original), Script: "Latn"})
	}
	p.Languages = slices.Clone(n.Languages)
	if n.ExtraLanguage != "" && w.chance(n.ExtraShare) {
		p.Languages = append(p.Languages, n.ExtraLanguage)
	}
	p.CivilStatus = oneOf(w, "single", "single", "married", "married", "divorced")
	if minor {
		p.CivilStatus = "single"
	}
	if w.chance(0.3) {
		p.Description = w.text("description", w.between(158, 190), w.text("eyes"), w.text("hair"))
	}
	return p, female
}

// russianLatin romanises a Russian-style Cyrillic name as older passports did.
func russianLatin(s string) string {
	table := map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
		'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya"}
	var b strings.Builder
	upperNext := true
	for _, r := range strings.ToLower(s) {
		t, ok := table[r]
		if !ok {
			t = string(r)
		}
		if upperNext && t != "" {
			t = strings.ToUpper(t[:1]) + t[1:]
			upperNext = false
		}
		if r == ' ' || r == '-' {
			upperNext = true
		}
		b.WriteString(t)
	}
	return b.String()
}

func datePtr(d civil.Date) *civil.Date { return &d }

// evidence builds the evidence items of an application filed on day on.
func (w *walk) evidence(on civil.Date, p *ercms.Person, info *personInfo, noApp bool) []ercms.Evidence {
	issued := func(minDays, maxDays int) civil.Date { return on.AddDays(-w.between(minDays, maxDays)) }
	var out []ercms.Evidence
	has := func(t string) bool {
		return slices.ContainsFunc(out, func(e ercms.Evidence) bool { return e.Type == t })
	}
	add := func(e ercms.Evidence) {
		if !has(e.Type) {
			out = append(out, e)
		}
	}
	own := &w.s.cw.Own
	months := cmp.Or(own.PassportMonths, 120) // validity of the national passport
	passport := func(valid bool) ercms.Evidence {
		i := issued(200, 3300)
		if valid {
			i = issued(30, min(2500, months*30-60))
		}
		info.docNumber = w.pattern(own.Passport)
		return ercms.Evidence{Type: "national_passport", Number: info.docNumber, IssuedOn: datePtr(i), IssuedAt: w.text("ev.passport.place"),
			Authority: w.text("ev.passport.authority"), ExpiresOn: datePtr(i.AddMonths(months))}
	}
	switch w.cat {
	case ercms.CategoryOwnNational:
		if noApp {
			add(passport(true))
		}
		pool := []struct {
			weight int
			make   func() ercms.Evidence
		}{
			{45, func() ercms.Evidence { return passport(false) }},
			{30, func() ercms.Evidence {
				i := issued(100, 3000)
				n := w.text("ev.id_card.number")
				if info.docNumber == "" {
					info.docNumber = n
				}
				return ercms.Evidence{Type: "national_id_card", Number: n, IssuedOn: datePtr(i), Authority: w.text("ev.id_card.authority"), ExpiresOn: datePtr(i.AddMonths(120))}
			}},
			{20, func() ercms.Evidence {
				i := issued(3700, 6000)
				return ercms.Evidence{Type: "expired_document", Number: w.text("ev.expired.number"), IssuedOn: datePtr(i), ExpiresOn: datePtr(i.AddMonths(months)),
					Authority: w.text("ev.expired.authority"), Note: w.text("ev.expired.note")}
			}},
			{25, func() ercms.Evidence {
				n := w.pattern(own.Passport)
				if info.docNumber == "" {
					info.docNumber = n
				}
				return ercms.Evidence{Type: "document_copy", Number: n, Note: w.text("ev.copy.note")}
			}},
			{20, func() ercms.Evidence {
				return ercms.Evidence{Type: "birth_certificate", Number: w.text("ev.birth.number"),
					IssuedAt: info.place, Authority: w.text("ev.birth.authority", info.place)}
			}},
			{10, func() ercms.Evidence {
				i := issued(300, 3000)
				return ercms.Evidence{Type: "driving_licence", Number: w.text("ev.driving.number"), IssuedOn: datePtr(i), Authority: w.text("ev.driving.authority"), ExpiresOn: datePtr(i.AddMonths(120))}
			}},
			{5, func() ercms.Evidence {
				return ercms.Evidence{Type: "military_id", Number: w.text("ev.military.number"), Authority: w.text("ev.military.authority")}
			}},
			{15, func() ercms.Evidence {
				return ercms.Evidence{Type: "own_statement", Note: w.text("ev.statement.note", info.place, info.place)}
			}},
			{5, func() ercms.Evidence {
				return ercms.Evidence{Type: "language_test", Note: w.text("ev.language_test.note")}
			}},
			{5, func() ercms.Evidence {
				return ercms.Evidence{Type: "witness_statement", Note: w.text("ev.witness.note")}
			}},
			{5, func() ercms.Evidence {
				return ercms.Evidence{Type: "fingerprint_match", Note: w.text("ev.fingerprints.note")}
			}},
		}
		ws := make([]int, len(pool))
		for i, e := range pool {
			ws[i] = e.weight
		}
		want := len(out) + w.weighted([]int{5, 3, 2}) + 1 // one to three items
		for range 10 {
			if len(out) >= want {
				break
			}
			add(pool[w.weighted(ws)].make())
		}
	default:
		if noApp && w.cat == ercms.CategoryThirdCountryNational {
			i := issued(30, 2000)
			add(ercms.Evidence{Type: "national_passport", Number: cmp.Or(info.docNumber, w.pattern("#########")), IssuedOn: datePtr(i), ExpiresOn: datePtr(i.AddMonths(120)),
				Note: w.text("ev.foreign_passport.note", info.nationality)})
			r := issued(20, 300)
			info.permitKind = w.text("permit.temporary")
			add(ercms.Evidence{Type: "residence_permit", Number: w.text("ev.permit.number"), IssuedOn: datePtr(r), ExpiresOn: datePtr(r.AddMonths(24)),
				Authority: w.text("ev.permit.authority"), Note: info.permitKind})
			break
		}
		stay := on.AddDays(-w.between(60, 500))
		pool := []struct {
			weight int
			make   func() ercms.Evidence
		}{
			{40, func() ercms.Evidence {
				info.permitKind = w.text("permit.visa")
				return ercms.Evidence{Type: "visa", Number: w.text("ev.visa.number"), IssuedOn: datePtr(stay.AddDays(-5)), ExpiresOn: datePtr(stay.AddDays(85)),
					Authority: w.text("ev.visa.authority"), Note: w.text("ev.visa.note")}
			}},
			{35, func() ercms.Evidence {
				info.permitKind = oneOf(w, w.text("permit.temporary"), w.text("permit.permanent"))
				if w.cat == ercms.CategoryStateless {
					info.permitKind = w.text("permit.permanent")
				}
				i := stay.AddDays(-w.between(100, 900))
				return ercms.Evidence{Type: "residence_permit", Number: w.text("ev.permit.number"), IssuedOn: datePtr(i), ExpiresOn: datePtr(i.AddMonths(oneOf(w, 12, 24, 60))),
					Authority: w.text("ev.permit.authority"), Note: info.permitKind}
			}},
			{30, func() ercms.Evidence {
				return ercms.Evidence{Type: "entry_exit_stamp", IssuedOn: datePtr(stay), IssuedAt: w.text("ev.stamp.place"), Note: w.text("ev.stamp.note")}
			}},
			{15, func() ercms.Evidence {
				nights := w.between(3, 20)
				return ercms.Evidence{Type: "hotel_bill", IssuedOn: datePtr(stay.AddDays(nights)), IssuedAt: w.text("ev.hotel.place"),
					Note: w.text("ev.hotel.note", nights)}
			}},
			{20, func() ercms.Evidence {
				return ercms.Evidence{Type: "travel_ticket", IssuedOn: datePtr(stay.AddDays(w.between(5, 60))), Note: w.text("ev.ticket.note")}
			}},
			{10, func() ercms.Evidence {
				return ercms.Evidence{Type: "passenger_list", IssuedOn: datePtr(stay.AddDays(w.between(5, 60))), Note: w.text("ev.passenger_list.note")}
			}},
			{8, func() ercms.Evidence {
				return ercms.Evidence{Type: "rental_contract", IssuedOn: datePtr(stay), IssuedAt: w.text("ev.rental.place"), Note: w.text("ev.rental.note")}
			}},
			{5, func() ercms.Evidence {
				return ercms.Evidence{Type: "credit_card_receipt", IssuedOn: datePtr(stay.AddDays(w.between(1, 30))), IssuedAt: w.text("ev.card.place"), Note: w.text("ev.card.note")}
			}},
			{8, func() ercms.Evidence {
				return ercms.Evidence{Type: "official_statement", Note: w.text("ev.employer.note")}
			}},
		}
		// a visa or residence permit of the requested state first, then now and then more
		if w.cat == ercms.CategoryStateless {
			i := issued(9000, 13000)
			add(ercms.Evidence{Type: "expired_document", Number: w.text("ev.stateless.number"), IssuedOn: datePtr(i), Note: w.text("ev.stateless.note")})
			if w.chance(0.7) {
				add(pool[1].make())
			}
		} else {
			add(pool[w.weighted([]int{55, 45})].make())
		}
		ws := make([]int, len(pool))
		for i, e := range pool {
			ws[i] = e.weight
		}
		want := len(out) + w.weighted([]int{5, 3, 2})
		for range 10 {
			if len(out) >= want {
				break
			}
			add(pool[w.weighted(ws)].make())
		}
	}
	return out
}

// family adds a spouse and children now and then.
func (w *walk) family(n *Nation, on civil.Date, p *ercms.Person, female bool) []ercms.FamilyMember {
	if !w.chance(0.18) || on.Year-p.DateOfBirth.Year < 20 {
		return nil
	}
	// feminine and masculine forms of a surname
	fem := func(s string) string {
		if n.Feminine && strings.HasSuffix(s, "v") {
			return s + "a"
		}
		return s
	}
	var out []ercms.FamilyMember
	year := p.DateOfBirth.Year
	father := masculine(n, p.Surname) // the children's surname
	if w.chance(0.8) {
		m := ercms.FamilyMember{Relationship: "spouse", Surname: fem(p.Surname), GivenNames: oneOf(w, n.Women...).Latin, Sex: "F",
			DateOfBirth: ercms.PartialDate{Year: year + w.between(-3, 6), Month: w.between(1, 12), Day: w.between(1, 28)}, Nationality: n.Code}
		if female {
			m.Surname, m.GivenNames, m.Sex = n.surname(w, false).Latin, oneOf(w, n.Men...).Latin, "M"
			father = m.Surname
		}
		out = append(out, m)
		p.CivilStatus = "married"
	}
	// minor children, born when the parents were 20 to 42
	first, last := max(year+20, on.Year-16), min(year+42, on.Year-1)
	for range w.between(0, 3) {
		if first > last {
			break
		}
		born := civil.New(w.between(first, last), time.Month(w.between(1, 12)), w.between(1, 28))
		m := ercms.FamilyMember{Relationship: "child", Surname: father, GivenNames: oneOf(w, n.Men...).Latin, Sex: "M",
			DateOfBirth: ercms.PartialDate{Year: born.Year, Month: int(born.Month), Day: born.Day}, Nationality: n.Code}
		if w.chance(0.5) {
			m.Surname, m.GivenNames, m.Sex = fem(father), oneOf(w, n.Women...).Latin, "F"
		}
		out = append(out, m)
	}
	return out
}

func (w *walk) reference(on civil.Date) string {
	w.s.refs[w.state]++
	seq := w.s.refs[w.state]
	if f, ok := referenceFormats[w.state]; ok {
		return f(w, on.Year, seq)
	}
	return fmt.Sprintf("%s-%d-%05d", w.state, on.Year, seq)
}

// application builds a readmission application filed on day on.
func (w *walk) application(on civil.Date, o createOpts) ercms.NewCase {
	cw := w.s.cw
	n := &cw.Own
	switch w.cat {
	case ercms.CategoryThirdCountryNational:
		n = &cw.ThirdCountries[w.weighted(cw.ThirdWeights)]
	case ercms.CategoryStateless:
		n = &cw.Stateless
	}
	var flags []string
	sp := ercms.Special{}
	minor := false
	switch v := w.rng.IntN(100); {
	case v < 2:
		minor, sp.Minor = true, true
	case v < 6:
		sp.NeedsCare, sp.CareConsent, sp.MedicalEscort = true, true, true
		sp.Health = w.text("health")
	case v < 8:
		flags = append(flags, ercms.FlagAsylumPending)
	case v < 9:
		flags = append(flags, ercms.FlagLegalStay)
	}
	p, female := w.person(n, on, minor)
	if female && w.chance(0.05) {
		sp.VictimOfTrafficking = true
	}
	w.info = &personInfo{fullName: p.Surname + ", " + p.GivenNames, dob: p.DateOfBirth.String(), birthYear: p.DateOfBirth.Year,
		place: p.PlaceOfBirth, nationality: n.Adjective, permitKind: w.text("permit.default"), languages: p.Languages}
	if n.Passport != "" && w.cat != ercms.CategoryOwnNational {
		w.info.docNumber = w.pattern(n.Passport)
		p.DocumentNumbers = []string{w.info.docNumber}
	}
	if w.cat != ercms.CategoryThirdCountryNational && w.chance(0.5) {
		town := oneOf(w, append(slices.Clone(cw.AddressTowns), p.PlaceOfBirth)...)
		p.LastAddress = w.text("address", town, oneOf(w, cw.Streets...), w.between(1, 180))
		w.info.address = p.LastAddress
	}
	if w.cat == ercms.CategoryStateless {
		p.PreviousNation = n.PreviousNationality
	}
	app := ercms.Application{Person: p, Special: sp}
	app.Evidence = w.evidence(on, &app.Person, w.info, o.noApp)
	if w.cat == ercms.CategoryOwnNational && w.proc == ercms.ProcedureNormal && !o.noApp && !o.incomplete && w.chance(0.05) {
		app.Evidence, app.InterviewRequested = nil, true // nothing but the person's word: a consular interview decides
		w.info.docNumber = ""
	}
	if w.info.docNumber != "" && w.cat == ercms.CategoryOwnNational {
		app.Person.DocumentNumbers = []string{w.info.docNumber}
	}
	app.Family = w.family(n, on, &app.Person, female)
	received := cmp.Or(o.received, on)
	if w.proc == ercms.ProcedureAccelerated {
		back := w.between(0, 2)
		if w.chance(0.08) {
			back = w.between(3, 4) // late: flagged on submission
		}
		app.ApprehendedOn = datePtr(minDate(w.s.subWork(received, back), on))
		app.Observations = w.text("observation.accelerated")
	} else if w.chance(0.4) {
		app.Observations = w.text("observation")
	}
	if w.cat != ercms.CategoryOwnNational {
		facts := received.AddDays(-w.between(7, 150))
		if w.chance(0.05) {
			facts = received.AddDays(-w.between(190, 230)) // late: flagged on submission
		}
		app.FactsKnownOn = datePtr(minDate(facts, on))
	}
	if o.incomplete {
		switch w.rng.IntN(3) {
		case 0:
			app.Person.DateOfBirth = ercms.PartialDate{}
		case 1:
			app.Evidence = nil
		default:
			app.Person.GivenNames = ""
		}
	}
	return ercms.NewCase{Type: ercms.TypeReadmission, RequestingReference: w.reference(on), Procedure: w.proc, Category: w.cat,
		NoApplication: o.noApp, Flags: flags, Application: app}
}

// transitApplication builds a transit request filed on day on.
func (w *walk) transitApplication(on civil.Date, o createOpts) ercms.NewCase {
	cw := w.s.cw
	n := &cw.Transit[w.weighted(cw.TransitWeights)]
	p, _ := w.person(n, on, false)
	p.DocumentNumbers = []string{w.pattern(n.Passport)}
	w.info = &personInfo{fullName: p.Surname + ", " + p.GivenNames, dob: p.DateOfBirth.String(), birthYear: p.DateOfBirth.Year,
		place: p.PlaceOfBirth, nationality: n.Adjective, docNumber: p.DocumentNumbers[0], languages: p.Languages}
	airports := departureAirports[w.state]
	if len(airports) == 0 {
		airports = []string{"FRA"}
	}
	from := oneOf(w, airports...)
	arr := fmt.Sprintf("%02d:%02d", w.between(3, 9), 5*w.rng.IntN(12))
	dep := fmt.Sprintf("%02d:%02d", w.between(10, 15), 5*w.rng.IntN(12))
	tr := &ercms.Transit{
		Itinerary:        w.text("transit.itinerary", from, oneOf(w, "21:40", "22:15", "23:05"), arr, dep, n.Airport),
		FinalDestination: n.Code, EntryPoint: w.s.border.Org.CrossingPoint, TransitOn: o.transitOn, TransitTime: arr, Escorts: w.between(1, 3),
	}
	return ercms.NewCase{Type: ercms.TypeTransit, RequestingReference: w.reference(on), Application: ercms.Application{
		Person: p, Transit: tr,
		Observations: w.text("transit.observation", n.Country, n.Adjective),
	}}
}
