package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// The oversight screens (issue 14): the auditor's audit trail and register
// of transmissions, the data protection officer's report of who read or
// received a person's data. They show what the audit trail names (users,
// organisations, actions, case references, purposes, recipients, hashes),
// never a case's contents, and export it as CSV.

// oversightRoutes registers the oversight pages.
func (s *Server) oversightRoutes(u *ui) {
	page := func(pattern string, h func(*request)) { s.mux.Handle(pattern, u.handle(true, h)) }
	page("GET /audit", u.auditTrail)
	page("GET /audit/export", u.auditTrail)
	page("GET /audit/transmissions", u.transmissionRegister)
	page("GET /audit/transmissions/export", u.transmissionRegister)
	page("GET /audit/persons", u.personSearch)
	page("GET /audit/persons/{id}", u.personReport)
	page("GET /audit/persons/{id}/export", u.personReport)
}

// oversightNav lists the oversight pages of a role's navigation.
func (u *ui) oversightNav(rq *request) []navItem {
	p := rq.r.URL.Path
	var items []navItem
	if rq.actor.Role == ercms.RoleDPO {
		items = append(items, navItem{Href: "/audit/persons", Label: rq.t("oversight.nav.persons"), Current: strings.HasPrefix(p, "/audit/persons")})
	}
	if oversees(rq.actor) {
		items = append(items,
			navItem{Href: "/audit", Label: rq.t("oversight.nav.trail"), Current: p == "/audit"},
			navItem{Href: "/audit/transmissions", Label: rq.t("oversight.nav.transmissions"), Current: strings.HasPrefix(p, "/audit/transmissions")})
	}
	return items
}

// oversees reports whether a reads the audit trail.
func oversees(a *ercms.Actor) bool { return a.Role == ercms.RoleAuditor || a.Role == ercms.RoleDPO }

// oversightHome is the home page of the auditor (the audit trail) and of
// the DPO (the search of a person's report); ok is false for other roles.
func (u *ui) oversightHome(rq *request) bool {
	switch rq.actor.Role {
	case ercms.RoleAuditor:
		u.auditTrail(rq)
	case ercms.RoleDPO:
		u.personSearch(rq)
	default:
		return false
	}
	return true
}

// auditData is what the audit trail and the register of transmissions show.
type auditData struct {
	fieldValues
	Transmissions bool
	Events        []auditRow
	Orgs          []ercms.Organisation
	Actions       []string
	Chain         *sqldb.AuditReport
	NextURL       string
	PrevURL       string
	ExportURL     string
	Action        string // where the filter form goes
}

// auditRow is one event as a row of the oversight tables.
type auditRow struct {
	sqldb.AuditEvent
	OrgName   string
	Reference string
	Recipient string // the recipient's name
	Party     string // the name of the member state whose record it is
	Content   string // the content hash of a transmission
	// PurposeWords is the purpose in the reader's language; PurposeCode
	// its stable code (ercms.PurposeCode).
	PurposeWords, PurposeCode string
}

// maxFilterText is the longest text a filter field takes.
const maxFilterText = 100

// filterText reports whether v is text a filter takes: at most
// maxFilterText characters, no control character.
func filterText(v string) bool {
	return len([]rune(v)) <= maxFilterText && !strings.ContainsFunc(v, unicode.IsControl)
}

// filterReference reports whether v may be (part of) a case reference:
// ASCII letters, digits, hyphens and slashes.
func filterReference(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool {
		return !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '/'))
	})
}

// auditFilter reads the filters of the audit pages from the query q; errs
// names the fields refused, by field id.
func (u *ui) auditFilter(rq *request, q url.Values, actions []string, orgs []ercms.Organisation) (sqldb.AuditQuery, fieldValues, []fieldError) {
	var f sqldb.AuditQuery
	vals := fieldValues{}
	var errs []fieldError
	refuse := func(name, key string) { errs = append(errs, fieldError{ID: fieldID(name), Message: rq.t(key)}) }
	text := func(name string) (string, bool) {
		v := strings.TrimSpace(q.Get(name))
		vals[name] = v
		if !filterText(v) {
			refuse(name, "oversight.error.text")
			return "", false
		}
		return v, true
	}
	if v, ok := text("organisation"); ok && v != "" {
		if !slices.ContainsFunc(orgs, func(o ercms.Organisation) bool { return o.ID == v }) {
			refuse("organisation", "oversight.error.organisation")
		}
		f.OrgID = v
	}
	if v, ok := text("user"); ok {
		f.Username = v
	}
	if v, ok := text("action"); ok && v != "" {
		if !slices.Contains(actions, v) {
			refuse("action", "oversight.error.action")
		}
		f.Action = v
	}
	if v, ok := text("reference"); ok && v != "" {
		if !filterReference(v) {
			refuse("reference", "oversight.error.reference")
		}
		f.Reference = strings.ToUpper(v)
	}
	if v, ok := text("state"); ok && v != "" {
		if !ercms.IsCountry(v) {
			refuse("state", "oversight.error.state")
		}
		f.State = v
	}
	loc := u.s.db.Location()
	var from, to *civil.Date
	for _, name := range []string{"from", "to"} {
		p := datePartsOf(q.Get, name)
		vals[name+".day"], vals[name+".month"], vals[name+".year"] = p.day, p.month, p.year
		d, key := formDate(q.Get, name)
		if key != "" {
			refuse(name, key)
			continue
		}
		if name == "from" {
			from = d
		} else {
			to = d
		}
	}
	if from != nil {
		f.From = time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
	}
	if to != nil {
		f.To = time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	}
	if from != nil && to != nil && !f.To.After(f.From) {
		refuse("to", "oversight.error.period")
	}
	for _, name := range []string{"before", "after"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			refuse("before", "oversight.error.page")
			continue
		}
		if name == "before" {
			f.Before = n
		} else {
			f.After = n
		}
	}
	return f, vals, errs
}

// auditTrail shows (or exports) the audit trail, filtered, newest first,
// with the state of its hash chain.
func (u *ui) auditTrail(rq *request) { u.auditPages(rq, false) }

// transmissionRegister shows (or exports) the register of transmissions:
// what went to which party, when, with the hash of its content.
func (u *ui) transmissionRegister(rq *request) { u.auditPages(rq, true) }

func (u *ui) auditPages(rq *request, transmissions bool) {
	if !oversees(rq.actor) {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	ctx := rq.r.Context()
	actions, err := u.s.db.AuditActions(ctx, *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	orgs, err := u.s.db.Organisations(ctx)
	if err != nil {
		u.fail(rq, err)
		return
	}
	q := rq.r.URL.Query()
	f, vals, errs := u.auditFilter(rq, q, actions, orgs)
	f.Transmissions = transmissions
	base, title := "/audit", rq.t("oversight.trail.title")
	if transmissions {
		base, title = "/audit/transmissions", rq.t("oversight.transmissions.title")
	}
	exporting := strings.HasSuffix(rq.r.URL.Path, "/export")
	d := auditData{fieldValues: vals, Transmissions: transmissions, Orgs: orgs, Actions: actions, Action: base}
	if len(errs) > 0 {
		if exporting {
			u.errorPage(rq, http.StatusUnprocessableEntity, errs[0].Message)
			return
		}
		u.render(rq, http.StatusUnprocessableEntity, "oversight_trail", page{Title: title, Errors: errs, Data: d})
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.NameIn(rq.lang)
	}
	if exporting {
		u.exportAudit(rq, f, names)
		return
	}
	pg, err := u.s.db.SearchAudit(ctx, *rq.actor, f)
	if err != nil {
		u.fail(rq, err)
		return
	}
	for _, e := range pg.Events {
		d.Events = append(d.Events, u.auditRow(rq.lang, e, names, pg.References))
	}
	if !transmissions && f.Before == 0 && f.After == 0 {
		r, err := u.s.db.VerifyAuditSince(ctx)
		if err != nil {
			u.fail(rq, err)
			return
		}
		d.Chain = &r
	}
	plain := url.Values{}
	for k, v := range q {
		if k != "before" && k != "after" {
			plain[k] = v
		}
	}
	pageURL := func(cursor string, seq int64) string {
		v := url.Values{}
		for k, x := range plain {
			v[k] = x
		}
		v.Set(cursor, strconv.FormatInt(seq, 10))
		return base + "?" + v.Encode()
	}
	if pg.Next != 0 {
		d.NextURL = pageURL("before", pg.Next)
	}
	if pg.Prev != 0 {
		d.PrevURL = pageURL("after", pg.Prev)
	}
	d.ExportURL = base + "/export?" + plain.Encode()
	u.render(rq, http.StatusOK, "oversight_trail", page{Title: title, Data: d})
}

// auditRow names what an event refers to in language l.
func (u *ui) auditRow(l i18n.Lang, e sqldb.AuditEvent, orgs, refs map[string]string) auditRow {
	r := auditRow{AuditEvent: e, OrgName: orgs[e.OrgID], Reference: refs[e.ObjectID],
		PurposeWords: purposeWords(u.cat, l, e.Purpose), PurposeCode: ercms.PurposeCode(e.Purpose)}
	if r.OrgName == "" {
		r.OrgName = e.OrgID
	}
	r.Recipient = u.partyName(l, e.Recipient, orgs)
	r.Party = u.partyName(l, e.PartyState, orgs)
	var det map[string]any
	if json.Unmarshal(e.Details, &det) == nil {
		if h, ok := det["content_sha256"].(string); ok {
			r.Content = h
		}
	}
	return r
}

// partyName names a party of a transmission: a state code or an organisation id.
func (u *ui) partyName(l i18n.Lang, code string, orgs map[string]string) string {
	switch {
	case code == "":
		return ""
	case orgs[code] != "":
		return orgs[code]
	case len(code) == 2:
		return u.cat.CountryName(l, code)
	}
	return code
}

// safeCell keeps a CSV cell from being read as a formula by a spreadsheet.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// maxExport is the most rows a CSV export holds; a file that reaches it
// says so in its last line.
const maxExport = 100000

// csvFile is a CSV file being sent, row by row, every cell made safe.
type csvFile struct {
	w    *csv.Writer
	rows int
	// full is the last line of a file that reached maxExport rows.
	full string
}

// startCSV starts sending a CSV file called name with its header row.
func startCSV(rq *request, name string, header ...string) *csvFile {
	h := rq.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	f := &csvFile{w: csv.NewWriter(rq.w), full: rq.t("rest14.export.truncated", "max", i18n.FormatNumber(rq.lang, maxExport))}
	f.write(header)
	return f
}

func (f *csvFile) write(row []string) {
	for i := range row {
		row[i] = safeCell(row[i])
	}
	_ = f.w.Write(row)
}

// add writes a row; it reports false once the file holds maxExport rows,
// having written a last line that says the export stopped there.
func (f *csvFile) add(row ...string) bool {
	if f.rows == maxExport {
		last := make([]string, max(1, len(row))) // as wide as the rows
		last[0] = f.full
		f.write(last)
		return false
	}
	f.write(row)
	f.rows++
	return true
}

// exportAudit sends every event of the audit trail or of the register of
// transmissions that filter f selects as CSV, newest first, read page by
// page (at most maxExport rows), the columns headed in the reader's
// language and the purpose in words (its code in the last column).
func (u *ui) exportAudit(rq *request, f sqldb.AuditQuery, orgs map[string]string) {
	ctx := rq.r.Context()
	f.Before, f.After, f.Limit = 0, 0, sqldb.MaxPage
	pg, err := u.s.db.SearchAudit(ctx, *rq.actor, f)
	if err != nil {
		u.fail(rq, err)
		return
	}
	name := "audit-trail.csv"
	if f.Transmissions {
		name = "transmissions.csv"
	}
	t := rq.t
	out := startCSV(rq, name, t("oversight.col.seq"), t("oversight.col.time"), t("oversight.col.user"), t("oversight.col.organisation"),
		t("oversight.col.action"), t("oversight.col.case"), t("oversight.col.purpose"), t("oversight.col.party"),
		t("oversight.col.recipient"), t("oversight.col.content"), t("oversight.col.hash"), t("rest14.col.purpose_code"))
	defer out.w.Flush()
	for {
		for _, e := range pg.Events {
			r := u.auditRow(rq.lang, e, orgs, pg.References)
			if !out.add(strconv.FormatInt(r.Seq, 10), r.At.UTC().Format(time.RFC3339), r.Actor, r.OrgName,
				r.Action, r.Reference, r.PurposeWords, r.PartyState, r.AuditEvent.Recipient, r.Content, r.Hash, r.PurposeCode) {
				return
			}
		}
		if pg.Next == 0 || ctx.Err() != nil {
			return
		}
		out.w.Flush()
		f.Before = pg.Next
		if pg, err = u.s.db.SearchAudit(ctx, *rq.actor, f); err != nil {
			u.s.log.Error("audit export", "err", err) // the file is cut short; the header is sent
			return
		}
	}
}

// personData is what the DPO's search of a person shows.
type personData struct {
	fieldValues
	Searched bool
	Matches  []sqldb.PersonMatch
}

// personSearch finds the person a report is about, by case reference or
// by name; it names the cases found by reference only.
func (u *ui) personSearch(rq *request) {
	if rq.actor.Role != ercms.RoleDPO {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	q := rq.r.URL.Query()
	ref, name := strings.TrimSpace(q.Get("reference")), strings.TrimSpace(q.Get("name"))
	d := personData{fieldValues: fieldValues{"reference": ref, "name": name}}
	var errs []fieldError
	if !filterText(ref) || !filterReference(ref) {
		errs = append(errs, fieldError{ID: fieldID("reference"), Message: rq.t("oversight.error.reference")})
	}
	if !filterText(name) {
		errs = append(errs, fieldError{ID: fieldID("name"), Message: rq.t("oversight.error.text")})
	}
	title := rq.t("oversight.persons.title")
	if len(errs) > 0 {
		u.render(rq, http.StatusUnprocessableEntity, "oversight_persons", page{Title: title, Errors: errs, Data: d})
		return
	}
	if ref != "" || name != "" {
		ms, err := u.s.db.FindPersons(rq.r.Context(), *rq.actor, strings.ToUpper(ref), name, 50)
		if err != nil {
			u.fail(rq, err)
			return
		}
		d.Searched, d.Matches = true, ms
	}
	u.render(rq, http.StatusOK, "oversight_persons", page{Title: title, Data: d})
}

// reportData is the DPO's report on one person.
type reportData struct {
	Person    sqldb.PersonMatch
	Events    []auditRow
	ExportURL string
}

// personReport shows (or exports) who read or received the data of the
// person of a case, when and for what purpose.
func (u *ui) personReport(rq *request) {
	if rq.actor.Role != ercms.RoleDPO {
		u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
		return
	}
	ctx := rq.r.Context()
	orgs, err := u.s.db.Organisations(ctx)
	if err != nil {
		u.fail(rq, err)
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.NameIn(rq.lang)
	}
	if strings.HasSuffix(rq.r.URL.Path, "/export") {
		u.exportReport(rq, rq.r.PathValue("id"), names)
		return
	}
	m, evs, err := u.s.db.PersonReport(ctx, *rq.actor, rq.r.PathValue("id"))
	if err != nil {
		u.fail(rq, err)
		return
	}
	d := reportData{Person: m, ExportURL: "/audit/persons/" + url.PathEscape(m.CaseID) + "/export"}
	for _, e := range evs {
		d.Events = append(d.Events, u.auditRow(rq.lang, e, names, map[string]string{m.CaseID: m.Reference}))
	}
	u.render(rq, http.StatusOK, "oversight_report", page{Title: rq.t("oversight.report.title", "reference", m.Reference), Data: d})
}

// exportReport sends the whole report on the person of case caseID as
// CSV, newest first, read page by page (at most maxExport rows).
func (u *ui) exportReport(rq *request, caseID string, orgs map[string]string) {
	ctx := rq.r.Context()
	m, evs, next, err := u.s.db.PersonReportPage(ctx, *rq.actor, caseID, "", sqldb.MaxPage)
	if err != nil {
		u.fail(rq, err)
		return
	}
	t := rq.t
	out := startCSV(rq, "person-report-"+m.Reference+".csv", t("oversight.col.time"), t("oversight.col.user"), t("oversight.col.organisation"),
		t("oversight.col.action"), t("oversight.col.purpose"), t("oversight.col.recipient"), t("oversight.col.case"), t("rest14.col.purpose_code"))
	defer out.w.Flush()
	refs := map[string]string{m.CaseID: m.Reference}
	for {
		for _, e := range evs {
			r := u.auditRow(rq.lang, e, orgs, refs)
			if !out.add(r.At.UTC().Format(time.RFC3339), r.Actor, r.OrgName, r.Action, r.PurposeWords, r.AuditEvent.Recipient, m.Reference, r.PurposeCode) {
				return
			}
		}
		if next == "" || ctx.Err() != nil {
			return
		}
		out.w.Flush()
		if _, evs, next, err = u.s.db.PersonReportPage(ctx, *rq.actor, m.CaseID, next, sqldb.MaxPage); err != nil {
			u.s.log.Error("person report export", "err", err)
			return
		}
	}
}
