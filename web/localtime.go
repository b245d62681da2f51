package web

import (
	"maps"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// Times of day at the border (a transfer's or a transit's arrival, typed
// as HH:MM) are local to the requested state; a person reads them with
// their time zone in words ("14:30 Baku time").

// zoneOf returns the IANA time zone of the transfers of memberState's
// cases: the time zone of the agreement profile in force, else the
// deployment's.
func (u *ui) zoneOf(memberState string) string {
	if p, err := u.s.db.ProfileFor(memberState); err == nil && p.TimeZone != "" {
		return p.TimeZone
	}
	return u.s.db.Location().String()
}

// localTime writes hhmm, a time of day on date d at the border of the
// requested state, with the time zone of memberState's cases in words in
// l: the zone's name where the catalogue has one, else its offset from
// UTC on that date. An empty time stays empty.
func (u *ui) localTime(l i18n.Lang, hhmm string, d civil.Date, memberState string) string {
	if hhmm == "" {
		return ""
	}
	zone := u.zoneOf(memberState)
	if u.cat.Has(l, "zone."+zone) {
		return u.cat.T(l, "rest14.time_in_zone", "time", hhmm, "zone", u.cat.T(l, "zone."+zone))
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = u.s.db.Location()
	}
	if d.Year == 0 {
		d = u.s.db.Today()
	}
	offset := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc).Format("-07:00")
	return u.cat.T(l, "rest14.time_at_offset", "time", hhmm, "offset", offset)
}

// zonedNote returns event e of case c with the time of its note (an
// approved transit's time at the border, note.transit_approved) written
// with its time zone in l.
func (u *ui) zonedNote(l i18n.Lang, e ercms.Event, c *ercms.Case) ercms.Event {
	hhmm, _ := e.NoteArgs["time"].(string)
	if !strings.HasSuffix(e.NoteKey, ".transit_approved") || hhmm == "" || c == nil || c.Transit == nil {
		return e
	}
	e.NoteArgs = maps.Clone(e.NoteArgs)
	e.NoteArgs["time"] = u.localTime(l, hhmm, c.Transit.TransitOn, c.RequestingState)
	return e
}
