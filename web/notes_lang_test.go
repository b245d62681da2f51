package web_test

import (
	"context"
	"html"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// userNotes name officers by id, which the central authority's pages write
// as their names.
var userNotes = []string{"note.assigned", "note.absence_cover"}

// TestCaseHistoryInReadersLanguage opens the history of every demo case the
// central authority's supervisor and a requesting officer see, in
// Azerbaijani, French and Russian: each note of the timeline is shown in
// the reader's language, worded with its arguments (dates as dates of that
// language; an officer given the case by name on the authority's pages),
// and no page shows the English wording of a note. The API
// gives the same notes in the language of Accept-Language, English when
// none, beside their keys.
func TestCaseHistoryInReadersLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo cases")
	}
	ctx := context.Background()
	db, actors, base := journeyStore(t)
	if _, err := demo.SeedCases(ctx, db, actors, 40, 2026); err != nil {
		t.Fatal(err)
	}
	// The supervisor gives a registered case to an officer: the note names
	// the officer by id, which the authority's own pages write as a name.
	sup, officer := actors["sms.supervisor"], actors["sms.officer"]
	registered, err := db.ListCases(ctx, sup, sqldb.CaseFilter{Limit: 1, Status: []ercms.State{ercms.StateRegistered}})
	if err != nil || len(registered.Cases) == 0 {
		t.Fatalf("no registered demo case: %v", err)
	}
	assigned := registered.Cases[0]
	names := map[string]string{sup.UserID: "Rauf Həsənov", officer.UserID: "Leyla Məmmədova"}
	c, err := db.Assign(ctx, sup, assigned.ID, assigned.Version, sup.UserID) // unchanged if the supervisor has it
	if err == nil {
		_, err = db.Assign(ctx, sup, assigned.ID, c.Version, officer.UserID)
	}
	if err != nil {
		t.Fatal(err)
	}
	cat := i18n.Default()
	english := englishSegments(t, "../i18n/messages/notes/en.json", 12, nil)
	users := []string{"sms.supervisor", "de.officer"}
	for _, lang := range []i18n.Lang{i18n.AZ, i18n.FR, i18n.RU} {
		t.Run(string(lang), func(t *testing.T) {
			shown := map[string]bool{}
			for _, user := range users {
				u := newUIClient(t, base, string(lang))
				u.signIn(user)
				u.switchLanguage(string(lang))
				list, err := db.ListCases(ctx, actors[user], sqldb.CaseFilter{Limit: sqldb.MaxPage})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range list.Cases {
					c, err := db.FindCase(ctx, actors[user], s.ID)
					if err != nil {
						t.Fatal(err)
					}
					status, page := u.get("/cases/" + s.ID + "/history")
					if status != 200 {
						t.Fatalf("%s: history of %s: %d", user, s.Reference, status)
					}
					page = html.UnescapeString(page)
					for _, seg := range english {
						if strings.Contains(page, seg) {
							t.Errorf("%s, %s: the history of %s shows the English %q", lang, user, s.Reference, seg)
						}
					}
					for _, e := range c.Timeline {
						if e.NoteKey == "" {
							continue
						}
						args := e.NoteArgs
						if hhmm, ok := args["time"].(string); ok && e.NoteKey == "note.transit_approved" {
							// The time at the border is read with its time zone ("09:10 Baku time").
							args = maps.Clone(args)
							args["time"] = cat.T(lang, "rest14.time_in_zone", "time", hhmm, "zone", cat.T(lang, "zone.Asia/Baku"))
						}
						want := cat.Message(lang, e.NoteKey, args)
						if slices.Contains(userNotes, e.NoteKey) {
							if user != "sms.supervisor" {
								continue
							}
							id, _ := e.NoteArgs["user_id"].(string)
							if names[id] == "" {
								t.Fatalf("assignment note %v, want an officer of %v", e.NoteArgs, names)
							}
							want = cat.Message(lang, e.NoteKey, map[string]any{"user_id": names[id]})
						}
						if !strings.Contains(page, want) {
							t.Errorf("%s, %s: the history of %s lacks the note %s %v as %q", lang, user, s.Reference, e.NoteKey, e.NoteArgs, want)
						}
						shown[e.NoteKey] = true
					}
				}
			}
			if !shown["note.assigned"] {
				t.Errorf("%s: the assignment's note was not shown", lang)
			}
			if len(shown) < 15 {
				t.Errorf("%s: the demo's histories showed %d kinds of note: %v", lang, len(shown), slices.Sorted(maps.Keys(shown)))
			}
		})
	}

	api := signIn(t, base, "sms.supervisor")
	type event struct {
		NoteKey  string         `json:"note_key"`
		NoteArgs map[string]any `json:"note_args"`
		Note     string         `json:"note"`
	}
	for _, tc := range []struct {
		accept string
		lang   i18n.Lang
	}{{"", i18n.EN}, {"fr-FR,fr;q=0.9", i18n.FR}, {"ru", i18n.RU}} {
		var got struct {
			Timeline []event `json:"timeline"`
		}
		api.do("GET", "/api/v1/cases/"+assigned.ID, nil, "Accept-Language", tc.accept).decode(t, &got)
		noted := 0
		for _, e := range got.Timeline {
			if e.NoteKey == "" {
				continue
			}
			noted++
			if want := cat.Message(tc.lang, e.NoteKey, e.NoteArgs); e.Note != want || strings.HasPrefix(e.Note, "[") {
				t.Errorf("API, Accept-Language %q: the note of %s is %q, want %q", tc.accept, e.NoteKey, e.Note, want)
			}
		}
		if noted < 2 {
			t.Errorf("API, Accept-Language %q: %d notes with keys in %+v", tc.accept, noted, got.Timeline)
		}
	}
}
