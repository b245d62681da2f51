package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// TestCountriesData checks every demo country: its casework holds every text
// SeedCases uses and no other, its organisations and accounts fit together,
// and its requested-side organisations belong to it.
func TestCountriesData(t *testing.T) {
	for _, code := range CountryCodes() {
		c := Countries[code]()
		if c.Code != code {
			t.Errorf("Countries[%s] is the demo of %s", code, c.Code)
		}
		if err := c.Casework.check(); err != nil {
			t.Errorf("%s: %v", code, err)
		}
		if extra := c.Casework.unknownTexts(); len(extra) > 0 {
			t.Errorf("%s: texts SeedCases does not use: %v", code, extra)
		}
		keys := map[string]Org{}
		for _, o := range c.Orgs {
			if _, dup := keys[o.Key]; dup {
				t.Errorf("%s: organisation key %s twice", code, o.Key)
			}
			if o.ParentID != "" {
				if _, ok := keys[o.ParentID]; !ok {
					t.Errorf("%s: %s names parent %s before it or unknown", code, o.Key, o.ParentID)
				}
			}
			if o.Kind != "requesting_authority" && o.State != code {
				t.Errorf("%s: organisation %s of the requested side belongs to %s", code, o.Key, o.State)
			}
			keys[o.Key] = o
		}
		users := map[string]bool{}
		for _, a := range c.Accounts {
			if users[a.Username] {
				t.Errorf("%s: username %s twice", code, a.Username)
			}
			users[a.Username] = true
			if _, ok := keys[a.OrgKey]; !ok {
				t.Errorf("%s: account %s names an unknown organisation %s", code, a.Username, a.OrgKey)
			}
		}
		// Texts that take arguments are formats: each variant takes the same ones.
		for k, vs := range c.Casework.Texts {
			for _, v := range vs[1:] {
				if strings.Count(v, "%") != strings.Count(vs[0], "%") {
					t.Errorf("%s: variants of %s take different arguments", code, k)
				}
			}
		}
	}
	// The Azerbaijani demo's usernames are fixed: tests and documentation use them.
	var got []string
	for _, a := range Azerbaijan().Accounts {
		got = append(got, a.Username)
	}
	want := []string{"admin", "sms.officer", "sms.supervisor", "mfa.consul.berlin", "mfa.consul.vienna", "mfa.consul.paris",
		"mfa.consul.brussels", "mfa.consul.thehague", "mfa.consul.oslo", "mfa.consul.bern", "civil.registry.officer",
		"passport.registry.officer", "police.officer", "border.officer", "de.officer", "de.supervisor", "at.officer", "be.officer",
		"fr.officer", "nl.officer", "no.officer", "ch.officer", "auditor", "dpo", "analyst"}
	if !slices.Equal(got, want) {
		t.Errorf("Azerbaijani usernames changed:\n got %v\nwant %v", got, want)
	}
}

func TestPattern(t *testing.T) {
	w := &walk{rng: newTestRand()}
	for range 50 {
		got := w.pattern("{A|B}X-##/{1|2#}")
		if len(got) < 7 || (got[0] != 'A' && got[0] != 'B') || got[1:3] != "X-" || strings.ContainsAny(got, "#{}|") {
			t.Fatalf("pattern: %q", got)
		}
	}
	if got := w.pattern("no pattern here"); got != "no pattern here" {
		t.Errorf("plain text changed: %q", got)
	}
}
