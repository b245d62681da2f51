package sqldb

// The one door: every change of a case (lifecycle actions, assignment,
// absence cover, draft edits, interview scheduling, overdue flags, deadline
// recomputation, e-mail import, attachments, messages) is a pure function of
// the domain applied by change (or, for a new case, written by create), and
// record is the only writer of the case tables: cases, case_tasks,
// case_deadlines, case_events, case_names, case_identifiers, attachments and
// case_messages.
// A test walks every change with the counting connector's writer log and
// fails on any other writer.

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/names"
)

// applyFunc is a pure domain function changing c in place for the store to
// record: ercms.Act, ercms.Assign, ercms.EditDraft and their kind.
type applyFunc func(env ercms.Env, c *ercms.Case) (ercms.Change, error)

// before is what a case held before its change, so that record writes only
// what the change touched.
type before struct {
	version   int
	status    ercms.State
	tasks     map[string]taskRow
	deadlines map[deadlineKey]deadlineRow
	names     []string
	ids       []string
	td        string
	// proposer and proposal are who proposed the decision awaiting
	// sign-off, and its outcome; empty when none awaits.
	proposer, proposal string
}

type taskRow struct{ org, kind, status string }

type deadlineKey struct{ kind, task string }

type deadlineRow struct {
	due    any
	status string
}

func snapshot(c *ercms.Case) *before {
	b := &before{version: c.Version, status: c.Status, tasks: taskRows(c), deadlines: deadlineRows(c), names: nameTokens(c), ids: caseIdentifiers(c), td: tdFields(c.TravelDocument)}
	if c.Status == ercms.StatePendingSignOff && c.Decision != nil {
		b.proposer, b.proposal = c.Decision.ProposedBy, c.Decision.Outcome
	}
	return b
}

func compareKeys(a, b deadlineKey) int {
	if a.kind != b.kind {
		return strings.Compare(a.kind, b.kind)
	}
	return strings.Compare(a.task, b.task)
}

func taskRows(c *ercms.Case) map[string]taskRow {
	m := make(map[string]taskRow, len(c.Tasks))
	for _, t := range c.Tasks {
		m[t.ID] = taskRow{t.OrgID, t.Kind, string(t.Status)}
	}
	return m
}

// deadlineRows keys the clocks as the table does: a later clock of the same
// kind and task (a reply clock started again) takes the row.
func deadlineRows(c *ercms.Case) map[deadlineKey]deadlineRow {
	m := make(map[deadlineKey]deadlineRow, len(c.Deadlines))
	for _, d := range c.Deadlines {
		m[deadlineKey{d.Kind, d.TaskID}] = deadlineRow{dateOrNil(d.DueOn), string(d.Status)}
	}
	return m
}

// change is the door for a case that exists: it reads the case in a's scope
// for update, checks that it is at the version the caller saw (0: any, for
// the system's timed actions and a supervisor's absence cover), applies the
// domain function and records what it did, all in tx. The case returned has
// no timeline unless the change wrote events (see changeCase).
func (tx *Tx) change(ctx context.Context, a ercms.Actor, id string, version int, apply applyFunc) (*ercms.Case, ercms.Change, error) {
	c, err := tx.loadForChange(ctx, a, id, version)
	if err != nil {
		return nil, ercms.Change{}, err
	}
	p, err := tx.s.caseProfile(c)
	if err != nil {
		return nil, ercms.Change{}, err
	}
	b := snapshot(c)
	ch, err := apply(tx.env(ctx, p), c)
	if err != nil {
		return nil, ch, err
	}
	if ch.Unchanged {
		return c, ch, nil
	}
	return c, ch, tx.record(ctx, a, c, b, ch)
}

// changeCase is change for a caller that shows the case: it returns the case
// with its whole timeline.
func (tx *Tx) changeCase(ctx context.Context, a ercms.Actor, id string, version int, apply applyFunc) (*ercms.Case, error) {
	c, _, err := tx.change(ctx, a, id, version, apply)
	if err != nil {
		return nil, err
	}
	c.Timeline, err = tx.timeline(ctx, id)
	return c, err
}

// create is the door for a new case: c was built and checked by the domain
// (ercms.NewCaseFrom, StartWithoutApplication, ReceiveByEmail); ch says
// what to record with it.
func (tx *Tx) create(ctx context.Context, a ercms.Actor, c *ercms.Case, ch ercms.Change) error {
	return tx.record(ctx, a, c, nil, ch)
}

// record writes a change of case c (a new case when b is nil) with
// everything it touched, its notifications and its audit event: the only
// writer of the case tables.
func (tx *Tx) record(ctx context.Context, a ercms.Actor, c *ercms.Case, b *before, ch ercms.Change) error {
	if b != nil && !ch.KeepVersion {
		if err := tx.signTravelDocument(ctx, c, b.td); err != nil {
			return err
		}
		c.Version++
		c.UpdatedAt = tx.now
	}
	if err := tx.writeCase(ctx, c, b, ch); err != nil {
		return err
	}
	if t := ch.Attachment; t != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (id, case_id, purpose, evidence_id, task_id, name, kind, mime, size, sha256, org_id, uploaded_by, uploaded_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, t.ID, c.ID, t.Purpose, t.EvidenceID, t.TaskID, t.Name, t.Kind, t.MIME,
			t.Size, t.SHA256, t.OrgID, t.UploadedBy, formatTime(t.UploadedAt)); err != nil {
			return err
		}
	}
	if ch.Detached != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE attachments SET removed_at = $1 WHERE id = $2 AND case_id = $3 AND removed_at IS NULL`,
			formatTime(tx.now), ch.Detached, c.ID); err != nil {
			return err
		}
	}
	if m := ch.Message; m != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_messages (id, case_id, kind, from_side, from_org, from_user, subject, body, reply_to, content_sha256, sent_at, delivered_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, m.ID, c.ID, m.Kind, m.FromSide, m.FromOrgID, m.FromUserID, m.Subject, m.Body, m.ReplyTo,
			m.ContentSHA256, formatTime(m.SentAt), formatTime(m.SentAt)); err != nil {
			return err
		}
		if err := tx.notifyParty(ctx, c, otherSide(m.FromSide), ercms.NotifyMessage, "message:"+m.ID); err != nil {
			return err
		}
	}
	for _, id := range ch.ReadMessages {
		if _, err := tx.ExecContext(ctx, `UPDATE case_messages SET read_at = $1, read_by = $2 WHERE id = $3 AND case_id = $4 AND read_at IS NULL`,
			formatTime(tx.now), a.UserID, id, c.ID); err != nil {
			return err
		}
	}
	if ch.Lifecycle && b != nil {
		if err := tx.notifyAction(ctx, c, ch.Action, b); err != nil {
			return err
		}
	}
	return tx.audit(ctx, changeAudit(a, c, ch))
}

// writeCase writes the case row with its index rows and new timeline events:
// every row of a new case; for a change, the tasks, clocks and name keys
// that differ from b. A change that keeps the version (correspondence)
// writes none of them.
func (tx *Tx) writeCase(ctx context.Context, c *ercms.Case, b *before, ch ercms.Change) error {
	if b != nil && ch.KeepVersion {
		return nil
	}
	data, err := caseData(c)
	if err != nil {
		return err
	}
	var oldTasks map[string]taskRow
	var oldDeadlines map[deadlineKey]deadlineRow
	if b == nil {
		if _, err = tx.ExecContext(ctx, caseInsertSQL, caseInsertArgs(c, data)...); err != nil {
			return err
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = $1, version = $2, received_on = $3, assigned_to = $4, crossing_point = $5,
			handover_on = $6, next_due_on = $7, data = $8, updated_at = $9, type = $10, procedure = $11, category = $12, requesting_reference = $13
			WHERE id = $14 AND version = $15`,
			c.Status, c.Version, dateOrNil(c.ReceivedOn), nullString(c.AssignedTo), c.CrossingPoint(), dateOrNil(c.HandoverOn()),
			nextDue(c), data, formatTime(c.UpdatedAt), c.Type, c.Procedure, c.Category, c.RequestingReference, c.ID, b.version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ercms.Fail(ercms.EPreconditionFailed, "err.case.changed")
		}
		oldTasks, oldDeadlines = b.tasks, b.deadlines
	}
	if b == nil || !slices.Equal(b.names, nameTokens(c)) {
		if err := tx.writeNames(ctx, c, b != nil); err != nil {
			return err
		}
	}
	if b == nil || !slices.Equal(b.ids, caseIdentifiers(c)) {
		if err := tx.writeIdentifiers(ctx, c, b != nil); err != nil {
			return err
		}
	}
	tasks := taskRows(c)
	for _, id := range slices.Sorted(maps.Keys(tasks)) {
		t, old := tasks[id], oldTasks[id]
		switch _, had := oldTasks[id]; {
		case !had:
			_, err = tx.ExecContext(ctx, `INSERT INTO case_tasks (id, case_id, org_id, kind, status) VALUES ($1,$2,$3,$4,$5)`, id, c.ID, t.org, t.kind, t.status)
		case t != old:
			_, err = tx.ExecContext(ctx, `UPDATE case_tasks SET org_id = $1, kind = $2, status = $3 WHERE id = $4 AND case_id = $5`, t.org, t.kind, t.status, id, c.ID)
		}
		if err != nil {
			return err
		}
	}
	for id := range oldTasks {
		if _, kept := tasks[id]; !kept {
			if _, err := tx.ExecContext(ctx, `DELETE FROM case_tasks WHERE id = $1 AND case_id = $2`, id, c.ID); err != nil {
				return err
			}
		}
	}
	clocks := deadlineRows(c)
	for _, k := range slices.SortedFunc(maps.Keys(clocks), compareKeys) {
		row := clocks[k]
		if old, had := oldDeadlines[k]; had && old == row {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_deadlines (case_id, kind, task_id, due_on, status) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (case_id, kind, task_id) DO UPDATE SET due_on = excluded.due_on, status = excluded.status`,
			c.ID, k.kind, k.task, row.due, row.status); err != nil {
			return err
		}
	}
	for k := range oldDeadlines {
		if _, kept := clocks[k]; !kept {
			if _, err := tx.ExecContext(ctx, `DELETE FROM case_deadlines WHERE case_id = $1 AND kind = $2 AND task_id = $3`, c.ID, k.kind, k.task); err != nil {
				return err
			}
		}
	}
	for _, e := range c.Timeline {
		args, err := eventArgs(c.ID, e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, eventInsertSQL, args...); err != nil {
			return err
		}
	}
	return nil
}

// writeNames indexes every name of the person and the family for search
// across scripts, replacing the keys of an existing case.
func (tx *Tx) writeNames(ctx context.Context, c *ercms.Case, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_names WHERE case_id = $1`, c.ID); err != nil {
			return err
		}
	}
	var skels []string
	for _, tok := range nameTokens(c) {
		skel := names.Skeleton(tok)
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_names (case_id, token, skeleton) VALUES ($1,$2,$3)`, c.ID, tok, skel); err != nil {
			return err
		}
		skels = append(skels, skel)
	}
	return insertVariants(ctx, tx, skels)
}

// changeAudit is the audit event of a change: the case and the records the
// change names, a transmission (with the content's hash) when it crosses
// to the other party.
func changeAudit(a ercms.Actor, c *ercms.Case, ch ercms.Change) auditEvent {
	action := ch.Action
	if !containsDot(action) {
		action = "case." + action
	}
	records := []string{"case:" + c.ID}
	if ch.Person {
		records = personRecords(c)
	}
	details := map[string]any{}
	maps.Copy(details, ch.Details)
	if !ch.KeepVersion {
		details["version"] = c.Version
	}
	if ch.Recipient != "" && ch.Attachment == nil && ch.Message == nil && ch.ReadMessages == nil {
		details["content_sha256"] = contentHash(c)
	}
	return auditEvent{actor: a, action: action, objectType: "case", objectID: c.ID, records: append(records, ch.Records...),
		purpose: ch.Purpose, recipient: ch.Recipient, partyState: c.RequestingState, details: details}
}

func containsDot(s string) bool { return strings.Contains(s, ".") }
