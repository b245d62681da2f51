package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/deadline"
)

// loadCalendars seeds the holiday calendars from the defaults on first use
// and then always takes them from the database, where administrators edit them.
func (s *DB) loadCalendars(ctx context.Context, defaults *deadline.Set) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM calendar_years`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		err := s.tx(ctx, func(tx *Tx) error {
			for _, st := range defaults.Calendars().States() {
				for _, y := range defaults.Calendars().Years(st) {
					if err := tx.putYear(ctx, y); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("sqldb: seed holiday calendars: %w", err)
		}
	}
	years, err := s.calendarYears(ctx)
	if err != nil {
		return err
	}
	cals, err := deadline.NewCalendars(years)
	if err != nil {
		return fmt.Errorf("sqldb: holiday calendars in the database: %w", err)
	}
	s.rules.Store(defaults.WithCalendars(cals))
	return nil
}

func (tx *Tx) putYear(ctx context.Context, y deadline.Year) error {
	b, err := json.Marshal(y)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO calendar_years (state, year, data, updated_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (state, year) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, y.State, y.Year, string(b), formatTime(tx.now))
	return err
}

func (s *DB) calendarYears(ctx context.Context) ([]deadline.Year, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM calendar_years ORDER BY state, year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []deadline.Year
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var y deadline.Year
		if err := json.Unmarshal([]byte(data), &y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// SetCalendarYear replaces (or adds) one state's holiday data for one year,
// audited, and in the same transaction starts the recomputation of every
// case with a running clock, which returns at once: the cases are
// recomputed afterwards in small batches (RecomputeBatch, run in the
// background by RunRecomputations, or to the end by RecomputeAll), each
// case whose due date moves getting a timeline entry saying so. New clocks
// count on the new data as soon as this returns. Errors: EForbidden (not an
// administrator), EInvalid (field "calendar").
func (s *DB) SetCalendarYear(ctx context.Context, a ercms.Actor, y deadline.Year) (Recomputation, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return Recomputation{}, ercms.Fail(ercms.EForbidden, "err.calendar.admin_only")
	}
	// Without the lock, two edits at once both started from the same
	// calendars and the later store dropped the other's year from memory.
	s.calMu.Lock()
	defer s.calMu.Unlock()
	cals, err := s.Rules().Calendars().With(y)
	if err != nil {
		return Recomputation{}, deadlineInvalid(err, "err.calendar.invalid", fmt.Sprintf("%s-%d", y.State, y.Year), "calendar")
	}
	newRules := s.Rules().WithCalendars(cals)
	var r Recomputation
	err = s.tx(ctx, func(tx *Tx) error {
		if err := tx.putYear(ctx, y); err != nil {
			return err
		}
		label := fmt.Sprintf("%s-%d", y.State, y.Year)
		if r, err = tx.startRecomputation(ctx, a, "calendar:"+label); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "calendar.update", objectType: "calendar", objectID: label,
			details: map[string]any{"recomputation": r.ID, "cases": r.Total}})
	})
	if err != nil {
		return Recomputation{}, err
	}
	s.rules.Store(newRules)
	s.wakeRecomputation()
	return r, nil
}
