package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ercms/ercms"
)

// The oversight screens: the auditor's audit trail and register of
// transmissions, and the data protection officer's report of who read or
// received a person's data (DOMAIN.md §7). They read the audit trail only,
// which names records, never their contents.

// AuditQuery selects a page of the sequenced audit trail, newest first.
type AuditQuery struct {
	OrgID     string // the organisation of the actor
	Username  string // the actor's user name, exactly
	Action    string // the action, exactly (case.read, case.register, …)
	Reference string // a case reference: the events about that case or naming it
	State     string // the member state of the record (party) or the recipient of a transmission
	From, To  time.Time
	// Transmissions keeps only the events that went to another party
	// (those with a recipient): the register of transmissions.
	Transmissions bool
	Before        int64 // the sequence number to continue below (0: the newest)
	// After asks for the page just newer than this sequence number (the
	// previous page); Before is then ignored.
	After int64
	Limit int
}

// AuditPage is one page of the audit trail.
type AuditPage struct {
	Events []AuditEvent
	// Next is the sequence number to continue below, 0 at the end.
	Next int64
	// Prev is the sequence number to continue above (the previous, newer
	// page), 0 on the newest page.
	Prev int64
	// References are the references of the cases the events are about, by case id.
	References map[string]string
}

// oversightRole reports whether a reads the audit trail.
func oversightRole(a ercms.Actor) bool { return a.Role == ercms.RoleAuditor || a.Role == ercms.RoleDPO }

// auditWhere returns the conditions of q's filters on audit_events e (the
// page's cursor left out), their arguments following args.
func (q AuditQuery) auditWhere(args *[]any) []string {
	arg := func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	where := []string{"e.seq IS NOT NULL"}
	if q.OrgID != "" {
		where = append(where, "e.org_id = "+arg(q.OrgID))
	}
	if q.Username != "" {
		where = append(where, "e.actor_username = "+arg(q.Username))
	}
	if q.Action != "" {
		where = append(where, "e.action = "+arg(q.Action))
	}
	if q.State != "" {
		st := arg(q.State)
		where = append(where, "(e.party_state = "+st+" OR e.recipient = "+st+")")
	}
	if !q.From.IsZero() {
		where = append(where, "e.at >= "+arg(formatTime(q.From)))
	}
	if !q.To.IsZero() {
		where = append(where, "e.at < "+arg(formatTime(q.To)))
	}
	if q.Transmissions {
		where = append(where, "e.recipient <> ''")
	}
	if q.Reference != "" {
		// The events about the case, and the lists that named it.
		where = append(where, `EXISTS (SELECT 1 FROM cases c WHERE c.reference = `+arg(q.Reference)+
			` AND (e.object_id = c.id OR e.records LIKE '%"case:' || c.id || '"%'))`)
	}
	return where
}

// SearchAudit lists a page of the audit trail for the auditor and the data
// protection officer, newest first: the newest page, the page below
// q.Before, or the page above q.After.
func (s *DB) SearchAudit(ctx context.Context, a ercms.Actor, q AuditQuery) (AuditPage, error) {
	var pg AuditPage
	if !oversightRole(a) {
		return pg, ercms.Fail(ercms.EForbidden, "err.audit.forbidden")
	}
	if q.Limit <= 0 || q.Limit > MaxPage {
		q.Limit = 50
	}
	var args []any
	where := q.auditWhere(&args)
	cursor := func(cond string, seq int64) string {
		args = append(args, seq)
		return fmt.Sprintf("%s AND e.seq %s $%d", strings.Join(where, " AND "), cond, len(args))
	}
	var err error
	if q.After > 0 {
		evs, err := s.queryAudit(ctx, `SELECT `+auditColumns+` FROM audit_events e WHERE `+cursor(">", q.After)+
			` ORDER BY e.seq LIMIT `+fmt.Sprint(q.Limit+1), args...)
		if err != nil {
			return pg, err
		}
		if len(evs) > q.Limit {
			evs = evs[:q.Limit]
			pg.Prev = evs[len(evs)-1].Seq
		}
		slices.Reverse(evs)
		pg.Events, pg.Next = evs, q.After+1
		if len(evs) > 0 {
			pg.Next = evs[len(evs)-1].Seq
		}
	} else {
		cond := strings.Join(where, " AND ")
		if q.Before > 0 {
			cond = cursor("<", q.Before)
		}
		evs, err := s.queryAudit(ctx, `SELECT `+auditColumns+` FROM audit_events e WHERE `+cond+
			` ORDER BY e.seq DESC LIMIT `+fmt.Sprint(q.Limit+1), args...)
		if err != nil {
			return pg, err
		}
		if len(evs) > q.Limit {
			evs = evs[:q.Limit]
			pg.Next = evs[len(evs)-1].Seq
		}
		pg.Events = evs
		if q.Before > 0 && len(evs) > 0 {
			// A newer page exists when an event above this page's newest matches.
			var newer []any
			w := q.auditWhere(&newer)
			newer = append(newer, evs[0].Seq)
			var n int
			err := s.rdb.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 FROM audit_events e WHERE %s AND e.seq > $%d LIMIT 1) x`,
				strings.Join(w, " AND "), len(newer)), newer...).Scan(&n)
			if err != nil {
				return pg, err
			}
			if n > 0 {
				pg.Prev = evs[0].Seq
			}
		}
	}
	pg.References, err = s.caseReferences(ctx, pg.Events)
	return pg, err
}

// caseReferences returns the references of the cases events are about.
func (s *DB) caseReferences(ctx context.Context, evs []AuditEvent) (map[string]string, error) {
	refs := map[string]string{}
	var ids []any
	var ph []string
	for _, e := range evs {
		if e.ObjectType != "case" || e.ObjectID == "" {
			continue
		}
		if _, ok := refs[e.ObjectID]; ok {
			continue
		}
		refs[e.ObjectID] = ""
		ids = append(ids, e.ObjectID)
		ph = append(ph, fmt.Sprintf("$%d", len(ids)))
	}
	if len(ids) == 0 {
		return refs, nil
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, reference FROM cases WHERE id IN (`+strings.Join(ph, ",")+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, err
		}
		refs[id] = ref
	}
	return refs, rows.Err()
}

// AuditActions lists the actions the audit trail holds, for the filter:
// one probe of the index on action per action (a loose index scan), not
// a scan of the whole trail.
func (s *DB) AuditActions(ctx context.Context, a ercms.Actor) ([]string, error) {
	if !oversightRole(a) {
		return nil, ercms.Fail(ercms.EForbidden, "err.audit.forbidden")
	}
	return column(ctx, s.rdb, `WITH RECURSIVE acts(action) AS (
			SELECT MIN(action) FROM audit_events
			UNION ALL
			SELECT (SELECT MIN(e.action) FROM audit_events e WHERE e.action > acts.action) FROM acts WHERE acts.action IS NOT NULL)
		SELECT action FROM acts WHERE action IS NOT NULL`)
}

// PersonMatch is a person the data protection officer looks for: only the
// reference of the case that holds the person's data, never the data.
type PersonMatch struct {
	CaseID    string
	Reference string
}

// FindPersons finds, for the data protection officer, the cases whose
// person matches a case reference or a name (as the case search reads a
// name), up to limit. The search is audited: it names the cases found.
func (s *DB) FindPersons(ctx context.Context, a ercms.Actor, reference, name string, limit int) ([]PersonMatch, error) {
	if a.Role != ercms.RoleDPO {
		return nil, ercms.Fail(ercms.EForbidden, "err.audit.forbidden")
	}
	if limit <= 0 || limit > MaxPage {
		limit = 50
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var where []string
	if reference != "" {
		where = append(where, "(c.reference = "+arg(reference)+" OR c.requesting_reference = "+arg(reference)+")")
	}
	if name != "" {
		sq := parseSearch(name)
		if len(sq.tokens) == 0 {
			return nil, nil
		}
		sq.ids, sq.whole = nil, ""
		where = append(where, "c.id IN ("+searchSQL(sq, false, arg)+")")
	}
	if len(where) == 0 {
		return nil, nil
	}
	var out []PersonMatch
	err := s.tx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.reference FROM cases c WHERE `+strings.Join(where, " AND ")+
			` ORDER BY c.reference LIMIT `+fmt.Sprint(limit), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var recs []string
		for rows.Next() {
			var m PersonMatch
			if err := rows.Scan(&m.CaseID, &m.Reference); err != nil {
				return err
			}
			out = append(out, m)
			recs = append(recs, "case:"+m.CaseID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return tx.audit(ctx, auditEvent{actor: a, action: "audit.person_search", objectType: "person_report", records: recs,
			purpose: ercms.PurposeDataProtection})
	})
	return out, err
}

// PersonReport lists, newest first, who read or received the data of the
// person of case caseID: the first page (up to 1000 events) of
// PersonReportPage.
func (s *DB) PersonReport(ctx context.Context, a ercms.Actor, caseID string) (PersonMatch, []AuditEvent, error) {
	m, evs, _, err := s.PersonReportPage(ctx, a, caseID, "", 1000)
	return m, evs, err
}

// PersonReportPage lists, newest first, up to limit events of the report
// on the person of case caseID: the events that name the person's record,
// the transmissions of the case, and the reads of its documents; after is
// the cursor a previous page returned ("" for the newest), next the
// cursor of the page below ("" at the end). The report is audited when
// its first page is read (naming the case, not the person's data); the
// pages that continue it (an export) belong to that read.
func (s *DB) PersonReportPage(ctx context.Context, a ercms.Actor, caseID, after string, limit int) (m PersonMatch, evs []AuditEvent, next string, err error) {
	m = PersonMatch{CaseID: caseID}
	if a.Role != ercms.RoleDPO {
		return m, nil, "", ercms.Fail(ercms.EForbidden, "err.audit.forbidden")
	}
	if limit <= 0 {
		limit = MaxPage
	}
	err = s.tx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT reference FROM cases WHERE id = $1`, caseID).Scan(&m.Reference); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ercms.Fail(ercms.ENotFound, "err.no_such_case")
			}
			return err
		}
		if after != "" {
			return nil
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "audit.person_report", objectType: "person_report", objectID: caseID,
			records: []string{"case:" + caseID}, purpose: ercms.PurposeDataProtection})
	})
	if err != nil {
		return m, nil, "", err
	}
	args := []any{`%"person:` + caseID + `"%`, caseID}
	below := ""
	if at, id, ok := strings.Cut(after, "|"); ok {
		args = append(args, at, id)
		below = ` AND (at < $3 OR (at = $3 AND id < $4))`
	}
	evs, err = s.queryAudit(ctx, `SELECT `+auditColumns+` FROM audit_events
		WHERE (records LIKE $1 OR (object_type = 'case' AND object_id = $2 AND (recipient <> '' OR action IN ('attachment.read', 'document.download'))))`+below+`
		ORDER BY at DESC, id DESC LIMIT `+fmt.Sprint(limit+1), args...)
	if err != nil {
		return m, nil, "", err
	}
	if len(evs) > limit {
		evs = evs[:limit]
		last := evs[len(evs)-1]
		next = formatTime(last.At) + "|" + last.ID
	}
	return m, evs, next, nil
}
