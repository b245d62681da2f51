package sqldb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestDeploymentCountry opens a database for one requested state and then
// for another: an empty database may be set up for any country, one whose
// organisations exist serves only their country.
func TestDeploymentCountry(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			url := testdb.URL(t, e)
			open := func(country string) (*sqldb.DB, error) {
				db, err := sqldb.Open(context.Background(), sqldb.Options{URL: url, Country: country})
				if err == nil {
					db.Argon = testdb.FastArgon
					t.Cleanup(func() { db.Close() })
				}
				return db, err
			}
			// Migrated for the default country, still empty: free for another.
			if _, err := open(""); err != nil {
				t.Fatal(err)
			}
			db, err := open("CI")
			if err != nil {
				t.Fatalf("an empty database refused for CI: %v", err)
			}
			if _, err := demo.SeedPeople(context.Background(), db, demo.CoteDIvoire(), func(string) string { return testPassword }); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if _, err := open("CI"); err != nil {
				t.Fatalf("reopen for CI: %v", err)
			}
			_, err = open("AZ")
			var mismatch *sqldb.CountryMismatchError
			if !errors.As(err, &mismatch) || mismatch.Stored != "CI" || mismatch.Requested != "AZ" {
				t.Fatalf("open a CI database for AZ: %v", err)
			}
			if _, err := open(""); !errors.As(err, &mismatch) {
				t.Fatalf("open a CI database for the default country: %v", err)
			}
		})
	}
}

// TestDeploymentCountryOfOlderDatabase dates a database set up before the
// country was recorded: its central authority says which country it serves.
func TestDeploymentCountryOfOlderDatabase(t *testing.T) {
	url := testdb.URL(t, sqldb.SQLite)
	db, err := sqldb.Open(context.Background(), sqldb.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	db.Argon = testdb.FastArgon
	seed(t, db) // the Azerbaijani people
	if _, err := db.SQL().Exec(`DELETE FROM deployment`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqldb.Open(context.Background(), sqldb.Options{URL: url, Country: "CI"})
	var mismatch *sqldb.CountryMismatchError
	if !errors.As(err, &mismatch) || mismatch.Stored != "AZ" {
		t.Fatalf("open an older Azerbaijani database for CI: %v", err)
	}
	db, err = sqldb.Open(context.Background(), sqldb.Options{URL: url, Country: "AZ"})
	if err != nil {
		t.Fatalf("reopen for AZ: %v", err)
	}
	db.Close()
}
