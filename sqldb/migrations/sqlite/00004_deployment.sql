-- +goose Up
-- The requested state the database serves (ISO 3166-1 alpha-2), recorded
-- once its organisations exist: a database set up for one country is never
-- opened for another (sqldb/deployment_country.go).
CREATE TABLE deployment (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    country     TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE deployment;
