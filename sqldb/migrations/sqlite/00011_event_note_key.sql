-- +goose Up
-- What the system says happened, as a message key and its arguments (a JSON
-- object), worded in the reader's language where shown. Events written
-- before keep their English sentence in note, with an empty note_key.
ALTER TABLE case_events ADD COLUMN note_key TEXT NOT NULL DEFAULT '';
ALTER TABLE case_events ADD COLUMN note_args TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE case_events DROP COLUMN note_args;
ALTER TABLE case_events DROP COLUMN note_key;
