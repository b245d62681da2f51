package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ercms/ercms/sqldb"
)

// TestDatabaseFilePrivate: the SQLite database and its -wal and -shm files
// are readable by the owner only (0600), like the blobs and keys, whether
// the database is new or was created readable by others before.
func TestDatabaseFilePrivate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ercms.db")
	check := func(when string) {
		t.Helper()
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(name)
			if os.IsNotExist(err) && name != path {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if mode := fi.Mode().Perm(); mode != 0o600 {
				t.Errorf("%s: %s is %o, want 600", when, filepath.Base(name), mode)
			}
		}
	}
	db, err := sqldb.Open(ctx, sqldb.Options{URL: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no WAL file while the database is open: %v", err)
	}
	check("new")
	db.Close()

	// A database created readable by all before this release.
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(name, 0o644); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	db, err = sqldb.Open(ctx, sqldb.Options{URL: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check("reopened")
}
