package ercms

import "testing"

func TestRefusedText(t *testing.T) {
	for _, c := range []struct {
		name      string
		s         string
		multiLine bool
		key, char string
	}{
		{"plain name", "Ali Məmmədov", false, "", ""},
		{"Persian name with ZWNJ", "می\u200cخواهم", false, "", ""},
		{"ZWJ", "a\u200db", false, "", ""},
		{"RLM in Arabic text", "علی\u200f (2)", false, "", ""},
		{"a real replacement character", "a\uFFFDb", false, "", ""},
		{"line feed in a note", "first\nsecond", true, "", ""},
		{"browser line end in a note", "first\r\nsecond\tend", true, "", ""},
		{"line feed in a name", "Ali\nBaba", false, "input.one_line", "U+000A"},
		{"tab in a name", "Ali\tBaba", false, "input.one_line", "U+0009"},
		{"lone CR in a note", "first\rsecond", true, "input.control", "U+000D"},
		{"NUL", "a\x00b", true, "input.control", "U+0000"},
		{"ESC", "a\x1b[31m", true, "input.control", "U+001B"},
		{"DEL", "a\x7f", false, "input.control", "U+007F"},
		{"C1", "a\u0085b", true, "input.control", "U+0085"},
		{"BOM inside text", "a\uFEFFb", false, "input.control", "U+FEFF"},
		{"line separator in a note", "a\u2028b", true, "input.control", "U+2028"},
		{"line separator in a name", "a\u2028b", false, "input.one_line", "U+2028"},
		{"right-to-left override", "Ali\u202Eevil", false, "input.bidi", "U+202E"},
		{"isolate in a note", "a\u2067b\u2069", true, "input.bidi", "U+2067"},
		{"invalid UTF-8", "a\xffb", true, "input.not_utf8", ""},
	} {
		key, char := RefusedText(c.s, c.multiLine)
		if key != c.key || char != c.char {
			t.Errorf("%s: RefusedText(%q, %v) = %q, %q; want %q, %q", c.name, c.s, c.multiLine, key, char, c.key, c.char)
		}
	}
}

func TestMultiLine(t *testing.T) {
	for name, want := range map[string]bool{
		"note": true, "observations": true, "tasks[0].question": true, "special.health": true,
		"transfer.escort_names": true, "justification": true,
		"surname": false, "given_names": false, "family[1].surname": false, "username": false, "reason_code": false,
	} {
		if got := MultiLine(name); got != want {
			t.Errorf("MultiLine(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRefusedIn(t *testing.T) {
	n := NewCase{Application: Application{Person: Person{Surname: "Əliyeva"}, Observations: "one\ntwo",
		Evidence: []Evidence{{Type: "national_passport"}, {Number: "C8\u202e7"}}}}
	if path, key, char := RefusedIn(&n); path != "evidence[1].document_number" || key != "input.bidi" || char != "U+202E" {
		t.Errorf("RefusedIn = %q %q %q, want the override in the second document's number", path, key, char)
	}
	n.Evidence = nil
	if path, key, _ := RefusedIn(n); key != "" {
		t.Errorf("a line feed in the observations is refused at %s: %s", path, key)
	}
}
