package sqldb

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/mail"
	"net/netip"
	"strings"

	"github.com/ercms/ercms"
)

// adminRoles may read the accounts of the deployment.
var adminRoles = []ercms.Role{ercms.RoleAdmin, ercms.RoleAuditor, ercms.RoleDPO, ercms.RoleSystem}

// Users lists every account with its organisation id, for administrators
// (and auditors, who check who holds which role).
func (s *DB) Users(ctx context.Context, a ercms.Actor) ([]ercms.User, error) {
	if !contains(adminRoles, a.Role) {
		return nil, ercms.Fail(ercms.EForbidden, "err.user.list_forbidden")
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ercms.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Colleagues lists the active accounts of a's own organisation (no
// service accounts), for choosing an officer: assignment, absence cover.
func (s *DB) Colleagues(ctx context.Context, a ercms.Actor) ([]ercms.User, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.org_id = $1 AND NOT u.disabled AND u.status = 'active' AND NOT u.service ORDER BY u.username`, a.Org.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ercms.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetLanguage remembers the user's language of the web application.
func (s *DB) SetLanguage(ctx context.Context, a ercms.Actor, lang string) error {
	return s.tx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET language = $1 WHERE id = $2`, lang, a.UserID)
		return err
	})
}

// SetEmail sets where a user's notifications are e-mailed ("" for none):
// users set their own, administrators anyone's. The address is not
// personal data of a case; changing it is audited. Errors: EForbidden,
// EInvalid (field email), ENotFound.
func (s *DB) SetEmail(ctx context.Context, a ercms.Actor, userID, email string) error {
	if a.UserID != userID && a.Role != ercms.RoleAdmin {
		return ercms.Fail(ercms.EForbidden, "err.user.email_forbidden")
	}
	email = strings.TrimSpace(email)
	if email != "" {
		if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > 254 {
			return ercms.FieldError("email", "field.email.invalid")
		}
	}
	return s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET email = $1 WHERE id = $2`, email, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ercms.Fail(ercms.ENotFound, "err.user.not_found")
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "user.email", objectType: "user", objectID: userID, records: []string{"user:" + userID}})
	})
}

// RandomPassword returns a new password of 20 random base32 characters
// (100 bits): the demo's shared password. Administrators never hand out
// passwords: a reset or a new account gets a setup code (IssueSetupCode).
func RandomPassword() string {
	b := make([]byte, 13)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
}

// ChangePassword sets a user's own password after checking the current
// one, typed at the address from, under the same throttle as a sign-in
// (EThrottled when checked too often in vain). Every session of the user
// ends, as with SetPassword.
func (s *DB) ChangePassword(ctx context.Context, a ercms.Actor, current, next string, from netip.Addr) error {
	var hash string
	if err := s.rdb.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, a.UserID).Scan(&hash); err != nil {
		return err
	}
	at := &attempt{username: a.Username, userID: a.UserID, from: place(from)}
	match, err := s.checkAttempt(ctx, at, hash, current)
	if err != nil {
		return err
	}
	var v ercms.Validation
	if match {
		if err := s.tx(ctx, func(tx *Tx) error { return tx.succeeded(ctx, at) }); err != nil {
			return err
		}
	} else {
		v.Add("current", "field.password.current_wrong")
	}
	if next == current {
		v.Add("new", "field.password.same_as_current")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.SetPassword(ctx, a, a.UserID, next)
}
