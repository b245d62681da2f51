package sqldb

import (
	"context"
	"database/sql"
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
	var out *ercms.Message
	err := s.tx(ctx, func(tx *Tx) error {
		var replyToSide string
		if m.ReplyTo != "" {
			err := tx.QueryRowContext(ctx, `SELECT from_side FROM case_messages WHERE id = $1 AND case_id = $2`, m.ReplyTo, caseID).Scan(&replyToSide)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		_, ch, err := tx.change(ctx, a, caseID, 0, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
			return ercms.SendMessage(env, c, a, m, replyToSide)
		})
		out = ch.Message
		return err
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
	var out []ercms.Message
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		if out, err = tx.messages(ctx, caseID); err != nil {
			return err
		}
		// The door checks the scope (ENotFound) and the party (EForbidden)
		// before anything is returned, and records the read receipts.
		c, _, err := tx.change(ctx, a, caseID, 0, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
			return ercms.ReadMessages(env, c, a, out)
		})
		if err != nil || len(out) == 0 {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "message.list", objectType: "case", objectID: caseID,
			records: []string{"case:" + caseID}, purpose: ercms.PurposeCaseHandling, partyState: c.RequestingState})
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
