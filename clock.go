package ercms

import (
	"fmt"
	"slices"
	"time"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
)

// Env is what Apply needs from outside the case: the time, the agreement
// profile the case keeps, the holiday calendars, and look-ups of reference
// data. The store builds it inside the transaction.
type Env struct {
	Now       time.Time
	Today     civil.Date // the requested state's civil date at Now
	Profile   *deadline.Profile
	Calendars *deadline.Calendars
	FourEyes  bool
	NewID     func() string
	// Org returns an organisation by id.
	Org func(id string) (Organisation, bool)
	// User returns a user by id (assignments).
	User func(id string) (User, bool)
	// RefusalReasons lists the codes of the refusal-reason reference list.
	RefusalReasons []string
	// Evidence is the evidence catalogue in use (nil: the annexes').
	Evidence Catalogue
	// Suspensions are the suspensions of Profile's agreement on record
	// (those ended included).
	Suspensions []Suspension
}

// transferWindowLimit is the latest end the profile's cap allows the
// transfer window d (its first end plus TransferWindowCap), and whether
// the profile sets a cap.
func transferWindowLimit(env Env, d *Deadline) (civil.Date, bool) {
	c := env.Profile.TransferWindowCap
	if c == nil || d == nil {
		return civil.Date{}, false
	}
	r, err := deadline.Compute(d.Rule, d.From, env.Calendars)
	if err != nil || r.BeyondData {
		return civil.Date{}, false
	}
	return r.Due.AddDays(c.Days), true
}

// startClock adds a running clock of the profile rule `kind`, counted from `from`.
func (c *Case) startClock(env Env, kind, taskID string, from civil.Date) (*Deadline, error) {
	s, err := env.Profile.Setting(kind, c.RequestingState)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", env.Profile.ID, err)
	}
	d := Deadline{Kind: kind, TaskID: taskID, Rule: s.Rule, From: from, Status: DeadlineRunning, Binding: s.Binding}
	if err := d.compute(env.Calendars); err != nil {
		return nil, err
	}
	c.Deadlines = append(c.Deadlines, d)
	c.noteDeadlineWarnings()
	return &c.Deadlines[len(c.Deadlines)-1], nil
}

// compute sets DueOn, Basis and the data flags of d from its rule, start and extension.
func (d *Deadline) compute(cals *deadline.Calendars) error {
	r, err := deadline.Compute(d.Rule, d.From, cals)
	if err != nil {
		return err
	}
	d.Basis, d.BeyondData, d.Provisional = r.Basis, r.BeyondData, r.Provisional
	d.DueOn = nil
	switch {
	case d.ExtendedTo != nil:
		due := d.ExtendedTo.AddDays(d.SuspendedDays)
		d.DueOn = &due
		d.Basis += fmt.Sprintf("; extended to %s", due)
	case r.BeyondData:
		d.Basis += "; the due date lies beyond the holiday data and is not guessed"
	default:
		due := r.Due.AddDays(d.ExtendedDays + d.SuspendedDays)
		d.DueOn = &due
		if d.ExtendedDays > 0 {
			d.Basis += fmt.Sprintf("; extended by %d calendar days", d.ExtendedDays)
		}
	}
	if d.SuspendedDays > 0 && d.DueOn != nil {
		d.Basis += fmt.Sprintf("; paused %d days while the agreement was suspended", d.SuspendedDays)
	}
	return nil
}

// stopClock ends the running clock of kind (and task): met when the act came
// in time, missed when after the due date, stopped when it no longer applies.
func (c *Case) stopClock(kind, taskID string, today civil.Date, status DeadlineStatus) {
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if d.Kind != kind || d.TaskID != taskID || d.Status != DeadlineRunning {
			continue
		}
		if status == DeadlineMet && d.DueOn != nil && today.After(*d.DueOn) {
			status = DeadlineMissed
		}
		d.Status = status
		t := today
		d.MetOn = &t
	}
}

// stopAllClocks stops every running clock except the kinds listed.
func (c *Case) stopAllClocks(today civil.Date, except ...string) {
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if d.Status != DeadlineRunning || slices.Contains(except, d.Kind) {
			continue
		}
		d.Status = DeadlineStopped
		t := today
		d.MetOn = &t
	}
}

// running returns the running clock of kind (not a task's), or nil.
func (c *Case) running(kind string) *Deadline {
	for i := range c.Deadlines {
		if c.Deadlines[i].Kind == kind && c.Deadlines[i].TaskID == "" && c.Deadlines[i].Status == DeadlineRunning {
			return &c.Deadlines[i]
		}
	}
	return nil
}

// ReplyClock returns the running reply clock (normal or accelerated), or nil.
func (c *Case) ReplyClock() *Deadline {
	if d := c.running(ClockReply); d != nil {
		return d
	}
	if d := c.running(ClockReplyAccelerated); d != nil {
		return d
	}
	return c.running(ClockTransitReply)
}

// Clock kinds: the rule kinds of the agreement profile that cases run.
const (
	ClockReply              = "reply"
	ClockReplyAccelerated   = "reply_accelerated"
	ClockVerificationTask   = "verification_task"
	ClockInterview          = "interview"
	ClockInterviewNoMission = "interview_no_mission"
	ClockTravelDocument     = "travel_document"
	ClockTransferWindow     = "transfer_window"
	ClockTakeBack           = "take_back"
	ClockCloseAfterHandover = "close_after_handover"
	ClockTransitReply       = "transit_reply"
)

// Recompute recomputes every running clock on new holiday data and returns a
// note per due date that moved (empty when nothing changed).
func (c *Case) Recompute(cals *deadline.Calendars) ([]Note, error) {
	return c.RecomputeOn(nil, cals)
}

// RecomputeOn is Recompute that first takes each running clock's rule from
// profile p (the case's profile version, as corrected by an administrator),
// where p has the clock's kind for the case's requesting state; p nil keeps
// the rules the clocks started with.
func (c *Case) RecomputeOn(p *deadline.Profile, cals *deadline.Calendars) ([]Note, error) {
	var changes []Note
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if d.Status != DeadlineRunning {
			continue
		}
		if p != nil {
			if s, err := p.Setting(d.Kind, c.RequestingState); err == nil {
				d.Rule, d.Binding = s.Rule, s.Binding
			}
		}
		before := d.DueOn
		if err := d.compute(cals); err != nil {
			return nil, err
		}
		if n, moved := dueMoved(d.Kind, before, d.DueOn); moved {
			if t := c.Task(d.TaskID); d.TaskID != "" && t != nil {
				t.DueOn = d.DueOn
			}
			changes = append(changes, n)
		}
	}
	c.noteDeadlineWarnings()
	return changes, nil
}

// dueMoved returns the note of a clock of kind whose due date went from
// before to after on new holiday data (nil: not computable), and whether it
// moved at all.
func dueMoved(kind string, before, after *civil.Date) (Note, bool) {
	switch {
	case before == nil && after == nil, before != nil && after != nil && *before == *after:
		return Note{}, false
	case before == nil:
		return NewNote("note.due_now_computable", "clock", kind, "date", *after), true
	case after == nil:
		return NewNote("note.due_not_computable", "clock", kind, "from_date", *before), true
	}
	return NewNote("note.due_moved", "clock", kind, "from_date", *before, "date", *after), true
}

// noteDeadlineWarnings keeps the beyond-data and provisional warnings in step with the running clocks.
func (c *Case) noteDeadlineWarnings() {
	var beyond, prov bool
	for _, d := range c.Deadlines {
		if d.Status == DeadlineRunning {
			beyond = beyond || d.BeyondData
			prov = prov || d.Provisional
		}
	}
	c.setWarning(WarnBeyondData, beyond)
	c.setWarning(WarnProvisional, prov)
}

func (c *Case) setWarning(w string, on bool) {
	if on {
		c.warn(w)
		return
	}
	out := c.Warnings[:0]
	for _, x := range c.Warnings {
		if x != w {
			out = append(out, x)
		}
	}
	c.Warnings = out
}
