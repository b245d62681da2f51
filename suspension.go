package ercms

import (
	"slices"
	"strings"

	"github.com/ercms/ercms/civil"
)

// SuspensionGrounds are the grounds on which a party may suspend an
// agreement, in whole or in part (Switzerland–Azerbaijan agreement, Art. 18;
// the EU texts alike).
var SuspensionGrounds = []string{"security", "public_order", "public_health"}

// Suspension is the suspension of an agreement (an agreement profile), in
// whole or for one category of persons, from a date until it ends. While it
// is in force no application in its scope can be submitted; the cases
// already submitted are marked (Case.Suspension) and, where the profile says
// so, their time limits pause until it ends.
type Suspension struct {
	ID        string `json:"id"`
	ProfileID string `json:"profile"`
	// Category is the category of persons suspended; "" suspends the
	// whole agreement, transit included.
	Category Category   `json:"category,omitempty"`
	From     civil.Date `json:"from"`
	// Until is the first day the agreement applies again; nil while the
	// suspension has no end.
	Until   *civil.Date `json:"until,omitempty"`
	Grounds string      `json:"grounds"`
	Note    string      `json:"note,omitempty"`
}

// InForce reports whether the suspension applies on day.
func (s Suspension) InForce(day civil.Date) bool {
	return !day.Before(s.From) && (s.Until == nil || day.Before(*s.Until))
}

// Covers reports whether c falls in the suspension's scope: a case of its
// agreement, of its category when it has one.
func (s Suspension) Covers(c *Case) bool {
	if c.ProfileID != s.ProfileID {
		return false
	}
	return s.Category == "" || (c.Type == TypeReadmission && c.Category == s.Category)
}

// Validate checks a suspension about to be recorded: its grounds from the
// list, a category of the list or none, and a start date.
func (s Suspension) Validate() error {
	var v Validation
	if !slices.Contains(SuspensionGrounds, s.Grounds) {
		v.Add("grounds", "field.suspension.grounds.required")
	}
	if s.Category != "" && !slices.Contains([]Category{CategoryOwnNational, CategoryThirdCountryNational, CategoryStateless}, s.Category) {
		v.Add("category", "field.suspension.category.unknown")
	}
	if s.From.IsZero() {
		v.Add("from", "field.suspension.from.required")
	}
	if s.Until != nil && !s.Until.After(s.From) {
		v.Add("until", "field.suspension.until.before_from", "date", s.From)
	}
	if strings.TrimSpace(s.Note) == "" {
		v.Add("note", "field.suspension.note.required")
	}
	return v.Err()
}

// CaseSuspension is the mark a suspension of its agreement leaves on a
// running case.
type CaseSuspension struct {
	ID string `json:"id"`
	// From is the day the case was marked: the suspension's start, or the
	// day the case came under it.
	From civil.Date `json:"from"`
	// Paused says the case's time limits stand still until the suspension
	// ends (the profile's SuspensionPausesClocks when it was marked).
	Paused bool `json:"paused"`
}

// suspendedRefusal refuses a submission in the scope of a suspension in
// force on the day of receipt.
func suspendedRefusal(env Env, c *Case, received civil.Date) error {
	for _, s := range env.Suspensions {
		if s.InForce(received) && s.Covers(c) {
			if s.Category != "" {
				return Fail(EConflict, "err.agreement_suspended_category", "date", s.From, "grounds", s.Grounds, "persons", string(s.Category))
			}
			return Fail(EConflict, "err.agreement_suspended", "date", s.From, "grounds", s.Grounds)
		}
	}
	return nil
}

// Change names of the suspension of an agreement on a case.
const (
	ChangeAgreementSuspended = "agreement_suspended"
	ChangeSuspensionEnded    = "agreement_suspension_ended"
)

// suspendable reports whether c is a case a suspension marks: submitted,
// not yet handed over and not ended.
func suspendable(c *Case) bool {
	switch c.Status {
	case StateDraft, StateTransferred, StateClosed, StateTakeBackRequested:
		return false
	}
	return !Terminal(c.Status)
}

// MarkSuspended marks c, a running case in the scope of suspension s in
// force today, with the suspension; where the profile pauses time limits
// during a suspension, its running clocks stand still from today (the
// timed actions do not run on it) until EndSuspension. Only the system
// marks; a case already marked, out of scope or not running is unchanged.
func MarkSuspended(env Env, c *Case, a Actor, s Suspension) (Change, error) {
	if a.Role != RoleSystem {
		return Change{}, Fail(EForbidden, "err.system_only.suspension")
	}
	if c.Suspension != nil || !s.Covers(c) || !s.InForce(env.Today) || !suspendable(c) {
		return unchanged, nil
	}
	pause := env.Profile.SuspensionPausesClocks
	c.Suspension = &CaseSuspension{ID: s.ID, From: env.Today, Paused: pause}
	c.warn(WarnAgreementSuspended)
	note := NewNote("note.agreement_suspended", "date", s.From, "grounds", s.Grounds)
	if pause {
		note = NewNote("note.agreement_suspended_paused", "date", s.From, "grounds", s.Grounds)
	}
	c.Timeline = append(c.Timeline, Event{At: env.Now, Action: ChangeAgreementSuspended, Actor: "system", NoteKey: note.Key, NoteArgs: note.Args})
	return Change{Action: ChangeAgreementSuspended, Details: map[string]any{"suspension": s.ID, "paused": pause}}, nil
}

// EndSuspension lifts the mark of suspension s from c once it has ended:
// paused time limits move on by the days the case stood still. Only the
// system ends; a case not marked by s is unchanged.
func EndSuspension(env Env, c *Case, a Actor, s Suspension) (Change, error) {
	if a.Role != RoleSystem {
		return Change{}, Fail(EForbidden, "err.system_only.suspension")
	}
	m := c.Suspension
	if m == nil || m.ID != s.ID || s.Until == nil || env.Today.Before(*s.Until) {
		return unchanged, nil
	}
	c.Suspension = nil
	c.Warnings = slices.DeleteFunc(c.Warnings, func(w string) bool { return w == WarnAgreementSuspended })
	days := 0
	if m.Paused {
		days = m.From.DaysUntil(*s.Until)
		for i := range c.Deadlines {
			d := &c.Deadlines[i]
			if d.Status != DeadlineRunning || days <= 0 {
				continue
			}
			d.SuspendedDays += days
			if err := d.compute(env.Calendars); err != nil {
				return Change{}, err
			}
		}
	}
	note := NewNote("note.agreement_suspension_ended", "date", *s.Until)
	if days > 0 {
		note = NewNote("note.agreement_suspension_ended_paused", "date", *s.Until, "count", days)
	}
	c.Timeline = append(c.Timeline, Event{At: env.Now, Action: ChangeSuspensionEnded, Actor: "system", NoteKey: note.Key, NoteArgs: note.Args})
	return Change{Action: ChangeSuspensionEnded, Details: map[string]any{"suspension": s.ID, "paused_days": days}}, nil
}

// pausedBySuspension reports whether c's time limits stand still.
func (c *Case) pausedBySuspension() bool { return c.Suspension != nil && c.Suspension.Paused }
