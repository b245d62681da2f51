package deadline

import (
	"slices"
	"strings"
	"testing"
)

// TestPartnerAgreementsLoaded checks that the deployment's three agreements
// are embedded side by side, each covering its own partner states.
func TestPartnerAgreementsLoaded(t *testing.T) {
	s := defaults(t)
	if got := s.ProfileIDs(); !slices.Equal(got, []string{"ch-az", "ci-eu", "eu-az", "no-az"}) {
		t.Fatalf("profiles %v", got)
	}
	for id, state := range map[string]string{"no-az": "NO", "ch-az": "CH"} {
		p, err := s.Latest(id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.PartnerStates, []string{state}) || p.RequestedState != "AZ" || p.TimeZone != "Asia/Baku" {
			t.Errorf("%s: partners %v, requested %s, zone %s", id, p.PartnerStates, p.RequestedState, p.TimeZone)
		}
		if p.EUTravelDocumentOnLate {
			t.Errorf("%s: the EU standard travel document is an EU member state's document", id)
		}
	}
	if p, _ := s.Latest("no-az"); p.EffectiveFrom != d("2015-06-01") {
		t.Errorf("no-az in force from %s, want 2015-06-01", p.EffectiveFrom)
	}
	if p, _ := s.Latest("ch-az"); p.EffectiveFrom != d("2017-04-01") {
		t.Errorf("ch-az in force from %s, want 2017-04-01", p.EffectiveFrom)
	}
}

// TestPartnerAgreementsVerify checks that only the figures read in the
// Swiss text (Art. 4(3), 8(1), 8(4)) go without "verify", each naming its
// article, and that every figure of the Norwegian profile, whose articles on
// time limits were not read, is marked for checking; eRCMS's own targets
// carry no treaty figure to check.
func TestPartnerAgreementsVerify(t *testing.T) {
	s := defaults(t)
	internal := map[string]bool{"verification_task": true, "close_after_handover": true}
	read := map[string]string{"submission_accelerated": "Art. 4(3)", "submission_tcn": "Art. 8(1)", "transfer_window": "Art. 8(4)"}
	for _, id := range []string{"no-az", "ch-az"} {
		p, _ := s.Latest(id)
		if !p.ExtensionMaxVerify || !p.TravelDocumentValidityVerify {
			t.Errorf("%s: extension maximum or travel document validity not marked verify", id)
		}
		for kind, st := range p.Rules {
			art, ok := read[kind]
			switch {
			case internal[kind]:
				if st.Verify || st.Binding {
					t.Errorf("%s %s: eRCMS target marked verify or binding", id, kind)
				}
			case id == "ch-az" && ok:
				if st.Verify || !strings.Contains(st.Source, art) {
					t.Errorf("%s %s: verify=%v, source %q, want the figure read in %s", id, kind, st.Verify, st.Source, art)
				}
			default:
				if !st.Verify || !strings.Contains(st.Source, "verify") {
					t.Errorf("%s %s: a figure not read in the text is not marked verify (source %q)", id, kind, st.Source)
				}
			}
		}
	}
}

// TestPartnerCalendars counts the requesting state's working days on
// Norway's and Switzerland's holidays (accelerated procedure: application
// within 2 working days of apprehension, on the requesting state's
// calendar), and the Swiss reply from the acknowledgement of receipt.
func TestPartnerCalendars(t *testing.T) {
	s := defaults(t)
	tests := []struct {
		name, profile, state, kind, from, due, basis string
	}{
		{"Norway: Constitution Day 17 May 2027 (also Whit Monday)", "no-az", "NO", "submission_accelerated", "2027-05-14", "2027-05-19",
			"2 working days (NO calendar) from apprehension on 2027-05-14"},
		{"Norway: Maundy Thursday to Easter Monday 2026", "no-az", "NO", "submission_accelerated", "2026-04-01", "2026-04-08", ""},
		{"Germany has no Maundy Thursday", "eu-az", "DE", "submission_accelerated", "2026-04-01", "2026-04-07", ""},
		{"Switzerland: National Day 1 August 2025", "ch-az", "CH", "submission_accelerated", "2025-07-31", "2025-08-05",
			"2 working days (CH calendar) from apprehension on 2025-07-31"},
		{"Germany works on 1 August", "eu-az", "DE", "submission_accelerated", "2025-07-31", "2025-08-04", ""},
		{"Switzerland (Bern): Berchtold's Day 2 January 2026", "ch-az", "CH", "submission_accelerated", "2025-12-31", "2026-01-06", ""},
		{"Swiss reply from the acknowledgement of receipt", "ch-az", "CH", "reply", "2026-03-02", "2026-03-17",
			"15 calendar days from acknowledgement of receipt on 2026-03-02"},
		{"Norwegian reply from receipt", "no-az", "NO", "reply", "2026-03-02", "2026-03-17", "15 calendar days from receipt on 2026-03-02"},
		{"transfer window of three months (Swiss Art. 8(4))", "ch-az", "CH", "transfer_window", "2026-05-31", "2026-08-31", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := Calculate(s, tt.profile, tt.state, tt.kind, d(tt.from))
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res, want{due: tt.due})
			if tt.basis != "" && res.Basis != tt.basis {
				t.Errorf("Basis = %q, want %q", res.Basis, tt.basis)
			}
		})
	}
	if p, _ := s.Latest("ch-az"); p.Rules["reply"].From != "acknowledged_on" {
		t.Errorf("ch-az reply counts from %q, want acknowledged_on (Art. 8(2))", p.Rules["reply"].From)
	}

	c := s.Calendars()
	days := []struct {
		state, date string
		working     bool
	}{
		{"NO", "2027-05-17", false}, // Grunnlovsdag
		{"NO", "2026-04-02", false}, // Skjærtorsdag
		{"NO", "2026-12-24", true},  // Christmas Eve is no public holiday
		{"CH", "2025-08-01", false}, // Bundesfeiertag
		{"CH", "2026-01-02", false}, // Berchtoldstag in Bern
		{"CH", "2026-06-04", true},  // Corpus Christi: Catholic cantons only, not Bern
		{"CH", "2026-01-06", true},  // Epiphany: not in Bern
	}
	for _, tt := range days {
		if info := c.Day(tt.state, d(tt.date)); !info.Known || info.Working != tt.working {
			t.Errorf("%s %s: %+v, want working=%v", tt.state, tt.date, info, tt.working)
		}
	}
	if ys := c.Years("CH"); len(ys) != 3 || !strings.Contains(ys[0].Source, "canton of Bern") {
		t.Errorf("CH years: %+v", ys)
	}
	for _, st := range []string{"NO", "CH"} {
		for _, y := range c.Years(st) {
			for _, day := range y.NonWorking {
				if day.Names["az"] == "" || day.Names["ru"] == "" {
					t.Errorf("%s %s %q has no wording in Azerbaijani or Russian", st, day.Date, day.Name)
				}
			}
		}
	}
}
