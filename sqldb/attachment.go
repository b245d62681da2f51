package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"

	"github.com/ercms/ercms"
)

// NewAttachment is a checked upload (package blob has checked its type by
// content, its size and name, and re-encoded images) to attach to a case.
type NewAttachment = ercms.NewAttachment

// AddAttachment stores a file and attaches it to a case a may see, through
// the door (ercms.Attach): the case's version moves, so that a decision
// prepared before the file came is refused until the decider has seen it,
// and the audit event is a transmission to the other party when a party
// attaches it. The bytes go to the blob store once the file is accepted,
// under their SHA-256: storing the same bytes twice keeps one copy.
// Errors: ENotFound, EForbidden, EConflict, EInvalid (fields purpose,
// evidence_id, task_id, file), EInternal when no blob store is configured.
// It returns the attachment and the case's new version (its ETag).
func (s *DB) AddAttachment(ctx context.Context, a ercms.Actor, caseID string, n NewAttachment) (*ercms.Attachment, int, error) {
	var out *ercms.Attachment
	var version int
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		out, version, err = tx.addAttachment(ctx, a, caseID, n)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, version, nil
}

// addAttachment is AddAttachment inside a transaction.
func (tx *Tx) addAttachment(ctx context.Context, a ercms.Actor, caseID string, n NewAttachment) (*ercms.Attachment, int, error) {
	if tx.s.Blobs == nil {
		return nil, 0, errors.New("sqldb: no blob store configured")
	}
	sum := sha256.Sum256(n.Data)
	key := hex.EncodeToString(sum[:])
	c, ch, err := tx.change(ctx, a, caseID, 0, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
		ch, err := ercms.Attach(env, c, a, n, key)
		if err != nil {
			return ch, err
		}
		return ch, tx.s.Blobs.Put(ctx, key, n.Data)
	})
	if err != nil {
		return nil, 0, err
	}
	return ch.Attachment, c.Version, nil
}

const attachmentColumns = `id, case_id, purpose, evidence_id, task_id, name, kind, mime, size, sha256, org_id, uploaded_by, uploaded_at`

func scanAttachment(sc interface{ Scan(...any) error }) (ercms.Attachment, error) {
	var t ercms.Attachment
	var at string
	if err := sc.Scan(&t.ID, &t.CaseID, &t.Purpose, &t.EvidenceID, &t.TaskID, &t.Name, &t.Kind, &t.MIME, &t.Size, &t.SHA256, &t.OrgID, &t.UploadedBy, &at); err != nil {
		return t, err
	}
	var err error
	t.UploadedAt, err = parseTime(at)
	return t, err
}

// RemoveAttachment removes file id from draft case caseID through the door
// (ercms.Detach): the requesting authority takes back a file it attached
// before submitting; the removal is audited and the case's version moves.
// The bytes stay in the blob store (the audit trail names their hash).
// Errors: ENotFound, EForbidden, EConflict (not a draft),
// EPreconditionFailed (version, when not 0, is not the case's current
// one). It returns the new version.
func (s *DB) RemoveAttachment(ctx context.Context, a ercms.Actor, caseID, id string, version int) (int, error) {
	var out int
	err := s.tx(ctx, func(tx *Tx) error {
		c, _, err := tx.change(ctx, a, caseID, version, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
			t, err := scanAttachment(tx.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1 AND case_id = $2 AND removed_at IS NULL`, id, caseID))
			if errors.Is(err, sql.ErrNoRows) {
				return ercms.Detach(env, c, a, nil)
			}
			if err != nil {
				return ercms.Change{}, err
			}
			return ercms.Detach(env, c, a, &t)
		})
		if err != nil {
			return err
		}
		out = c.Version
		return nil
	})
	return out, err
}

// Attachments lists the files of a case that a may see, oldest first.
// Errors: ENotFound.
func (s *DB) Attachments(ctx context.Context, a ercms.Actor, caseID string) ([]ercms.Attachment, error) {
	var out []ercms.Attachment
	err := s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.loadCase(ctx, a, caseID, false); err != nil {
			return err
		}
		var err error
		out, err = tx.attachments(ctx, a, caseID)
		return err
	})
	return out, err
}

func (tx *Tx) attachments(ctx context.Context, a ercms.Actor, caseID string) ([]ercms.Attachment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE case_id = $1 AND removed_at IS NULL ORDER BY uploaded_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ercms.Attachment
	for rows.Next() {
		t, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		if ercms.MaySeeAttachment(a, t) {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// OpenAttachment returns an attachment of a case that a may see and its
// bytes; the read is audited before the bytes are returned. The caller
// closes the reader. Errors: ENotFound (also for a file a may not see).
func (s *DB) OpenAttachment(ctx context.Context, a ercms.Actor, caseID, id string) (*ercms.Attachment, io.ReadCloser, error) {
	if s.Blobs == nil {
		return nil, nil, errors.New("sqldb: no blob store configured")
	}
	var t ercms.Attachment
	err := s.tx(ctx, func(tx *Tx) error {
		c, err := tx.loadCase(ctx, a, caseID, false)
		if err != nil {
			return err
		}
		t, err = scanAttachment(tx.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1 AND case_id = $2 AND removed_at IS NULL`, id, caseID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !ercms.MaySeeAttachment(a, t)) {
			return ercms.Fail(ercms.ENotFound, "err.attachment.not_found")
		}
		if err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "attachment.read", objectType: "case", objectID: caseID,
			records: []string{"case:" + caseID, "attachment:" + id}, purpose: ercms.PurposeCaseHandling, partyState: c.RequestingState})
	})
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.Blobs.Open(ctx, t.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return &t, rc, nil
}
