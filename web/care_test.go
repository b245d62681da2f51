package web_test

import (
	"html"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// TestCareReachesThoseWhoAct gives a case the special circumstances a
// member state enters (care needs with consent, a medical escort, a
// safeguard flag, observations) and a transfer with its arrangements, and
// reads it in Azerbaijani and French: the central authority sees them all
// on the case, the safeguard flag on every section; the border post sees
// what the handover needs (medical escort, security measures, special
// needs) and not the health description or the observations.
func TestCareReachesThoseWhoAct(t *testing.T) {
	db, actors, base := journeyStore(t)
	const health, observations, needs, security = "Insulin twice a day", "Speaks little; anxious in crowds", "Wheelchair at the gate", "Two escorts, no handcuffs"
	s := newCaseWith(t, db, actors, func(n *ercms.NewCase) {
		n.Special = ercms.Special{NeedsCare: true, CareConsent: true, Health: health, MedicalEscort: true}
		n.Observations = observations
	}).approved()
	s.act("sms.supervisor", ercms.ActClearFlag, ercms.ActionInput{Flag: ercms.FlagMedical, Reason: "Fit to travel with an escort."})
	s.transferNotified("AZ-TD-000778", ercms.Transfer{Flight: "LH 1234", Escorts: 2, MedicalEscort: true, Security: security, SpecialNeeds: needs})
	cat := i18n.Default()
	for _, lang := range []i18n.Lang{i18n.AZ, i18n.FR} {
		ca := newUIClient(t, base, string(lang))
		ca.signIn("sms.officer")
		_, summary := ca.get("/cases/" + s.c.ID)
		for _, want := range []string{health, observations, cat.T(lang, "field.special.medical_escort"), needs, security} {
			if !strings.Contains(summary, html.EscapeString(want)) {
				t.Errorf("%s: the central authority's summary does not show %q", lang, want)
			}
		}
		border := newUIClient(t, base, string(lang))
		border.signIn("border.officer")
		_, transfer := border.get("/cases/" + s.c.ID + "/transfer")
		for _, want := range []string{cat.T(lang, "field.transfer.medical_escort"), needs, security} {
			if !strings.Contains(transfer, html.EscapeString(want)) {
				t.Errorf("%s: the border's transfer page does not show %q", lang, want)
			}
		}
		for _, never := range []string{health, observations} {
			if strings.Contains(transfer, html.EscapeString(never)) {
				t.Errorf("%s: the border reads %q", lang, never)
			}
		}
	}
}

// TestSafeguardOnEverySection checks that an active safeguard flag shows
// in the header of every section of the case.
func TestSafeguardOnEverySection(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCaseWith(t, db, actors, func(n *ercms.NewCase) { n.Special.MedicalEscort = true })
	s.act("de.officer", ercms.ActSubmit, ercms.ActionInput{})
	if !slices.Contains(s.c.ActiveFlags(), ercms.FlagMedical) {
		t.Fatalf("no medical flag: %v", s.c.ActiveFlags())
	}
	flag := i18n.Default().T(i18n.FR, "flag."+ercms.FlagMedical)
	u := newUIClient(t, base, "fr")
	u.signIn("sms.officer")
	for _, section := range []string{"", "/person", "/evidence", "/verification", "/decision", "/transfer", "/files", "/history"} {
		if _, page := u.get("/cases/" + s.c.ID + section); !strings.Contains(page, html.EscapeString(flag)) {
			t.Errorf("%s: the safeguard flag %q is not shown", section, flag)
		}
	}
}
