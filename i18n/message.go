package i18n

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ercms/ercms/civil"
)

// wordFamilies names the arguments whose values are codes of the domain's
// vocabulary, and the family of keys that words them: an argument "state"
// with the value "submitted" is written as the text of "state.submitted". A
// list ([]string) is worded item by item.
var wordFamilies = map[string]string{
	"action":          "action.",
	"persons":         "persons.",
	"grounds":         "suspension_grounds.",
	"clock":           "clock.",
	"finding":         "finding.",
	"findings":        "finding.",
	"flag":            "flag.",
	"flags":           "flag.",
	"kinds":           "message_kind.",
	"mode":            "mode.",
	"org_kind":        "orgkind.",
	"outcome":         "outcome.",
	"role":            "role.",
	"state":           "state.",
	"task_kind":       "task.",
	"task_status":     "task_status.",
	"type":            "type.",
	"withdraw_reason": "withdraw.",
}

// CountArg names the argument that chooses the plural form of a message:
// Message(l, key, {"count": 3}) renders the entry key.<PluralForm(l, 3)>
// (else key.other) with {n} written as the number, as Plural does, when
// the catalogue has no entry key itself.
const CountArg = "count"

// IsDateArg reports whether the argument name holds a date: "date", or a
// name ending in "_date" or "_on" ("due_date", "requested_on"). Message
// writes such an argument as a date in the reader's language also when it
// is the ISO text "2026-12-20" (a civil.Date read back from stored JSON).
func IsDateArg(name string) bool {
	return name == "date" || strings.HasSuffix(name, "_date") || strings.HasSuffix(name, "_on")
}

// Message renders a message of the domain in l. msg is a message key whose
// {name} placeholders are filled from args, each written for the reader
// (FormatArg; the argument ReasonArg as the text of the key it holds); a
// plural message (entries msg.one, msg.other, …) takes the form the
// argument CountArg chooses. A msg that is not in the catalogue and holds a
// space is a sentence of an adapter not yet moved to keys (or an old note
// stored as a sentence), returned as written. A key missing from every
// language gives "[key]", as T does.
func (c *Catalog) Message(l Lang, msg string, args map[string]any) string {
	if _, _, ok := c.lookup(l, msg); !ok {
		if n, ok := countOf(args[CountArg]); ok && c.Has(EN, msg+".other") {
			return c.Plural(l, msg, n, c.argPairs(l, args)...)
		}
		if strings.Contains(msg, " ") {
			return msg
		}
	}
	return c.T(l, msg, c.argPairs(l, args)...)
}

// countOf reads the integer of a CountArg: an int, or a float64 with no
// fraction (an integer read back from JSON).
func countOf(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		if x == float64(int64(x)) {
			return int(x), true
		}
	}
	return 0, false
}

// argPairs writes the arguments of a message for l as name/value pairs in
// name order, as T takes them.
func (c *Catalog) argPairs(l Lang, args map[string]any) []string {
	pairs := make([]string, 0, 2*len(args))
	for _, name := range slices.Sorted(maps.Keys(args)) {
		if s, ok := args[name].(string); ok && name == ReasonArg {
			if _, _, ok := c.lookup(l, s); ok || c.Has(EN, s+".other") {
				inner := maps.Clone(args)
				delete(inner, ReasonArg)
				pairs = append(pairs, name, c.Message(l, s, inner))
				continue
			}
		}
		pairs = append(pairs, name, c.FormatArg(l, name, args[name]))
	}
	return pairs
}

// ReasonArg names the argument of a message that is itself a message key:
// Message writes it as that key's text in the same language, filled from
// the other arguments (a message that wraps another, such as "case 2 of
// the list: {reason}"). A value that is not a key of the catalogue is
// written as it is.
const ReasonArg = "reason"

// FormatArg writes the argument name of a message in l: a civil.Date as
// FormatDate does (and so the ISO text of a date argument, IsDateArg), a
// Bytes as FormatBytes does, an integer as FormatNumber does, a code of the
// vocabulary (wordFamilies) as its word, a list item by item joined with
// commas; anything else with fmt.
func (c *Catalog) FormatArg(l Lang, name string, v any) string {
	switch x := v.(type) {
	case civil.Date:
		return FormatDate(l, x)
	case *civil.Date:
		if x == nil {
			return ""
		}
		return FormatDate(l, *x)
	case Bytes:
		return FormatBytes(l, int64(x))
	case int:
		return FormatNumber(l, int64(x))
	case int64:
		return FormatNumber(l, x)
	case float64: // an integer read back from JSON
		if x == float64(int64(x)) {
			return FormatNumber(l, int64(x))
		}
	case string:
		if IsDateArg(name) {
			if d, err := civil.Parse(x); err == nil {
				return FormatDate(l, d)
			}
		}
		return c.word(l, name, x)
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = c.word(l, name, s)
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprint(v)
}

// word writes a code as the word of its family when the argument's name has
// one and the catalogue holds it, else as written.
func (c *Catalog) word(l Lang, name, code string) string {
	if fam, ok := wordFamilies[name]; ok {
		if _, _, ok := c.lookup(l, fam+code); ok {
			return c.T(l, fam+code)
		}
	}
	return code
}
