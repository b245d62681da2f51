package sqldb

import (
	"context"
	"time"

	"github.com/ercms/ercms"
)

// ScheduleInterview fixes the time and place (or video link) of an
// interview task, the mission's step between the request and the answer,
// through the door (ercms.Schedule): it changes the task, not the case's
// state.
// Errors: those of ercms.ScheduleInterview, EPreconditionRequired,
// EPreconditionFailed.
func (s *DB) ScheduleInterview(ctx context.Context, a ercms.Actor, caseID string, version int, taskID string, at time.Time, place string) (*ercms.Case, error) {
	if err := requireVersion(a, version); err != nil {
		return nil, err
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.changeCase(ctx, a, caseID, version, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
			return ercms.Schedule(env, c, a, taskID, at, place)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return ercms.ViewFor(a, c), nil
}
