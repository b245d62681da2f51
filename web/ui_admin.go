package web

import (
	"time"

	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
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
	page("POST /admin/users/{id}/unlock", u.adminUnlockUser)
	page("POST /admin/users/{id}/factor/reset", u.adminResetFactor)
	page("GET /admin/calendars", u.adminCalendars)
	page("GET /admin/calendars/{state}/{year}", u.adminCalendarYear)
	page("POST /admin/calendars/{state}/{year}", u.adminSaveCalendarYear)
	page("GET /admin/profiles", u.adminProfiles)
	page("GET /admin/profiles/{id}/new", u.adminProfileForm)
	page("POST /admin/profiles/{id}/new", u.adminSaveProfile)
	page("GET /admin/profiles/{id}/versions/{version}/checks", u.adminCheckForm)
	page("POST /admin/profiles/{id}/versions/{version}/checks", u.adminRecordCheck)
	page("POST /admin/profiles/{id}/versions/{version}/checks/withdraw", u.adminWithdrawCheck)
	page("POST /admin/profiles/{id}/versions/{version}/correct", u.adminCorrectFigure)
	page("GET /admin/reference", u.adminReference)
	page("POST /admin/reference/refusal", u.adminAddRefusal)
	page("POST /admin/reference/evidence", u.adminAddEvidence)
	page("POST /admin/reference/{list}/{code}", u.adminToggleReference)
	u.tokenRoutes(page)
	u.suspensionRoutes(page)
}

type adminData struct {
	Section  string
	Orgs     []ercms.Organisation
	OrgNames map[string]string
	Users    []ercms.User
	Locks    map[string]*time.Time // accounts held back by failed sign-ins, by user id: until when
	// Grants are the pending grants this administrator may confirm or
	// refuse, by account id; Pending says that the account just created
	// waits for a second person's confirmation.
	Grants   map[string]*sqldb.Grant
	Pending  string
	Roles    []ercms.Role
	Kinds    []ercms.OrgKind
	Values   map[string]string
	Secret   string
	Years    []deadline.Year
	Year     *deadline.Year
	Profiles []*deadline.Profile
	// Status is each version's status ("in_force", "scheduled",
	// "superseded") by "id vN"; Latest the latest version by id.
	Status  map[string]string
	Latest  map[string]int
	Profile *profileForm
	Lists   map[string][]string
	// Refusals and EvidenceTypes are the editable reference lists.
	Refusals      []sqldb.ReferenceEntry
	EvidenceTypes []sqldb.ReferenceEntry
	// Recomputation is the latest recomputation of running deadlines
	// (calendar pages), nil when there was none.
	Recomputation *sqldb.Recomputation
	// Figures are each profile version's figures with their checks against
	// the agreement text, by "id vN"; Check fills the page of one figure.
	Figures map[string][]adminFigure
	Check   *checkData
}

// ServiceAccounts lists the active service accounts among Users, whose
// API tokens have a page of their own.
func (d adminData) ServiceAccounts() []ercms.User {
	var out []ercms.User
	for _, us := range d.Users {
		if us.Service && !us.Disabled {
			out = append(out, us)
		}
	}
	return out
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
		d.OrgNames[o.ID] = o.NameIn(rq.lang)
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
	fields, ok := u.errorTexts(rq, err)
	if !ok {
		return nil, false
	}
	var out []fieldError
	for k, m := range fields {
		out = append(out, fieldError{ID: fieldID(k), Message: m})
	}
	slices.SortFunc(out, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
	return out, true
}

func (u *ui) adminCreateOrganisation(rq *request) {
	f := rq.r.PostForm
	o := ercms.Organisation{Kind: ercms.OrgKind(f.Get("kind")), Names: namesForm(rq), State: strings.ToUpper(strings.TrimSpace(f.Get("state"))),
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
	for i, e := range errs {
		if e.ID == fieldID("name") { // the name is entered per language
			errs[i].ID = fieldID("names")
		}
	}
	d, ok := u.orgData(rq)
	if ok {
		d.Values = formValues(rq)
		u.adminPage(rq, http.StatusUnprocessableEntity, "organisations", d, errs)
	}
}

// namesForm reads a name entered in the languages of the interface
// (names.<lang>, the "names" template), leaving out those left empty.
func namesForm(rq *request) i18n.Texts {
	names := i18n.Texts{}
	for _, l := range i18n.Languages {
		if s := strings.TrimSpace(rq.r.PostForm.Get("names." + string(l))); s != "" {
			names[l] = s
		}
	}
	return names
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
	locks, err := u.s.db.SignInLocks(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return d, false
	}
	d.Locks = map[string]*time.Time{}
	for id, until := range locks {
		d.Locks[id] = &until
	}
	grants, err := u.s.db.PendingGrants(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return d, false
	}
	d.Grants = map[string]*sqldb.Grant{}
	for i, g := range grants {
		d.Grants[g.UserID] = &grants[i]
	}
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
	n := sqldb.NewUser{Username: strings.TrimSpace(f.Get("username")), DisplayName: strings.TrimSpace(f.Get("display_name")),
		OrgID: f.Get("organisation_id"), Role: ercms.Role(f.Get("role")), Service: f.Get("service") != ""}
	created, code, err := u.s.db.CreateUserWithSetupCode(rq.r.Context(), *rq.actor, n)
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
	if code != nil {
		d.Secret = u.setupCodeText(rq, n.Username, code)
	}
	if created.Status == ercms.AccountPending {
		d.Pending = rq.t("grants.created_pending", "username", n.Username)
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

// adminUnlockUser lifts the hold that failed sign-ins put on an account.
func (u *ui) adminUnlockUser(rq *request) {
	if err := u.s.db.LiftSignInLock(rq.r.Context(), *rq.actor, rq.r.PathValue("id")); err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("admin.unlocked"))
	http.Redirect(rq.w, rq.r, "/admin/users", http.StatusSeeOther)
}

// adminResetFactor removes the second factors of a user who lost them.
func (u *ui) adminResetFactor(rq *request) {
	if err := u.s.db.ResetSecondFactor(rq.r.Context(), *rq.actor, rq.r.PathValue("id")); err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("admin.factor_reset"))
	http.Redirect(rq.w, rq.r, "/admin/users", http.StatusSeeOther)
}

// adminResetPassword resets a user's password: the old one stops working
// and the page shows, once, a setup code to hand over by a second channel,
// with which the user chooses a new password. The administrator never
// sees or sets the password.
func (u *ui) adminResetPassword(rq *request) {
	code, err := u.s.db.IssueSetupCode(rq.r.Context(), *rq.actor, rq.r.PathValue("id"))
	if err != nil {
		u.fail(rq, err)
		return
	}
	d, ok := u.userData(rq)
	if !ok {
		return
	}
	for _, us := range d.Users {
		if us.ID == rq.r.PathValue("id") {
			d.Secret = u.setupCodeText(rq, us.Username, code)
		}
	}
	u.adminPage(rq, http.StatusOK, "users", d, nil)
}

// setupCodeText tells the administrator the setup code of a user, how to
// hand it over and until when it works.
func (u *ui) setupCodeText(rq *request, username string, code *sqldb.SetupCode) string {
	until := u.funcs(rq.lang)["datetime"].(func(any) string)(code.ExpiresAt)
	return rq.t("admin.setup_code_once", "username", username, "code", code.Code, "until", until)
}

func (u *ui) adminCalendars(rq *request) {
	cals := u.s.db.Rules().Calendars()
	var d adminData
	for _, st := range cals.States() {
		d.Years = append(d.Years, cals.Years(st)...)
	}
	if !u.withRecomputation(rq, &d) {
		return
	}
	u.adminPage(rq, http.StatusOK, "calendars", d, nil)
}

// withRecomputation adds the latest recomputation of deadlines to d, so
// that the calendar pages show its progress; false when it failed (the
// error page is written).
func (u *ui) withRecomputation(rq *request, d *adminData) bool {
	rs, err := u.s.db.Recomputations(rq.r.Context(), *rq.actor, 1)
	if err != nil {
		u.fail(rq, err)
		return false
	}
	if len(rs) > 0 {
		d.Recomputation = &rs[0]
	}
	return true
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

// The kinds of day an administrator adds to a calendar year (form field
// day_kind).
const (
	dayNonWorking = "non_working"
	dayWorking    = "working"
)

func (u *ui) adminCalendarYear(rq *request) {
	y, ok := u.calendarYear(rq)
	d := adminData{Year: &y, Values: map[string]string{"date.year": strconv.Itoa(y.Year), "day_kind": dayNonWorking}} // a day of this year
	if ok && u.withRecomputation(rq, &d) {
		u.adminPage(rq, http.StatusOK, "calendar", d, nil)
	}
}

// adminSaveCalendarYear adds or removes one listed day: a non-working day
// (a holiday, a moved rest day) or a Saturday or Sunday declared a working
// day (a transferred working day); running deadlines are then recomputed
// in the background, in batches, and the calendar's page shows how far.
func (u *ui) adminSaveCalendarYear(rq *request) {
	y, ok := u.calendarYear(rq)
	if !ok {
		return
	}
	f := rq.r.PostForm
	var errs []fieldError
	switch {
	case f.Get("remove") != "":
		listed := func(d deadline.Day) bool { return d.Date.String() == f.Get("remove") }
		y.NonWorking = slices.DeleteFunc(y.NonWorking, listed)
		y.Working = slices.DeleteFunc(y.Working, listed)
	default:
		working := f.Get("day_kind") == dayWorking
		if k := f.Get("day_kind"); k != "" && k != dayWorking && k != dayNonWorking {
			errs = append(errs, fieldError{ID: fieldID("day_kind"), Message: rq.t("small.calendar.choose_kind")})
		}
		var day civil.Date
		switch on, key := formDate(func(k string) string { return strings.TrimSpace(f.Get(k)) }, "date"); {
		case key != "":
			errs = append(errs, fieldError{ID: "f-date", Message: rq.t(key)})
		case on == nil || on.Year != y.Year:
			errs = append(errs, fieldError{ID: "f-date", Message: rq.t("admin.date_in_year", "year", strconv.Itoa(y.Year))})
		case working && on.Weekday() != time.Saturday && on.Weekday() != time.Sunday:
			errs = append(errs, fieldError{ID: "f-date", Message: rq.t("small.calendar.working_on_weekday", "date", formatDate(rq, *on))})
		default:
			day = *on
		}
		names := namesForm(rq)
		name := names.In(i18n.EN)
		if name == "" {
			errs = append(errs, fieldError{ID: fieldID("names"), Message: rq.t("small.calendar.name_the_day")})
		}
		listed := deadline.Day{Date: day, Name: name, Names: names}
		if working {
			y.Working = append(y.Working, listed)
			slices.SortFunc(y.Working, func(a, b deadline.Day) int { return a.Date.Compare(b.Date) })
		} else {
			y.NonWorking = append(y.NonWorking, listed)
			slices.SortFunc(y.NonWorking, func(a, b deadline.Day) int { return a.Date.Compare(b.Date) })
		}
	}
	if len(errs) == 0 {
		r, err := u.s.db.SetCalendarYear(rq.r.Context(), *rq.actor, y)
		if err == nil {
			u.flash(rq, rq.t("admin.calendar_saved", "cases", i18n.FormatNumber(rq.lang, int64(r.Total))))
			http.Redirect(rq.w, rq.r, "/admin/calendars/"+url.PathEscape(y.State)+"/"+strconv.Itoa(y.Year), http.StatusSeeOther)
			return
		}
		if ercms.ErrorCode(err) != ercms.EInvalid {
			u.fail(rq, err)
			return
		}
		errs = append(errs, fieldError{ID: "f-date", Message: u.errorText(rq, err)})
	}
	orig, _ := u.calendarYear(rq)
	d := adminData{Year: &orig, Values: formValues(rq)}
	if u.withRecomputation(rq, &d) {
		u.adminPage(rq, http.StatusUnprocessableEntity, "calendar", d, errs)
	}
}

func (u *ui) adminProfiles(rq *request) {
	rules := u.s.db.Rules()
	d := adminData{Status: map[string]string{}, Latest: map[string]int{}, Figures: map[string][]adminFigure{}}
	for _, id := range rules.ProfileIDs() {
		vs := rules.Versions(id)
		d.Profiles = append(d.Profiles, vs...)
		now := u.s.db.ProfileVersionToday(id)
		for _, p := range vs {
			figs, err := u.adminFigures(rq, p)
			if err != nil {
				u.fail(rq, err)
				return
			}
			d.Figures[fmt.Sprintf("%s v%d", id, p.Version)] = figs
			status := "superseded"
			switch {
			case now == nil || p.Version > now.Version:
				status = "scheduled"
			case p.Version == now.Version:
				status = "in_force"
			}
			d.Status[fmt.Sprintf("%s v%d", id, p.Version)] = status
			d.Latest[id] = p.Version
		}
	}
	u.adminPage(rq, http.StatusOK, "profiles", d, nil)
}

func (u *ui) adminReference(rq *request) { u.referencePage(rq, http.StatusOK, nil, nil) }

func (u *ui) referencePage(rq *request, status int, values map[string]string, errs []fieldError) {
	d := adminData{EvidenceTypes: u.s.db.EvidenceTypes(), Refusals: u.s.db.RefusalReasons(), Values: values, Lists: map[string][]string{
		"withdraw": ercms.WithdrawReasons, "transit_ground": ercms.TransitGrounds,
		"finding": ercms.ChoicesFindings.Fixed(), "flag": ercms.SafeguardFlags}}
	u.adminPage(rq, status, "reference", d, errs)
}

// adminAddRefusal adds a refusal reason worded in every language.
func (u *ui) adminAddRefusal(rq *request) {
	values, labels := referenceForm(rq, "", "code")
	err := u.s.db.AddRefusalReason(rq.r.Context(), *rq.actor, values["code"], labels)
	u.referenceSaved(rq, "", values, err)
}

// adminAddEvidence adds an evidence type worded in every language. Its
// form's fields carry the prefix "ev." (the page has a second form).
func (u *ui) adminAddEvidence(rq *request) {
	values, labels := referenceForm(rq, "ev.", "code", "strength", "for")
	err := u.s.db.AddEvidenceType(rq.r.Context(), *rq.actor, values["ev.code"], ercms.Strength(values["ev.strength"]), values["ev.for"], labels)
	u.referenceSaved(rq, "ev.", values, err)
}

// referenceForm reads a reference-list form: the fields named, and the
// wording in every language (labels.<lang>), all under prefix.
func referenceForm(rq *request, prefix string, fields ...string) (values, labels map[string]string) {
	f := rq.r.PostForm
	values, labels = map[string]string{}, map[string]string{}
	for _, k := range fields {
		values[prefix+k] = f.Get(prefix + k)
	}
	for _, l := range i18n.Languages {
		labels[string(l)] = f.Get(prefix + "labels." + string(l))
		values[prefix+"labels."+string(l)] = labels[string(l)]
	}
	return values, labels
}

// referenceSaved answers a reference-list form: its errors on the page
// (field names under prefix), or back to the lists.
func (u *ui) referenceSaved(rq *request, prefix string, values map[string]string, err error) {
	if fields, ok := u.errorTexts(rq, err); ok {
		prefixed := map[string]string{}
		for k, m := range fields {
			prefixed[prefix+k] = m
		}
		u.referencePage(rq, http.StatusUnprocessableEntity, values, u.fieldErrors(rq, prefixed))
		return
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("admin.reference_saved"))
	http.Redirect(rq.w, rq.r, "/admin/reference", http.StatusSeeOther)
}

// adminToggleReference withdraws an entry of a reference list from use or brings it back.
func (u *ui) adminToggleReference(rq *request) {
	err := u.s.db.SetReferenceDisabled(rq.r.Context(), *rq.actor, rq.r.PathValue("list"), rq.r.PathValue("code"), rq.r.PostFormValue("disable") == "yes")
	u.referenceSaved(rq, "", nil, err)
}

// profileForm is the form of a new version of an agreement profile. Its
// field names are the profile's JSON paths, with member states in lower case
// ("overrides.de.rules.transfer_notice.count"), so that the store's field
// errors land on their fields.
type profileForm struct {
	Base    *deadline.Profile // the version the form starts from (the latest)
	Next    int               // the number the new version gets
	Today   civil.Date        // the requested state's date: the new version starts after it
	Kinds   []string          // the profile's rule kinds
	Units   []deadline.Unit
	Formats []string
	// CalendarStates are the states with holiday data, whose calendars a
	// rule may count.
	CalendarStates []string
	Partners       []string            // member states a protocol may be added for
	States         []string            // member states with a protocol in the form, sorted
	Changes        map[string][]string // state → kinds its protocol changes, sorted
	Values         map[string]string   // by field name; a ticked checkbox holds "yes"
}

// Value returns the value of a field of the form.
func (f *profileForm) Value(name string) string { return f.Values[name] }

// ProtocolRules lists the protocols' changed rules for the form's hidden field: "AT:transfer_notice,…".
func (f *profileForm) ProtocolRules() string {
	var out []string
	for _, st := range f.States {
		for _, k := range f.Changes[st] {
			out = append(out, st+":"+k)
		}
	}
	return strings.Join(out, ",")
}

// profileEvents are the events a period of a rule counts from (or
// before), in the order the form offers them; each is worded by the
// messages web3.from.<event> and web3.before.<event>.
var profileEvents = []string{"received_on", "acknowledged_on", "requested_on", "apprehended_on", "facts_known_on", "sent_on", "approved_on",
	"issued_on", "transfer_date", "transferred_on", "transit_date", "invoiced_on"}

// Events lists the events a rule's period may count from, with current
// (the field's value) added when it is none of them, so that the form keeps
// it.
func (f *profileForm) Events(current string) []string {
	return withCurrent(profileEvents, current)
}

// Calendars lists the calendars a rule may count: none ("", a period of
// calendar days or months that does not run on), the requesting state's
// and each state's with holiday data, with current added when it is none of
// them.
func (f *profileForm) Calendars(current string) []string {
	return withCurrent(append([]string{"", deadline.RequestingCalendar}, f.CalendarStates...), current)
}

// withCurrent returns options with current appended when it is not empty
// and not one of them.
func withCurrent(options []string, current string) []string {
	if current == "" || slices.Contains(options, current) {
		return options
	}
	return append(slices.Clone(options), current)
}

// settingFields are the fields of one rule in the form.
var settingFields = []string{"count", "unit", "from", "calendar", "before", "roll_forward", "binding", "source", "verify"}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// crossingLines writes crossing points one a line: "GYD Heydar Aliyev International Airport".
func crossingLines(cps []deadline.CrossingPoint) string {
	lines := make([]string, len(cps))
	for i, cp := range cps {
		lines[i] = cp.Code + " " + cp.Name
	}
	return strings.Join(lines, "\n")
}

// newProfileForm starts the form of a new version from the latest one.
func (u *ui) newProfileForm(base *deadline.Profile) *profileForm {
	f := &profileForm{Base: base, Next: base.Version + 1, Today: base.ReceivedOn(u.s.db.Now()), Kinds: base.Kinds(),
		Units: []deadline.Unit{deadline.CalendarDays, deadline.WorkingDays, deadline.Months}, Formats: deadline.FingerprintFormats,
		CalendarStates: u.s.db.Rules().Calendars().States(),
		Partners:       slices.Sorted(slices.Values(base.PartnerStates)), Changes: map[string][]string{}, Values: map[string]string{}}
	v := f.Values
	v["effective_from"] = ""
	v["name"], v["source"] = base.Name, base.Source
	v["partner_states"] = strings.Join(base.PartnerStates, ", ")
	v["deemed_approval"], v["reply_pauses_on_info_request"], v["eu_travel_document_on_late"] =
		yes(base.DeemedApproval), yes(base.ReplyPausesOnInfoRequest), yes(base.EUTravelDocumentOnLate)
	v["suspension_pauses_clocks"], v["valid_document_without_notification"] =
		yes(base.SuspensionPausesClocks), yes(base.ValidDocumentWithoutNotification)
	v["extension_max.days"], v["extension_max.source"], v["extension_max.verify"] =
		strconv.Itoa(base.ExtensionMaxDays), base.ExtensionMaxSource, yes(base.ExtensionMaxVerify)
	v["travel_document_validity.days"], v["travel_document_validity.source"], v["travel_document_validity.verify"] =
		strconv.Itoa(base.TravelDocumentValidityDays), base.TravelDocumentValiditySource, yes(base.TravelDocumentValidityVerify)
	v["crossing_points"] = crossingLines(base.CrossingPoints)
	for _, ff := range f.Formats {
		v["fingerprint_formats."+ff] = yes(slices.Contains(base.FingerprintFormats, ff))
	}
	for _, k := range f.Kinds {
		setSettingValues(v, "rules."+k, base.Rules[k])
	}
	for _, st := range slices.Sorted(maps.Keys(base.Overrides)) {
		o := base.Overrides[st]
		f.addProtocol(st)
		p := "overrides." + strings.ToLower(st)
		v[p+".note"], v[p+".languages"], v[p+".crossing_points"] = o.Note, strings.Join(o.Languages, ", "), crossingLines(o.CrossingPoints)
		for _, k := range slices.Sorted(maps.Keys(o.Rules)) {
			f.Changes[st] = append(f.Changes[st], k)
			setSettingValues(v, p+".rules."+k, o.Rules[k])
		}
	}
	return f
}

func setSettingValues(v map[string]string, prefix string, s deadline.Setting) {
	v[prefix+".count"], v[prefix+".unit"], v[prefix+".from"], v[prefix+".calendar"] = strconv.Itoa(s.Count), string(s.Unit), s.From, s.Calendar
	v[prefix+".before"], v[prefix+".roll_forward"], v[prefix+".binding"] = yes(s.Before), yes(s.RollForward), yes(s.Binding)
	v[prefix+".source"], v[prefix+".verify"] = s.Source, yes(s.Verify)
}

// addProtocol adds a member state's protocol to the form (once).
func (f *profileForm) addProtocol(st string) {
	if !slices.Contains(f.States, st) {
		f.States = append(f.States, st)
		slices.Sort(f.States)
	}
}

// names lists every field name of the form.
func (f *profileForm) names() []string {
	names := []string{"effective_from", "name", "source", "partner_states", "deemed_approval", "reply_pauses_on_info_request",
		"eu_travel_document_on_late", "suspension_pauses_clocks", "valid_document_without_notification", "extension_max.days", "extension_max.source", "extension_max.verify",
		"travel_document_validity.days", "travel_document_validity.source", "travel_document_validity.verify", "crossing_points"}
	for _, ff := range f.Formats {
		names = append(names, "fingerprint_formats."+ff)
	}
	rule := func(prefix string) {
		for _, s := range settingFields {
			names = append(names, prefix+"."+s)
		}
	}
	for _, k := range f.Kinds {
		rule("rules." + k)
	}
	for _, st := range f.States {
		p := "overrides." + strings.ToLower(st)
		names = append(names, p+".note", p+".languages", p+".crossing_points")
		for _, k := range f.Changes[st] {
			rule(p + ".rules." + k)
			names = append(names, p+".rules."+k+".remove")
		}
	}
	return names
}

// readProfileForm takes the submitted form: the protocols and changed rules
// it lists (states that are partners or already have a protocol, kinds the
// profile has), then every field's value.
func (u *ui) readProfileForm(rq *request, base *deadline.Profile) *profileForm {
	f := u.newProfileForm(base)
	form := rq.r.PostForm
	f.States, f.Changes = nil, map[string][]string{}
	allowed := func(st string) bool {
		_, ok := base.Overrides[st]
		return ok || slices.Contains(base.PartnerStates, st)
	}
	for _, st := range splitList(form.Get("protocols")) {
		if st = strings.ToUpper(st); allowed(st) {
			f.addProtocol(st)
		}
	}
	for _, sk := range splitList(form.Get("protocol_rules")) {
		st, k, _ := strings.Cut(sk, ":")
		st = strings.ToUpper(st)
		if slices.Contains(f.States, st) && slices.Contains(f.Kinds, k) && !slices.Contains(f.Changes[st], k) {
			f.Changes[st] = append(f.Changes[st], k)
			slices.Sort(f.Changes[st])
		}
	}
	f.Values = map[string]string{}
	for _, n := range f.names() {
		f.Values[n] = strings.TrimSpace(form.Get(n))
	}
	for _, ff := range f.Formats {
		f.Values["fingerprint_formats."+ff] = yes(slices.Contains(form["fingerprint_formats"], ff))
	}
	return f
}

// addToForm adds the protocol (and the changed rule, copied from the
// agreement's rule) chosen in the form's "add" fields.
func (f *profileForm) addToForm(st, kind string) bool {
	st = strings.ToUpper(st)
	if !slices.Contains(f.Partners, st) {
		return false
	}
	f.addProtocol(st)
	p := "overrides." + strings.ToLower(st)
	for _, n := range []string{".note", ".languages", ".crossing_points"} {
		if _, ok := f.Values[p+n]; !ok {
			f.Values[p+n] = ""
		}
	}
	if slices.Contains(f.Kinds, kind) && !slices.Contains(f.Changes[st], kind) {
		f.Changes[st] = append(f.Changes[st], kind)
		slices.Sort(f.Changes[st])
		setSettingValues(f.Values, p+".rules."+kind, f.Base.Rules[kind])
	}
	return true
}

// profile builds the new version from the form; errs are the fields the
// web layer itself could not read (numbers, dates), in the user's language.
func (u *ui) profile(rq *request, f *profileForm) (deadline.Profile, []fieldError) {
	v := f.Values
	var errs []fieldError
	num := func(name string) int {
		n, err := strconv.Atoi(v[name])
		if err != nil {
			errs = append(errs, fieldError{ID: fieldID(name), Message: rq.t("web3.invalid.field", "field", u.profileLabel(rq, name), "problem", rq.t("web3.invalid.number"))})
		}
		return n
	}
	on := func(name string) bool { return v[name] != "" }
	points := func(name string, was []deadline.CrossingPoint) []deadline.CrossingPoint {
		var out []deadline.CrossingPoint
		for line := range strings.Lines(v[name]) {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			code, rest, _ := strings.Cut(line, " ")
			cp := deadline.CrossingPoint{Code: strings.ToUpper(code), Name: strings.TrimSpace(rest)}
			if i := slices.IndexFunc(was, func(w deadline.CrossingPoint) bool { return w.Code == cp.Code }); i >= 0 {
				cp.Names = keptWording(was[i].Name, was[i].Names, cp.Name)
			}
			out = append(out, cp)
		}
		return out
	}
	setting := func(prefix string, was deadline.Setting) deadline.Setting {
		cal := v[prefix+".calendar"]
		if !strings.EqualFold(cal, deadline.RequestingCalendar) {
			cal = strings.ToUpper(cal)
		} else {
			cal = deadline.RequestingCalendar
		}
		return deadline.Setting{Rule: deadline.Rule{Count: num(prefix + ".count"), Unit: deadline.Unit(v[prefix+".unit"]), From: v[prefix+".from"],
			Calendar: cal, Before: on(prefix + ".before"), RollForward: on(prefix + ".roll_forward")},
			Binding: on(prefix + ".binding"), Source: v[prefix+".source"], Sources: keptWording(was.Source, was.Sources, v[prefix+".source"]), Verify: on(prefix + ".verify")}
	}
	base := f.Base
	p := deadline.Profile{ID: base.ID, Name: v["name"], Names: keptWording(base.Name, base.Names, v["name"]),
		Source: v["source"], Sources: keptWording(base.Source, base.Sources, v["source"]), RequestedState: base.RequestedState, TimeZone: base.TimeZone,
		PartnerStates: splitList(strings.ToUpper(v["partner_states"])), DeemedApproval: on("deemed_approval"),
		ReplyPausesOnInfoRequest: on("reply_pauses_on_info_request"), EUTravelDocumentOnLate: on("eu_travel_document_on_late"),
		SuspensionPausesClocks: on("suspension_pauses_clocks"), ValidDocumentWithoutNotification: on("valid_document_without_notification"),
		// Not in the form: carried from the version it is based on.
		ObligationsFrom: base.ObligationsFrom, TransferWindowCap: base.TransferWindowCap,
		ExtensionMaxDays: num("extension_max.days"), ExtensionMaxSource: v["extension_max.source"], ExtensionMaxVerify: on("extension_max.verify"),
		TravelDocumentValidityDays: num("travel_document_validity.days"), TravelDocumentValiditySource: v["travel_document_validity.source"],
		TravelDocumentValidityVerify: on("travel_document_validity.verify"), CrossingPoints: points("crossing_points", base.CrossingPoints), Rules: map[string]deadline.Setting{}}
	switch day, err := civil.Parse(v["effective_from"]); {
	case err != nil:
		errs = append(errs, fieldError{ID: fieldID("effective_from"), Message: rq.t("web3.invalid.field", "field", u.profileLabel(rq, "effective_from"), "problem", rq.t("web3.invalid.date"))})
	case !day.After(f.Today):
		errs = append(errs, fieldError{ID: fieldID("effective_from"), Message: rq.t("web3.invalid.field", "field", u.profileLabel(rq, "effective_from"),
			"problem", rq.t("web3.invalid.after_today", "today", i18n.FormatDate(rq.lang, f.Today)))})
	default:
		p.EffectiveFrom = day
	}
	for _, ff := range f.Formats {
		if on("fingerprint_formats." + ff) {
			p.FingerprintFormats = append(p.FingerprintFormats, ff)
		}
	}
	for _, k := range f.Kinds {
		p.Rules[k] = setting("rules."+k, base.Rules[k])
	}
	for _, st := range f.States {
		pre := "overrides." + strings.ToLower(st)
		was := base.Overrides[st]
		o := deadline.Override{Note: v[pre+".note"], Notes: keptWording(was.Note, was.Notes, v[pre+".note"]),
			Languages: splitList(strings.ToLower(v[pre+".languages"])), CrossingPoints: points(pre+".crossing_points", was.CrossingPoints)}
		for _, k := range f.Changes[st] {
			if on(pre + ".rules." + k + ".remove") {
				continue
			}
			if o.Rules == nil {
				o.Rules = map[string]deadline.Setting{}
			}
			o.Rules[k] = setting(pre+".rules."+k, was.Rules[k])
		}
		if p.Overrides == nil {
			p.Overrides = map[string]deadline.Override{}
		}
		p.Overrides[st] = o
	}
	return p, errs
}

// keptWording carries the wording of a text in the languages of the
// interface on to a profile's new version while the text stays as it was
// (wasText); an edited text has none (it shows as entered).
func keptWording(wasText string, was i18n.Texts, text string) i18n.Texts {
	if strings.TrimSpace(text) == strings.TrimSpace(wasText) {
		return was
	}
	return nil
}

// profileLabel names a field of the profile form in the user's language.
func (u *ui) profileLabel(rq *request, name string) string {
	parts := strings.Split(name, ".")
	clock := func(k string) string {
		if u.cat.Has(i18n.EN, "clock."+k) {
			return rq.t("clock." + k)
		}
		return k
	}
	switch {
	case parts[0] == "rules" && len(parts) == 3:
		return clock(parts[1]) + " – " + rq.t("web3.col."+parts[2])
	case parts[0] == "rules" && len(parts) == 2:
		return clock(parts[1])
	case parts[0] == "overrides" && len(parts) >= 2:
		label := rq.t("web3.profile.override", "state", strings.ToUpper(parts[1]))
		switch {
		case len(parts) == 5 && parts[2] == "rules":
			label += " – " + clock(parts[3]) + " – " + rq.t("web3.col."+parts[4])
		case len(parts) == 4 && parts[2] == "rules":
			label += " – " + clock(parts[3])
		case len(parts) == 3:
			label += " – " + rq.t("web3.field.override."+parts[2])
		}
		return label
	}
	if key := "web3.field." + name; u.cat.Has(i18n.EN, key) {
		return rq.t(key)
	}
	return name
}

// profileErrors places the store's field errors (keyed by JSON path:
// "crossing_points[1].code", "overrides.DE.rules.reply.unit") on the form's
// fields, one message per field.
func (u *ui) profileErrors(rq *request, f *profileForm, err error) ([]fieldError, bool) {
	fields, ok := u.errorTexts(rq, err)
	if !ok {
		return nil, false
	}
	known := map[string]bool{"fingerprint_formats": true}
	for _, n := range f.names() {
		known[n] = true
	}
	for _, st := range f.States {
		known["overrides."+strings.ToLower(st)] = true
	}
	byID := map[string]string{}
	for _, path := range slices.Sorted(maps.Keys(fields)) {
		name := path
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		if parts := strings.Split(name, "."); parts[0] == "overrides" && len(parts) > 1 {
			parts[1] = strings.ToLower(parts[1])
			name = strings.Join(parts, ".")
		}
		id := "profile-form"
		if known[name] {
			id = fieldID(name)
		}
		msg := rq.t("web3.invalid.field", "field", u.profileLabel(rq, name), "problem", fields[path])
		if prev, ok := byID[id]; ok {
			msg = prev + "; " + fields[path]
		}
		byID[id] = msg
	}
	var out []fieldError
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		out = append(out, fieldError{ID: id, Message: byID[id]})
	}
	return out, true
}

// latestProfile finds the profile of the URL.
func (u *ui) latestProfile(rq *request) (*deadline.Profile, bool) {
	p, err := u.s.db.Rules().Latest(rq.r.PathValue("id"))
	if err != nil {
		u.notFound(rq)
		return nil, false
	}
	return p, true
}

// adminProfileForm shows the form of a new version, started from the latest.
func (u *ui) adminProfileForm(rq *request) {
	base, ok := u.latestProfile(rq)
	if ok {
		u.renderProfileForm(rq, http.StatusOK, u.newProfileForm(base), nil)
	}
}

func (u *ui) renderProfileForm(rq *request, status int, f *profileForm, errs []fieldError) {
	title := rq.t("web3.profile.title", "name", f.Base.ID)
	if len(errs) > 0 {
		title = rq.t("error.title_prefix") + " " + title
	}
	u.render(rq, status, "admin", page{Title: title + " – " + rq.t("nav.admin"), Data: adminData{Section: "profile", Profile: f}, Errors: errs})
}

// adminSaveProfile adds the protocol chosen in the form's "add" fields, or
// saves the form as the profile's next version (validated by the deadline
// package in the store, and audited there).
func (u *ui) adminSaveProfile(rq *request) {
	base, ok := u.latestProfile(rq)
	if !ok {
		return
	}
	f := u.readProfileForm(rq, base)
	if rq.r.PostForm.Get("add") != "" {
		if !f.addToForm(rq.r.PostForm.Get("add_state"), rq.r.PostForm.Get("add_kind")) {
			u.renderProfileForm(rq, http.StatusUnprocessableEntity, f, []fieldError{{ID: "f-add_state", Message: rq.t("web3.invalid.add_state")}})
			return
		}
		u.render(rq, http.StatusOK, "admin", page{Title: rq.t("web3.profile.title", "name", base.ID) + " – " + rq.t("nav.admin"),
			Flash: rq.t("web3.profile.added"), Data: adminData{Section: "profile", Profile: f}})
		return
	}
	p, errs := u.profile(rq, f)
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b fieldError) int { return strings.Compare(a.ID, b.ID) })
		u.renderProfileForm(rq, http.StatusUnprocessableEntity, f, errs)
		return
	}
	added, err := u.s.db.AddProfileVersion(rq.r.Context(), *rq.actor, p)
	if err != nil {
		errs, ok := u.profileErrors(rq, f, err)
		if !ok {
			u.fail(rq, err)
			return
		}
		u.renderProfileForm(rq, http.StatusUnprocessableEntity, f, errs)
		return
	}
	u.flash(rq, rq.t("web3.profile.saved", "version", strconv.Itoa(added.Version), "id", added.ID, "date", i18n.FormatDate(rq.lang, added.EffectiveFrom)))
	http.Redirect(rq.w, rq.r, "/admin/profiles#profile-"+url.PathEscape(added.ID), http.StatusSeeOther)
}
