-- +goose Up
-- An organisation's name in each language of the user interface: a JSON
-- object by language ({"az": …, "en": …}). An organisation created before
-- has {} and is named by its name in every language.
ALTER TABLE organisations ADD COLUMN names TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE organisations DROP COLUMN names;
