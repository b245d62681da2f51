-- +goose Up
CREATE TABLE organisations (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    state          TEXT NOT NULL,
    parent_id      TEXT REFERENCES organisations(id),
    agency_type    TEXT NOT NULL DEFAULT '',
    accredited     TEXT NOT NULL DEFAULT '',
    crossing_point TEXT NOT NULL DEFAULT '',
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations(state, name);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    role          TEXT NOT NULL,
    service       BOOLEAN NOT NULL DEFAULT FALSE,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE cases (
    id                   TEXT PRIMARY KEY,
    reference            TEXT NOT NULL UNIQUE,
    type                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    version              INTEGER NOT NULL,
    profile_id           TEXT NOT NULL,
    profile_version      INTEGER NOT NULL,
    requested_state      TEXT NOT NULL,
    requesting_state     TEXT NOT NULL,
    requesting_org_id    TEXT NOT NULL REFERENCES organisations(id),
    requesting_reference TEXT NOT NULL,
    procedure            TEXT NOT NULL DEFAULT '',
    category             TEXT NOT NULL DEFAULT '',
    received_on          TEXT,
    previous_case_id     TEXT REFERENCES cases(id),
    assigned_to          TEXT REFERENCES users(id),
    crossing_point       TEXT NOT NULL DEFAULT '',
    handover_on          TEXT,
    next_due_on          TEXT,
    data                 TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX cases_requesting ON cases(requesting_state, id);
CREATE INDEX cases_requested ON cases(requested_state, status, id);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_crossing ON cases(crossing_point, id);
CREATE INDEX cases_requesting_reference ON cases(requesting_reference);
CREATE INDEX cases_next_due ON cases(next_due_on);

CREATE TABLE case_names (
    case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    token    TEXT NOT NULL,
    skeleton TEXT NOT NULL
);
CREATE INDEX case_names_token ON case_names(token, case_id);
CREATE INDEX case_names_skeleton ON case_names(skeleton, case_id);
CREATE INDEX case_names_case ON case_names(case_id);

CREATE TABLE case_tasks (
    id      TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    org_id  TEXT NOT NULL REFERENCES organisations(id),
    kind    TEXT NOT NULL,
    status  TEXT NOT NULL
);
CREATE INDEX case_tasks_org ON case_tasks(org_id, case_id);
CREATE INDEX case_tasks_case ON case_tasks(case_id);

CREATE TABLE case_deadlines (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    task_id TEXT NOT NULL DEFAULT '',
    due_on  TEXT,
    status  TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, task_id)
);
CREATE INDEX case_deadlines_due ON case_deadlines(status, kind, due_on);

CREATE TABLE case_events (
    id       TEXT PRIMARY KEY,
    case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    action   TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    actor_id TEXT NOT NULL DEFAULT '',
    actor    TEXT NOT NULL,
    org_id   TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id, at);

CREATE TABLE reference_counters (
    requested_state  TEXT NOT NULL,
    requesting_state TEXT NOT NULL,
    year             INTEGER NOT NULL,
    last             INTEGER NOT NULL,
    PRIMARY KEY (requested_state, requesting_state, year)
);

CREATE TABLE idempotency_keys (
    user_id      TEXT NOT NULL REFERENCES users(id),
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE audit_events (
    id             TEXT PRIMARY KEY,
    seq            BIGINT UNIQUE,
    at             TEXT NOT NULL,
    actor_id       TEXT NOT NULL DEFAULT '',
    actor_username TEXT NOT NULL DEFAULT '',
    org_id         TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    object_type    TEXT NOT NULL DEFAULT '',
    object_id      TEXT NOT NULL DEFAULT '',
    records        TEXT NOT NULL DEFAULT '[]',
    purpose        TEXT NOT NULL DEFAULT '',
    recipient      TEXT NOT NULL DEFAULT '',
    party_state    TEXT NOT NULL DEFAULT '',
    details        TEXT NOT NULL DEFAULT '{}',
    prev_hash      TEXT NOT NULL DEFAULT '',
    hash           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_pending ON audit_events(at, id) WHERE seq IS NULL;
CREATE INDEX audit_events_party ON audit_events(party_state, at);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE calendar_years (
    state      TEXT NOT NULL,
    year       INTEGER NOT NULL,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (state, year)
);

-- +goose Down
DROP TABLE calendar_years;
DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE idempotency_keys;
DROP TABLE reference_counters;
DROP TABLE case_events;
DROP TABLE case_deadlines;
DROP TABLE case_tasks;
DROP TABLE case_names;
DROP TABLE cases;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
