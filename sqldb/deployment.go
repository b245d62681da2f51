package sqldb

import (
	"slices"
	"time"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
)

// Today returns the requested state's civil date now: the date on which
// permissions that depend on the date (border officers) are judged.
func (s *DB) Today() civil.Date { return s.actorToday() }

// ProfileFor returns the agreement profile in force for cases of a
// requesting state in this deployment; with memberState "" the deployment's
// first agreement (the oldest in force, see Profiles).
func (s *DB) ProfileFor(memberState string) (*deadline.Profile, error) {
	if memberState != "" {
		return s.profileFor(memberState)
	}
	if ps := s.Profiles(); len(ps) > 0 {
		return ps[0], nil
	}
	return s.profileFor(memberState)
}

// Profiles returns the agreement profiles of the deployment's requested
// state in force today (one deployment may serve several agreements: the
// EU's and bilateral ones), the oldest agreement first.
func (s *DB) Profiles() []*deadline.Profile {
	rules := s.Rules()
	var out []*deadline.Profile
	for _, id := range rules.ProfileIDs() {
		if p := s.ProfileVersionToday(id); p != nil && p.RequestedState == s.country {
			out = append(out, p)
		}
	}
	first := func(p *deadline.Profile) civil.Date { return rules.Versions(p.ID)[0].EffectiveFrom }
	slices.SortStableFunc(out, func(a, b *deadline.Profile) int { return first(a).Compare(first(b)) })
	return out
}

// PartnerStates returns the requesting states of every agreement of the
// deployment, in the order of Profiles and of each profile's list.
func (s *DB) PartnerStates() []string {
	var out []string
	for _, p := range s.Profiles() {
		for _, st := range p.PartnerStates {
			if !slices.Contains(out, st) {
				out = append(out, st)
			}
		}
	}
	return out
}

// Location returns the time zone of the deployment's requested state.
func (s *DB) Location() *time.Location { return s.loc }
