package sqldb_test

import (
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestEventNotesAfterAStoreRoundTrip reads back the note of a submission
// (note.application_received, with the date of receipt and the reply's due
// date) from the store and words it in French: the dates, stored as ISO
// text, are written as French dates. An event stored before notes were keys
// (an English sentence, no key) still loads and is shown as written.
func TestEventNotesAfterAStoreRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		id := submittedCase(t, db, act["de.officer"], "DE-NOTE-1").ID
		c := readCase(t, db, id)
		var submit *ercms.Event
		for i, e := range c.Timeline {
			if e.Action == ercms.ActSubmit {
				submit = &c.Timeline[i]
			}
		}
		rc := c.ReplyClock()
		if submit == nil || c.ReceivedOn == nil || rc == nil || rc.DueOn == nil {
			t.Fatalf("submitted case without its submission, receipt or reply clock: %+v", c.Timeline)
		}
		if submit.NoteKey != "note.application_received" || submit.NoteArgs["date"] != c.ReceivedOn.String() || submit.NoteArgs["due_date"] != rc.DueOn.String() {
			t.Fatalf("stored note %s %v, want note.application_received of %s, due %s", submit.NoteKey, submit.NoteArgs, c.ReceivedOn, rc.DueOn)
		}
		cat := i18n.Default()
		got := cat.Message(i18n.FR, submit.NoteKey, submit.NoteArgs)
		for _, want := range []string{i18n.FormatDate(i18n.FR, *c.ReceivedOn), i18n.FormatDate(i18n.FR, *rc.DueOn), "Demande reçue"} {
			if !strings.Contains(got, want) {
				t.Errorf("the note in French %q lacks %q", got, want)
			}
		}
		if strings.Contains(got, c.ReceivedOn.String()) {
			t.Errorf("the note in French writes the ISO date: %q", got)
		}

		const old = "application received on 2026-03-02; reply due 2026-03-17"
		if _, err := db.SQL().ExecContext(ctx, `UPDATE case_events SET note = $1, note_key = '', note_args = '' WHERE case_id = $2 AND action = $3`,
			old, id, ercms.ActSubmit); err != nil {
			t.Fatal(err)
		}
		for _, e := range readCase(t, db, id).Timeline {
			if e.Action != ercms.ActSubmit {
				continue
			}
			if e.Note != old || e.NoteKey != "" || e.NoteArgs != nil {
				t.Errorf("an old event reads back as %+v", e)
			}
			if got := cat.Message(i18n.FR, e.Note, e.NoteArgs); got != old {
				t.Errorf("an old event's sentence is shown as %q", got)
			}
		}
	})
}
