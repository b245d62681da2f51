package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ercms/ercms"
)

// auditEvent is one entry of the audit trail as written by a transaction.
// It holds references (ids, field names), never personal data.
type auditEvent struct {
	actor      ercms.Actor
	action     string
	objectType string
	objectID   string
	records    []string // references of the records shown or changed: "case:…", "person:…", "task:…"
	purpose    string
	recipient  string // the party a transmission went to (a state code or organisation id)
	partyState string // the member state whose record this is (for its export)
	details    map[string]any
}

// audit appends e to the audit trail inside the transaction. The sequencer
// links it into the hash chain later, so no transaction waits on a chain head.
func (tx *Tx) audit(ctx context.Context, e auditEvent) error {
	_, err := tx.ExecContext(ctx, auditInsertSQL, e.args(tx.now)...)
	return err
}

const auditInsertSQL = `INSERT INTO audit_events (id, at, actor_id, actor_username, org_id, action, object_type, object_id, records, purpose, recipient, party_state, details)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`

// args returns the values of auditInsertSQL for e recorded at now.
func (e auditEvent) args(now time.Time) []any {
	if e.records == nil {
		e.records = []string{}
	}
	rec, _ := json.Marshal(e.records)
	det := []byte("{}")
	if e.details != nil {
		det, _ = json.Marshal(e.details)
	}
	if e.purpose == "" {
		e.purpose = e.action
	}
	return []any{newID(), formatTime(now), e.actor.UserID, e.actor.Username, e.actor.Org.ID, e.action, e.objectType, e.objectID,
		string(rec), e.purpose, e.recipient, e.partyState, string(det)}
}

// AuditEvent is a sequenced entry of the audit trail.
type AuditEvent struct {
	Seq        int64           `json:"seq"`
	ID         string          `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    string          `json:"actor_id"`
	Actor      string          `json:"actor"`
	OrgID      string          `json:"organisation_id"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Records    json.RawMessage `json:"records"`
	Purpose    string          `json:"purpose"`
	Recipient  string          `json:"recipient,omitempty"`
	PartyState string          `json:"party_state,omitempty"`
	Details    json.RawMessage `json:"details"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// chainHash is the hash of an event given the hash of the one before it.
func chainHash(prev string, e *AuditEvent) string {
	canon, _ := json.Marshal([]any{e.Seq, e.ID, e.At.UTC().Format(timeFormat), e.ActorID, e.Actor, e.OrgID, e.Action,
		e.ObjectType, e.ObjectID, string(e.Records), e.Purpose, e.Recipient, e.PartyState, string(e.Details)})
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

const auditColumns = `id, COALESCE(seq, 0), at, actor_id, actor_username, org_id, action, object_type, object_id, records, purpose, recipient, party_state, details, prev_hash, hash`

func scanAudit(row interface{ Scan(...any) error }) (AuditEvent, error) {
	var e AuditEvent
	var at, rec, det string
	err := row.Scan(&e.ID, &e.Seq, &at, &e.ActorID, &e.Actor, &e.OrgID, &e.Action, &e.ObjectType, &e.ObjectID, &rec, &e.Purpose, &e.Recipient, &e.PartyState, &det, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, err
	}
	e.Records, e.Details = json.RawMessage(rec), json.RawMessage(det)
	e.At, err = parseTime(at)
	return e, err
}

// auditBatch is how many pending events one sequencer transaction links.
const auditBatch = 500

// SequenceAudit links every pending audit event into the hash chain, in
// order of time, in batches; it returns how many it linked. One sequencer at a
// time holds the chain head (a row lock on PostgreSQL, the write lock on
// SQLite); business transactions never touch it.
func (s *DB) SequenceAudit(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := s.tx(ctx, func(tx *Tx) error {
			var seq int64
			var head string
			if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+s.forUpdate()).Scan(&seq, &head); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE seq IS NULL ORDER BY at, id LIMIT `+fmt.Sprint(auditBatch))
			if err != nil {
				return err
			}
			var batch []AuditEvent
			for rows.Next() {
				e, err := scanAudit(rows)
				if err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, e)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for i := range batch {
				e := &batch[i]
				seq++
				e.Seq, e.PrevHash = seq, head
				head = chainHash(head, e)
				if _, err := tx.ExecContext(ctx, `UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4`, e.Seq, e.PrevHash, head, e.ID); err != nil {
					return err
				}
			}
			n = len(batch)
			if n == 0 {
				return nil
			}
			_, err = tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, head)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < auditBatch {
			return total, nil
		}
	}
}

// RunAuditSequencer links pending events every interval until ctx ends.
func (s *DB) RunAuditSequencer(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.SequenceAudit(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("audit sequencer", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Checked int64  `json:"checked"`
	Pending int64  `json:"pending"`
	Head    string `json:"head"`
	// BrokenAt is the sequence number of the first event that does not verify (0 when the chain is whole).
	BrokenAt int64  `json:"broken_at,omitempty"`
	BrokenID string `json:"broken_id,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

// OK reports whether the chain verified.
func (r AuditReport) OK() bool { return r.BrokenAt == 0 && r.Problem == "" }

// VerifyAudit recomputes the hash chain from the first event and reports the
// first event that was edited, deleted, inserted or moved.
func (s *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	return s.verifyAudit(ctx, 0, "")
}

// VerifyAuditSince verifies the events linked since the last verification
// it recorded (the audit trail's page calls it on every first page), and
// records where it got to when the chain is whole. The checkpoint's own
// event must still carry the hash recorded; when it does not, or the
// chain is broken, the whole chain is verified again, to name the first
// event that does not verify.
func (s *DB) VerifyAuditSince(ctx context.Context) (AuditReport, error) {
	var seq int64
	var hash string
	if err := s.rdb.QueryRowContext(ctx, `SELECT seq, hash FROM audit_verified WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return AuditReport{}, err
	}
	if seq > 0 {
		var now string
		err := s.rdb.QueryRowContext(ctx, `SELECT hash FROM audit_events WHERE seq = $1`, seq).Scan(&now)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return AuditReport{}, err
		}
		if now != hash {
			seq, hash = 0, ""
		}
	}
	r, err := s.verifyAudit(ctx, seq, hash)
	if err != nil || !r.OK() {
		if err == nil && seq > 0 {
			return s.verifyAudit(ctx, 0, "")
		}
		return r, err
	}
	if r.Checked > seq {
		err = s.tx(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE audit_verified SET seq = $1, hash = $2, verified_at = $3 WHERE id = 1 AND seq < $1`,
				r.Checked, r.Head, formatTime(tx.now))
			return err
		})
	}
	return r, err
}

// verifyAudit verifies the chain after event from, whose hash is prev
// (0 and "" for the whole chain); the report counts the events up to from
// as checked.
func (s *DB) verifyAudit(ctx context.Context, from int64, prev string) (AuditReport, error) {
	r := AuditReport{Checked: from}
	if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE seq IS NULL`).Scan(&r.Pending); err != nil {
		return r, err
	}
	var headSeq int64
	var headHash string
	if err := s.rdb.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return r, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE seq > $1 ORDER BY seq`, from)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	want := from + 1
	var afterHead, last string // the ids of the first event past the head's, if any, and of the last event
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return r, err
		}
		fail := func(problem string) (AuditReport, error) {
			r.BrokenAt, r.BrokenID, r.Problem = want, e.ID, problem
			return r, nil
		}
		switch {
		case e.Seq != want:
			return fail(fmt.Sprintf("event %d is missing (next event found is %d)", want, e.Seq))
		case e.PrevHash != prev:
			return fail(fmt.Sprintf("event %d does not link to event %d", e.Seq, e.Seq-1))
		case chainHash(prev, &e) != e.Hash:
			return fail(fmt.Sprintf("event %d was changed after it was recorded", e.Seq))
		}
		if e.Seq == headSeq+1 {
			afterHead = e.ID
		}
		prev, last = e.Hash, e.ID
		r.Checked++
		want++
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.Head = prev
	switch {
	case r.Checked < headSeq:
		r.BrokenAt, r.Problem = r.Checked+1, fmt.Sprintf("the chain ends at event %d but its head records event %d: events were removed from the end", r.Checked, headSeq)
	case r.Checked > headSeq:
		// Events that link well but lie past the head were not written by
		// the sequencer: the first of them is the first forged one.
		r.BrokenAt, r.BrokenID = headSeq+1, afterHead
		r.Problem = fmt.Sprintf("the chain runs to event %d but its head records event %d: events were added after the head", r.Checked, headSeq)
	case prev != headHash:
		r.BrokenAt, r.BrokenID = headSeq, last
		r.Problem = fmt.Sprintf("event %d does not match the chain head: the chain was rewritten", headSeq)
	}
	return r, nil
}

// AuditFilter selects audit events.
type AuditFilter struct {
	ObjectID string
	After    int64 // sequence number to continue after
	Limit    int
}

// AuditEvents lists sequenced audit events for auditors and the data protection officer.
func (s *DB) AuditEvents(ctx context.Context, a ercms.Actor, f AuditFilter) ([]AuditEvent, error) {
	if a.Role != ercms.RoleAuditor && a.Role != ercms.RoleDPO {
		return nil, ercms.Fail(ercms.EForbidden, "err.audit.forbidden")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT ` + auditColumns + ` FROM audit_events WHERE seq > $1`
	args := []any{f.After}
	if f.ObjectID != "" {
		q += ` AND object_id = $2`
		args = append(args, f.ObjectID)
	}
	q += ` ORDER BY seq LIMIT ` + fmt.Sprint(f.Limit)
	return s.queryAudit(ctx, q, args...)
}

// Transmissions returns the member state's own record of transmissions and
// receipts (DOMAIN.md §7) between two dates, for its export.
func (s *DB) Transmissions(ctx context.Context, a ercms.Actor, from, to time.Time) ([]AuditEvent, error) {
	if !a.IsRequesting() {
		return nil, ercms.Fail(ercms.EForbidden, "err.audit.transmissions_forbidden")
	}
	var out []AuditEvent
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		out, err = queryAudit(ctx, tx, `SELECT `+auditColumns+` FROM audit_events
			WHERE party_state = $1 AND recipient <> '' AND at >= $2 AND at < $3 ORDER BY at, id`, a.Org.State, formatTime(from), formatTime(to))
		if err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "audit.export", objectType: "transmissions", purpose: ercms.PurposeTransmissionExport, partyState: a.Org.State})
	})
	return out, err
}

// queryAudit reads the audit events query q returns.
func (s *DB) queryAudit(ctx context.Context, q string, args ...any) ([]AuditEvent, error) {
	return queryAudit(ctx, s.rdb, q, args...)
}

// queryAudit reads the audit events query q of db returns.
func queryAudit(ctx context.Context, db querier, q string, args ...any) ([]AuditEvent, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// forUpdate locks the selected rows on PostgreSQL; SQLite's immediate
// transactions already hold the database's write lock.
func (s *DB) forUpdate() string {
	if s.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func fillRandom(b []byte) error { _, err := rand.Read(b); return err }

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

var _ = sql.ErrNoRows
