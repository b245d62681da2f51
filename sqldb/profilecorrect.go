package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/deadline"
)

// CorrectProfileVersion corrects the version of profile p.ID in force today
// where a figure was found wrong against the agreement text: unlike
// AddProfileVersion, the correction keeps the version's number and
// effective date (p.Version is set here; p.EffectiveFrom, the requested
// state and the time zone must stay those of the version), so every case
// under the version takes the corrected rules. The version's data is
// replaced, the data before and after are kept with the administrator's
// reason, and in the same transaction the correction is audited and the
// recomputation of every case with a running clock starts (as after an edit
// of holiday data: RecomputeBatch moves each running clock to the corrected
// rule and notes each due date that moved on the case). Errors: EForbidden
// (not an administrator), ENotFound (unknown profile, or none in force
// today), EInvalid (fields keyed by the profile's JSON paths, "reason", or
// "profile" when nothing changed).
func (s *DB) CorrectProfileVersion(ctx context.Context, a ercms.Actor, p deadline.Profile, reason string) (*deadline.Profile, Recomputation, error) {
	if a.Role != ercms.RoleAdmin {
		return nil, Recomputation{}, ercms.Fail(ercms.EForbidden, "err.profile.admin_only")
	}
	s.calMu.Lock()
	defer s.calMu.Unlock()
	cur := s.Rules()
	latest, err := cur.Latest(p.ID)
	if err != nil {
		return nil, Recomputation{}, ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", p.ID)
	}
	old, err := cur.Profile(p.ID, latest.ReceivedOn(s.Now()))
	if err != nil {
		return nil, Recomputation{}, ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", p.ID)
	}
	p.Version = old.Version
	reason = strings.TrimSpace(reason)
	v := ercms.Validation{}
	switch {
	case reason == "":
		v.Add("reason", "field.profile.correction.reason")
	case !utf8.ValidString(reason) || strings.ContainsFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		v.Add("reason", "field.check.control")
	case utf8.RuneCountInString(reason) > checkNoteMax:
		v.Add("reason", "field.check.too_long", "max", checkNoteMax)
	}
	if p.EffectiveFrom != old.EffectiveFrom {
		v.Add("effective_from", "field.profile.correction.effective_from", "date", old.EffectiveFrom)
	}
	if p.RequestedState != old.RequestedState {
		v.Add("requested_state", "field.profile.requested_state.fixed", "profile", p.ID, "member_state", old.RequestedState)
	}
	if p.TimeZone != old.TimeZone {
		v.Add("time_zone", "field.profile.time_zone.fixed", "profile", p.ID, "time_zone", old.TimeZone)
	}
	if err := v.Err(); err != nil {
		return nil, Recomputation{}, err
	}
	after, err := json.Marshal(p)
	if err != nil {
		return nil, Recomputation{}, err
	}
	q, err := deadline.ParseProfile(after)
	if err != nil {
		return nil, Recomputation{}, profileInvalid(err, "")
	}
	changed := changedFigures(old, q)
	if len(changed) == 0 && reflect.DeepEqual(mustJSON(old), mustJSON(q)) {
		return nil, Recomputation{}, ercms.FieldError("profile", "field.profile.correction.unchanged")
	}
	var all []*deadline.Profile
	for _, id := range cur.ProfileIDs() {
		for _, pv := range cur.Versions(id) {
			if pv.ID == q.ID && pv.Version == q.Version {
				pv = q
			}
			all = append(all, pv)
		}
	}
	set, err := deadline.NewSet(all, cur.Calendars())
	if err != nil {
		return nil, Recomputation{}, profileInvalid(err, fmt.Sprintf("profile %s v%d", q.ID, q.Version))
	}
	label := fmt.Sprintf("%s-v%d", q.ID, q.Version)
	var r Recomputation
	err = s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO profile_corrections (id, profile_id, version, data_before, data_after, reason, corrected_by, corrected_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, newID(), q.ID, q.Version, string(mustJSON(old)), string(after), reason, a.Username, formatTime(tx.now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agreement_profiles SET data = $1 WHERE id = $2 AND version = $3`, string(after), q.ID, q.Version); err != nil {
			return err
		}
		// A check of a figure now corrected was a check of the wrong value.
		withdrawn := []string{}
		for _, path := range changed {
			ids, err := tx.withdrawChecks(ctx, a, q.ID, q.Version, path, "corrected: "+reason)
			if err != nil {
				return err
			}
			withdrawn = append(withdrawn, ids...)
		}
		if r, err = tx.startRecomputation(ctx, a, "profile:"+label); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "profile.corrected", objectType: "profile", objectID: label,
			details: map[string]any{"version": q.Version, "reason": reason, "figures": changed, "checks_withdrawn": withdrawn, "recomputation": r.ID, "cases": r.Total}})
	})
	if err != nil {
		return nil, Recomputation{}, err
	}
	s.rules.Store(set)
	s.wakeRecomputation()
	return q, r, nil
}

// mustJSON is the stored form of a validated profile.
func mustJSON(p *deadline.Profile) []byte {
	b, _ := json.Marshal(p)
	return b
}

// changedFigures lists the paths of the figures (see deadline.Figure) whose
// value or source differ between two forms of one profile version.
func changedFigures(old, p *deadline.Profile) []string {
	value := func(q *deadline.Profile, path string) any {
		switch path {
		case "extension_max":
			return q.ExtensionMaxDays
		case "travel_document_validity":
			return q.TravelDocumentValidityDays
		}
		kind := path[strings.LastIndex(path, ".")+1:]
		if rest, ok := strings.CutPrefix(path, "overrides."); ok {
			state, _, _ := strings.Cut(rest, ".")
			return q.Overrides[state].Rules[kind]
		}
		return q.Rules[kind]
	}
	seen := map[string]bool{}
	var out []string
	for _, q := range []*deadline.Profile{old, p} {
		for _, f := range q.Figures() {
			if seen[f.Path] {
				continue
			}
			seen[f.Path] = true
			if !reflect.DeepEqual(value(old, f.Path), value(p, f.Path)) {
				out = append(out, f.Path)
			}
		}
	}
	return out
}

// FigureCorrection is an administrator's correction of one figure of the
// version in force: its new count (days for extension_max and
// travel_document_validity), for a rule its unit ("" keeps it), a new
// source where the old one no longer fits ("" keeps it; a new source
// replaces its translations, so every reader sees the corrected text), and
// the reason.
type FigureCorrection struct {
	Figure string        `json:"figure"`
	Count  *int          `json:"count"`
	Unit   deadline.Unit `json:"unit,omitempty"`
	Source string        `json:"source,omitempty"`
	Reason string        `json:"reason"`
}

// CorrectFigure corrects one figure of the version of profile id in force
// today (see CorrectProfileVersion, whose errors it returns, keyed here by
// the correction's fields: figure, count, unit, source, reason).
func (s *DB) CorrectFigure(ctx context.Context, a ercms.Actor, id string, in FigureCorrection) (*deadline.Profile, Recomputation, error) {
	if a.Role != ercms.RoleAdmin {
		return nil, Recomputation{}, ercms.Fail(ercms.EForbidden, "err.profile.admin_only")
	}
	cur := s.ProfileVersionToday(id)
	if cur == nil {
		return nil, Recomputation{}, ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", id)
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return nil, Recomputation{}, err
	}
	q, err := deadline.ParseProfile(b) // a copy to change
	if err != nil {
		return nil, Recomputation{}, err
	}
	p := *q
	in.Source = strings.TrimSpace(in.Source)
	v := ercms.Validation{}
	if _, ok := p.Figure(in.Figure); !ok {
		v.Add("figure", "field.check.figure", "profile", p.ID, "version", p.Version)
	}
	switch {
	case in.Count == nil:
		v.Add("count", "field.profile.correction.count", "max", deadline.MaxCount)
	case *in.Count < 0 || *in.Count > deadline.MaxCount:
		v.Add("count", "field.profile.correction.count", "max", deadline.MaxCount)
	}
	if in.Unit != "" && in.Unit != deadline.CalendarDays && in.Unit != deadline.WorkingDays && in.Unit != deadline.Months {
		v.Add("unit", "field.profile.correction.unit")
	}
	if strings.ContainsFunc(in.Source, unicode.IsControl) || !utf8.ValidString(in.Source) {
		v.Add("source", "field.check.control")
	} else if utf8.RuneCountInString(in.Source) > checkNoteMax {
		v.Add("source", "field.check.too_long", "max", checkNoteMax)
	}
	if strings.TrimSpace(in.Reason) == "" {
		v.Add("reason", "field.profile.correction.reason")
	}
	if err := v.Err(); err != nil {
		return nil, Recomputation{}, err
	}
	switch in.Figure {
	case "extension_max", "travel_document_validity":
		if in.Unit != "" && in.Unit != deadline.CalendarDays {
			return nil, Recomputation{}, ercms.FieldError("unit", "field.profile.correction.unit")
		}
		if in.Figure == "extension_max" {
			p.ExtensionMaxDays = *in.Count
			if in.Source != "" {
				p.ExtensionMaxSource = in.Source
			}
		} else {
			p.TravelDocumentValidityDays = *in.Count
			if in.Source != "" {
				p.TravelDocumentValiditySource = in.Source
			}
		}
	default:
		kind := in.Figure[strings.LastIndex(in.Figure, ".")+1:]
		rules := p.Rules
		if rest, ok := strings.CutPrefix(in.Figure, "overrides."); ok {
			state, _, _ := strings.Cut(rest, ".")
			rules = p.Overrides[state].Rules
		}
		st := rules[kind]
		st.Count = *in.Count
		if in.Unit != "" {
			st.Unit = in.Unit
		}
		if in.Source != "" {
			st.Source, st.Sources = in.Source, nil
		}
		rules[kind] = st
	}
	got, r, err := s.CorrectProfileVersion(ctx, a, p, in.Reason)
	var e *ercms.Error
	if err != nil && errors.As(err, &e) && e.Code == ercms.EInvalid {
		// The profile's paths of this figure become the correction's fields.
		fields := map[string]string{}
		args := map[string]map[string]any{}
		for path, key := range e.Fields {
			field := path
			switch {
			case path == in.Figure+".count" || path == in.Figure+".days" || path == "profile":
				field = "count"
			case strings.HasPrefix(path, in.Figure+"."):
				field = "unit"
			case path == "reason":
			default:
				field = "figure"
			}
			if _, ok := fields[field]; !ok {
				fields[field] = key
				if e.FieldArgs != nil {
					args[field] = e.FieldArgs[path]
				}
			}
		}
		return nil, Recomputation{}, &ercms.Error{Code: ercms.EInvalid, Message: e.Message, Fields: fields, FieldArgs: args}
	}
	return got, r, err
}
