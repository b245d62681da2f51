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

// TestTravelDocumentLookups: the printed document's short link (its id) and
// its seal's MRZ (number and expiry) find the document, name the officer
// who issued it, and tell when a renewal replaced it; other ids and numbers
// find nothing.
func TestTravelDocumentLookups(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		w, _, act := travelDocumentRequested(t, db, clock, "DE-TD-2")
		berlin := act["mfa.consul.berlin"]
		valid := w.today().AddDays(20)
		w.do(berlin, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-70/1", ValidUntil: ptr(valid)})
		p, err := db.TravelDocumentPrint(ctx, w.c)
		if err != nil || p.ID == "" || p.Officer == "" || p.Officer == "system" {
			t.Fatalf("print info %+v %v", p, err)
		}
		byID, err := db.TravelDocumentByID(ctx, p.ID)
		if err != nil || !byID.Known || byID.Replaced || byID.Number != "RC-70/1" || byID.ValidUntil != valid.String() {
			t.Fatalf("by id: %+v %v", byID, err)
		}
		byMRZ, err := db.TravelDocumentByMRZ(ctx, "RC701", valid.String())
		if err != nil || !byMRZ.Known || byMRZ.Number != "RC-70/1" {
			t.Fatalf("by MRZ: %+v %v", byMRZ, err)
		}
		for _, f := range []func() (sqldb.TravelDocumentState, error){
			func() (sqldb.TravelDocumentState, error) {
				return db.TravelDocumentByID(ctx, "0193f1c2-0000-7000-8000-000000000000")
			},
			func() (sqldb.TravelDocumentState, error) { return db.TravelDocumentByMRZ(ctx, "RC702", valid.String()) },
			func() (sqldb.TravelDocumentState, error) { return db.TravelDocumentByMRZ(ctx, "RC701", "2099-01-01") },
		} {
			if st, err := f(); err != nil || st.Known {
				t.Errorf("found %+v %v", st, err)
			}
		}
		w.do(berlin, ercms.ActRenewTravelDocument, ercms.ActionInput{ValidUntil: ptr(w.today().AddDays(25))})
		if st, _ := db.TravelDocumentByID(ctx, p.ID); !st.Replaced {
			t.Errorf("the old link after a renewal: %+v", st)
		}
		if st, _ := db.TravelDocumentByMRZ(ctx, "RC701", valid.String()); !st.Replaced {
			t.Errorf("the old seal after a renewal: %+v", st)
		}
		if np, _ := db.TravelDocumentPrint(ctx, w.c); np.ID == p.ID || np.ID == "" {
			t.Errorf("the renewed document keeps the old id: %+v", np)
		}
	})
}
