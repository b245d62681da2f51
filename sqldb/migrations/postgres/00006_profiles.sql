-- +goose Up
-- Agreement profiles, every version: seeded from the embedded defaults on
-- first use, then the database is the source and administrators add new
-- versions (sqldb/profile.go). A case keeps the version in force on its date
-- of receipt, so versions are only ever added, never changed.
CREATE TABLE agreement_profiles (
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    data           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

-- +goose Down
DROP TABLE agreement_profiles;
