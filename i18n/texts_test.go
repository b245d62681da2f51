package i18n

import (
	"slices"
	"testing"
)

func TestTextsFallBack(t *testing.T) {
	full := Texts{AZ: "Novruz bayramı", EN: "Novruz", FR: "Norouz", RU: "Новруз байрамы"}
	noEnglish := Texts{AZ: "Yeni il", RU: " Новый год "}
	for _, tc := range []struct {
		texts    Texts
		lang     Lang
		fallback string
		in, or   string
	}{
		{full, FR, "x", "Norouz", "Norouz"},
		{full, "de", "x", "Novruz", "Novruz"},
		{Texts{FR: "Toussaint"}, EN, "", "Toussaint", "Toussaint"},
		{Texts{FR: "Toussaint"}, EN, "All Saints", "Toussaint", "All Saints"},
		{noEnglish, RU, "", "Новый год", "Новый год"},
		{noEnglish, FR, "New Year", "Yeni il", "New Year"},
		{nil, AZ, "Old Registry", "", "Old Registry"},
		{Texts{AZ: "  "}, AZ, "", "", ""},
	} {
		if got := tc.texts.In(tc.lang); got != tc.in {
			t.Errorf("%v.In(%s) = %q, want %q", tc.texts, tc.lang, got, tc.in)
		}
		if got := tc.texts.Or(tc.lang, tc.fallback); got != tc.or {
			t.Errorf("%v.Or(%s, %q) = %q, want %q", tc.texts, tc.lang, tc.fallback, got, tc.or)
		}
	}
}

func TestTextsUntranslated(t *testing.T) {
	for _, tc := range []struct {
		texts   Texts
		english string
		want    []Lang
	}{
		{Texts{AZ: "Yeni il", FR: "Nouvel An", RU: "Новый год"}, "New Year", nil},
		{Texts{AZ: "Yeni il", EN: "New Year", FR: "New Year", RU: "Новый год"}, "", []Lang{FR}},
		{Texts{AZ: "Yeni il"}, "New Year", []Lang{FR, RU}},
		{nil, "", Languages},
		{Texts{"de": "Neujahr", AZ: "Yeni il", FR: "Nouvel An", RU: "Новый год"}, "", []Lang{EN}},
	} {
		if got := tc.texts.Untranslated(tc.english); !slices.Equal(got, tc.want) {
			t.Errorf("%v.Untranslated(%q) = %v, want %v", tc.texts, tc.english, got, tc.want)
		}
	}
	if got := (Texts{"de": "x", EN: "y", "tr": "z"}).Unknown(); !slices.Equal(got, []string{"de", "tr"}) {
		t.Errorf("unknown languages: %v", got)
	}
}
