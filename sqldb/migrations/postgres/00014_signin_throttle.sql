-- +goose Up
-- Failed sign-in attempts, counted per account (by the hash of the
-- username typed, so that an unknown name is counted like a known one) and
-- per client address (an IPv4 address or an IPv6 /64), in the database so
-- that every node sees them (sqldb/throttle.go).
CREATE TABLE signin_counters (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at  TEXT NOT NULL
);

-- The addresses each account signed in from: an office behind one
-- address that is slowed by others' failures keeps signing in.
CREATE TABLE signin_places (
    user_id TEXT NOT NULL REFERENCES users(id),
    address TEXT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (user_id, address)
);

-- +goose Down
DROP TABLE signin_places;
DROP TABLE signin_counters;
