package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/sqldb"
)

// adminRoutes registers the administration pages (administrators only;
// every change goes through the store, which validates and audits it).
func (s *Server) adminRoutes(u *ui) {
	page := func(pattern string, h func(*request)) {
		s.mux.Handle(pattern, u.handle(true, func(rq *request) {
			if rq.actor.Role != ercms.RoleAdmin {
				u.errorPage(rq, http.StatusForbidden, rq.t("error.forbidden"))
				return
			}
			h(rq)
		}))
	}
	page("GET /admin", u.adminHome)
	page("GET /admin/organisations", u.adminOrganisations)
	page("POST /admin/organisations", u.adminCreateOrganisation)
	page("GET /admin/users", u.adminUsers)
	page("POST /admin/users", u.adminCreateUser)
	page("POST /admin/users/{id}/disable", u.adminDisableUser)
	page("POST /admin/users/{id}/password", u.adminResetPassword)
	page("GET /admin/calendars", u.adminCalendars)
	page("GET /admin/calendars/{state}/{year}", u.adminCalendarYear)
	page("POST /admin/calendars/{state}/{year}", u.adminSaveCalendarYear)
	page("GET /admin/profiles", u.adminProfiles)
	page("GET /admin/reference", u.adminReference)
}

type adminData struct {
	Section  string
	Orgs     []ercms.Organisation
	OrgNames map[string]string
	Users    []ercms.User
	Roles    []ercms.Role
	Kinds    []ercms.OrgKind
	Values   map[string]string
	Secret   string
	Years    []deadline.Year
	Year     *deadline.Year
	Profiles []*deadline.Profile
	Evidence []ercms.EvidenceType
	Lists    map[string][]string
}

// Value returns a submitted form value.
func (d adminData) Value(name string) string { return d.Values[name] }

func (u *ui) adminPage(rq *request, status int, section string, d adminData, errs []fieldError) {
	d.Section = section
	title := rq.t("admin." + section)
	if len(errs) > 0 {
		title = rq.t("error.title_prefix") + " " + title
	}
	u.render(rq, status, "admin", page{Title: title + " – " + rq.t("nav.admin"), Data: d, Errors: errs})
}

func (u *ui) adminHome(rq *request) { u.adminPage(rq, http.StatusOK, "home", adminData{}, nil) }

func (u *ui) orgData(rq *request) (adminData, bool) {
	orgs, err := u.s.db.Organisations(rq.r.Context())
	if err != nil {
		u.fail(rq, err)
		return adminData{}, false
	}
	d := adminData{Orgs: orgs, OrgNames: map[string]string{}, Roles: ercms.Roles, Kinds: ercms.OrgKinds, Values: map[string]string{}}
	for _, o := range orgs {
		d.OrgNames[o.ID] = o.Name
	}
	return d, true
}

func (u *ui) adminOrganisations(rq *request) {
	d, ok := u.orgData(rq)
	if ok {
		u.adminPage(rq, http.StatusOK, "organisations", d, nil)
	}
}

// storeErrors renders a store's field errors for a form whose fields are named as the store's.
func (u *ui) storeErrors(rq *request, err error) ([]fieldError, bool) {
	fields, ok := errorFields(err)
	if !ok {
		return nil, false
	}
	var out []fieldError
	for k, m := range fields {
		out = append(out, fieldError{ID: fieldID(k), Message: u.fieldMessage(rq, k, m)})
	}
	slices.SortFunc(out, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
	return out, true
}

func (u *ui) adminCreateOrganisation(rq *request) {
	f := rq.r.PostForm
	o := ercms.Organisation{Kind: ercms.OrgKind(f.Get("kind")), Name: strings.TrimSpace(f.Get("name")), State: strings.ToUpper(strings.TrimSpace(f.Get("state"))),
		ParentID: f.Get("parent_id"), AgencyType: strings.TrimSpace(f.Get("agency_type")), Accredited: splitList(strings.ToUpper(f.Get("accredited"))),
		CrossingPoint: strings.ToUpper(strings.TrimSpace(f.Get("crossing_point")))}
	err := u.s.db.CreateOrganisation(rq.r.Context(), *rq.actor, &o)
	if err == nil {
		u.flash(rq, rq.t("admin.saved"))
		http.Redirect(rq.w, rq.r, "/admin/organisations", http.StatusSeeOther)
		return
	}
	errs, ok := u.storeErrors(rq, err)
	if !ok {
		u.fail(rq, err)
		return
	}
	d, ok := u.orgData(rq)
	if ok {
		d.Values = formValues(rq)
		u.adminPage(rq, http.StatusUnprocessableEntity, "organisations", d, errs)
	}
}

func (u *ui) userData(rq *request) (adminData, bool) {
	d, ok := u.orgData(rq)
	if !ok {
		return d, false
	}
	users, err := u.s.db.Users(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return d, false
	}
	d.Users = users
	return d, true
}

func (u *ui) adminUsers(rq *request) {
	d, ok := u.userData(rq)
	if ok {
		u.adminPage(rq, http.StatusOK, "users", d, nil)
	}
}

func (u *ui) adminCreateUser(rq *request) {
	f := rq.r.PostForm
	pw := sqldb.RandomPassword()
	n := sqldb.NewUser{Username: strings.TrimSpace(f.Get("username")), DisplayName: strings.TrimSpace(f.Get("display_name")),
		OrgID: f.Get("organisation_id"), Role: ercms.Role(f.Get("role")), Service: f.Get("service") != ""}
	if !n.Service {
		n.Password = pw
	}
	_, err := u.s.db.CreateUser(rq.r.Context(), *rq.actor, n)
	d, ok := u.userData(rq)
	if !ok {
		return
	}
	if err != nil {
		errs, ok := u.storeErrors(rq, err)
		if !ok {
			u.fail(rq, err)
			return
		}
		d.Values = formValues(rq)
		u.adminPage(rq, http.StatusUnprocessableEntity, "users", d, errs)
		return
	}
	if !n.Service {
		d.Secret = rq.t("admin.password_once", "username", n.Username, "password", pw)
	}
	u.adminPage(rq, http.StatusOK, "users", d, nil)
}

func (u *ui) adminDisableUser(rq *request) {
	if err := u.s.db.SetUserDisabled(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), true); err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("admin.disabled"))
	http.Redirect(rq.w, rq.r, "/admin/users", http.StatusSeeOther)
}

func (u *ui) adminResetPassword(rq *request) {
	pw := sqldb.RandomPassword()
	if err := u.s.db.SetPassword(rq.r.Context(), *rq.actor, rq.r.PathValue("id"), pw); err != nil {
		u.fail(rq, err)
		return
	}
	d, ok := u.userData(rq)
	if !ok {
		return
	}
	for _, us := range d.Users {
		if us.ID == rq.r.PathValue("id") {
			d.Secret = rq.t("admin.password_once", "username", us.Username, "password", pw)
		}
	}
	u.adminPage(rq, http.StatusOK, "users", d, nil)
}

func (u *ui) adminCalendars(rq *request) {
	cals := u.s.db.Rules().Calendars()
	var d adminData
	for _, st := range cals.States() {
		d.Years = append(d.Years, cals.Years(st)...)
	}
	u.adminPage(rq, http.StatusOK, "calendars", d, nil)
}

// calendarYear finds the year of the URL.
func (u *ui) calendarYear(rq *request) (deadline.Year, bool) {
	year, _ := strconv.Atoi(rq.r.PathValue("year"))
	for _, y := range u.s.db.Rules().Calendars().Years(rq.r.PathValue("state")) {
		if y.Year == year {
			return y, true
		}
	}
	u.notFound(rq)
	return deadline.Year{}, false
}

func (u *ui) adminCalendarYear(rq *request) {
	y, ok := u.calendarYear(rq)
	if ok {
		u.adminPage(rq, http.StatusOK, "calendar", adminData{Year: &y, Values: map[string]string{}}, nil)
	}
}

// adminSaveCalendarYear adds or removes one non-working day; running
// deadlines are recomputed in the same transaction.
func (u *ui) adminSaveCalendarYear(rq *request) {
	y, ok := u.calendarYear(rq)
	if !ok {
		return
	}
	f := rq.r.PostForm
	var errs []fieldError
	switch {
	case f.Get("remove") != "":
		y.NonWorking = slices.DeleteFunc(y.NonWorking, func(d deadline.Day) bool { return d.Date.String() == f.Get("remove") })
	default:
		day, err := civil.Parse(strings.TrimSpace(f.Get("date")))
		if err != nil || day.Year != y.Year {
			errs = append(errs, fieldError{ID: "f-date", Message: rq.t("admin.date_in_year", "year", strconv.Itoa(y.Year))})
		}
		if strings.TrimSpace(f.Get("name")) == "" {
			errs = append(errs, fieldError{ID: "f-name", Message: rq.t("admin.name_the_day")})
		}
		y.NonWorking = append(y.NonWorking, deadline.Day{Date: day, Name: strings.TrimSpace(f.Get("name"))})
		slices.SortFunc(y.NonWorking, func(a, b deadline.Day) int { return a.Date.Compare(b.Date) })
	}
	if len(errs) == 0 {
		moved, err := u.s.db.SetCalendarYear(rq.r.Context(), *rq.actor, y)
		if err == nil {
			u.flash(rq, rq.t("admin.calendar_saved", "cases", strconv.Itoa(moved)))
			http.Redirect(rq.w, rq.r, "/admin/calendars/"+url.PathEscape(y.State)+"/"+strconv.Itoa(y.Year), http.StatusSeeOther)
			return
		}
		if ercms.ErrorCode(err) != ercms.EInvalid {
			u.fail(rq, err)
			return
		}
		errs = append(errs, fieldError{ID: "f-date", Message: ercms.ErrorMessage(err)})
	}
	orig, _ := u.calendarYear(rq)
	u.adminPage(rq, http.StatusUnprocessableEntity, "calendar", adminData{Year: &orig, Values: formValues(rq)}, errs)
}

func (u *ui) adminProfiles(rq *request) {
	rules := u.s.db.Rules()
	var d adminData
	for _, id := range rules.ProfileIDs() {
		d.Profiles = append(d.Profiles, rules.Versions(id)...)
	}
	u.adminPage(rq, http.StatusOK, "profiles", d, nil)
}

func (u *ui) adminReference(rq *request) {
	d := adminData{Evidence: ercms.EvidenceCatalogue, Lists: map[string][]string{
		"refusal": ercms.DefaultRefusals, "withdraw": ercms.WithdrawReasons, "transit_ground": ercms.TransitGrounds,
		"finding": ercms.TaskFindings, "flag": ercms.SafeguardFlags}}
	u.adminPage(rq, http.StatusOK, "reference", d, nil)
}
