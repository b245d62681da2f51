package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/outbound"
)

// FeedEvent is one change of a case in the change feed of a member state's
// systems: what happened to which case, never the case's personal data
// (the system reads the case through the API when it needs it).
type FeedEvent struct {
	Cursor    int64     `json:"cursor"`
	At        time.Time `json:"at"`
	CaseID    string    `json:"case_id"`
	Reference string    `json:"reference"`
	Action    string    `json:"action"`
	Status    string    `json:"status,omitempty"`
	Version   int       `json:"version,omitempty"`
}

// MaxFeed is the most events one feed page returns.
const MaxFeed = 500

// Feed returns the changes of the cases of a's state after cursor, oldest
// first, at most limit: every action on a case, messages, assignments. The
// cursor is the audit trail's sequence number, so a change becomes visible
// in the feed once the sequencer has linked it (within seconds), and a
// reader that keeps the last cursor it saw misses nothing and sees nothing
// twice. Only requesting authorities (and their service accounts) read it.
// Errors: EForbidden.
func (s *DB) Feed(ctx context.Context, a ercms.Actor, cursor int64, limit int) ([]FeedEvent, error) {
	if !a.IsRequesting() {
		return nil, ercms.Fail(ercms.EForbidden, "err.feed.forbidden")
	}
	return s.feed(ctx, a.Org.State, cursor, limit)
}

// feedEvent is the condition on an audit event e that puts it in the feed:
// a change of a case or a message in it (reads are not changes).
const feedEvent = `e.object_type = 'case' AND (e.action LIKE 'case.%' OR e.action = 'message.send') AND e.action <> 'case.read'`

func (s *DB) feed(ctx context.Context, state string, cursor int64, limit int) ([]FeedEvent, error) {
	if limit <= 0 || limit > MaxFeed {
		limit = MaxFeed
	}
	rows, err := s.db.QueryContext(ctx, `SELECT e.seq, e.at, e.object_id, c.reference, e.action, e.details FROM audit_events e
		JOIN cases c ON c.id = e.object_id
		WHERE e.seq > $1 AND e.party_state = $2 AND `+feedEvent+`
		ORDER BY e.seq LIMIT $3`, cursor, state, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FeedEvent
	for rows.Next() {
		var ev FeedEvent
		var at, details string
		if err := rows.Scan(&ev.Cursor, &at, &ev.CaseID, &ev.Reference, &ev.Action, &details); err != nil {
			return nil, err
		}
		if ev.At, err = parseTime(at); err != nil {
			return nil, err
		}
		var d struct {
			Status  string `json:"status"`
			Version int    `json:"version"`
		}
		_ = json.Unmarshal([]byte(details), &d)
		ev.Status, ev.Version = d.Status, d.Version
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Webhook is a member-state authority's subscription to the changes of its
// cases, delivered as signed POSTs.
type Webhook struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"` // shown once, when created
	Cursor    int64     `json:"cursor"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateWebhook subscribes a's authority to the changes of its cases from
// now on. Requesting supervisors manage their authority's subscriptions.
// The address is an https URL of a server on the internet, or in a network
// the administrator allowed (WebhookPolicy): loopback, private, link-local
// and the other non-public addresses are refused, named or resolved. The
// secret that signs the deliveries is returned once.
// Errors: EForbidden, EInvalid (field url).
func (s *DB) CreateWebhook(ctx context.Context, a ercms.Actor, rawURL string) (*Webhook, error) {
	if a.Role != ercms.RoleRequestingSupervisor {
		return nil, ercms.Fail(ercms.EForbidden, "err.webhook.supervisor_only")
	}
	u, err := s.WebhookPolicy.CheckURL(ctx, rawURL)
	switch {
	case errors.Is(err, outbound.ErrRefused):
		return nil, ercms.FieldError("url", "field.webhook.url.not_public")
	case err != nil:
		return nil, ercms.FieldError("url", "field.webhook.url.invalid")
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	w := &Webhook{ID: newID(), URL: u.String(), Secret: hex.EncodeToString(secret)}
	err = s.tx(ctx, func(tx *Tx) error {
		w.CreatedAt = tx.now
		// Start after everything already sequenced: a new subscriber gets what
		// happens from now on and reads the past through the feed.
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_events`).Scan(&w.Cursor); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, org_id, url, secret, cursor, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			w.ID, a.Org.ID, w.URL, w.Secret, w.Cursor, a.UserID, formatTime(tx.now)); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "webhook.create", objectType: "webhook", objectID: w.ID, partyState: a.Org.State})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Webhooks lists the subscriptions of a's authority (without secrets).
func (s *DB) Webhooks(ctx context.Context, a ercms.Actor) ([]Webhook, error) {
	if !a.IsRequesting() {
		return nil, ercms.Fail(ercms.EForbidden, "err.webhook.requesting_only")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, url, cursor, created_at FROM webhooks WHERE org_id = $1 AND disabled_at IS NULL ORDER BY created_at`, a.Org.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		var at string
		if err := rows.Scan(&w.ID, &w.URL, &w.Cursor, &at); err != nil {
			return nil, err
		}
		if w.CreatedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// DeleteWebhook ends a subscription of a's authority. Errors: EForbidden, ENotFound.
func (s *DB) DeleteWebhook(ctx context.Context, a ercms.Actor, id string) error {
	if a.Role != ercms.RoleRequestingSupervisor {
		return ercms.Fail(ercms.EForbidden, "err.webhook.supervisor_only")
	}
	return s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET disabled_at = $1 WHERE id = $2 AND org_id = $3 AND disabled_at IS NULL`, formatTime(tx.now), id, a.Org.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ercms.Fail(ercms.ENotFound, "err.webhook.not_found")
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "webhook.delete", objectType: "webhook", objectID: id, partyState: a.Org.State})
	})
}

// WebhookBatch is the next deliveries of one subscription, leased to a
// worker: the events after its cursor.
type WebhookBatch struct {
	Webhook Webhook
	Events  []FeedEvent
}

// JobWebhook is the kind of job that delivers one subscription's pending events.
const JobWebhook = "webhook"

// QueueWebhooks puts one delivery job for every subscription with events
// after its cursor and no delivery job pending, so that each subscription
// is delivered in order by one worker at a time. A job is named after the
// subscription and its cursor: the delivery of the same events is queued
// once; a subscription whose delivery failed for good is disabled by the
// runner (DisableWebhook) and must be created again.
func (s *DB) QueueWebhooks(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, kind, payload, run_at, created_at)
			SELECT 'wh-' || w.id || '-' || CAST(w.cursor AS TEXT), $1, '{"webhook_id":"' || w.id || '"}', $2, $2 FROM webhooks w
			JOIN organisations o ON o.id = w.org_id
			WHERE w.disabled_at IS NULL AND EXISTS (SELECT 1 FROM audit_events e WHERE e.seq > w.cursor AND e.party_state = o.state AND `+feedEvent+`)
			AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = $1 AND j.payload = '{"webhook_id":"' || w.id || '"}' AND j.done_at IS NULL AND j.failed_at IS NULL)
			ON CONFLICT (id) DO NOTHING`, JobWebhook, formatTime(tx.now))
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n = int(k)
		return nil
	})
	return n, err
}

// WebhookEvents returns the subscription a webhook job delivers and the
// events after its cursor (at most limit).
func (s *DB) WebhookEvents(ctx context.Context, payload json.RawMessage, limit int) (*WebhookBatch, error) {
	var p struct {
		WebhookID string `json:"webhook_id"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, err
	}
	var b WebhookBatch
	var state, at string
	err := s.db.QueryRowContext(ctx, `SELECT w.id, w.url, w.secret, w.cursor, w.created_at, o.state FROM webhooks w JOIN organisations o ON o.id = w.org_id
		WHERE w.id = $1 AND w.disabled_at IS NULL`, p.WebhookID).Scan(&b.Webhook.ID, &b.Webhook.URL, &b.Webhook.Secret, &b.Webhook.Cursor, &at, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ercms.Fail(ercms.ENotFound, "err.webhook.not_found")
	}
	if err != nil {
		return nil, err
	}
	if b.Events, err = s.feed(ctx, state, b.Webhook.Cursor, limit); err != nil {
		return nil, err
	}
	return &b, nil
}

// DisableWebhook ends a subscription whose deliveries failed for good.
func (s *DB) DisableWebhook(ctx context.Context, id, reason string) error {
	return s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL`, formatTime(tx.now), id); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: ercms.SystemActor(), action: "webhook.disable", objectType: "webhook", objectID: id, details: map[string]any{"reason": reason}})
	})
}

// AdvanceWebhook moves a subscription's cursor past delivered events (never backwards).
func (s *DB) AdvanceWebhook(ctx context.Context, id string, cursor int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE webhooks SET cursor = $1 WHERE id = $2 AND cursor < $1`, cursor, id)
	return err
}
