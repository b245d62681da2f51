package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ercms/ercms"
)

// Assign gives a case to a central-authority officer through the door
// (ercms.Assign says who may). The version must be the one the caller saw.
// Errors: those of ercms.Assign, EPreconditionRequired, EPreconditionFailed.
func (s *DB) Assign(ctx context.Context, a ercms.Actor, id string, version int, userID string) (*ercms.Case, error) {
	if err := requireVersion(a, version); err != nil {
		return nil, err
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		to, err := tx.user(ctx, userID)
		if err != nil {
			return err
		}
		c, err = tx.changeCase(ctx, a, id, version, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
			return ercms.Assign(env, c, a, to)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// user reads the account id for a rule on it; the zero User when there is
// no such account.
func (tx *Tx) user(ctx context.Context, id string) (ercms.User, error) {
	u := ercms.User{ID: id}
	var role string
	err := tx.QueryRowContext(ctx, `SELECT role, org_id, disabled FROM users WHERE id = $1`, id).Scan(&role, &u.OrgID, &u.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return ercms.User{}, nil
	}
	u.Role = ercms.Role(role)
	return u, err
}

// CoverAbsence moves every open case assigned to the officer fromUser to
// the officer toUser in one transaction (a supervisor's step when an
// officer is away), each case through the door with its timeline entry and
// audit event (ercms.CoverAbsence). A case changed meanwhile by someone else
// is still moved: the assignment is the supervisor's to make. Tasks are
// addressed to organisations, not officers, so they need no moving. It
// returns the references of the cases moved.
// Errors: EForbidden, EInvalid (fields from_user_id, to_user_id).
func (s *DB) CoverAbsence(ctx context.Context, a ercms.Actor, fromUser, toUser string) ([]string, error) {
	if a.Role != ercms.RoleCASupervisor {
		return nil, ercms.Fail(ercms.EForbidden, "err.cover.supervisor_only")
	}
	var moved []string
	err := s.tx(ctx, func(tx *Tx) error {
		from, err := tx.user(ctx, fromUser)
		if err != nil {
			return err
		}
		to, err := tx.user(ctx, toUser)
		if err != nil {
			return err
		}
		if err := ercms.CheckAbsenceCover(a, from, to); err != nil {
			return err
		}
		args := []any{fromUser}
		ids, err := tx.column(ctx, `SELECT c.id FROM cases c WHERE c.assigned_to = $1 AND `+scope(a, tx.s.actorToday(), &args)+` ORDER BY c.id`, args...)
		if err != nil {
			return err
		}
		for _, id := range ids {
			c, ch, err := tx.change(ctx, a, id, 0, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
				return ercms.CoverAbsence(env, c, a, from, to)
			})
			if err != nil {
				return err
			}
			if !ch.Unchanged {
				moved = append(moved, c.Reference)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return moved, nil
}
