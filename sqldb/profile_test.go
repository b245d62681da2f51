package sqldb_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// editable returns a deep copy of the latest version of profile id, as an
// administrator's form starts from.
func editable(t *testing.T, db *sqldb.DB, id string) deadline.Profile {
	t.Helper()
	p, err := db.Rules().Latest(id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := deadline.ParseProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	return *q
}

// TestProfileVersions: an administrator adds a version of a profile; it is
// validated alone and with the earlier versions, audited, kept in the
// database, and only applications received from its date use it.
func TestProfileVersions(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(string(e), func(t *testing.T) {
			url := testdb.URL(t, e)
			clock := &testdb.Clock{}
			clock.Set(testdb.Start)
			open := opener(t, url, "", clock)
			db := open()
			if n := count(t, db, `SELECT COUNT(*) FROM agreement_profiles`); n != 4 {
				t.Fatalf("%d profile versions seeded, want the 4 embedded ones (ch-az, ci-eu, eu-az, no-az)", n)
			}
			act := seed(t, db)
			de, sms, admin := act["de.officer"], act["sms.officer"], act["admin"]
			today := baku(clock)
			tomorrow, next := today.AddDays(1), today.AddDays(2)

			_, err := db.AddProfileVersion(ctx, sms, editable(t, db, "eu-az"))
			wantCode(t, err, ercms.EForbidden, "a CA officer edits a profile")
			unknown := editable(t, db, "eu-az")
			unknown.ID = "eu-xx"
			_, err = db.AddProfileVersion(ctx, admin, unknown)
			wantCode(t, err, ercms.ENotFound, "an unknown profile")

			bad := []struct {
				name   string
				change func(p *deadline.Profile)
				fields []string
			}{
				{"in force today", func(p *deadline.Profile) { p.EffectiveFrom = today }, []string{"effective_from"}},
				{"in force in the past", func(p *deadline.Profile) { p.EffectiveFrom = civil.MustParse("2020-01-01") }, []string{"effective_from"}},
				{"another requested state", func(p *deadline.Profile) { p.RequestedState = "GE" }, []string{"requested_state"}},
				{"negative count and no source", func(p *deadline.Profile) {
					s := p.Rules["reply"]
					s.Count, s.Source = -1, " "
					p.Rules["reply"] = s
				}, []string{"rules.reply.count", "rules.reply.source"}},
				{"unknown unit", func(p *deadline.Profile) {
					s := p.Rules["transfer_notice"]
					s.Unit = "weeks"
					p.Rules["transfer_notice"] = s
				}, []string{"rules.transfer_notice.unit"}},
				{"crossing point twice, partner state twice", func(p *deadline.Profile) {
					p.CrossingPoints = append(p.CrossingPoints, p.CrossingPoints[0])
					p.PartnerStates = append(p.PartnerStates, p.PartnerStates[0])
				}, []string{"crossing_points[1].code", "partner_states[" + strconv.Itoa(len(editable(t, db, "eu-az").PartnerStates)) + "]"}},
				{"a partner without calendar data", func(p *deadline.Profile) {
					p.PartnerStates = append(p.PartnerStates, "ZZ")
				}, []string{"rules.submission_accelerated.calendar"}},
				{"an override of a state that is no partner", func(p *deadline.Profile) {
					p.Overrides["GE"] = deadline.Override{Note: "not a partner"}
				}, []string{"overrides.GE"}},
			}
			for _, tc := range bad {
				p := editable(t, db, "eu-az")
				p.EffectiveFrom = next
				tc.change(&p)
				evs := newAudit(t, db, func() {
					_, err = db.AddProfileVersion(ctx, admin, p)
				})
				t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.fields...) })
				if len(evs) != 0 {
					t.Errorf("%s: a refused version wrote %d audit events", tc.name, len(evs))
				}
			}
			if vs := db.Rules().Versions("eu-az"); len(vs) != 1 {
				t.Fatalf("%d versions after refused edits", len(vs))
			}

			// Version 2 from the day after tomorrow: 20 days to reply, a new crossing point,
			// and Germany's protocol with a longer notice of transfer.
			p := editable(t, db, "eu-az")
			p.EffectiveFrom = next
			reply := p.Rules["reply"]
			reply.Count = 20
			p.Rules["reply"] = reply
			p.CrossingPoints = append(p.CrossingPoints, deadline.CrossingPoint{Code: "NAJ", Name: "Nakhchivan Airport"})
			notice := p.Rules["transfer_notice"]
			notice.Count = 6
			o := p.Overrides["DE"]
			o.Rules = map[string]deadline.Setting{"transfer_notice": notice}
			p.Overrides["DE"] = o
			received := submittedCase(t, db, de, "DE-v1")
			var added *deadline.Profile
			evs := newAudit(t, db, func() {
				if added, err = db.AddProfileVersion(ctx, admin, p); err != nil {
					t.Fatal(err)
				}
			})
			if added.Version != 2 || added.EffectiveFrom != next {
				t.Fatalf("added version %d from %s", added.Version, added.EffectiveFrom)
			}
			if len(evs) != 1 || evs[0].Action != "profile.version_added" || evs[0].ObjectID != "eu-az-v2" || evs[0].Actor != "admin" {
				t.Fatalf("audit %+v", evs)
			}
			if got := db.ProfileVersionToday("eu-az"); got == nil || got.Version != 1 {
				t.Fatalf("in force today: %+v", got)
			}
			// The forms (crossing points, partner states) follow the version in force, not the scheduled one.
			if got, err := db.ProfileFor("DE"); err != nil || got.Version != 1 {
				t.Fatalf("ProfileFor before version 2 starts: %+v %v", got, err)
			}
			// A third version must start after the second, not only after today.
			p3 := editable(t, db, "eu-az")
			p3.EffectiveFrom = tomorrow
			_, err = db.AddProfileVersion(ctx, admin, p3)
			wantFields(t, err, "effective_from")

			// The case received today keeps version 1, as does one received
			// tomorrow; one received on the day after gets version 2.
			if got := dueOn(t, readCase(t, db, received.ID).Deadline(ercms.ClockReply)); got != today.AddDays(15).String() {
				t.Errorf("a case received before version 2 is due %s, want %s", got, today.AddDays(15))
			}
			clock.Advance(day)
			if got := dueOn(t, submittedCase(t, db, de, "DE-v1b").Deadline(ercms.ClockReply)); got != tomorrow.AddDays(15).String() {
				t.Errorf("a case received the day before version 2 is due %s, want %s", got, tomorrow.AddDays(15))
			}
			clock.Advance(day)
			if got, err := db.ProfileFor("DE"); err != nil || got.Version != 2 {
				t.Errorf("ProfileFor once version 2 is in force: %+v %v", got, err)
			}
			later := submittedCase(t, db, de, "DE-v2")
			if got := dueOn(t, later.Deadline(ercms.ClockReply)); got != next.AddDays(20).String() {
				t.Errorf("a case received under version 2 is due %s, want %s", got, next.AddDays(20))
			}
			s, err := db.Rules().Profile("eu-az", next)
			if err != nil {
				t.Fatal(err)
			}
			if st, _ := s.Setting("transfer_notice", "DE"); st.Count != 6 {
				t.Errorf("Germany's notice of transfer %d working days, want 6", st.Count)
			}

			// Reopened, the database still holds both versions; the defaults do not come back.
			db2 := open()
			vs := db2.Rules().Versions("eu-az")
			if len(vs) != 2 || vs[1].Rules["reply"].Count != 20 || len(vs[1].CrossingPoints) != len(vs[0].CrossingPoints)+1 {
				t.Fatalf("after reopening: %d versions", len(vs))
			}
		})
	}
}
