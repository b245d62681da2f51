package ercms

import (
	"github.com/ercms/ercms/civil"
)

// ActReceiveByEmail names the step by which the central authority enters an
// application that a member state not yet on the system sent by e-mail.
// It stands in for create and submit, so it is not a row of the lifecycle
// table: the case then follows the table from submitted.
const ActReceiveByEmail = "receive_by_email"

// MaxEmailAge is how far back a date of receipt may lie (in days) when an
// application received by e-mail is entered late.
const MaxEmailAge = 366

// ReceiveByEmail takes draft case c, entered by central-authority officer a
// from an application received by e-mail, to submitted, with the true date
// of receipt receivedOn: the reply clock counts from that date, not from
// the day it was typed in. The application must be as complete as a
// submission in the system. Errors: EForbidden (not the central authority
// of the requested state), EConflict (not a draft), EInvalid (received_on
// and the application's fields).
func ReceiveByEmail(env Env, c *Case, a Actor, receivedOn civil.Date) (Note, error) {
	if !a.IsCA() || a.Org.State != c.RequestedState {
		return Note{}, Fail(EForbidden, "err.email.central_only")
	}
	if c.Status != StateDraft {
		return Note{}, Fail(EConflict, "err.case_already", "state", string(c.Status))
	}
	var v Validation
	switch {
	case receivedOn.IsZero():
		v.Add("received_on", "field.received_on.required")
	case receivedOn.After(env.Today):
		v.Add("received_on", "field.received_on.future")
	case receivedOn.Before(env.Today.AddDays(-MaxEmailAge)):
		v.Add("received_on", "field.received_on.too_old")
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	if err := ValidateApplicationWith(c.Type, c.Procedure, c.Category, &c.Application, true, receivedOn, env.Evidence); err != nil {
		return Note{}, err
	}
	note, err := c.submitOn(env, receivedOn)
	if err != nil {
		return Note{}, err
	}
	c.Status = StateSubmitted
	c.Timeline = append(c.Timeline, Event{At: env.Now, Action: ActReceiveByEmail, From: string(StateDraft), To: string(StateSubmitted),
		ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID})
	c.Timeline[len(c.Timeline)-1].SetNote(NewNote("note.received_by_email", "reason", note.Key).With(note))
	return note, nil
}

// ExportApplication returns the application of c in the form of a new
// case: the JSON a member state's system or an e-mail sender fills in, and
// the central authority imports (ReceiveByEmail).
func ExportApplication(c *Case) NewCase {
	n := NewCase{Type: c.Type, RequestingReference: c.RequestingReference, Procedure: c.Procedure, Category: c.Category,
		NoApplication: c.NoApplication, Application: c.Application}
	if c.PreviousCaseID != nil {
		n.PreviousCaseID = *c.PreviousCaseID
	}
	if t := c.Application.Transit; t != nil && t.ExecutedOn != nil {
		cp := *t
		cp.ExecutedOn = nil // the border post's record, not the application
		n.Application.Transit = &cp
	}
	for _, f := range c.Flags {
		if f.ClearedAt == nil {
			n.Flags = append(n.Flags, f.Code)
		}
	}
	return n
}
