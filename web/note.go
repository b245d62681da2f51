package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// eventNote words the note of a timeline event in l: its key with its
// arguments, or, for an event stored before notes were keys, the English
// sentence it holds.
func eventNote(cat *i18n.Catalog, l i18n.Lang, e ercms.Event) string {
	if e.NoteKey == "" {
		return e.Note
	}
	return cat.Message(l, e.NoteKey, e.NoteArgs)
}

// flagNote words why a safeguard flag was raised in l, as eventNote does.
func flagNote(cat *i18n.Catalog, l i18n.Lang, f ercms.Flag) string {
	if f.NoteKey == "" {
		return f.Note
	}
	return cat.Message(l, f.NoteKey, nil)
}

// notesIn returns c with the note of each timeline event and flag worded in
// l (Note), their keys and arguments kept: the case as the API returns it
// to a caller who reads l. c itself is not changed.
func notesIn(cat *i18n.Catalog, l i18n.Lang, c *ercms.Case) *ercms.Case {
	out := *c
	out.Timeline = slices.Clone(c.Timeline)
	for i, e := range out.Timeline {
		out.Timeline[i].Note = eventNote(cat, l, e)
	}
	out.Flags = slices.Clone(c.Flags)
	for i, f := range out.Flags {
		out.Flags[i].Note = flagNote(cat, l, f)
	}
	return &out
}

// notesFor is notesIn in the language of r's Accept-Language, English when
// it names none of ours, as problem documents are.
func notesFor(r *http.Request, c *ercms.Case) *ercms.Case {
	return notesIn(i18n.Default(), i18n.Negotiate(r.Header.Get("Accept-Language")), c)
}

// userArgs are the arguments of a note that hold a user's id.
var userArgs = []string{"user_id", "from_user_id"}

// unnamedNotes words the notes that name officers by id for a reader who
// may not know the officers' names, by the note's key without "note.":
// they say what happened without an id.
var unnamedNotes = map[string]string{
	"assigned":      "words.note.assigned_unnamed",
	"absence_cover": "words.note.absence_cover_unnamed",
}

// NamedNote returns e with the officers its note names by id (an
// assignment, an absence cover) named by their display names, where the
// reader may see them (Officers); for other readers the note is worded
// without the officers (unnamedNotes), never with their ids.
func (d caseData) NamedNote(e ercms.Event) ercms.Event {
	named := false
	for _, name := range userArgs {
		id, _ := e.NoteArgs[name].(string)
		if id == "" {
			continue
		}
		shown := d.OfficerName(id)
		if shown == "" {
			if key, ok := unnamedNotes[strings.TrimPrefix(e.NoteKey, "note.")]; ok {
				e.NoteKey = key
				return e
			}
			continue
		}
		if !named {
			e.NoteArgs, named = maps.Clone(e.NoteArgs), true
		}
		e.NoteArgs[name] = shown
	}
	return e
}
