package deadline

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/ercms/ercms/i18n"
)

// Figure is one figure of a profile whose origin can be checked against the
// agreement text: a rule of the profile, a rule of a member state's
// implementing protocol, or one of the procedure's figures (the longest
// extension of the reply, the validity of the travel document).
type Figure struct {
	// Path names the figure by its JSON path in the profile:
	// rules.reply, overrides.AT.rules.transfer_notice, extension_max.
	Path    string
	Source  string     // where the figure comes from, as the profile's author wrote it
	Sources i18n.Texts // Source in the languages of the user interface
	// Verify says that no one has yet checked the figure against the
	// agreement text.
	Verify  bool
	Binding bool // a legal deadline (false: a target time)
}

// SourceIn says where the figure comes from in the reader's language l.
func (f Figure) SourceIn(l i18n.Lang) string { return f.Sources.Or(l, f.Source) }

// OwnSourcePrefix starts the source of a figure that is eRCMS's own (an
// internal target or a step of the case lifecycle), not a figure of an
// agreement or arrangement: such a figure has no text to be checked against.
const OwnSourcePrefix = "eRCMS "

// Own reports whether the figure is eRCMS's own (its source starts with
// OwnSourcePrefix) rather than taken from an agreement, protocol or
// arrangement.
func (f Figure) Own() bool { return strings.HasPrefix(f.Source, OwnSourcePrefix) }

// articlePattern finds the citation of an article ("Art. 11(2)", "Article 8").
var articlePattern = regexp.MustCompile(`\bArt(?:icle|\.)\s*\d+`)

// CitesArticle reports whether the figure's source names the article of the
// text it was checked against: in a shipped profile, that is how a figure
// without Verify records its check (checks recorded later by an
// administrator live in the database).
func (f Figure) CitesArticle() bool { return articlePattern.MatchString(f.Source) }

// Figures lists the profile's figures: the procedure's two figures, the
// rules by kind, then the member states' protocol rules by state and kind.
func (p *Profile) Figures() []Figure {
	// The procedure's figures bind as the rules they belong to do.
	out := []Figure{
		{Path: "extension_max", Source: p.ExtensionMaxSource, Verify: p.ExtensionMaxVerify, Binding: p.Rules["reply"].Binding},
		{Path: "travel_document_validity", Source: p.TravelDocumentValiditySource, Verify: p.TravelDocumentValidityVerify,
			Binding: p.Rules["travel_document_validity"].Binding},
	}
	rule := func(path string, s Setting) Figure {
		return Figure{Path: path, Source: s.Source, Sources: s.Sources, Verify: s.Verify, Binding: s.Binding}
	}
	for _, k := range p.Kinds() {
		out = append(out, rule(join("rules", k), p.Rules[k]))
	}
	for _, state := range slices.Sorted(maps.Keys(p.Overrides)) {
		rules := p.Overrides[state].Rules
		for _, k := range slices.Sorted(maps.Keys(rules)) {
			out = append(out, rule(join(join(join("overrides", state), "rules"), k), rules[k]))
		}
	}
	return out
}

// Figure returns the figure at path (see Figure.Path) and whether the
// profile has one there.
func (p *Profile) Figure(path string) (Figure, bool) {
	for _, f := range p.Figures() {
		if f.Path == path {
			return f, true
		}
	}
	return Figure{}, false
}

// FigurePath names the figure that rules kind for memberState: the member
// state's protocol rule where its protocol has one, else the profile's.
func (p *Profile) FigurePath(kind, memberState string) string {
	if _, ok := p.Overrides[memberState].Rules[kind]; ok && memberState != "" {
		return join(join(join("overrides", memberState), "rules"), kind)
	}
	return join("rules", kind)
}
