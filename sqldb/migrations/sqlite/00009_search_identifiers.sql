-- +goose Up
-- The identifiers a search finds a case by (reference, the requesting
-- state's file number, document numbers, dates of birth), written as
-- sqldb.identifierKey does; filled for the cases already kept by the Go
-- migration 10 (sqldb/search.go).
CREATE TABLE case_identifiers (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    value   TEXT NOT NULL
);
CREATE INDEX case_identifiers_value ON case_identifiers(value, case_id);
CREATE INDEX case_identifiers_case ON case_identifiers(case_id);

-- The spellings of names indexed (skeletons) under each string one letter
-- shorter, for the search of names one letter off: tied to no case.
CREATE TABLE name_variants (
    variant  TEXT NOT NULL,
    skeleton TEXT NOT NULL,
    PRIMARY KEY (variant, skeleton)
);

-- +goose Down
DROP TABLE name_variants;
DROP TABLE case_identifiers;
