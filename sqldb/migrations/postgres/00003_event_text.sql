-- +goose Up
-- What the actor wrote with an action (a question, an answer, a reason) and
-- the reason codes chosen, shown on the case's timeline to both parties.
ALTER TABLE case_events ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE case_events ADD COLUMN codes TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE case_events DROP COLUMN codes;
ALTER TABLE case_events DROP COLUMN text;
