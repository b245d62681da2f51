package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// tokenRoutes registers the administrator's pages of a service account's
// API tokens (page checks the role).
func (u *ui) tokenRoutes(page func(pattern string, h func(*request))) {
	page("GET /admin/users/{id}/tokens", u.adminTokens)
	page("POST /admin/users/{id}/tokens", u.adminCreateToken)
	page("POST /admin/users/{id}/tokens/{token}/revoke", u.adminRevokeToken)
}

// tokensData is what the token page shows: the service account, its
// tokens with their scope and end, the form to issue one, and the secret of
// the token just issued (shown once).
type tokensData struct {
	User   ercms.User
	Tokens []sqldb.APIToken
	Values map[string]string
	Secret string
	// now is when the page is served, for Ended.
	now time.Time
}

// Value returns a submitted form value.
func (d tokensData) Value(name string) string { return d.Values[name] }

// Ended tells that a token not revoked has passed its end.
func (d tokensData) Ended(t sqldb.APIToken) bool { return !d.now.Before(t.ExpiresAt) }

// tokenData reads the service account of the request and its tokens;
// false when it has answered (not found, or an error).
func (u *ui) tokenData(rq *request) (tokensData, bool) {
	d := tokensData{Values: map[string]string{"days": strconv.Itoa(sqldb.DefaultTokenDays)}, now: u.s.db.Now()}
	users, err := u.s.db.Users(rq.r.Context(), *rq.actor)
	if err != nil {
		u.fail(rq, err)
		return d, false
	}
	found := false
	for _, us := range users {
		if us.ID == rq.r.PathValue("id") && us.Service {
			d.User, found = us, true
		}
	}
	if !found {
		u.notFound(rq)
		return d, false
	}
	if d.Tokens, err = u.s.db.APITokens(rq.r.Context(), *rq.actor, d.User.ID); err != nil {
		u.fail(rq, err)
		return d, false
	}
	return d, true
}

func (u *ui) tokensPage(rq *request, status int, d tokensData, errs []fieldError) {
	u.render(rq, status, "tokens", page{Title: rq.t("tokens.title", "username", d.User.Username) + " – " + rq.t("nav.admin"), Data: d, Errors: errs})
}

// adminTokens lists a service account's tokens with their scope and end.
func (u *ui) adminTokens(rq *request) {
	if d, ok := u.tokenData(rq); ok {
		u.tokensPage(rq, http.StatusOK, d, nil)
	}
}

// adminCreateToken issues a token with a scope and an end given as a
// number of days or a last day, and shows its secret once.
func (u *ui) adminCreateToken(rq *request) {
	d, ok := u.tokenData(rq)
	if !ok {
		return
	}
	f := rq.r.PostForm
	n := sqldb.NewAPIToken{Name: f.Get("name"), Scope: sqldb.TokenScope(f.Get("scope"))}
	var errs []fieldError
	until, bad := formDate(f.Get, "until")
	if bad != "" {
		errs = append(errs, fieldError{ID: fieldID("until"), Message: rq.t(bad)})
	}
	n.Until = until
	if days := strings.TrimSpace(f.Get("days")); days != "" && until == nil {
		var err error
		if n.Days, err = strconv.Atoi(days); err != nil || n.Days == 0 {
			n.Days = -1 // refused by the store with the range
		}
	}
	if len(errs) == 0 {
		t, err := u.s.db.CreateAPIToken(rq.r.Context(), *rq.actor, d.User.ID, n)
		if err == nil {
			d, ok = u.tokenData(rq)
			if ok {
				d.Secret = t.Token
				u.tokensPage(rq, http.StatusOK, d, nil)
			}
			return
		}
		if errs, ok = u.storeErrors(rq, err); !ok {
			u.fail(rq, err)
			return
		}
	}
	d.Values = formValues(rq)
	u.tokensPage(rq, http.StatusUnprocessableEntity, d, errs)
}

// adminRevokeToken revokes a token and comes back to the list.
func (u *ui) adminRevokeToken(rq *request) {
	if err := u.s.db.RevokeAPIToken(rq.r.Context(), *rq.actor, rq.r.PathValue("token")); err != nil {
		u.fail(rq, err)
		return
	}
	u.flash(rq, rq.t("tokens.revoked_now"))
	http.Redirect(rq.w, rq.r, "/admin/users/"+rq.r.PathValue("id")+"/tokens", http.StatusSeeOther)
}
