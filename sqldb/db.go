// Package sqldb is the one database/sql store of eRCMS, for the embedded
// SQLite default (modernc.org/sqlite) and for PostgreSQL (pgx). Every method
// that reads or writes case data takes the actor, filters by scope in SQL,
// and appends its audit event in the same transaction.
package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/outbound"
)

//go:embed migrations
var migrations embed.FS

// Engine names the database engine.
type Engine string

// Engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the store. It is safe for concurrent use.
type DB struct {
	engine Engine
	// db takes every transaction that writes (on SQLite: one connection,
	// immediate transactions); rdb takes plain reads.
	db, rdb *sql.DB
	dsn     string

	// Now returns the current time; tests replace it.
	Now func() time.Time
	// FourEyes sends approvals and refusals to a supervisor's sign-off (on by default).
	FourEyes bool
	// Argon holds the password-hashing cost; tests lower it.
	Argon ArgonParams
	// SessionTTL is how long a sign-in session lasts at most, however
	// active its user (DefaultSessionTTL).
	SessionTTL time.Duration
	// Throttle slows and refuses repeated failed password checks.
	Throttle Throttle
	hashing  *hashGate
	// SessionIdle ends a sign-in session unused for this long
	// (DefaultSessionIdle); zero keeps sessions to their SessionTTL.
	SessionIdle time.Duration
	// Log receives operational messages; it never receives personal data.
	Log *slog.Logger
	// Blobs keeps the bytes of attachments (package blob); nil refuses uploads.
	Blobs ercms.BlobStore
	// Signer signs travel documents (a seal.Keyring); nil leaves them unsigned.
	Signer Signer
	// WebhookPolicy decides which webhook addresses may be registered
	// (CreateWebhook); nil: servers on the internet only.
	WebhookPolicy *outbound.Policy
	// RequireSecondFactor makes every user of a role that NeedsSecondFactor
	// set up and give a second factor at sign-in (factor.go). Off, only the
	// users who set one up give it.
	RequireSecondFactor bool
	// RememberDevice is how long a device that passed the second factor is
	// remembered when its user asks (DefaultRememberDevice); zero never.
	RememberDevice time.Duration
	// Secrets seals the seeds of authenticator apps (a secret.Box); nil
	// refuses to set one up.
	Secrets Sealer

	rules atomic.Pointer[deadline.Set]
	// suspensions are the suspensions of agreements on record (loadSuspensions).
	suspensions atomic.Pointer[[]ercms.Suspension]
	refusals    atomic.Pointer[[]ReferenceEntry] // the refusal reasons (loadReference)
	evidence    atomic.Pointer[[]ReferenceEntry] // the evidence types (loadReference)
	// calMu serialises calendar edits: each builds its calendars on those
	// the edit before it stored (SetCalendarYear).
	calMu   sync.Mutex
	country string
	loc     *time.Location // the requested state's time zone

	statements  atomic.Int64                // see Statements
	caseWriters atomic.Pointer[CaseWriters] // set by tests: who writes the case tables

	// rulesStamp identifies the stored rules the node holds (SyncRules).
	rulesStamp atomic.Pointer[string]
	// recomputeWake starts this node's recomputation loop after an edit.
	recomputeWake chan struct{}
	// recomputeHook, set by tests, runs before each case of a batch; its
	// error aborts the batch as a crash would.
	recomputeHook func(caseID string) error
}

// The defaults of a sign-in session's lifetime.
const (
	// DefaultSessionTTL is the absolute lifetime of a sign-in session.
	DefaultSessionTTL = 12 * time.Hour
	// DefaultSessionIdle ends a sign-in session unused for this long.
	DefaultSessionIdle = 30 * time.Minute
)

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL, or a SQLite file path or file: URL.
	URL string
	// Rules are the agreement profiles and default calendars; nil loads the embedded defaults.
	Rules *deadline.Set
	// Country is the requested state the deployment serves (ISO 3166-1
	// alpha-2); its agreement profiles apply. Default "AZ".
	Country string
	Log     *slog.Logger
}

// Open connects to the database named by opts.URL, migrates it, and loads
// the holiday calendars and agreement profiles kept in it.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &DB{Now: time.Now, FourEyes: true, Argon: DefaultArgon, SessionTTL: DefaultSessionTTL, SessionIdle: DefaultSessionIdle, RememberDevice: DefaultRememberDevice, Throttle: DefaultThrottle, hashing: newHashGate(16), Log: opts.Log, dsn: opts.URL,
		recomputeWake: make(chan struct{}, 1)}
	var err error
	if strings.HasPrefix(opts.URL, "postgres://") || strings.HasPrefix(opts.URL, "postgresql://") {
		s.engine = Postgres
		if s.db, err = openCounted("pgx", opts.URL, &s.statements, &s.caseWriters); err != nil {
			return nil, err
		}
		s.db.SetMaxOpenConns(16)
		s.rdb = s.db
	} else {
		s.engine = SQLite
		path := strings.TrimPrefix(opts.URL, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("sqldb: create the data directory: %w", err)
			}
		}
		if !strings.Contains(opts.URL, "mode=memory") {
			if err := privateFile(path); err != nil {
				return nil, err
			}
		}
		base := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)"
		if s.db, err = openCounted("sqlite", base+"&_txlock=immediate", &s.statements, &s.caseWriters); err != nil {
			return nil, err
		}
		s.db.SetMaxOpenConns(1)
		if s.rdb, err = openCounted("sqlite", base+"&_pragma=query_only(1)", &s.statements, &s.caseWriters); err != nil {
			return nil, err
		}
		s.rdb.SetMaxOpenConns(4)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqldb: the database does not answer: %w", err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	rules := opts.Rules
	if rules == nil {
		if rules, err = deadline.Defaults(); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.loadCalendars(ctx, rules); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.loadProfiles(ctx, rules); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.loadSuspensions(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.loadReference(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.setCountry(opts.Country); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.checkDeploymentCountry(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// privateFile makes the SQLite database at path readable by its owner
// only, as the blobs and keys are: a new file is created 0600 (SQLite
// gives its -wal and -shm files the mode of the database), and an existing
// database, WAL or shared-memory file loses the permissions of group and
// others. An in-memory database has no file.
func privateFile(path string) error {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, ":memory:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqldb: open the database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sqldb: open the database file: %w", err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqldb: the database file: %w", err)
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 {
			if err := os.Chmod(name, mode&^0o077); err != nil {
				return fmt.Errorf("sqldb: make the database file private: %w", err)
			}
		}
	}
	return nil
}

// setCountry selects the requested state the deployment serves; it must
// have at least one agreement profile.
func (s *DB) setCountry(country string) error {
	if country == "" {
		country = "AZ"
	}
	rules := s.Rules()
	for _, id := range rules.ProfileIDs() {
		p, err := rules.Latest(id)
		if err != nil {
			return err
		}
		if p.RequestedState == country {
			loc, err := time.LoadLocation(p.TimeZone)
			if err != nil {
				return fmt.Errorf("sqldb: profile %s: time zone: %w", id, err)
			}
			s.country, s.loc = country, loc
			return nil
		}
	}
	return fmt.Errorf("sqldb: no agreement profile has %q as the requested state", country)
}

// Country returns the requested state the deployment serves.
func (s *DB) Country() string { return s.country }

// Engine reports which engine the store runs on.
func (s *DB) Engine() Engine { return s.engine }

// Close closes the connections.
func (s *DB) Close() error {
	var errs []error
	if s.rdb != nil && s.rdb != s.db {
		errs = append(errs, s.rdb.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers (for /healthz).
func (s *DB) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Rules returns the agreement profiles and calendars in force.
func (s *DB) Rules() *deadline.Set { return s.rules.Load() }

// Migrate applies the migrations of the engine.
func (s *DB) Migrate(ctx context.Context) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqldb: migrate: %w", err)
	}
	return nil
}

// migrations returns the migrations of the engine: the SQL files of its
// directory and the migrations written in Go (goMigrations).
func (s *DB) migrations() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.engine))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if s.engine == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, s.db, sub, goose.WithGoMigrations(goMigrations()...))
	if err != nil {
		return nil, fmt.Errorf("sqldb: migrations: %w", err)
	}
	return p, nil
}

// goMigrations returns the migrations written in Go, the same for both
// engines (new values each time: goose keeps state in them).
func goMigrations() []*goose.Migration {
	return []*goose.Migration{indexMigration(), countryMigration()}
}

// MigrationVersions lists the migration versions of an engine, those
// written in Go with those of its SQL files (for the parity test).
func MigrationVersions(e Engine) ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(e))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		out = append(out, strings.SplitN(e.Name(), "_", 2)[0])
	}
	for _, m := range goMigrations() {
		out = append(out, fmt.Sprintf("%05d", m.Version))
	}
	slices.Sort(out)
	return out, nil
}

// tx runs fn in a write transaction and commits it, retrying on PostgreSQL
// serialization failures and deadlocks.
func (s *DB) tx(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.tryTx(ctx, fn)
		var pgErr *pgconn.PgError
		if attempt < 4 && errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01") {
			time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
			continue
		}
		return err
	}
}

func (s *DB) tryTx(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{Tx: sqlTx, s: s, now: s.Now().UTC()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return sqlTx.Commit()
}

// Tx is a write transaction with the moment it started, so that everything
// written in it carries one time.
type Tx struct {
	*sql.Tx
	s   *DB
	now time.Time
}

// timeFormat is fixed-width so that stored instants sort as text on both engines.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// newID returns a UUIDv7: unique, unguessable enough for URLs, and ordered by creation.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// randomToken returns a fresh secret and the hex SHA-256 under which it is stored.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// redactURL hides the password of a database URL for messages.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	return p.Redacted()
}
