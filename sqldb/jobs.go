package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

// Job is a unit of background work (an e-mail to send, …) claimed by one
// node for a lease.
type Job struct {
	ID       string
	Kind     string
	Payload  json.RawMessage
	Attempts int // attempts before this one
}

// MaxJobAttempts is how often a job is tried before it is given up.
const MaxJobAttempts = 8

// skipLocked returns the clause that makes concurrent claims on PostgreSQL
// pass over rows another node is claiming (SQLite has one writer).
func (s *DB) skipLocked() string {
	if s.engine == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// ClaimJobs leases up to n due jobs of the given kinds to worker until now
// + lease. On PostgreSQL the candidates are locked with FOR UPDATE SKIP
// LOCKED inside the claiming transaction, so nodes running the scheduler at
// the same moment each get different jobs and every job runs once; a job
// whose node died is claimed again when its lease has passed.
func (s *DB) ClaimJobs(ctx context.Context, worker string, kinds []string, n int, lease time.Duration) ([]Job, error) {
	var out []Job
	err := s.tx(ctx, func(tx *Tx) error {
		now := formatTime(tx.now)
		args := []any{now}
		in := ""
		for i, k := range kinds {
			args = append(args, k)
			if i > 0 {
				in += ","
			}
			in += fmt.Sprintf("$%d", len(args))
		}
		args = append(args, n)
		rows, err := tx.QueryContext(ctx, `SELECT id, kind, payload, attempts FROM jobs
			WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
			AND kind IN (`+in+`) ORDER BY run_at, id LIMIT $`+fmt.Sprint(len(args))+s.skipLocked(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var j Job
			var payload string
			if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.Attempts); err != nil {
				rows.Close()
				return err
			}
			j.Payload = json.RawMessage(payload)
			out = append(out, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		until := formatTime(tx.now.Add(lease))
		for _, j := range out {
			res, err := tx.ExecContext(ctx, `UPDATE jobs SET locked_by = $1, locked_until = $2 WHERE id = $3 AND (locked_until IS NULL OR locked_until < $4)`,
				worker, until, j.ID, now)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return errors.New("sqldb: a job was claimed twice") // cannot happen under the row lock or SQLite's single writer
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FinishJob records the outcome of a claimed job: done when runErr is nil;
// otherwise another try after retryAfter, or given up (failed) when
// permanent is set or the attempts are used up. Only the worker holding the
// lease may finish it.
func (s *DB) FinishJob(ctx context.Context, worker, id string, runErr error, permanent bool, retryAfter time.Duration) error {
	return s.tx(ctx, func(tx *Tx) error {
		var attempts int
		var lockedBy string
		err := tx.QueryRowContext(ctx, `SELECT attempts, locked_by FROM jobs WHERE id = $1`+s.forUpdate(), id).Scan(&attempts, &lockedBy)
		if errors.Is(err, sql.ErrNoRows) {
			return ercms.Fail(ercms.ENotFound, "err.job.not_found")
		}
		if err != nil {
			return err
		}
		if lockedBy != worker {
			return ercms.Fail(ercms.EConflict, "err.job.held")
		}
		now := formatTime(tx.now)
		attempts++
		switch {
		case runErr == nil:
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET attempts = $1, done_at = $2, locked_until = NULL, last_error = '' WHERE id = $3`, attempts, now, id)
		case permanent || attempts >= MaxJobAttempts:
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET attempts = $1, failed_at = $2, locked_until = NULL, last_error = $3 WHERE id = $4`, attempts, now, runErr.Error(), id)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET attempts = $1, run_at = $2, locked_until = NULL, last_error = $3 WHERE id = $4`,
				attempts, formatTime(tx.now.Add(retryAfter)), runErr.Error(), id)
		}
		return err
	})
}

// EmailNotice is what an e-mail job sends: the notification and where to,
// in the user's language. It holds no personal data of the case.
type EmailNotice struct {
	To        string
	Language  string
	Kind      string
	CaseID    string
	Reference string
	// Detail and DueOn name which deadline, task or proposal, and its date
	// (ercms.Notification).
	Detail string
	DueOn  *civil.Date
}

// EmailNoticeFor reads what the e-mail job for payload must send.
func (s *DB) EmailNoticeFor(ctx context.Context, payload json.RawMessage) (EmailNotice, error) {
	var p struct {
		NotificationID string `json:"notification_id"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return EmailNotice{}, fmt.Errorf("sqldb: e-mail job payload: %w", err)
	}
	var n EmailNotice
	var due sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT u.email, u.language, n.kind, n.case_id, n.reference, n.detail, n.due_on FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = $1`,
		p.NotificationID).Scan(&n.To, &n.Language, &n.Kind, &n.CaseID, &n.Reference, &n.Detail, &due)
	if errors.Is(err, sql.ErrNoRows) {
		return n, ercms.Fail(ercms.ENotFound, "err.notification.not_found")
	}
	if err == nil && due.Valid {
		d, perr := civil.Parse(due.String)
		if perr != nil {
			return n, perr
		}
		n.DueOn = &d
	}
	return n, err
}
