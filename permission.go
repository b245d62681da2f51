package ercms

import (
	"slices"

	"github.com/ercms/ercms/civil"
)

// BorderVisibleDays is how long after the handover a border crossing point still sees a case.
const BorderVisibleDays = 30

// BorderStubDays is how long a border crossing point still sees a stub of a
// case whose arrival was cancelled (withdrawn or expired): its reference,
// the transfer's date and crossing point, and its state.
const BorderStubDays = 7

// CanView reports whether actor may see case c on the date today (the
// requested state's civil date). The store enforces the same rule in SQL
// (sqldb.scopeClause); a test walks both. Out-of-scope reads answer not-found.
func CanView(a Actor, c *Case, today civil.Date) bool {
	switch a.Role {
	case RoleSystem:
		return true
	case RoleRequestingOfficer, RoleRequestingSupervisor:
		return a.Org.Kind == OrgRequestingAuthority && a.Org.State == c.RequestingState
	case RoleCAOfficer, RoleCASupervisor:
		return a.Org.Kind == OrgCentralAuthority && a.Org.State == c.RequestedState && c.Status != StateDraft
	case RoleAgencyOfficer:
		return a.Org.Kind == OrgAgency && c.Status != StateDraft && c.hasTaskFor(a.Org.ID)
	case RoleConsularOfficer:
		return a.Org.Kind == OrgConsularMission && c.Status != StateDraft &&
			slices.Contains(a.Org.Accredited, c.RequestingState) && c.hasTaskFor(a.Org.ID)
	case RoleBorderOfficer:
		if a.Org.Kind != OrgBorderPoint || a.Org.CrossingPoint == "" || !c.borderSees(today) {
			return false
		}
		cp := c.CrossingPoint()
		if cp == AnyCrossingPoint {
			return a.Org.State == c.RequestedState && c.withinBorderWindow(today)
		}
		return cp == a.Org.CrossingPoint && c.withinBorderWindow(today)
	}
	return false
}

// borderSees reports whether a border crossing point still sees a case in
// its state: never a refused one, which never reaches it; a withdrawn or
// expired one, whose arrival is cancelled, for BorderStubDays after its
// last change (as a stub, ViewFor), the day of the change counted in UTC as
// the store does.
func (c *Case) borderSees(today civil.Date) bool {
	switch c.Status {
	case StateDraft, StateRefused, StateTransitRefused:
		return false
	case StateWithdrawn, StateExpired:
		return !civil.Of(c.UpdatedAt.UTC()).Before(today.AddDays(-BorderStubDays))
	}
	return true
}

// hasOpenTaskFor reports whether c has a task addressed to the
// organisation still open.
func (c *Case) hasOpenTaskFor(orgID string) bool {
	return slices.ContainsFunc(c.Tasks, func(t Task) bool { return t.OrgID == orgID && t.Status == TaskOpen })
}

func (c *Case) hasTaskFor(orgID string) bool {
	for _, t := range c.Tasks {
		if t.OrgID == orgID {
			return true
		}
	}
	return false
}

// CrossingPoint returns the border crossing point a transfer or transit was
// notified to, or "".
func (c *Case) CrossingPoint() string {
	switch {
	case c.Type == TypeTransit && c.Application.Transit != nil:
		return c.Application.Transit.EntryPoint
	case c.Transfer != nil:
		return c.Transfer.CrossingPoint
	case c.WithoutNotification:
		return AnyCrossingPoint
	}
	return ""
}

// AnyCrossingPoint is the crossing point of a case every border post of
// the requested state sees: an own national returned without a written
// notification (Case.WithoutNotification) may arrive at any of them.
const AnyCrossingPoint = "*"

// HandoverOn returns the date of the handover (or executed transit), if any.
func (c *Case) HandoverOn() *civil.Date {
	if c.Type == TypeTransit && c.Application.Transit != nil {
		return c.Application.Transit.ExecutedOn
	}
	if c.Transfer != nil {
		return c.Transfer.HandoverOn
	}
	return nil
}

func (c *Case) withinBorderWindow(today civil.Date) bool {
	h := c.HandoverOn()
	return h == nil || !today.After(h.AddDays(BorderVisibleDays))
}

// CanAct checks that actor may take action on c, given the row of the
// lifecycle table: the case must be visible (else ENotFound), the role must
// be one the row names (else EForbidden), and the state must allow it (else
// EConflict). Checks that need the action's input (which task, which
// mission) are made by Apply.
func CanAct(a Actor, c *Case, action string, today civil.Date) error {
	if !CanView(a, c, today) {
		return Fail(ENotFound, "err.no_such_case")
	}
	tr := TransitionFor(c.Type, action)
	if tr == nil {
		return Fail(ENotFound, "err.no_action_for_type", "action", action, "type", string(c.Type))
	}
	if !slices.Contains(tr.By, a.Role) {
		return Fail(EForbidden, "err.role_may_not", "action", action)
	}
	if !slices.Contains(tr.From, c.Status) {
		return Fail(EConflict, "err.action_not_allowed", "action", action, "state", string(c.Status))
	}
	if action == ActRecordAcknowledgement && c.AcknowledgedElectronically {
		return Fail(EConflict, "err.acknowledged_electronically")
	}
	// Offered only when it can succeed: an answer needs a task of the
	// organisation still open, clearing a flag an active flag.
	if action == ActAnswerTask && !c.hasOpenTaskFor(a.Org.ID) {
		return Fail(EConflict, "err.no_open_task")
	}
	if action == ActClearFlag && len(c.ActiveFlags()) == 0 {
		return Fail(EConflict, "err.no_active_flag")
	}
	if action == ActRecordHandover && c.Status == StateApproved && !c.WithoutNotification {
		return Fail(EConflict, "err.action_not_allowed", "action", action, "state", string(c.Status))
	}
	if action == ActSignOff && c.Decision != nil && c.Decision.ProposedBy == a.UserID {
		return Fail(EForbidden, "err.four_eyes")
	}
	if d := Describe(action); d != nil && d.BlockedByFlags {
		if flags := c.ActiveFlags(); len(flags) > 0 {
			return Fail(EConflict, "err.safeguard_blocks", "flags", flags)
		}
	}
	return nil
}

// AvailableActions lists the actions actor may take on c now.
func AvailableActions(a Actor, c *Case, today civil.Date) []string {
	var out []string
	for _, tr := range Lifecycle {
		if tr.Type != c.Type || tr.Action == ActCreate {
			continue
		}
		if CanAct(a, c, tr.Action, today) == nil {
			out = append(out, tr.Action)
		}
	}
	return out
}

// ReadsCaseData reports whether a role reads case data (personal data of
// the people returned): every officer and supervisor role. Administrators,
// auditors and DPOs (audit events hold references, not personal data) and
// analysts (anonymised statistics) do not.
func ReadsCaseData(r Role) bool {
	switch r {
	case RoleAdmin, RoleAuditor, RoleDPO, RoleAnalyst, RoleSystem:
		return false
	}
	return true
}

// GrantNeedsConfirmation reports whether an administrator's grant of role r
// waits for a second person (separation of duties): every role that reads
// case data, and the administrator role itself, since an administrator
// confirms grants (else one administrator would create a second one and
// confirm their own grant with it).
func GrantNeedsConfirmation(r Role) bool { return r == RoleAdmin || ReadsCaseData(r) }

// SupervisorOf returns the supervisor role of an organisation kind, the
// role that confirms grants in it, or "" for a kind without one (agencies,
// consular missions, border posts, ministries, oversight), where a second
// administrator confirms.
func SupervisorOf(k OrgKind) Role {
	switch k {
	case OrgCentralAuthority:
		return RoleCASupervisor
	case OrgRequestingAuthority:
		return RoleRequestingSupervisor
	}
	return ""
}
