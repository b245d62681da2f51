package sqldb_test

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/seal"
	"github.com/ercms/ercms/sqldb"
)

// travelDocumentRequested signs travel documents with a new keyring and
// takes a new case of de.officer to travel_document_requested from the
// Berlin mission.
func travelDocumentRequested(t *testing.T, db *sqldb.DB, clock *testdb.Clock, ref string) (*walk, *seal.Keyring, map[string]ercms.Actor) {
	t.Helper()
	act := seed(t, db)
	keys, err := seal.OpenKeyring(t.TempDir(), clock.Now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	db.Signer = keys
	de, sms, sup, berlin := act["de.officer"], act["sms.officer"], act["sms.supervisor"], act["mfa.consul.berlin"]
	w := &walk{t: t, db: db, clock: clock, c: submittedCase(t, db, de, ref)}
	w.do(sms, ercms.ActRegister, ercms.ActionInput{})
	w.do(sms, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}})
	w.do(sup, ercms.ActSignOff, ercms.ActionInput{})
	w.do(de, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin.Org.ID})
	return w, keys, act
}

func TestTravelDocumentSigned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		w, keys, act := travelDocumentRequested(t, db, clock, "DE-TD-1")
		de, berlin := act["de.officer"], act["mfa.consul.berlin"]
		w.do(berlin, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-7", ValidUntil: ptr(w.today().AddDays(20))})
		first := w.c.TravelDocument.Signature
		c, err := seal.Verify(first, keys.Lookup)
		if err != nil || c.Number != "RC-7" || c.Surname != w.c.Person.Surname || c.CaseReference != w.c.Reference {
			t.Fatalf("issued document's signature: %+v %v", c, err)
		}
		st, err := db.TravelDocumentStatus(ctx, first)
		if err != nil || !st.Known || st.Replaced || st.Revoked() {
			t.Fatalf("status of the current document %+v %v", st, err)
		}

		// A renewal replaces it: the old document still verifies, but is marked replaced.
		_, _ = keys.Rotate()
		w.do(berlin, ercms.ActRenewTravelDocument, ercms.ActionInput{ValidUntil: ptr(w.today().AddDays(30))})
		second := w.c.TravelDocument.Signature
		if second == first || second == "" {
			t.Fatal("the renewal was not signed anew")
		}
		if _, err := seal.Verify(first, keys.Lookup); err != nil {
			t.Errorf("the old document no longer verifies after key rotation: %v", err)
		}
		if st, _ := db.TravelDocumentStatus(ctx, first); !st.Replaced {
			t.Errorf("the replaced document is not marked: %+v", st)
		}

		// A tampered token fails and is unknown.
		forged := strings.Replace(second, second[10:14], "AAAA", 1)
		if _, err := seal.Verify(forged, keys.Lookup); !errors.Is(err, seal.ErrBadSignature) && !errors.Is(err, seal.ErrMalformed) {
			t.Errorf("a tampered token: %v", err)
		}
		if st, _ := db.TravelDocumentStatus(ctx, forged); st.Known {
			t.Error("a tampered token is known")
		}

		// Withdrawing the case revokes the document.
		w.do(de, ercms.ActWithdraw, ercms.ActionInput{ReasonCode: "voluntary_departure"})
		if st, _ := db.TravelDocumentStatus(ctx, second); !st.Revoked() {
			t.Errorf("after withdrawal: %+v", st)
		}
	})
}

// TestEUTravelDocumentIssuedByRequestingState checks that the EU standard
// travel document, accepted when the mission missed its deadline, is sealed
// as issued by the requesting member state (Regulation (EU) 2016/1953), not
// by the requested state.
func TestEUTravelDocumentIssuedByRequestingState(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		w, keys, act := travelDocumentRequested(t, db, clock, "DE-TD-EU")
		de := act["de.officer"]
		w.days(30) // the mission's deadline passes
		w.do(de, ercms.ActAcceptEUTravelDocument, ercms.ActionInput{})
		c, err := seal.Verify(w.c.TravelDocument.Signature, keys.Lookup)
		if err != nil || c.Kind != ercms.TravelDocumentEUStandard || c.IssuingState != "DE" {
			t.Fatalf("the EU standard document's seal: %+v %v", c, err)
		}
	})
}
