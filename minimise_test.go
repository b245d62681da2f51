package ercms

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ercms/ercms/civil"
)

// fullCase is a case holding every kind of data, each sensitive value a
// recognisable marker so that a test can tell whether a view leaks it.
func fullCase() *Case {
	return &Case{
		ID: "case-1", Reference: "AZ-DE-2026-00001", Type: TypeReadmission, Status: StateTransferConfirmed, Version: 9,
		RequestedState: "AZ", RequestingState: "DE", RequestingOrgID: orgDE.ID, RequestingReference: "BPOL-1",
		Application: Application{
			Person: Person{Surname: "Məmmədov", GivenNames: "Elvin", DateOfBirth: PartialDate{Year: 1991}, PlaceOfBirth: "Şəki",
				FatherName: "Rauf", MotherName: "Leyla", DocumentNumbers: []string{"C01234567"}, Description: "DESCRIPTION-MARK",
				Languages: []string{"az"}, CivilStatus: "married", HasPhoto: true},
			Family:       []FamilyMember{{ID: "fm-1", Relationship: "spouse", Surname: "Məmmədova", GivenNames: "Aysel"}},
			Evidence:     []Evidence{{ID: "ev-1", Type: "expired_document", Number: "C01234567", Note: "NOTE-MARK"}},
			Special:      Special{NeedsCare: true, CareConsent: true, Health: "HEALTH-MARK", MedicalEscort: true, SecurityRisk: "RISK-MARK", Minor: false},
			Observations: "OBSERVATION-MARK",
		},
		Decision:       &Decision{Outcome: "approve", Text: "DECISION-TEXT-MARK", Reasons: []string{"x"}, FamilyCovered: []string{"fm-1"}, ProposedBy: "ca-sup-1"},
		TravelDocument: &TravelDocument{Kind: "national", Number: "RC-0042", MissionID: orgBerlin.ID},
		Transfer:       &Transfer{CrossingPoint: "GYD", Flight: "J2 8012", Escorts: 2, SpecialNeeds: "NEEDS-MARK"},
		Flags:          []Flag{{Code: FlagMedical, Note: "FLAG-MARK"}},
		Warnings:       []string{WarnLateNotice},
		Tasks: []Task{
			{ID: "t-civreg", Kind: TaskVerification, OrgID: orgCivreg.ID, Question: "CIVREG-QUESTION", Status: TaskAnswered, Answer: "CIVREG-ANSWER"},
			{ID: "t-police", Kind: TaskVerification, OrgID: orgPolice.ID, Question: "POLICE-QUESTION", Status: TaskOpen},
			{ID: "t-berlin", Kind: TaskTravelDocument, OrgID: orgBerlin.ID, Status: TaskAnswered},
		},
		Deadlines: []Deadline{{Kind: ClockReply}, {Kind: ClockVerificationTask, TaskID: "t-civreg"}, {Kind: ClockVerificationTask, TaskID: "t-police"}},
		Timeline: []Event{
			{Action: ActStartVerification, OrgID: orgSMS.ID, Text: "SMS-TIMELINE-MARK"},
			{Action: ActAnswerTask, OrgID: orgCivreg.ID, Text: "CIVREG-TIMELINE-MARK"},
			{Action: ActAnswerTask, OrgID: orgPolice.ID, Text: "POLICE-TIMELINE-MARK"},
			{Action: ActNotifyTransfer, OrgID: orgDE.ID, Text: "TRANSFER-TIMELINE-MARK"},
		},
	}
}

func TestViewForMinimisesData(t *testing.T) {
	all := []string{"DESCRIPTION-MARK", "NOTE-MARK", "HEALTH-MARK", "RISK-MARK", "OBSERVATION-MARK", "DECISION-TEXT-MARK",
		"NEEDS-MARK", "FLAG-MARK", "CIVREG-QUESTION", "CIVREG-ANSWER", "POLICE-QUESTION", "SMS-TIMELINE-MARK",
		"CIVREG-TIMELINE-MARK", "POLICE-TIMELINE-MARK", "TRANSFER-TIMELINE-MARK", "RC-0042", "J2 8012", "late_transfer_notice"}
	for _, tc := range []struct {
		actor Actor
		sees  []string // of all, exactly these markers are shown
	}{
		{deOff, all},
		{caOff, all},
		{civregOff, []string{"CIVREG-QUESTION", "CIVREG-ANSWER", "CIVREG-TIMELINE-MARK"}},
		{policeOff, []string{"POLICE-QUESTION", "POLICE-TIMELINE-MARK"}},
		{berlinOff, []string{"DESCRIPTION-MARK", "RC-0042"}},
		{gydOff, []string{"DESCRIPTION-MARK", "RISK-MARK", "NEEDS-MARK", "TRANSFER-TIMELINE-MARK", "RC-0042", "J2 8012"}},
	} {
		t.Run(tc.actor.Username, func(t *testing.T) {
			c := fullCase()
			before, _ := json.Marshal(c)
			b, err := json.Marshal(ViewFor(tc.actor, c))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range all {
				want := false
				for _, s := range tc.sees {
					want = want || s == m
				}
				if got := strings.Contains(string(b), m); got != want {
					t.Errorf("%s shown = %v, want %v", m, got, want)
				}
			}
			// Every view keeps what identifies the person for the work.
			for _, m := range []string{"Məmmədov", "Şəki", "Rauf", "C01234567", "AZ-DE-2026-00001", "Məmmədova"} {
				if !strings.Contains(string(b), m) {
					t.Errorf("%s is missing from the view", m)
				}
			}
			after, _ := json.Marshal(c)
			if string(before) != string(after) {
				t.Error("ViewFor changed the stored case")
			}
		})
	}
}

func TestViewForKeepsOwnClocksOnly(t *testing.T) {
	v := ViewFor(civregOff, fullCase())
	if len(v.Deadlines) != 1 || v.Deadlines[0].TaskID != "t-civreg" {
		t.Errorf("civil registry sees clocks %+v, want its task's only", v.Deadlines)
	}
	if len(v.Tasks) != 1 || v.Tasks[0].ID != "t-civreg" {
		t.Errorf("civil registry sees tasks %+v", v.Tasks)
	}
	if v.Person.HasPhoto || v.Decision != nil || v.Transfer != nil || v.TravelDocument != nil || len(v.Flags) != 0 {
		t.Errorf("civil registry sees more than its task needs: %+v", v)
	}
	if b := ViewFor(gydOff, fullCase()); b.Decision == nil || b.Decision.Outcome != "approve" || len(b.Decision.FamilyCovered) != 1 || b.Decision.ProposedBy != "" {
		t.Errorf("border sees decision %+v, want the outcome and covered family only", b.Decision)
	}
}

// TestViewForRequestingStateWithoutTargets checks that the requesting state
// reads the deadlines between the parties, not the requested state's
// internal targets (its tasks' clocks), nor its tasks' due dates, and that
// the case itself keeps them.
func TestViewForRequestingStateWithoutTargets(t *testing.T) {
	c := fullCase()
	due := civil.MustParse("2026-12-11")
	c.Tasks[1].DueOn = &due
	v := ViewFor(deOff, c)
	if len(v.Deadlines) != 1 || v.Deadlines[0].Kind != ClockReply {
		t.Errorf("the requesting state sees clocks %+v, want the reply clock only", v.Deadlines)
	}
	if len(v.Tasks) != 3 || v.Tasks[1].DueOn != nil {
		t.Errorf("the requesting state sees tasks %+v, want them without due dates", v.Tasks)
	}
	if len(c.Deadlines) != 3 || c.Tasks[1].DueOn == nil {
		t.Error("the view changed the case")
	}
	if w := ViewFor(caOff, c); len(w.Deadlines) != 3 || w.Tasks[1].DueOn == nil {
		t.Error("the central authority does not see its own targets")
	}
}

// TestNextDeadlineOfDecidedAndEndedCases checks that the deadline a case's
// header and the queues show is never a verification task's once the case
// is decided (a case decided before decisions closed its tasks), and none
// once the case has ended.
func TestNextDeadlineOfDecidedAndEndedCases(t *testing.T) {
	early, late := civil.MustParse("2026-12-11"), civil.MustParse("2027-03-01")
	c := &Case{Status: StateUnderVerification, Deadlines: []Deadline{
		{Kind: ClockVerificationTask, TaskID: "t-1", Status: DeadlineRunning, DueOn: &early},
		{Kind: ClockTransferWindow, Status: DeadlineRunning, DueOn: &late},
	}}
	if d := c.NextDeadline(); d == nil || d.Kind != ClockVerificationTask {
		t.Errorf("under verification: next %+v, want the task's", d)
	}
	c.Status, c.Decision = StateApproved, &Decision{Outcome: "approve", DecidedOn: &early}
	if d := c.NextDeadline(); d == nil || d.Kind != ClockTransferWindow {
		t.Errorf("approved: next %+v, want the transfer window", d)
	}
	c.Status = StateExpired
	if d := c.NextDeadline(); d != nil {
		t.Errorf("expired: next %+v, want none", d)
	}
}

// TestBorderReadsNoTransitGrounds checks that a border post reads that a
// transit was revoked, but not the grounds the central authority wrote or
// chose (a criminal charge in the transit state), and that a withdrawn
// arrival is a stub without the person.
func TestBorderReadsNoTransitGrounds(t *testing.T) {
	c := fullCase()
	c.Timeline = append(c.Timeline, Event{Action: ActRevokeTransit, OrgID: orgSMS.ID, Text: "GROUNDS-MARK", Codes: []string{"prosecution_in_transit_state"}})
	v := ViewFor(gydOff, c)
	var revoked *Event
	for i := range v.Timeline {
		if v.Timeline[i].Action == ActRevokeTransit {
			revoked = &v.Timeline[i]
		}
	}
	if revoked == nil || revoked.Text != "" || len(revoked.Codes) != 0 {
		t.Errorf("the border's entry of the revoked transit: %+v, want it without text and codes", revoked)
	}
	if c.Timeline[len(c.Timeline)-1].Text != "GROUNDS-MARK" {
		t.Error("the view changed the case's timeline")
	}
	c.Status = StateWithdrawn
	if s := ViewFor(gydOff, c); s.Person.Surname != "" || s.Transfer == nil || s.Transfer.SpecialNeeds != "" || s.Reference != c.Reference {
		t.Errorf("the border's view of a withdrawn arrival: %+v", s)
	}
}
