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
	// DueBy keeps cases whose next running deadline falls on or before the
	// date (overdue ones included).
	DueBy *civil.Date
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
	ID              string         `json:"id"`
	Reference       string         `json:"reference"`
	Type            ercms.CaseType `json:"type"`
	Status          ercms.State    `json:"status"`
	Version         int            `json:"version"`
	RequestingState string         `json:"requesting_state"`
	// RequestingReference is the member state's own file number.
	RequestingReference string            `json:"requesting_reference"`
	Procedure           ercms.Procedure   `json:"procedure,omitempty"`
	Category            ercms.Category    `json:"category,omitempty"`
	ReceivedOn          *civil.Date       `json:"received_on"`
	Surname             string            `json:"surname"`
	GivenNames          string            `json:"given_names"`
	DateOfBirth         ercms.PartialDate `json:"date_of_birth"`
	NextDeadline        *ercms.Deadline   `json:"next_deadline,omitempty"`
	// Assistance is the assistance granted with an approved transit, for the border crossing point.
	Assistance string `json:"assistance,omitempty"`
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
	// Placeholders are numbered in the order they appear in the query text.
	from := "cases c"
	var where []string
	if t := strings.TrimSpace(f.Text); t != "" {
		// The cases that match: every word a name of the case (a prefix of
		// its Latin key, or its phonetic skeleton), or the text a reference.
		// They are a small set found through the indexes of case_names and
		// joined to cases by id; CROSS JOIN keeps that order on SQLite, whose
		// planner has no statistics to choose it (it scanned and probed every
		// case), and is a plain join to PostgreSQL. INTERSECT comes before
		// UNION so that both engines group the set operations alike.
		var sets []string
		for _, tok := range names.Tokens(t) {
			byKey := "n.token >= " + arg(tok)
			if end := prefixEnd(tok); end != "" {
				byKey += " AND n.token < " + arg(end)
			}
			sets = append(sets, "SELECT n.case_id FROM case_names n WHERE ("+byKey+") OR n.skeleton = "+arg(names.Skeleton(tok)))
		}
		match := strings.Join(sets, " INTERSECT ")
		raw := arg(t)
		for _, col := range []string{"reference", "requesting_reference"} {
			if match != "" {
				match += " UNION "
			}
			match += "SELECT r.id FROM cases r WHERE r." + col + " = " + raw
		}
		from = "(" + match + ") m CROSS JOIN cases c"
		where = append(where, "c.id = m.case_id")
	}
	where = append(where, scope(a, s.actorToday(), &args))
	if len(f.Status) > 0 {
		ph := make([]string, len(f.Status))
		for i, st := range f.Status {
			ph[i] = arg(string(st))
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ",")+")")
	}
	for _, kv := range [][2]string{{"c.type", string(f.Type)}, {"c.requesting_state", f.RequestingState}, {"c.procedure", string(f.Procedure)}, {"c.category", string(f.Category)}} {
		if kv[1] != "" {
			where = append(where, kv[0]+" = "+arg(kv[1]))
		}
	}
	if f.DueBy != nil {
		where = append(where, "c.next_due_on <= "+arg(f.DueBy.String()))
	}
	if f.After != "" {
		where = append(where, "c.id < "+arg(f.After))
	}
	q := `SELECT c.data, c.version, c.status FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY c.id DESC LIMIT %d`, f.Limit+1)
	page := &CasePage{Cases: []CaseSummary{}}
	err := s.tx(ctx, func(tx *Tx) error {
		if s.engine == Postgres && from != "cases c" {
			// How many cases a search's words match decides its best plan.
			// After five runs of the (driver-cached) statement PostgreSQL
			// may switch to a generic plan that ignores it and walks every
			// case for a rare name (80 ms instead of 0.1 ms on 100,000 cases).
			if _, err := tx.ExecContext(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
				return err
			}
		}
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
			// The summary shows the person's names and date of birth: the
			// event names the person too, as FindCase's does.
			shown = append(shown, "case:"+c.ID, "person:"+c.ID)
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

// prefixEnd returns the least string above every string that starts with
// prefix p, for words of the letters a to z (as names.Key writes them), or
// "" when there is none (p is all z): token >= p AND token < prefixEnd(p)
// selects the tokens starting with p. The range holds in byte order, which
// case_names.token compares by on both engines (PostgreSQL: COLLATE "C",
// migration 00002); the former bound p+"\x7f" made it empty under the
// language collations most PostgreSQL databases default to.
func prefixEnd(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] >= 'a' && b[i] < 'z' {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
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
		RequestingState: c.RequestingState, RequestingReference: c.RequestingReference, Procedure: c.Procedure, Category: c.Category, ReceivedOn: c.ReceivedOn,
		Surname: p.Surname, GivenNames: p.GivenNames, DateOfBirth: p.DateOfBirth, NextDeadline: c.NextDeadline(), Assistance: c.TransitAssistance()}
}
