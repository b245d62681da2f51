package sqldb

import (
	"context"
	"slices"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

// Statistics are the figures of the Joint Readmission Committee and the
// supervisors' dashboard. They hold counts and durations only: no record of
// a person can be read from them.
type Statistics struct {
	// ByStatus counts the cases in each state (drafts excluded).
	ByStatus map[ercms.State]int `json:"by_status"`
	// PerMonth counts applications received per month ("2026-03") and member state.
	PerMonth map[string]map[string]int `json:"per_month"`
	// Decisions counts final decisions: approved, refused, deemed_approved.
	Decisions map[ercms.State]int `json:"decisions"`
	// MedianDays is the median number of calendar days from receipt to decision.
	MedianDays float64 `json:"median_days_to_decision"`
	// Deadlines counts stopped clocks per kind: met and missed.
	Deadlines map[string]map[ercms.DeadlineStatus]int `json:"deadlines"`
}

// statisticsRoles may read the statistics.
var statisticsRoles = []ercms.Role{ercms.RoleCASupervisor, ercms.RoleAnalyst, ercms.RoleRequestingSupervisor, ercms.RoleAdmin}

// Statistics computes the figures in a's scope: the deployment's cases for
// the requested side, the member state's own for a requesting supervisor.
// The read is audited.
func (s *DB) Statistics(ctx context.Context, a ercms.Actor) (*Statistics, error) {
	if !slices.Contains(statisticsRoles, a.Role) {
		return nil, ercms.Fail(ercms.EForbidden, "err.stats.forbidden")
	}
	col, val := "c.requested_state", s.country
	if a.IsRequesting() {
		col, val = "c.requesting_state", a.Org.State
	}
	st := &Statistics{ByStatus: map[ercms.State]int{}, PerMonth: map[string]map[string]int{}, Decisions: map[ercms.State]int{},
		Deadlines: map[string]map[ercms.DeadlineStatus]int{}}
	err := s.tx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.status, COUNT(*) FROM cases c WHERE `+col+` = $1 AND c.status <> 'draft' GROUP BY c.status`, val)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return err
			}
			st.ByStatus[ercms.State(k)] = n
		}
		rows.Close()
		rows, err = tx.QueryContext(ctx, `SELECT c.requesting_state, SUBSTR(c.received_on, 1, 7), COUNT(*) FROM cases c
			WHERE `+col+` = $1 AND c.received_on IS NOT NULL GROUP BY c.requesting_state, SUBSTR(c.received_on, 1, 7)`, val)
		if err != nil {
			return err
		}
		for rows.Next() {
			var state, month string
			var n int
			if err := rows.Scan(&state, &month, &n); err != nil {
				rows.Close()
				return err
			}
			if st.PerMonth[month] == nil {
				st.PerMonth[month] = map[string]int{}
			}
			st.PerMonth[month][state] = n
		}
		rows.Close()
		// A case is decided once: its first move into approved, refused or deemed approved.
		rows, err = tx.QueryContext(ctx, `SELECT e.to_status, c.received_on, MIN(e.at) FROM case_events e JOIN cases c ON c.id = e.case_id
			WHERE `+col+` = $1 AND c.type = 'readmission' AND e.to_status IN ('approved', 'refused', 'deemed_approved') AND e.from_status <> e.to_status
			GROUP BY e.case_id, e.to_status, c.received_on`, val)
		if err != nil {
			return err
		}
		var days []float64
		seen := 0
		for rows.Next() {
			var to, at string
			var received *string
			if err := rows.Scan(&to, &received, &at); err != nil {
				rows.Close()
				return err
			}
			seen++
			st.Decisions[ercms.State(to)]++
			if received == nil {
				continue
			}
			r, err1 := civil.Parse(*received)
			t, err2 := parseTime(at)
			if err1 == nil && err2 == nil {
				days = append(days, float64(r.DaysUntil(civil.In(t, s.loc))))
			}
		}
		rows.Close()
		st.MedianDays = median(days)
		rows, err = tx.QueryContext(ctx, `SELECT d.kind, d.status, COUNT(*) FROM case_deadlines d JOIN cases c ON c.id = d.case_id
			WHERE `+col+` = $1 AND d.status IN ('met', 'missed') GROUP BY d.kind, d.status`, val)
		if err != nil {
			return err
		}
		for rows.Next() {
			var kind, status string
			var n int
			if err := rows.Scan(&kind, &status, &n); err != nil {
				rows.Close()
				return err
			}
			if st.Deadlines[kind] == nil {
				st.Deadlines[kind] = map[ercms.DeadlineStatus]int{}
			}
			st.Deadlines[kind][ercms.DeadlineStatus(status)] = n
		}
		rows.Close()
		return tx.audit(ctx, auditEvent{actor: a, action: "statistics.read", objectType: "statistics", purpose: ercms.PurposeStatistics, partyState: partyOf(a)})
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}
