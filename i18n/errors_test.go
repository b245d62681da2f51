package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// keyUse is one place of the root package that gives a message key, with
// the names of the arguments it passes.
type keyUse struct {
	where string
	args  []string
}

// keyAt says, for the functions of the root package and the adapters that
// take a message key, which argument is the key; the name/value pairs of its
// arguments follow it.
var keyAt = map[string]int{"Fail": 1, "FieldError": 1, "Add": 1, "Require": 2, "invalid": 1, "badBody": 2, "badQuery": 1, "add": 1, "problem": 1, "NewNote": 0}

// messageKeys walks the source of the root package and returns every
// message key it gives: the key arguments of Fail, FieldError,
// Validation.Add and Require (and Attach's invalid helper) and the note
// keys of NewNote with the names of their arguments, and any other string
// literal that is a key of the err., field. and note. families (Error
// literals, the NoteKey of an event or a flag), without arguments.
func messageKeys(t *testing.T) map[string][]keyUse {
	return packageKeys(t, "..")
}

// packageKeys walks the non-test Go source in dir (relative to this
// package) as messageKeys walks the root package: the key arguments of
// ercms.Fail, ercms.FieldError, Validation.Add, Require and ercms.NewNote
// with the names of their arguments, and the err., field. and note. literals
// of Error literals and NoteKey fields.
func packageKeys(t *testing.T, dir string) map[string][]keyUse {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no source files in %s: %v", dir, err)
	}
	keys := map[string][]keyUse{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		inCall := map[*ast.BasicLit]bool{}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			i, ok := keyAt[name]
			if !ok || len(call.Args) <= i {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			if !ercms.IsKey(key) {
				return true
			}
			inCall[lit] = true
			use := keyUse{where: fset.Position(lit.Pos()).String()}
			for j := i + 1; j < len(call.Args); j += 2 {
				a, ok := call.Args[j].(*ast.BasicLit)
				if !ok || a.Kind != token.STRING {
					t.Errorf("%s: the name of argument %d of %s is not a string literal", use.where, (j-i+1)/2, key)
					continue
				}
				s, _ := strconv.Unquote(a.Value)
				use.args = append(use.args, s)
			}
			keys[key] = append(keys[key], use)
			return true
		})
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || inCall[lit] {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			if ercms.IsKey(s) && (strings.HasPrefix(s, "err.") || strings.HasPrefix(s, "field.") || strings.HasPrefix(s, "note.")) {
				keys[s] = append(keys[s], keyUse{where: fset.Position(lit.Pos()).String()})
			}
			return true
		})
	}
	return keys
}

// sampleArg is a value of the kind the domain passes for an argument name.
func sampleArg(name string) any {
	if name == "received" || i18n.IsDateArg(name) {
		return civil.Date{Year: 2026, Month: 3, Day: 2}
	}
	switch name {
	case "max", "days", "granted":
		return 12345
	case i18n.CountArg:
		return sampleCount
	case "clock":
		return ercms.ClockTransferWindow
	case "mode":
		return "video"
	case "finding":
		return "not_found"
	case "task_kind":
		return ercms.TaskVerification
	case "withdraw_reason":
		return "absconded"
	case "flag":
		return ercms.FlagMinor
	case "flags":
		return []string{"minor", "medical"}
	case "findings":
		return []string{"confirmed", "not_found"}
	case "kinds":
		return ercms.MessageKinds
	case "choices":
		return []string{"AZ-BAK-GYD", "AZ-AST"}
	case "state":
		return string(ercms.StateSubmitted)
	case "type":
		return string(ercms.TypeTransit)
	case "task_status":
		return ercms.TaskAnswered
	case "action":
		return ercms.ActRefuse
	}
	return "x-" + name
}

// sameAsEnglish are the messages whose wording in another language may be
// the English one: the label "Date" is the same word in French.
var sameAsEnglish = map[string]bool{"field.date": true}

var leftPlaceholder = regexp.MustCompile(`\{[a-z_0-9]+\}`)

// TestErrorMessagesTranslated renders every message key the root package
// uses, with sample arguments, in every language: it fails on a key missing
// in a language, an argument a call site does not pass or passes without a
// placeholder for it, and a text in az, fr or ru that is the English one.
func TestErrorMessagesTranslated(t *testing.T) {
	keys := messageKeys(t)
	if len(keys) < 100 {
		t.Fatalf("found %d message keys in the root package: the walk misses the calls", len(keys))
	}
	checkKeysTranslated(t, keys)
}

// TestStoreMessagesTranslated does for the store (package sqldb) what
// TestErrorMessagesTranslated does for the root package: every message key
// its non-test source gives renders in every language with its arguments
// and is not English in az, fr or ru.
func TestStoreMessagesTranslated(t *testing.T) {
	keys := packageKeys(t, filepath.Join("..", "sqldb"))
	if len(keys) < 60 {
		t.Fatalf("found %d message keys in package sqldb: the walk misses the calls", len(keys))
	}
	checkKeysTranslated(t, keys)
}

// sampleCount is the count passed to plural messages: "other" in English,
// "many" in Russian.
const sampleCount = 5

// checkKeysTranslated renders each key of keys, at each place it is given,
// with sample arguments in every language, and reports a key missing in a
// language, an argument not passed or passed without a placeholder, and a
// text in az, fr or ru that is the English one. A plural message (entries
// key.one, key.other, …) is rendered with its count, whose placeholder is
// {n}.
func checkKeysTranslated(t *testing.T, keys map[string][]keyUse) {
	t.Helper()
	c := i18n.Default()
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		plural := !c.Has(i18n.EN, key) && c.Has(i18n.EN, key+".other")
		for _, use := range keys[key] {
			args := map[string]any{}
			for _, a := range use.args {
				args[a] = sampleArg(a)
			}
			if plural && !slices.Contains(use.args, i18n.CountArg) {
				t.Errorf("%s: the plural message %s is given without its %s", use.where, key, i18n.CountArg)
			}
			english := c.Message(i18n.EN, key, args) // az comes before en in Languages
			for _, l := range i18n.Languages {
				entry := key
				if plural {
					entry = key + "." + i18n.PluralForm(l, sampleCount)
				}
				if !c.Has(l, entry) {
					t.Errorf("%s: key %s is missing in %s", use.where, entry, l)
					continue
				}
				got := c.Message(l, key, args)
				if m := leftPlaceholder.FindString(got); m != "" {
					t.Errorf("%s: %s in %s needs the argument %s, not passed: %q", use.where, key, l, m, got)
				}
				if l == i18n.EN {
					for _, a := range use.args {
						if a == i18n.CountArg && plural {
							a = "n"
						}
						if !strings.Contains(c.T(l, entry), "{"+a+"}") {
							t.Errorf("%s: %s takes no argument %q: %q", use.where, key, a, c.T(l, entry))
						}
					}
				} else if got == english && !sameAsEnglish[key] {
					t.Errorf("%s: %s in %s is the English text %q", use.where, key, l, got)
				}
			}
		}
	}
}

// TestMessageReason pins the message that wraps another: the argument
// "reason" is written as the text of the key it holds, filled from the
// other arguments, in the reader's language.
func TestMessageReason(t *testing.T) {
	c := i18n.Default()
	args := map[string]any{"position": 2, "case_id": "c-1", i18n.ReasonArg: "err.case_already", "state": string(ercms.StateSubmitted)}
	for _, l := range i18n.Languages {
		inner := c.Message(l, "err.case_already", map[string]any{"state": string(ercms.StateSubmitted)})
		got := c.Message(l, "err.transfer.case_in_list", args)
		if !strings.Contains(got, inner) || !strings.Contains(got, "c-1") || strings.Contains(got, "err.") {
			t.Errorf("%s: %q does not hold the case and its reason %q", l, got, inner)
		}
	}
	if got := c.Message(i18n.EN, "err.transfer.case_in_list", map[string]any{"position": 1, "case_id": "c-2", i18n.ReasonArg: "As written."}); got != "Case 1 of the list (c-2): As written." {
		t.Errorf("a reason that is no key: %q", got)
	}
}

// TestMessageRoleWords pins that the arguments role and org_kind are written
// as the words of their codes in the reader's language.
func TestMessageRoleWords(t *testing.T) {
	c := i18n.Default()
	for _, l := range i18n.Languages {
		got := c.Message(l, "field.user.role.not_for_kind", map[string]any{"org_kind": "central_authority", "role": "admin"})
		if !strings.Contains(got, c.T(l, "orgkind.central_authority")) || !strings.Contains(got, c.T(l, "role.admin")) || strings.Contains(got, "central_authority") {
			t.Errorf("%s: %q does not word the kind and the role", l, got)
		}
	}
}

// TestNoteMessagesTranslated checks the notes of the timeline and of the
// safeguard flags that the root package and the store give (NewNote, and
// NoteKey literals): each renders in every language with its arguments and
// is not English in az, fr or ru; and every note of the catalogue is one
// that the code gives, so that no note is left behind when its producer
// changes.
func TestNoteMessagesTranslated(t *testing.T) {
	notes := map[string][]keyUse{}
	for _, dir := range []string{"..", filepath.Join("..", "sqldb")} {
		for key, uses := range packageKeys(t, dir) {
			if strings.HasPrefix(key, "note.") {
				notes[key] = append(notes[key], uses...)
			}
		}
	}
	if len(notes) < 50 {
		t.Fatalf("found %d note keys in the root package and the store: the walk misses the notes", len(notes))
	}
	checkKeysTranslated(t, notes)
	c := i18n.Default()
	for _, k := range c.Keys() {
		if !strings.HasPrefix(k, "note.") {
			continue
		}
		base := k // a plural entry belongs to its message
		if i := strings.LastIndexByte(k, '.'); slices.Contains([]string{"one", "few", "many", "other"}, k[i+1:]) {
			base = k[:i]
		}
		if _, ok := notes[base]; !ok {
			t.Errorf("the note %s of the catalogue is given nowhere in the root package or the store", k)
		}
	}
}

// TestMessageDateAndCount pins how a note read back from stored JSON is
// worded: a date argument (IsDateArg) holding ISO text is written as a date
// in the reader's language, like a civil.Date; another argument holding the
// same text stays as written; the argument count, as an int or as the
// float64 of JSON, chooses the plural form.
func TestMessageDateAndCount(t *testing.T) {
	c := i18n.Default()
	d := civil.Date{Year: 2026, Month: 12, Day: 20}
	for _, l := range i18n.Languages {
		want := c.Message(l, "note.taken_back", map[string]any{"date": d})
		if got := c.Message(l, "note.taken_back", map[string]any{"date": "2026-12-20"}); got != want || !strings.Contains(got, i18n.FormatDate(l, d)) {
			t.Errorf("%s: ISO date text gives %q, the date %q", l, got, want)
		}
		if got := c.FormatArg(l, "reference", "2026-12-20"); got != "2026-12-20" {
			t.Errorf("%s: an argument that is no date is written %q", l, got)
		}
		for _, n := range []int{1, 2, 5, 21} {
			want := c.Plural(l, "note.verification_tasks_sent", n)
			for _, v := range []any{n, float64(n)} {
				got := c.Message(l, "note.verification_tasks_sent", map[string]any{i18n.CountArg: v})
				if got != want || strings.HasPrefix(got, "[") {
					t.Errorf("%s: count %v (%T) gives %q, want %q", l, v, v, got, want)
				}
			}
		}
	}
	if one, five := c.Message(i18n.RU, "note.verification_tasks_sent", map[string]any{"count": 1}), c.Message(i18n.RU, "note.verification_tasks_sent", map[string]any{"count": 5}); one == strings.Replace(five, "5", "1", 1) {
		t.Errorf("ru: one and many read alike: %q, %q", one, five)
	}
}
