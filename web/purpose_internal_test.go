package web

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

var (
	// purposeField is a purpose written into an audit event or a change:
	// the expression after "purpose:" or "Purpose:".
	purposeField = regexp.MustCompile(`\b[pP]urpose:\s*([^,}\n]+)`)
	// actionField is an audit event's action: its purpose when it names none.
	actionField = regexp.MustCompile(`\baction:\s*"([^"]+)"`)
)

// sourceFiles returns the Go source (tests left out) of the module.
func sourceFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWordsAuditPurposes reads every purpose the code writes into the
// audit trail (grep "purpose:" and "Purpose:") and requires words for it
// in the four languages, so that the trail, the register, the person
// report and their CSV files never show an English phrase or a code. A
// purpose written from an expression this test does not know fails it:
// name the expression's vocabulary below.
func TestWordsAuditPurposes(t *testing.T) {
	var actions []string
	for _, ty := range []ercms.CaseType{ercms.TypeReadmission, ercms.TypeTransit} {
		actions = append(actions, ercms.Actions(ty)...)
	}
	attach := ercms.AttachmentPurposes
	phrases := ercms.PurposePhrases()
	// vocabulary names, for each expression a purpose is written from,
	// the purposes it may hold.
	vocabulary := map[string][]string{
		"action":            actions, // ercms.Transition: the lifecycle action
		"t.Purpose":         attach,  // an attachment
		"n.Purpose":         attach,  // a new attachment
		"purpose":           attach,  // web/upload.go
		"ercms.AttachPhoto": attach,  // demo
		"msg.Kind":          ercms.MessageKinds,
		"kind":              documentKinds, // a document downloaded
		"ch.Purpose":        nil,           // the change's own, checked where it is written
	}
	checked := map[string]string{} // purpose → where it is written
	for path, src := range sourceFiles(t) {
		var code []string
		for _, line := range strings.Split(src, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "//") {
				code = append(code, line)
			}
		}
		src = strings.Join(code, "\n")
		for _, m := range purposeField.FindAllStringSubmatch(src, -1) {
			expr := strings.TrimSpace(m[1])
			switch {
			case strings.HasPrefix(expr, `"`):
				checked[strings.Trim(expr, `"`)] = path
			case strings.HasPrefix(expr, "ercms.Purpose") || strings.HasPrefix(expr, "Purpose"):
				// a phrase of purpose.go, all checked below
			default:
				vals, ok := vocabulary[expr]
				if !ok {
					t.Errorf("%s writes a purpose from %q, which this test does not know: name its vocabulary", path, expr)
				}
				for _, v := range vals {
					checked[v] = path + " (" + expr + ")"
				}
			}
		}
		// An event that names no purpose has its action as purpose.
		for _, m := range actionField.FindAllStringSubmatch(src, -1) {
			checked[m[1]] = path + " (action)"
		}
	}
	for _, p := range phrases {
		checked[p] = "purpose.go"
	}
	// Changes of the door that name no purpose have their action's.
	for _, a := range []string{ercms.ChangeAssign, ercms.ChangeUpdate, ercms.ChangeReplyOverdue, ercms.ChangeDeadlineRecomputed, ercms.ActScheduleInterview} {
		checked["case."+a] = "sqldb/door.go (change without purpose)"
	}
	if !slices.Contains(slices.Collect(maps.Keys(checked)), ercms.PurposeCaseHandling) || len(checked) < 60 {
		t.Fatalf("the scan found only %d purposes", len(checked))
	}
	cat := i18n.Default()
	for p, where := range checked {
		for _, l := range i18n.Languages {
			if w := purposeWords(cat, l, p); w == p || w == ercms.PurposeCode(p) || w == "" {
				t.Errorf("purpose %q (%s) has no words in %s", p, where, l)
			}
		}
	}
}
