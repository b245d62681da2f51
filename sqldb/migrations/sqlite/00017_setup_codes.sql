-- +goose Up
-- One-time setup codes: an administrator's reset (or a new account) gives
-- the user a code, valid for a day and once, with which the user chooses a
-- password (sqldb/setup.go). Only the code's SHA-256 is kept; a newer code
-- of the user replaces the older one; used_at marks a code spent.
CREATE TABLE setup_codes (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- +goose Down
DROP TABLE setup_codes;
