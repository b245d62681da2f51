package web_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// TestDecidedCaseDeadlines reads an approved case whose verification task
// was still open at the decision, as the central authority and as the
// member state, in French: the reply deadline says when it was met, no
// page shows the task's target as running, and the member state sees no
// task target at all.
func TestDecidedCaseDeadlines(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
	s.act("sms.officer", ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{{OrganisationID: orgByType(t, db, "civil_registry"), Question: "Is this person registered?"}}})
	none := []string{}
	s.act("sms.officer", ercms.ActApprove, ercms.ActionInput{FamilyCovered: &none}).act("sms.supervisor", ercms.ActSignOff, ercms.ActionInput{})
	cat := i18n.Default()
	met := cat.Message(i18n.FR, "deadline.met_on", map[string]any{"date": db.Today()})
	for _, user := range []string{"sms.officer", "de.officer"} {
		u := newUIClient(t, base, "fr")
		u.signIn(user)
		_, page := u.get("/cases/" + s.c.ID)
		if !strings.Contains(page, met) {
			t.Errorf("%s: the met reply deadline does not say %q", user, met)
		}
		task := cat.T(i18n.FR, "clock."+ercms.ClockVerificationTask)
		switch user {
		case "sms.officer":
			if !strings.Contains(page, cat.Message(i18n.FR, "deadline.stopped_on", map[string]any{"date": db.Today()})) {
				t.Errorf("%s: the task's clock does not say it stopped", user)
			}
		case "de.officer":
			if strings.Contains(page, task) {
				t.Errorf("%s: the member state sees the requested state's task target %q", user, task)
			}
		}
		_, queue := u.get("/cases")
		if strings.Contains(queue, task) {
			t.Errorf("%s: the queue shows the task's target for an approved case", user)
		}
	}
}

// TestDeemedApprovalSaysWhy reads a deemed-approved case of the demo in
// French and Azerbaijani: its summary and decision say that the reply was
// due on a date and none was sent.
func TestDeemedApprovalSaysWhy(t *testing.T) {
	db, actors, base := journeyStore(t)
	if _, err := demo.SeedCases(context.Background(), db, actors, 40, 2026); err != nil {
		t.Fatal(err)
	}
	page, err := db.ListCases(context.Background(), actors["sms.officer"], sqldb.CaseFilter{Status: []ercms.State{ercms.StateDeemedApproved}})
	if err != nil || len(page.Cases) == 0 {
		t.Fatalf("no deemed approval in the demo: %v", err)
	}
	c, err := db.FindCase(context.Background(), actors["sms.officer"], page.Cases[0].ID)
	if err != nil || c.DeemedApprovalDue() == nil {
		t.Fatalf("%v, %v", c, err)
	}
	for _, lang := range []i18n.Lang{i18n.FR, i18n.AZ} {
		why := html.EscapeString(i18n.Default().T(lang, "case.deemed_why", "date", i18n.FormatDate(lang, *c.DeemedApprovalDue())))
		u := newUIClient(t, base, string(lang))
		u.signIn("sms.officer")
		for _, section := range []string{"", "/decision"} {
			if _, p := u.get("/cases/" + c.ID + section); !strings.Contains(p, why) {
				t.Errorf("%s %s: the deemed approval does not say why (%q)", lang, section, why)
			}
		}
	}
}
