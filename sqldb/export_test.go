package sqldb

// Test hooks for the external tests of package sqldb_test: raw SQL access to
// tamper with a store, the audit chain's hash, and a bulk loader for the
// benchmarks that writes the rows CreateCase writes, fast.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/names"
)

// SQL returns the store's writing connection pool, for tests that inspect or
// tamper with tables directly.
func (s *DB) SQL() *sql.DB { return s.db }

// ChainHash is the audit chain's hash of e after the event whose hash is prev.
func ChainHash(prev string, e *AuditEvent) string { return chainHash(prev, e) }

// RedoSearchIndex takes the store back before the migrations of the search
// index (9 and 10) and up again, as a store kept before them is migrated.
func (s *DB) RedoSearchIndex(ctx context.Context) error { return s.redoFrom(ctx, 8) }

// redoFrom takes the store down to migration version and up again.
func (s *DB) redoFrom(ctx context.Context, version int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// SchemaKey is a digest of the migrations of both engines: benchmark
// fixtures cached on disk are keyed by it.
func SchemaKey() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// BulkCreateCases creates one case per NewCase for actor a, writing the same
// rows CreateCase would (cases, case_names, case_tasks, case_deadlines,
// case_events, the case.create audit event, reference counters), but with
// prepared statements (SQLite) or COPY (PostgreSQL) in large transactions.
// adjust, when not nil, may change each case before it is written (a status
// for a list benchmark, say); it must keep the case consistent. The cases are
// created at the store's Now; it returns their ids in order of creation.
func (s *DB) BulkCreateCases(ctx context.Context, a ercms.Actor, ns []ercms.NewCase, adjust func(i int, c *ercms.Case)) ([]string, error) {
	if !a.IsRequesting() || a.Org.Kind != ercms.OrgRequestingAuthority {
		return nil, ercms.Errorf(ercms.EForbidden, "Only a requesting state's authority submits applications.")
	}
	p, err := s.profileFor(a.Org.State)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	today := p.ReceivedOn(now)
	year := now.Year()
	var last int
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(last), 0) FROM reference_counters WHERE requested_state = $1 AND requesting_state = $2 AND year = $3`,
		p.RequestedState, a.Org.State, year).Scan(&last)
	if err != nil {
		return nil, err
	}
	var b bulkRows
	skels := map[string]bool{}
	ids := make([]string, 0, len(ns))
	for i, n := range ns {
		if err := n.Prepare(newID, today); err != nil {
			return nil, fmt.Errorf("case %d: %w", i, err)
		}
		last++
		ref := fmt.Sprintf("%s-%s-%d-%05d", p.RequestedState, a.Org.State, year, last)
		c := ercms.NewCaseFrom(n, a, newID(), ref, p.RequestedState, p.ID, p.Version, now)
		if n.NoApplication {
			return nil, fmt.Errorf("case %d: the bulk loader makes no no-application cases", i)
		}
		if adjust != nil {
			adjust(i, c)
		}
		data, err := caseData(c)
		if err != nil {
			return nil, err
		}
		b.cases = append(b.cases, caseInsertArgs(c, data))
		for _, tok := range nameTokens(c) {
			skel := names.Skeleton(tok)
			b.names = append(b.names, []any{c.ID, tok, skel})
			skels[skel] = true
		}
		for _, id := range caseIdentifiers(c) {
			b.ids = append(b.ids, []any{c.ID, id})
		}
		for _, t := range c.Tasks {
			b.tasks = append(b.tasks, []any{t.ID, c.ID, t.OrgID, t.Kind, t.Status})
		}
		for _, d := range c.Deadlines {
			b.deadlines = append(b.deadlines, []any{c.ID, d.Kind, d.TaskID, dateOrNil(d.DueOn), d.Status})
		}
		for _, e := range c.Timeline {
			args, err := eventArgs(c.ID, e)
			if err != nil {
				return nil, err
			}
			b.events = append(b.events, args)
		}
		b.audit = append(b.audit, createAudit(a, c).args(now))
		ids = append(ids, c.ID)
	}
	const chunk = 5000 // cases per transaction
	for lo := 0; lo < len(b.cases); lo += chunk {
		if err := s.bulkWrite(ctx, b.slice(lo, min(lo+chunk, len(b.cases)))); err != nil {
			return nil, err
		}
	}
	all := slices.Sorted(maps.Keys(skels))
	for len(all) > 0 {
		n := min(len(all), 100)
		if err := insertVariants(ctx, s.db, all[:n]); err != nil {
			return nil, err
		}
		all = all[n:]
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO reference_counters (requested_state, requesting_state, year, last) VALUES ($1,$2,$3,$4)
		ON CONFLICT (requested_state, requesting_state, year) DO UPDATE SET last = excluded.last`, p.RequestedState, a.Org.State, year, last)
	return ids, err
}

// bulkRows holds the rows of a batch of cases, table by table.
type bulkRows struct {
	cases, names, ids, tasks, deadlines, events, audit [][]any
}

// slice returns the rows of cases lo to hi (the other tables by case id).
func (b *bulkRows) slice(lo, hi int) *bulkRows {
	keep := map[any]bool{}
	for _, r := range b.cases[lo:hi] {
		keep[r[0]] = true
	}
	pick := func(rows [][]any, col int) [][]any {
		var out [][]any
		for _, r := range rows {
			if keep[r[col]] {
				out = append(out, r)
			}
		}
		return out
	}
	return &bulkRows{cases: b.cases[lo:hi], names: pick(b.names, 0), ids: pick(b.ids, 0), tasks: pick(b.tasks, 1),
		deadlines: pick(b.deadlines, 0), events: pick(b.events, 1), audit: pick(b.audit, 7)}
}

var bulkTables = []struct {
	name string
	cols []string
	rows func(*bulkRows) [][]any
}{
	{"cases", []string{"id", "reference", "type", "status", "version", "profile_id", "profile_version", "requested_state",
		"requesting_state", "requesting_org_id", "requesting_reference", "procedure", "category", "received_on", "previous_case_id", "assigned_to",
		"crossing_point", "handover_on", "next_due_on", "data", "created_at", "updated_at"}, func(b *bulkRows) [][]any { return b.cases }},
	{"case_names", []string{"case_id", "token", "skeleton"}, func(b *bulkRows) [][]any { return b.names }},
	{"case_identifiers", []string{"case_id", "value"}, func(b *bulkRows) [][]any { return b.ids }},
	{"case_tasks", []string{"id", "case_id", "org_id", "kind", "status"}, func(b *bulkRows) [][]any { return b.tasks }},
	{"case_deadlines", []string{"case_id", "kind", "task_id", "due_on", "status"}, func(b *bulkRows) [][]any { return b.deadlines }},
	{"case_events", []string{"id", "case_id", "at", "action", "from_status", "to_status", "actor_id", "actor", "org_id", "note", "note_key", "note_args", "text", "codes"}, func(b *bulkRows) [][]any { return b.events }},
	{"audit_events", []string{"id", "at", "actor_id", "actor_username", "org_id", "action", "object_type", "object_id", "records", "purpose",
		"recipient", "party_state", "details"}, func(b *bulkRows) [][]any { return b.audit }},
}

// bulkWrite writes one batch in one transaction.
func (s *DB) bulkWrite(ctx context.Context, b *bulkRows) error {
	if s.engine == Postgres {
		return s.bulkCopy(ctx, b)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range bulkTables {
		ph := make([]string, len(t.cols))
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO `+t.name+` (`+strings.Join(t.cols, ", ")+`) VALUES (`+strings.Join(ph, ",")+`)`)
		if err != nil {
			return err
		}
		for _, r := range t.rows(b) {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				st.Close()
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		st.Close()
	}
	return tx.Commit()
}

// bulkCopy writes one batch with COPY in one transaction.
func (s *DB) bulkCopy(ctx context.Context, b *bulkRows) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		if w, ok := dc.(interface{ Raw() driver.Conn }); ok {
			dc = w.Raw()
		}
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		for _, t := range bulkTables {
			rows := t.rows(b)
			if len(rows) == 0 {
				continue
			}
			text := make([][]any, len(rows))
			for i, r := range rows {
				text[i] = copyValues(r)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(text)); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		return tx.Commit(ctx)
	})
}

// copyValues turns the values database/sql would convert (named string
// types, sql.NullString, *string) into what COPY takes.
func copyValues(r []any) []any {
	out := slices.Clone(r)
	for i, v := range out {
		switch x := v.(type) {
		case sql.NullString:
			if x.Valid {
				out[i] = x.String
			} else {
				out[i] = nil
			}
		case *string:
			if x == nil {
				out[i] = nil
			} else {
				out[i] = *x
			}
		case ercms.CaseType:
			out[i] = string(x)
		case ercms.State:
			out[i] = string(x)
		case ercms.Procedure:
			out[i] = string(x)
		case ercms.Category:
			out[i] = string(x)
		case ercms.DeadlineStatus:
			out[i] = string(x)
		case int:
			out[i] = int64(x)
		case time.Time:
			out[i] = formatTime(x)
		}
	}
	return out
}

// TraceCaseWrites switches on the log of who writes the case tables.
func (s *DB) TraceCaseWrites() *CaseWriters {
	w := &CaseWriters{}
	s.caseWriters.Store(w)
	return w
}

// SetRecomputeHook makes f run before each case of a recomputation's batch;
// an error from f aborts the batch as a crash would.
func (s *DB) SetRecomputeHook(f func(caseID string) error) { s.recomputeHook = f }

// RedoCountryCodes takes the store back before the migration of countries
// to codes (12) and up again, as a store kept before it is migrated.
func (s *DB) RedoCountryCodes(ctx context.Context) error { return s.redoFrom(ctx, 11) }

// UndoSessionActivity takes the store back before migration 15 (when a
// session was last seen, the scope and end of API tokens); Migrate brings
// it up again.
func (s *DB) UndoSessionActivity(ctx context.Context) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, 14)
	return err
}

// HashToken is the hash under which a token is stored.
func HashToken(token string) string { return hashToken(token) }
