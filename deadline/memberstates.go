package deadline

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// The years of member-state holiday data built at load time.
const (
	memberStateFirstYear = 2025
	memberStateLastYear  = 2027
)

// memberStateHolidays holds, for each requesting state that
// github.com/rickar/cal/v2 covers (the EU member states, and Norway and
// Switzerland, which have readmission agreements of their own with the
// requested state), the library's list of national public holidays. Only
// national holidays are used: regional ones (German and Austrian Länder,
// Spanish autonomous communities, …) are not, so a rule counting a
// requesting state's working days counts the days that are working days
// everywhere in that state except for its regional holidays. Switzerland
// is the exception: its only federal holiday is 1 August and the others
// are cantonal, so its calendar is the canton of Bern's, where the State
// Secretariat for Migration sits (see stateSources). Cyprus, Estonia,
// Finland, Hungary, Luxembourg, Malta and Portugal are not in the library:
// add their years as data in the same format when needed.
var memberStateHolidays = map[string][]*cal.Holiday{
	"AT": at.Holidays,
	"BE": be.Holidays,
	"BG": bg.Holidays,
	"CH": ch.HolidaysBE,
	"CZ": cz.Holidays,
	"DE": de.Holidays,
	"DK": dk.Holidays,
	"ES": es.Holidays,
	"FR": fr.Holidays,
	"GR": gr.Holidays,
	"HR": hr.Holidays,
	"IE": ie.Holidays,
	"IT": it.Holidays,
	"LT": lt.Holidays,
	"LV": lv.Holidays,
	"NL": nl.Holidays,
	"NO": no.Holidays,
	"PL": pl.Holidays,
	"RO": ro.Holidays,
	"SE": se.Holidays,
	"SI": si.Holidays,
	"SK": sk.Holidays,
}

const memberStateSource = "github.com/rickar/cal/v2: national public holidays only (regional holidays not included)"

// stateSources names the source of a state's calendar where it is not
// memberStateSource.
var stateSources = map[string]string{
	"CH": "github.com/rickar/cal/v2: public holidays of the canton of Bern, seat of the State Secretariat for Migration (Switzerland's only federal holiday is 1 August; the others are cantonal)",
}

// memberStateYears builds the member states' years from the library. Days
// the library types as "other" observances (Swedish eves, which are de facto
// but not legal holidays) are left out; where a holiday on a weekend is
// observed on another day, that day is the non-working one.
func memberStateYears(first, last int) []Year {
	var out []Year
	for _, state := range slices.Sorted(maps.Keys(memberStateHolidays)) {
		for year := first; year <= last; year++ {
			names := map[civil.Date][]string{}
			words := map[civil.Date][]i18n.Texts{}
			for _, h := range memberStateHolidays[state] {
				if h.Type != cal.ObservancePublic && h.Type != cal.ObservanceUnknown {
					continue
				}
				actual, observed := h.Calc(year)
				if observed.IsZero() {
					continue // not observed in that year
				}
				obs := civil.Of(observed)
				if obs.Year != year {
					continue
				}
				moved := false
				if act := civil.Of(actual); act != obs && act.Year == year {
					names[obs] = append(names[obs], h.Name+" (observed)")
					moved = true
				} else {
					names[obs] = append(names[obs], h.Name)
				}
				words[obs] = append(words[obs], memberStateHolidayNames().of(h.Name, moved))
			}
			source := memberStateSource
			if s, ok := stateSources[state]; ok {
				source = s
			}
			y := Year{
				State:  state,
				Year:   year,
				Status: StatusConfirmed,
				Source: source,
				Note:   "Computed at load time from the library's rules; one-off national decisions are not included.",
			}
			for _, d := range slices.SortedFunc(maps.Keys(names), civil.Date.Compare) {
				y.NonWorking = append(y.NonWorking, Day{Date: d, Name: strings.Join(names[d], "; "), Names: joinTexts(words[d], "; ")})
			}
			out = append(out, y)
		}
	}
	return out
}

// holidayNames words the library's names of the member states' holidays
// (each in its state's language) in the languages of the user interface:
// data/holiday_names.json maps each name to a holiday and words each
// holiday once.
type holidayNames struct {
	Observed i18n.Texts            `json:"observed"` // the mark of a holiday observed on another day
	Holidays map[string]i18n.Texts `json:"holidays"`
	Names    map[string]string     `json:"names"`
}

// memberStateHolidayNames reads data/holiday_names.json once.
var memberStateHolidayNames = sync.OnceValue(func() holidayNames {
	var h holidayNames
	b, err := dataFS.ReadFile("data/holiday_names.json")
	if err == nil {
		err = json.Unmarshal(b, &h)
	}
	if err != nil {
		panic("deadline: data/holiday_names.json: " + err.Error()) // embedded: a broken file fails every test
	}
	return h
})

// of words the library's holiday name, marked as observed on another day
// when moved; nil when the file does not know the name (the day then shows
// the library's name).
func (h holidayNames) of(name string, moved bool) i18n.Texts {
	words, ok := h.Holidays[h.Names[name]]
	if !ok {
		return nil
	}
	if !moved {
		return words
	}
	out := i18n.Texts{}
	for l, s := range words {
		out[l] = s + " (" + h.Observed[l] + ")"
	}
	return out
}

// joinTexts joins the wordings of the holidays of one day, language by
// language; nil when one of them has no wording.
func joinTexts(ts []i18n.Texts, sep string) i18n.Texts {
	out := i18n.Texts{}
	for _, l := range i18n.Languages {
		var parts []string
		for _, t := range ts {
			if t[l] == "" {
				return nil
			}
			parts = append(parts, t[l])
		}
		out[l] = strings.Join(parts, sep)
	}
	return out
}
