package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

// JobEmail is the kind of job that e-mails one notification.
const JobEmail = "email"

// notice is what one notification says: its kind, which deadline, task
// or outcome (detail) with its date, and the key that tells one event once
// per user.
type notice struct {
	kind   string
	detail string
	due    *civil.Date
	dedupe string
}

// notifyUsers records notice n about case c for each user, once per dedupe
// key, and queues an e-mail for those who gave an address. The new
// notification replaces the user's older unread one of the same case and
// kind (ercms.NotificationSlot), so that notifications do not pile up; the
// replaced row stays, hidden, so that its event is not told again.
func (tx *Tx) notifyUsers(ctx context.Context, users []string, c *ercms.Case, n notice) error {
	slices.Sort(users)
	slot := ercms.NotificationSlot(n.kind, c.ID)
	for _, u := range slices.Compact(users) {
		var id string
		err := tx.QueryRowContext(ctx, `INSERT INTO notifications (id, user_id, kind, case_id, reference, dedupe, created_at, detail, due_on, slot)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (user_id, dedupe) DO NOTHING RETURNING id`,
			newID(), u, n.kind, c.ID, c.Reference, n.dedupe, formatTime(tx.now), n.detail, dateOrNil(n.due), slot).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue // told before
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET replaced_at = $1
			WHERE user_id = $2 AND slot = $3 AND id <> $4 AND read_at IS NULL AND replaced_at IS NULL`,
			formatTime(tx.now), u, slot, id); err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]string{"notification_id": id})
		if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, kind, payload, run_at, created_at)
			SELECT $1, $2, $3, $4, $4 FROM users WHERE id = $5 AND email <> '' AND NOT disabled AND status = 'active'`,
			newID(), JobEmail, string(payload), formatTime(tx.now), u); err != nil {
			return err
		}
	}
	return nil
}

// orgUsers returns the active users of the organisations matching where
// (a condition on o, the organisation) with one of roles.
func (tx *Tx) orgUsers(ctx context.Context, roles []ercms.Role, where string, args ...any) ([]string, error) {
	marks := make([]string, len(roles))
	for i, r := range roles {
		args = append(args, string(r))
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	return tx.column(ctx, `SELECT u.id FROM users u JOIN organisations o ON o.id = u.org_id
		WHERE NOT u.disabled AND u.status = 'active' AND NOT u.service AND u.role IN (`+strings.Join(marks, ",")+`) AND `+where+` ORDER BY u.id`, args...)
}

// column reads the one text column a query returns, row by row.
func (tx *Tx) column(ctx context.Context, q string, args ...any) ([]string, error) {
	return column(ctx, tx, q, args...)
}

// querier runs a query: a transaction or the database.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// column reads the one text column query q of db returns, row by row.
func column(ctx context.Context, db querier, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

var (
	requestingRoles = []ercms.Role{ercms.RoleRequestingOfficer, ercms.RoleRequestingSupervisor}
	caRoles         = []ercms.Role{ercms.RoleCAOfficer, ercms.RoleCASupervisor}
)

// partyUsers returns who is told when something needs one side of case c:
// on the requesting side, the requesting authority's officers; on the
// requested side, the officer in charge, or every officer of the central
// authority while the case has none.
func (tx *Tx) partyUsers(ctx context.Context, c *ercms.Case, side string) ([]string, error) {
	if side == ercms.SideRequesting {
		return tx.orgUsers(ctx, requestingRoles, `o.id = $1`, c.RequestingOrgID)
	}
	if c.AssignedTo != "" {
		return []string{c.AssignedTo}, nil
	}
	return tx.orgUsers(ctx, caRoles, `o.kind = $1 AND o.state = $2`, string(ercms.OrgCentralAuthority), c.RequestedState)
}

// notifyParty notifies one side of case c.
func (tx *Tx) notifyParty(ctx context.Context, c *ercms.Case, side, kind, dedupe string) error {
	users, err := tx.partyUsers(ctx, c, side)
	if err != nil {
		return err
	}
	return tx.notifyUsers(ctx, users, c, notice{kind: kind, dedupe: kind + ":" + dedupe})
}

// notifyAction tells those who must act next after action took case c
// from state from and the tasks in before: the organisations of new tasks, the central
// authority and the crossing point of a transfer notice, both parties of a
// deemed approval, the central authority's supervisors of a proposal that
// awaits sign-off, the officer whose proposal was returned. A case that left pending sign-off (signed off,
// returned, deemed approved, withdrawn) no longer waits: the unread notices
// of its proposal are marked read.
func (tx *Tx) notifyAction(ctx context.Context, c *ercms.Case, action string, b *before) error {
	from, before := b.status, b.tasks
	if action == ercms.ActReturnProposal && b.proposer != "" {
		if err := tx.notifyReturned(ctx, c, b.proposer, b.proposal); err != nil {
			return err
		}
	}
	if from == ercms.StatePendingSignOff && c.Status != ercms.StatePendingSignOff {
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE case_id = $2 AND kind = $3 AND read_at IS NULL`,
			formatTime(tx.now), c.ID, ercms.NotifySignOff); err != nil {
			return err
		}
	}
	if c.Status == ercms.StatePendingSignOff && (action == ercms.ActApprove || action == ercms.ActRefuse) {
		return tx.notifySignOff(ctx, c)
	}
	kind := ercms.NotificationFor(action)
	if kind == "" {
		return nil
	}
	dedupe := fmt.Sprintf("%s:%s:%d", kind, c.ID, c.Version)
	var users []string
	n := notice{kind: kind, dedupe: dedupe}
	switch kind {
	case ercms.NotifyNewTask:
		for _, t := range c.Tasks {
			if _, had := before[t.ID]; had || t.Status != ercms.TaskOpen {
				continue
			}
			u, err := tx.orgUsers(ctx, []ercms.Role{ercms.RoleAgencyOfficer, ercms.RoleConsularOfficer}, `o.id = $1`, t.OrgID)
			if err != nil {
				return err
			}
			tn := notice{kind: kind, detail: t.Kind, due: taskDue(c, t.ID), dedupe: dedupe + ":" + t.ID}
			if err := tx.notifyUsers(ctx, u, c, tn); err != nil {
				return err
			}
		}
		return nil
	case ercms.NotifyTransferNotice:
		u, err := tx.partyUsers(ctx, c, ercms.SideRequested)
		if err != nil {
			return err
		}
		b, err := tx.orgUsers(ctx, []ercms.Role{ercms.RoleBorderOfficer}, `o.kind = $1 AND o.state = $2 AND o.crossing_point = $3`,
			string(ercms.OrgBorderPoint), c.RequestedState, c.CrossingPoint())
		if err != nil {
			return err
		}
		users = append(u, b...)
		if c.Transfer != nil {
			d := c.Transfer.Date
			n.due = &d
		}
	case ercms.NotifyDeemedApproval:
		for _, side := range []string{ercms.SideRequesting, ercms.SideRequested} {
			u, err := tx.partyUsers(ctx, c, side)
			if err != nil {
				return err
			}
			users = append(users, u...)
		}
		if c.Decision != nil {
			n.due = c.Decision.DecidedOn
		}
	}
	return tx.notifyUsers(ctx, users, c, n)
}

// notifySignOff tells the supervisors of the central authority, but the
// one who proposed, that the proposed decision of case c awaits their
// sign-off, with the date the reply is due (when the case would be deemed
// approved).
func (tx *Tx) notifySignOff(ctx context.Context, c *ercms.Case) error {
	users, err := tx.orgUsers(ctx, []ercms.Role{ercms.RoleCASupervisor}, `o.kind = $1 AND o.state = $2`,
		string(ercms.OrgCentralAuthority), c.RequestedState)
	if err != nil {
		return err
	}
	n := notice{kind: ercms.NotifySignOff, dedupe: fmt.Sprintf("%s:%s:%d", ercms.NotifySignOff, c.ID, c.Version)}
	if c.Decision != nil {
		n.detail = c.Decision.Outcome
		users = slices.DeleteFunc(users, func(u string) bool { return u == c.Decision.ProposedBy })
	}
	for _, k := range []string{ercms.ClockReplyAccelerated, ercms.ClockReply} {
		if d := c.Deadline(k); d != nil && d.Status == ercms.DeadlineRunning && d.DueOn != nil {
			n.due = d.DueOn
			break
		}
	}
	return tx.notifyUsers(ctx, users, c, n)
}

// notifyReturned tells proposer, while an active officer of the central
// authority, that the supervisor returned their proposed outcome of case
// c; the supervisor's comment is on the case.
func (tx *Tx) notifyReturned(ctx context.Context, c *ercms.Case, proposer, outcome string) error {
	users, err := tx.orgUsers(ctx, caRoles, `u.id = $1`, proposer)
	if err != nil {
		return err
	}
	return tx.notifyUsers(ctx, users, c, notice{kind: ercms.NotifyProposalReturned, detail: outcome,
		dedupe: fmt.Sprintf("%s:%s:%d", ercms.NotifyProposalReturned, c.ID, c.Version)})
}

// taskDue returns the due date of the running clock of task id of case c.
func taskDue(c *ercms.Case, id string) *civil.Date {
	for _, d := range c.Deadlines {
		if d.TaskID == id && d.Status == ercms.DeadlineRunning && d.DueOn != nil {
			return d.DueOn
		}
	}
	return nil
}

// Notifications returns a's newest notifications (at most limit; a
// notification replaced by a newer one of its case and kind is left out)
// and how many are unread. Each names who its case is about as far as a
// may read the case now (ercms.ViewFor); the read of those names is
// audited as a list of cases is.
func (s *DB) Notifications(ctx context.Context, a ercms.Actor, limit int) ([]ercms.Notification, int, error) {
	var out []ercms.Notification
	var unread int
	err := s.tx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL AND replaced_at IS NULL`,
			a.UserID).Scan(&unread); err != nil {
			return err
		}
		args := []any{a.UserID, limit}
		rows, err := tx.QueryContext(ctx, `SELECT n.id, n.kind, n.case_id, n.reference, n.detail, n.due_on, n.created_at, n.read_at, c.data, c.version, c.status
			FROM notifications n LEFT JOIN cases c ON c.id = n.case_id AND `+scope(a, s.actorToday(), &args)+`
			WHERE n.user_id = $1 AND n.replaced_at IS NULL ORDER BY n.created_at DESC, n.id DESC LIMIT $2`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var shown []string
		for rows.Next() {
			var n ercms.Notification
			var created string
			var read, due, data, status sql.NullString
			var version sql.NullInt64
			if err := rows.Scan(&n.ID, &n.Kind, &n.CaseID, &n.Reference, &n.Detail, &due, &created, &read, &data, &version, &status); err != nil {
				return err
			}
			if n.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			if n.ReadAt, err = parseNullTime(read); err != nil {
				return err
			}
			if due.Valid {
				d, err := civil.Parse(due.String)
				if err != nil {
					return err
				}
				n.DueOn = &d
			}
			if data.Valid {
				var c ercms.Case
				if err := json.Unmarshal([]byte(data.String), &c); err != nil {
					return err
				}
				c.Version, c.Status = int(version.Int64), ercms.State(status.String)
				p := ercms.ViewFor(a, &c).Application.Person
				n.Surname, n.GivenNames = p.Surname, p.GivenNames
				if p.Surname != "" || p.GivenNames != "" {
					shown = append(shown, "person:"+c.ID)
				}
			}
			out = append(out, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(shown) == 0 {
			return nil
		}
		slices.Sort(shown)
		return tx.audit(ctx, auditEvent{actor: a, action: "notification.list", objectType: "case", records: slices.Compact(shown),
			purpose: ercms.PurposeCaseHandling, partyState: partyOf(a)})
	})
	return out, unread, err
}

// UnreadNotifications counts a's unread notifications (for the menu); a
// replaced one is not counted, as the list does not show it.
func (s *DB) UnreadNotifications(ctx context.Context, a ercms.Actor) (int, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL AND replaced_at IS NULL`, a.UserID).Scan(&n)
	return n, err
}

// MarkNotificationsRead marks all of a's notifications read (those of one
// case when caseID is set: the case page does so when a opens the case).
func (s *DB) MarkNotificationsRead(ctx context.Context, a ercms.Actor, caseID string) error {
	q := `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`
	args := []any{formatTime(s.Now()), a.UserID}
	if caseID != "" {
		q += ` AND case_id = $3`
		args = append(args, caseID)
	}
	_, err := s.db.ExecContext(ctx, q, args...)
	return err
}

// NotifyDeadlines tells those who must act about running clocks that fall
// due within two working days (of the clock's calendar) and about clocks
// that have passed; each clock and due date is told once. The nearest
// clocks are told last, so that the one notification a user keeps of a
// case's deadlines names the nearest. It returns how many notifications it
// wrote.
func (s *DB) NotifyDeadlines(ctx context.Context) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.case_id, d.kind, d.task_id, d.due_on FROM case_deadlines d
		WHERE d.status = $1 AND d.due_on IS NOT NULL AND d.due_on <= $2 ORDER BY d.due_on DESC, d.case_id`,
		string(ercms.DeadlineRunning), s.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02"))
	if err != nil {
		return 0, err
	}
	type clock struct{ caseID, kind, taskID, due string }
	var clocks []clock
	for rows.Next() {
		var k clock
		if err := rows.Scan(&k.caseID, &k.kind, &k.taskID, &k.due); err != nil {
			rows.Close()
			return 0, err
		}
		clocks = append(clocks, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, k := range clocks {
		err := s.tx(ctx, func(tx *Tx) error {
			c, err := tx.loadCase(ctx, ercms.SystemActor(), k.caseID, false)
			if err != nil {
				return err
			}
			p, err := s.caseProfile(c)
			if err != nil {
				return err
			}
			today := s.today(p)
			due, err := civil.Parse(k.due)
			if err != nil {
				return err
			}
			kind := ercms.NotifyDeadlineSoon
			if due.Before(today) {
				kind = ercms.NotifyDeadlineMissed
			} else if s.workingDaysBetween(c.RequestedState, today, due) > 2 {
				return nil
			}
			users, err := tx.clockOwners(ctx, c, k.kind, k.taskID)
			if err != nil {
				return err
			}
			before, err := tx.countNotifications(ctx)
			if err != nil {
				return err
			}
			msg := notice{kind: kind, detail: k.kind, due: &due, dedupe: fmt.Sprintf("%s:%s:%s:%s:%s", kind, c.ID, k.kind, k.taskID, k.due)}
			if err := tx.notifyUsers(ctx, users, c, msg); err != nil {
				return err
			}
			after, err := tx.countNotifications(ctx)
			n += after - before
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (tx *Tx) countNotifications(ctx context.Context) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications`).Scan(&n)
	return n, err
}

// workingDaysBetween counts the working days of state's calendar after
// from up to and including to; days outside the holiday data count as
// working, so a warning is never held back by missing data.
func (s *DB) workingDaysBetween(state string, from, to civil.Date) int {
	cals := s.Rules().Calendars()
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if info := cals.Day(state, d); !info.Known || info.Working {
			n++
		}
	}
	return n
}

// clockOwners returns who must act before a clock of case c runs out: the
// addressed organisation for a task's clock, the requesting authority for
// the transfer window, and the central authority for the others.
func (tx *Tx) clockOwners(ctx context.Context, c *ercms.Case, kind, taskID string) ([]string, error) {
	if t := c.Task(taskID); taskID != "" && t != nil {
		return tx.orgUsers(ctx, []ercms.Role{ercms.RoleAgencyOfficer, ercms.RoleConsularOfficer}, `o.id = $1`, t.OrgID)
	}
	if kind == ercms.ClockTravelDocument {
		for _, t := range c.Tasks {
			if t.Kind == ercms.TaskTravelDocument && t.Status == ercms.TaskOpen {
				return tx.orgUsers(ctx, []ercms.Role{ercms.RoleConsularOfficer}, `o.id = $1`, t.OrgID)
			}
		}
	}
	if kind == ercms.ClockTransferWindow {
		return tx.partyUsers(ctx, c, ercms.SideRequesting)
	}
	return tx.partyUsers(ctx, c, ercms.SideRequested)
}
