package sqldb

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// ListRefusal is the reference list of refusal reasons.
const ListRefusal = "refusal"

// ReferenceEntry is one entry of an editable reference list.
type ReferenceEntry struct {
	Code     string            `json:"code"`
	Labels   map[string]string `json:"labels,omitempty"` // by language; empty for the defaults, worded by the catalog
	Default  bool              `json:"default"`          // one of the agreement texts' entries
	Disabled bool              `json:"disabled"`         // no longer offered; decisions that used it keep it
}

// Label words the entry in lang: an added entry by its own labels
// (English when lang has none), a default one by the catalog key prefix+code.
func (e ReferenceEntry) Label(cat *i18n.Catalog, lang i18n.Lang, prefix string) string {
	if e.Default {
		return cat.T(lang, prefix+e.Code)
	}
	if s := e.Labels[string(lang)]; s != "" {
		return s
	}
	return e.Labels[string(i18n.EN)]
}

// loadReference reads the edited reference lists into memory.
func (s *DB) loadReference(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT code, labels, disabled FROM reference_entries WHERE list = $1 ORDER BY created_at, code`, ListRefusal)
	if err != nil {
		return err
	}
	defer rows.Close()
	out := make([]ReferenceEntry, 0, len(ercms.DefaultRefusals))
	for _, c := range ercms.DefaultRefusals {
		out = append(out, ReferenceEntry{Code: c, Default: true})
	}
	for rows.Next() {
		var e ReferenceEntry
		var labels string
		if err := rows.Scan(&e.Code, &labels, &e.Disabled); err != nil {
			return err
		}
		if i := slices.IndexFunc(out, func(x ReferenceEntry) bool { return x.Code == e.Code }); i >= 0 {
			out[i].Disabled = e.Disabled
			continue
		}
		if err := json.Unmarshal([]byte(labels), &e.Labels); err != nil {
			return err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.refusals.Store(&out)
	return nil
}

// RefusalReasons lists the refusal reasons, defaults first, with those no
// longer in use.
func (s *DB) RefusalReasons() []ReferenceEntry {
	if p := s.refusals.Load(); p != nil {
		return slices.Clone(*p)
	}
	var out []ReferenceEntry
	for _, c := range ercms.DefaultRefusals {
		out = append(out, ReferenceEntry{Code: c, Default: true})
	}
	return out
}

// RefusalCodes lists the codes of the refusal reasons in use.
func (s *DB) RefusalCodes() []string {
	var out []string
	for _, e := range s.RefusalReasons() {
		if !e.Disabled {
			out = append(out, e.Code)
		}
	}
	return out
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{2,39}$`)

// AddRefusalReason adds a refusal reason with its wording in every
// language. Administrators only; audited.
// Errors: EForbidden, EInvalid (code, labels.<lang>).
func (s *DB) AddRefusalReason(ctx context.Context, a ercms.Actor, code string, labels map[string]string) error {
	if a.Role != ercms.RoleAdmin {
		return ercms.Errorf(ercms.EForbidden, "Only administrators edit reference lists.")
	}
	var v ercms.Validation
	code = strings.TrimSpace(code)
	switch {
	case !codePattern.MatchString(code):
		v.Add("code", "Use 3 to 40 lower-case letters, digits and underscores, starting with a letter.")
	case slices.ContainsFunc(s.RefusalReasons(), func(e ReferenceEntry) bool { return e.Code == code }):
		v.Add("code", "This code is already in the list.")
	}
	clean := map[string]string{}
	for _, l := range i18n.Languages {
		t := strings.TrimSpace(labels[string(l)])
		if t == "" || len(t) > 300 {
			v.Add("labels."+string(l), "Word the reason in this language (at most 300 characters).")
		}
		clean[string(l)] = t
	}
	if err := v.Err(); err != nil {
		return err
	}
	b, _ := json.Marshal(clean)
	err := s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reference_entries (list, code, labels, created_by, created_at) VALUES ($1,$2,$3,$4,$5)`,
			ListRefusal, code, string(b), a.UserID, formatTime(tx.now)); err != nil {
			if isUniqueViolation(err) {
				return invalidField("code", "This code is already in the list.")
			}
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "reference.add", objectType: "reference", objectID: ListRefusal + ":" + code})
	})
	if err != nil {
		return err
	}
	return s.loadReference(ctx)
}

// SetRefusalReasonDisabled withdraws a refusal reason from use (or brings
// it back). Administrators only; audited. Errors: EForbidden, ENotFound.
func (s *DB) SetRefusalReasonDisabled(ctx context.Context, a ercms.Actor, code string, disabled bool) error {
	if a.Role != ercms.RoleAdmin {
		return ercms.Errorf(ercms.EForbidden, "Only administrators edit reference lists.")
	}
	if !slices.ContainsFunc(s.RefusalReasons(), func(e ReferenceEntry) bool { return e.Code == code }) {
		return ercms.Errorf(ercms.ENotFound, "No such refusal reason.")
	}
	err := s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reference_entries (list, code, disabled, created_by, created_at) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (list, code) DO UPDATE SET disabled = excluded.disabled`, ListRefusal, code, disabled, a.UserID, formatTime(tx.now)); err != nil {
			return err
		}
		action := "reference.enable"
		if disabled {
			action = "reference.disable"
		}
		return tx.audit(ctx, auditEvent{actor: a, action: action, objectType: "reference", objectID: ListRefusal + ":" + code})
	})
	if err != nil {
		return err
	}
	return s.loadReference(ctx)
}
