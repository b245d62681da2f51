package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ercms/ercms"
)

// Assign gives a case to a central-authority officer. Officers take
// unassigned cases when they register them; supervisors reassign any case of
// their authority (LIFECYCLE.md roles). The version must be the one the
// caller saw.
func (s *DB) Assign(ctx context.Context, a ercms.Actor, id string, version int, userID string) (*ercms.Case, error) {
	if err := requireVersion(a, version); err != nil {
		return nil, err
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.loadForChange(ctx, a, id, version); err != nil {
			return err
		}
		switch {
		case a.Role == ercms.RoleCASupervisor:
		case a.Role == ercms.RoleCAOfficer && c.AssignedTo == "" && userID == a.UserID:
		default:
			return ercms.Errorf(ercms.EForbidden, "Only a central-authority supervisor reassigns cases.")
		}
		if ercms.Terminal(c.Status) {
			return ercms.Errorf(ercms.EConflict, "The case is %s: it needs no officer.", c.Status)
		}
		var role, orgID string
		var disabled bool
		err = tx.QueryRowContext(ctx, `SELECT role, org_id, disabled FROM users WHERE id = $1`, userID).Scan(&role, &orgID, &disabled)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (orgID != a.Org.ID || disabled ||
			(ercms.Role(role) != ercms.RoleCAOfficer && ercms.Role(role) != ercms.RoleCASupervisor))) {
			return &ercms.Error{Code: ercms.EInvalid, Message: "The request has errors; correct the fields listed.",
				Fields: map[string]string{"user_id": "Choose an active officer of your authority."}}
		}
		if err != nil {
			return err
		}
		if c.AssignedTo == userID {
			return nil
		}
		old := c.Version
		c.AssignedTo = userID
		c.Version++
		c.UpdatedAt = tx.now
		c.Timeline = []ercms.Event{{At: tx.now, Action: "assign", From: string(c.Status), To: string(c.Status), ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID, Note: "assigned to officer " + userID}}
		if err := tx.saveCase(ctx, c, false, old, 0); err != nil {
			return err
		}
		if c.Timeline, err = tx.timeline(ctx, id); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "case.assign", objectType: "case", objectID: id, records: []string{"case:" + id, "user:" + userID},
			partyState: c.RequestingState, details: map[string]any{"version": c.Version}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CoverAbsence moves every open case assigned to the officer fromUser to
// the officer toUser in one transaction (a supervisor's step when an
// officer is away). Both must be active officers of the supervisor's
// central authority. Each case gets a timeline entry and an audit event; a
// case changed meanwhile by someone else is still moved (the assignment is
// the supervisor's to make) but keeps its version check through saveCase.
// Tasks are addressed to organisations, not officers, so they need no
// moving. It returns the references of the cases moved.
// Errors: EForbidden, EInvalid (fields from_user_id, to_user_id).
func (s *DB) CoverAbsence(ctx context.Context, a ercms.Actor, fromUser, toUser string) ([]string, error) {
	if a.Role != ercms.RoleCASupervisor {
		return nil, ercms.Errorf(ercms.EForbidden, "Only a central-authority supervisor moves an officer's cases.")
	}
	var moved []string
	err := s.tx(ctx, func(tx *Tx) error {
		var v ercms.Validation
		for field, id := range map[string]string{"from_user_id": fromUser, "to_user_id": toUser} {
			var role, orgID string
			var disabled bool
			err := tx.QueryRowContext(ctx, `SELECT role, org_id, disabled FROM users WHERE id = $1`, id).Scan(&role, &orgID, &disabled)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (orgID != a.Org.ID ||
				(ercms.Role(role) != ercms.RoleCAOfficer && ercms.Role(role) != ercms.RoleCASupervisor))) {
				v.Add(field, "Choose an officer of your authority.")
				continue
			}
			if err != nil {
				return err
			}
			if disabled && field == "to_user_id" {
				v.Add(field, "Choose an active officer.")
			}
		}
		if fromUser == toUser && fromUser != "" {
			v.Add("to_user_id", "Choose another officer than the one away.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		args := []any{fromUser}
		ids, err := tx.column(ctx, `SELECT c.id FROM cases c WHERE c.assigned_to = $1 AND `+scope(a, tx.s.actorToday(), &args)+` ORDER BY c.id`, args...)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, err := tx.loadCase(ctx, a, id, true)
			if err != nil {
				return err
			}
			if ercms.Terminal(c.Status) {
				continue
			}
			old := c.Version
			c.AssignedTo = toUser
			c.Version++
			c.UpdatedAt = tx.now
			c.Timeline = []ercms.Event{{At: tx.now, Action: "assign", From: string(c.Status), To: string(c.Status), ActorID: a.UserID,
				Actor: a.Username, OrgID: a.Org.ID, Note: "absence cover: moved from officer " + fromUser + " to officer " + toUser}}
			if err := tx.saveCase(ctx, c, false, old, 0); err != nil {
				return err
			}
			if err := tx.audit(ctx, auditEvent{actor: a, action: "case.assign", objectType: "case", objectID: id,
				records: []string{"case:" + id, "user:" + fromUser, "user:" + toUser}, purpose: "absence cover",
				partyState: c.RequestingState, details: map[string]any{"version": c.Version}}); err != nil {
				return err
			}
			moved = append(moved, c.Reference)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return moved, nil
}
