-- +goose Up
-- When a session or API token was last used (at most a minute behind), for
-- the idle timeout of sign-in sessions and the users' list of sessions. A
-- session open before has not been seen yet: it counts as seen now, so that
-- nobody is signed out by the upgrade.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
-- What an API token may do: 'read' (GET only) or 'write' (everything its
-- account may do). Sessions and the tokens issued before have 'write'.
ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
UPDATE sessions SET last_seen_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".000000Z"')
    WHERE kind = 'session' AND revoked_at IS NULL;
-- API tokens expire now: those issued before run 90 days from the upgrade.
UPDATE sessions SET expires_at = to_char((now() + interval '90 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".000000Z"')
    WHERE kind = 'api' AND expires_at IS NULL AND revoked_at IS NULL;

-- +goose Down
ALTER TABLE sessions DROP COLUMN scope;
ALTER TABLE sessions DROP COLUMN last_seen_at;
