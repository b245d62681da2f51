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
	"net/netip"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
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

// hash returns an encoded argon2id hash with its parameters and salt.
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
// in with API tokens only. An account created without a password (the
// administrator's way: see CreateUserWithSetupCode) cannot sign in until
// its user chooses one with a setup code.
func (s *DB) CreateUser(ctx context.Context, a ercms.Actor, n NewUser) (*ercms.User, error) {
	u, _, err := s.createUser(ctx, a, n)
	return u, err
}

// CreateUserWithSetupCode adds a user account like CreateUser and, for a
// person's account created without a password, issues in the same
// transaction the one-time setup code with which the user chooses their
// own password (nil for a service account or a password given).
func (s *DB) CreateUserWithSetupCode(ctx context.Context, a ercms.Actor, n NewUser) (*ercms.User, *SetupCode, error) {
	return s.createUser(ctx, a, n)
}

func (s *DB) createUser(ctx context.Context, a ercms.Actor, n NewUser) (*ercms.User, *SetupCode, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, nil, ercms.Fail(ercms.EForbidden, "err.user.admin_only")
	}
	var v ercms.Validation
	n.Username = strings.TrimSpace(n.Username)
	if !validUsername(n.Username) {
		v.Add("username", "field.user.username.format")
	}
	v.Require("display_name", n.DisplayName, "field.user.display_name.required")
	withCode := !n.Service && n.Password == ""
	if !n.Service && !withCode {
		if err := s.vetNewUserPassword(ctx, &v, n); err != nil {
			return nil, nil, err
		}
	}
	u := &ercms.User{ID: newID(), Username: n.Username, DisplayName: n.DisplayName, OrgID: n.OrgID, Role: n.Role, Service: n.Service, Status: grantStatus(a, n.Role)}
	hash := ""
	if !n.Service && !withCode && v.Err() == nil {
		var err error
		if hash, err = s.hashPassword(ctx, n.Password); err != nil {
			return nil, nil, err
		}
	}
	var sc *SetupCode
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
		u.CreatedAt = tx.now
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, org_id, role, service, password_hash, created_at, status)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, u.ID, u.Username, u.DisplayName, u.OrgID, u.Role, u.Service, hash, formatTime(tx.now), u.Status)
		if isUniqueViolation(err) {
			return &ercms.Error{Code: ercms.EInvalid, Message: "err.user.username_taken", Fields: map[string]string{"username": "field.user.username.taken"}}
		}
		if err != nil {
			return err
		}
		if err := tx.audit(ctx, auditEvent{actor: a, action: "user.create", objectType: "user", objectID: u.ID}); err != nil {
			return err
		}
		if withCode {
			if sc, err = tx.issueSetupCode(ctx, a, u.ID); err != nil {
				return err
			}
		}
		return tx.requestGrant(ctx, a, u)
	})
	if err != nil {
		return nil, nil, err
	}
	return u, sc, nil
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

const userColumns = `u.id, u.username, u.display_name, u.org_id, u.role, u.service, u.disabled, u.language, u.created_at, u.status`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (ercms.User, error) {
	var u ercms.User
	var created string
	err := row.Scan(append([]any{&u.ID, &u.Username, &u.DisplayName, &u.OrgID, &u.Role, &u.Service, &u.Disabled, &u.Language, &created, &u.Status}, extra...)...)
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
	hash, err := s.newPasswordHash(ctx, userID, password)
	if err != nil {
		return err
	}
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

// SignIn checks a username and password typed at the address from (the
// zero Addr when unknown) and opens a session. Wrong credentials give the
// same EUnauthorized error whether or not the user exists; attempts made
// too soon after repeated failures for the username or from the address
// (Throttle) get EThrottled, saying how long to wait, without a check.
// When the user has a second factor, or must set one up, the session
// waits for it (Session.SecondFactor; factor.go).
func (s *DB) SignIn(ctx context.Context, username, password string, from netip.Addr) (*ercms.Session, error) {
	return s.SignInOn(ctx, username, password, from, "")
}

// SignInOn is SignIn on a device that may be remembered for the user
// (device: the token of its cookie, "" when none): a remembered device
// skips the second factor, and its failed attempts are counted apart from
// the account's, so that someone guessing elsewhere does not lock it out.
func (s *DB) SignInOn(ctx context.Context, username, password string, from netip.Addr, device string) (*ercms.Session, error) {
	var id, hash string
	var role ercms.Role
	var disabled, service bool
	err := s.rdb.QueryRowContext(ctx, `SELECT id, password_hash, disabled OR status <> 'active', service, role FROM users WHERE username = $1`, username).Scan(&id, &hash, &disabled, &service, &role)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// The throttle and the key derivation treat every attempt alike, so
	// that neither the answer nor its time tells an unknown username, a
	// disabled account or a service account (which has no password) from a
	// wrong password.
	at := &attempt{username: username, userID: id, from: place(from)}
	if owner, err := s.deviceOwner(ctx, device); err != nil {
		return nil, err
	} else if owner != "" && owner == id {
		at.device = hashToken(device)
	}
	match, err := s.checkAttempt(ctx, at, hash, password)
	if err != nil {
		return nil, err
	}
	ok := id != "" && !disabled && !service && match
	var sess *ercms.Session
	terr := s.tx(ctx, func(tx *Tx) error {
		if !ok {
			// The event names the account when it exists, never the username typed.
			return tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: id}, action: "login.failed", objectType: "user", objectID: id})
		}
		stage, err := tx.factorStage(ctx, id, role, at.device != "")
		if err != nil {
			return err
		}
		if err := tx.succeeded(ctx, at); err != nil {
			return err
		}
		if sess, err = tx.openSession(ctx, id, stage); err != nil {
			return err
		}
		action := "login"
		if stage != "" {
			action = "login.factor_due"
		}
		return tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: id, Username: username}, action: action, objectType: "user", objectID: id,
			details: map[string]any{"device_remembered": at.device != ""}})
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

// Authenticate resolves a session or API token to its actor. A sign-in
// session unused for SessionIdle, and any session or token past its end,
// is refused like a missing one.
func (s *DB) Authenticate(ctx context.Context, token string) (ercms.Actor, error) {
	a, _, err := s.AuthenticateSession(ctx, token)
	return a, err
}

// AuthenticateSession is Authenticate that also returns when the session
// ends unless it is used again: the earlier of its absolute end and, for a
// sign-in session, SessionIdle after it was last seen. It notes when the
// session was seen at most once every seenEvery, so that reading a page
// does not become a write every time.
func (s *DB) AuthenticateSession(ctx context.Context, token string) (ercms.Actor, time.Time, error) {
	missing := ercms.Fail(ercms.EUnauthorized, "err.session.missing")
	var id, kind, scope, created string
	var expires, seen sql.NullString
	hash := hashToken(token)
	a, err := scanActor(s.rdb.QueryRowContext(ctx, `SELECT `+actorColumns+`, s.id, s.kind, s.scope, s.created_at, s.expires_at, s.last_seen_at
		FROM users u JOIN organisations o ON o.id = u.org_id
		JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.factor = '' AND s.revoked_at IS NULL AND u.disabled = FALSE AND u.status = 'active' AND o.disabled = FALSE`, hash),
		&id, &kind, &scope, &created, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return ercms.Actor{}, time.Time{}, missing
	}
	if err != nil {
		return ercms.Actor{}, time.Time{}, err
	}
	now := s.Now()
	var end time.Time
	if expires.Valid {
		if end, err = parseTime(expires.String); err != nil || !now.Before(end) {
			return ercms.Actor{}, time.Time{}, missing
		}
	}
	last := created
	if seen.Valid {
		last = seen.String
	}
	lastSeen, err := parseTime(last)
	if err != nil {
		return ercms.Actor{}, time.Time{}, err
	}
	idle := kind == "session" && s.SessionIdle > 0
	if idle && !now.Before(lastSeen.Add(s.SessionIdle)) {
		return ercms.Actor{}, time.Time{}, missing
	}
	if now.Sub(lastSeen) >= seenEvery {
		// Of requests at the same moment, the first writes.
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND COALESCE(last_seen_at, created_at) < $3`,
			formatTime(now), hash, formatTime(now.Add(-seenEvery))); err != nil {
			return ercms.Actor{}, time.Time{}, err
		}
		lastSeen = now
	}
	if idle && (end.IsZero() || lastSeen.Add(s.SessionIdle).Before(end)) {
		end = lastSeen.Add(s.SessionIdle)
	}
	a.SessionID, a.ReadOnly = id, scope == string(ScopeRead)
	return a, end, nil
}

// seenEvery is how often Authenticate notes when a session was last seen.
const seenEvery = time.Minute

// ActorByUsername returns the actor of an active account (the command line
// and the demo seed act as a named user).
func (s *DB) ActorByUsername(ctx context.Context, username string) (ercms.Actor, error) {
	a, err := scanActor(s.rdb.QueryRowContext(ctx, `SELECT `+actorColumns+` FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.username = $1 AND u.disabled = FALSE AND u.status = 'active' AND o.disabled = FALSE`, username))
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

// TokenScope is what an API token may do.
type TokenScope string

// Token scopes.
const (
	// ScopeRead lets a token read only: the API refuses it every request
	// that is not a GET.
	ScopeRead TokenScope = "read"
	// ScopeWrite lets a token do everything its service account may do.
	ScopeWrite TokenScope = "write"
)

// Lifetimes of an API token.
const (
	// DefaultTokenDays is how long a token runs when no end is given.
	DefaultTokenDays = 90
	// MaxTokenDays is the longest a token may run.
	MaxTokenDays = 365
)

// APIToken describes an API token of a service account (the secret is shown once, at creation).
type APIToken struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	UserID     string     `json:"user_id"`
	Token      string     `json:"token,omitempty"`
	Scope      TokenScope `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastSeenAt *time.Time `json:"last_seen_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// NewAPIToken is what an administrator gives to issue a token: its name,
// its scope, and its end as a number of days or the last day it works (in
// the deployment's time zone); with neither it runs DefaultTokenDays.
type NewAPIToken struct {
	Name  string      `json:"name"`
	Scope TokenScope  `json:"scope"`
	Days  int         `json:"days,omitempty"`
	Until *civil.Date `json:"until,omitempty"`
}

// tokenEnd validates n and returns when its token stops working.
func (s *DB) tokenEnd(now time.Time, n NewAPIToken) (time.Time, error) {
	var v ercms.Validation
	if strings.TrimSpace(n.Name) == "" {
		v.Add("name", "field.token.name.required")
	}
	if n.Scope != ScopeRead && n.Scope != ScopeWrite {
		v.Add("scope", "field.token.scope.choose")
	}
	end := now.Add(DefaultTokenDays * 24 * time.Hour)
	switch {
	case n.Days != 0 && n.Until != nil:
		v.Add("days", "field.token.days.or_until")
	case n.Until != nil:
		today := civil.In(now, s.loc)
		if d := today.DaysUntil(*n.Until); d < 1 || d > MaxTokenDays {
			v.Add("until", "field.token.until.range", "max", MaxTokenDays)
		}
		next := n.Until.AddDays(1)
		end = time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, s.loc)
	case n.Days != 0:
		if n.Days < 1 || n.Days > MaxTokenDays {
			v.Add("days", "field.token.days.range", "max", MaxTokenDays)
		}
		end = now.Add(time.Duration(n.Days) * 24 * time.Hour)
	}
	if err := v.Err(); err != nil {
		e := err.(*ercms.Error)
		e.Message = "err.token.invalid"
		return end, e
	}
	return end, nil
}

// CreateAPIToken issues a token for a service account, bound to its
// organisation, with a scope and an end.
func (s *DB) CreateAPIToken(ctx context.Context, a ercms.Actor, userID string, n NewAPIToken) (*APIToken, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.token.admin_only_issue")
	}
	t := &APIToken{ID: newID(), Name: strings.TrimSpace(n.Name), UserID: userID, Scope: n.Scope, Token: randomToken()}
	err := s.tx(ctx, func(tx *Tx) error {
		end, err := s.tokenEnd(tx.now, n)
		if err != nil {
			return err
		}
		var service bool
		err = tx.QueryRowContext(ctx, `SELECT service FROM users WHERE id = $1 AND disabled = FALSE`, userID).Scan(&service)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !service) {
			return &ercms.Error{Code: ercms.EInvalid, Message: "err.token.service_account_only", Fields: map[string]string{"user_id": "field.token.user_id.choose"}}
		}
		if err != nil {
			return err
		}
		t.CreatedAt, t.ExpiresAt = tx.now, end.UTC()
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, id, user_id, kind, name, scope, created_at, expires_at) VALUES ($1,$2,$3,'api',$4,$5,$6,$7)`,
			hashToken(t.Token), t.ID, userID, t.Name, string(t.Scope), formatTime(tx.now), formatTime(end)); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "token.create", objectType: "token", objectID: t.ID})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// APITokens lists the tokens of a service account, open and ended, newest
// first, without their secrets (administrators).
func (s *DB) APITokens(ctx context.Context, a ercms.Actor, userID string) ([]APIToken, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.token.admin_only_list")
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, name, user_id, scope, created_at, COALESCE(expires_at, ''), last_seen_at, revoked_at
		FROM sessions WHERE user_id = $1 AND kind = 'api' ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []APIToken{}
	for rows.Next() {
		var t APIToken
		var created, expires string
		var seen, revoked sql.NullString
		if err := rows.Scan(&t.ID, &t.Name, &t.UserID, &t.Scope, &created, &expires, &seen, &revoked); err != nil {
			return nil, err
		}
		if t.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if expires != "" {
			if t.ExpiresAt, err = parseTime(expires); err != nil {
				return nil, err
			}
		}
		if t.LastSeenAt, err = parseNullTime(seen); err != nil {
			return nil, err
		}
		if t.RevokedAt, err = parseNullTime(revoked); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
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
