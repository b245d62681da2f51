package sqldb

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// ArgonParams is the argon2id cost.
type ArgonParams struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultArgon follows the RFC 9106 second recommended option (64 MiB, 3 passes).
var DefaultArgon = ArgonParams{Time: 3, Memory: 64 * 1024, Threads: 2}

// hashPassword returns an encoded argon2id hash with its parameters and salt.
func (p ArgonParams) hash(password string) string {
	salt := make([]byte, 16)
	_ = fillRandom(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// checkPassword compares password with an encoded hash in constant time.
func checkPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var th uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, th, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// MinPasswordLength is the shortest password accepted, in characters
// (see vetPassword for the whole rule).
const MinPasswordLength = 12

// CreateOrganisation adds an organisation (administrators, and the demo seed with the system actor).
func (s *DB) CreateOrganisation(ctx context.Context, a ercms.Actor, o *ercms.Organisation) error {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return ercms.Fail(ercms.EForbidden, "err.organisation.admin_only")
	}
	var v ercms.Validation
	names, unknown := cleanNames(o.Names)
	if len(unknown) > 0 {
		v.Add("names", "field.organisation.names.language", "languages", strings.Join(unknown, ", "))
	}
	o.Names = names
	if strings.TrimSpace(o.Name) == "" {
		o.Name = names.In(i18n.EN)
	}
	o.Name = strings.TrimSpace(o.Name)
	v.Require("name", o.Name, "field.organisation.name.required")
	if len(o.State) != 2 || strings.ToUpper(o.State) != o.State {
		v.Add("state", "field.organisation.state.format")
	}
	if !contains(ercms.OrgKinds, o.Kind) {
		v.Add("kind", "field.organisation.kind.choose")
	}
	if o.Kind == ercms.OrgBorderPoint && o.CrossingPoint == "" {
		v.Add("crossing_point", "field.organisation.crossing_point.required")
	}
	if o.Kind == ercms.OrgConsularMission && len(o.Accredited) == 0 {
		v.Add("accredited", "field.organisation.accredited.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = newID()
	}
	return s.tx(ctx, func(tx *Tx) error {
		names, err := json.Marshal(o.Names)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, names, state, parent_id, agency_type, accredited, crossing_point, disabled, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
			o.ID, o.Kind, o.Name, string(names), o.State, nullString(o.ParentID), o.AgencyType, strings.Join(o.Accredited, ","), o.CrossingPoint, o.Disabled, formatTime(tx.now))
		if isUniqueViolation(err) {
			return &ercms.Error{Code: ercms.EInvalid, Message: "err.organisation.exists", Fields: map[string]string{"name": "field.organisation.name.taken"}}
		}
		if err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "organisation.create", objectType: "organisation", objectID: o.ID})
	})
}

// cleanNames trims an organisation's names per language and drops the empty
// ones; it returns the languages that are not languages of the interface.
func cleanNames(in i18n.Texts) (i18n.Texts, []string) {
	unknown := in.Unknown()
	out := i18n.Texts{}
	for _, l := range i18n.Languages {
		if s := strings.TrimSpace(in[l]); s != "" {
			out[l] = s
		}
	}
	if len(out) == 0 {
		return nil, unknown
	}
	return out, unknown
}

const orgColumns = `id, kind, name, names, state, COALESCE(parent_id, ''), agency_type, accredited, crossing_point, disabled`

// orgFields returns where to scan the columns of orgColumns (or
// orgColumnsPrefixed) for o, and the function that completes o once they
// are scanned.
func orgFields(o *ercms.Organisation) ([]any, func() error) {
	var names, accredited string
	dest := []any{&o.ID, &o.Kind, &o.Name, &names, &o.State, &o.ParentID, &o.AgencyType, &accredited, &o.CrossingPoint, &o.Disabled}
	return dest, func() error {
		if accredited != "" {
			o.Accredited = strings.Split(accredited, ",")
		}
		if names == "" || names == "{}" {
			return nil
		}
		return json.Unmarshal([]byte(names), &o.Names)
	}
}

func scanOrg(row interface{ Scan(...any) error }) (ercms.Organisation, error) {
	var o ercms.Organisation
	dest, done := orgFields(&o)
	if err := row.Scan(dest...); err != nil {
		return o, err
	}
	return o, done()
}

// Organisations lists every organisation (reference data, no personal data).
func (s *DB) Organisations(ctx context.Context) ([]ercms.Organisation, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations ORDER BY state, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ercms.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (tx *Tx) organisation(ctx context.Context, id string) (ercms.Organisation, bool, error) {
	o, err := scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, nil
	}
	return o, err == nil, err
}

// NewUser is what an administrator sends to create an account.
type NewUser struct {
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	OrgID       string     `json:"organisation_id"`
	Role        ercms.Role `json:"role"`
	Password    string     `json:"password,omitempty"`
	Service     bool       `json:"service,omitempty"`
}

// CreateUser adds a user account. Service accounts have no password and sign
// in with API tokens only.
func (s *DB) CreateUser(ctx context.Context, a ercms.Actor, n NewUser) (*ercms.User, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.user.admin_only")
	}
	var v ercms.Validation
	n.Username = strings.TrimSpace(n.Username)
	if !validUsername(n.Username) {
		v.Add("username", "field.user.username.format")
	}
	v.Require("display_name", n.DisplayName, "field.user.display_name.required")
	if !n.Service {
		if err := s.vetNewUserPassword(ctx, &v, n); err != nil {
			return nil, err
		}
	}
	u := &ercms.User{ID: newID(), Username: n.Username, DisplayName: n.DisplayName, OrgID: n.OrgID, Role: n.Role, Service: n.Service}
	err := s.tx(ctx, func(tx *Tx) error {
		org, ok, err := tx.organisation(ctx, n.OrgID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add("organisation_id", "field.user.organisation_id.choose")
		} else if !ercms.RoleAllowed(org.Kind, n.Role) {
			v.Add("role", "field.user.role.not_for_kind", "org_kind", string(org.Kind), "role", string(n.Role))
		}
		if err := v.Err(); err != nil {
			return err
		}
		hash := ""
		if !n.Service {
			hash = s.Argon.hash(n.Password)
		}
		u.CreatedAt = tx.now
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, org_id, role, service, password_hash, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, u.ID, u.Username, u.DisplayName, u.OrgID, u.Role, u.Service, hash, formatTime(tx.now))
		if isUniqueViolation(err) {
			return &ercms.Error{Code: ercms.EInvalid, Message: "err.user.username_taken", Fields: map[string]string{"username": "field.user.username.taken"}}
		}
		if err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "user.create", objectType: "user", objectID: u.ID})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

const userColumns = `u.id, u.username, u.display_name, u.org_id, u.role, u.service, u.disabled, u.language, u.created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (ercms.User, error) {
	var u ercms.User
	var created string
	err := row.Scan(append([]any{&u.ID, &u.Username, &u.DisplayName, &u.OrgID, &u.Role, &u.Service, &u.Disabled, &u.Language, &created}, extra...)...)
	if err == nil {
		u.CreatedAt, err = parseTime(created)
	}
	return u, err
}

// UserByUsername returns a user (administration and the command line).
func (s *DB) UserByUsername(ctx context.Context, username string) (*ercms.User, error) {
	u, err := scanUser(s.rdb.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ercms.Fail(ercms.ENotFound, "err.user.not_found")
	}
	return &u, err
}

// SetUserDisabled disables or re-enables an account and revokes its sessions when disabled.
func (s *DB) SetUserDisabled(ctx context.Context, a ercms.Actor, userID string, disabled bool) error {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return ercms.Fail(ercms.EForbidden, "err.user.admin_only")
	}
	return s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ercms.Fail(ercms.ENotFound, "err.user.not_found")
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, formatTime(tx.now), userID); err != nil {
				return err
			}
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return tx.audit(ctx, auditEvent{actor: a, action: action, objectType: "user", objectID: userID})
	})
}

// SetPassword sets a user's password (administrators reset; users change their own).
func (s *DB) SetPassword(ctx context.Context, a ercms.Actor, userID, password string) error {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem && a.UserID != userID {
		return ercms.Fail(ercms.EForbidden, "err.password.own_only")
	}
	if err := s.refusePassword(ctx, userID, password); err != nil {
		return err
	}
	hash := s.Argon.hash(password)
	return s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND service = FALSE`, hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ercms.Fail(ercms.ENotFound, "err.user.not_found")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND kind = 'session' AND revoked_at IS NULL`, formatTime(tx.now), userID); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "user.password", objectType: "user", objectID: userID})
	})
}

// SignIn checks a username and password and opens a session. Wrong
// credentials give the same EUnauthorized error whether or not the user exists.
func (s *DB) SignIn(ctx context.Context, username, password string) (*ercms.Session, error) {
	var id, hash string
	var disabled, service bool
	err := s.rdb.QueryRowContext(ctx, `SELECT id, password_hash, disabled, service FROM users WHERE username = $1`, username).Scan(&id, &hash, &disabled, &service)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// Every answer costs one key derivation, so that its time does not tell
	// an unknown username, a disabled account or a service account (which
	// has no password) from a wrong password.
	match := false
	if hash != "" {
		match = checkPassword(hash, password)
	} else {
		_ = s.Argon.hash(password)
	}
	ok := err == nil && !disabled && !service && match
	var sess *ercms.Session
	terr := s.tx(ctx, func(tx *Tx) error {
		if !ok {
			// The event names the account when it exists, never the username typed.
			return tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: id}, action: "login.failed", objectType: "user", objectID: id})
		}
		token := randomToken()
		exp := tx.now.Add(s.SessionTTL)
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, id, user_id, kind, created_at, expires_at) VALUES ($1,$2,$3,'session',$4,$5)`,
			hashToken(token), newID(), id, formatTime(tx.now), formatTime(exp)); err != nil {
			return err
		}
		sess = &ercms.Session{Token: token, UserID: id, ExpiresAt: exp}
		return tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: id, Username: username}, action: "login", objectType: "user", objectID: id})
	})
	if terr != nil {
		return nil, terr
	}
	if !ok {
		return nil, ercms.Fail(ercms.EUnauthorized, "err.login.wrong")
	}
	return sess, nil
}

// SignOut revokes a session token.
func (s *DB) SignOut(ctx context.Context, token string) error {
	return s.tx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL`, formatTime(tx.now), hashToken(token))
		return err
	})
}

// Authenticate resolves a session or API token to its actor.
func (s *DB) Authenticate(ctx context.Context, token string) (ercms.Actor, error) {
	var expires sql.NullString
	a, err := scanActor(s.rdb.QueryRowContext(ctx, `SELECT `+actorColumns+`, s.expires_at FROM users u JOIN organisations o ON o.id = u.org_id
		JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND u.disabled = FALSE AND o.disabled = FALSE`, hashToken(token)), &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ercms.Actor{}, ercms.Fail(ercms.EUnauthorized, "err.session.missing")
	}
	if err != nil {
		return ercms.Actor{}, err
	}
	if expires.Valid {
		exp, err := parseTime(expires.String)
		if err != nil || !s.Now().Before(exp) {
			return ercms.Actor{}, ercms.Fail(ercms.EUnauthorized, "err.session.missing")
		}
	}
	return a, nil
}

// ActorByUsername returns the actor of an active account (the command line
// and the demo seed act as a named user).
func (s *DB) ActorByUsername(ctx context.Context, username string) (ercms.Actor, error) {
	a, err := scanActor(s.rdb.QueryRowContext(ctx, `SELECT `+actorColumns+` FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.username = $1 AND u.disabled = FALSE AND o.disabled = FALSE`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ercms.Fail(ercms.ENotFound, "err.user.no_active", "username", username)
	}
	return a, err
}

// actorColumns are the columns of a user with their organisation (u, o); scanActor reads
// them, then the extra columns a caller appends.
const actorColumns = `u.id, u.username, u.role, u.language, ` + orgColumnsPrefixed

func scanActor(row interface{ Scan(...any) error }, extra ...any) (ercms.Actor, error) {
	var a ercms.Actor
	org, done := orgFields(&a.Org)
	dest := append([]any{&a.UserID, &a.Username, &a.Role, &a.Language}, org...)
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return a, err
	}
	return a, done()
}

const orgColumnsPrefixed = `o.id, o.kind, o.name, o.names, o.state, COALESCE(o.parent_id, ''), o.agency_type, o.accredited, o.crossing_point, o.disabled`

// APIToken describes an API token of a service account (the secret is shown once, at creation).
type APIToken struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	UserID    string     `json:"user_id"`
	Token     string     `json:"token,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// CreateAPIToken issues a token for a service account, bound to its organisation.
func (s *DB) CreateAPIToken(ctx context.Context, a ercms.Actor, userID, name string) (*APIToken, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.token.admin_only_issue")
	}
	if strings.TrimSpace(name) == "" {
		return nil, &ercms.Error{Code: ercms.EInvalid, Message: "err.token.name_required", Fields: map[string]string{"name": "field.token.name.required"}}
	}
	t := &APIToken{ID: newID(), Name: name, UserID: userID, Token: randomToken()}
	err := s.tx(ctx, func(tx *Tx) error {
		var service bool
		err := tx.QueryRowContext(ctx, `SELECT service FROM users WHERE id = $1 AND disabled = FALSE`, userID).Scan(&service)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !service) {
			return &ercms.Error{Code: ercms.EInvalid, Message: "err.token.service_account_only", Fields: map[string]string{"user_id": "field.token.user_id.choose"}}
		}
		if err != nil {
			return err
		}
		t.CreatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, id, user_id, kind, name, created_at) VALUES ($1,$2,$3,'api',$4,$5)`,
			hashToken(t.Token), t.ID, userID, name, formatTime(tx.now)); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "token.create", objectType: "token", objectID: t.ID})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// RevokeAPIToken revokes an API token by its id.
func (s *DB) RevokeAPIToken(ctx context.Context, a ercms.Actor, id string) error {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return ercms.Fail(ercms.EForbidden, "err.token.admin_only_revoke")
	}
	return s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND kind = 'api' AND revoked_at IS NULL`, formatTime(tx.now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ercms.Fail(ercms.ENotFound, "err.token.not_found")
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "token.revoke", objectType: "token", objectID: id})
	})
}
