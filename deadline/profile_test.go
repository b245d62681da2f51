package deadline

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func embeddedProfile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := dataFS.ReadFile("data/profiles/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// editProfile applies edit to the generic JSON form of the EU–AZ profile.
func editProfile(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(embeddedProfile(t, "eu-az.json"), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rules(m map[string]any, kind string) map[string]any {
	return m["rules"].(map[string]any)[kind].(map[string]any)
}

func TestParseProfileErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(m map[string]any)
		want []string // substrings of the error, each "path: problem"
	}{
		{"unknown unit", func(m map[string]any) { rules(m, "reply")["unit"] = "weeks" },
			[]string{`rules.reply.unit: unknown unit "weeks" (want calendar_days, working_days or months)`}},
		{"negative count", func(m map[string]any) { rules(m, "reply")["count"] = -15 },
			[]string{"rules.reply.count: must not be negative (got -15)"}},
		{"missing source", func(m map[string]any) { delete(rules(m, "interview"), "source") },
			[]string{"rules.interview.source: is missing"}},
		{"unknown calendar state", func(m map[string]any) { rules(m, "travel_document")["calendar"] = "XX" },
			[]string{`rules.travel_document.calendar: unknown calendar state "XX"`}},
		{"missing binding", func(m map[string]any) { delete(rules(m, "reply"), "binding") },
			[]string{"rules.reply.binding: is missing (true or false)"}},
		{"missing deemed approval", func(m map[string]any) { delete(m, "deemed_approval") },
			[]string{"deemed_approval: is missing (true or false)"}},
		{"unknown fingerprint format", func(m map[string]any) { m["fingerprint_formats"] = []any{"wsq", "bmp"} },
			[]string{`fingerprint_formats[1]: is "bmp"`}},
		{"unknown time zone", func(m map[string]any) { m["time_zone"] = "Asia/Atlantis" },
			[]string{`time_zone: unknown time zone "Asia/Atlantis"`}},
		{"working days without calendar", func(m map[string]any) { delete(rules(m, "interview"), "calendar") },
			[]string{"rules.interview.calendar: is missing: a working-day rule must name the state"}},
		{"roll-forward on working days", func(m map[string]any) { rules(m, "interview")["roll_forward"] = true },
			[]string{"rules.interview.roll_forward: applies only to calendar_days and months"}},
		{"bad event", func(m map[string]any) { rules(m, "reply")["from"] = "Received On" },
			[]string{`rules.reply.from: "Received On" is not an event name`}},
		{"override of a non-partner", func(m map[string]any) {
			m["overrides"].(map[string]any)["PT"] = map[string]any{"note": "x"}
		}, []string{`overrides.PT: "PT" is not a partner state`}},
		{"override of an unknown kind", func(m map[string]any) {
			at := m["overrides"].(map[string]any)["AT"].(map[string]any)["rules"].(map[string]any)
			at["notice"] = at["transfer_notice"]
		}, []string{`overrides.AT.rules.notice: the profile has no rule "notice" to override`}},
		{"override with an unknown unit", func(m map[string]any) {
			at := m["overrides"].(map[string]any)["AT"].(map[string]any)["rules"].(map[string]any)
			at["transfer_notice"].(map[string]any)["unit"] = "days"
		}, []string{`overrides.AT.rules.transfer_notice.unit: unknown unit "days"`}},
		{"bad language", func(m map[string]any) {
			m["overrides"].(map[string]any)["DE"].(map[string]any)["languages"] = []any{"de", "not a tag"}
		}, []string{`overrides.DE.languages[1]: "not a tag" is not a language tag`}},
		{"partner state twice and the requested state", func(m map[string]any) {
			m["partner_states"] = []any{"DE", "AT", "BE", "FR", "NL", "DE", "AZ"}
		}, []string{"partner_states[5]: DE is listed twice", "partner_states[6]: AZ is the requested state"}},
		{"validity differs from the rule", func(m map[string]any) {
			m["travel_document_validity"].(map[string]any)["days"] = 45
		}, []string{"travel_document_validity.days: 45 differs from rules.travel_document_validity.count 30"}},
		{"missing extension source", func(m map[string]any) {
			delete(m["extension_max"].(map[string]any), "source")
		}, []string{"extension_max.source: is missing"}},
		{"no crossing point", func(m map[string]any) { m["crossing_points"] = []any{} },
			[]string{"crossing_points: is empty"}},
		{"several problems at once", func(m map[string]any) {
			rules(m, "reply")["unit"] = "weeks"
			rules(m, "reply_accelerated")["count"] = -1
			m["effective_from"] = ""
		}, []string{"rules.reply.unit:", "rules.reply_accelerated.count:", "effective_from: is missing"}},
		{"unknown field", func(m map[string]any) { rules(m, "reply")["days"] = 15 },
			[]string{`unknown field "days"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfile(editProfile(t, tt.edit))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) || len(ve.Fields) < len(tt.want) {
				t.Errorf("error %#v is not a *ValidationError with %d fields", err, len(tt.want))
			}
		})
	}
	if _, err := ParseProfile([]byte(`{"id": "x"} {}`)); err == nil || !strings.Contains(err.Error(), "unexpected data") {
		t.Errorf("trailing data: err = %v", err)
	}
	if _, err := ParseProfile([]byte(`{"id": `)); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("broken JSON: err = %v", err)
	}
}

func TestEmbeddedProfiles(t *testing.T) {
	s := defaults(t)
	az, err := s.Latest("eu-az")
	if err != nil {
		t.Fatal(err)
	}
	if az.RequestedState != "AZ" || az.TimeZone != "Asia/Baku" || !az.DeemedApproval || az.ReplyPausesOnInfoRequest ||
		!az.EUTravelDocumentOnLate || az.ExtensionMaxDays != 60 || !az.ExtensionMaxVerify || az.TravelDocumentValidityDays != 30 ||
		az.EffectiveFrom != d("2014-09-01") || az.Version != 1 {
		t.Errorf("eu-az profile: %+v", az)
	}
	if got := az.CrossingPointsFor("DE"); len(got) != 1 || got[0].Code != "GYD" {
		t.Errorf("crossing points: %+v", got)
	}
	if got := az.Languages("BE"); !cmp.Equal(got, []string{"fr", "nl", "en"}) {
		t.Errorf("languages BE: %v", got)
	}
	wantKinds := []string{"close_after_handover", "cost_reimbursement", "interview", "interview_no_mission", "reply",
		"reply_accelerated", "submission_accelerated", "submission_tcn", "take_back", "transfer_notice", "transfer_window",
		"transit_lead_time", "transit_reply", "travel_document", "travel_document_validity", "verification_task"}
	ci, err := s.Latest("ci-eu")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*Profile{az, ci} {
		if diff := cmp.Diff(wantKinds, p.Kinds()); diff != "" {
			t.Errorf("%s kinds (-want +got):\n%s", p.ID, diff)
		}
		for _, k := range p.Kinds() {
			if p.Rules[k].Source == "" {
				t.Errorf("%s %s: no source", p.ID, k)
			}
		}
	}
	verify := map[string]bool{"reply": true, "reply_accelerated": true, "submission_accelerated": true, "submission_tcn": true, "travel_document": true,
		"travel_document_validity": true, "interview": true, "interview_no_mission": true, "transfer_window": true, "transfer_notice": true,
		"transit_lead_time": true, "transit_reply": true, "cost_reimbursement": true, "take_back": true}
	for k, st := range az.Rules {
		if st.Verify != verify[k] {
			t.Errorf("eu-az %s: verify = %v", k, st.Verify)
		}
	}
	if az.Rules["verification_task"].Binding || !az.Rules["reply"].Binding {
		t.Error("eu-az: verification_task must be a target, reply binding")
	}
	if ci.DeemedApproval || ci.RequestedState != "CI" || ci.TimeZone != "Africa/Abidjan" || ci.CrossingPoints[0].Code != "ABJ" {
		t.Errorf("ci-eu profile: %+v", ci)
	}
	for k, st := range ci.Rules {
		if st.Binding {
			t.Errorf("ci-eu %s is binding", k)
		}
	}
	if r := ci.Rules["reply"]; r.Count != 30 || r.Unit != CalendarDays {
		t.Errorf("ci-eu reply: %+v", r)
	}
	if r := ci.Rules["travel_document"]; r.Count != 10 || r.Unit != WorkingDays || r.Calendar != "CI" {
		t.Errorf("ci-eu travel_document: %+v", r)
	}
}

func TestProfileSetting(t *testing.T) {
	p, err := defaults(t).Latest("eu-az")
	if err != nil {
		t.Fatal(err)
	}
	at, err := p.Setting("transfer_notice", "AT")
	if err != nil || at.Count != 5 || !at.Before || at.Calendar != "AZ" || !at.Verify {
		t.Errorf("AT transfer_notice = %+v, %v", at, err)
	}
	de, err := p.Setting("transfer_notice", "DE")
	if err != nil || de.Count != 3 {
		t.Errorf("DE transfer_notice = %+v, %v", de, err)
	}
	if none, err := p.Setting("transfer_notice", ""); err != nil || none.Count != 3 {
		t.Errorf("default transfer_notice = %+v, %v", none, err)
	}
	sub, err := p.Setting("submission_accelerated", "FR")
	if err != nil || sub.Calendar != "FR" {
		t.Errorf("FR submission_accelerated = %+v, %v", sub, err)
	}
	if p.Rules["submission_accelerated"].Calendar != RequestingCalendar {
		t.Error("Setting changed the profile")
	}
	if _, err := p.Setting("submission_accelerated", ""); !errors.Is(err, ErrUnknownState) {
		t.Errorf("requesting calendar without member state: %v", err)
	}
	_, err = p.Setting("replay", "DE")
	if !errors.Is(err, ErrUnknownKind) || !strings.Contains(err.Error(), "known kinds: close_after_handover, cost_reimbursement,") {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := p.Setting("reply", "DK"); !errors.Is(err, ErrUnknownState) {
		t.Errorf("non-partner: %v", err)
	}
}

func TestReceivedOn(t *testing.T) {
	s := defaults(t)
	az, _ := s.Latest("eu-az")
	ci, _ := s.Latest("ci-eu")
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		p    *Profile
		at   time.Time
		want string
	}{
		{"23:30 in Berlin is the next day in Baku", az, time.Date(2026, 3, 1, 23, 30, 0, 0, berlin), "2026-03-02"},
		{"the same instant in Abidjan", ci, time.Date(2026, 3, 1, 23, 30, 0, 0, berlin), "2026-03-01"},
		{"19:59:59 UTC is still the day in Baku", az, time.Date(2026, 3, 1, 19, 59, 59, 0, time.UTC), "2026-03-01"},
		{"20:00:00 UTC is the next day in Baku", az, time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC), "2026-03-02"},
		{"German summer time", az, time.Date(2026, 7, 1, 21, 59, 0, 0, berlin), "2026-07-01"},
		{"German summer time, a minute later", az, time.Date(2026, 7, 1, 22, 0, 0, 0, berlin), "2026-07-02"},
		{"the year end", az, time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), "2027-01-01"},
	}
	for _, tt := range tests {
		if got := tt.p.ReceivedOn(tt.at); got != d(tt.want) {
			t.Errorf("%s: ReceivedOn(%s) = %s, want %s", tt.name, tt.at, got, tt.want)
		}
	}
	if az.Location().String() != "Asia/Baku" || az.Location() != az.Location() {
		t.Errorf("Location = %v, not loaded once", az.Location())
	}
	hand := &Profile{TimeZone: "Asia/Baku"}
	if got := hand.ReceivedOn(time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)); got != d("2026-03-02") {
		t.Errorf("hand-built profile: %s", got)
	}
	if got := (&Profile{}).Location(); got != time.UTC {
		t.Errorf("profile without zone: Location = %v", got)
	}
}

func TestProfileJSONRoundTrip(t *testing.T) {
	for _, name := range []string{"eu-az.json", "ci-eu.json"} {
		p, err := ParseProfile(embeddedProfile(t, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q Profile
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
		if diff := cmp.Diff(p, &q, cmpopts.IgnoreUnexported(Profile{})); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", name, diff)
		}
	}
	var bad Profile
	if err := json.Unmarshal([]byte(`{"id":"x"}`), &bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("UnmarshalJSON does not validate: %v", err)
	}
}
