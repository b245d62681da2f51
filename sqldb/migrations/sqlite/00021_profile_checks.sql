-- +goose Up
-- An administrator's record that a figure of an agreement profile version
-- was checked against the agreement text (sqldb/profilecheck.go): which
-- text and article, with a note. figure is the figure's JSON path in the
-- profile (rules.reply, overrides.AT.rules.transfer_notice, extension_max).
-- A check is never deleted: withdrawing it (or recording a newer one)
-- fills withdrawn_at, so the current check of a figure is its row without.
CREATE TABLE profile_checks (
    id               TEXT PRIMARY KEY,
    profile_id       TEXT NOT NULL,
    version          INTEGER NOT NULL,
    figure           TEXT NOT NULL,
    text             TEXT NOT NULL,
    article          TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    checked_by       TEXT NOT NULL,
    checked_at       TEXT NOT NULL,
    withdrawn_at     TEXT,
    withdrawn_by     TEXT NOT NULL DEFAULT '',
    withdraw_reason  TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (profile_id, version) REFERENCES agreement_profiles(id, version)
);
CREATE INDEX profile_checks_figure ON profile_checks(profile_id, version, figure);
-- An administrator's correction of a profile version found wrong against
-- the agreement text (sqldb/profile.go CorrectProfileVersion): the version
-- keeps its number and effective date, its data is replaced, and the data
-- before and after are kept here with the reason.
CREATE TABLE profile_corrections (
    id            TEXT PRIMARY KEY,
    profile_id    TEXT NOT NULL,
    version       INTEGER NOT NULL,
    data_before   TEXT NOT NULL,
    data_after    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    corrected_by  TEXT NOT NULL,
    corrected_at  TEXT NOT NULL,
    FOREIGN KEY (profile_id, version) REFERENCES agreement_profiles(id, version)
);

-- +goose Down
DROP TABLE profile_corrections;
DROP INDEX profile_checks_figure;
DROP TABLE profile_checks;
