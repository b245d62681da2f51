-- +goose Up
-- Reference lists edited by administrators: refusal reasons and evidence
-- types (attrs: their strength and what they prove) added to the
-- defaults of the agreement texts (with their wording in every language),
-- and default or added entries withdrawn from use (never deleted: decisions
-- that used them keep their meaning).
CREATE TABLE reference_entries (
    list       TEXT NOT NULL,
    code       TEXT NOT NULL,
    labels     TEXT NOT NULL DEFAULT '{}',
    attrs      TEXT NOT NULL DEFAULT '{}',
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (list, code)
);

-- +goose Down
DROP TABLE reference_entries;
