package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/deadline"
)

// loadProfiles seeds the agreement profiles from the defaults (every version
// of each profile the database does not hold yet: a release that ships a new
// agreement brings it in, and the profiles administrators have edited stay as
// they are) and then takes them from the database. It runs after
// loadCalendars, whose calendars the profiles are checked against.
func (s *DB) loadProfiles(ctx context.Context, defaults *deadline.Set) error {
	stored, err := s.storedProfiles(ctx)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, p := range stored {
		have[p.ID] = true
	}
	var missing []*deadline.Profile
	for _, id := range defaults.ProfileIDs() {
		if !have[id] {
			missing = append(missing, defaults.Versions(id)...)
		}
	}
	if len(missing) > 0 {
		err := s.tx(ctx, func(tx *Tx) error {
			for _, p := range missing {
				if err := tx.putProfile(ctx, p, "system"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("sqldb: seed agreement profiles: %w", err)
		}
		stored = append(stored, missing...)
	}
	set, err := deadline.NewSet(stored, s.Rules().Calendars())
	if err != nil {
		return fmt.Errorf("sqldb: agreement profiles in the database: %w", err)
	}
	s.rules.Store(set)
	return nil
}

// putProfile inserts one profile version.
func (tx *Tx) putProfile(ctx context.Context, p *deadline.Profile, by string) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO agreement_profiles (id, version, effective_from, data, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
		p.ID, p.Version, p.EffectiveFrom.String(), string(b), formatTime(tx.now), by)
	return err
}

// storedProfiles reads every stored profile version, validating each.
func (s *DB) storedProfiles(ctx context.Context) ([]*deadline.Profile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, version, data FROM agreement_profiles ORDER BY id, version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*deadline.Profile
	for rows.Next() {
		var id, data string
		var version int
		if err := rows.Scan(&id, &version, &data); err != nil {
			return nil, err
		}
		p, err := deadline.ParseProfile([]byte(data))
		if err != nil {
			return nil, fmt.Errorf("sqldb: stored profile %s v%d: %w", id, version, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddProfileVersion adds p as the next version of an existing agreement
// profile (its Version is set here) and returns the version stored. The
// version applies to applications received from p.EffectiveFrom on, which
// must be after today in the requested state: a case keeps the version in
// force on its date of receipt, so no case changes version. The requested
// state and its time zone are those of the profile. The version is validated
// alone and with the others (a later effective date than every earlier
// version, calendar data for every state a rule counts on): problems come
// back as one EInvalid *ercms.Error whose Fields are keyed by the profile's
// JSON paths ("rules.reply.count"). The change is audited in the same
// transaction. Administrators only.
func (s *DB) AddProfileVersion(ctx context.Context, a ercms.Actor, p deadline.Profile) (*deadline.Profile, error) {
	if a.Role != ercms.RoleAdmin && a.Role != ercms.RoleSystem {
		return nil, ercms.Fail(ercms.EForbidden, "err.profile.admin_only")
	}
	// Calendar edits and profile edits each build the next set on the one
	// stored before them (see SetCalendarYear).
	s.calMu.Lock()
	defer s.calMu.Unlock()
	cur := s.Rules()
	latest, err := cur.Latest(p.ID)
	if err != nil {
		return nil, ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", p.ID)
	}
	p.Version = latest.Version + 1
	v := ercms.Validation{}
	if p.RequestedState != latest.RequestedState {
		v.Add("requested_state", "field.profile.requested_state.fixed", "profile", p.ID, "member_state", latest.RequestedState)
	}
	if p.TimeZone != latest.TimeZone {
		v.Add("time_zone", "field.profile.time_zone.fixed", "profile", p.ID, "time_zone", latest.TimeZone)
	}
	if today := latest.ReceivedOn(s.Now()); !p.EffectiveFrom.IsZero() && !p.EffectiveFrom.After(today) {
		v.Add("effective_from", "field.profile.effective_from.future", "date", today)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	q, err := deadline.ParseProfile(b)
	if err != nil {
		return nil, profileInvalid(err, "")
	}
	var all []*deadline.Profile
	for _, id := range cur.ProfileIDs() {
		all = append(all, cur.Versions(id)...)
	}
	set, err := deadline.NewSet(append(all, q), cur.Calendars())
	if err != nil {
		return nil, profileInvalid(err, fmt.Sprintf("profile %s v%d", q.ID, q.Version))
	}
	err = s.tx(ctx, func(tx *Tx) error {
		if err := tx.putProfile(ctx, q, a.Username); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "profile.version_added", objectType: "profile", objectID: fmt.Sprintf("%s-v%d", q.ID, q.Version),
			details: map[string]any{"version": q.Version, "effective_from": q.EffectiveFrom.String(), "based_on": latest.Version}})
	})
	if err != nil {
		return nil, err
	}
	s.rules.Store(set)
	added, err := set.Profile(q.ID, q.EffectiveFrom)
	if err != nil {
		return nil, err
	}
	return added, nil
}

// ProfileVersionToday returns the version of profile id in force today in
// its requested state (nil when none is yet).
func (s *DB) ProfileVersionToday(id string) *deadline.Profile {
	rules := s.Rules()
	latest, err := rules.Latest(id)
	if err != nil {
		return nil
	}
	p, err := rules.Profile(id, latest.ReceivedOn(s.Now()))
	if err != nil {
		return nil
	}
	return p
}

// profileInvalid turns the deadline package's validation error of a
// profile into err.profile.invalid; subject, when not empty, is the prefix
// NewSet puts before the paths of the new version's problems (problems of
// other versions keep their full path).
func profileInvalid(err error, subject string) error {
	return deadlineInvalid(err, "err.profile.invalid", subject, "profile")
}

// deadlineInvalid turns the deadline package's validation error into an
// EInvalid error with the message key msg and, on each field path (without
// the prefix subject; whole for a problem of the data as a whole), the
// message key and arguments of its first problem: the reader corrects it
// and is told the next. Any other error is returned as it is.
func deadlineInvalid(err error, msg, subject, whole string) error {
	var ve *deadline.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	e := &ercms.Error{Code: ercms.EInvalid, Message: msg, Fields: map[string]string{}}
	for _, f := range ve.Fields {
		path := f.Path
		if subject != "" {
			if rest, ok := strings.CutPrefix(path, subject+"."); ok {
				path = rest
			} else if path == subject {
				path = ""
			}
		}
		if path == "" {
			path = whole
		}
		if _, seen := e.Fields[path]; seen {
			continue
		}
		e.Fields[path] = f.Key
		if f.Args != nil {
			if e.FieldArgs == nil {
				e.FieldArgs = map[string]map[string]any{}
			}
			e.FieldArgs[path] = f.Args
		}
	}
	return e
}
