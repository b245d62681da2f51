package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

type listData struct {
	Filter   sqldb.CaseFilter
	Query    url.Values
	Cases    []sqldb.CaseSummary
	NextURL  string
	States   []ercms.State
	Partners []string
	Status   string
	Due      string
}

// caseList is the list of cases with filters and keyset pagination.
func (u *ui) caseList(rq *request) {
	q := rq.r.URL.Query()
	f := sqldb.CaseFilter{Type: ercms.CaseType(q.Get("type")), RequestingState: strings.ToUpper(q.Get("requesting_state")),
		Procedure: ercms.Procedure(q.Get("procedure")), Category: ercms.Category(q.Get("category")), Text: q.Get("q"), After: q.Get("after"), Limit: 50}
	if st := q.Get("status"); st != "" {
		f.Status = []ercms.State{ercms.State(st)}
	}
	// The deadline window: overdue, or due within 3, 7 or 30 days.
	switch w := q.Get("due"); w {
	case "overdue":
		by := u.s.db.Today().AddDays(-1)
		f.DueBy = &by
	case "3", "7", "30":
		n, _ := strconv.Atoi(w)
		by := u.s.db.Today().AddDays(n)
		f.DueBy = &by
	}
	pg, err := u.s.db.ListCases(rq.r.Context(), *rq.actor, f)
	if err != nil {
		u.fail(rq, err)
		return
	}
	d := listData{Filter: f, Query: q, Cases: pg.Cases, Status: q.Get("status"), Due: q.Get("due"),
		States: append(slices.Clone(ercms.ReadmissionStates), ercms.TransitStates[1:6]...)}
	d.Partners = u.s.db.PartnerStates()
	if pg.Next != "" {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("after", pg.Next)
		d.NextURL = "/cases?" + next.Encode()
	}
	u.render(rq, http.StatusOK, "cases", page{Title: rq.t("nav.cases"), Data: d})
}

// caseSections are the sub-pages of a case (UI.md).
var caseSections = []string{"summary", "person", "evidence", "verification", "decision", "transfer", "files", "history"}

type caseData struct {
	Case     *ercms.Case
	Section  string
	Sections []string
	Actions  []string
	Orgs     map[string]ercms.Organisation
	Next     *ercms.Deadline
	// Messages, Files and Purposes fill the messages and files sections;
	// Form keeps what a failed form of a section held.
	Messages []ercms.Message
	Files    []ercms.Attachment
	Purposes []string
	Form     fieldValues
	// Side is the user's party in the case (requesting, requested), if any.
	Side string
	// Officers are the central authority's officers (for the officer in
	// charge), for its own users only.
	Officers []ercms.User
	// Agreement names the agreement the case's deadlines count by (EU,
	// Norwegian, Swiss…) in the reader's language.
	Agreement string
	// Figures tells, by deadline kind, where each deadline's figure comes
	// from and whether it was checked against the agreement text.
	Figures map[string]figureNote
}

// Open reports whether the case still needs an officer (not in an end state).
func (d caseData) Open() bool { return !ercms.Terminal(d.Case.Status) }

// OfficerName names the officer in charge, or is "" where the user may not
// know the name: only the central authority's own users read the names of
// its officers (d.Officers is empty for everyone else). A page shows an
// honest phrase then, never the officer's id.
func (d caseData) OfficerName(id string) string {
	for _, o := range d.Officers {
		if o.ID == id {
			return o.DisplayName
		}
	}
	return ""
}

// Value returns what the section's failed form held for a field.
func (d caseData) Value(name string) string { return d.Form.Value(name) }

// OrgName names an organisation by id in the reader's language l.
func (d caseData) OrgName(id string, l i18n.Lang) string {
	if o, ok := d.Orgs[id]; ok {
		return o.NameIn(l)
	}
	return id
}

func (u *ui) loadCase(rq *request) (caseData, bool) {
	c, err := u.s.db.FindCase(rq.r.Context(), *rq.actor, rq.r.PathValue("id"))
	if err != nil {
		u.fail(rq, err)
		return caseData{}, false
	}
	orgs, err := u.s.db.Organisations(rq.r.Context())
	if err != nil {
		u.fail(rq, err)
		return caseData{}, false
	}
	d := caseData{Case: c, Sections: caseSectionsFor(*rq.actor), Actions: ercms.AvailableActions(*rq.actor, c, u.s.db.Today()),
		Orgs: map[string]ercms.Organisation{}, Next: c.NextDeadline()}
	for _, o := range orgs {
		d.Orgs[o.ID] = o
	}
	// The agreement the case is counted under: the version in force on its
	// date of receipt (of creation, for a draft).
	on := civil.Of(c.CreatedAt)
	if c.ReceivedOn != nil {
		on = *c.ReceivedOn
	}
	if p, err := u.s.db.Rules().Profile(c.ProfileID, on); err == nil {
		d.Agreement = p.NameIn(rq.lang)
	} else if p, err := u.s.db.Rules().Latest(c.ProfileID); err == nil {
		d.Agreement = p.NameIn(rq.lang)
	}
	var kinds []string
	for _, dl := range c.Deadlines {
		kinds = append(kinds, dl.Kind)
	}
	if d.Figures, err = u.figureNotes(rq.r.Context(), rq.lang, *rq.actor, c.ProfileID, c.ProfileVersion, c.RequestingState, kinds); err != nil {
		u.fail(rq, err)
		return caseData{}, false
	}
	return d, true
}

// casePage shows one section of a case with the actions the user may take.
func (u *ui) casePage(rq *request) {
	section := rq.r.PathValue("section")
	if section == "" {
		section = "summary"
	}
	if !slices.Contains(caseSectionsFor(*rq.actor), section) {
		u.notFound(rq)
		return
	}
	d, ok := u.loadCase(rq)
	if !ok {
		return
	}
	d.Section = section
	if err := u.loadSection(rq, &d); err != nil {
		u.fail(rq, err)
		return
	}
	// Opening the case reads what its notifications told (before the menu
	// counts the unread ones).
	if err := u.s.db.MarkNotificationsRead(rq.r.Context(), *rq.actor, d.Case.ID); err != nil {
		u.fail(rq, err)
		return
	}
	title := rq.t("case.title", "reference", d.Case.Reference) + " – " + rq.t("section."+section)
	u.render(rq, http.StatusOK, "case", page{Title: title, Data: d})
}
