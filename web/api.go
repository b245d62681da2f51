package web

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

func (s *Server) apiRoutes() {
	s.add("POST", "/api/v1/session", false, s.signIn)
	s.add("DELETE", "/api/v1/session", true, s.signOut)
	s.add("GET", "/api/v1/me", true, s.me)
	s.add("POST", "/api/v1/cases", true, s.createCase)
	s.add("GET", "/api/v1/cases", true, s.listCases)
	s.add("GET", "/api/v1/cases/{id}", true, s.getCase)
	s.add("PUT", "/api/v1/cases/{id}", true, s.updateDraft)
	s.add("POST", "/api/v1/cases/{id}/actions/{action}", true, s.act)
	s.add("PUT", "/api/v1/cases/{id}/assignment", true, s.assign)
	s.add("GET", "/api/v1/deadlines/calculate", true, s.calculate)
	s.add("GET", "/api/v1/profiles", true, s.profiles)
	s.add("GET", "/api/v1/transmissions", true, s.transmissions)
	s.add("GET", "/api/v1/audit", true, s.auditEvents)
	s.add("GET", "/api/v1/organisations", true, s.organisations)
	s.add("POST", "/api/v1/organisations", true, s.createOrganisation)
	s.add("POST", "/api/v1/users", true, s.createUser)
	s.add("POST", "/api/v1/users/{id}/disable", true, s.disableUser)
	s.add("POST", "/api/v1/users/{id}/unlock", true, s.unlockUser)
	s.add("POST", "/api/v1/users/{id}/reset-factor", true, s.resetFactor)
	s.add("POST", "/api/v1/users/{id}/reset", true, s.resetUser)
	s.add("POST", "/api/v1/users/{id}/confirm", true, s.confirmGrant)
	s.add("POST", "/api/v1/users/{id}/refuse", true, s.refuseGrant)
	s.add("GET", "/api/v1/grants", true, s.pendingGrants)
	s.add("POST", "/api/v1/users/{id}/tokens", true, s.createToken)
	s.add("GET", "/api/v1/users/{id}/tokens", true, s.listTokens)
	s.add("DELETE", "/api/v1/tokens/{id}", true, s.revokeToken)
	s.add("GET", "/api/v1/sessions", true, s.listSessions)
	s.add("DELETE", "/api/v1/sessions/{id}", true, s.endSession)
	s.add("PUT", "/api/v1/calendars/{state}/{year}", true, s.putCalendarYear)
	s.add("GET", "/api/v1/recomputations", true, s.recomputations)
	s.add("GET", "/api/v1/suspensions", true, s.suspensions)
	s.add("POST", "/api/v1/suspensions", true, s.suspendAgreement)
	s.add("POST", "/api/v1/suspensions/{id}/end", true, s.endSuspension)
	s.figureRoutes()
	s.workflowRoutes()
	s.documentRoutes()
}

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Code is the second factor of an account that has one: a code of its
	// authenticator app or a recovery code.
	Code string `json:"code"`
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	var c credentials
	if err := decode(r, &c); err != nil {
		return err
	}
	if err := s.shed.allow(s.clientAddr(r)); err != nil {
		return err
	}
	if len(c.Code) > 64 {
		return ercms.FieldError("code", "err.factor.wrong_code")
	}
	sess, err := s.db.SignIn(r.Context(), c.Username, c.Password, s.clientAddr(r))
	if err != nil {
		return err
	}
	if sess.SecondFactor != "" {
		// The API takes the second factor in the same request: the
		// pending session ends here unless the code passes.
		if sess, err = s.secondFactor(r, sess, c.Code); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusCreated, sess)
}

// secondFactor passes the second factor of a pending API sign-in with
// code, or ends it.
func (s *Server) secondFactor(r *http.Request, pending *ercms.Session, code string) (*ercms.Session, error) {
	var refused error
	switch {
	case pending.SecondFactor == ercms.FactorEnrol:
		refused = ercms.Fail(ercms.EForbidden, "err.login.enrol_first")
	case strings.TrimSpace(code) == "":
		refused = ercms.Fail(ercms.EUnauthorized, "err.login.code_needed")
	default:
		res, err := s.db.VerifySecondFactor(r.Context(), pending.Token, code, false)
		if err == nil {
			return res.Session, nil
		}
		refused = err
	}
	if err := s.db.SignOut(r.Context(), pending.Token); err != nil {
		return nil, err
	}
	return nil, refused
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	token := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err := s.db.SignOut(r.Context(), token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Me is the signed-in user as GET /api/v1/me shows it.
type Me struct {
	UserID       string             `json:"user_id"`
	Username     string             `json:"username"`
	Role         ercms.Role         `json:"role"`
	Organisation ercms.Organisation `json:"organisation"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	return writeJSON(w, http.StatusOK, Me{UserID: a.UserID, Username: a.Username, Role: a.Role, Organisation: a.Org})
}

// CaseView is a case as the API returns it, with the actions the caller may
// take now, and the notes of its timeline and flags worded in the language
// of the request's Accept-Language (English when none) beside their keys.
type CaseView struct {
	*ercms.Case
	Actions []string `json:"actions"`
}

func (s *Server) view(r *http.Request, a ercms.Actor, c *ercms.Case) CaseView {
	acts := ercms.AvailableActions(a, c, s.db.Today())
	if acts == nil {
		acts = []string{}
	}
	return CaseView{Case: notesFor(r, c), Actions: acts}
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

func (s *Server) createCase(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var n ercms.NewCase
	if err := decode(r, &n); err != nil {
		return err
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 255 {
		return badBody("err.api.idempotency_key", "Idempotency-Key", "field.api.idempotency_key", "max", 255)
	}
	c, replayed, err := s.db.CreateCase(r.Context(), a, n, key)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, status, s.view(r, a, c))
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	q := r.URL.Query()
	f := sqldb.CaseFilter{
		Type: ercms.CaseType(q.Get("type")), RequestingState: strings.ToUpper(q.Get("requesting_state")),
		Procedure: ercms.Procedure(q.Get("procedure")), Category: ercms.Category(q.Get("category")),
		Text: q.Get("q"), After: q.Get("after"),
	}
	for _, st := range q["status"] {
		for _, one := range strings.Split(st, ",") {
			if one = strings.TrimSpace(one); one != "" {
				f.Status = append(f.Status, ercms.State(one))
			}
		}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > sqldb.MaxPage {
			return badQuery("limit", "field.api.limit", "max", sqldb.MaxPage)
		}
		f.Limit = n
	}
	page, err := s.db.ListCases(r.Context(), a, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	c, err := s.db.FindCase(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusOK, s.view(r, a, c))
}

// ifMatch reads the version the client saw from If-Match ("3", 3 or W/"3").
func ifMatch(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, ercms.Fail(ercms.EPreconditionRequired, "err.api.if_match_required")
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v < 1 {
		return 0, badBody("err.api.if_match", "If-Match", "field.api.if_match")
	}
	return v, nil
}

func (s *Server) act(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body io.Reader
	if r.ContentLength != 0 {
		body = http.MaxBytesReader(nil, r.Body, maxBody)
	}
	in, err := decodeAction(body, r.PathValue("action"))
	if err != nil {
		return err
	}
	c, err := s.db.Act(r.Context(), a, r.PathValue("id"), r.PathValue("action"), version, in)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusOK, s.view(r, a, c))
}

// decodeAction reads the body of an action (nil: none) into the action's
// own input type (ercms.Description), which refuses a field of another
// action (422 naming it by its path: transfer.late_notice), and returns it
// as the store's ActionInput. An action with no description answers
// not-found.
func decodeAction(body io.Reader, action string) (ercms.ActionInput, error) {
	d := ercms.Describe(action)
	if d == nil {
		return ercms.ActionInput{}, ercms.Fail(ercms.ENotFound, "err.api.no_action", "action", action)
	}
	x := d.New()
	if body != nil {
		raw, err := io.ReadAll(body)
		if err != nil {
			return ercms.ActionInput{}, badJSON(err, nil, nil)
		}
		var v any
		if json.Unmarshal(raw, &v) == nil {
			if path := unknownPath(v, reflect.TypeOf(x)); path != "" {
				return ercms.ActionInput{}, badBody("err.api.body", path, "field.api.unknown_field_action", "action", action)
			}
		}
		if err := decodeFrom(bytes.NewReader(raw), x); err != nil {
			return ercms.ActionInput{}, err
		}
	}
	return ercms.Union(x), nil
}

// unknownPath returns the JSON path of the first field of the decoded JSON
// value v that type t does not have ("" when there is none).
func unknownPath(v any, t reflect.Type) string {
	path, _ := findJSON(v, t, "", func(_ any, t reflect.Type) bool { return t == nil })
	return path
}

// badTextPath returns the JSON path and Go type of the first text of v that
// the type t decodes itself (a date, a date of birth, a time) and that does
// not parse ("" when there is none).
func badTextPath(v any, t reflect.Type) (string, reflect.Type) {
	return findJSON(v, t, "", func(v any, t reflect.Type) bool {
		s, ok := v.(string)
		if !ok || t == nil {
			return false
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		u, ok := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		return ok && u.UnmarshalText([]byte(s)) != nil
	})
}

// findJSON walks the decoded JSON value v along the Go type t it is meant
// for and returns the path and type of the first value for which bad is
// true; a field t does not have is visited with a nil type. A type that
// decodes itself from JSON is not entered.
func findJSON(v any, t reflect.Type, path string, bad func(v any, t reflect.Type) bool) (string, reflect.Type) {
	if bad(v, t) {
		if path == "" {
			path = "body"
		}
		return path, t
	}
	if t == nil {
		return "", nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
			return "", nil // a time decodes itself
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			var ft reflect.Type
			if f, ok := fieldByJSON(t, k); ok {
				ft = f.Type
			}
			if u, ut := findJSON(x[k], ft, p, bad); u != "" {
				return u, ut
			}
		}
	case []any:
		if t.Kind() != reflect.Slice {
			return "", nil
		}
		for i, item := range x {
			if u, ut := findJSON(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), bad); u != "" {
				return u, ut
			}
		}
	}
	return "", nil
}

func (s *Server) updateDraft(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var n ercms.NewCase
	if err := decode(r, &n); err != nil {
		return err
	}
	c, err := s.db.UpdateDraft(r.Context(), a, r.PathValue("id"), version, n)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusOK, s.view(r, a, c))
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body struct {
		UserID string `json:"user_id"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	c, err := s.db.Assign(r.Context(), a, r.PathValue("id"), version, body.UserID)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusOK, s.view(r, a, c))
}

// Calculation is the answer of the deadline calculator.
type Calculation struct {
	Rule    string     `json:"rule"`
	Profile string     `json:"profile"`
	State   string     `json:"state"`
	From    civil.Date `json:"from"`
	DueOn   *string    `json:"due_on"`
	Basis   string     `json:"basis"`
	Binding bool       `json:"binding"`
	Source  string     `json:"source"`
	// Sources is Source in the languages of the user interface, where the
	// profile words it so.
	Sources     i18n.Texts `json:"sources,omitempty"`
	BeyondData  bool       `json:"beyond_data,omitempty"`
	Provisional bool       `json:"provisional,omitempty"`
	// Verify says the profile ships the rule's figure as not yet checked
	// against the agreement text; Check is an administrator's check of it
	// since (the figure is unchecked when Verify is set and Check is nil).
	Verify bool                `json:"verify,omitempty"`
	Check  *sqldb.ProfileCheck `json:"check,omitempty"`
}

// SourceIn says where the rule's figure comes from in the reader's language l.
func (c Calculation) SourceIn(l i18n.Lang) string { return c.Sources.Or(l, c.Source) }

// Calculate runs the deadline calculator (the API and `ercms deadline`).
// profile "" takes the deployment's profile for the state; state "" takes
// the profile's first partner state.
func Calculate(db *sqldb.DB, rule, from, profile, state string) (*Calculation, error) {
	var v ercms.Validation
	v.Require("rule", rule, "field.api.rule")
	day, err := civil.Parse(from)
	if err != nil {
		v.Add("from", "field.api.from")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	rules := db.Rules()
	state = strings.ToUpper(state)
	if profile == "" {
		p, err := db.ProfileFor(state)
		if err != nil {
			return nil, err
		}
		profile = p.ID
		if state == "" {
			state = p.PartnerStates[0]
		}
	} else if state == "" {
		p, err := rules.Latest(profile)
		if err != nil {
			return nil, deadlineError(err, rule, profile, state)
		}
		state = p.PartnerStates[0]
	}
	res, st, err := deadline.Calculate(rules, profile, state, rule, day)
	if err != nil {
		return nil, deadlineError(err, rule, profile, state)
	}
	out := &Calculation{Rule: rule, Profile: profile, State: state, From: day, Basis: res.Basis, Binding: st.Binding,
		Source: st.Source, Sources: st.Sources, BeyondData: res.BeyondData, Provisional: res.Provisional, Verify: st.Verify}
	if !res.BeyondData {
		due := res.Due.String()
		out.DueOn = &due
	} else {
		out.Basis += "; the due date lies beyond the holiday data and is not guessed"
	}
	return out, nil
}

// deadlineError turns the deadline package's errors into field errors
// of the calculator's parameters.
func deadlineError(err error, rule, profile, state string) error {
	var e *ercms.Error
	switch {
	case errors.Is(err, deadline.ErrUnknownProfile):
		e = ercms.FieldError("profile", "field.api.deadline.unknown_profile", "profile", profile)
	case errors.Is(err, deadline.ErrUnknownKind):
		e = ercms.FieldError("rule", "field.api.deadline.unknown_rule", "rule", rule, "profile", profile)
	case errors.Is(err, deadline.ErrUnknownState):
		e = ercms.FieldError("state", "field.api.deadline.unknown_state", "member_state", state, "profile", profile)
	case errors.Is(err, deadline.ErrNotInForce):
		e = ercms.FieldError("from", "field.api.deadline.not_in_force", "profile", profile)
	case errors.Is(err, deadline.ErrNoCalendar):
		e = ercms.FieldError("from", "field.api.deadline.no_calendar")
	default:
		return err
	}
	e.Message = "err.api.deadline"
	return e
}

func (s *Server) calculate(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	q := r.URL.Query()
	c, err := Calculate(s.db, q.Get("rule"), q.Get("from"), q.Get("profile"), q.Get("state"))
	if err != nil {
		return err
	}
	if p, err := s.db.Rules().Profile(c.Profile, c.From); err == nil {
		checks, err := s.db.ProfileChecks(r.Context(), p.ID, p.Version)
		if err != nil {
			return err
		}
		if ch, ok := checks[p.FigurePath(c.Rule, c.State)]; ok {
			ch = checkFor(a, ch)
			c.Check = &ch
		}
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) profiles(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	rules := s.db.Rules()
	out := []*deadline.Profile{}
	for _, id := range rules.ProfileIDs() {
		out = append(out, rules.Versions(id)...)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"profiles": out})
}

func dateParam(q map[string][]string, name string, def time.Time) (time.Time, error) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	if v == "" {
		return def, nil
	}
	d, err := civil.Parse(v)
	if err != nil {
		return time.Time{}, badQuery(name, "field.api.date")
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), nil
}

func (s *Server) transmissions(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	q := r.URL.Query()
	now := s.db.Now().UTC()
	from, err := dateParam(q, "from", now.AddDate(-1, 0, 0))
	if err != nil {
		return err
	}
	to, err := dateParam(q, "to", now)
	if err != nil {
		return err
	}
	evs, err := s.db.Transmissions(r.Context(), a, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []sqldb.AuditEvent{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"transmissions": evs})
}

func (s *Server) auditEvents(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	q := r.URL.Query()
	f := sqldb.AuditFilter{ObjectID: q.Get("object_id")}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badQuery("after", "field.api.after_sequence")
		}
		f.After = n
	}
	evs, err := s.db.AuditEvents(r.Context(), a, f)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []sqldb.AuditEvent{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"events": evs})
}

func (s *Server) organisations(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	orgs, err := s.db.Organisations(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"organisations": orgs})
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var o ercms.Organisation
	if err := decode(r, &o); err != nil {
		return err
	}
	o.ID = ""
	if err := s.db.CreateOrganisation(r.Context(), a, &o); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var n sqldb.NewUser
	if err := decode(r, &n); err != nil {
		return err
	}
	if n.Password != "" {
		// The administrator never knows a user's password: the user
		// chooses it with the setup code of the answer.
		return ercms.FieldError("password", "field.user.password.not_set_by_admin")
	}
	u, code, err := s.db.CreateUserWithSetupCode(r.Context(), a, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, createdUser{User: u, SetupCode: code})
}

// createdUser is the answer of creating an account: the account and, for
// a person, the one-time setup code to hand over (shown only here).
type createdUser struct {
	*ercms.User
	*sqldb.SetupCode
}

// resetUser resets a user's password: the old one stops working, and the
// answer carries, once, the setup code with which the user chooses a new one.
func (s *Server) resetUser(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	code, err := s.db.IssueSetupCode(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, code)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if err := s.db.SetUserDisabled(r.Context(), a, r.PathValue("id"), true); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pendingGrants lists the grants of roles waiting for the caller's confirmation.
func (s *Server) pendingGrants(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	gs, err := s.db.PendingGrants(r.Context(), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, gs)
}

// confirmGrant confirms the pending role of an account.
func (s *Server) confirmGrant(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if err := s.db.ConfirmGrant(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// refuseGrant refuses the pending role of an account, with a reason.
func (s *Server) refuseGrant(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := s.db.RefuseGrant(r.Context(), a, r.PathValue("id"), body.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// unlockUser lifts the hold that failed sign-ins put on an account.
func (s *Server) unlockUser(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if err := s.db.LiftSignInLock(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resetFactor removes the second factors of a user who lost them.
func (s *Server) resetFactor(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if err := s.db.ResetSecondFactor(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var body sqldb.NewAPIToken
	if err := decode(r, &body); err != nil {
		return err
	}
	t, err := s.db.CreateAPIToken(r.Context(), a, r.PathValue("id"), body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	ts, err := s.db.APITokens(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ts)
}

// listSessions lists the caller's own open sessions and API tokens.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	list, err := s.db.Sessions(r.Context(), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list)
}

// endSession ends one of the caller's own sessions or API tokens.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if err := s.db.EndSession(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if err := s.db.RevokeAPIToken(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) putCalendarYear(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var y deadline.Year
	if err := decode(r, &y); err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y.Year != year || y.State != r.PathValue("state") {
		return badBody("err.api.calendar_year_url", "year", "field.api.calendar_year_url")
	}
	rc, err := s.db.SetCalendarYear(r.Context(), a, y)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"recomputation": rc})
}

// recomputations lists the latest recomputations of running deadlines,
// newest first, with their progress (administrators).
func (s *Server) recomputations(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	rs, err := s.db.Recomputations(r.Context(), a, 20)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"recomputations": rs})
}

// suspensions lists the suspensions of an agreement profile (?profile=;
// every profile without it), earliest first.
func (s *Server) suspensions(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	ids := s.db.Rules().ProfileIDs()
	if id := r.URL.Query().Get("profile"); id != "" {
		ids = []string{id}
	}
	out := []ercms.Suspension{}
	for _, id := range ids {
		out = append(out, s.db.Suspensions(id)...)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"suspensions": out})
}

// suspendAgreement records the suspension of an agreement (administrators).
func (s *Server) suspendAgreement(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var in ercms.Suspension
	if err := decode(r, &in); err != nil {
		return err
	}
	in.ID = ""
	sp, err := s.db.SuspendAgreement(r.Context(), a, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, sp)
}

// endSuspension records the day an agreement applies again (administrators).
func (s *Server) endSuspension(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var in struct {
		Until civil.Date `json:"until"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sp, err := s.db.EndSuspension(r.Context(), a, r.PathValue("id"), in.Until)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sp)
}
