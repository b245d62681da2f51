package sqldb

import (
	"time"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
)

// Today returns the requested state's civil date now: the date on which
// permissions that depend on the date (border officers) are judged.
func (s *DB) Today() civil.Date { return s.actorToday() }

// ProfileFor returns the agreement profile in force for cases of a member
// state in this deployment; with memberState "" the first profile of the
// deployment's requested state.
func (s *DB) ProfileFor(memberState string) (*deadline.Profile, error) {
	if memberState != "" {
		return s.profileFor(memberState)
	}
	rules := s.Rules()
	for _, id := range rules.ProfileIDs() {
		if p := s.ProfileVersionToday(id); p != nil && p.RequestedState == s.country {
			return p, nil
		}
	}
	return s.profileFor(memberState)
}

// Location returns the time zone of the deployment's requested state.
func (s *DB) Location() *time.Location { return s.loc }
