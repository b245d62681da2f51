// Package testdb opens fresh stores for tests on every engine: SQLite
// always, PostgreSQL when ERCMS_TEST_DATABASE_URL names a server (each test
// gets its own schema, dropped at the end).
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"github.com/ercms/ercms/secret"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms/outbound"
	"github.com/ercms/ercms/sqldb"
)

// EnvURL names the environment variable with the PostgreSQL test server URL.
const EnvURL = "ERCMS_TEST_DATABASE_URL"

// Engines returns the engines the tests run on here.
func Engines() []sqldb.Engine {
	if os.Getenv(EnvURL) != "" {
		return []sqldb.Engine{sqldb.SQLite, sqldb.Postgres}
	}
	return []sqldb.Engine{sqldb.SQLite}
}

// Each runs fn as a subtest on every engine with a fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, db *sqldb.DB, clock *Clock)) {
	t.Helper()
	if os.Getenv(EnvURL) == "" {
		t.Logf("PostgreSQL tests skipped: set %s=postgres://… to run them", EnvURL)
	}
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			db, clock := Open(t, e)
			fn(t, db, clock)
		})
	}
}

// Clock is a settable clock for the store's Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Start is where every test clock starts: Monday 2 March 2026, 09:00 in Baku.
var Start = time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)

// FastArgon is a cheap password-hashing cost for tests.
var FastArgon = sqldb.ArgonParams{Time: 1, Memory: 8 * 1024, Threads: 1}

// URL returns a database URL for a fresh database of engine e, removed when
// the test ends.
func URL(t testing.TB, e sqldb.Engine) string {
	t.Helper()
	if e == sqldb.SQLite {
		return filepath.Join(t.TempDir(), "ercms.db")
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skipf("set %s to run PostgreSQL tests", EnvURL)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PublicAddr is where the host names of webhooks resolve in the tests
// (Lookup): an address on the internet, never connected to.
var PublicAddr = netip.MustParseAddr("93.184.215.14")

// Lookup resolves every host name to PublicAddr, without DNS: the
// resolver of the webhook policy of the stores Open returns.
func Lookup(context.Context, string) ([]netip.Addr, error) {
	return []netip.Addr{PublicAddr}, nil
}

// Open returns a fresh migrated store of engine e with a test clock set to
// Start, cheap password hashing and webhook names resolved by Lookup; it
// is closed when the test ends.
func Open(t testing.TB, e sqldb.Engine) (*sqldb.DB, *Clock) {
	t.Helper()
	db, err := sqldb.Open(context.Background(), sqldb.Options{URL: URL(t, e)})
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &Clock{t: Start}
	db.Now = clock.Now
	db.Argon = FastArgon
	db.WebhookPolicy = &outbound.Policy{LookupIP: Lookup}
	key := make([]byte, secret.KeySize)
	_, _ = rand.Read(key)
	if db.Secrets, err = secret.NewBox(key); err != nil {
		t.Fatal(err)
	}
	return db, clock
}
