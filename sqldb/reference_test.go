package sqldb_test

import (
	"slices"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

func TestRefusalReasonsEditable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, sms, sup, de := act["admin"], act["sms.officer"], act["sms.supervisor"], act["de.officer"]
		labels := map[string]string{"en": "Stay in a third country for over a year", "az": "Üçüncü ölkədə bir ildən artıq qalma",
			"fr": "Séjour de plus d’un an dans un pays tiers", "ru": "Пребывание в третьей стране более года"}
		wantCode(t, db.AddRefusalReason(ctx, sms, "third_country_stay", labels), ercms.EForbidden, "an officer edits the list")
		wantFields(t, db.AddRefusalReason(ctx, admin, "Bad Code!", map[string]string{"en": "x"}), "code", "labels.az", "labels.fr", "labels.ru")
		wantFields(t, db.AddRefusalReason(ctx, admin, "other", labels), "code")
		if err := db.AddRefusalReason(ctx, admin, "third_country_stay", labels); err != nil {
			t.Fatal(err)
		}
		if err := db.SetRefusalReasonDisabled(ctx, admin, "other", true); err != nil {
			t.Fatal(err)
		}
		if codes := db.RefusalCodes(); !slices.Contains(codes, "third_country_stay") || slices.Contains(codes, "other") {
			t.Errorf("codes in use %v", codes)
		}

		w := &walk{t: t, db: db, clock: clock, c: submittedCase(t, db, de, "DE-REF-1")}
		w.do(sms, ercms.ActRegister, ercms.ActionInput{})
		w.refuse(sms, ercms.ActRefuse, ercms.ActionInput{Reasons: []string{"other"}, Text: "x"}, ercms.EInvalid)
		w.do(sms, ercms.ActRefuse, ercms.ActionInput{Reasons: []string{"third_country_stay"}, Text: "Lived in Türkiye 2019–2024."})
		w.do(sup, ercms.ActSignOff, ercms.ActionInput{})
		w.want(ercms.StateRefused)

		// The lists survive a restart (a new store on the same database reads them).
		if n := count(t, db, `SELECT COUNT(*) FROM reference_entries`); n != 2 {
			t.Errorf("%d rows in reference_entries", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_events WHERE action IN ('reference.add', 'reference.disable')`); n != 2 {
			t.Errorf("%d audit events for the list", n)
		}
	})
}

func TestEvidenceTypesEditable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		admin, de := act["admin"], act["de.officer"]
		labels := map[string]string{"en": "Consular registration card", "az": "Konsulluq qeydiyyat kartı",
			"fr": "Carte d’immatriculation consulaire", "ru": "Карточка консульского учёта"}
		wantFields(t, db.AddEvidenceType(ctx, admin, "consular_card", "strong", "nowhere", labels), "strength", "for")
		wantFields(t, db.AddEvidenceType(ctx, admin, "visa", ercms.StrengthProof, "third_country", labels), "code")
		if err := db.AddEvidenceType(ctx, admin, "consular_card", ercms.StrengthPrimaFacie, "nationality", labels); err != nil {
			t.Fatal(err)
		}
		if err := db.SetReferenceDisabled(ctx, admin, sqldb.ListEvidence, "driving_licence", true); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.SetReferenceDisabled(ctx, admin, sqldb.ListEvidence, "no_such_type", true), ercms.ENotFound, "an unknown type")

		n := application("DE-EV-1")
		n.Evidence = []ercms.Evidence{{Type: "consular_card", Number: "CC-1"}}
		c := createCase(t, db, de, n)
		if c.Evidence[0].Strength != ercms.StrengthPrimaFacie {
			t.Errorf("an added type's strength %q", c.Evidence[0].Strength)
		}
		mustAct(t, db, de, c, ercms.ActSubmit, ercms.ActionInput{})

		n = application("DE-EV-2")
		n.Evidence = []ercms.Evidence{{Type: "driving_licence", Number: "B-1"}}
		_, _, err := db.CreateCase(ctx, de, n, "")
		wantFields(t, err, "evidence[0].type")
	})
}
