package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/ercms/ercms"
)

// SessionInfo is one open sign-in session or API token of a user as its
// owner sees it: an opaque id and its times, never the token or its hash.
type SessionInfo struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // "session" or "api"
	// Name is an API token's name ("" for a sign-in session).
	Name       string     `json:"name,omitempty"`
	Scope      TokenScope `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt time.Time  `json:"last_seen_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	// Current marks the session the request came with.
	Current bool `json:"current"`
}

// Sessions lists the actor's own open sessions and API tokens, the newest
// first; the one the actor came with is marked Current.
func (s *DB) Sessions(ctx context.Context, a ercms.Actor) ([]SessionInfo, error) {
	now := s.Now()
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, kind, name, scope, created_at, COALESCE(last_seen_at, created_at), expires_at FROM sessions
		WHERE user_id = $1 AND factor = '' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at DESC, id DESC`,
		a.UserID, formatTime(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SessionInfo{}
	for rows.Next() {
		var si SessionInfo
		var created, seen string
		var expires sql.NullString
		if err := rows.Scan(&si.ID, &si.Kind, &si.Name, &si.Scope, &created, &seen, &expires); err != nil {
			return nil, err
		}
		if si.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if si.LastSeenAt, err = parseTime(seen); err != nil {
			return nil, err
		}
		if si.ExpiresAt, err = parseNullTime(expires); err != nil {
			return nil, err
		}
		if si.Kind == "session" && s.SessionIdle > 0 && !now.Before(si.LastSeenAt.Add(s.SessionIdle)) {
			continue // ended for want of use
		}
		si.Current = si.ID == a.SessionID
		out = append(out, si)
	}
	return out, rows.Err()
}

// EndSession ends one of the actor's own sessions or API tokens by its id;
// the id of another user's session is not found and changes nothing.
func (s *DB) EndSession(ctx context.Context, a ercms.Actor, id string) error {
	return s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`,
			formatTime(tx.now), id, a.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ercms.Fail(ercms.ENotFound, "err.session.not_found")
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "session.end", objectType: "session", objectID: id})
	})
}

// EndOtherSessions ends every sign-in session of the actor but the one it
// came with, each audited, and returns how many ended.
func (s *DB) EndOtherSessions(ctx context.Context, a ercms.Actor) (int, error) {
	var ended int
	err := s.tx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM sessions WHERE user_id = $1 AND kind = 'session' AND id <> $2 AND revoked_at IS NULL
			AND (expires_at IS NULL OR expires_at > $3) ORDER BY id`, a.UserID, a.SessionID, formatTime(tx.now))
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE id = $2`, formatTime(tx.now), id); err != nil {
				return err
			}
			if err := tx.audit(ctx, auditEvent{actor: a, action: "session.end", objectType: "session", objectID: id}); err != nil {
				return err
			}
		}
		ended = len(ids)
		return nil
	})
	return ended, err
}
