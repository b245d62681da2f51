package web_test

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// TestUIGrantRefusedBySecondAdministrator: an agency has no supervisor, so
// a second administrator decides on /admin/users; a refusal needs a reason
// (said in the user's language) and leaves an account that never signs in.
func TestUIGrantRefusedBySecondAdministrator(t *testing.T) {
	db, actors, base := journeyStore(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, ercms.SystemActor(), sqldb.NewUser{Username: "admin2", DisplayName: "Second Administrator",
		OrgID: actors["admin"].Org.ID, Role: ercms.RoleAdmin, Password: password}); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, actors["admin"], sqldb.NewUser{Username: "police.new", DisplayName: "Elnur Abbasov",
		OrgID: actors["police.officer"].Org.ID, Role: ercms.RoleAgencyOfficer, Password: password})
	if err != nil || u.Status != ercms.AccountPending {
		t.Fatalf("%v %+v", err, u)
	}
	a2 := newUIClient(t, base, "fr")
	a2.signIn("admin2")
	if _, page := a2.get("/admin/users"); !strings.Contains(page, `/grants/`+u.ID+`/refuse`) {
		t.Fatalf("the second administrator is not offered the decision:\n%s", page)
	}
	status, page := a2.post("/admin/users", "/grants/"+u.ID+"/refuse", url.Values{"reason": {" "}, "back": {"users"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Saisissez le motif du refus du rôle.") || !strings.Contains(page, `href="#f-reason-`+u.ID+`"`) {
		t.Fatalf("a refusal without a reason: %d\n%s", status, page)
	}
	status, page = a2.post("/admin/users", "/grants/"+u.ID+"/refuse", url.Values{"reason": {"not on the police staff list"}, "back": {"users"}})
	if status != http.StatusOK || !strings.Contains(page, "Le rôle est refusé") || !strings.Contains(page, "Rôle refusé") {
		t.Fatalf("the refusal: %d\n%s", status, page)
	}
	if _, err := db.SignIn(ctx, "police.new", password, netip.Addr{}); ercms.ErrorCode(err) != ercms.EUnauthorized {
		t.Errorf("the refused account signs in: %v", err)
	}
}
