package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ercms/ercms"
)

// TestAPIRefusesFutureHandover records, through the API as the border
// post, a handover dated two weeks ahead: 422 with the message on
// handover.at, and the case is not changed; the handover as it happens
// is then recorded.
func TestAPIRefusesFutureHandover(t *testing.T) {
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).approved().transferNotified("AZ-TD-000780", ercms.Transfer{Escorts: 1})
	s.act("sms.officer", ercms.ActConfirmTransfer, ercms.ActionInput{})

	border := signIn(t, base, "border.officer")
	cs := &caseJSON{ID: s.c.ID, Version: s.c.Version}
	ahead := db.Now().Add(14 * 24 * time.Hour).UTC().Format(time.RFC3339)
	r := border.act(cs, ercms.ActRecordHandover, map[string]any{"handover": map[string]any{"at": ahead, "officer": "F. Nəsirov", "persons": 1}})
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.FieldKeys["handover.at"].Key != "field.handover.at.future" {
		t.Fatalf("a handover two weeks ahead: %d %+v", r.status, p)
	}
	s.reload()
	if s.c.Status != ercms.StateTransferConfirmed || s.c.Version != cs.Version {
		t.Fatalf("the refused handover changed the case: %s v%d", s.c.Status, s.c.Version)
	}
	now := db.Now().UTC().Format(time.RFC3339)
	if r := border.act(cs, ercms.ActRecordHandover, map[string]any{"handover": map[string]any{"at": now, "officer": "F. Nəsirov", "persons": 1}}); r.status != http.StatusOK {
		t.Fatalf("the handover as it happens: %d %s", r.status, r.body)
	}
}
