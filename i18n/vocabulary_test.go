package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// vocabulary returns every key the domain vocabulary needs, from the lists
// and constants of the root package, each with where it came from.
func vocabulary(t *testing.T) map[string]string {
	keys := map[string]string{}
	add := func(key, from string) {
		if _, ok := keys[key]; !ok {
			keys[key] = from
		}
	}
	for _, s := range ercms.ReadmissionStates {
		add("state."+string(s), "ercms.ReadmissionStates")
	}
	for _, s := range ercms.TransitStates {
		add("state."+string(s), "ercms.TransitStates")
	}
	for _, tr := range ercms.Lifecycle {
		add("action."+tr.Action, "ercms.Lifecycle")
	}
	add("action."+ercms.ActCreate, "ercms.ActCreate")
	for _, r := range ercms.Roles {
		add("role."+string(r), "ercms.Roles")
	}
	add("role."+string(ercms.RoleSystem), "ercms.RoleSystem")
	for _, k := range ercms.OrgKinds {
		add("orgkind."+string(k), "ercms.OrgKinds")
	}
	for _, c := range []ercms.Category{ercms.CategoryOwnNational, ercms.CategoryThirdCountryNational, ercms.CategoryStateless} {
		add("category."+string(c), "ercms.Category constants")
	}
	for _, p := range []ercms.Procedure{ercms.ProcedureNormal, ercms.ProcedureAccelerated} {
		add("procedure."+string(p), "ercms.Procedure constants")
	}
	for _, c := range []ercms.CaseType{ercms.TypeReadmission, ercms.TypeTransit} {
		add("type."+string(c), "ercms.CaseType constants")
	}
	for _, k := range []string{ercms.ClockReply, ercms.ClockReplyAccelerated, ercms.ClockVerificationTask, ercms.ClockInterview,
		ercms.ClockInterviewNoMission, ercms.ClockTravelDocument, ercms.ClockTransferWindow, ercms.ClockTakeBack,
		ercms.ClockCloseAfterHandover, ercms.ClockTransitReply} {
		add("clock."+k, "ercms.Clock* constants")
	}
	for _, s := range []ercms.DeadlineStatus{ercms.DeadlineRunning, ercms.DeadlineMet, ercms.DeadlineMissed, ercms.DeadlineStopped} {
		add("deadline_status."+string(s), "ercms.DeadlineStatus constants")
	}
	for _, e := range ercms.EvidenceCatalogue {
		add("evidence."+e.Code, "ercms.EvidenceCatalogue")
		add("strength."+string(e.Strength), "ercms.EvidenceCatalogue")
	}
	for _, s := range []ercms.Strength{ercms.StrengthProof, ercms.StrengthPrimaFacie} {
		add("strength."+string(s), "ercms.Strength constants")
	}
	lists := []struct {
		family string
		codes  []string
		from   string
	}{
		{"refusal.", ercms.DefaultRefusals, "ercms.DefaultRefusals"},
		{"withdraw.", ercms.WithdrawReasons, "ercms.WithdrawReasons"},
		{"finding.", ercms.TaskFindings, "ercms.TaskFindings"},
		{"mode.", ercms.InterviewModes, "ercms.InterviewModes"},
		{"transit_ground.", ercms.TransitGrounds, "ercms.TransitGrounds"},
		{"flag.", ercms.SafeguardFlags, "ercms.SafeguardFlags"},
		{"task.", []string{ercms.TaskVerification, ercms.TaskInterview, ercms.TaskTravelDocument}, "ercms.Task kinds"},
		{"task_status.", []string{ercms.TaskOpen, ercms.TaskAnswered, ercms.TaskCancelled}, "ercms.Task statuses"},
		{"state_family.", i18n.StateFamilies, "i18n.StateFamilies"},
	}
	for _, l := range lists {
		for _, c := range l.codes {
			add(l.family+c, l.from)
		}
	}
	for k, from := range constantKeys(t) {
		add(k, from)
	}
	return keys
}

// constantKeys reads the constants of the root package's source, so that a
// constant added there without a list entry is caught too.
func constantKeys(t *testing.T) map[string]string {
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no source files of the root package: %v", err)
	}
	byType := map[string]string{
		"State": "state.", "Role": "role.", "OrgKind": "orgkind.", "Category": "category.", "Procedure": "procedure.",
		"CaseType": "type.", "DeadlineStatus": "deadline_status.", "Strength": "strength.",
	}
	byPrefix := []struct{ prefix, family string }{
		{"Act", "action."}, {"Clock", "clock."}, {"Flag", "flag."}, {"Task", "task."},
	}
	taskStatuses := []string{"TaskOpen", "TaskAnswered", "TaskCancelled"}
	keys := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !name.IsExported() || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					value, _ := strconv.Unquote(lit.Value)
					family := ""
					if id, ok := vs.Type.(*ast.Ident); ok {
						family = byType[id.Name]
					} else if vs.Type == nil {
						for _, p := range byPrefix {
							if strings.HasPrefix(name.Name, p.prefix) {
								family = p.family
							}
						}
						if slices.Contains(taskStatuses, name.Name) {
							family = "task_status."
						}
					}
					if family == "" {
						continue
					}
					if family == "role." && value == "" {
						continue
					}
					keys[family+value] = "const " + name.Name + " (" + filepath.Base(f) + ")"
				}
			}
		}
	}
	return keys
}

// TestDomainVocabulary walks the domain lists and constants and requires
// each one's key, non-empty, in every language.
func TestDomainVocabulary(t *testing.T) {
	c := i18n.Default()
	keys := vocabulary(t)
	if len(keys) < 150 {
		t.Fatalf("only %d vocabulary keys found: the walk is broken", len(keys))
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		for _, l := range i18n.Languages {
			if !c.Has(l, k) || strings.TrimSpace(c.T(l, k)) == "" {
				t.Errorf("key %q (from %s) is missing in %s (i18n/messages/%s.json)", k, keys[k], l, l)
			}
		}
	}
}

// TestStateFamilies requires an explicit family for every state.
func TestStateFamilies(t *testing.T) {
	c := i18n.Default()
	for _, f := range i18n.StateFamilies {
		for _, l := range i18n.Languages {
			if !c.Has(l, "state_family."+f) {
				t.Errorf("state_family.%s missing in %s", f, l)
			}
		}
	}
	states := slices.Concat(ercms.ReadmissionStates, ercms.TransitStates)
	for k := range constantKeys(t) {
		if s, ok := strings.CutPrefix(k, "state."); ok {
			states = append(states, ercms.State(s))
		}
	}
	for _, s := range states {
		f, ok := i18n.KnownStateFamily(string(s))
		if !ok {
			t.Errorf("state %q has no family in StateFamily", s)
			continue
		}
		if !slices.Contains(i18n.StateFamilies, f) || i18n.StateFamily(string(s)) != f {
			t.Errorf("StateFamily(%q) = %q, not one of %v", s, i18n.StateFamily(string(s)), i18n.StateFamilies)
		}
	}
	for _, tc := range []struct{ state, family string }{
		{"draft", "new"}, {"submitted", "new"}, {"registered", "in_progress"}, {"pending_sign_off", "in_progress"},
		{"approved", "positive"}, {"deemed_approved", "positive"}, {"travel_document_issued", "positive"},
		{"transferred", "positive"}, {"transit_approved", "positive"}, {"transit_executed", "positive"},
		{"refused", "negative"}, {"expired", "negative"}, {"withdrawn", "negative"}, {"transit_refused", "negative"},
		{"transit_revoked", "negative"}, {"taken_back", "negative"}, {"closed", "closed"}, {"no_such_state", "in_progress"},
	} {
		if got := i18n.StateFamily(tc.state); got != tc.family {
			t.Errorf("StateFamily(%q) = %q, want %q", tc.state, got, tc.family)
		}
	}
}
