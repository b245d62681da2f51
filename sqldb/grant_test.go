package sqldb_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// secondAdmin creates an administrator with the system actor (as the
// command line does), active at once.
func secondAdmin(t *testing.T, db *sqldb.DB, oversight ercms.Organisation) ercms.Actor {
	t.Helper()
	if _, err := db.CreateUser(ctx, ercms.SystemActor(), sqldb.NewUser{Username: "admin2", DisplayName: "Second Administrator",
		OrgID: oversight.ID, Role: ercms.RoleAdmin, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	a, err := db.ActorByUsername(ctx, "admin2")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// actions returns the actions of audit events.
func actions(evs []sqldb.AuditEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

// TestGrantOfCaseRoleNeedsSecondPerson: one administrator alone no longer
// reaches case data by creating a central-authority supervisor.
func TestGrantOfCaseRoleNeedsSecondPerson(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, sup, deSup := act["admin"], act["sms.supervisor"], act["de.supervisor"]
		submittedCase(t, db, act["de.officer"], "DE-grant-1")
		admin2 := secondAdmin(t, db, admin.Org)

		var u *ercms.User
		evs := newAudit(t, db, func() {
			var err error
			u, err = db.CreateUser(ctx, admin, sqldb.NewUser{Username: "sms.boss", DisplayName: "Mallory", OrgID: sup.Org.ID,
				Role: ercms.RoleCASupervisor, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
		})
		if u.Status != ercms.AccountPending {
			t.Fatalf("status %q, want pending", u.Status)
		}
		if got := actions(evs); len(got) != 2 || got[0] != "user.create" || got[1] != "user.grant.request" || evs[1].ObjectID != u.ID || evs[1].ActorID != admin.UserID {
			t.Errorf("events of the request: %v", got)
		}
		// Pending: no sign-in (the same answer as a wrong password), no actor.
		_, err := db.SignIn(ctx, "sms.boss", testPassword, netip.Addr{})
		wantCode(t, err, ercms.EUnauthorized, "a pending account signs in")
		_, err = db.ActorByUsername(ctx, "sms.boss")
		wantCode(t, err, ercms.ENotFound, "the actor of a pending account")

		// Who may not confirm: the requester, a second administrator (the
		// central authority has a supervisor), a supervisor of another
		// organisation, an officer of the same one.
		wantCode(t, db.ConfirmGrant(ctx, admin, u.ID), ercms.EForbidden, "the requesting administrator confirms")
		wantCode(t, db.ConfirmGrant(ctx, admin2, u.ID), ercms.EForbidden, "an administrator confirms where a supervisor does")
		wantCode(t, db.ConfirmGrant(ctx, deSup, u.ID), ercms.ENotFound, "a supervisor of another organisation confirms")
		wantCode(t, db.ConfirmGrant(ctx, act["sms.officer"], u.ID), ercms.ENotFound, "an officer confirms")
		wantCode(t, db.RefuseGrant(ctx, deSup, u.ID, "no"), ercms.ENotFound, "a supervisor of another organisation refuses")
		for who, a := range map[string]ercms.Actor{"admin": admin, "admin2": admin2, "de.supervisor": deSup} {
			if gs, err := db.PendingGrants(ctx, a); err != nil || len(gs) != 0 {
				t.Errorf("%s sees grants to confirm: %v %+v", who, err, gs)
			}
		}
		gs, err := db.PendingGrants(ctx, sup)
		if err != nil || len(gs) != 1 || gs[0].UserID != u.ID || gs[0].RequestedBy != "admin" || gs[0].Role != ercms.RoleCASupervisor ||
			gs[0].OrgID != sup.Org.ID || !gs[0].RequestedAt.Equal(u.CreatedAt) {
			t.Fatalf("the supervisor's grants to confirm: %v %+v", err, gs)
		}

		evs = newAudit(t, db, func() {
			if err := db.ConfirmGrant(ctx, sup, u.ID); err != nil {
				t.Fatal(err)
			}
		})
		if got := actions(evs); len(got) != 1 || got[0] != "user.grant.confirm" || evs[0].ActorID != sup.UserID || evs[0].ObjectID != u.ID {
			t.Errorf("events of the confirmation: %v", got)
		}
		wantCode(t, db.ConfirmGrant(ctx, sup, u.ID), ercms.ENotFound, "a second confirmation")
		sess, err := db.SignIn(ctx, "sms.boss", testPassword, netip.Addr{})
		if err != nil {
			t.Fatalf("sign in once confirmed: %v", err)
		}
		boss, err := db.Authenticate(ctx, sess.Token)
		if err != nil {
			t.Fatal(err)
		}
		page, err := db.ListCases(ctx, boss, sqldb.CaseFilter{})
		if err != nil || len(page.Cases) == 0 {
			t.Fatalf("the confirmed supervisor lists cases: %v", err)
		}
		if gs, _ := db.PendingGrants(ctx, sup); len(gs) != 0 {
			t.Errorf("still to confirm: %+v", gs)
		}
	})
}

// TestGrantWithoutSupervisor: where the organisation has no supervisor
// role (an agency), a second administrator confirms, and may refuse with a
// reason, which disables the account for good.
func TestGrantWithoutSupervisor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, police := act["admin"], act["police.officer"]
		admin2 := secondAdmin(t, db, admin.Org)
		create := func(username string) *ercms.User {
			u, err := db.CreateUser(ctx, admin, sqldb.NewUser{Username: username, DisplayName: "New Officer", OrgID: police.Org.ID,
				Role: ercms.RoleAgencyOfficer, Password: testPassword})
			if err != nil || u.Status != ercms.AccountPending {
				t.Fatalf("create %s: %v %+v", username, err, u)
			}
			return u
		}
		one, two := create("police.one"), create("police.two")
		wantCode(t, db.ConfirmGrant(ctx, admin, one.ID), ercms.EForbidden, "the requesting administrator confirms")
		wantCode(t, db.RefuseGrant(ctx, admin, one.ID, "changed my mind"), ercms.EForbidden, "the requesting administrator refuses")
		wantCode(t, db.ConfirmGrant(ctx, act["sms.supervisor"], one.ID), ercms.ENotFound, "a CA supervisor confirms for an agency")
		if gs, err := db.PendingGrants(ctx, admin2); err != nil || len(gs) != 2 {
			t.Fatalf("the second administrator's grants: %v %+v", err, gs)
		}
		if err := db.ConfirmGrant(ctx, admin2, one.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignIn(ctx, "police.one", testPassword, netip.Addr{}); err != nil {
			t.Fatalf("sign in once confirmed: %v", err)
		}

		wantFields(t, db.RefuseGrant(ctx, admin2, two.ID, "  "), "reason")
		evs := newAudit(t, db, func() {
			if err := db.RefuseGrant(ctx, admin2, two.ID, "not on the agency's staff list"); err != nil {
				t.Fatal(err)
			}
		})
		if got := actions(evs); len(got) != 1 || got[0] != "user.grant.refuse" || evs[0].ActorID != admin2.UserID || evs[0].ObjectID != two.ID {
			t.Errorf("events of the refusal: %v", got)
		}
		_, err := db.SignIn(ctx, "police.two", testPassword, netip.Addr{})
		wantCode(t, err, ercms.EUnauthorized, "a refused account signs in")
		// Re-enabling the account does not grant the refused role.
		if err := db.SetUserDisabled(ctx, admin, two.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = db.SignIn(ctx, "police.two", testPassword, netip.Addr{})
		wantCode(t, err, ercms.EUnauthorized, "a refused account re-enabled signs in")
		wantCode(t, db.ConfirmGrant(ctx, admin2, two.ID), ercms.ENotFound, "confirming a refused grant")
		if n := count(t, db, `SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND outcome = 'refused' AND reason = 'not on the agency''s staff list'`, two.ID); n != 1 {
			t.Errorf("refusal rows: %d", n)
		}
	})
}

// TestGrantsActiveAtOnce: roles without case data are active at once; the
// administrator role waits for a second administrator (else one
// administrator would confirm their own grants through a second account);
// the system actor (command line, demo seed) bootstraps accounts.
func TestGrantsActiveAtOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin := act["admin"]
		for _, r := range []ercms.Role{ercms.RoleAuditor, ercms.RoleDPO, ercms.RoleAnalyst} {
			u, err := db.CreateUser(ctx, admin, sqldb.NewUser{Username: "new." + string(r), DisplayName: "New", OrgID: admin.Org.ID, Role: r, Password: testPassword})
			if err != nil || u.Status != ercms.AccountActive {
				t.Fatalf("%s: %v %+v", r, err, u)
			}
			if _, err := db.SignIn(ctx, u.Username, testPassword, netip.Addr{}); err != nil {
				t.Errorf("%s signs in: %v", r, err)
			}
		}
		u, err := db.CreateUser(ctx, admin, sqldb.NewUser{Username: "new.admin", DisplayName: "New", OrgID: admin.Org.ID, Role: ercms.RoleAdmin, Password: testPassword})
		if err != nil || u.Status != ercms.AccountPending {
			t.Fatalf("an administrator's grant of the administrator role: %v %+v", err, u)
		}
		_, err = db.SignIn(ctx, "new.admin", testPassword, netip.Addr{})
		wantCode(t, err, ercms.EUnauthorized, "a pending administrator signs in")
		admin2 := secondAdmin(t, db, admin.Org)
		if err := db.ConfirmGrant(ctx, admin2, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignIn(ctx, "new.admin", testPassword, netip.Addr{}); err != nil {
			t.Errorf("the confirmed administrator signs in: %v", err)
		}
		// The first supervisor of a new authority: no supervisor to confirm, so a second administrator does.
		de := act["de.supervisor"]
		if err := db.SetUserDisabled(ctx, admin, de.UserID, true); err != nil {
			t.Fatal(err)
		}
		s, err := db.CreateUser(ctx, admin, sqldb.NewUser{Username: "de.supervisor2", DisplayName: "New", OrgID: de.Org.ID, Role: ercms.RoleRequestingSupervisor, Password: testPassword})
		if err != nil || s.Status != ercms.AccountPending {
			t.Fatalf("%v %+v", err, s)
		}
		if err := db.ConfirmGrant(ctx, admin2, s.ID); err != nil {
			t.Fatalf("a second administrator confirms an authority's first supervisor: %v", err)
		}
	})
}

// TestPendingAccountIsNotNotified: an account that waits for a second
// person's confirmation is told nothing about cases (no notification,
// hence no e-mail) until it is confirmed.
func TestPendingAccountIsNotNotified(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		u, err := db.CreateUser(ctx, act["admin"], sqldb.NewUser{Username: "sms.new", DisplayName: "New Officer", OrgID: act["sms.officer"].Org.ID,
			Role: ercms.RoleCAOfficer, Password: testPassword})
		if err != nil || u.Status != ercms.AccountPending {
			t.Fatalf("%+v %v", u, err)
		}
		submittedCase(t, db, act["de.officer"], "DE-pending-1")
		clock.Advance(40 * 24 * time.Hour) // the reply deadline is near or past: the scheduler tells the central authority
		if _, err := db.NotifyDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM notifications WHERE user_id = $1`, act["sms.officer"].UserID); n == 0 {
			t.Fatal("a submission tells no central-authority officer: the test proves nothing")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM notifications WHERE user_id = $1`, u.ID); n != 0 {
			t.Errorf("the pending account got %d notifications", n)
		}
	})
}
