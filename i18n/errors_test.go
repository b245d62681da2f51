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
var keyAt = map[string]int{"Fail": 1, "FieldError": 1, "Add": 1, "Require": 2, "invalid": 1, "badBody": 2, "badQuery": 1, "add": 1, "problem": 1}

// messageKeys walks the source of the root package and returns every
// message key it gives: the key arguments of Fail, FieldError,
// Validation.Add and Require (and Attach's invalid helper) with the names
// of their arguments, and any other string literal that is a key of the
// err. and field. families (Error literals), without arguments.
func messageKeys(t *testing.T) map[string][]keyUse {
	return packageKeys(t, "..")
}

// packageKeys walks the non-test Go source in dir (relative to this
// package) as messageKeys walks the root package: the key arguments of
// ercms.Fail, ercms.FieldError, Validation.Add and Require with the names of
// their arguments, and the err. and field. literals of Error literals.
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
			if ercms.IsKey(s) && (strings.HasPrefix(s, "err.") || strings.HasPrefix(s, "field.")) {
				keys[s] = append(keys[s], keyUse{where: fset.Position(lit.Pos()).String()})
			}
			return true
		})
	}
	return keys
}

// sampleArg is a value of the kind the domain passes for an argument name.
func sampleArg(name string) any {
	switch name {
	case "date", "received":
		return civil.Date{Year: 2026, Month: 3, Day: 2}
	case "max", "days", "granted":
		return 12345
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

// checkKeysTranslated renders each key of keys, at each place it is given,
// with sample arguments in every language, and reports a key missing in a
// language, an argument not passed or passed without a placeholder, and a
// text in az, fr or ru that is the English one.
func checkKeysTranslated(t *testing.T, keys map[string][]keyUse) {
	t.Helper()
	c := i18n.Default()
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		for _, use := range keys[key] {
			args := map[string]any{}
			for _, a := range use.args {
				args[a] = sampleArg(a)
			}
			var english string
			for _, l := range i18n.Languages {
				if !c.Has(l, key) {
					t.Errorf("%s: key %s is missing in %s", use.where, key, l)
					continue
				}
				got := c.Message(l, key, args)
				if m := leftPlaceholder.FindString(got); m != "" {
					t.Errorf("%s: %s in %s needs the argument %s, not passed: %q", use.where, key, l, m, got)
				}
				if l == i18n.EN {
					english = got
					for _, a := range use.args {
						if !strings.Contains(c.T(l, key), "{"+a+"}") {
							t.Errorf("%s: %s takes no argument %q: %q", use.where, key, a, c.T(l, key))
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
