-- +goose Up
-- The audit trail's page verifies only the events linked since its last
-- verification: audit_verified keeps the last event verified and its
-- hash. The filter's list of actions is read through an index on action
-- (one index probe per action) instead of a scan of the whole trail.
CREATE TABLE audit_verified (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    verified_at TEXT NOT NULL
);
INSERT INTO audit_verified (id, seq, hash, verified_at) VALUES (1, 0, '', '');
CREATE INDEX audit_events_action ON audit_events(action);

-- +goose Down
DROP INDEX audit_events_action;
DROP TABLE audit_verified;
