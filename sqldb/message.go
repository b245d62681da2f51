package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/ercms/ercms"
)

// SendMessage stores a message from a's side of the case to the other side
// and records it as a transmission (recipient and content hash) in the same
// transaction. Both parties share this deployment, so the message is
// delivered when it is stored: the delivery receipt is the commit time.
// Errors: ENotFound (case out of scope), EForbidden (not a party to the
// case), EConflict (the case is still a draft), EInvalid.
func (s *DB) SendMessage(ctx context.Context, a ercms.Actor, caseID string, m ercms.NewMessage) (*ercms.Message, error) {
	side := ercms.Side(a)
	var out *ercms.Message
	err := s.tx(ctx, func(tx *Tx) error {
		c, err := tx.loadCase(ctx, a, caseID, false)
		if err != nil {
			return err
		}
		if side == "" {
			return ercms.Errorf(ercms.EForbidden, "Only the requesting authority and the central authority write messages in a case.")
		}
		if c.Status == ercms.StateDraft {
			return ercms.Errorf(ercms.EConflict, "Submit the application before writing to the central authority.")
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if m.ReplyTo != "" {
			var from string
			err := tx.QueryRowContext(ctx, `SELECT from_side FROM case_messages WHERE id = $1 AND case_id = $2`, m.ReplyTo, caseID).Scan(&from)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && from == side) {
				return &ercms.Error{Code: ercms.EInvalid, Message: "The request has errors; correct the fields listed.",
					Fields: map[string]string{"reply_to": "Answer a message of the other party in this case."}}
			}
			if err != nil {
				return err
			}
		}
		sum := sha256.Sum256([]byte(m.Kind + "\x00" + m.Subject + "\x00" + m.Body))
		now := tx.now
		out = &ercms.Message{ID: newID(), CaseID: caseID, Kind: m.Kind, FromSide: side, FromOrgID: a.Org.ID, FromUserID: a.UserID,
			Subject: m.Subject, Body: m.Body, ReplyTo: m.ReplyTo, ContentSHA256: hex.EncodeToString(sum[:]), SentAt: now, DeliveredAt: &now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_messages (id, case_id, kind, from_side, from_org, from_user, subject, body, reply_to, content_sha256, sent_at, delivered_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, out.ID, caseID, out.Kind, side, a.Org.ID, a.UserID, out.Subject, out.Body, out.ReplyTo,
			out.ContentSHA256, formatTime(now), formatTime(now)); err != nil {
			return err
		}
		recipient := c.RequestedState
		if side == ercms.SideRequested {
			recipient = c.RequestingState
		}
		if err := tx.notifyParty(ctx, c, otherSide(side), ercms.NotifyMessage, "message:"+out.ID); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "message.send", objectType: "case", objectID: caseID,
			records: []string{"case:" + caseID, "message:" + out.ID}, purpose: out.Kind, recipient: recipient, partyState: c.RequestingState,
			details: map[string]any{"message_id": out.ID, "content_sha256": out.ContentSHA256}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func otherSide(side string) string {
	if side == ercms.SideRequesting {
		return ercms.SideRequested
	}
	return ercms.SideRequesting
}

// Messages returns the messages of a case, oldest first, to the parties.
// Reading them is the read receipt: the other side's messages not read yet
// are marked read by a, and each receipt is recorded on the audit trail as a
// transmission back to the sender's state. Errors: ENotFound, EForbidden.
func (s *DB) Messages(ctx context.Context, a ercms.Actor, caseID string) ([]ercms.Message, error) {
	side := ercms.Side(a)
	var out []ercms.Message
	err := s.tx(ctx, func(tx *Tx) error {
		c, err := tx.loadCase(ctx, a, caseID, false)
		if err != nil {
			return err
		}
		if side == "" {
			return ercms.Errorf(ercms.EForbidden, "Only the parties to the case read its messages.")
		}
		if out, err = tx.messages(ctx, caseID); err != nil {
			return err
		}
		var read []string
		for i := range out {
			m := &out[i]
			if m.FromSide == side || m.ReadAt != nil {
				continue
			}
			now := tx.now
			m.ReadAt, m.ReadBy = &now, a.UserID
			if _, err := tx.ExecContext(ctx, `UPDATE case_messages SET read_at = $1, read_by = $2 WHERE id = $3 AND read_at IS NULL`,
				formatTime(now), a.UserID, m.ID); err != nil {
				return err
			}
			read = append(read, "message:"+m.ID)
		}
		if len(read) > 0 {
			recipient := c.RequestingState
			if side == ercms.SideRequesting {
				recipient = c.RequestedState
			}
			if err := tx.audit(ctx, auditEvent{actor: a, action: "message.read", objectType: "case", objectID: caseID,
				records: read, purpose: "read receipt", recipient: recipient, partyState: c.RequestingState}); err != nil {
				return err
			}
		}
		if len(out) == 0 {
			return nil
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "message.list", objectType: "case", objectID: caseID,
			records: []string{"case:" + caseID}, purpose: "case handling", partyState: c.RequestingState})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (tx *Tx) messages(ctx context.Context, caseID string) ([]ercms.Message, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, from_side, from_org, from_user, subject, body, reply_to, content_sha256, sent_at, delivered_at, read_at, read_by
		FROM case_messages WHERE case_id = $1 ORDER BY sent_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ercms.Message
	for rows.Next() {
		m := ercms.Message{CaseID: caseID}
		var sent string
		var delivered, read sql.NullString
		if err := rows.Scan(&m.ID, &m.Kind, &m.FromSide, &m.FromOrgID, &m.FromUserID, &m.Subject, &m.Body, &m.ReplyTo, &m.ContentSHA256,
			&sent, &delivered, &read, &m.ReadBy); err != nil {
			return nil, err
		}
		if m.SentAt, err = parseTime(sent); err != nil {
			return nil, err
		}
		if m.DeliveredAt, err = parseNullTime(delivered); err != nil {
			return nil, err
		}
		if m.ReadAt, err = parseNullTime(read); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
