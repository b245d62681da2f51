package sqldb

import (
	"context"

	"github.com/ercms/ercms"
)

// UpdateDraft replaces the application of a draft with n through the door
// (ercms.EditDraft): the requesting state edits its draft before
// submission. The version must be the one the caller saw.
func (s *DB) UpdateDraft(ctx context.Context, a ercms.Actor, id string, version int, n ercms.NewCase) (*ercms.Case, error) {
	if err := requireVersion(a, version); err != nil {
		return nil, err
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.changeCase(ctx, a, id, version, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
			return ercms.EditDraft(env, c, a, n)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
