package sqldb

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/ercms/ercms"
)

// SetupCodeTTL is how long a one-time setup code works after it is issued:
// long enough for an administrator to reach the user by phone or in
// person, short enough that a code written down and forgotten dies.
const SetupCodeTTL = 24 * time.Hour

// SetupCode is a one-time code with which a user chooses their own
// password (an administrator's reset, or a new account). Only its hash is
// stored: the code is shown once, to be handed over by a second channel.
type SetupCode struct {
	// Code is 20 base32 characters (100 bits) in four groups of five.
	Code string `json:"setup_code"`
	// ExpiresAt is when the code stops working (SetupCodeTTL after issue).
	ExpiresAt time.Time `json:"setup_code_expires_at"`
}

// newSetupCode returns a random code, grouped for reading aloud.
func newSetupCode() string {
	b := make([]byte, 13)
	_ = fillRandom(b)
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:20]
	return s[0:5] + "-" + s[5:10] + "-" + s[10:15] + "-" + s[15:20]
}

// normalSetupCode is a code as typed, without case, spaces or dashes.
func normalSetupCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

// IssueSetupCode resets a user's password: the old password stops
// working, every sign-in session of the user ends, and a new one-time
// setup code (valid SetupCodeTTL, replacing any earlier one) is returned
// for the user to choose a password with (UseSetupCode). Administrators
// only; audited as user.reset. The administrator never sees a password.
func (s *DB) IssueSetupCode(ctx context.Context, a ercms.Actor, userID string) (*SetupCode, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.user.admin_only")
	}
	var sc *SetupCode
	err := s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = '' WHERE id = $1 AND service = FALSE`, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ercms.Fail(ercms.ENotFound, "err.user.not_found")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND kind = 'session' AND revoked_at IS NULL`, formatTime(tx.now), userID); err != nil {
			return err
		}
		if err := tx.audit(ctx, auditEvent{actor: a, action: "user.reset", objectType: "user", objectID: userID}); err != nil {
			return err
		}
		sc, err = tx.issueSetupCode(ctx, a, userID)
		return err
	})
	return sc, err
}

// issueSetupCode stores a new setup code of the user, replacing any
// earlier one, and audits it (user.setup_code).
func (tx *Tx) issueSetupCode(ctx context.Context, a ercms.Actor, userID string) (*SetupCode, error) {
	code := newSetupCode()
	exp := tx.now.Add(SetupCodeTTL)
	_, err := tx.ExecContext(ctx, `INSERT INTO setup_codes (user_id, code_hash, created_at, expires_at, used_at) VALUES ($1,$2,$3,$4,NULL)
		ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL`,
		userID, hashToken(normalSetupCode(code)), formatTime(tx.now), formatTime(exp))
	if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, auditEvent{actor: a, action: "user.setup_code", objectType: "user", objectID: userID}); err != nil {
		return nil, err
	}
	return &SetupCode{Code: code, ExpiresAt: exp}, nil
}

// UseSetupCode sets the password a user chose with the one-time setup code
// an administrator handed over, typed at the address from. The code is
// checked under the sign-in throttle (EThrottled when tried too often in
// vain); a wrong code or unknown username gives EUnauthorized
// (err.setup.wrong), a spent one err.setup.used, an expired one
// err.setup.expired. The password must pass the password rule (EInvalid,
// field password; the code stays unspent). On success the code is spent,
// every session of the user ends, and the event is audited (user.setup).
func (s *DB) UseSetupCode(ctx context.Context, username, code, password string, from netip.Addr) error {
	username = strings.TrimSpace(username)
	var id, hash, expires string
	var used sql.NullString
	err := s.rdb.QueryRowContext(ctx, `SELECT u.id, c.code_hash, c.expires_at, c.used_at FROM users u JOIN setup_codes c ON c.user_id = u.id
		WHERE u.username = $1 AND NOT u.service`, username).Scan(&id, &hash, &expires, &used)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	at := &attempt{username: username, userID: id, from: place(from)}
	if err := s.admit(ctx, at); err != nil {
		return err
	}
	want := hashToken(normalSetupCode(code))
	if id == "" || subtle.ConstantTimeCompare([]byte(hash), []byte(want)) != 1 {
		err := s.tx(ctx, func(tx *Tx) error {
			return tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: id}, action: "user.setup.failed", objectType: "user", objectID: id})
		})
		if err != nil {
			return err
		}
		return ercms.Fail(ercms.EUnauthorized, "err.setup.wrong")
	}
	// The code is right: whoever typed it is not guessing.
	if err := s.tx(ctx, func(tx *Tx) error { return tx.succeeded(ctx, at) }); err != nil {
		return err
	}
	if used.Valid {
		return ercms.Fail(ercms.EConflict, "err.setup.used")
	}
	exp, err := parseTime(expires)
	if err != nil {
		return err
	}
	if !s.Now().Before(exp) {
		return ercms.Fail(ercms.EConflict, "err.setup.expired")
	}
	pw, err := s.newPasswordHash(ctx, id, password)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *Tx) error {
		// Spend the code only if it is still the one checked, unspent and
		// unexpired: two uses at once cannot both pass.
		res, err := tx.ExecContext(ctx, `UPDATE setup_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $1`,
			formatTime(tx.now), id, want)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ercms.Fail(ercms.EConflict, "err.setup.used")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, pw, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND kind = 'session' AND revoked_at IS NULL`, formatTime(tx.now), id); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: id, Username: username}, action: "user.setup", objectType: "user", objectID: id})
	})
}
