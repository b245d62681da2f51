package web_test

import (
	"context"
	"testing"

	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestAPIEndpointsAnswerAsDocumented walks the endpoints the scenarios of
// the other API tests do not reach (the administration, the calculator, the
// audit trail, the public verification, the documents, sign-out), each
// through the client that checks the request and the answer against
// openapi.json, and checks the status a client would see.
func TestAPIEndpointsAnswerAsDocumented(t *testing.T) {
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	admin, de, auditor := signIn(t, base, "admin"), signIn(t, base, "de.officer"), signIn(t, base, "auditor")
	deSup := signIn(t, base, "de.supervisor")
	expect := func(r reply, status int, what string) reply {
		t.Helper()
		if r.status != status {
			t.Errorf("%s: %d %s, want %d", what, r.status, r.body, status)
		}
		return r
	}

	var orgs struct {
		Organisations []struct{ ID, Kind, State string }
	}
	expect(admin.do("GET", "/api/v1/organisations", nil), 200, "organisations").decode(t, &orgs)
	var agency struct{ ID string }
	expect(admin.do("POST", "/api/v1/organisations", map[string]any{"kind": "agency", "name": "State Migration Service, Gəncə office", "state": "AZ", "agency_type": "migration"}), 201, "new organisation").decode(t, &agency)
	var user struct{ ID string }
	expect(admin.do("POST", "/api/v1/users", map[string]any{"username": "ganja.checker", "display_name": "Leyla Əliyeva", "organisation_id": agency.ID, "role": "agency_officer"}), 201, "new user, with its setup code").decode(t, &user)
	expect(admin.do("POST", "/api/v1/users", map[string]any{"username": "ganja.checker2", "display_name": "Leyla Əliyeva", "organisation_id": agency.ID, "role": "agency_officer", "password": password}), 422, "new user with a password of the administrator's")
	var service struct{ ID string }
	expect(admin.do("POST", "/api/v1/users", map[string]any{"username": "bpol.system", "display_name": "BPOL case system", "organisation_id": deOrg(t, orgs.Organisations), "role": "requesting_officer", "service": true}), 201, "new service account").decode(t, &service)
	// Both roles read case data: they wait for a second person.
	expect(admin.do("GET", "/api/v1/grants", nil), 200, "grants, the requesting administrator")
	expect(admin.do("POST", "/api/v1/users/"+user.ID+"/confirm", nil), 403, "the requesting administrator confirms")
	expect(deSup.do("POST", "/api/v1/users/"+user.ID+"/confirm", nil), 404, "a member state's supervisor confirms an agency's account")
	var grants []struct {
		UserID string `json:"user_id"`
	}
	expect(deSup.do("GET", "/api/v1/grants", nil), 200, "grants, the member state's supervisor").decode(t, &grants)
	if len(grants) != 1 || grants[0].UserID != service.ID {
		t.Errorf("the supervisor's grants: %+v", grants)
	}
	expect(deSup.do("POST", "/api/v1/users/"+service.ID+"/refuse", map[string]string{"reason": ""}), 422, "refuse without a reason")
	expect(deSup.do("POST", "/api/v1/users/"+service.ID+"/confirm", nil), 204, "confirm")
	expect(deSup.do("POST", "/api/v1/users/"+service.ID+"/confirm", nil), 404, "confirm again")
	var other struct{ ID string }
	expect(admin.do("POST", "/api/v1/users", map[string]any{"username": "de.officer9", "display_name": "Max Mustermann", "organisation_id": deOrg(t, orgs.Organisations), "role": "requesting_officer"}), 201, "another user").decode(t, &other)
	expect(deSup.do("POST", "/api/v1/users/"+other.ID+"/refuse", map[string]string{"reason": "not on our staff"}), 204, "refuse")
	var token struct{ ID, Token string }
	expect(admin.do("POST", "/api/v1/users/"+user.ID+"/tokens", map[string]string{"name": "checker", "scope": "read"}), 422, "a token for a person")
	expect(admin.do("POST", "/api/v1/users/"+service.ID+"/tokens", map[string]string{"name": "checker", "scope": "read"}), 201, "new token").decode(t, &token)
	expect(admin.do("GET", "/api/v1/users/"+service.ID+"/tokens", nil), 200, "the service account's tokens")
	expect(admin.do("DELETE", "/api/v1/tokens/"+token.ID, nil), 204, "revoke the token")
	expect(admin.do("POST", "/api/v1/users/"+user.ID+"/reset", nil), 201, "reset the user's password: a setup code")
	expect(admin.do("POST", "/api/v1/users/"+service.ID+"/reset", nil), 404, "reset a service account")
	expect(admin.do("POST", "/api/v1/users/"+user.ID+"/disable", nil), 204, "disable the user")
	expect(admin.do("POST", "/api/v1/users/nobody/disable", nil), 404, "disable an unknown user")

	expect(de.do("GET", "/api/v1/profiles", nil), 200, "profiles")
	expect(de.do("GET", "/api/v1/deadlines/calculate?rule=reply&from=2026-03-02", nil), 200, "calculator")
	expect(de.do("GET", "/api/v1/deadlines/calculate?rule=no_such_rule&from=2026-03-02", nil), 422, "calculator, unknown rule")
	expect(de.offContract().do("POST", "/api/v1/notifications/read", `{"case_id": 5}`), 422, "notifications read, a number for the case")
	expect(de.do("PUT", "/api/v1/me/email", map[string]string{"email": "anna.schneider@bpol.example.de"}), 204, "e-mail address")

	var cs caseJSON
	expect(de.do("POST", "/api/v1/cases", application), 201, "new case").decode(t, &cs)
	de.mustAct(&cs, "submit", nil)
	expect(de.do("GET", "/api/v1/cases/"+cs.ID+"/documents/application", nil), 200, "the application as PDF")
	expect(de.do("GET", "/api/v1/cases/"+cs.ID+"/documents/reply", nil), 404, "a reply not given yet")
	expect(de.do("GET", "/api/v1/forms/application?lang=fr", nil), 200, "blank form")

	expect(auditor.do("GET", "/api/v1/audit?object_id="+cs.ID, nil), 200, "audit trail")
	expect(auditor.offContract().do("GET", "/api/v1/audit?after=x", nil), 422, "audit trail, bad cursor")
	expect(de.do("GET", "/api/v1/audit", nil), 403, "audit trail, an officer")
	expect(de.do("GET", "/api/v1/transmissions?from=2026-01-01", nil), 200, "transmissions")
	expect(auditor.do("GET", "/api/v1/transmissions", nil), 403, "transmissions, not a member state")

	var hook struct{ ID string }
	expect(deSup.do("POST", "/api/v1/webhooks", map[string]string{"url": "https://bpol.example.de/hook"}), 201, "new webhook").decode(t, &hook)
	expect(deSup.do("GET", "/api/v1/webhooks", nil), 200, "webhooks")
	expect(deSup.do("DELETE", "/api/v1/webhooks/"+hook.ID, nil), 204, "remove the webhook")
	expect(de.do("GET", "/api/v1/keys", nil), 404, "public keys of a deployment that signs nothing")
	expect(de.do("GET", "/api/v1/verify?t=not-a-token", nil), 200, "verify a bad token")

	sms, smsSup := signIn(t, base, "sms.officer"), signIn(t, base, "sms.supervisor")
	var officer, supervisor struct {
		UserID string `json:"user_id"`
	}
	sms.do("GET", "/api/v1/me", nil).decode(t, &officer)
	smsSup.do("GET", "/api/v1/me", nil).decode(t, &supervisor)
	expect(smsSup.do("POST", "/api/v1/absence-cover", map[string]string{"from_user_id": officer.UserID, "to_user_id": supervisor.UserID}), 200, "absence cover")
	expect(sms.do("POST", "/api/v1/absence-cover", map[string]string{"from_user_id": supervisor.UserID, "to_user_id": officer.UserID}), 403, "absence cover by an officer")
	expect(de.do("GET", "/api/v1/transfer-operations/no-such-operation", nil), 404, "an unknown transfer operation")

	expect(de.do("DELETE", "/api/v1/session", nil), 204, "sign out")
	expect(de.do("GET", "/api/v1/me", nil), 401, "after signing out")
}

// deOrg is the id of the German requesting authority.
func deOrg(t *testing.T, orgs []struct{ ID, Kind, State string }) string {
	t.Helper()
	for _, o := range orgs {
		if o.State == "DE" && o.Kind == "requesting_authority" {
			return o.ID
		}
	}
	t.Fatal("no German requesting authority")
	return ""
}

// TestAPIDemoCasesAsDocumented reads the demonstration's cases, in every
// state the casework leaves them, through the checking client as the
// officers of both sides, the mission and the border post: a case, a list,
// its files, messages and group transfer answer as openapi.json says.
func TestAPIDemoCasesAsDocumented(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demonstration's cases")
	}
	db, _ := testdb.Open(t, sqldb.SQLite)
	base := start(t, db)
	ctx := context.Background()
	actors, err := demo.Actors(ctx, db, demo.Azerbaijan())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedCases(ctx, db, actors, 40, 2026); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]bool{}
	operations := map[string]bool{}
	for _, username := range []string{"sms.officer", "sms.supervisor", "de.officer", "mfa.consul.berlin", "border.officer"} {
		c := signIn(t, base, username)
		var page struct {
			Cases []struct{ ID, Status string }
		}
		if r := c.do("GET", "/api/v1/cases?limit=200", nil); r.status != 200 {
			t.Fatalf("%s lists the cases: %d %s", username, r.status, r.body)
		} else {
			r.decode(t, &page)
		}
		for _, cs := range page.Cases {
			var full struct {
				Transfer struct {
					OperationID string `json:"operation_id"`
				}
			}
			if r := c.do("GET", "/api/v1/cases/"+cs.ID, nil); r.status != 200 {
				t.Errorf("%s reads %s: %d %s", username, cs.ID, r.status, r.body)
				continue
			} else {
				r.decode(t, &full)
			}
			statuses[cs.Status] = true
			c.do("GET", "/api/v1/cases/"+cs.ID+"/attachments", nil)
			c.do("GET", "/api/v1/cases/"+cs.ID+"/messages", nil)
			if id := full.Transfer.OperationID; id != "" && !operations[username+id] {
				operations[username+id] = true
				c.do("GET", "/api/v1/transfer-operations/"+id, nil)
			}
		}
		c.do("GET", "/api/v1/notifications", nil)
	}
	if len(statuses) < 8 {
		t.Errorf("the demonstration's cases are in %d states only: %v", len(statuses), statuses)
	}
}
