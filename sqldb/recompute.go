package sqldb

// Recomputation of running deadlines after an edit of holiday data, in
// small batches. The edit stores the year, its audit event and a row of
// recomputations in one transaction; the recomputation itself runs
// afterwards, batch by batch, each batch one short transaction that locks
// the row (FOR UPDATE SKIP LOCKED on PostgreSQL, the one writer on SQLite),
// recomputes the cases after the row's cursor through the door and moves
// the cursor past them. A batch is therefore done exactly once, by
// whichever node takes it, and a node that dies mid-batch leaves nothing
// half done: its transaction rolls back and the next node takes the batch.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/deadline"
)

// RecomputeBatchSize is how many cases one batch of a recomputation takes.
const RecomputeBatchSize = 100

// Recomputation is the progress of one recomputation of the running
// deadlines, started by an edit of holiday data.
type Recomputation struct {
	ID string `json:"id"`
	// Reason names the edit: "calendar:AZ-2026".
	Reason string `json:"reason"`
	// Total is the number of cases with a running clock when it started.
	Total int `json:"total"`
	// Done is the number of cases recomputed so far (cases whose clocks
	// started after the edit are counted too, so Done may pass Total).
	Done int `json:"done"`
	// Moved is the number of cases whose due dates moved.
	Moved int `json:"moved"`
	// Failed is the number of cases that could not be recomputed; the log
	// names them by id.
	Failed    int       `json:"failed"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// FinishedAt is set once every case was taken, or when a later edit
	// superseded this recomputation (SupersededBy names the later one).
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
	SupersededBy string     `json:"superseded_by,omitempty"`
}

// Running reports whether the recomputation is still at work.
func (r Recomputation) Running() bool { return r.FinishedAt == nil }

// Subject returns what the edit changed: "AZ-2026" of "calendar:AZ-2026".
func (r Recomputation) Subject() string {
	_, after, found := strings.Cut(r.Reason, ":")
	if !found {
		return r.Reason
	}
	return after
}

// Progress returns how many of Total cases are done, never more than Total.
func (r Recomputation) Progress() int { return min(r.Done, r.Total) }

const recomputationCols = `id, reason, total, done, moved, failed, cursor, created_by, created_at, updated_at, finished_at, superseded_by`

type rowScanner interface{ Scan(...any) error }

func scanRecomputation(row rowScanner) (Recomputation, string, error) {
	var r Recomputation
	var cursor, created, updated string
	var finished sql.NullString
	if err := row.Scan(&r.ID, &r.Reason, &r.Total, &r.Done, &r.Moved, &r.Failed, &cursor, &r.CreatedBy, &created, &updated, &finished, &r.SupersededBy); err != nil {
		return r, "", err
	}
	var err error
	if r.CreatedAt, err = parseTime(created); err != nil {
		return r, "", err
	}
	if r.UpdatedAt, err = parseTime(updated); err != nil {
		return r, "", err
	}
	if finished.Valid {
		t, err := parseTime(finished.String)
		if err != nil {
			return r, "", err
		}
		r.FinishedAt = &t
	}
	return r, cursor, nil
}

// startRecomputation records, in the edit's transaction, that every case
// with a running clock is to be recomputed; a recomputation still at work
// is superseded (the new one takes every case again, on the newer data).
func (tx *Tx) startRecomputation(ctx context.Context, a ercms.Actor, reason string) (Recomputation, error) {
	r := Recomputation{ID: newID(), Reason: reason, CreatedBy: a.Username, CreatedAt: tx.now, UpdatedAt: tx.now}
	if r.CreatedBy == "" {
		r.CreatedBy = "system"
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT case_id) FROM case_deadlines WHERE status = 'running'`).Scan(&r.Total); err != nil {
		return r, err
	}
	now := formatTime(tx.now)
	if _, err := tx.ExecContext(ctx, `UPDATE recomputations SET finished_at = $1, updated_at = $1, superseded_by = $2 WHERE finished_at IS NULL`, now, r.ID); err != nil {
		return r, err
	}
	var finished any
	if r.Total == 0 {
		finished, r.FinishedAt = now, &r.CreatedAt
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO recomputations (id, reason, total, created_by, created_at, updated_at, finished_at) VALUES ($1,$2,$3,$4,$5,$5,$6)`,
		r.ID, r.Reason, r.Total, r.CreatedBy, now, finished)
	return r, err
}

// errStaleRules aborts a batch whose node computed with calendars older
// than the database's; the batch is taken again after a reload.
var errStaleRules = errors.New("sqldb: the holiday calendars changed during the batch")

// RecomputeBatch recomputes the next batch of at most n cases (n <= 0:
// RecomputeBatchSize) of the open recomputation, through the door, in one
// transaction, and returns the recomputation's progress after it; ok is
// false when no recomputation is open (or another node holds the one
// that is). A case that fails is logged by id, counted and skipped.
func (s *DB) RecomputeBatch(ctx context.Context, n int) (r Recomputation, ok bool, err error) {
	if n <= 0 {
		n = RecomputeBatchSize
	}
	for attempt := 0; ; attempt++ {
		stamp, err := s.SyncRules(ctx)
		if err != nil {
			return r, false, err
		}
		r, ok, err = s.recomputeBatch(ctx, n, stamp)
		if errors.Is(err, errStaleRules) && attempt < 3 {
			continue
		}
		return r, ok, err
	}
}

func (s *DB) recomputeBatch(ctx context.Context, n int, stamp string) (r Recomputation, ok bool, err error) {
	err = s.tx(ctx, func(tx *Tx) error {
		ok = false
		rec, cursor, err := scanRecomputation(tx.QueryRowContext(ctx, `SELECT `+recomputationCols+` FROM recomputations
			WHERE finished_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`+s.skipLocked()))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		r, ok = rec, true
		// The calendars this node computes with must be those stored with
		// the recomputation's edit (or later ones).
		if cur, err := tx.rulesStamp(ctx); err != nil {
			return err
		} else if cur != stamp {
			return errStaleRules
		}
		now := formatTime(tx.now)
		// Two edits on two nodes at once may both have left theirs open.
		if _, err := tx.ExecContext(ctx, `UPDATE recomputations SET finished_at = $1, updated_at = $1, superseded_by = $2
			WHERE finished_at IS NULL AND (created_at < $3 OR (created_at = $3 AND id < $2))`, now, r.ID, formatTime(r.CreatedAt)); err != nil {
			return err
		}
		ids, err := tx.column(ctx, `SELECT DISTINCT case_id FROM case_deadlines WHERE status = 'running' AND case_id > $1 ORDER BY case_id LIMIT $2`, cursor, n)
		if err != nil {
			return err
		}
		cals := s.Rules().Calendars()
		for _, id := range ids {
			moved, err := tx.recomputeCase(ctx, id, cals)
			if err != nil {
				return err
			}
			switch {
			case moved == nil:
				r.Failed++
			case *moved:
				r.Moved++
			}
			r.Done++
			cursor = id
		}
		var finished any
		if len(ids) < n {
			finished, r.FinishedAt = now, &tx.now
		}
		r.UpdatedAt = tx.now
		_, err = tx.ExecContext(ctx, `UPDATE recomputations SET done = $1, moved = $2, failed = $3, cursor = $4, updated_at = $5, finished_at = $6 WHERE id = $7`,
			r.Done, r.Moved, r.Failed, cursor, now, finished, r.ID)
		return err
	})
	if err != nil {
		return Recomputation{}, false, err
	}
	if ok && r.FinishedAt != nil {
		s.Log.Info("deadlines recomputed", "recomputation", r.ID, "reason", r.Reason, "cases", r.Done, "moved", r.Moved, "failed", r.Failed)
	}
	return r, ok, nil
}

// recomputeCase recomputes one case through the door inside a savepoint:
// moved reports whether its dates moved, nil when the case failed (it is
// logged by id and left as it was). An error aborts the whole batch: the
// transaction can go no further (the context ended, the connection broke, a
// serialization failure to retry).
func (tx *Tx) recomputeCase(ctx context.Context, id string, cals *deadline.Calendars) (*bool, error) {
	if hook := tx.s.recomputeHook; hook != nil {
		if err := hook(id); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT recompute_case`); err != nil {
		return nil, err
	}
	_, ch, err := tx.change(ctx, ercms.SystemActor(), id, 0, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
		return ercms.RecomputeDeadlines(env, c, ercms.SystemActor(), cals)
	})
	if err == nil {
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT recompute_case`); err != nil {
			return nil, err
		}
		moved := !ch.Unchanged
		return &moved, nil
	}
	if ctx.Err() != nil || retryable(err) {
		return nil, err
	}
	if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT recompute_case`); rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE SAVEPOINT recompute_case`); rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	// The error names the case by id and says what failed, never its data.
	tx.s.Log.Warn("recompute deadlines: case skipped", "case", id, "code", ercms.ErrorCode(err), "err", err)
	return nil, nil
}

// retryable reports a PostgreSQL serialization failure or deadlock, after
// which the transaction is taken again from its start.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// RecomputeAll runs the batches of the open recomputations to their end
// (for tests, and where an edit's result is wanted at once) and returns the
// last one's progress.
func (s *DB) RecomputeAll(ctx context.Context) (Recomputation, error) {
	var last Recomputation
	for {
		r, ok, err := s.RecomputeBatch(ctx, RecomputeBatchSize)
		if err != nil || !ok {
			return last, err
		}
		last = r
	}
}

// RunRecomputations recomputes in the background until ctx ends: every
// interval (and at once after an edit on this node) it checks that this
// node's calendars and profiles are those of the database, then takes
// batches until no recomputation is open.
func (s *DB) RunRecomputations(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			_, ok, err := s.RecomputeBatch(ctx, RecomputeBatchSize)
			if err != nil {
				if ctx.Err() == nil {
					s.Log.Error("recompute deadlines", "err", err)
				}
				break
			}
			if !ok {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.recomputeWake:
		}
	}
}

// wakeRecomputation tells this node's background loop that there is work.
func (s *DB) wakeRecomputation() {
	select {
	case s.recomputeWake <- struct{}{}:
	default:
	}
}

// Recomputations returns the latest recomputations, newest first (at most
// limit; limit <= 0: 10). Errors: EForbidden (not an administrator).
func (s *DB) Recomputations(ctx context.Context, a ercms.Actor, limit int) ([]Recomputation, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.recompute.admin_only")
	}
	if limit <= 0 {
		limit = 10
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+recomputationCols+` FROM recomputations ORDER BY created_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Recomputation{}
	for rows.Next() {
		r, _, err := scanRecomputation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// rulesStamp identifies the stored holiday calendars and agreement
// profiles: it changes with every edit of either (each calendar edit adds a
// recomputation, each profile edit a version; rows of neither are deleted).
func (tx *Tx) rulesStamp(ctx context.Context) (string, error) {
	return rulesStamp(ctx, tx)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func rulesStamp(ctx context.Context, q queryRower) (string, error) {
	var years, edits, profiles int
	var updated string
	err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM calendar_years), (SELECT COALESCE(MAX(updated_at), '') FROM calendar_years),
		(SELECT COUNT(*) FROM recomputations), (SELECT COUNT(*) FROM agreement_profiles)`).Scan(&years, &updated, &edits, &profiles)
	return fmt.Sprintf("%d/%s/%d/%d", years, updated, edits, profiles), err
}

// SyncRules makes this node's calendars and agreement profiles those of the
// database, reloading them when another node (or an edit here) changed
// them since they were loaded, with one cheap query when nothing changed;
// it returns the stamp of the rules now held. The background loop runs it
// every interval, so that every node computes with the same rules.
func (s *DB) SyncRules(ctx context.Context) (string, error) {
	s.calMu.Lock()
	defer s.calMu.Unlock()
	stamp, err := rulesStamp(ctx, s.db)
	if err != nil {
		return "", err
	}
	if p := s.rulesStamp.Load(); p != nil && *p == stamp {
		return stamp, nil
	}
	years, err := s.calendarYears(ctx)
	if err != nil {
		return "", err
	}
	cals, err := deadline.NewCalendars(years)
	if err != nil {
		return "", fmt.Errorf("sqldb: holiday calendars in the database: %w", err)
	}
	profiles, err := s.storedProfiles(ctx)
	if err != nil {
		return "", err
	}
	set, err := deadline.NewSet(profiles, cals)
	if err != nil {
		return "", fmt.Errorf("sqldb: agreement profiles in the database: %w", err)
	}
	s.rules.Store(set)
	s.rulesStamp.Store(&stamp)
	return stamp, nil
}
