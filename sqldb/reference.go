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

// The editable reference lists.
const (
	ListRefusal  = "refusal"  // refusal reasons
	ListEvidence = "evidence" // evidence types
)

// ReferenceEntry is one entry of an editable reference list.
type ReferenceEntry struct {
	Code     string            `json:"code"`
	Labels   map[string]string `json:"labels,omitempty"` // by language; empty for the defaults, worded by the catalog
	Default  bool              `json:"default"`          // one of the agreement texts' entries
	Disabled bool              `json:"disabled"`         // no longer offered; cases that used it keep it
	// Strength and For describe an evidence type (DOMAIN.md §4).
	Strength ercms.Strength `json:"strength,omitempty"`
	For      string         `json:"for,omitempty"`
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

// defaults returns the agreement texts' entries of a list.
func defaults(list string) []ReferenceEntry {
	var out []ReferenceEntry
	switch list {
	case ListRefusal:
		for _, c := range ercms.DefaultRefusals {
			out = append(out, ReferenceEntry{Code: c, Default: true})
		}
	case ListEvidence:
		for _, e := range ercms.EvidenceCatalogue {
			out = append(out, ReferenceEntry{Code: e.Code, Default: true, Strength: e.Strength, For: e.For})
		}
	}
	return out
}

// loadReference reads the edited reference lists into memory.
func (s *DB) loadReference(ctx context.Context) error {
	for _, list := range []string{ListRefusal, ListEvidence} {
		out := defaults(list)
		rows, err := s.db.QueryContext(ctx, `SELECT code, labels, attrs, disabled FROM reference_entries WHERE list = $1 ORDER BY created_at, code`, list)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e ReferenceEntry
			var labels, attrs string
			if err := rows.Scan(&e.Code, &labels, &attrs, &e.Disabled); err != nil {
				rows.Close()
				return err
			}
			if i := slices.IndexFunc(out, func(x ReferenceEntry) bool { return x.Code == e.Code }); i >= 0 {
				out[i].Disabled = e.Disabled
				continue
			}
			if err := json.Unmarshal([]byte(labels), &e.Labels); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(attrs), &e); err != nil {
				rows.Close()
				return err
			}
			out = append(out, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if list == ListRefusal {
			s.refusals.Store(&out)
		} else {
			s.evidence.Store(&out)
		}
	}
	return nil
}

func (s *DB) entries(list string) []ReferenceEntry {
	p := s.refusals.Load()
	if list == ListEvidence {
		p = s.evidence.Load()
	}
	if p == nil {
		return defaults(list)
	}
	return slices.Clone(*p)
}

// RefusalReasons lists the refusal reasons, defaults first, with those no
// longer in use.
func (s *DB) RefusalReasons() []ReferenceEntry { return s.entries(ListRefusal) }

// EvidenceTypes lists the evidence types, the annexes' first, with those
// no longer in use.
func (s *DB) EvidenceTypes() []ReferenceEntry { return s.entries(ListEvidence) }

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

// EvidenceCatalogue is the evidence catalogue in use: what applications
// may name, with each type's strength.
func (s *DB) EvidenceCatalogue() ercms.Catalogue {
	out := ercms.Catalogue{}
	for _, e := range s.EvidenceTypes() {
		if !e.Disabled {
			out = append(out, ercms.EvidenceType{Code: e.Code, Strength: e.Strength, For: e.For})
		}
	}
	return out
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{2,39}$`)

// checkEntry validates a new entry's code and wording.
func (s *DB) checkEntry(v *ercms.Validation, list, code string, labels map[string]string) map[string]string {
	switch {
	case !codePattern.MatchString(code):
		v.Add("code", "field.reference.code.format")
	case slices.ContainsFunc(s.entries(list), func(e ReferenceEntry) bool { return e.Code == code }):
		v.Add("code", "field.reference.code.taken")
	}
	clean := map[string]string{}
	for _, l := range i18n.Languages {
		t := strings.TrimSpace(labels[string(l)])
		if t == "" || len(t) > 300 {
			v.Add("labels."+string(l), "field.reference.label.length", "max", 300)
		}
		clean[string(l)] = t
	}
	return clean
}

// addEntry stores a new entry of list and audits it.
func (s *DB) addEntry(ctx context.Context, a ercms.Actor, list, code string, labels map[string]string, attrs map[string]string) error {
	lb, _ := json.Marshal(labels)
	at, _ := json.Marshal(attrs)
	err := s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reference_entries (list, code, labels, attrs, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6)`,
			list, code, string(lb), string(at), a.UserID, formatTime(tx.now)); err != nil {
			if isUniqueViolation(err) {
				return ercms.FieldError("code", "field.reference.code.taken")
			}
			return err
		}
		return tx.audit(ctx, auditEvent{actor: a, action: "reference.add", objectType: "reference", objectID: list + ":" + code})
	})
	if err != nil {
		return err
	}
	return s.loadReference(ctx)
}

// AddRefusalReason adds a refusal reason with its wording in every
// language. Administrators only; audited.
// Errors: EForbidden, EInvalid (code, labels.<lang>).
func (s *DB) AddRefusalReason(ctx context.Context, a ercms.Actor, code string, labels map[string]string) error {
	if a.Role != ercms.RoleAdmin {
		return ercms.Fail(ercms.EForbidden, "err.reference.admin_only")
	}
	var v ercms.Validation
	code = strings.TrimSpace(code)
	clean := s.checkEntry(&v, ListRefusal, code, labels)
	if err := v.Err(); err != nil {
		return err
	}
	return s.addEntry(ctx, a, ListRefusal, code, clean, nil)
}

// AddEvidenceType adds an evidence type: its strength (proof or prima
// facie), what it proves (nationality or third_country) and its wording in
// every language. Administrators only; audited.
// Errors: EForbidden, EInvalid (code, strength, for, labels.<lang>).
func (s *DB) AddEvidenceType(ctx context.Context, a ercms.Actor, code string, strength ercms.Strength, proves string, labels map[string]string) error {
	if a.Role != ercms.RoleAdmin {
		return ercms.Fail(ercms.EForbidden, "err.reference.admin_only")
	}
	var v ercms.Validation
	code = strings.TrimSpace(code)
	clean := s.checkEntry(&v, ListEvidence, code, labels)
	if strength != ercms.StrengthProof && strength != ercms.StrengthPrimaFacie {
		v.Add("strength", "field.reference.strength.choose")
	}
	if proves != "nationality" && proves != "third_country" {
		v.Add("for", "field.reference.for.choose")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.addEntry(ctx, a, ListEvidence, code, clean, map[string]string{"strength": string(strength), "for": proves})
}

// SetReferenceDisabled withdraws an entry of a list from use (or brings it
// back). Administrators only; audited. Errors: EForbidden, ENotFound.
func (s *DB) SetReferenceDisabled(ctx context.Context, a ercms.Actor, list, code string, disabled bool) error {
	if a.Role != ercms.RoleAdmin {
		return ercms.Fail(ercms.EForbidden, "err.reference.admin_only")
	}
	if (list != ListRefusal && list != ListEvidence) || !slices.ContainsFunc(s.entries(list), func(e ReferenceEntry) bool { return e.Code == code }) {
		return ercms.Fail(ercms.ENotFound, "err.reference.not_found")
	}
	err := s.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reference_entries (list, code, disabled, created_by, created_at) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (list, code) DO UPDATE SET disabled = excluded.disabled`, list, code, disabled, a.UserID, formatTime(tx.now)); err != nil {
			return err
		}
		action := "reference.enable"
		if disabled {
			action = "reference.disable"
		}
		return tx.audit(ctx, auditEvent{actor: a, action: action, objectType: "reference", objectID: list + ":" + code})
	})
	if err != nil {
		return err
	}
	return s.loadReference(ctx)
}

// SetRefusalReasonDisabled withdraws a refusal reason from use (or brings it back).
func (s *DB) SetRefusalReasonDisabled(ctx context.Context, a ercms.Actor, code string, disabled bool) error {
	return s.SetReferenceDisabled(ctx, a, ListRefusal, code, disabled)
}
