-- +goose Up
-- Suspensions of an agreement (sqldb/suspension.go), in whole (category '')
-- or for one category of persons, from a date until the first day it
-- applies again (until_on, NULL while it has no end). applied_on and
-- end_applied_on record that the timed job marked the running cases and
-- lifted the mark again.
CREATE TABLE agreement_suspensions (
    id             TEXT PRIMARY KEY,
    profile_id     TEXT NOT NULL,
    category       TEXT NOT NULL DEFAULT '',
    from_on        TEXT NOT NULL,
    until_on       TEXT,
    grounds        TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    ended_by       TEXT NOT NULL DEFAULT '',
    applied_on     TEXT,
    end_applied_on TEXT
);
CREATE INDEX agreement_suspensions_profile ON agreement_suspensions(profile_id, from_on);

-- +goose Down
DROP TABLE agreement_suspensions;
