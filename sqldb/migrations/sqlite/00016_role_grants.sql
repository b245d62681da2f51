-- +goose Up
-- Separation of duties: an account whose role reads case data, created by
-- an administrator, waits ('pending') until a second person confirms it
-- ('active') or refuses it ('refused', and disabled). Only an active account
-- signs in. Accounts created before are active.
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

-- A grant of a role: who asked for it and when, and who confirmed or
-- refused it, when and why.
CREATE TABLE role_grants (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    role         TEXT NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    requested_by TEXT NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    outcome      TEXT NOT NULL DEFAULT 'pending',
    decided_by   TEXT REFERENCES users(id),
    decided_at   TEXT,
    reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX role_grants_pending ON role_grants(org_id) WHERE outcome = 'pending';
CREATE INDEX role_grants_user ON role_grants(user_id);

-- +goose Down
DROP TABLE role_grants;
ALTER TABLE users DROP COLUMN status;
