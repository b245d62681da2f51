package ercms

import "maps"

// Note is what the system says happened in a case (a timeline entry's note,
// the note of a safeguard flag), as a message key with named arguments,
// never a sentence: the reader's language words it where it is shown
// (i18n/messages/notes). Argument values are codes, identifiers, integers
// and civil dates; a date argument is named "date" or ends in "_date" or
// "_on", so that it is still written as a date once read back from stored
// JSON as "2026-12-20"; an argument "count" chooses the plural form of a
// plural message; an argument "reason" holding a note key is written as that
// note, filled from the same arguments.
type Note struct {
	Key  string
	Args map[string]any
}

// NewNote returns the note of key with its arguments given as name/value
// pairs: NewNote("note.renewed", "date", until).
func NewNote(key string, args ...any) Note {
	return Note{Key: key, Args: pairs(args)}
}

// With returns n with the arguments of inner added (n's own win): a note
// that wraps another, NewNote("note.received_by_email", "reason",
// inner.Key).With(inner), takes the arguments of the note it holds.
func (n Note) With(inner Note) Note {
	if len(inner.Args) == 0 {
		return n
	}
	args := maps.Clone(inner.Args)
	maps.Copy(args, n.Args)
	n.Args = args
	return n
}

// IsZero reports whether n says nothing.
func (n Note) IsZero() bool { return n.Key == "" }

// SetNote gives e the note n: its key and arguments. The sentence Note of
// an event stored before notes were keys is left as it is.
func (e *Event) SetNote(n Note) {
	e.NoteKey, e.NoteArgs = n.Key, n.Args
}

// String writes the note's key and arguments for the log and for tests,
// as Error does: "note.deemed_approved {date=2026-04-28}". It is no text
// for a reader.
func (n Note) String() string { return n.Key + formatArgs(n.Args) }
