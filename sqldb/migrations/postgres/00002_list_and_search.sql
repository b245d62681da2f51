-- +goose Up
-- The central authority's list (requested_state = ?, newest first) walks
-- this index in id order and stops at the page's end; without it, SQLite
-- sorted every case of the deployment for each page.
CREATE INDEX cases_requested_id ON cases(requested_state, id);
-- Name search selects tokens by prefix with a range (token >= 'mamm' AND
-- token < 'mamn'), which holds in byte order only: under a language
-- collation (the database default of most servers) the letters of a token
-- sort otherwise (Azerbaijani: h < x < ı < i), and the former bound
-- 'mamm' || chr(127) even made the range empty. Tokens are search keys,
-- not text for people: compare them byte by byte, as SQLite does.
ALTER TABLE case_names ALTER COLUMN token TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE case_names ALTER COLUMN token TYPE TEXT;
DROP INDEX cases_requested_id;
