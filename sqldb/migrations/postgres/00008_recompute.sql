-- +goose Up
-- Recomputations of running deadlines after an edit of holiday data: the
-- work to do (every case with a running clock, in order of id) and how far
-- it has come. Nodes take it batch by batch, each batch in its own short
-- transaction that locks the row (on PostgreSQL FOR UPDATE SKIP LOCKED),
-- recomputes the cases after cursor and moves cursor past them, so that a
-- batch is done once whichever node takes it and a crash loses nothing.
CREATE TABLE recomputations (
    id            TEXT PRIMARY KEY,
    reason        TEXT NOT NULL,
    total         INTEGER NOT NULL,
    done          INTEGER NOT NULL DEFAULT 0,
    moved         INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    cursor        TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    finished_at   TEXT,
    superseded_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX recomputations_open ON recomputations(finished_at, created_at);

-- +goose Down
DROP TABLE recomputations;
