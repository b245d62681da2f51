package deadline

import (
	"io/fs"
	"path"
	"strings"
	"testing"
)

// uncheckedFigures returns the paths of the treaty figures of p that carry
// neither verify nor a recorded check, and of eRCMS's own figures that claim
// to be binding. A figure is eRCMS's own when its source starts with
// "eRCMS " (an internal target or a lifecycle step: nothing to check it
// against, and it cannot be a legal deadline). Every other figure comes from
// an agreement, protocol or arrangement and counts as checked only when it
// has no verify and its source cites the article it was checked against
// ("Art. 11(2)", "Article 8"); otherwise it must carry verify.
func uncheckedFigures(p *Profile) []string {
	var out []string
	for _, f := range p.Figures() {
		switch {
		case f.Own() && f.Binding:
			out = append(out, f.Path+" (eRCMS's own figure marked binding)")
		case !f.Own() && !f.Verify && !f.CitesArticle():
			out = append(out, f.Path)
		}
	}
	return out
}

// TestShippedFiguresChecked reads every shipped profile and fails on a treaty
// figure with neither verify nor a recorded check.
func TestShippedFiguresChecked(t *testing.T) {
	files, err := fs.Glob(dataFS, "data/profiles/*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("shipped profiles: %v %v", files, err)
	}
	for _, name := range files {
		p, err := ParseProfile(embeddedProfile(t, path.Base(name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bad := uncheckedFigures(p); len(bad) > 0 {
			t.Errorf("%s: figures not checked against the text and without verify: %s", name, strings.Join(bad, ", "))
		}
	}
}

// TestUncheckedFiguresFound shows the check above can fail: a treaty figure
// losing its verify is found, an article cited counts as a check, and an
// own figure needs none.
func TestUncheckedFiguresFound(t *testing.T) {
	p, err := ParseProfile(embeddedProfile(t, "eu-az.json"))
	if err != nil {
		t.Fatal(err)
	}
	set := func(path string, edit func(*Setting)) {
		if kind, ok := strings.CutPrefix(path, "rules."); ok {
			s := p.Rules[kind]
			edit(&s)
			p.Rules[kind] = s
			return
		}
		o := p.Overrides["AT"]
		kind := strings.TrimPrefix(path, "overrides.AT.rules.")
		s := o.Rules[kind]
		edit(&s)
		o.Rules[kind] = s
	}
	set("rules.transit_reply", func(s *Setting) { s.Verify = false })
	set("overrides.AT.rules.transfer_notice", func(s *Setting) { s.Verify = false })
	p.ExtensionMaxVerify = false
	set("rules.reply", func(s *Setting) {
		s.Verify = false
		s.Source = "EU–AZ Agreement, Art. 11(2), OJ L 128, 30.4.2014; checked against the official text"
	})
	set("rules.verification_task", func(s *Setting) { s.Verify = false })
	got := strings.Join(uncheckedFigures(p), ", ")
	want := "extension_max, rules.transit_reply, overrides.AT.rules.transfer_notice"
	if got != want {
		t.Errorf("unchecked = %q, want %q", got, want)
	}
	set("rules.close_after_handover", func(s *Setting) { s.Binding = true })
	if got := strings.Join(uncheckedFigures(p), ", "); !strings.Contains(got, "rules.close_after_handover (eRCMS's own figure marked binding)") {
		t.Errorf("an own figure marked binding is not found: %v", got)
	}
}

func TestFigurePath(t *testing.T) {
	p, err := ParseProfile(embeddedProfile(t, "eu-az.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ kind, state, want string }{
		{"transfer_notice", "AT", "overrides.AT.rules.transfer_notice"},
		{"transfer_notice", "DE", "rules.transfer_notice"},
		{"reply", "AT", "rules.reply"},
		{"reply", "", "rules.reply"},
	} {
		if got := p.FigurePath(c.kind, c.state); got != c.want {
			t.Errorf("FigurePath(%s, %s) = %s, want %s", c.kind, c.state, got, c.want)
		}
		if _, ok := p.Figure(c.want); !ok {
			t.Errorf("Figure(%s) not found", c.want)
		}
	}
	if _, ok := p.Figure("rules.nothing"); ok {
		t.Error("Figure(rules.nothing) found")
	}
}
