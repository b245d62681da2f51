package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/deadline"
)

// Limits of a check's fields, in characters.
const (
	checkTextMax    = 300
	checkArticleMax = 100
	checkNoteMax    = 2000
)

// ProfileCheck is an administrator's record that one figure of a profile
// version was checked against the agreement text: an annotation of the
// version, not a new version.
type ProfileCheck struct {
	ID        string `json:"id"`
	ProfileID string `json:"profile"`
	Version   int    `json:"version"`
	// Figure is the figure's JSON path in the profile: rules.reply,
	// overrides.AT.rules.transfer_notice, extension_max.
	Figure string `json:"figure"`
	// Text is the text checked against ("OJ L 128, 30.4.2014"), Article its
	// article ("Art. 11(2)").
	Text    string `json:"text"`
	Article string `json:"article"`
	Note    string `json:"note,omitempty"`
	// CheckedBy is the administrator's username, CheckedByName the name
	// shown ("" when the account is gone).
	CheckedBy     string    `json:"checked_by,omitempty"`
	CheckedByName string    `json:"checked_by_name,omitempty"`
	CheckedAt     time.Time `json:"checked_at"`
}

// CheckInput is what an administrator states when recording a check.
type CheckInput struct {
	Figure  string `json:"figure"`
	Text    string `json:"text"`
	Article string `json:"article"`
	Note    string `json:"note"`
}

// validateCheck judges a check of profile version p: the figure must be
// one of p's, the text and the article named, each field within its limit
// and free of control characters (the note may hold line breaks).
func validateCheck(p *deadline.Profile, in CheckInput) error {
	var v ercms.Validation
	if _, ok := p.Figure(in.Figure); !ok {
		v.Add("figure", "field.check.figure", "profile", p.ID, "version", p.Version)
	}
	text := func(field, value string, max int, required, lines bool) {
		switch {
		case required && strings.TrimSpace(value) == "":
			v.Add(field, "field.check."+field+".required")
		case !utf8.ValidString(value) || strings.ContainsFunc(value, func(r rune) bool {
			return unicode.IsControl(r) && !(lines && (r == '\n' || r == '\r' || r == '\t'))
		}):
			v.Add(field, "field.check.control")
		case utf8.RuneCountInString(value) > max:
			v.Add(field, "field.check.too_long", "max", max)
		}
	}
	text("text", in.Text, checkTextMax, true, false)
	text("article", in.Article, checkArticleMax, true, false)
	text("note", in.Note, checkNoteMax, false, true)
	return v.Err()
}

// profileVersion returns version of profile id, or an ENotFound error.
func (s *DB) profileVersion(id string, version int) (*deadline.Profile, error) {
	for _, p := range s.Rules().Versions(id) {
		if p.Version == version {
			return p, nil
		}
	}
	return nil, ercms.Fail(ercms.ENotFound, "err.profile.not_found", "profile", id)
}

// RecordProfileCheck records that an administrator checked a figure of
// version of profile id against the agreement text (in.Text, in.Article),
// with a free note. A newer check of the same figure replaces the current
// one. The check is validated (EInvalid with field errors keyed figure,
// text, article, note), written with its audit event in one transaction,
// and returned. Administrators only (EForbidden); an unknown profile or
// version is ENotFound.
func (s *DB) RecordProfileCheck(ctx context.Context, a ercms.Actor, id string, version int, in CheckInput) (*ProfileCheck, error) {
	if a.Role != ercms.RoleAdmin {
		return nil, ercms.Fail(ercms.EForbidden, "err.profile.admin_only")
	}
	p, err := s.profileVersion(id, version)
	if err != nil {
		return nil, err
	}
	in.Text, in.Article, in.Note = strings.TrimSpace(in.Text), strings.TrimSpace(in.Article), strings.TrimSpace(in.Note)
	if err := validateCheck(p, in); err != nil {
		return nil, err
	}
	c := &ProfileCheck{ID: newID(), ProfileID: id, Version: version, Figure: in.Figure, Text: in.Text, Article: in.Article, Note: in.Note, CheckedBy: a.Username}
	err = s.tx(ctx, func(tx *Tx) error {
		c.CheckedAt = tx.now
		replaced, err := tx.withdrawChecks(ctx, a, id, version, in.Figure, "replaced by a newer check")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO profile_checks (id, profile_id, version, figure, text, article, note, checked_by, checked_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, c.ID, id, version, c.Figure, c.Text, c.Article, c.Note, a.Username, formatTime(tx.now)); err != nil {
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "profile.figure_checked", objectType: "profile", objectID: fmt.Sprintf("%s-v%d", id, version),
			details: map[string]any{"figure": c.Figure, "text": c.Text, "article": c.Article, "note": c.Note, "replaces": replaced}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// WithdrawProfileCheck withdraws the current check of figure of version of
// profile id (the figure is unchecked again), with the administrator's
// reason, audited in the same transaction. Administrators only
// (EForbidden); an unknown profile or version, or a figure without a
// current check, is ENotFound; a reason too long is EInvalid (field reason).
func (s *DB) WithdrawProfileCheck(ctx context.Context, a ercms.Actor, id string, version int, figure, reason string) error {
	if a.Role != ercms.RoleAdmin {
		return ercms.Fail(ercms.EForbidden, "err.profile.admin_only")
	}
	if _, err := s.profileVersion(id, version); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case !utf8.ValidString(reason) || strings.ContainsFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		return ercms.FieldError("reason", "field.check.control")
	case utf8.RuneCountInString(reason) > checkNoteMax:
		return ercms.FieldError("reason", "field.check.too_long", "max", checkNoteMax)
	}
	return s.tx(ctx, func(tx *Tx) error {
		ids, err := tx.withdrawChecks(ctx, a, id, version, figure, reason)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return ercms.Fail(ercms.ENotFound, "err.check.not_found")
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "profile.figure_check_withdrawn", objectType: "profile", objectID: fmt.Sprintf("%s-v%d", id, version),
			details: map[string]any{"figure": figure, "reason": reason, "checks": ids}})
	})
}

// withdrawChecks marks the current checks of a figure withdrawn and
// returns their ids.
func (tx *Tx) withdrawChecks(ctx context.Context, a ercms.Actor, id string, version int, figure, reason string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM profile_checks WHERE profile_id = $1 AND version = $2 AND figure = $3 AND withdrawn_at IS NULL`, id, version, figure)
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for rows.Next() {
		var cid string
		if err := rows.Scan(&cid); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, cid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return ids, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE profile_checks SET withdrawn_at = $1, withdrawn_by = $2, withdraw_reason = $3
		WHERE profile_id = $4 AND version = $5 AND figure = $6 AND withdrawn_at IS NULL`, formatTime(tx.now), a.Username, reason, id, version, figure)
	return ids, err
}

// ProfileChecks returns the current checks of version of profile id, by
// figure. Checks are no personal data of a case: anyone who sees the
// profile's deadlines reads them.
func (s *DB) ProfileChecks(ctx context.Context, id string, version int) (map[string]ProfileCheck, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT c.id, c.figure, c.text, c.article, c.note, c.checked_by, u.display_name, c.checked_at
		FROM profile_checks c LEFT JOIN users u ON u.username = c.checked_by
		WHERE c.profile_id = $1 AND c.version = $2 AND c.withdrawn_at IS NULL ORDER BY c.checked_at`, id, version)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]ProfileCheck{}
	for rows.Next() {
		c := ProfileCheck{ProfileID: id, Version: version}
		var name sql.NullString
		var at string
		if err := rows.Scan(&c.ID, &c.Figure, &c.Text, &c.Article, &c.Note, &c.CheckedBy, &name, &at); err != nil {
			return nil, err
		}
		c.CheckedByName = name.String
		if c.CheckedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out[c.Figure] = c
	}
	return out, rows.Err()
}
