package ercms

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ercms/ercms/civil"
)

// The organisations of the permission walk: every kind, and for each the
// variants the spec's scope rules tell apart.
var (
	permToday = civil.New(2026, 6, 20)

	orgDE        = Organisation{ID: "org-de-bpol", Kind: OrgRequestingAuthority, State: "DE"}                               // the case's requesting state
	orgDE2       = Organisation{ID: "org-de-land", Kind: OrgRequestingAuthority, State: "DE"}                               // another authority of the same state
	orgFR        = Organisation{ID: "org-fr-dgef", Kind: OrgRequestingAuthority, State: "FR"}                               // another member state
	orgSMS       = Organisation{ID: "org-az-sms", Kind: OrgCentralAuthority, State: "AZ"}                                   // the requested state's central authority
	orgCIAuth    = Organisation{ID: "org-ci-dst", Kind: OrgCentralAuthority, State: "CI"}                                   // another deployment's central authority
	orgCivreg    = Organisation{ID: "org-az-civreg", Kind: OrgAgency, State: "AZ"}                                          // agency with a task on the case
	orgPolice    = Organisation{ID: "org-az-police", Kind: OrgAgency, State: "AZ"}                                          // agency without a task
	orgBerlin    = Organisation{ID: "org-az-berlin", Kind: OrgConsularMission, State: "AZ", Accredited: []string{"DE"}}     // accredited, with a task
	orgBonn      = Organisation{ID: "org-az-bonn", Kind: OrgConsularMission, State: "AZ", Accredited: []string{"DE", "NL"}} // accredited, no task
	orgVienna    = Organisation{ID: "org-az-vienna", Kind: OrgConsularMission, State: "AZ", Accredited: []string{"AT"}}     // not accredited, with a task
	orgGYD       = Organisation{ID: "org-az-gyd", Kind: OrgBorderPoint, State: "AZ", CrossingPoint: "GYD"}                  // the notified crossing point
	orgNAJ       = Organisation{ID: "org-az-naj", Kind: OrgBorderPoint, State: "AZ", CrossingPoint: "NAJ"}                  // another crossing point
	orgBorderNil = Organisation{ID: "org-az-border", Kind: OrgBorderPoint, State: "AZ"}                                     // a border organisation without a crossing point
	orgMFA       = Organisation{ID: "org-az-mfa", Kind: OrgMinistry, State: "AZ"}
	orgOversight = Organisation{ID: "org-az-dpa", Kind: OrgOversight, State: "AZ"}

	permOrgs = []Organisation{orgDE, orgDE2, orgFR, orgSMS, orgCIAuth, orgCivreg, orgPolice, orgBerlin, orgBonn,
		orgVienna, orgGYD, orgNAJ, orgBorderNil, orgMFA, orgOversight}
	// tasked lists the organisations the fixtures address a task to.
	tasked = []string{orgCivreg.ID, orgBerlin.ID, orgVienna.ID}
)

// specBorderDays is LIFECYCLE.md's "until 30 days after handover".
const specBorderDays = 30

// proposerID is the ca_supervisor of the central authority who proposed the
// decision in every fixture.
var proposerID = userID(RoleCASupervisor, orgSMS)

func userID(r Role, o Organisation) string { return string(r) + "@" + o.ID }

// permActors returns every role at every organisation, a second central-authority
// supervisor (not the proposer) and the system.
func permActors() []Actor {
	var out []Actor
	for _, r := range Roles {
		for _, o := range permOrgs {
			out = append(out, Actor{UserID: userID(r, o), Username: userID(r, o), Role: r, Org: o})
		}
	}
	out = append(out, Actor{UserID: "second-supervisor", Role: RoleCASupervisor, Org: orgSMS}, SystemActor())
	return out
}

// permFixture is a case with the facts the scope rules depend on, kept
// beside it so that the expectation does not read them back from the case.
type permFixture struct {
	c            *Case
	crossing     string // the crossing point a transfer or transit was notified to ("" for none)
	handoverAgo  int    // days since the handover (or executed transit); -1 for none
	activeFlag   bool
	describeCase string
}

func permFixtures() []permFixture {
	var out []permFixture
	for _, tt := range []CaseType{TypeReadmission, TypeTransit} {
		states := ReadmissionStates
		if tt == TypeTransit {
			states = TransitStates
		}
		for _, st := range states {
			for _, crossing := range []string{"", "GYD", AnyCrossingPoint} {
				if tt == TypeTransit && (crossing == "" || crossing == AnyCrossingPoint) {
					continue // a transit request always names its entry point
				}
				for _, ago := range []int{-1, specBorderDays, specBorderDays + 1} {
					if (crossing == "" || crossing == AnyCrossingPoint) && ago >= 0 {
						continue
					}
					for _, flags := range []string{"none", "active", "cleared"} {
						c := &Case{ID: "case", Type: tt, Status: st, RequestingState: "DE", RequestedState: "AZ",
							RequestingOrgID: orgDE.ID, Decision: &Decision{Outcome: "approve", ProposedBy: proposerID}}
						for i, org := range tasked {
							c.Tasks = append(c.Tasks, Task{ID: sprintf("t%d", i), Kind: TaskVerification, OrgID: org, Status: TaskOpen})
						}
						var handover *civil.Date
						if ago >= 0 {
							h := permToday.AddDays(-ago)
							handover = &h
						}
						switch {
						case tt == TypeTransit:
							c.Application.Transit = &Transit{EntryPoint: crossing, ExecutedOn: handover}
						case crossing == AnyCrossingPoint:
							c.WithoutNotification = true // returned without a written notification
						case crossing != "":
							c.Transfer = &Transfer{CrossingPoint: crossing, HandoverOn: handover}
						}
						cleared := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
						switch flags {
						case "active":
							c.Flags = []Flag{{Code: FlagMinor}}
						case "cleared":
							c.Flags = []Flag{{Code: FlagMinor, ClearedAt: &cleared}}
						}
						out = append(out, permFixture{c: c, crossing: crossing, handoverAgo: ago, activeFlag: flags == "active",
							describeCase: sprintf("%s %s crossing=%q handover=%d days ago flags=%s", tt, st, crossing, ago, flags)})
					}
				}
			}
		}
	}
	return out
}

// specCanView is the scope section of LIFECYCLE.md ("sees"), written from the
// spec and the fixture's facts, not from CanView:
//
//   - requesting_*: its own state's cases only;
//   - ca_*: all cases of its deployment (its requested state), once submitted:
//     a draft has not been sent to the requested state yet;
//   - agency_officer: only cases with a task addressed to its agency;
//   - consular_officer: cases of its member states (accreditation) that have
//     a task addressed to it;
//   - border_officer: cases with a transfer or transit notified to its
//     crossing point, from notice until 30 days after handover; and (issue
//     11, where LIFECYCLE.md is silent) never a refused case, a withdrawn or
//     expired one only for 7 days after its last change, as a stub;
//   - admin, auditor, dpo, analyst: no case data;
//   - system: everything (the timed actions).
//
// Each role counts only at the kind of organisation it belongs to. Drafts are
// seen by the requesting state alone.
func specCanView(a Actor, f permFixture) bool {
	c := f.c
	submitted := c.Status != StateDraft
	taskFor := slices.Contains(tasked, a.Org.ID)
	switch a.Role {
	case RoleSystem:
		return true
	case RoleRequestingOfficer, RoleRequestingSupervisor:
		return a.Org.Kind == OrgRequestingAuthority && a.Org.State == "DE"
	case RoleCAOfficer, RoleCASupervisor:
		return a.Org.Kind == OrgCentralAuthority && a.Org.State == "AZ" && submitted
	case RoleAgencyOfficer:
		return a.Org.Kind == OrgAgency && taskFor && submitted
	case RoleConsularOfficer:
		return a.Org.Kind == OrgConsularMission && taskFor && slices.Contains(a.Org.Accredited, "DE") && submitted
	case RoleBorderOfficer:
		cancelled := c.Status == StateWithdrawn || c.Status == StateExpired
		recent := !c.UpdatedAt.IsZero() && permToday.Time().Sub(c.UpdatedAt) <= 8*24*time.Hour
		// A case returned without a written notification (LIFECYCLE.md,
		// no-application path: "the border post sees the case from
		// approval") reaches every post of the requested state.
		atPost := a.Org.CrossingPoint == f.crossing || (f.crossing == AnyCrossingPoint && a.Org.State == "AZ" && a.Org.CrossingPoint != "")
		return a.Org.Kind == OrgBorderPoint && f.crossing != "" && atPost &&
			f.handoverAgo <= specBorderDays && submitted && c.Status != StateRefused && c.Status != StateTransitRefused &&
			(!cancelled || recent)
	}
	return false
}

// specCanAct is the expected outcome of CanAct: not visible → not found; an
// action the case type does not have → not found; a role the row does not
// name → forbidden; a state the row does not start from → conflict; the
// proposer signing off → forbidden; an active safeguard flag on a blocked
// action → conflict.
func specCanAct(s *lifecycleSpec, a Actor, f permFixture, action string) string {
	if !specCanView(a, f) {
		return ENotFound
	}
	row := expectedRow(s, f.c.Type, action)
	switch {
	case row == nil:
		return ENotFound
	case !slices.Contains(row.By, a.Role):
		return EForbidden
	case !slices.Contains(row.From, f.c.Status):
		return EConflict
	case action == ActRecordHandover && f.c.Status == StateApproved && f.crossing != AnyCrossingPoint:
		return EConflict // directly from approval only without a written notification
	case row.NotProposer && a.UserID == proposerID:
		return EForbidden
	case action == ActAnswerTask && !slices.Contains(tasked, a.Org.ID),
		action == ActClearFlag && !f.activeFlag:
		return EConflict // offered only when it can succeed: an open task of its own, an active flag
	case f.activeFlag && slices.Contains(s.FlagBlocked, action):
		return EConflict
	}
	return ""
}

// TestPermissionWalk walks every action × actor (role at each kind and
// variant of organisation) × case (type, state, crossing point, handover
// window, flags) through CanView, CanAct and AvailableActions.
func TestPermissionWalk(t *testing.T) {
	s := loadSpec(t)
	actions := append(allActionNames(), "no_such_action")
	actors := permActors()
	fixtures := permFixtures()
	failures := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if failures++; failures <= 40 {
			t.Errorf(format, args...)
		}
	}
	counts := map[string]int{}
	for _, f := range fixtures {
		for _, a := range actors {
			who := sprintf("%s@%s(%s)", a.Role, a.Org.ID, a.UserID)
			if got, want := CanView(a, f.c, permToday), specCanView(a, f); got != want {
				fail("CanView(%s, %s) = %v, want %v", who, f.describeCase, got, want)
			}
			var wantAvailable []string
			for _, action := range actions {
				want := specCanAct(s, a, f, action)
				err := CanAct(a, f.c, action, permToday)
				counts[want]++
				if got := ErrorCode(err); got != want {
					fail("CanAct(%s, %s, %s) = %v, want %q", who, f.describeCase, action, err, want)
				}
				var e *Error
				if err != nil && !errors.As(err, &e) {
					fail("CanAct(%s, %s, %s): %T is not an *Error", who, f.describeCase, action, err)
				}
				if want == "" {
					wantAvailable = append(wantAvailable, action)
				}
			}
			got := AvailableActions(a, f.c, permToday)
			slices.Sort(got)
			slices.Sort(wantAvailable)
			if !slices.Equal(got, wantAvailable) {
				fail("AvailableActions(%s, %s) = %v, want %v", who, f.describeCase, got, wantAvailable)
			}
		}
	}
	if failures > 40 {
		t.Errorf("… and %d more", failures-40)
	}
	// The walk must have met every outcome, or it proves little.
	for _, code := range []string{"", ENotFound, EForbidden, EConflict} {
		if counts[code] == 0 {
			t.Errorf("no combination expected %q", code)
		}
	}
	t.Logf("%d fixtures × %d actors × %d actions; outcomes: %v", len(fixtures), len(actors), len(actions), counts)
}

// TestCanViewExamples spells out the scope rules on single cases, so that a
// wrong expectation in the walk above cannot hide a wrong rule.
func TestCanViewExamples(t *testing.T) {
	actor := func(r Role, o Organisation) Actor { return Actor{UserID: userID(r, o), Role: r, Org: o} }
	base := func(st State) *Case {
		return &Case{Type: TypeReadmission, Status: st, RequestingState: "DE", RequestedState: "AZ",
			Tasks: []Task{{ID: "t1", OrgID: orgCivreg.ID}, {ID: "t2", OrgID: orgBerlin.ID}, {ID: "t3", OrgID: orgVienna.ID}}}
	}
	withTransfer := func(st State, handover *civil.Date) *Case {
		c := base(st)
		c.Transfer = &Transfer{CrossingPoint: "GYD", HandoverOn: handover}
		return c
	}
	day := func(ago int) *civil.Date { d := permToday.AddDays(-ago); return &d }
	for _, tc := range []struct {
		name string
		a    Actor
		c    *Case
		want bool
	}{
		{"requesting officer, own state's draft", actor(RoleRequestingOfficer, orgDE), base(StateDraft), true},
		{"another authority of the same member state", actor(RoleRequestingSupervisor, orgDE2), base(StateApproved), true},
		{"another member state never", actor(RoleRequestingSupervisor, orgFR), base(StateApproved), false},
		{"central authority, submitted case", actor(RoleCAOfficer, orgSMS), base(StateSubmitted), true},
		{"central authority, draft not yet sent", actor(RoleCASupervisor, orgSMS), base(StateDraft), false},
		{"central authority of another deployment", actor(RoleCAOfficer, orgCIAuth), base(StateSubmitted), false},
		{"ca role at a requesting authority", actor(RoleCAOfficer, Organisation{ID: "x", Kind: OrgRequestingAuthority, State: "AZ"}), base(StateSubmitted), false},
		{"agency with a task", actor(RoleAgencyOfficer, orgCivreg), base(StateUnderVerification), true},
		{"agency without a task", actor(RoleAgencyOfficer, orgPolice), base(StateUnderVerification), false},
		{"mission accredited to DE with a task", actor(RoleConsularOfficer, orgBerlin), base(StateTravelDocumentRequested), true},
		{"mission accredited to DE without a task", actor(RoleConsularOfficer, orgBonn), base(StateTravelDocumentRequested), false},
		{"mission with a task, not accredited to DE", actor(RoleConsularOfficer, orgVienna), base(StateTravelDocumentRequested), false},
		{"border point before any transfer notice", actor(RoleBorderOfficer, orgGYD), base(StateApproved), false},
		{"border point after notice", actor(RoleBorderOfficer, orgGYD), withTransfer(StateTransferNotified, nil), true},
		{"other border point", actor(RoleBorderOfficer, orgNAJ), withTransfer(StateTransferNotified, nil), false},
		{"border point on day 30 after handover", actor(RoleBorderOfficer, orgGYD), withTransfer(StateTransferred, day(30)), true},
		{"border point on day 31 after handover", actor(RoleBorderOfficer, orgGYD), withTransfer(StateClosed, day(31)), false},
		{"border organisation without a crossing point", actor(RoleBorderOfficer, orgBorderNil), withTransfer(StateTransferNotified, nil), false},
		{"admin sees no case data", actor(RoleAdmin, orgSMS), base(StateApproved), false},
		{"auditor", actor(RoleAuditor, orgOversight), base(StateApproved), false},
		{"dpo", actor(RoleDPO, orgOversight), base(StateApproved), false},
		{"analyst", actor(RoleAnalyst, orgSMS), base(StateApproved), false},
		{"system", SystemActor(), base(StateDraft), true},
		{"transit: entry point's border officer", actor(RoleBorderOfficer, orgGYD),
			&Case{Type: TypeTransit, Status: StateTransitApproved, RequestingState: "DE", RequestedState: "AZ", Application: Application{Transit: &Transit{EntryPoint: "GYD"}}}, true},
		{"transit: 31 days after it was executed", actor(RoleBorderOfficer, orgGYD),
			&Case{Type: TypeTransit, Status: StateTransitExecuted, RequestingState: "DE", RequestedState: "AZ", Application: Application{Transit: &Transit{EntryPoint: "GYD", ExecutedOn: day(31)}}}, false},
	} {
		if got := CanView(tc.a, tc.c, permToday); got != tc.want {
			t.Errorf("%s: CanView = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSignOffNotByProposer(t *testing.T) {
	c := &Case{Type: TypeReadmission, Status: StatePendingSignOff, RequestingState: "DE", RequestedState: "AZ",
		Decision: &Decision{Outcome: "approve", ProposedBy: "sup-a"}}
	supA := Actor{UserID: "sup-a", Role: RoleCASupervisor, Org: orgSMS}
	supB := Actor{UserID: "sup-b", Role: RoleCASupervisor, Org: orgSMS}
	officer := Actor{UserID: "off", Role: RoleCAOfficer, Org: orgSMS}
	if err := CanAct(supA, c, ActSignOff, permToday); ErrorCode(err) != EForbidden {
		t.Errorf("the proposer signs off: %v, want %s", err, EForbidden)
	}
	if slices.Contains(AvailableActions(supA, c, permToday), ActSignOff) {
		t.Error("sign_off offered to the proposer")
	}
	if err := CanAct(supB, c, ActSignOff, permToday); err != nil {
		t.Errorf("another supervisor signs off: %v", err)
	}
	if err := CanAct(officer, c, ActSignOff, permToday); ErrorCode(err) != EForbidden {
		t.Errorf("a ca_officer signs off: %v, want %s", err, EForbidden)
	}
	// The proposer may still send the proposal back.
	if err := CanAct(supA, c, ActReturnProposal, permToday); err != nil {
		t.Errorf("the proposer returns the proposal: %v", err)
	}
}

func TestSafeguardFlagsBlockTransferActions(t *testing.T) {
	s := loadSpec(t)
	req := Actor{UserID: "r", Role: RoleRequestingOfficer, Org: orgDE}
	ca := Actor{UserID: "c", Role: RoleCAOfficer, Org: orgSMS}
	border := Actor{UserID: "b", Role: RoleBorderOfficer, Org: orgGYD}
	for _, tc := range []struct {
		a      Actor
		st     State
		action string
	}{
		{req, StateApproved, ActNotifyTransfer},
		{ca, StateTransferNotified, ActConfirmTransfer},
		{border, StateTransferConfirmed, ActRecordHandover},
	} {
		if !slices.Contains(s.FlagBlocked, tc.action) {
			t.Errorf("the spec does not list %s as blocked by safeguard flags", tc.action)
		}
		for _, code := range SafeguardFlags {
			c := &Case{Type: TypeReadmission, Status: tc.st, RequestingState: "DE", RequestedState: "AZ",
				Transfer: &Transfer{CrossingPoint: "GYD"}, Flags: []Flag{{Code: code}}}
			if err := CanAct(tc.a, c, tc.action, permToday); ErrorCode(err) != EConflict {
				t.Errorf("%s with flag %s: %v, want %s", tc.action, code, err, EConflict)
			}
			now := time.Now()
			c.Flags[0].ClearedAt = &now
			if err := CanAct(tc.a, c, tc.action, permToday); err != nil {
				t.Errorf("%s with flag %s cleared: %v", tc.action, code, err)
			}
		}
	}
	// Other actions are not blocked.
	c := &Case{Type: TypeReadmission, Status: StateApproved, RequestingState: "DE", RequestedState: "AZ", Flags: []Flag{{Code: FlagMinor}}}
	if err := CanAct(req, c, ActRequestTravelDocument, permToday); err != nil {
		t.Errorf("request_travel_document with a flag: %v", err)
	}
}

// TestGrantNeedsConfirmation: every officer and supervisor role reads case
// data, and its grant, like the administrator role's, waits for a second
// person; oversight and statistics roles are granted at once.
func TestGrantNeedsConfirmation(t *testing.T) {
	for _, r := range Roles {
		reads := r != RoleAdmin && r != RoleAuditor && r != RoleDPO && r != RoleAnalyst
		if ReadsCaseData(r) != reads {
			t.Errorf("%s reads case data: %v, want %v", r, !reads, reads)
		}
		if want := reads || r == RoleAdmin; GrantNeedsConfirmation(r) != want {
			t.Errorf("%s needs confirmation: %v, want %v", r, !want, want)
		}
	}
	if SupervisorOf(OrgCentralAuthority) != RoleCASupervisor || SupervisorOf(OrgRequestingAuthority) != RoleRequestingSupervisor {
		t.Error("the supervisors of the authorities")
	}
	for _, k := range []OrgKind{OrgAgency, OrgConsularMission, OrgBorderPoint, OrgMinistry, OrgOversight} {
		if SupervisorOf(k) != "" {
			t.Errorf("%s has a supervisor who confirms", k)
		}
	}
}
