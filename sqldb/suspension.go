package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

const suspensionColumns = `id, profile_id, category, from_on, until_on, grounds, note`

func scanSuspension(row rowScanner) (ercms.Suspension, error) {
	var sp ercms.Suspension
	var cat, from string
	var until sql.NullString
	if err := row.Scan(&sp.ID, &sp.ProfileID, &cat, &from, &until, &sp.Grounds, &sp.Note); err != nil {
		return sp, err
	}
	sp.Category = ercms.Category(cat)
	var err error
	if sp.From, err = civil.Parse(from); err != nil {
		return sp, err
	}
	if until.Valid {
		u, err := civil.Parse(until.String)
		if err != nil {
			return sp, err
		}
		sp.Until = &u
	}
	return sp, nil
}

// loadSuspensions reads every suspension on record into memory: each
// action's Env carries those of its case's agreement.
func (s *DB) loadSuspensions(ctx context.Context) error {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+suspensionColumns+` FROM agreement_suspensions ORDER BY from_on, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	all := []ercms.Suspension{}
	for rows.Next() {
		sp, err := scanSuspension(rows)
		if err != nil {
			return err
		}
		all = append(all, sp)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.suspensions.Store(&all)
	return nil
}

// suspensionsOf returns the suspensions of agreement profile id on record.
func (s *DB) suspensionsOf(id string) []ercms.Suspension {
	var out []ercms.Suspension
	if all := s.suspensions.Load(); all != nil {
		for _, sp := range *all {
			if sp.ProfileID == id {
				out = append(out, sp)
			}
		}
	}
	return out
}

// Suspensions returns the suspensions of the agreement profile id on
// record, the earliest first. They name no person: every signed-in role
// may read them.
func (s *DB) Suspensions(id string) []ercms.Suspension { return s.suspensionsOf(id) }

// SuspendAgreement records the suspension of an agreement, in whole or
// for one category of persons, from a date (today or later: a suspension
// is not recorded backwards), on one of the grounds of the agreement, with
// a note on the decision. It is refused while another suspension of the
// same scope is open. Administrators only; audited in the same
// transaction. The running cases are marked from its first day
// (ApplySuspensions).
func (s *DB) SuspendAgreement(ctx context.Context, a ercms.Actor, sp ercms.Suspension) (ercms.Suspension, error) {
	if a.Role != ercms.RoleAdmin {
		return sp, ercms.Fail(ercms.EForbidden, "err.suspension.admin_only")
	}
	p, err := s.Rules().Latest(sp.ProfileID)
	if err != nil {
		return sp, ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", sp.ProfileID)
	}
	sp.Note = strings.TrimSpace(sp.Note)
	if err := sp.Validate(); err != nil {
		return sp, err
	}
	today := p.ReceivedOn(s.Now())
	if sp.From.Before(today) {
		return sp, ercms.FieldError("from", "field.suspension.from.past", "date", today)
	}
	for _, o := range s.suspensionsOf(sp.ProfileID) {
		overlaps := (o.Until == nil || o.Until.After(sp.From)) && (sp.Until == nil || sp.Until.After(o.From))
		if overlaps && (o.Category == "" || sp.Category == "" || o.Category == sp.Category) {
			return sp, ercms.FieldError("from", "field.suspension.from.overlaps", "date", o.From)
		}
	}
	sp.ID = newID()
	err = s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_suspensions (id, profile_id, category, from_on, until_on, grounds, note, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, sp.ID, sp.ProfileID, string(sp.Category), sp.From.String(), dateOrNil(sp.Until), sp.Grounds, sp.Note, a.Username, formatTime(tx.now)); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "agreement.suspended", objectType: "suspension", objectID: sp.ID,
			details: map[string]any{"profile": sp.ProfileID, "category": string(sp.Category), "from": sp.From.String(), "grounds": sp.Grounds}})
	})
	if err != nil {
		return sp, err
	}
	if err := s.loadSuspensions(ctx); err != nil {
		return sp, err
	}
	return sp, nil
}

// EndSuspension records the end of a suspension: until is the first day
// the agreement applies again (today or later, after its start). The
// marked cases are released on that day, their paused time limits moved
// on (ApplySuspensions). Administrators only; audited.
func (s *DB) EndSuspension(ctx context.Context, a ercms.Actor, id string, until civil.Date) (ercms.Suspension, error) {
	if a.Role != ercms.RoleAdmin {
		return ercms.Suspension{}, ercms.Fail(ercms.EForbidden, "err.suspension.admin_only")
	}
	var sp ercms.Suspension
	found := false
	if all := s.suspensions.Load(); all != nil {
		for _, o := range *all {
			if o.ID == id {
				sp, found = o, true
			}
		}
	}
	if !found {
		return sp, ercms.Fail(ercms.ENotFound, "err.suspension.not_found")
	}
	p, err := s.Rules().Latest(sp.ProfileID)
	if err != nil {
		return sp, err
	}
	today := p.ReceivedOn(s.Now())
	switch {
	case until.IsZero():
		return sp, ercms.FieldError("until", "field.suspension.until.required")
	case sp.Until != nil && !sp.Until.After(today):
		return sp, ercms.Fail(ercms.EConflict, "err.suspension.ended", "date", *sp.Until)
	case !until.After(sp.From):
		return sp, ercms.FieldError("until", "field.suspension.until.before_from", "date", sp.From)
	case until.Before(today):
		return sp, ercms.FieldError("until", "field.suspension.until.past", "date", today)
	}
	err = s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE agreement_suspensions SET until_on = $1, ended_by = $2 WHERE id = $3`, until.String(), a.Username, id); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "agreement.suspension_ended", objectType: "suspension", objectID: id,
			details: map[string]any{"profile": sp.ProfileID, "until": until.String()}})
	})
	if err != nil {
		return sp, err
	}
	sp.Until = &until
	return sp, s.loadSuspensions(ctx)
}

// ApplySuspensions marks the running cases in the scope of each suspension
// that has begun and not yet marked them, and releases the cases of each
// suspension that has ended, each case through the door with its audit
// event. It is a timed job (RunTimedActions); it reports how many cases it
// marked and released.
func (s *DB) ApplySuspensions(ctx context.Context) (marked, released int, err error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+suspensionColumns+`, applied_on IS NOT NULL, end_applied_on IS NOT NULL FROM agreement_suspensions
		WHERE applied_on IS NULL OR (until_on IS NOT NULL AND end_applied_on IS NULL) ORDER BY from_on, id`)
	if err != nil {
		return 0, 0, err
	}
	type pending struct {
		sp             ercms.Suspension
		applied, ended bool
	}
	var todo []pending
	for rows.Next() {
		var p pending
		var cat, from string
		var until sql.NullString
		if err := rows.Scan(&p.sp.ID, &p.sp.ProfileID, &cat, &from, &until, &p.sp.Grounds, &p.sp.Note, &p.applied, &p.ended); err != nil {
			rows.Close()
			return 0, 0, err
		}
		p.sp.Category = ercms.Category(cat)
		p.sp.From, _ = civil.Parse(from)
		if until.Valid {
			u, _ := civil.Parse(until.String)
			p.sp.Until = &u
		}
		todo = append(todo, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, p := range todo {
		prof, err := s.Rules().Latest(p.sp.ProfileID)
		if err != nil {
			continue
		}
		today := prof.ReceivedOn(s.Now())
		if !p.applied && !today.Before(p.sp.From) {
			n, err := s.eachSuspendable(ctx, p.sp, ercms.MarkSuspended)
			marked += n
			if err != nil {
				return marked, released, err
			}
			if _, err := s.db.ExecContext(ctx, `UPDATE agreement_suspensions SET applied_on = $1 WHERE id = $2`, today.String(), p.sp.ID); err != nil {
				return marked, released, err
			}
			p.applied = true
		}
		if p.applied && !p.ended && p.sp.Until != nil && !today.Before(*p.sp.Until) {
			n, err := s.eachSuspendable(ctx, p.sp, ercms.EndSuspension)
			released += n
			if err != nil {
				return marked, released, err
			}
			if _, err := s.db.ExecContext(ctx, `UPDATE agreement_suspensions SET end_applied_on = $1 WHERE id = $2`, today.String(), p.sp.ID); err != nil {
				return marked, released, err
			}
		}
	}
	return marked, released, nil
}

// eachSuspendable applies fn (MarkSuspended or EndSuspension) to every case
// of the suspension's agreement and scope that is submitted and not ended,
// one transaction per case; it counts the cases changed.
func (s *DB) eachSuspendable(ctx context.Context, sp ercms.Suspension,
	fn func(ercms.Env, *ercms.Case, ercms.Actor, ercms.Suspension) (ercms.Change, error)) (int, error) {
	args := []any{sp.ProfileID}
	q := `SELECT id FROM cases WHERE profile_id = $1 AND status NOT IN ('draft', 'transferred', 'closed', 'take_back_requested',
		'refused', 'withdrawn', 'expired', 'taken_back', 'transit_refused', 'transit_revoked', 'transit_executed')`
	if sp.Category != "" {
		args = append(args, string(sp.Category))
		q += ` AND type = 'readmission' AND category = $2`
	}
	ids, err := column(ctx, s.rdb, q+` ORDER BY id`, args...)
	if err != nil {
		return 0, err
	}
	n := 0
	sys := ercms.SystemActor()
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		err := s.tx(ctx, func(tx *Tx) error {
			_, ch, err := tx.change(ctx, sys, id, 0, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
				return fn(env, c, sys, sp)
			})
			if err == nil && !ch.Unchanged {
				n++
			}
			return err
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			s.Log.Warn("suspension not applied to a case", "case", id, "suspension", sp.ID, "error", err)
			continue
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
