package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// figureRoutes registers the API of the checks of agreement figures.
func (s *Server) figureRoutes() {
	s.add("GET", "/api/v1/profiles/{id}/versions/{version}/checks", true, s.profileChecks)
	s.add("POST", "/api/v1/profiles/{id}/versions/{version}/checks", true, s.recordProfileCheck)
	s.add("POST", "/api/v1/profiles/{id}/versions/{version}/checks/withdraw", true, s.withdrawProfileCheck)
	s.add("POST", "/api/v1/profiles/{id}/corrections", true, s.correctFigure)
}

// versionParam reads the profile version of the path; a version that is
// not a number is not found.
func versionParam(r *http.Request) (int, error) {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		return 0, ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", r.PathValue("id"))
	}
	return v, nil
}

// checkFor is check c as reader a may read it: the administrator who
// checked it is named to the central authority and the administrators
// only, as on the pages.
func checkFor(a ercms.Actor, c sqldb.ProfileCheck) sqldb.ProfileCheck {
	if !a.IsCA() && a.Role != ercms.RoleAdmin {
		c.CheckedBy, c.CheckedByName = "", ""
	}
	return c
}

// profileChecks lists the current checks of a profile version's figures,
// by figure (anyone signed in: profiles are no personal data; the
// checker's name as checkFor says).
func (s *Server) profileChecks(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	found := false
	for _, p := range s.db.Rules().Versions(id) {
		found = found || p.Version == v
	}
	if !found {
		return ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", id)
	}
	checks, err := s.db.ProfileChecks(r.Context(), id, v)
	if err != nil {
		return err
	}
	out := []sqldb.ProfileCheck{}
	for _, c := range checks {
		out = append(out, checkFor(a, c))
	}
	slices.SortFunc(out, func(a, b sqldb.ProfileCheck) int { return strings.Compare(a.Figure, b.Figure) })
	return writeJSON(w, http.StatusOK, map[string]any{"checks": out})
}

// recordProfileCheck records an administrator's check of a figure.
func (s *Server) recordProfileCheck(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	var in sqldb.CheckInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.db.RecordProfileCheck(r.Context(), a, r.PathValue("id"), v, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"check": c})
}

// checkWithdrawal is the body of a withdrawal of a check.
type checkWithdrawal struct {
	Figure string `json:"figure"`
	Reason string `json:"reason"`
}

// withdrawProfileCheck withdraws the current check of a figure.
func (s *Server) withdrawProfileCheck(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	var in checkWithdrawal
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.db.WithdrawProfileCheck(r.Context(), a, r.PathValue("id"), v, in.Figure, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// correctFigure corrects a figure of the profile's version in force and
// starts the recomputation of the running cases.
func (s *Server) correctFigure(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var in sqldb.FigureCorrection
	if err := decode(r, &in); err != nil {
		return err
	}
	p, rc, err := s.db.CorrectFigure(r.Context(), a, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"profile": p.ID, "version": p.Version, "recomputation": rc})
}
