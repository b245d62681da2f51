package sqldb

import (
	"context"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

// ImportApplication enters an application that a member state's authority
// sent by e-mail (the e-mail channel): the central-authority officer a
// types it in or imports our JSON export (or fillable PDF form), names the
// requesting authority and the true date of receipt, and attaches the
// e-mail's original. In one transaction the case is created for that
// authority, taken to submitted with the reply clock counting from the date
// of receipt, the original attached, and the receipt recorded as a
// transmission from the member state with its date.
// Errors: EForbidden, EInvalid (requesting_organisation_id, received_on,
// the application's fields), and those of AddAttachment for the original.
func (s *DB) ImportApplication(ctx context.Context, a ercms.Actor, requestingOrgID string, receivedOn civil.Date, n ercms.NewCase, original *NewAttachment) (*ercms.Case, error) {
	if !a.IsCA() {
		return nil, ercms.Fail(ercms.EForbidden, "err.email.central_only")
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		org, ok, err := tx.organisation(ctx, requestingOrgID)
		if err != nil {
			return err
		}
		if !ok || org.Kind != ercms.OrgRequestingAuthority {
			return ercms.FieldError("requesting_organisation_id", "field.email.requesting_organisation_id.choose")
		}
		p, err := s.profileFor(org.State)
		if err != nil {
			return ercms.FieldError("requesting_organisation_id", "field.email.requesting_organisation_id.no_profile")
		}
		if p.RequestedState != a.Org.State {
			return ercms.Fail(ercms.EForbidden, "err.email.own_state_only")
		}
		env := tx.env(ctx, p)
		if err := n.PrepareWith(newID, env.Today, env.Evidence); err != nil {
			return err
		}
		ref, err := tx.nextReference(ctx, p.RequestedState, org.State)
		if err != nil {
			return err
		}
		c = ercms.NewCaseFrom(n, ercms.Actor{Org: org}, newID(), ref, p.RequestedState, p.ID, p.Version, tx.now)
		c.Timeline[0].ActorID, c.Timeline[0].Actor, c.Timeline[0].OrgID = a.UserID, a.Username, a.Org.ID
		c.Timeline[0].SetNote(ercms.NewNote("note.entered_from_email"))
		if _, err := ercms.ReceiveByEmail(env, c, a, receivedOn); err != nil {
			return err
		}
		if err := tx.create(ctx, a, c, ercms.Change{Action: ercms.ActReceiveByEmail, Person: true, Purpose: ercms.PurposeReceivedByEmail,
			Recipient: c.RequestedState, Details: map[string]any{"channel": "email", "received_on": receivedOn.String(), "from": org.ID, "status": c.Status}}); err != nil {
			return err
		}
		if original != nil {
			o := *original
			o.Purpose = ercms.AttachOriginal
			if _, _, err := tx.addAttachment(ctx, a, c.ID, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindCase(ctx, a, c.ID)
}
