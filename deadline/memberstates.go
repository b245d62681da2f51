package deadline

import (
	"maps"
	"slices"
	"strings"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
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
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"

	"github.com/ercms/ercms/civil"
)

// The years of member-state holiday data built at load time.
const (
	memberStateFirstYear = 2025
	memberStateLastYear  = 2027
)

// memberStateHolidays holds, for each EU member state that
// github.com/rickar/cal/v2 covers, the library's list of national public
// holidays. Only national holidays are used: regional ones (German and
// Austrian Länder, Spanish autonomous communities, …) are not, so a rule
// counting a member state's working days counts the days that are working
// days everywhere in that state except for its regional holidays. Cyprus,
// Estonia, Finland, Hungary, Luxembourg, Malta and Portugal are not in the
// library: add their years as data in the same format when needed.
var memberStateHolidays = map[string][]*cal.Holiday{
	"AT": at.Holidays,
	"BE": be.Holidays,
	"BG": bg.Holidays,
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
	"PL": pl.Holidays,
	"RO": ro.Holidays,
	"SE": se.Holidays,
	"SI": si.Holidays,
	"SK": sk.Holidays,
}

const memberStateSource = "github.com/rickar/cal/v2: national public holidays only (regional holidays not included)"

// memberStateYears builds the member states' years from the library. Days
// the library types as "other" observances (Swedish eves, which are de facto
// but not legal holidays) are left out; where a holiday on a weekend is
// observed on another day, that day is the non-working one.
func memberStateYears(first, last int) []Year {
	var out []Year
	for _, state := range slices.Sorted(maps.Keys(memberStateHolidays)) {
		for year := first; year <= last; year++ {
			names := map[civil.Date][]string{}
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
				if act := civil.Of(actual); act != obs && act.Year == year {
					names[obs] = append(names[obs], h.Name+" (observed)")
				} else {
					names[obs] = append(names[obs], h.Name)
				}
			}
			y := Year{
				State:  state,
				Year:   year,
				Status: StatusConfirmed,
				Source: memberStateSource,
				Note:   "Computed at load time from the library's rules; one-off national decisions are not included.",
			}
			for _, d := range slices.SortedFunc(maps.Keys(names), civil.Date.Compare) {
				y.NonWorking = append(y.NonWorking, Day{Date: d, Name: strings.Join(names[d], "; ")})
			}
			out = append(out, y)
		}
	}
	return out
}
