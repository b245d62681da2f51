package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/seal"
)

// Signer signs the key fields of a travel document (a seal.Keyring).
type Signer interface {
	Sign(seal.Claims) (string, error)
}

// tdFields says what of a travel document its signature covers.
func tdFields(td *ercms.TravelDocument) string {
	if td == nil {
		return ""
	}
	return td.Kind + "|" + td.Number + "|" + dateText(td.IssuedOn) + "|" + dateText(td.ValidUntil) + "|" + td.MissionID
}

// dateText writes an optional date ("" when absent).
func dateText(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// signTravelDocument signs c's travel document when an action issued,
// renewed or accepted one (its signed fields changed), records it, and
// marks the one it replaces.
func (tx *Tx) signTravelDocument(ctx context.Context, c *ercms.Case, before string) error {
	td := c.TravelDocument
	if td == nil || tdFields(td) == before {
		return nil
	}
	td.Signature = ""
	if tx.s.Signer == nil {
		return nil
	}
	var photo string
	err := tx.QueryRowContext(ctx, `SELECT sha256 FROM attachments WHERE case_id = $1 AND purpose = $2 AND removed_at IS NULL ORDER BY uploaded_at DESC, id DESC LIMIT 1`,
		c.ID, ercms.AttachPhoto).Scan(&photo)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	claims := seal.Claims{Number: td.Number, Kind: td.Kind, IssuedOn: dateText(td.IssuedOn), IssuingState: c.TravelDocumentIssuer(), Mission: td.MissionID,
		Surname: c.Person.Surname, GivenNames: c.Person.GivenNames, DateOfBirth: c.Person.DateOfBirth.String(), Nationality: c.Person.Nationality,
		CaseReference: c.Reference, PhotoSHA256: photo}
	claims.ValidUntil = dateText(td.ValidUntil)
	token, err := tx.s.Signer.Sign(claims)
	if err != nil {
		return err
	}
	td.Signature = token
	sum := sha256.Sum256([]byte(token))
	id := newID()
	signed, err := seal.Peek(token)
	if err != nil {
		return err
	}
	kid := signed.KeyID
	if _, err := tx.ExecContext(ctx, `UPDATE travel_documents SET replaced_by = $1 WHERE case_id = $2 AND replaced_by = ''`, id, c.ID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO travel_documents (id, case_id, number, token_sha256, key_id, issued_on, valid_until, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		id, c.ID, td.Number, hex.EncodeToString(sum[:]), kid, dateText(td.IssuedOn), dateOrNil(td.ValidUntil), formatTime(tx.now))
	return err
}

// TravelDocumentStatus is what the verification page says of a document
// beyond its signature.
type TravelDocumentStatus struct {
	Known      bool        // issued by this deployment
	Replaced   bool        // a renewal replaced it
	CaseStatus ercms.State // the case's state now
	Reference  string
}

// TravelDocumentStatus looks up a signed travel document by its token:
// whether this deployment issued it, whether it was replaced, and the
// state of its case (a withdrawn or expired case revokes it). The lookup
// is audited: it names the document, not the person.
func (s *DB) TravelDocumentStatus(ctx context.Context, token string) (TravelDocumentStatus, error) {
	var st TravelDocumentStatus
	sum := sha256.Sum256([]byte(token))
	err := s.tx(ctx, func(tx *Tx) error {
		var id, caseID, replaced, status, ref, state string
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.case_id, t.replaced_by, c.status, c.reference, c.requesting_state FROM travel_documents t JOIN cases c ON c.id = t.case_id WHERE t.token_sha256 = $1`,
			hex.EncodeToString(sum[:])).Scan(&id, &caseID, &replaced, &status, &ref, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		st = TravelDocumentStatus{Known: true, Replaced: replaced != "", CaseStatus: ercms.State(status), Reference: ref}
		return tx.audit(ctx, auditEvent{actor: ercms.Actor{Username: "public verification"}, action: "travel_document.verify", objectType: "travel_document",
			objectID: id, records: []string{"case:" + caseID}, purpose: ercms.PurposeDocumentVerification, partyState: state})
	})
	return st, err
}

// Revoked reports whether the case's state ends the document's use: the
// application was withdrawn, refused, or its approval expired or was taken
// back.
func (st TravelDocumentStatus) Revoked() bool {
	switch st.CaseStatus {
	case ercms.StateWithdrawn, ercms.StateExpired, ercms.StateRefused, ercms.StateConsentWithdrawalRequested:
		return true
	}
	return false
}

// outgoing lists, by side, the forms a party sends to the other side: a
// download of one is the form leaving by e-mail.
var outgoing = map[string][]string{
	ercms.SideRequesting: {"application", "transfer_notice"},
	ercms.SideRequested:  {"reply", "transit_reply", "travel_document"},
}

// RecordDocument audits the download of a document of case c: the records
// it shows and its SHA-256; when a party downloads a form it sends to the
// other side (to e-mail it), the download is recorded as a transmission to
// that side's state.
func (s *DB) RecordDocument(ctx context.Context, a ercms.Actor, c *ercms.Case, kind string, data []byte) error {
	sum := sha256.Sum256(data)
	ev := auditEvent{actor: a, action: "document.download", objectType: "case", objectID: c.ID, records: personRecords(c),
		purpose: kind, partyState: c.RequestingState, details: map[string]any{"document": kind, "content_sha256": hex.EncodeToString(sum[:])}}
	side := ercms.Side(a)
	for _, k := range outgoing[side] {
		if k != kind {
			continue
		}
		ev.recipient = c.RequestedState
		if side == ercms.SideRequested {
			ev.recipient = c.RequestingState
		}
		ev.details["channel"] = "email"
	}
	return s.tx(ctx, func(tx *Tx) error { return tx.audit(ctx, ev) })
}

// TravelDocumentPrint is what the printed travel document needs beyond the
// case: the id its short verification link carries and the officer who
// issued it.
type TravelDocumentPrint struct {
	ID      string // the signed document's id ("" when it was never signed)
	Officer string // the display name of the officer who issued or renewed it
}

// TravelDocumentPrint looks up the document in force of case c (already
// read within the actor's scope) and the officer who issued it.
func (s *DB) TravelDocumentPrint(ctx context.Context, c *ercms.Case) (TravelDocumentPrint, error) {
	var p TravelDocumentPrint
	err := s.db.QueryRowContext(ctx, `SELECT id FROM travel_documents WHERE case_id = $1 AND replaced_by = '' ORDER BY created_at DESC, id DESC LIMIT 1`, c.ID).Scan(&p.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	for i := len(c.Timeline) - 1; i >= 0; i-- {
		ev := c.Timeline[i]
		if ev.Action != string(ercms.ActIssueTravelDocument) && ev.Action != string(ercms.ActRenewTravelDocument) {
			continue
		}
		p.Officer = ev.Actor
		if ev.ActorID != "" {
			var name string
			if err := s.db.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, ev.ActorID).Scan(&name); err == nil && name != "" {
				p.Officer = name
			} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return p, err
			}
		}
		break
	}
	return p, nil
}

// TravelDocumentState is what this deployment knows of a travel document
// found by its id or by its number and expiry (a seal's MRZ).
type TravelDocumentState struct {
	TravelDocumentStatus
	Number     string
	IssuedOn   string
	ValidUntil string
}

// TravelDocumentByID looks up a signed travel document by the id of its
// short verification link; the lookup is audited like TravelDocumentStatus.
func (s *DB) TravelDocumentByID(ctx context.Context, id string) (TravelDocumentState, error) {
	return s.travelDocumentWhere(ctx, `t.id = $1`, id)
}

// TravelDocumentByMRZ looks up a travel document by the number and expiry
// its machine-readable zone carries (the number's letters and digits, as
// the MRZ keeps them; expiry YYYY-MM-DD), the newest first.
func (s *DB) TravelDocumentByMRZ(ctx context.Context, number, validUntil string) (TravelDocumentState, error) {
	var ids []string
	rows, err := s.db.QueryContext(ctx, `SELECT id, number FROM travel_documents WHERE valid_until = $1 ORDER BY created_at DESC, id DESC`, validUntil)
	if err != nil {
		return TravelDocumentState{}, err
	}
	for rows.Next() {
		var id, num string
		if err := rows.Scan(&id, &num); err != nil {
			rows.Close()
			return TravelDocumentState{}, err
		}
		if mrzNumber(num) == number {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return TravelDocumentState{}, err
	}
	return s.TravelDocumentByID(ctx, ids[0])
}

// mrzNumber keeps what an MRZ keeps of a document number.
func mrzNumber(s string) string {
	var b []rune
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b = append(b, r)
		}
	}
	return string(b)
}

func (s *DB) travelDocumentWhere(ctx context.Context, where string, arg any) (TravelDocumentState, error) {
	var st TravelDocumentState
	err := s.tx(ctx, func(tx *Tx) error {
		var id, caseID, replaced, status, ref, state, number, issued string
		var valid sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.case_id, t.replaced_by, c.status, c.reference, c.requesting_state, t.number, t.issued_on, t.valid_until
			FROM travel_documents t JOIN cases c ON c.id = t.case_id WHERE `+where, arg).Scan(&id, &caseID, &replaced, &status, &ref, &state, &number, &issued, &valid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		st = TravelDocumentState{TravelDocumentStatus: TravelDocumentStatus{Known: true, Replaced: replaced != "", CaseStatus: ercms.State(status), Reference: ref},
			Number: number, IssuedOn: issued, ValidUntil: valid.String}
		return tx.audit(ctx, auditEvent{actor: ercms.Actor{Username: "public verification"}, action: "travel_document.verify", objectType: "travel_document",
			objectID: id, records: []string{"case:" + caseID}, purpose: "document verification", partyState: state})
	})
	return st, err
}
