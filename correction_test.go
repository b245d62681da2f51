package ercms

import (
	"encoding/json"
	"testing"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
)

// TestRecomputeOnCorrectedProfile: a running clock takes the corrected
// rule of its profile version and its due date moves with a note; a
// stopped clock and a clock whose rule did not change stay as they were;
// with no profile the rules stay those the clocks started with.
func TestRecomputeOnCorrectedProfile(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s := w.newCase(ownNational(), deOff, at("2026-11-30 09:00"))
	s.do("2026-11-30 10:00", deOff, ActSubmit, ActionInput{})
	reply := func() Deadline {
		for _, d := range s.c.Deadlines {
			if d.Kind == ClockReply {
				return d
			}
		}
		t.Fatal("no reply clock")
		return Deadline{}
	}
	if d := reply(); d.DueOn == nil || *d.DueOn != civil.MustParse("2026-12-15") {
		t.Fatalf("reply before: %+v", d)
	}
	if notes, err := s.c.RecomputeOn(nil, w.calendars()); err != nil || len(notes) != 0 {
		t.Fatalf("no profile: %v %v", notes, err)
	}
	// The same version, corrected: 10 calendar days to reply.
	b, err := json.Marshal(w.profile())
	if err != nil {
		t.Fatal(err)
	}
	p, err := deadline.ParseProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Rules[ClockReply]
	r.Count = 10
	p.Rules[ClockReply] = r
	if notes, err := s.c.RecomputeOn(p, w.calendars()); err != nil || len(notes) != 1 || notes[0].Key != "note.due_moved" {
		t.Fatalf("corrected profile: %v %v", notes, err)
	}
	if d := reply(); d.Rule.Count != 10 || *d.DueOn != civil.MustParse("2026-12-10") {
		t.Errorf("reply after: %+v", d)
	}
	if notes, err := s.c.RecomputeOn(p, w.calendars()); err != nil || len(notes) != 0 {
		t.Errorf("again on the same profile: %v %v", notes, err)
	}
	s.c.stopClock(ClockReply, "", civil.MustParse("2026-12-01"), DeadlineMet)
	r.Count = 20
	p.Rules[ClockReply] = r
	if notes, err := s.c.RecomputeOn(p, w.calendars()); err != nil || len(notes) != 0 || reply().Rule.Count != 10 {
		t.Errorf("a stopped clock took a correction: %v %v %+v", notes, err, reply())
	}
}
