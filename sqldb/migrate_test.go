package sqldb_test

import (
	"database/sql"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestMigrationVersionsMatch checks that both engines have the same
// migrations, numbered without gaps.
func TestMigrationVersionsMatch(t *testing.T) {
	lite, err := sqldb.MigrationVersions(sqldb.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqldb.MigrationVersions(sqldb.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("SQLite migrations %v, PostgreSQL %v", lite, pg)
	}
	for i, v := range lite {
		if want := fmt.Sprintf("%05d", i+1); v != want {
			t.Errorf("migration %d is numbered %s, want %s", i+1, v, want)
		}
	}
}

// column is what the parity test compares of a column.
type column struct {
	Name    string
	Type    string // normalised: text, integer, bigint, boolean
	NotNull bool
	PK      bool
}

// schema is the tables with their columns in order, and the names of the
// indexes created by the migrations.
type schema struct {
	Tables  map[string][]column
	Indexes []string
	Version int64
}

// bookkeeping is goose's own table, whose column types differ by design.
const bookkeeping = "goose_db_version"

func normType(s string) string {
	s = strings.ToLower(s)
	switch s {
	case "int", "int4":
		return "integer"
	case "int8":
		return "bigint"
	case "bool":
		return "boolean"
	}
	return s
}

func sqliteSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	s := schema{Tables: map[string][]column{}}
	rows, err := db.QueryContext(ctx, `SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'index') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			t.Fatal(err)
		}
		if typ == "table" {
			tables = append(tables, name)
		} else {
			s.Indexes = append(s.Indexes, name)
		}
	}
	rows.Close()
	for _, tb := range tables {
		rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info($1) ORDER BY cid`, tb)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c column
			var pk int
			if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &pk); err != nil {
				t.Fatal(err)
			}
			c.Type, c.PK = normType(c.Type), pk > 0
			// SQLite lets a primary key column hold NULL unless it says NOT
			// NULL; PostgreSQL's primary keys are always NOT NULL.
			c.NotNull = c.NotNull || c.PK
			s.Tables[tb] = append(s.Tables[tb], c)
		}
		rows.Close()
	}
	if err := db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM `+bookkeeping).Scan(&s.Version); err != nil {
		t.Fatal(err)
	}
	return s
}

func postgresSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	s := schema{Tables: map[string][]column{}}
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO',
			EXISTS (SELECT 1 FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage k
				ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name
				WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema AND tc.table_name = c.table_name AND k.column_name = c.column_name)
		FROM information_schema.columns c JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND tb.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tb string
		var c column
		if err := rows.Scan(&tb, &c.Name, &c.Type, &c.NotNull, &c.PK); err != nil {
			t.Fatal(err)
		}
		c.Type = normType(c.Type)
		s.Tables[tb] = append(s.Tables[tb], c)
	}
	rows.Close()
	// Indexes the migrations create (not those behind PRIMARY KEY and UNIQUE constraints).
	rows, err = db.QueryContext(ctx, `SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema()
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
			WHERE n.nspname = i.schemaname AND k.conname = i.indexname) ORDER BY i.indexname`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		s.Indexes = append(s.Indexes, name)
	}
	rows.Close()
	if err := db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM `+bookkeeping).Scan(&s.Version); err != nil {
		t.Fatal(err)
	}
	return s
}

// migrated opens a fresh store of engine e and returns its schema.
func migrated(t *testing.T, e sqldb.Engine) schema {
	t.Helper()
	db, _ := testdb.Open(t, e)
	if e == sqldb.SQLite {
		return sqliteSchema(t, db.SQL())
	}
	return postgresSchema(t, db.SQL())
}

// TestSchemaParity migrates a fresh database on each engine and compares the
// tables, their columns (names, order, types, NOT NULL, primary keys) and
// the migrations' indexes.
func TestSchemaParity(t *testing.T) {
	lite := migrated(t, sqldb.SQLite)
	versions, err := sqldb.MigrationVersions(sqldb.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%05d", lite.Version); got != versions[len(versions)-1] {
		t.Errorf("SQLite is at version %s, the last migration is %s", got, versions[len(versions)-1])
	}
	if !slices.Contains(lite.Indexes, "audit_events_pending") || !slices.Contains(lite.Indexes, "case_names_skeleton") {
		t.Errorf("SQLite indexes %v", lite.Indexes)
	}
	for _, tb := range []string{"organisations", "users", "sessions", "cases", "case_names", "case_tasks", "case_deadlines",
		"case_events", "reference_counters", "idempotency_keys", "audit_events", "audit_head", "calendar_years", bookkeeping} {
		if len(lite.Tables[tb]) == 0 {
			t.Errorf("SQLite has no table %s", tb)
		}
	}
	if os.Getenv(testdb.EnvURL) == "" {
		t.Skipf("PostgreSQL half skipped: set %s to compare the engines", testdb.EnvURL)
	}
	pg := migrated(t, sqldb.Postgres)

	if got, want := slices.Sorted(maps.Keys(pg.Tables)), slices.Sorted(maps.Keys(lite.Tables)); !slices.Equal(got, want) {
		t.Fatalf("tables differ:\nSQLite     %v\nPostgreSQL %v", want, got)
	}
	for tb, cols := range lite.Tables {
		names := func(cs []column) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Name)
			}
			return out
		}
		if !slices.Equal(names(cols), names(pg.Tables[tb])) {
			t.Errorf("columns of %s differ:\nSQLite     %v\nPostgreSQL %v", tb, names(cols), names(pg.Tables[tb]))
			continue
		}
		if tb == bookkeeping {
			continue
		}
		if d := cmp.Diff(cols, pg.Tables[tb]); d != "" {
			t.Errorf("columns of %s differ (-SQLite +PostgreSQL):\n%s", tb, d)
		}
	}
	if d := cmp.Diff(lite.Indexes, pg.Indexes); d != "" {
		t.Errorf("indexes differ (-SQLite +PostgreSQL):\n%s", d)
	}
	// Name search compares tokens by byte (list.go, prefixEnd) whatever the
	// database's default collation.
	var coll string
	db, _ := testdb.Open(t, sqldb.Postgres)
	if err := db.SQL().QueryRowContext(ctx, `SELECT COALESCE(collation_name, '') FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'case_names' AND column_name = 'token'`).Scan(&coll); err != nil || coll != "C" {
		t.Errorf("case_names.token collates by %q (%v), want C", coll, err)
	}
	if lite.Version != pg.Version {
		t.Errorf("SQLite is at version %d, PostgreSQL at %d", lite.Version, pg.Version)
	}
}
