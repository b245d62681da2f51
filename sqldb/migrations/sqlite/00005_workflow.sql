-- +goose Up
-- Where a user's notifications are e-mailed (a reference and a link only).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- Files attached to a case: evidence scans, the photo, fingerprint files,
-- signed forms, originals received by e-mail, answers to tasks. The bytes
-- live in the blob store under their SHA-256; this row says whose they are.
CREATE TABLE attachments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    evidence_id TEXT NOT NULL DEFAULT '',
    task_id     TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL,
    removed_at  TEXT
);
CREATE INDEX attachments_case ON attachments(case_id, uploaded_at);
CREATE INDEX attachments_sha256 ON attachments(sha256);

-- Messages between the parties inside a case, each with its delivery
-- receipt and the time the other side first read it.
CREATE TABLE case_messages (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    from_side      TEXT NOT NULL,
    from_org       TEXT NOT NULL REFERENCES organisations(id),
    from_user      TEXT NOT NULL REFERENCES users(id),
    subject        TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL,
    reply_to       TEXT NOT NULL DEFAULT '',
    content_sha256 TEXT NOT NULL,
    sent_at        TEXT NOT NULL,
    delivered_at   TEXT,
    read_at        TEXT,
    read_by        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_messages_case ON case_messages(case_id, sent_at);

-- In-app notifications; e-mail copies carry only the reference and a link.
-- dedupe makes a notification idempotent per user (one per task, deadline
-- and due date).
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    case_id    TEXT NOT NULL DEFAULT '',
    reference  TEXT NOT NULL DEFAULT '',
    dedupe     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT,
    UNIQUE (user_id, dedupe)
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);

-- Background jobs (e-mails, webhook deliveries). A node claims due jobs
-- with a lease; on PostgreSQL the claim skips rows other nodes hold
-- (FOR UPDATE SKIP LOCKED), so each job runs once.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    run_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until TEXT,
    done_at      TEXT,
    failed_at    TEXT,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs(done_at, failed_at, run_at);

-- Webhook subscriptions of member-state authorities: each follows the
-- sequenced audit trail of its state's cases from its own cursor.
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    cursor      BIGINT NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    disabled_at TEXT
);
CREATE INDEX webhooks_org ON webhooks(org_id);

-- Group transfers: one flight or vehicle carrying several persons is one
-- operation (one notice, one escort team, one handover list at the
-- crossing point) linked to each person's case.
CREATE TABLE transfer_operations (
    id              TEXT PRIMARY KEY,
    requesting_org  TEXT NOT NULL REFERENCES organisations(id),
    requested_state TEXT NOT NULL,
    crossing_point  TEXT NOT NULL,
    transfer_date   TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE TABLE transfer_operation_cases (
    operation_id TEXT NOT NULL REFERENCES transfer_operations(id),
    case_id      TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    PRIMARY KEY (operation_id, case_id)
);
CREATE INDEX transfer_operation_cases_case ON transfer_operation_cases(case_id);

-- Travel documents issued, with the SHA-256 of their signed token, so
-- that the verification page can tell a current document from one that
-- was replaced (renewal) or revoked (the case ended before the transfer).
CREATE TABLE travel_documents (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    number       TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    key_id       TEXT NOT NULL,
    issued_on    TEXT NOT NULL,
    valid_until  TEXT,
    replaced_by  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX travel_documents_case ON travel_documents(case_id, created_at);

-- +goose Down
DROP TABLE travel_documents;
DROP TABLE transfer_operation_cases;
DROP TABLE transfer_operations;
DROP TABLE webhooks;
DROP TABLE jobs;
DROP TABLE notifications;
DROP TABLE case_messages;
DROP TABLE attachments;
ALTER TABLE users DROP COLUMN email;
