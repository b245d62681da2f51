package sqldb

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/ercms/ercms"
)

// TimedReport counts what RunTimedActions did.
type TimedReport struct {
	Applied map[string]int
	Flagged int
	// Failed is the number of cases a timed action failed on; FailedCases
	// names them by id. They were logged and skipped, and are tried again
	// at the next run.
	Failed      int
	FailedCases []string
}

// fail records that the timed action failed on case id.
func (rep *TimedReport) fail(log *slog.Logger, id, action string, err error) {
	// The log names the case by id and the error by code and message,
	// never the person.
	log.Error("scheduler: case skipped", "case", id, "action", action, "code", ercms.ErrorCode(err), "err", err)
	if !slices.Contains(rep.FailedCases, id) {
		rep.FailedCases = append(rep.FailedCases, id)
		rep.Failed++
	}
}

// RunTimedActions takes the timed system actions that are due: deemed
// approval (or, where the profile has none, an overdue flag), acceptance of
// the EU travel document, expiry of approvals, and closing after handover.
// Each goes through Act, so the case shows why and the audit records it.
// A case whose action fails is logged by id, counted in the report and
// skipped: one bad case does not hold up the others. It returns an error
// only when the due cases cannot be read or ctx ends.
func (s *DB) RunTimedActions(ctx context.Context) (TimedReport, error) {
	rep := TimedReport{Applied: map[string]int{}}
	// Suspensions first: a case whose agreement is suspended with its time
	// limits paused is not deemed approved or expired.
	marked, released, err := s.ApplySuspensions(ctx)
	for action, n := range map[string]int{ercms.ChangeAgreementSuspended: marked, ercms.ChangeSuspensionEnded: released} {
		if n > 0 {
			rep.Applied[action] += n
		}
	}
	if err != nil {
		return rep, err
	}
	// Candidates are clocks past their due date in the earliest time zone;
	// Apply checks each against the case's own civil date.
	cutoff := s.Now().UTC().Add(14 * time.Hour).Format(time.DateOnly)
	for _, r := range ercms.TimedActions() {
		ids, err := s.dueCases(ctx, r.DueAfter, cutoff)
		if err != nil {
			return rep, err
		}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			_, err := s.Act(ctx, ercms.SystemActor(), id, r.Action, 0, ercms.ActionInput{})
			switch ercms.ErrorCode(err) {
			case "":
				rep.Applied[r.Action]++
			case ercms.EConflict:
				if r.Action == ercms.ActDeemApproved {
					flagged, ferr := s.flagOverdue(ctx, id)
					switch {
					case ferr != nil && ctx.Err() != nil:
						return rep, ctx.Err()
					case ferr != nil:
						rep.fail(s.Log, id, ercms.ChangeReplyOverdue, ferr)
					case flagged:
						rep.Flagged++
					}
				}
			default:
				if ctx.Err() != nil {
					return rep, ctx.Err()
				}
				rep.fail(s.Log, id, r.Action, err)
			}
		}
	}
	return rep, nil
}

func (s *DB) dueCases(ctx context.Context, kinds []string, cutoff string) ([]string, error) {
	args := []any{cutoff}
	in := ""
	for i, k := range kinds {
		args = append(args, k)
		if i > 0 {
			in += ","
		}
		in += "$" + string(rune('2'+i))
	}
	return column(ctx, s.rdb, `SELECT DISTINCT case_id FROM case_deadlines WHERE status = 'running' AND task_id = '' AND due_on < $1 AND kind IN (`+in+`)`, args...)
}

// flagOverdue marks a case whose reply deadline passed under a profile
// without deemed approval, through the door (ercms.FlagOverdue); it
// reports whether the flag was new.
func (s *DB) flagOverdue(ctx context.Context, id string) (bool, error) {
	flagged := false
	err := s.tx(ctx, func(tx *Tx) error {
		_, ch, err := tx.change(ctx, ercms.SystemActor(), id, 0, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
			return ercms.FlagOverdue(env, c, ercms.SystemActor())
		})
		flagged = err == nil && !ch.Unchanged
		return err
	})
	return flagged, err
}

// RunScheduler runs the timed actions and the deadline notifications every
// interval until ctx ends.
func (s *DB) RunScheduler(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if rep, err := s.RunTimedActions(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("scheduler", "err", err)
		} else if len(rep.Applied) > 0 || rep.Flagged > 0 || rep.Failed > 0 {
			s.Log.Info("scheduler", "applied", rep.Applied, "flagged_overdue", rep.Flagged, "failed", rep.Failed)
		}
		if _, err := s.ForgetSignInFailures(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("forget old sign-in failures", "err", err)
		}
		if n, err := s.NotifyDeadlines(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("deadline notifications", "err", err)
		} else if n > 0 {
			s.Log.Info("deadline notifications", "written", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
