package web_test

import (
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// TestJourneyOfficersSeeRight walks, in Chromium, in Azerbaijani and
// French, what issue 11 found wrong on screen: the central authority sees
// the care data a member state entered and no verification target on an
// approved case; the border post sees the transfer's care arrangements on
// its transfer page, and of a revoked transit neither the grounds written
// nor those chosen.
func TestJourneyOfficersSeeRight(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.AZ, i18n.FR} {
		t.Run(string(lang), func(t *testing.T) {
			db, actors, base := journeyStore(t)
			cat := i18n.Default()
			const health, needs, security, grounds = "Insulin twice a day", "Wheelchair at the gate", "Two escorts, no handcuffs", "Wanted in the transit state on a criminal charge"
			s := newCaseWith(t, db, actors, func(n *ercms.NewCase) {
				n.Special = ercms.Special{NeedsCare: true, CareConsent: true, Health: health}
			})
			s.act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
			s.act("sms.officer", ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{{OrganisationID: orgByType(t, db, "civil_registry"), Question: "Is the person registered?"}}})
			none := []string{}
			s.act("sms.officer", ercms.ActApprove, ercms.ActionInput{FamilyCovered: &none}).act("sms.supervisor", ercms.ActSignOff, ercms.ActionInput{})
			s.transferNotified("AZ-TD-000779", ercms.Transfer{Flight: "LH 1234", Escorts: 2, MedicalEscort: true, Security: security, SpecialNeeds: needs})

			ca := newBrowser(t, base)
			ca.signIn(string(lang), "sms.officer")
			ca.open("/cases/" + s.c.ID)
			ca.screenshot("ca-summary")
			ca.expect("section.special", health)
			if facts := ca.text(".case-facts"); strings.Contains(facts, cat.T(lang, "clock."+ercms.ClockVerificationTask)) {
				t.Errorf("the approved case's header shows the verification target: %q", facts)
			}

			transit := newCaseWith(t, db, actors, func(n *ercms.NewCase) {
				n.Type, n.Procedure, n.Category, n.Evidence = ercms.TypeTransit, "", "", nil
				n.Transit = &ercms.Transit{Itinerary: "FRA–GYD–TAS", FinalDestination: "UZ", EntryPoint: "GYD", TransitOn: db.Today().AddDays(10), Escorts: 2}
			})
			transit.act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
			transit.act("sms.officer", ercms.ActApproveTransit, ercms.ActionInput{EntryPoint: "GYD", Time: "06:00"})
			transit.act("sms.officer", ercms.ActRevokeTransit, ercms.ActionInput{Reasons: []string{"prosecution_in_transit_state"}, Text: grounds})

			border := newBrowser(t, base)
			border.signIn(string(lang), "border.officer")
			border.open("/cases/" + s.c.ID + "/transfer")
			border.screenshot("border-transfer")
			border.expect("section.special", needs)
			border.expect("section.special", security)
			if page := border.text("main"); strings.Contains(page, health) {
				t.Errorf("the border reads the health description")
			}
			border.open("/cases/" + transit.c.ID + "/history")
			border.screenshot("border-revoked-transit")
			page := border.text("main")
			if !strings.Contains(page, cat.T(lang, "action."+ercms.ActRevokeTransit)) {
				t.Errorf("the border does not read that the transit was revoked: %q", page)
			}
			for _, never := range []string{grounds, cat.T(lang, "transit_ground.prosecution_in_transit_state")} {
				if strings.Contains(page, never) {
					t.Errorf("the border reads the grounds of the revoked transit: %q", never)
				}
			}
		})
	}
}
