package ercms

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// The rule of the characters a text field may hold, the same for the API and
// the pages. Text is refused, never repaired:
//
//   - invalid UTF-8 (and so the replacement the decoders would make);
//   - C0 controls (U+0000–U+001F), DEL and C1 controls (U+0080–U+009F),
//     except TAB, LF and CR followed by LF (a browser's line end) in the
//     free-text fields of several lines (MultiLine);
//   - the line and paragraph separators U+2028 and U+2029 (LF is the line
//     end of a multi-line field);
//   - the bidirectional embeddings, overrides and isolates U+202A–U+202E
//     and U+2066–U+2069, which reorder what a reader sees (a name or a note
//     that reads otherwise than it is stored);
//   - U+FEFF, a byte-order mark inside text, invisible.
//
// Allowed: ZWNJ and ZWJ (U+200C, U+200D), which Persian and other scripts
// need in names; the directional marks LRM, RLM and ALM (U+200E, U+200F,
// U+061C), which only set the direction of neutral characters next to them
// in Arabic-script text and cannot reorder a run of text.

// multiLineFields are the JSON names of the free-text fields of several
// lines (notes, observations, messages, reasons…) beside the text areas of
// the actions' forms (Field.Kind KindTextarea), and the form fields shown as
// text areas.
var multiLineFields = map[string]bool{
	"answer": true, "assistance": true, "body": true, "comment": true,
	"handover_note": true, "health": true, "justification": true, "note": true,
	"observations": true, "question": true, "reason": true, "security_measures": true,
	"special_needs": true, "text": true, "physical_description": true,
	"last_address_requested_state": true, "source": true, "obstacle": true, "suspension_note": true,
	// Form fields only: a list of one item per line, the text of an
	// application to import.
	"crossing_points": true, "escort_names": true, "application": true,
}

// MultiLine reports whether the field named name holds free text of several
// lines, where TAB and line feeds are allowed. name is a JSON path or a form
// field name; its last name counts (tasks[0].question is a question).
func MultiLine(name string) bool {
	name = strings.TrimRight(name, "]0123456789[")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return multiLineFields[name] || textareas()[name]
}

// textareas are the last names of the actions' fields shown as text areas.
var textareas = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, d := range Descriptions {
		for _, f := range d.Fields {
			if f.Kind == KindTextarea {
				m[f.Name[strings.LastIndexByte(f.Name, '.')+1:]] = true
			}
		}
	}
	return m
})

// RefusedText says why s cannot be kept as the text of a field: the message
// key of the reason (input.not_utf8, input.control, input.one_line,
// input.bidi) and the character at fault written U+XXXX; "" when s may be
// kept. multiLine allows TAB, LF and CR before LF (MultiLine).
func RefusedText(s string, multiLine bool) (key, char string) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return "input.not_utf8", ""
		case r == '\t' || r == '\n' || r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			if !multiLine {
				return "input.one_line", codePoint(r)
			}
		case r == '\u2028' || r == '\u2029':
			if !multiLine {
				return "input.one_line", codePoint(r)
			}
			return "input.control", codePoint(r)
		case r < 0x20 || r >= 0x7F && r <= 0x9F || r == '\uFEFF':
			return "input.control", codePoint(r)
		case r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069':
			return "input.bidi", codePoint(r)
		}
	}
	return "", ""
}

// codePoint writes r as U+XXXX, the way a reader can look it up.
func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// RefusedIn returns the JSON path of the first text of v (a struct, a
// pointer, a list or a map of them) that RefusedText refuses, with the
// reason's message key and the character at fault; "" when there is none.
// It checks what arrives other than as JSON or a form, such as the fields
// of an application's PDF form.
func RefusedIn(v any) (path, key, char string) {
	return refusedIn(reflect.ValueOf(v), "", false)
}

func refusedIn(v reflect.Value, path string, item bool) (string, string, string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return refusedIn(v.Elem(), path, item)
		}
	case reflect.String:
		if key, char := RefusedText(v.String(), !item && MultiLine(path)); key != "" {
			return path, key, char
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			p := jsonName(f)
			switch name, _, _ := strings.Cut(f.Tag.Get("json"), ","); {
			case f.Anonymous && name == "": // inlined, as encoding/json does
				p = path
			case path != "":
				p = path + "." + p
			}
			if p, key, char := refusedIn(v.Field(i), p, false); key != "" {
				return p, key, char
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p, key, char := refusedIn(v.Index(i), fmt.Sprintf("%s[%d]", path, i), true); key != "" {
				return p, key, char
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if p, key, char := refusedIn(iter.Value(), path+"."+fmt.Sprint(iter.Key().Interface()), false); key != "" {
				return p, key, char
			}
		}
	}
	return "", "", ""
}
