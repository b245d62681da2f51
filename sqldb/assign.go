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
