package sqldb

import (
	"context"
	"time"

	"github.com/ercms/ercms"
)

// ScheduleInterview fixes the time and place (or video link) of an
// interview task: the mission's step between the request and the answer.
// It changes the task, not the case's state, through the same checks as
// every change (scope, version, role) and is audited.
// Errors: those of ercms.ScheduleInterview, EPreconditionRequired,
// EPreconditionFailed.
func (s *DB) ScheduleInterview(ctx context.Context, a ercms.Actor, caseID string, version int, taskID string, at time.Time, place string) (*ercms.Case, error) {
	if err := requireVersion(a, version); err != nil {
		return nil, err
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.loadForChange(ctx, a, caseID, version); err != nil {
			return err
		}
		p, err := s.caseProfile(c)
		if err != nil {
			return err
		}
		if _, err := ercms.ScheduleInterview(tx.env(ctx, p), c, a, taskID, at, place); err != nil {
			return err
		}
		old := c.Version
		c.Version++
		c.UpdatedAt = tx.now
		if err := tx.saveCase(ctx, c, false, old, 0); err != nil {
			return err
		}
		if c.Timeline, err = tx.timeline(ctx, caseID); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "case." + ercms.ActScheduleInterview, objectType: "case", objectID: caseID,
			records: []string{"case:" + caseID, "task:" + taskID}, partyState: c.RequestingState, details: map[string]any{"version": c.Version}})
	})
	if err != nil {
		return nil, err
	}
	return ercms.ViewFor(a, c), nil
}
