package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ercms/ercms"
)

// CaseVersion names a case and the version of it the caller saw.
type CaseVersion struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// TransferOperation is a group transfer: one flight or vehicle carrying
// several persons, notified once, with one escort team and one handover
// list at the crossing point; each person's case keeps its own lifecycle.
type TransferOperation struct {
	ID            string          `json:"id"`
	CrossingPoint string          `json:"crossing_point"`
	Date          string          `json:"date"`
	CreatedAt     time.Time       `json:"created_at"`
	Cases         []OperationCase `json:"cases"`
}

// OperationCase is one person's case on a group transfer's list.
type OperationCase struct {
	CaseID     string      `json:"case_id"`
	Reference  string      `json:"reference"`
	Version    int         `json:"version"`
	Status     ercms.State `json:"status"`
	Surname    string      `json:"surname"`
	GivenNames string      `json:"given_names"`
	// Nationality is the person's claimed nationality, for writing the
	// surname in capitals by the rules of its alphabet; pages only.
	Nationality string `json:"-"`
}

// MaxOperationCases bounds a group transfer (a charter flight's persons).
const MaxOperationCases = 200

// NotifyGroupTransfer notifies one transfer for several cases of a's
// authority at once: every case takes notify_transfer with the same
// details, linked to one new operation; all of them or none (the first
// refusal is returned, naming its case). Errors: those of Act, and
// EInvalid (field cases) for an empty, oversized or repeated list.
func (s *DB) NotifyGroupTransfer(ctx context.Context, a ercms.Actor, cases []CaseVersion, t ercms.Transfer) (*TransferOperation, error) {
	if len(cases) < 2 || len(cases) > MaxOperationCases {
		return nil, ercms.FieldError("cases", "field.transfer.cases.count", "max", MaxOperationCases)
	}
	seen := map[string]bool{}
	for _, cv := range cases {
		if seen[cv.ID] {
			return nil, ercms.FieldError("cases", "field.transfer.cases.repeated")
		}
		seen[cv.ID] = true
		if err := requireVersion(a, cv.Version); err != nil {
			return nil, err
		}
	}
	op := &TransferOperation{ID: newID(), CrossingPoint: t.CrossingPoint, Date: t.Date.String()}
	t.OperationID = op.ID
	err := s.tx(ctx, func(tx *Tx) error {
		op.CreatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_operations (id, requesting_org, requested_state, crossing_point, transfer_date, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, op.ID, a.Org.ID, "", t.CrossingPoint, op.Date, a.UserID, formatTime(tx.now)); err != nil {
			return err
		}
		for i, cv := range cases {
			tr := t
			c, err := tx.act(ctx, a, cv.ID, ercms.ActNotifyTransfer, cv.Version, ercms.ActionInput{Transfer: &tr})
			if err != nil {
				return inCase(err, i, cv.ID)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_operation_cases (operation_id, case_id) VALUES ($1,$2)`, op.ID, cv.ID); err != nil {
				return err
			}
			if i == 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE transfer_operations SET requested_state = $1 WHERE id = $2`, c.RequestedState, op.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.TransferOperation(ctx, a, op.ID)
}

// inCase says which case of a group an error is about: field errors are
// keyed cases[i].<field> (with their arguments), and the message is
// err.transfer.case_in_list naming the case, with the case's own message key
// as its argument "reason" (i18n.ReasonArg) and that key's arguments.
func inCase(err error, i int, id string) error {
	var e *ercms.Error
	if !errors.As(err, &e) {
		return err
	}
	out := ercms.Fail(e.Code, "err.transfer.case_in_list", "position", i+1, "case_id", id, "reason", e.Message)
	for k, v := range e.Args {
		if _, ok := out.Args[k]; !ok {
			out.Args[k] = v
		}
	}
	if len(e.Fields) > 0 {
		out.Fields = map[string]string{}
		for k, v := range e.Fields {
			out.Fields[fmt.Sprintf("cases[%d].%s", i, k)] = v
		}
	}
	if len(e.FieldArgs) > 0 {
		out.FieldArgs = map[string]map[string]any{}
		for k, v := range e.FieldArgs {
			out.FieldArgs[fmt.Sprintf("cases[%d].%s", i, k)] = v
		}
	}
	return out
}

// TransferOperation returns a group transfer with the cases of it that a
// may see: the handover list of the crossing point. Errors: ENotFound when
// a sees none of its cases.
func (s *DB) TransferOperation(ctx context.Context, a ercms.Actor, id string) (*TransferOperation, error) {
	op := &TransferOperation{ID: id}
	var created string
	err := s.db.QueryRowContext(ctx, `SELECT crossing_point, transfer_date, created_at FROM transfer_operations WHERE id = $1`, id).Scan(&op.CrossingPoint, &op.Date, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ercms.Fail(ercms.ENotFound, "err.transfer.not_found")
	}
	if err != nil {
		return nil, err
	}
	if op.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	args := []any{id}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.reference, c.version, c.status, c.data FROM transfer_operation_cases oc JOIN cases c ON c.id = oc.case_id
		WHERE oc.operation_id = $1 AND `+scope(a, s.actorToday(), &args)+` ORDER BY c.reference`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var shown []string
	for rows.Next() {
		var oc OperationCase
		var data string
		if err := rows.Scan(&oc.CaseID, &oc.Reference, &oc.Version, &oc.Status, &data); err != nil {
			return nil, err
		}
		p, err := personOf(data)
		if err != nil {
			return nil, err
		}
		oc.Surname, oc.GivenNames, oc.Nationality = p.Surname, p.GivenNames, p.Nationality
		op.Cases = append(op.Cases, oc)
		shown = append(shown, "case:"+oc.CaseID, "person:"+oc.CaseID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(op.Cases) == 0 {
		return nil, ercms.Fail(ercms.ENotFound, "err.transfer.not_found")
	}
	// The list names persons: the read is audited like a case read.
	err = s.tx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, auditEvent{actor: a, action: "transfer_operation.read", objectType: "transfer_operation", objectID: id, records: shown, purpose: ercms.PurposeTransfer})
	})
	if err != nil {
		return nil, err
	}
	return op, nil
}

// ActOnOperation takes one action (confirm_transfer, postpone_transfer,
// record_handover, …) on every listed case of a group transfer in one
// transaction: all of them or none. versions gives the version a saw of
// each case; a case of the operation missing from it is left alone, so a
// border officer records the handover of the persons who came and a
// no-show for the others. Errors: those of Act; EInvalid (field cases)
// for a case that is not on the operation.
func (s *DB) ActOnOperation(ctx context.Context, a ercms.Actor, opID, action string, versions []CaseVersion, in ercms.ActionInput) (*TransferOperation, error) {
	if len(versions) == 0 {
		return nil, ercms.FieldError("cases", "field.transfer.cases.empty")
	}
	if in.Transfer != nil {
		return nil, ercms.FieldError("transfer", "field.transfer.details_fixed")
	}
	err := s.tx(ctx, func(tx *Tx) error {
		members, err := tx.column(ctx, `SELECT case_id FROM transfer_operation_cases WHERE operation_id = $1`, opID)
		if err != nil {
			return err
		}
		for i, cv := range versions {
			if !slices.Contains(members, cv.ID) {
				return ercms.FieldError(fmt.Sprintf("cases[%d]", i), "field.transfer.cases.not_member")
			}
			if err := requireVersion(a, cv.Version); err != nil {
				return err
			}
			if _, err := tx.act(ctx, a, cv.ID, action, cv.Version, in); err != nil {
				return inCase(err, i, cv.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.TransferOperation(ctx, a, opID)
}

// personOf reads the person's names from a case's stored data.
func personOf(data string) (ercms.Person, error) {
	var c struct {
		Person ercms.Person `json:"person"`
	}
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return ercms.Person{}, fmt.Errorf("sqldb: case data: %w", err)
	}
	return c.Person, nil
}
