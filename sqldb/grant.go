package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/ercms/ercms"
)

// Separation of duties (issue 13): an administrator's grant of a role that
// reads case data (or of the administrator role) leaves the account pending
// until a second person confirms it. In a central or requesting authority
// that has an active supervisor, a supervisor of that organisation
// confirms; elsewhere (agencies, consular missions, border posts,
// ministries, oversight, or an authority whose first supervisor this is) a
// second administrator does. Nobody confirms a grant they asked for. The
// system actor (command line, demo seed) bootstraps accounts active at once.

// Grant is a role granted by an administrator that waits for a second
// person's confirmation.
type Grant struct {
	ID          string     `json:"id"`
	UserID      string     `json:"user_id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Role        ercms.Role `json:"role"`
	OrgID       string     `json:"organisation_id"`
	// RequestedBy is the username of the administrator who asked for the grant.
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`

	requesterID string
	orgKind     ercms.OrgKind
	supervised  bool // the organisation has an active supervisor
}

// grantStatus is the status of an account a creates with role r: pending
// when a second person must confirm the role, else active.
func grantStatus(a ercms.Actor, r ercms.Role) ercms.AccountStatus {
	if a.Role == ercms.RoleSystem || !ercms.GrantNeedsConfirmation(r) {
		return ercms.AccountActive
	}
	return ercms.AccountPending
}

// requestGrant records the grant of a pending account's role, and audits it.
func (tx *Tx) requestGrant(ctx context.Context, a ercms.Actor, u *ercms.User) error {
	if u.Status != ercms.AccountPending {
		return nil
	}
	id := newID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO role_grants (id, user_id, role, org_id, requested_by, requested_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		id, u.ID, u.Role, u.OrgID, a.UserID, formatTime(tx.now)); err != nil {
		return err
	}
	return tx.audit(ctx, auditEvent{actor: a, action: "user.grant.request", objectType: "user", objectID: u.ID,
		details: map[string]any{"grant": id, "role": string(u.Role), "organisation_id": u.OrgID}})
}

// supervisorRoles are the roles that confirm grants in their organisation.
const supervisorRoles = `'` + string(ercms.RoleCASupervisor) + `','` + string(ercms.RoleRequestingSupervisor) + `'`

const grantSelect = `SELECT g.id, g.user_id, u.username, u.display_name, g.role, g.org_id, r.username, g.requested_by, g.requested_at, o.kind,
	EXISTS (SELECT 1 FROM users s WHERE s.org_id = g.org_id AND s.role IN (` + supervisorRoles + `)
		AND s.status = 'active' AND NOT s.disabled AND NOT s.service)
	FROM role_grants g JOIN users u ON u.id = g.user_id JOIN users r ON r.id = g.requested_by JOIN organisations o ON o.id = g.org_id
	WHERE g.outcome = 'pending'`

func scanGrant(row interface{ Scan(...any) error }) (Grant, error) {
	var g Grant
	var at string
	err := row.Scan(&g.ID, &g.UserID, &g.Username, &g.DisplayName, &g.Role, &g.OrgID, &g.RequestedBy, &g.requesterID, &at, &g.orgKind, &g.supervised)
	if err == nil {
		g.RequestedAt, err = parseTime(at)
	}
	return g, err
}

// supervisorConfirms reports whether a supervisor of the grant's
// organisation confirms it, rather than a second administrator.
func (g Grant) supervisorConfirms() bool {
	return ercms.ReadsCaseData(g.Role) && ercms.SupervisorOf(g.orgKind) != "" && g.supervised
}

// mayDecide checks that a may confirm or refuse g. A supervisor of another
// organisation, and any role that never confirms, gets not-found, as for
// any record out of their scope.
func (g Grant) mayDecide(a ercms.Actor) error {
	if g.supervisorConfirms() {
		if a.Role == ercms.SupervisorOf(g.orgKind) && a.Org.ID == g.OrgID {
			return nil
		}
		if a.Role == ercms.RoleAdmin {
			return ercms.Fail(ercms.EForbidden, "err.grant.supervisor_confirms")
		}
		return ercms.Fail(ercms.ENotFound, "err.grant.not_found")
	}
	if a.Role != ercms.RoleAdmin {
		return ercms.Fail(ercms.ENotFound, "err.grant.not_found")
	}
	if a.UserID == g.requesterID {
		return ercms.Fail(ercms.EForbidden, "err.grant.own")
	}
	return nil
}

// PendingGrants lists the grants a may confirm or refuse, oldest first.
func (s *DB) PendingGrants(ctx context.Context, a ercms.Actor) ([]Grant, error) {
	rows, err := s.rdb.QueryContext(ctx, grantSelect+` ORDER BY g.requested_at, g.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Grant{}
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, err
		}
		if g.mayDecide(a) == nil && g.UserID != a.UserID {
			out = append(out, g)
		}
	}
	return out, rows.Err()
}

// pendingGrant loads the pending grant of an account and checks that a may decide it.
func (tx *Tx) pendingGrant(ctx context.Context, a ercms.Actor, userID string) (Grant, error) {
	g, err := scanGrant(tx.QueryRowContext(ctx, grantSelect+` AND g.user_id = $1`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return g, ercms.Fail(ercms.ENotFound, "err.grant.not_found")
	}
	if err != nil {
		return g, err
	}
	if g.UserID == a.UserID {
		return g, ercms.Fail(ercms.EForbidden, "err.grant.own")
	}
	return g, g.mayDecide(a)
}

// decideGrant closes a pending grant with its outcome; a concurrent
// decision makes it a conflict.
func (tx *Tx) decideGrant(ctx context.Context, a ercms.Actor, g Grant, outcome, reason string) error {
	res, err := tx.ExecContext(ctx, `UPDATE role_grants SET outcome = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5 AND outcome = 'pending'`,
		outcome, a.UserID, formatTime(tx.now), reason, g.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ercms.Fail(ercms.EConflict, "err.grant.decided")
	}
	return nil
}

// ConfirmGrant confirms the pending role of an account: it may sign in from now on.
func (s *DB) ConfirmGrant(ctx context.Context, a ercms.Actor, userID string) error {
	return s.tx(ctx, func(tx *Tx) error {
		g, err := tx.pendingGrant(ctx, a, userID)
		if err != nil {
			return err
		}
		if err := tx.decideGrant(ctx, a, g, "confirmed", ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET status = 'active' WHERE id = $1`, userID); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "user.grant.confirm", objectType: "user", objectID: userID,
			details: map[string]any{"grant": g.ID, "role": string(g.Role), "organisation_id": g.OrgID}})
	})
}

// RefuseGrant refuses the pending role of an account, with a reason: the
// account is disabled and never signs in.
func (s *DB) RefuseGrant(ctx context.Context, a ercms.Actor, userID, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.tx(ctx, func(tx *Tx) error {
		g, err := tx.pendingGrant(ctx, a, userID)
		if err != nil {
			return err
		}
		if reason == "" {
			e := ercms.FieldError("reason", "field.grant.reason.required")
			e.Message = "err.grant.reason_required"
			return e
		}
		if err := tx.decideGrant(ctx, a, g, "refused", reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET status = 'refused', disabled = TRUE WHERE id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, formatTime(tx.now), userID); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "user.grant.refuse", objectType: "user", objectID: userID,
			details: map[string]any{"grant": g.ID, "role": string(g.Role), "organisation_id": g.OrgID}})
	})
}
