package sqldb

import (
	"context"

	"github.com/ercms/ercms"
)

// UpdateDraft replaces the application of a draft with n (the requesting
// state edits its draft before submission). The version must be the one the
// caller saw. Type, procedure, category and file number may change too; the
// draft keeps its id and reference.
func (s *DB) UpdateDraft(ctx context.Context, a ercms.Actor, id string, version int, n ercms.NewCase) (*ercms.Case, error) {
	if err := requireVersion(a, version); err != nil {
		return nil, err
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.loadForChange(ctx, a, id, version); err != nil {
			return err
		}
		if !a.IsRequesting() {
			return ercms.Errorf(ercms.EForbidden, "Only the requesting state's authority edits its draft.")
		}
		if c.Status != ercms.StateDraft {
			return ercms.Errorf(ercms.EConflict, "Only a draft can be edited; this case is %s.", c.Status)
		}
		if n.NoApplication || n.PreviousCaseID != "" {
			return &ercms.Error{Code: ercms.EInvalid, Message: "The request has errors; correct the fields listed.",
				Fields: map[string]string{"no_application": "These are chosen when the case is created."}}
		}
		p, err := s.caseProfile(c)
		if err != nil {
			return err
		}
		if err := n.PrepareWith(newID, tx.env(ctx, p).Today, tx.s.EvidenceCatalogue()); err != nil {
			return err
		}
		old := c.Version
		c.Type, c.Procedure, c.Category, c.RequestingReference, c.Application = n.Type, n.Procedure, n.Category, n.RequestingReference, n.Application
		c.Version++
		c.UpdatedAt = tx.now
		c.Timeline = []ercms.Event{{At: tx.now, Action: "update", From: string(c.Status), To: string(c.Status), ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID, Note: "draft edited"}}
		if err := tx.saveCase(ctx, c, false, old, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET type = $1, procedure = $2, category = $3, requesting_reference = $4 WHERE id = $5`,
			c.Type, c.Procedure, c.Category, c.RequestingReference, c.ID); err != nil {
			return err
		}
		if err := tx.writeNames(ctx, c); err != nil {
			return err
		}
		if c.Timeline, err = tx.timeline(ctx, id); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "case.update", objectType: "case", objectID: id, records: personRecords(c),
			partyState: c.RequestingState, details: map[string]any{"version": c.Version}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
