-- +goose Up
-- The central authority's list (requested_state = ?, newest first) walks
-- this index in id order and stops at the page's end; without it, SQLite
-- sorted every case of the deployment for each page.
CREATE INDEX cases_requested_id ON cases(requested_state, id);
-- (PostgreSQL also makes case_names.token compare byte by byte here;
-- SQLite's text comparison does already.)

-- +goose Down
DROP INDEX cases_requested_id;
