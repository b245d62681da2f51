package web

import (
	"net/http"

	"github.com/ercms/ercms/sqldb"
)

// sessionRoutes registers the page of the user's own sessions.
func (u *ui) sessionRoutes(page func(pattern string, auth bool, h func(*request))) {
	page("GET /account/sessions", true, u.sessionsPage)
	page("POST /account/sessions/others/end", true, u.endOtherSessions)
	page("POST /account/sessions/{id}/end", true, u.endSession)
}

// sessionsData is what the sessions page shows: the user's open sessions,
// this one marked, and whether others are open to end.
type sessionsData struct {
	Sessions []sqldb.SessionInfo
	Others   bool
	// IdleMinutes and TTLHours say when a session ends.
	IdleMinutes, TTLHours int
}

// sessionsPage lists the user's open sessions: when each started and was
// last seen, this one marked, an "End" button for each other one.
func (u *ui) sessionsPage(rq *request) {
	list, err := u.s.db.Sessions(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	d := sessionsData{Sessions: list, IdleMinutes: int(u.s.db.SessionIdle.Minutes()), TTLHours: int(u.s.db.SessionTTL.Hours())}
	for _, s := range list {
		if !s.Current && s.Kind == "session" {
			d.Others = true
		}
	}
	u.render(rq, http.StatusOK, "sessions", page{Title: rq.t("sessions.title"), Data: d})
}

// endSession ends one of the user's sessions; ending this one signs out.
func (u *ui) endSession(rq *request) {
	id := rq.r.PathValue("id")
	if err := u.s.db.EndSession(rq.r.Context(), *rq.actor, id); err != nil {
		u.fail(rq, err)
		return
	}
	if id == rq.actor.SessionID {
		u.setCookie(rq, sessionCookie, "", -1, true)
		u.setCookie(rq, sessionEndCookie, "", -1, true)
		http.Redirect(rq.w, rq.r, "/signin", http.StatusSeeOther)
		return
	}
	u.flash(rq, rq.t("sessions.ended"))
	http.Redirect(rq.w, rq.r, "/account/sessions", http.StatusSeeOther)
}

// endOtherSessions ends every session of the user but this one.
func (u *ui) endOtherSessions(rq *request) {
	n, err := u.s.db.EndOtherSessions(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, u.cat.Plural(rq.lang, "sessions.ended_others", n))
	http.Redirect(rq.w, rq.r, "/account/sessions", http.StatusSeeOther)
}
