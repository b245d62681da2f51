package sqldb

import (
	"context"
	"errors"
	"strings"

	"github.com/ercms/ercms"
)

// Passkeys and security keys (WebAuthn). The ceremonies are the web
// package's (with go-webauthn); the store keeps each credential as the
// JSON the library gives (its id and public key, never a secret), and the
// challenge of the ceremony under way with the session that began it.

// PasskeyOwner is the user of a session (pending or signed in) with the
// passkeys the user has, as a WebAuthn ceremony needs them.
type PasskeyOwner struct {
	UserID, Username, DisplayName string
	// Stage is the session's: "" signed in, ercms.FactorVerify or ercms.FactorEnrol.
	Stage string
	// Passkeys are the user's passkeys: factor id → credential JSON.
	Passkeys map[string]string
	// Challenge is the ceremony under way (its session data as JSON), "" when none.
	Challenge string
}

// PasskeyOwner returns the user of the session of token and the user's passkeys.
func (s *DB) PasskeyOwner(ctx context.Context, token string) (PasskeyOwner, error) {
	var o PasskeyOwner
	err := s.tx(ctx, func(tx *Tx) error {
		fs, err := tx.factorSession(ctx, token)
		if err != nil {
			return err
		}
		o = PasskeyOwner{UserID: fs.userID, Username: fs.username, Stage: fs.stage, Challenge: fs.challenge, Passkeys: map[string]string{}}
		if err := tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, fs.userID).Scan(&o.DisplayName); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, credential FROM second_factors WHERE user_id = $1 AND kind = 'passkey' AND confirmed_at IS NOT NULL`, fs.userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, cred string
			if err := rows.Scan(&id, &cred); err != nil {
				return err
			}
			o.Passkeys[id] = cred
		}
		return rows.Err()
	})
	return o, err
}

// SetChallenge keeps the WebAuthn ceremony begun for the session of token
// (its session data as JSON), replacing any earlier one.
func (s *DB) SetChallenge(ctx context.Context, token, challenge string) error {
	return s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET challenge = $1 WHERE token_hash = $2 AND revoked_at IS NULL`, challenge, hashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ercms.Fail(ercms.EUnauthorized, "err.session.missing")
		}
		return nil
	})
}

// AddPasskey keeps a passkey the user of the session of token registered
// (credential: its JSON), named name, and spends the ceremony's challenge.
// A session waiting to enrol is then signed in, with recovery codes, like
// ConfirmTOTP.
func (s *DB) AddPasskey(ctx context.Context, token, name, credential string, remember bool) (*FactorResult, error) {
	res := &FactorResult{}
	err := s.tx(ctx, func(tx *Tx) error {
		fs, err := tx.factorSession(ctx, token)
		if err != nil {
			return err
		}
		if fs.stage == ercms.FactorVerify {
			return ercms.Fail(ercms.EUnauthorized, "err.session.missing")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET challenge = '' WHERE id = $1`, fs.id); err != nil {
			return err
		}
		id := newID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO second_factors (id, user_id, kind, name, credential, created_at, confirmed_at, last_used_at) VALUES ($1,$2,'passkey',$3,$4,$5,$5,$5)`,
			id, fs.userID, strings.TrimSpace(name), credential, formatTime(tx.now)); err != nil {
			return err
		}
		return tx.factorAdded(ctx, fs, "passkey", id, remember, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// PasskeyPassed signs in the pending session of token whose user proved
// the passkey factorID; credential is the passkey's JSON as the check left
// it (its signature counter moved on). The ceremony's challenge is spent.
func (s *DB) PasskeyPassed(ctx context.Context, token, factorID, credential string, remember bool) (*FactorResult, error) {
	res := &FactorResult{}
	err := s.tx(ctx, func(tx *Tx) error {
		fs, err := tx.factorSession(ctx, token)
		if err != nil {
			return err
		}
		if fs.stage != ercms.FactorVerify {
			return ercms.Fail(ercms.EUnauthorized, "err.session.missing")
		}
		if err := tx.factorWait(ctx, fs); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `UPDATE second_factors SET credential = $1, last_used_at = $2 WHERE id = $3 AND user_id = $4 AND kind = 'passkey'`,
			credential, formatTime(tx.now), factorID, fs.userID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ercms.Fail(ercms.ENotFound, "err.factor.not_found")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET challenge = '' WHERE id = $1`, fs.id); err != nil {
			return err
		}
		return tx.completeSignIn(ctx, fs, "passkey", remember, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// PasskeyFailed counts a passkey that did not pass for the pending session
// of token as a wrong code, and returns the error to answer.
func (s *DB) PasskeyFailed(ctx context.Context, token string) error {
	var failed error
	err := s.tx(ctx, func(tx *Tx) error {
		fs, err := tx.factorSession(ctx, token)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET challenge = '' WHERE id = $1`, fs.id); err != nil {
			return err
		}
		failed, err = tx.factorFailed(ctx, fs)
		return err
	})
	if err == nil {
		err = failed
	}
	var e *ercms.Error
	if errors.As(err, &e) && e.Code == ercms.EInvalid {
		return ercms.FieldError("passkey", "err.factor.passkey_failed")
	}
	return err
}
