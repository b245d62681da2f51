package sqldb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
)

// Arrival is what a border crossing point needs to receive a person: the
// agreed transfer (or approved transit) to it, with the persons, escorts
// and the care the border must provide.
type Arrival struct {
	Date civil.Date `json:"date"`
	// Time is the local time of arrival (HH:MM), empty when not yet known.
	Time          string `json:"time,omitempty"`
	CrossingPoint string `json:"crossing_point"`
	Flight        string `json:"flight_or_vehicle,omitempty"`
	// Persons counts the person and the family members the decision covers.
	Persons int `json:"persons"`
	Escorts int `json:"escorts"`
	// Needs are codes of what the border must provide: medical_escort,
	// contagious_disease, minor, security.
	Needs []string `json:"needs,omitempty"`
	// SpecialNeeds and Security are what the requesting state wrote with
	// the notice.
	SpecialNeeds string `json:"special_needs,omitempty"`
	Security     string `json:"security_measures,omitempty"`
}

// arrivalOf returns the arrival a case announces: its notified transfer or
// its transit request; nil for a case with neither.
func arrivalOf(c *ercms.Case) *Arrival {
	persons := 1
	if c.Decision != nil {
		persons += len(c.Decision.FamilyCovered)
	}
	var a *Arrival
	switch {
	case c.Transfer != nil:
		t := c.Transfer
		a = &Arrival{Date: t.Date, Time: t.Time, CrossingPoint: t.CrossingPoint, Flight: t.Flight, Persons: persons,
			Escorts: t.Escorts, SpecialNeeds: t.SpecialNeeds, Security: t.Security}
		if t.MedicalEscort {
			a.Needs = append(a.Needs, "medical_escort")
		}
	case c.Transit != nil:
		t := c.Transit
		a = &Arrival{Date: t.TransitOn, Time: t.TransitTime, CrossingPoint: t.EntryPoint, Persons: persons, Escorts: t.Escorts}
	default:
		return nil
	}
	s := c.Special
	if s.MedicalEscort && !slices.Contains(a.Needs, "medical_escort") {
		a.Needs = append(a.Needs, "medical_escort")
	}
	if s.ContagiousDisease {
		a.Needs = append(a.Needs, "contagious_disease")
	}
	if s.Minor {
		a.Needs = append(a.Needs, "minor")
	}
	if s.SecurityRisk != "" && a.Security == "" {
		a.Needs = append(a.Needs, "security")
	}
	return a
}

// replyClock returns the running reply clock of a case: after its due date
// the silence is a deemed approval; nil when none runs.
func replyClock(c *ercms.Case) *ercms.Deadline {
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if (d.Kind == ercms.ClockReply || d.Kind == ercms.ClockReplyAccelerated) && d.Status == ercms.DeadlineRunning && d.DueOn != nil {
			return d
		}
	}
	return nil
}

// QueueOrder says how a work queue is ordered.
type QueueOrder string

// The orders of work queues.
const (
	// OrderDeadline puts the nearest next deadline first (the default).
	OrderDeadline QueueOrder = ""
	// OrderArrival puts the earliest arrival (date and time) first: the
	// border crossing point's transfers expected.
	OrderArrival QueueOrder = "arrival"
	// OrderReplyDue puts the nearest reply due date first: the proposals
	// awaiting sign-off, by how close deemed approval is.
	OrderReplyDue QueueOrder = "reply_due"
)

// SortQueue orders the cases of a work queue; cases without the date the
// order needs come last, and ties keep the order of the reference.
func SortQueue(cs []CaseSummary, o QueueOrder) {
	key := func(c CaseSummary) (string, bool) {
		switch o {
		case OrderArrival:
			if c.Arrival == nil {
				return "", false
			}
			t := c.Arrival.Time
			if t == "" {
				t = "99:99" // a time not yet known: after the known ones of the day
			}
			return c.Arrival.Date.String() + " " + t, true
		case OrderReplyDue:
			if c.Reply == nil {
				return "", false
			}
			return c.Reply.DueOn.String(), true
		}
		if c.NextDeadline == nil || c.NextDeadline.DueOn == nil {
			return "", false
		}
		return c.NextDeadline.DueOn.String(), true
	}
	slices.SortStableFunc(cs, func(a, b CaseSummary) int {
		ka, oka := key(a)
		kb, okb := key(b)
		switch {
		case oka != okb && oka:
			return -1
		case oka != okb:
			return 1
		}
		if c := strings.Compare(ka, kb); c != 0 {
			return c
		}
		return cmp.Compare(a.Reference, b.Reference)
	})
}

// QueueSpec is one tab of a work queue: the states of its cases and the
// order it lists them in.
type QueueSpec struct {
	States []ercms.State
	Order  QueueOrder
}

// Queues lists, for each queue of qs, the up to limit cases in a's scope
// that come first in its order (the nearest deadline, deemed approval or
// arrival), chosen and limited in SQL so that an old case near its date
// is never left out, then ordered as SortQueue says. One statement reads
// every queue; the read is logged once, with the cases shown.
func (s *DB) Queues(ctx context.Context, a ercms.Actor, qs []QueueSpec, limit int) ([][]CaseSummary, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	out := make([][]CaseSummary, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	parts := make([]string, len(qs))
	for i, q := range qs {
		where := []string{scope(a, s.actorToday(), &args)}
		ph := make([]string, len(q.States))
		for j, st := range q.States {
			ph[j] = arg(string(st))
		}
		if len(ph) == 0 {
			ph = []string{"NULL"}
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ",")+")")
		key := "(" + s.queueKey(q.Order, arg) + ")"
		parts[i] = fmt.Sprintf(`SELECT * FROM (SELECT c.data, c.version, c.status FROM cases c WHERE %s ORDER BY %s IS NULL, %s, c.reference LIMIT %d) q%d`,
			strings.Join(where, " AND "), key, key, limit, i)
	}
	var all []CaseSummary
	err := s.tx(ctx, func(tx *Tx) error {
		var shown []string
		if _, err := tx.summaries(ctx, a, strings.Join(parts, " UNION ALL "), args, limit*len(qs), &all, &shown); err != nil {
			return err
		}
		if len(shown) == 0 {
			return nil
		}
		slices.Sort(shown)
		return tx.audit(ctx, auditEvent{actor: a, action: "case.list", objectType: "case", records: slices.Compact(shown),
			purpose: ercms.PurposeCaseHandling, partyState: partyOf(a)})
	})
	if err != nil {
		return nil, err
	}
	for i, q := range qs {
		for _, c := range all {
			if slices.Contains(q.States, c.Status) {
				out[i] = append(out[i], c)
			}
		}
		SortQueue(out[i], q.Order)
	}
	return out, nil
}

// queueKey is the SQL expression (over cases c) that orders a queue as
// SortQueue does: the next deadline's due date, the running reply clock's
// due date (deemed approval), or the arrival's date and time (a time not
// yet known after the known ones of the day); NULL for a case without it.
func (s *DB) queueKey(o QueueOrder, arg func(any) string) string {
	switch o {
	case OrderReplyDue:
		return `SELECT MIN(d.due_on) FROM case_deadlines d WHERE d.case_id = c.id AND d.kind IN (` +
			arg(ercms.ClockReply) + `,` + arg(ercms.ClockReplyAccelerated) + `) AND d.status = ` + arg(string(ercms.DeadlineRunning))
	case OrderArrival:
		at := func(date, clock string) string {
			return s.jsonText("c.data", date) + ` || ' ' || COALESCE(NULLIF(` + s.jsonText("c.data", clock) + `, ''), '99:99')`
		}
		return `COALESCE(` + at("transfer.date", "transfer.time") + `, ` + at("transit.transit_on", "transit.transit_time") + `)`
	}
	return `c.next_due_on`
}

// jsonText is the SQL expression of the text at path (keys joined by
// dots) of the JSON held in column col: the one place where the engines'
// JSON functions differ.
func (s *DB) jsonText(col, path string) string {
	if s.engine == Postgres {
		return `(` + col + `::jsonb #>> '{` + strings.ReplaceAll(path, ".", ",") + `}')`
	}
	return `json_extract(` + col + `, '$.` + path + `')`
}
