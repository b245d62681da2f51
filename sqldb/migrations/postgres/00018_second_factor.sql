-- +goose Up
-- Second factors (sqldb/factor.go). A user's authenticator apps (kind
-- 'totp': the seed sealed with the deployment's secret key, never in clear;
-- last_step is the last time step a code was accepted at, so that a code
-- is never taken twice) and passkeys or security keys (kind 'passkey': the
-- WebAuthn credential as JSON, with its public key only). confirmed_at is
-- empty while an app is being set up (its first code not yet typed).
CREATE TABLE second_factors (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    secret       TEXT NOT NULL DEFAULT '',
    credential   TEXT NOT NULL DEFAULT '',
    last_step    BIGINT NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    confirmed_at TEXT,
    last_used_at TEXT
);
CREATE INDEX second_factors_user ON second_factors (user_id);

-- Recovery codes: ten per user, shown once; only their SHA-256 is kept.
-- used_at marks a code spent.
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Devices that passed the second factor and are remembered for a while
-- (a cookie holds the token; the table its SHA-256).
CREATE TABLE remembered_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX remembered_devices_user ON remembered_devices (user_id);

-- A session opened by a right password that still waits for the second
-- factor: factor is 'verify' (give a code or use a passkey) or 'enrol' (set
-- a factor up first), '' once signed in. factor_failures counts wrong codes;
-- challenge keeps the WebAuthn ceremony under way (its session data as JSON).
ALTER TABLE sessions ADD COLUMN factor TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN factor_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN challenge TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN challenge;
ALTER TABLE sessions DROP COLUMN factor_failures;
ALTER TABLE sessions DROP COLUMN factor;
DROP TABLE remembered_devices;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
