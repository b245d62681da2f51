package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"slices"

	"github.com/ercms/ercms"
)

// NewAttachment is a checked upload (package blob has checked its type by
// content, its size and name, and re-encoded images) to attach to a case.
type NewAttachment struct {
	Purpose    string
	EvidenceID string
	TaskID     string
	Name       string
	Kind       string
	MIME       string
	Data       []byte
}

func invalidField(field, msg string) error {
	return &ercms.Error{Code: ercms.EInvalid, Message: "The request has errors; correct the fields listed.", Fields: map[string]string{field: msg}}
}

// AddAttachment stores a file and attaches it to a case a may see, in one
// transaction with its audit event (a transmission to the other party when
// a party attaches it). The bytes go to the blob store first, under their
// SHA-256: storing the same bytes twice keeps one copy, and bytes of a
// refused attachment are never referenced. Errors: ENotFound, EForbidden,
// EInvalid (fields purpose, evidence_id, task_id, file), EInternal when no
// blob store is configured.
func (s *DB) AddAttachment(ctx context.Context, a ercms.Actor, caseID string, n NewAttachment) (*ercms.Attachment, error) {
	if s.Blobs == nil {
		return nil, errors.New("sqldb: no blob store configured")
	}
	var out *ercms.Attachment
	err := s.tx(ctx, func(tx *Tx) error {
		c, err := tx.loadCase(ctx, a, caseID, false)
		if err != nil {
			return err
		}
		out, err = tx.addAttachment(ctx, a, c, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addAttachment is AddAttachment inside a transaction, for case c already
// read in a's scope.
func (tx *Tx) addAttachment(ctx context.Context, a ercms.Actor, c *ercms.Case, n NewAttachment) (*ercms.Attachment, error) {
	caseID := c.ID
	if !slices.Contains(ercms.AttachmentPurposes, n.Purpose) {
		return nil, invalidField("purpose", "Choose what the file is: evidence, photo, fingerprints, form, original or answer.")
	}
	if !ercms.MayAttach(a, c, n.Purpose) {
		return nil, ercms.Errorf(ercms.EForbidden, "Your role does not attach files of this kind to the case.")
	}
	if ercms.Terminal(c.Status) {
		return nil, ercms.Errorf(ercms.EConflict, "The case is %s: it takes no more files.", c.Status)
	}
	if n.EvidenceID != "" && !slices.ContainsFunc(c.Evidence, func(e ercms.Evidence) bool { return e.ID == n.EvidenceID }) {
		return nil, invalidField("evidence_id", "Choose an evidence item of this case.")
	}
	if n.Purpose == ercms.AttachEvidence && n.EvidenceID == "" {
		return nil, invalidField("evidence_id", "Say which evidence item the scan shows.")
	}
	if n.Purpose == ercms.AttachAnswer {
		if t := c.Task(n.TaskID); t == nil || t.OrgID != a.Org.ID {
			return nil, invalidField("task_id", "Choose a task addressed to your organisation.")
		}
	} else if n.TaskID != "" {
		return nil, invalidField("task_id", "Only an answer to a task names a task.")
	}
	if len(n.Data) == 0 || n.Name == "" || n.Kind == "" {
		return nil, invalidField("file", "Choose a file.")
	}
	sum := sha256.Sum256(n.Data)
	key := hex.EncodeToString(sum[:])
	if err := tx.s.Blobs.Put(ctx, key, n.Data); err != nil {
		return nil, err
	}
	out := &ercms.Attachment{ID: newID(), CaseID: caseID, Purpose: n.Purpose, EvidenceID: n.EvidenceID, TaskID: n.TaskID, Name: n.Name,
		Kind: n.Kind, MIME: n.MIME, Size: int64(len(n.Data)), SHA256: key, OrgID: a.Org.ID, UploadedBy: a.UserID, UploadedAt: tx.now}
	if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (id, case_id, purpose, evidence_id, task_id, name, kind, mime, size, sha256, org_id, uploaded_by, uploaded_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, out.ID, caseID, out.Purpose, out.EvidenceID, out.TaskID, out.Name, out.Kind, out.MIME,
		out.Size, out.SHA256, a.Org.ID, a.UserID, formatTime(tx.now)); err != nil {
		return nil, err
	}
	ev := auditEvent{actor: a, action: "attachment.add", objectType: "case", objectID: caseID,
		records: []string{"case:" + caseID, "attachment:" + out.ID}, purpose: out.Purpose, partyState: c.RequestingState,
		details: map[string]any{"attachment_id": out.ID, "sha256": out.SHA256, "size": out.Size, "kind": out.Kind}}
	switch ercms.Side(a) {
	case ercms.SideRequesting:
		ev.recipient = c.RequestedState
	case ercms.SideRequested:
		if out.Purpose != ercms.AttachOriginal { // an original came from the other side; it is not sent back
			ev.recipient = c.RequestingState
		}
	}
	return out, tx.audit(ctx, ev)
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
			return ercms.Errorf(ercms.ENotFound, "No such file.")
		}
		if err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "attachment.read", objectType: "case", objectID: caseID,
			records: []string{"case:" + caseID, "attachment:" + id}, purpose: "case handling", partyState: c.RequestingState})
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
