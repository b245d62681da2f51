package deadline

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"testing"

	"github.com/ercms/ercms/i18n"
)

// Every holiday of the shipped calendar files (with the year's source and
// the notes of its pending windows) and of the member states, and every
// source of the shipped profiles (the profile's own and each rule's,
// overrides included, with the profile's name, its crossing points and the
// notes on the protocols) is worded in Azerbaijani, English, French and
// Russian, not the English text again.
func TestShippedReferenceDataInFourLanguages(t *testing.T) {
	check := func(what string, texts i18n.Texts, english string) {
		t.Helper()
		if missing := texts.Untranslated(english); len(missing) > 0 {
			t.Errorf("%s (%q): no wording of its own in %v", what, english, missing)
		}
	}
	calendars, _ := fs.Glob(dataFS, "data/calendars/*.json")
	profiles, _ := fs.Glob(dataFS, "data/profiles/*.json")
	if len(calendars) == 0 || len(profiles) == 0 {
		t.Fatal("no shipped calendars or profiles")
	}
	for _, name := range calendars {
		b, _ := dataFS.ReadFile(name)
		y, err := ParseYear(b)
		if err != nil {
			t.Fatal(err)
		}
		check(name+" source", y.Sources, y.Source)
		for _, w := range y.Pending {
			check(fmt.Sprintf("%s pending from %s", name, w.From), w.Notes, w.Note)
		}
		for _, d := range slices.Concat(y.NonWorking, y.Working) {
			// The files' own names are in the language of their source
			// (French for Côte d'Ivoire): the English wording is in names.
			check(fmt.Sprintf("%s %s", name, d.Date), d.Names, "")
		}
	}
	// The member states' national holidays, named by the library in each
	// state's language.
	for _, y := range memberStateYears(memberStateFirstYear, memberStateLastYear) {
		for _, d := range y.NonWorking {
			check(fmt.Sprintf("%s %s", y.State, d.Date), d.Names, "")
		}
	}
	for _, name := range profiles {
		b, _ := dataFS.ReadFile(name)
		p, err := ParseProfile(b)
		if err != nil {
			t.Fatal(err)
		}
		check(name+" name", p.Names, p.Name)
		check(name+" source", p.Sources, p.Source)
		for _, cp := range p.CrossingPoints {
			check(name+" crossing point "+cp.Code, cp.Names, cp.Name)
		}
		for _, kind := range slices.Sorted(maps.Keys(p.Rules)) {
			check(name+" rules."+kind, p.Rules[kind].Sources, p.Rules[kind].Source)
		}
		for state, o := range p.Overrides {
			check(name+" overrides."+state+".note", o.Notes, o.Note)
			for _, cp := range o.CrossingPoints {
				check(name+" overrides."+state+" crossing point "+cp.Code, cp.Names, cp.Name)
			}
			for kind, s := range o.Rules {
				check(name+" overrides."+state+".rules."+kind, s.Sources, s.Source)
			}
		}
	}
}
