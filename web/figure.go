package web

import (
	"context"

	"github.com/ercms/ercms"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// figureNote is what a reader is told of where a deadline's figure comes
// from: the source in the reader's language, and either the
// administrator's check against the agreement text or, when the figure
// still has to be verified, the mark that it is not yet checked.
type figureNote struct {
	Source string
	// Unchecked: the profile says the figure still has to be verified and
	// no one has recorded a check of it.
	Unchecked bool
	Check     *sqldb.ProfileCheck
	// CheckedOn is the check's date in the requested state.
	CheckedOn civil.Date
	// By names who checked the figure for this reader.
	By string
}

// CheckedBy names who checked the figure.
func (n figureNote) CheckedBy() string { return n.By }

// noteOf words figure f of a profile with its current check c (nil when
// none) for reader a: the administrator who checked it is named to the
// central authority and the administrators (who read the names of the
// deployment's staff), and called "an administrator" for everyone else.
func (u *ui) noteOf(l i18n.Lang, a ercms.Actor, f deadline.Figure, c *sqldb.ProfileCheck) figureNote {
	n := figureNote{Source: f.SourceIn(l), Unchecked: f.Verify && c == nil, Check: c}
	if c != nil {
		n.CheckedOn = civil.In(c.CheckedAt, u.s.db.Location())
		switch {
		case !a.IsCA() && a.Role != ercms.RoleAdmin:
			n.By = u.cat.T(l, "figure.by_admin")
		case c.CheckedByName != "":
			n.By = c.CheckedByName
		default:
			n.By = c.CheckedBy
		}
	}
	return n
}

// figureNotes returns, by rule kind, the notes for reader a on the figures
// that rule kinds for memberState under version of profile id. Kinds the version
// does not know get no note; a profile version that is gone gives none.
func (u *ui) figureNotes(ctx context.Context, l i18n.Lang, a ercms.Actor, id string, version int, memberState string, kinds []string) (map[string]figureNote, error) {
	var p *deadline.Profile
	for _, v := range u.s.db.Rules().Versions(id) {
		if v.Version == version {
			p = v
		}
	}
	out := map[string]figureNote{}
	if p == nil {
		return out, nil
	}
	checks, err := u.s.db.ProfileChecks(ctx, id, version)
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		path := p.FigurePath(k, memberState)
		f, ok := p.Figure(path)
		if !ok {
			continue
		}
		var c *sqldb.ProfileCheck
		if ch, ok := checks[path]; ok {
			c = &ch
		}
		out[k] = u.noteOf(l, a, f, c)
	}
	return out, nil
}
