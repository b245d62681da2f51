package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/names"
)

// today returns the requested state's civil date now under profile p.
func (s *DB) today(p *deadline.Profile) civil.Date { return p.ReceivedOn(s.Now()) }

// profileFor returns the profile version in force today of the deployment's requested state
// that covers the member state.
func (s *DB) profileFor(memberState string) (*deadline.Profile, error) {
	rules := s.Rules()
	for _, id := range rules.ProfileIDs() {
		p := s.ProfileVersionToday(id)
		if p == nil {
			var err error
			if p, err = rules.Latest(id); err != nil {
				return nil, err
			}
		}
		if p.RequestedState == s.country && slices.Contains(p.PartnerStates, memberState) {
			return p, nil
		}
	}
	return nil, ercms.Fail(ercms.EForbidden, "err.case.no_profile", "member_state", memberState)
}

// caseProfile returns the profile version a case keeps: the one in force on
// its date of receipt (or of creation, for drafts).
func (s *DB) caseProfile(c *ercms.Case) (*deadline.Profile, error) {
	on := civil.Of(c.CreatedAt)
	if c.ReceivedOn != nil {
		on = *c.ReceivedOn
	}
	return s.Rules().Profile(c.ProfileID, on)
}

// env builds what the domain needs to apply an action inside tx.
func (tx *Tx) env(ctx context.Context, p *deadline.Profile) ercms.Env {
	return ercms.Env{
		Now: tx.now, Today: p.ReceivedOn(tx.now), Profile: p, Calendars: tx.s.Rules().Calendars(),
		FourEyes: tx.s.FourEyes, NewID: newID, RefusalReasons: tx.s.RefusalCodes(), Evidence: tx.s.EvidenceCatalogue(),
		Suspensions: tx.s.suspensionsOf(p.ID),
		Org: func(id string) (ercms.Organisation, bool) {
			o, ok, err := tx.organisation(ctx, id)
			return o, ok && err == nil
		},
	}
}

// scope returns the SQL condition on cases c that limits rows to what actor a
// may see (the same rule as ercms.CanView), appending its arguments.
func scope(a ercms.Actor, today civil.Date, args *[]any) string {
	arg := func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	switch a.Role {
	case ercms.RoleSystem:
		return "1=1"
	case ercms.RoleRequestingOfficer, ercms.RoleRequestingSupervisor:
		if a.Org.Kind != ercms.OrgRequestingAuthority {
			return "1=0"
		}
		return "c.requesting_state = " + arg(a.Org.State)
	case ercms.RoleCAOfficer, ercms.RoleCASupervisor:
		if a.Org.Kind != ercms.OrgCentralAuthority {
			return "1=0"
		}
		return "c.requested_state = " + arg(a.Org.State) + " AND c.status <> 'draft'"
	case ercms.RoleAgencyOfficer:
		if a.Org.Kind != ercms.OrgAgency {
			return "1=0"
		}
		return "c.status <> 'draft' AND EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id AND t.org_id = " + arg(a.Org.ID) + ")"
	case ercms.RoleConsularOfficer:
		if a.Org.Kind != ercms.OrgConsularMission || len(a.Org.Accredited) == 0 {
			return "1=0"
		}
		in := make([]string, len(a.Org.Accredited))
		for i, st := range a.Org.Accredited {
			in[i] = arg(st)
		}
		return "c.status <> 'draft' AND c.requesting_state IN (" + strings.Join(in, ",") + ") AND EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id AND t.org_id = " + arg(a.Org.ID) + ")"
	case ercms.RoleBorderOfficer:
		if a.Org.Kind != ercms.OrgBorderPoint || a.Org.CrossingPoint == "" {
			return "1=0"
		}
		// A refused case never reaches the border; a withdrawn or expired
		// one stays listed as a stub for BorderStubDays (ercms.ViewFor),
		// so that the post knows the arrival is cancelled.
		// A case returned without a written notification reaches every post
		// of the requested state (ercms.AnyCrossingPoint) until its handover.
		return "c.status NOT IN ('draft', 'refused', 'transit_refused') AND (c.crossing_point = " + arg(a.Org.CrossingPoint) +
			" OR (c.crossing_point = '" + ercms.AnyCrossingPoint + "' AND c.requested_state = " + arg(a.Org.State) + "))" +
			" AND (c.handover_on IS NULL OR c.handover_on >= " + arg(today.AddDays(-ercms.BorderVisibleDays).String()) + ")" +
			" AND (c.status NOT IN ('withdrawn', 'expired') OR c.updated_at >= " + arg(today.AddDays(-ercms.BorderStubDays).String()) + ")"
	}
	return "1=0"
}

// actorToday is the civil date of the deployment's requested state, used
// for scopes that depend on the date (border officers).
func (s *DB) actorToday() civil.Date {
	return civil.In(s.Now(), s.loc)
}

// loadCase reads a case within a's scope (locking it for update on
// PostgreSQL); ENotFound when it does not exist or is out of scope.
func (tx *Tx) loadCase(ctx context.Context, a ercms.Actor, id string, lock bool) (*ercms.Case, error) {
	args := []any{id}
	q := `SELECT c.data, c.version, c.status FROM cases c WHERE c.id = $1 AND ` + scope(a, tx.s.actorToday(), &args)
	if lock {
		q += tx.s.forUpdate()
	}
	var data string
	var version int
	var status string
	err := tx.QueryRowContext(ctx, q, args...).Scan(&data, &version, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ercms.Fail(ercms.ENotFound, "err.no_such_case")
	}
	if err != nil {
		return nil, err
	}
	var c ercms.Case
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return nil, fmt.Errorf("sqldb: case %s: %w", id, err)
	}
	c.Version, c.Status = version, ercms.State(status)
	return &c, nil
}

// requireVersion checks that a change names the version of the case the
// caller saw (If-Match); the system's timed actions need not.
func requireVersion(a ercms.Actor, version int) error {
	if version <= 0 && a.Role != ercms.RoleSystem {
		return ercms.Fail(ercms.EPreconditionRequired, "err.case.version_required")
	}
	return nil
}

// loadForChange reads a case in a's scope for update and checks that it is
// still at the version the caller saw (0: the system, any version).
func (tx *Tx) loadForChange(ctx context.Context, a ercms.Actor, id string, version int) (*ercms.Case, error) {
	c, err := tx.loadCase(ctx, a, id, true)
	if err != nil {
		return nil, err
	}
	if version > 0 && c.Version != version {
		return nil, ercms.Fail(ercms.EPreconditionFailed, "err.case.version_changed", "version", version, "now", c.Version)
	}
	return c, nil
}

func (tx *Tx) timeline(ctx context.Context, caseID string) ([]ercms.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT at, action, from_status, to_status, actor_id, actor, org_id, note, note_key, note_args, text, codes FROM case_events WHERE case_id = $1 ORDER BY at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ercms.Event
	for rows.Next() {
		var e ercms.Event
		var at, noteArgs, codes string
		if err := rows.Scan(&at, &e.Action, &e.From, &e.To, &e.ActorID, &e.Actor, &e.OrgID, &e.Note, &e.NoteKey, &noteArgs, &e.Text, &codes); err != nil {
			return nil, err
		}
		if noteArgs != "" {
			if err := json.Unmarshal([]byte(noteArgs), &e.NoteArgs); err != nil {
				return nil, fmt.Errorf("sqldb: the note of an event of case %s: %w", caseID, err)
			}
		}
		if codes != "" {
			e.Codes = strings.Split(codes, ",")
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func dateOrNil(d *civil.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

// caseData is the JSON kept in cases.data: the case without its timeline,
// which lives in case_events.
func caseData(c *ercms.Case) (string, error) {
	timeline := c.Timeline
	c.Timeline = nil
	data, err := json.Marshal(c)
	c.Timeline = timeline
	return string(data), err
}

// caseInsertSQL inserts the row of a new case; caseInsertArgs gives its
// values. The benchmarks' bulk loader writes the same rows.
const caseInsertSQL = `INSERT INTO cases (id, reference, type, status, version, profile_id, profile_version, requested_state,
			requesting_state, requesting_org_id, requesting_reference, procedure, category, received_on, previous_case_id, assigned_to,
			crossing_point, handover_on, next_due_on, data, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`

func caseInsertArgs(c *ercms.Case, data string) []any {
	return []any{c.ID, c.Reference, c.Type, c.Status, c.Version, c.ProfileID, c.ProfileVersion, c.RequestedState,
		c.RequestingState, c.RequestingOrgID, c.RequestingReference, c.Procedure, c.Category, dateOrNil(c.ReceivedOn),
		c.PreviousCaseID, nullString(c.AssignedTo), c.CrossingPoint(), dateOrNil(c.HandoverOn()), nextDue(c), data,
		formatTime(c.CreatedAt), formatTime(c.UpdatedAt)}
}

func nextDue(c *ercms.Case) any {
	if d := c.NextDeadline(); d != nil {
		return d.DueOn.String()
	}
	return nil
}

const eventInsertSQL = `INSERT INTO case_events (id, case_id, at, action, from_status, to_status, actor_id, actor, org_id, note, note_key, note_args, text, codes)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`

// eventArgs gives the values of eventInsertSQL for event e of a case: the
// arguments of its note as a JSON object ("" for none).
func eventArgs(caseID string, e ercms.Event) ([]any, error) {
	var noteArgs string
	if len(e.NoteArgs) > 0 {
		b, err := json.Marshal(e.NoteArgs)
		if err != nil {
			return nil, fmt.Errorf("sqldb: the note %s of an event of case %s: %w", e.NoteKey, caseID, err)
		}
		noteArgs = string(b)
	}
	return []any{newID(), caseID, formatTime(e.At), e.Action, e.From, e.To, e.ActorID, e.Actor, e.OrgID, e.Note, e.NoteKey, noteArgs,
		e.Text, strings.Join(e.Codes, ",")}, nil
}

// nameTokens returns the distinct search tokens of every name of the person
// and the family, in order.
func nameTokens(c *ercms.Case) []string {
	p := c.Application.Person
	all := []string{p.Surname, p.GivenNames}
	if o := p.OriginalScript; o != nil {
		all = append(all, o.Surname, o.GivenNames)
	}
	for _, n := range p.OtherNames {
		all = append(all, n.Surname, n.GivenNames)
	}
	for _, f := range c.Application.Family {
		all = append(all, f.Surname, f.GivenNames)
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range all {
		for _, tok := range names.Tokens(s) {
			if tok == "" || seen[tok] {
				continue
			}
			seen[tok] = true
			out = append(out, tok)
		}
	}
	return out
}

// personRecords returns the audit references of the personal data a case holds.
func personRecords(c *ercms.Case) []string {
	recs := []string{"case:" + c.ID, "person:" + c.ID}
	for _, f := range c.Application.Family {
		recs = append(recs, "family:"+f.ID)
	}
	for _, e := range c.Application.Evidence {
		recs = append(recs, "evidence:"+e.ID)
	}
	return recs
}

func contentHash(c *ercms.Case) string {
	b, _ := json.Marshal(c)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// CreateCase creates a case for a requesting officer: a draft, or with
// no_application an approved case. With an idempotency key, a repeated
// request returns the case created first (replayed = true); the same key
// with another body is EInvalid.
func (s *DB) CreateCase(ctx context.Context, a ercms.Actor, n ercms.NewCase, idempotencyKey string) (c *ercms.Case, replayed bool, err error) {
	if !a.IsRequesting() || a.Org.Kind != ercms.OrgRequestingAuthority {
		return nil, false, ercms.Fail(ercms.EForbidden, "err.case.submit_forbidden")
	}
	p, err := s.profileFor(a.Org.State)
	if err != nil {
		return nil, false, err
	}
	body, _ := json.Marshal(n)
	reqHash := sha256.Sum256(body)
	err = s.tx(ctx, func(tx *Tx) error {
		if idempotencyKey != "" {
			var prevHash, caseID string
			err := tx.QueryRowContext(ctx, `SELECT request_hash, case_id FROM idempotency_keys WHERE user_id = $1 AND key = $2`, a.UserID, idempotencyKey).Scan(&prevHash, &caseID)
			if err == nil {
				if prevHash != hex.EncodeToString(reqHash[:]) {
					return &ercms.Error{Code: ercms.EInvalid, Message: "err.idempotency_key.reused", Fields: map[string]string{"Idempotency-Key": "field.idempotency_key.reused"}}
				}
				replayed = true
				c, err = tx.loadCase(ctx, a, caseID, false)
				return err
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		env := tx.env(ctx, p)
		if err := n.PrepareWith(newID, env.Today, env.Evidence); err != nil {
			return err
		}
		if n.PreviousCaseID != "" {
			prev, err := tx.loadCase(ctx, a, n.PreviousCaseID, false)
			if err != nil || prev.Status != ercms.StateRefused {
				return ercms.FieldError("previous_case_id", "field.previous_case_id.not_refused")
			}
			if strings.TrimSpace(n.Observations) == "" {
				return ercms.FieldError("observations", "field.observations.new_information")
			}
		}
		ref, err := tx.nextReference(ctx, p.RequestedState, a.Org.State)
		if err != nil {
			return err
		}
		c = ercms.NewCaseFrom(n, a, newID(), ref, p.RequestedState, p.ID, p.Version, tx.now)
		if n.NoApplication {
			if err := c.StartWithoutApplication(env); err != nil {
				return err
			}
			c.Timeline = append(c.Timeline, ercms.Event{At: tx.now, Action: "no_application", From: string(ercms.StateDraft), To: string(c.Status),
				ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID, NoteKey: "note.no_application"})
		}
		if err := tx.create(ctx, a, c, createChange(c)); err != nil {
			return err
		}
		if idempotencyKey != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, case_id, created_at) VALUES ($1,$2,$3,$4,$5)`,
				a.UserID, idempotencyKey, hex.EncodeToString(reqHash[:]), c.ID, formatTime(tx.now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return c, replayed, nil
}

// createChange is the change of a new case: a transmission to the
// requested state when the case starts approved without an application.
func createChange(c *ercms.Case) ercms.Change {
	ch := ercms.Change{Action: ercms.ActCreate, Person: true}
	if c.NoApplication {
		ch.Recipient = c.RequestedState
	}
	return ch
}

// createAudit is the audit event of a new case.
func createAudit(a ercms.Actor, c *ercms.Case) auditEvent { return changeAudit(a, c, createChange(c)) }

// nextReference numbers cases per requested and requesting state and year
// (AZ-DE-2026-00042), so that no member state learns the others' volumes.
func (tx *Tx) nextReference(ctx context.Context, requested, requesting string) (string, error) {
	year := tx.now.Year()
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO reference_counters (requested_state, requesting_state, year, last) VALUES ($1,$2,$3,1)
		ON CONFLICT (requested_state, requesting_state, year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last`,
		requested, requesting, year).Scan(&n)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%s-%d-%05d", requested, requesting, year, n), nil
}

// FindCase returns a case with its timeline. The read is logged (one audit
// event naming the records shown) before the case is returned. ENotFound
// when the case does not exist or is outside a's scope.
func (s *DB) FindCase(ctx context.Context, a ercms.Actor, id string) (*ercms.Case, error) {
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.loadCase(ctx, a, id, false); err != nil {
			return err
		}
		if c.Timeline, err = tx.timeline(ctx, id); err != nil {
			return err
		}
		c = ercms.ViewFor(a, c) // data minimisation: the audit names the records actually shown
		return tx.audit(ctx, auditEvent{actor: a, action: "case.read", objectType: "case", objectID: id, records: personRecords(c), purpose: ercms.PurposeCaseHandling, partyState: c.RequestingState})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Act takes an action on a case (the one door for every change): in one
// transaction it checks scope, version, role and state, applies the domain
// rules, writes the case with its clocks and timeline, and appends the audit
// event, a transmission when the action crosses to the other party.
// Errors: ENotFound, EForbidden, EConflict, EInvalid, EPreconditionRequired, EPreconditionFailed.
func (s *DB) Act(ctx context.Context, a ercms.Actor, id, action string, version int, in ercms.ActionInput) (*ercms.Case, error) {
	if err := requireVersion(a, version); err != nil {
		return nil, err
	}
	if in.Transfer != nil { // a group transfer is notified through NotifyGroupTransfer
		t := *in.Transfer
		t.OperationID = ""
		in.Transfer = &t
	}
	var c *ercms.Case
	err := s.tx(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.act(ctx, a, id, action, version, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ercms.ViewFor(a, c), nil
}

// act is Act inside a transaction, so that several actions (a group
// transfer's, say) commit or fail together. It returns the whole case.
func (tx *Tx) act(ctx context.Context, a ercms.Actor, id, action string, version int, in ercms.ActionInput) (*ercms.Case, error) {
	return tx.changeCase(ctx, a, id, version, func(env ercms.Env, c *ercms.Case) (ercms.Change, error) {
		return ercms.Act(env, c, a, action, in)
	})
}
