package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
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
	// Text matches identifiers and names word by word (see searchQuery):
	// a word with a digit an identifier of the case exactly (reference,
	// file number, document number, date of birth), any other word a name
	// in any script, by the prefix of its Latin key or its phonetic
	// skeleton; names one letter off follow the exact matches.
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
	RequestingReference string          `json:"requesting_reference"`
	Procedure           ercms.Procedure `json:"procedure,omitempty"`
	Category            ercms.Category  `json:"category,omitempty"`
	ReceivedOn          *civil.Date     `json:"received_on"`
	Surname             string          `json:"surname"`
	GivenNames          string          `json:"given_names"`
	// Nationality is the person's claimed nationality, for writing the
	// surname in capitals by the rules of its alphabet; pages only.
	Nationality  string            `json:"-"`
	DateOfBirth  ercms.PartialDate `json:"date_of_birth"`
	NextDeadline *ercms.Deadline   `json:"next_deadline,omitempty"`
	// Assistance is the assistance granted with an approved transit, for the border crossing point.
	Assistance string `json:"assistance,omitempty"`
	// Arrival is the notified transfer or the transit of the case, as the
	// border crossing point receives it.
	Arrival *Arrival `json:"arrival,omitempty"`
	// Reply is the running reply clock: after its due date the silence is
	// a deemed approval.
	Reply *ercms.Deadline `json:"reply_deadline,omitempty"`
	// Similar marks a case listed after a search's exact matches because
	// a name of it is spelled one letter away from a word of the search.
	Similar bool `json:"similar,omitempty"`
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
	if !f.valid() {
		return &CasePage{Cases: []CaseSummary{}}, nil // no case has a code that is no text
	}
	var search *searchQuery
	if t := strings.TrimSpace(f.Text); t != "" {
		q := parseSearch(t)
		if q.empty() {
			return &CasePage{Cases: []CaseSummary{}}, nil
		}
		search = &q
	}
	page := &CasePage{Cases: []CaseSummary{}}
	err := s.tx(ctx, func(tx *Tx) error {
		if s.engine == Postgres && search != nil {
			// How many cases a search's words match decides its best plan.
			// After five runs of the (driver-cached) statement PostgreSQL
			// may switch to a generic plan that ignores it and walks every
			// case for a rare name (80 ms instead of 0.1 ms on 100,000 cases).
			if _, err := tx.ExecContext(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
				return err
			}
		}
		var shown []string
		q, args := s.listSQL(a, f, search, false, false)
		more, err := tx.summaries(ctx, a, q, args, f.Limit, &page.Cases, &shown)
		if err != nil {
			return err
		}
		if more {
			page.Next = page.Cases[len(page.Cases)-1].ID
		}
		if search != nil && len(search.tokens) > 0 {
			// The similar spellings follow the exact matches once these
			// are at their end. The statement is sent on every page of a
			// name search (a page's statements do not vary with the data),
			// but does nothing while more exact matches follow.
			n := len(page.Cases)
			q, args := s.listSQL(a, f, search, true, !more)
			if _, err := tx.summaries(ctx, a, q, args, similarLimit, &page.Cases, &shown); err != nil {
				return err
			}
			for i := n; i < len(page.Cases); i++ {
				page.Cases[i].Similar = true
			}
		}
		if len(shown) == 0 {
			return nil
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "case.list", objectType: "case", records: shown, purpose: ercms.PurposeCaseHandling, partyState: partyOf(a)})
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// valid reports whether the codes of a filter are text a database keeps:
// valid UTF-8 without NUL (which PostgreSQL refuses in a query). The search
// text is read into words and needs no check.
func (f CaseFilter) valid() bool {
	codes := []string{string(f.Type), f.RequestingState, string(f.Procedure), string(f.Category), f.After}
	for _, s := range f.Status {
		codes = append(codes, string(s))
	}
	for _, s := range codes {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return false
		}
	}
	return true
}

// similarLimit is how many cases of similar spelling a search lists after
// its exact matches.
const similarLimit = 20

// listSQL writes the query of a list in a's scope and its arguments: the
// cases of the filter from the cursor on, newest first, one more than the
// page holds; or, with similar, the cases whose names are spelled one letter
// off a name word of the search (searchSQL) and are no exact match, listed
// after the exact matches (so without the cursor) and only when ended says
// that these are at their end.
func (s *DB) listSQL(a ercms.Actor, f CaseFilter, search *searchQuery, similar, ended bool) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	// Placeholders are numbered in the order they appear in the query text.
	from := "cases c"
	var where []string
	if similar {
		// A constant the engines test once, before anything is read.
		where = append(where, arg(boolInt(ended))+" = 1")
	}
	if search != nil {
		// The matching cases are a small set found through the indexes of
		// case_names and case_identifiers and joined to cases by id; CROSS
		// JOIN keeps that order on SQLite, whose planner has no statistics
		// to choose it (it scanned and probed every case), and is a plain
		// join to PostgreSQL.
		from = "(" + searchSQL(*search, similar, arg) + ") m CROSS JOIN cases c"
		where = append(where, "c.id = m.case_id")
		if similar {
			where = append(where, "c.id NOT IN ("+searchSQL(*search, false, arg)+")")
		}
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
	limit := f.Limit + 1
	if similar {
		limit = similarLimit
	} else if f.After != "" {
		where = append(where, "c.id < "+arg(f.After))
	}
	return `SELECT c.data, c.version, c.status FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY c.id DESC LIMIT %d`, limit), args
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// summaries runs a list query (listSQL) and appends to out the summaries,
// as a may read them (ercms.ViewFor), of up to limit cases, and the records
// they show to shown; more reports a case beyond limit.
func (tx *Tx) summaries(ctx context.Context, a ercms.Actor, q string, args []any, limit int, out *[]CaseSummary, shown *[]string) (more bool, err error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for n := 0; rows.Next(); n++ {
		if n == limit {
			more = true
			break
		}
		var data, status string
		var version int
		if err := rows.Scan(&data, &version, &status); err != nil {
			return false, err
		}
		var c ercms.Case
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return false, err
		}
		c.Version, c.Status = version, ercms.State(status)
		sum := summarise(ercms.ViewFor(a, &c))
		*out = append(*out, sum)
		// The summary shows the person's names and date of birth: the
		// event names the person too, as FindCase's does.
		*shown = append(*shown, "case:"+c.ID)
		if sum.Surname != "" {
			*shown = append(*shown, "person:"+c.ID)
		}
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	return more, rows.Close()
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
		Surname: p.Surname, GivenNames: p.GivenNames, Nationality: p.Nationality, DateOfBirth: p.DateOfBirth, NextDeadline: c.NextDeadline(), Assistance: c.TransitAssistance(),
		Arrival: arrivalOf(c), Reply: replyClock(c)}
}
