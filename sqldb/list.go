package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/names"
)

// CaseFilter selects cases for a list.
type CaseFilter struct {
	Status          []ercms.State
	Type            ercms.CaseType
	RequestingState string
	Procedure       ercms.Procedure
	Category        ercms.Category
	// Text matches a reference, the requesting state's file number, or
	// names in any script (every word must match a name, by prefix of its
	// Latin key or by its phonetic skeleton).
	Text string
	// After is the cursor: the id of the last case of the previous page.
	After string
	Limit int
}

// CaseSummary is a row of a case list.
type CaseSummary struct {
	ID              string            `json:"id"`
	Reference       string            `json:"reference"`
	Type            ercms.CaseType    `json:"type"`
	Status          ercms.State       `json:"status"`
	Version         int               `json:"version"`
	RequestingState string            `json:"requesting_state"`
	Procedure       ercms.Procedure   `json:"procedure,omitempty"`
	Category        ercms.Category    `json:"category,omitempty"`
	ReceivedOn      *civil.Date       `json:"received_on"`
	Surname         string            `json:"surname"`
	GivenNames      string            `json:"given_names"`
	DateOfBirth     ercms.PartialDate `json:"date_of_birth"`
	NextDeadline    *ercms.Deadline   `json:"next_deadline,omitempty"`
}

// CasePage is one page of a list with the cursor of the next page.
type CasePage struct {
	Cases []CaseSummary `json:"cases"`
	Next  string        `json:"next,omitempty"`
}

// MaxPage is the largest page a list returns.
const MaxPage = 200

// ListCases lists the cases in a's scope, newest first, with keyset
// pagination. The read is logged with the cases shown.
func (s *DB) ListCases(ctx context.Context, a ercms.Actor, f CaseFilter) (*CasePage, error) {
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = 50
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := []string{scope(a, s.actorToday(), &args)}
	if len(f.Status) > 0 {
		ph := make([]string, len(f.Status))
		for i, st := range f.Status {
			ph[i] = arg(string(st))
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ",")+")")
	}
	for col, v := range map[string]string{"c.type": string(f.Type), "c.requesting_state": f.RequestingState, "c.procedure": string(f.Procedure), "c.category": string(f.Category)} {
		if v != "" {
			where = append(where, col+" = "+arg(v))
		}
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		raw := arg(t)
		byName := []string{}
		for _, tok := range names.Tokens(t) {
			byName = append(byName, "EXISTS (SELECT 1 FROM case_names n WHERE n.case_id = c.id AND ((n.token >= "+arg(tok)+" AND n.token < "+arg(tok+"\x7f")+") OR n.skeleton = "+arg(names.Skeleton(tok))+"))")
		}
		cond := "c.reference = " + raw + " OR c.requesting_reference = " + raw
		if len(byName) > 0 {
			cond += " OR (" + strings.Join(byName, " AND ") + ")"
		}
		where = append(where, "("+cond+")")
	}
	if f.After != "" {
		where = append(where, "c.id < "+arg(f.After))
	}
	q := `SELECT c.data, c.version, c.status FROM cases c WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY c.id DESC LIMIT %d`, f.Limit+1)
	page := &CasePage{Cases: []CaseSummary{}}
	err := s.tx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var shown []string
		for rows.Next() {
			var data, status string
			var version int
			if err := rows.Scan(&data, &version, &status); err != nil {
				return err
			}
			if len(page.Cases) == f.Limit {
				page.Next = page.Cases[len(page.Cases)-1].ID
				break
			}
			var c ercms.Case
			if err := json.Unmarshal([]byte(data), &c); err != nil {
				return err
			}
			c.Version, c.Status = version, ercms.State(status)
			page.Cases = append(page.Cases, summarise(&c))
			shown = append(shown, "case:"+c.ID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(shown) == 0 {
			return nil
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "case.list", objectType: "case", records: shown, purpose: "case handling", partyState: partyOf(a)})
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

func partyOf(a ercms.Actor) string {
	if a.IsRequesting() {
		return a.Org.State
	}
	return ""
}

func summarise(c *ercms.Case) CaseSummary {
	p := c.Application.Person
	return CaseSummary{ID: c.ID, Reference: c.Reference, Type: c.Type, Status: c.Status, Version: c.Version,
		RequestingState: c.RequestingState, Procedure: c.Procedure, Category: c.Category, ReceivedOn: c.ReceivedOn,
		Surname: p.Surname, GivenNames: p.GivenNames, DateOfBirth: p.DateOfBirth, NextDeadline: c.NextDeadline()}
}
