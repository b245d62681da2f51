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
	"action":      "action.",
	"findings":    "finding.",
	"flags":       "flag.",
	"kinds":       "message_kind.",
	"org_kind":    "orgkind.",
	"role":        "role.",
	"state":       "state.",
	"task_status": "task_status.",
	"type":        "type.",
}

// Message renders a message of the domain in l. msg is a message key whose
// {name} placeholders are filled from args, each written for the reader
// (FormatArg; the argument ReasonArg as the text of the key it holds); a
// msg that is not in the catalogue and holds a space is a sentence of an
// adapter not yet moved to keys, returned as written. A key missing from
// every language gives "[key]", as T does.
func (c *Catalog) Message(l Lang, msg string, args map[string]any) string {
	if _, _, ok := c.lookup(l, msg); !ok && strings.Contains(msg, " ") {
		return msg
	}
	pairs := make([]string, 0, 2*len(args))
	for _, name := range slices.Sorted(maps.Keys(args)) {
		if s, ok := args[name].(string); ok && name == ReasonArg {
			if _, _, ok := c.lookup(l, s); ok {
				inner := maps.Clone(args)
				delete(inner, ReasonArg)
				pairs = append(pairs, name, c.Message(l, s, inner))
				continue
			}
		}
		pairs = append(pairs, name, c.FormatArg(l, name, args[name]))
	}
	return c.T(l, msg, pairs...)
}

// ReasonArg names the argument of a message that is itself a message key:
// Message writes it as that key's text in the same language, filled from
// the other arguments (a message that wraps another, such as "case 2 of
// the list: {reason}"). A value that is not a key of the catalogue is
// written as it is.
const ReasonArg = "reason"

// FormatArg writes the argument name of a message in l: a civil.Date as
// FormatDate does, a Bytes as FormatBytes does, an integer as FormatNumber does, a code of the
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
