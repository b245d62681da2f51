package ercms

import (
	"maps"
	"testing"
	"time"
)

func TestScheduleInterview(t *testing.T) {
	w := newWorld(t, "eu-az", false)
	s := w.newCase(ownNational(), deOff, at("2026-04-13 10:00"))
	s.do("2026-04-13 10:00", deOff, ActSubmit, ActionInput{})
	s.do("2026-04-14 10:00", caOff, ActRegister, ActionInput{})
	s.do("2026-04-14 11:00", deOff, ActRequestInterview, ActionInput{MissionID: orgBerlin.ID, Mode: "video", Language: "az"})
	iv := s.c.Tasks[len(s.c.Tasks)-1]
	env := w.env(at("2026-04-15 09:00"))
	when := at("2026-04-17 10:30")

	for _, tc := range []struct {
		name  string
		actor Actor
		task  string
		at    time.Time
		place string
		code  string
		field string
	}{
		{"another mission", bonnOff, iv.ID, when, "https://meet.example/x", ENotFound, ""},
		{"the requesting officer", deOff, iv.ID, when, "https://meet.example/x", EForbidden, ""},
		{"no such task", berlinOff, "nope", when, "https://meet.example/x", EInvalid, "task_id"},
		{"in the past", berlinOff, iv.ID, at("2026-04-14 10:00"), "https://meet.example/x", EInvalid, "scheduled_at"},
		{"no time", berlinOff, iv.ID, time.Time{}, "https://meet.example/x", EInvalid, "scheduled_at"},
		{"video without a link", berlinOff, iv.ID, when, "Room 4, embassy", EInvalid, "place"},
		{"plain http link", berlinOff, iv.ID, when, "http://meet.example/x", EInvalid, "place"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := deepCopy(s.c)
			_, err := ScheduleInterview(env, c, tc.actor, tc.task, tc.at, tc.place)
			if tc.field != "" {
				checkErr(t, tc.name, err, tc.code, tc.field)
			} else {
				checkErr(t, tc.name, err, tc.code)
			}
			if len(c.Timeline) != len(s.c.Timeline) || c.Task(iv.ID).ScheduledAt != nil {
				t.Error("a refused schedule changed the case")
			}
		})
	}

	note, err := ScheduleInterview(env, s.c, berlinOff, iv.ID, when, "https://meet.example/az-de-1")
	if err != nil {
		t.Fatal(err)
	}
	got := s.c.Task(iv.ID)
	if got.ScheduledAt == nil || !got.ScheduledAt.Equal(when) || got.Place != "https://meet.example/az-de-1" || s.c.Status != StateRegistered {
		t.Errorf("scheduled task %+v in %s", got, s.c.Status)
	}
	last := s.c.Timeline[len(s.c.Timeline)-1]
	if last.Action != ActScheduleInterview || last.NoteKey != note.Key || !maps.Equal(last.NoteArgs, note.Args) || last.OrgID != orgBerlin.ID {
		t.Errorf("timeline %+v", last)
	}
	// Held: no more moving it.
	s.do("2026-04-17 12:00", berlinOff, ActAnswerTask, ActionInput{TaskID: iv.ID, Finding: "confirmed", Answer: "Held by video."})
	_, err = ScheduleInterview(w.env(at("2026-04-17 13:00")), s.c, berlinOff, iv.ID, at("2026-04-20 10:00"), "https://meet.example/2")
	checkErr(t, "after the interview", err, EConflict)
}
