package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/ercms/ercms"
)

// Second factors. A right password opens a pending session when its user
// has a second factor, or must have one (RequireSecondFactor and a role
// that NeedsSecondFactor); the pending session opens only the pages of the
// second factor, until the user gives a code of an authenticator app
// (TOTP, RFC 6238), a recovery code (each works once) or a passkey
// (passkey.go), or sets one up. Then it is replaced by a signed-in session.
// A device that passed may be remembered (RememberDevice): signing in on it
// asks the password only, and its failures do not lock the account.

const (
	// PendingSignInTTL is how long a right password waits for the second factor.
	PendingSignInTTL = 10 * time.Minute
	// DefaultRememberDevice is how long a device that passed the second
	// factor is remembered: a working day, so that an officer is not
	// stopped mid-task.
	DefaultRememberDevice = 12 * time.Hour
	// maxFactorFailures wrong codes end a pending sign-in: the password
	// must be typed again (and every wrong code counts against the account
	// as a failed sign-in does).
	maxFactorFailures = 5
	// recoveryCodeCount is how many recovery codes a user gets at once.
	recoveryCodeCount = 10
	// totpPeriod is the time step of authenticator codes.
	totpPeriod = 30
)

// Sealer seals the secrets the store must read back (the seeds of
// authenticator apps) with a key kept outside the database (secret.Box).
type Sealer interface {
	Seal(plain []byte, purpose string) (string, error)
	Open(sealed, purpose string) ([]byte, error)
}

// Pending is a sign-in that waits for its second factor, as its pages show it.
type Pending struct {
	Actor ercms.Actor
	// Stage is ercms.FactorVerify or ercms.FactorEnrol.
	Stage string
	// TOTP and Passkey report which factors the user has.
	TOTP, Passkey bool
}

// FactorResult is what passing or setting up a second factor gives.
type FactorResult struct {
	// Session is the signed-in session that replaces a pending one (nil
	// when the user was signed in already).
	Session *ercms.Session
	// RecoveryCodes are new recovery codes, to be shown once.
	RecoveryCodes []string
	// Device is the token of the remembered device, when asked for.
	Device string
}

// FactorInfo is one of a user's second factors as the account page shows it.
type FactorInfo struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"` // "totp" or "passkey"
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Factors is a user's second factors and how many recovery codes are left.
type Factors struct {
	Factors      []FactorInfo `json:"factors"`
	RecoveryLeft int          `json:"recovery_codes_left"`
	// Required reports whether the policy requires a second factor of the user.
	Required bool `json:"required"`
}

// TOTPSetup is a new authenticator app's secret, to be shown once while it
// is set up: as text and as the otpauth URL its QR code carries.
type TOTPSetup struct {
	ID, Secret, URL string
}

// factorSession is a session row found by its token for the second factor.
type factorSession struct {
	id, hash, userID, username, stage, challenge string
	role                                         ercms.Role
	failures                                     int
}

// factorSession finds the session of token (pending or signed in) and
// locks it until the transaction ends.
func (tx *Tx) factorSession(ctx context.Context, token string) (factorSession, error) {
	fs := factorSession{hash: hashToken(token)}
	var expires sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT s.id, s.user_id, u.username, u.role, s.factor, s.factor_failures, s.challenge, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id
		WHERE s.token_hash = $1 AND s.kind = 'session' AND s.revoked_at IS NULL AND u.disabled = FALSE AND u.status = 'active' AND o.disabled = FALSE`+tx.s.forUpdate(),
		fs.hash).Scan(&fs.id, &fs.userID, &fs.username, &fs.role, &fs.stage, &fs.failures, &fs.challenge, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return fs, ercms.Fail(ercms.EUnauthorized, "err.session.missing")
	}
	if err != nil {
		return fs, err
	}
	if end, err := parseNullTime(expires); err != nil || (end != nil && !tx.now.Before(*end)) {
		return fs, ercms.Fail(ercms.EUnauthorized, "err.session.missing")
	}
	if fs.stage == ercms.FactorEnrol {
		// The user set a factor up meanwhile (on another device): this
		// sign-in gives it now.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL`, fs.userID).Scan(&n); err != nil {
			return fs, err
		}
		if n > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET factor = $1 WHERE id = $2`, ercms.FactorVerify, fs.id); err != nil {
				return fs, err
			}
			fs.stage = ercms.FactorVerify
		}
	}
	return fs, nil
}

// factorStage says what a right password of the user still waits for:
// "" (nothing: the device is remembered, or no factor is needed),
// ercms.FactorVerify or ercms.FactorEnrol.
func (tx *Tx) factorStage(ctx context.Context, userID string, role ercms.Role, rememberedDevice bool) (string, error) {
	if rememberedDevice {
		return "", nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL`, userID).Scan(&n); err != nil {
		return "", err
	}
	switch {
	case n > 0:
		return ercms.FactorVerify, nil
	case tx.s.RequireSecondFactor && role.NeedsSecondFactor():
		return ercms.FactorEnrol, nil
	}
	return "", nil
}

// deviceOwner returns the user a remembered device's token belongs to, ""
// when the token is unknown or past its time.
func (s *DB) deviceOwner(ctx context.Context, token string) (string, error) {
	if token == "" || s.RememberDevice <= 0 {
		return "", nil
	}
	var userID string
	err := s.rdb.QueryRowContext(ctx, `SELECT user_id FROM remembered_devices WHERE token_hash = $1 AND expires_at > $2`,
		hashToken(token), formatTime(s.Now())).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return userID, err
}

// openSession adds a sign-in session of the user: signed in (stage "") or
// waiting for the second factor.
func (tx *Tx) openSession(ctx context.Context, userID, stage string) (*ercms.Session, error) {
	token := randomToken()
	exp := tx.now.Add(tx.s.SessionTTL)
	if stage != "" {
		exp = tx.now.Add(PendingSignInTTL)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, id, user_id, kind, created_at, expires_at, factor) VALUES ($1,$2,$3,'session',$4,$5,$6)`,
		hashToken(token), newID(), userID, formatTime(tx.now), formatTime(exp), stage); err != nil {
		return nil, err
	}
	return &ercms.Session{Token: token, UserID: userID, ExpiresAt: exp, SecondFactor: stage}, nil
}

// completeSignIn replaces a pending session that passed its second factor
// by a signed-in session (a new token: the pending one never opens a
// page), clears the account's wrong codes, and remembers the device when
// asked.
func (tx *Tx) completeSignIn(ctx context.Context, fs factorSession, how string, remember bool, res *FactorResult) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE id = $2`, formatTime(tx.now), fs.id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_counters WHERE key = $1`, codesKey(fs.username)); err != nil {
		return err
	}
	sess, err := tx.openSession(ctx, fs.userID, "")
	if err != nil {
		return err
	}
	res.Session = sess
	if remember && tx.s.RememberDevice > 0 {
		res.Device = randomToken()
		if _, err := tx.ExecContext(ctx, `INSERT INTO remembered_devices (token_hash, user_id, created_at, expires_at) VALUES ($1,$2,$3,$4)`,
			hashToken(res.Device), fs.userID, formatTime(tx.now), formatTime(tx.now.Add(tx.s.RememberDevice))); err != nil {
			return err
		}
	}
	return tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: fs.userID, Username: fs.username}, action: "login", objectType: "user", objectID: fs.userID,
		details: map[string]any{"second_factor": how, "device_remembered": res.Device != ""}})
}

// PendingSignIn returns the sign-in that waits for its second factor under
// token; EUnauthorized when there is none (ended, timed out, or signed in).
func (s *DB) PendingSignIn(ctx context.Context, token string) (Pending, error) {
	var p Pending
	var expires string
	a, err := scanActor(s.rdb.QueryRowContext(ctx, `SELECT `+actorColumns+`, s.factor, s.expires_at,
		EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id AND f.kind = 'totp' AND f.confirmed_at IS NOT NULL),
		EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id AND f.kind = 'passkey' AND f.confirmed_at IS NOT NULL)
		FROM users u JOIN organisations o ON o.id = u.org_id JOIN sessions s ON s.user_id = u.id
		WHERE s.token_hash = $1 AND s.factor <> '' AND s.revoked_at IS NULL AND u.disabled = FALSE AND u.status = 'active' AND o.disabled = FALSE`, hashToken(token)),
		&p.Stage, &expires, &p.TOTP, &p.Passkey)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ercms.Fail(ercms.EUnauthorized, "err.session.missing")
	}
	if err != nil {
		return p, err
	}
	if end, err := parseTime(expires); err != nil || !s.Now().Before(end) {
		return p, ercms.Fail(ercms.EUnauthorized, "err.session.missing")
	}
	if p.Stage == ercms.FactorEnrol && (p.TOTP || p.Passkey) {
		p.Stage = ercms.FactorVerify // set up meanwhile on another device (factorSession)
	}
	p.Actor = a
	return p, nil
}

// BeginTOTP starts setting up an authenticator app for the user of the
// session of token (one waiting to enrol, or signed in), or returns the one
// being set up: a secret kept sealed until its first code confirms it
// (ConfirmTOTP). An app left unconfirmed longer than PendingSignInTTL is
// replaced by a new one.
func (s *DB) BeginTOTP(ctx context.Context, token string) (TOTPSetup, error) {
	var out TOTPSetup
	if s.Secrets == nil {
		return out, errors.New("sqldb: no key to seal authenticator secrets with (DB.Secrets)")
	}
	err := s.tx(ctx, func(tx *Tx) error {
		fs, err := tx.factorSession(ctx, token)
		if err != nil {
			return err
		}
		if fs.stage == ercms.FactorVerify {
			// A password alone never adds a factor: the user gives one
			// first (one set up meanwhile on another device, if need be).
			return ercms.Fail(ercms.EConflict, "err.factor.give_first")
		}
		opts := totp.GenerateOpts{Issuer: "eRCMS " + s.country, AccountName: fs.username, Period: totpPeriod,
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Rand: rand.Reader}
		var id, sealed string
		err = tx.QueryRowContext(ctx, `SELECT id, secret FROM second_factors WHERE user_id = $1 AND kind = 'totp' AND confirmed_at IS NULL AND created_at > $2`,
			fs.userID, formatTime(tx.now.Add(-PendingSignInTTL))).Scan(&id, &sealed)
		switch {
		case err == nil:
			secret, err := s.Secrets.Open(sealed, "totp:"+id)
			if err != nil {
				return err
			}
			raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(secret))
			if err != nil {
				return err
			}
			opts.Secret = raw
			key, err := totp.Generate(opts)
			if err != nil {
				return err
			}
			out = TOTPSetup{ID: id, Secret: key.Secret(), URL: key.URL()}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		key, err := totp.Generate(opts)
		if err != nil {
			return err
		}
		id = newID()
		if sealed, err = s.Secrets.Seal([]byte(key.Secret()), "totp:"+id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM second_factors WHERE user_id = $1 AND confirmed_at IS NULL`, fs.userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO second_factors (id, user_id, kind, name, secret, created_at) VALUES ($1,$2,'totp','',$3,$4)`,
			id, fs.userID, sealed, formatTime(tx.now)); err != nil {
			return err
		}
		out = TOTPSetup{ID: id, Secret: key.Secret(), URL: key.URL()}
		return nil
	})
	return out, err
}

// ConfirmTOTP confirms the authenticator app being set up with its first
// code, and gives the user recovery codes when the user has none left.
// A session waiting to enrol is then signed in (and its device remembered
// when asked). A wrong code counts as a failed attempt.
func (s *DB) ConfirmTOTP(ctx context.Context, token, code string, remember bool) (*FactorResult, error) {
	res := &FactorResult{}
	var failed error
	err := s.tx(ctx, func(tx *Tx) error {
		fs, err := tx.factorSession(ctx, token)
		if err != nil {
			return err
		}
		if fs.stage == ercms.FactorVerify {
			// The user set a factor up on another device meanwhile: the
			// code is one of it (a password alone never adds a factor).
			failed, err = tx.passCode(ctx, fs, code, remember, res)
			return err
		}
		if err := tx.factorWait(ctx, fs); err != nil {
			return err
		}
		var id, sealed string
		err = tx.QueryRowContext(ctx, `SELECT id, secret FROM second_factors WHERE user_id = $1 AND kind = 'totp' AND confirmed_at IS NULL`, fs.userID).Scan(&id, &sealed)
		if errors.Is(err, sql.ErrNoRows) {
			return ercms.Fail(ercms.EConflict, "err.factor.setup_gone")
		}
		if err != nil {
			return err
		}
		step, ok, err := s.totpStep(id, sealed, code, 0, tx.now)
		if err != nil {
			return err
		}
		if !ok {
			failed, err = tx.factorFailed(ctx, fs)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE second_factors SET confirmed_at = $1, last_step = $2, last_used_at = $1 WHERE id = $3`, formatTime(tx.now), step, id); err != nil {
			return err
		}
		return tx.factorAdded(ctx, fs, "totp", id, remember, res)
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// factorAdded audits the factor id of kind the user of fs set up, gives
// the user recovery codes when none is left, and signs a session waiting
// to enrol in.
func (tx *Tx) factorAdded(ctx context.Context, fs factorSession, kind, id string, remember bool, res *FactorResult) error {
	if err := tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: fs.userID, Username: fs.username}, action: "factor.add", objectType: "user", objectID: fs.userID,
		details: map[string]any{"kind": kind, "factor": id}}); err != nil {
		return err
	}
	if err := tx.recoveryCodesIfNone(ctx, fs, res); err != nil {
		return err
	}
	if fs.stage != "" {
		return tx.completeSignIn(ctx, fs, kind, remember, res)
	}
	return nil
}

// VerifySecondFactor passes the second factor of a pending sign-in with a
// code of one of the user's authenticator apps or one of the user's
// recovery codes (spent by its use), and signs the session in. A wrong code
// counts as a failed sign-in of the account; after maxFactorFailures the
// pending sign-in ends and the password must be typed again.
func (s *DB) VerifySecondFactor(ctx context.Context, token, code string, remember bool) (*FactorResult, error) {
	res := &FactorResult{}
	var failed error
	err := s.tx(ctx, func(tx *Tx) error {
		fs, err := tx.factorSession(ctx, token)
		if err != nil {
			return err
		}
		if fs.stage != ercms.FactorVerify {
			return ercms.Fail(ercms.EUnauthorized, "err.session.missing")
		}
		failed, err = tx.passCode(ctx, fs, code, remember, res)
		return err
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// passCode signs in the pending session fs with a code of the user's
// apps or a recovery code. It returns the error to answer a wrong code
// (kept by the transaction), then the transaction's.
func (tx *Tx) passCode(ctx context.Context, fs factorSession, code string, remember bool, res *FactorResult) (error, error) {
	if err := tx.factorWait(ctx, fs); err != nil {
		return nil, err
	}
	how, err := tx.checkCode(ctx, fs, code)
	if err != nil {
		return nil, err
	}
	if how == "" {
		return tx.factorFailed(ctx, fs)
	}
	return nil, tx.completeSignIn(ctx, fs, how, remember, res)
}

// checkCode checks code against the user's authenticator apps, or, when
// it is not six digits, against the user's recovery codes, and spends what
// it matched. It returns "totp" or "recovery_code", or "" when nothing
// matched.
func (tx *Tx) checkCode(ctx context.Context, fs factorSession, code string) (string, error) {
	code = normalCode(code)
	if isTOTPCode(code) {
		rows, err := tx.QueryContext(ctx, `SELECT id, secret, last_step FROM second_factors WHERE user_id = $1 AND kind = 'totp' AND confirmed_at IS NOT NULL ORDER BY id`, fs.userID)
		if err != nil {
			return "", err
		}
		type app struct {
			id, sealed string
			last       int64
		}
		var apps []app
		for rows.Next() {
			var a app
			if err := rows.Scan(&a.id, &a.sealed, &a.last); err != nil {
				rows.Close()
				return "", err
			}
			apps = append(apps, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
		for _, a := range apps {
			step, ok, err := tx.s.totpStep(a.id, a.sealed, code, a.last, tx.now)
			if err != nil {
				return "", err
			}
			if ok {
				_, err := tx.ExecContext(ctx, `UPDATE second_factors SET last_step = $1, last_used_at = $2 WHERE id = $3`, step, formatTime(tx.now), a.id)
				return "totp", err
			}
		}
		return "", nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
		formatTime(tx.now), fs.userID, hashToken(code))
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", nil
	}
	return "recovery_code", tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: fs.userID, Username: fs.username}, action: "factor.recovery_code", objectType: "user", objectID: fs.userID})
}

// factorWait refuses a code while the account is held back by failed
// attempts (throttle.go): wrong codes count as failed sign-ins.
func (tx *Tx) factorWait(ctx context.Context, fs factorSession) error {
	wait, err := tx.waitOf(ctx, codesKey(fs.username), tx.s.Throttle.Account)
	if err != nil {
		return err
	}
	if wait > 0 {
		return throttled(wait)
	}
	return nil
}

// factorFailed counts a wrong code: for the pending session, and for the
// account as a failed sign-in. It returns the error to answer, after the
// transaction has kept the count.
func (tx *Tx) factorFailed(ctx context.Context, fs factorSession) (error, error) {
	if err := tx.countFailure(ctx, codesKey(fs.username), tx.s.Throttle.Account); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: fs.userID, Username: fs.username}, action: "login.factor_failed", objectType: "user", objectID: fs.userID}); err != nil {
		return nil, err
	}
	if fs.stage != "" && fs.failures+1 >= maxFactorFailures {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE id = $2`, formatTime(tx.now), fs.id); err != nil {
			return nil, err
		}
		return ercms.Fail(ercms.EUnauthorized, "err.factor.start_again"), nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET factor_failures = factor_failures + 1 WHERE id = $1`, fs.id); err != nil {
		return nil, err
	}
	return ercms.FieldError("code", "err.factor.wrong_code"), nil
}

// totpStep checks code against the sealed secret of the app id at now,
// allowing one step of clock drift either way, and refuses a step at or
// before last (a code is taken once). It returns the step the code is of.
func (s *DB) totpStep(id, sealed, code string, last int64, now time.Time) (int64, bool, error) {
	code = normalCode(code)
	if !isTOTPCode(code) {
		return 0, false, nil
	}
	if s.Secrets == nil {
		return 0, false, errors.New("sqldb: no key to open authenticator secrets with (DB.Secrets)")
	}
	secret, err := s.Secrets.Open(sealed, "totp:"+id)
	if err != nil {
		return 0, false, err
	}
	step := now.Unix() / totpPeriod
	for _, st := range []int64{step - 1, step, step + 1} {
		if st <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(string(secret), time.Unix(st*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return st, true, nil
		}
	}
	return 0, false, nil
}

// normalCode drops the spaces and dashes people type in codes, and reads
// letters in lower case.
func normalCode(code string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, code))
}

func isTOTPCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// recoveryAlphabet has no letters people confuse with others (0/o, 1/l/i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCode returns a code of ten characters, shown as two groups of five.
func newRecoveryCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, recoveryAlphabet[int(c)%len(recoveryAlphabet)])
	}
	return string(out)
}

// recoveryCodesIfNone gives the user new recovery codes when none is left.
func (tx *Tx) recoveryCodesIfNone(ctx context.Context, fs factorSession, res *FactorResult) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, fs.userID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	codes, err := tx.newRecoveryCodes(ctx, fs.userID, fs.username)
	res.RecoveryCodes = codes
	return err
}

// newRecoveryCodes replaces the user's recovery codes by new ones.
func (tx *Tx) newRecoveryCodes(ctx context.Context, userID, username string) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, recoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, hashToken(normalCode(codes[i]))); err != nil {
			return nil, err
		}
	}
	return codes, tx.audit(ctx, auditEvent{actor: ercms.Actor{UserID: userID, Username: username}, action: "factor.recovery_codes", objectType: "user", objectID: userID})
}

// NewRecoveryCodes gives the actor ten new recovery codes, to be shown
// once; the old ones stop working. Only a user with a second factor has them.
func (s *DB) NewRecoveryCodes(ctx context.Context, a ercms.Actor) ([]string, error) {
	var codes []string
	err := s.tx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL`, a.UserID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ercms.Fail(ercms.EConflict, "err.factor.none")
		}
		var err error
		codes, err = tx.newRecoveryCodes(ctx, a.UserID, a.Username)
		return err
	})
	return codes, err
}

// SecondFactors lists the actor's second factors, oldest first.
func (s *DB) SecondFactors(ctx context.Context, a ercms.Actor) (Factors, error) {
	out := Factors{Factors: []FactorInfo{}, Required: s.RequireSecondFactor && a.Role.NeedsSecondFactor()}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, kind, name, created_at, last_used_at FROM second_factors
		WHERE user_id = $1 AND confirmed_at IS NOT NULL ORDER BY created_at, id`, a.UserID)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var f FactorInfo
		var created string
		var used sql.NullString
		if err := rows.Scan(&f.ID, &f.Kind, &f.Name, &created, &used); err != nil {
			return out, err
		}
		if f.CreatedAt, err = parseTime(created); err != nil {
			return out, err
		}
		if f.LastUsedAt, err = parseNullTime(used); err != nil {
			return out, err
		}
		out.Factors = append(out.Factors, f)
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	err = s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, a.UserID).Scan(&out.RecoveryLeft)
	return out, err
}

// RemoveSecondFactor removes one of the actor's second factors. The last
// one is kept while the policy requires a second factor of the actor; with
// the last one go the recovery codes and the remembered devices.
func (s *DB) RemoveSecondFactor(ctx context.Context, a ercms.Actor, id string) error {
	return s.tx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL`, a.UserID).Scan(&n); err != nil {
			return err
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM second_factors WHERE id = $1 AND user_id = $2 AND confirmed_at IS NOT NULL`, id, a.UserID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ercms.Fail(ercms.ENotFound, "err.factor.not_found")
		}
		if err != nil {
			return err
		}
		if n == 1 && s.RequireSecondFactor && a.Role.NeedsSecondFactor() {
			return ercms.Fail(ercms.EConflict, "err.factor.last")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM second_factors WHERE id = $1`, id); err != nil {
			return err
		}
		if n == 1 {
			if err := tx.forgetFactors(ctx, a.UserID, false); err != nil {
				return err
			}
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "factor.remove", objectType: "user", objectID: a.UserID, details: map[string]any{"factor": id}})
	})
}

// forgetFactors deletes the user's recovery codes and remembered devices,
// and, when all is set, the second factors too (a reset with a setup code:
// the user sets up a new second factor at the next sign-in).
func (tx *Tx) forgetFactors(ctx context.Context, userID string, all bool) error {
	stmts := []string{`DELETE FROM recovery_codes WHERE user_id = $1`, `DELETE FROM remembered_devices WHERE user_id = $1`}
	if all {
		stmts = append(stmts, `DELETE FROM second_factors WHERE user_id = $1`)
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return err
		}
	}
	return nil
}

// ForgetDevices forgets every device remembered for the actor: the next
// sign-in on each asks the second factor again.
func (s *DB) ForgetDevices(ctx context.Context, a ercms.Actor) error {
	return s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM remembered_devices WHERE user_id = $1`, a.UserID); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "factor.devices_forgotten", objectType: "user", objectID: a.UserID})
	})
}

// ResetSecondFactor removes every second factor of a user who lost them
// (phone and recovery codes), with the recovery codes and remembered
// devices, and ends the user's sessions: the next sign-in sets a factor up
// again. Administrators only; audited. Since whoever resets a factor could
// then sign in as the user with the password, the reset of an account
// whose role reads case data (or administers) is a grant anew: the account
// waits until a second person confirms it, as a new account does (the
// command line, acting as the system, resets at once).
func (s *DB) ResetSecondFactor(ctx context.Context, a ercms.Actor, userID string) error {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return ercms.Fail(ercms.EForbidden, "err.user.admin_only")
	}
	return s.tx(ctx, func(tx *Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1 AND u.service = FALSE`, userID))
		if errors.Is(err, sql.ErrNoRows) {
			return ercms.Fail(ercms.ENotFound, "err.user.not_found")
		}
		if err != nil {
			return err
		}
		if err := tx.forgetFactors(ctx, userID, true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND kind = 'session' AND revoked_at IS NULL`, formatTime(tx.now), userID); err != nil {
			return err
		}
		if err := tx.audit(ctx, auditEvent{actor: a, action: "factor.reset", objectType: "user", objectID: userID}); err != nil {
			return err
		}
		if u.Status != ercms.AccountActive || grantStatus(a, u.Role) != ercms.AccountPending {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET status = $1 WHERE id = $2`, ercms.AccountPending, userID); err != nil {
			return err
		}
		u.Status = ercms.AccountPending
		return tx.requestGrant(ctx, a, &u)
	})
}
