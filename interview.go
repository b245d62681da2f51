package ercms

import (
	"net/url"
	"strings"
	"time"

	"github.com/ercms/ercms/civil"
)

// ActScheduleInterview is the name of the step that fixes an interview's
// time and place; it changes a task, not the case's state, so it is not a
// row of the lifecycle table.
const ActScheduleInterview = "schedule_interview"

// ScheduleInterview records when and where the consular mission holds an
// interview it was asked for: at a moment from now on, at a place (in
// person) or an https link (video). The mission may move it while the task
// is open; each change is on the timeline. Errors: ENotFound (case out of
// scope), EForbidden (not the mission's officer), EInvalid (fields task_id,
// scheduled_at, place), EConflict (the interview was already held).
func ScheduleInterview(env Env, c *Case, a Actor, taskID string, at time.Time, place string) (Note, error) {
	if !CanView(a, c, env.Today) {
		return Note{}, Fail(ENotFound, "err.no_such_case")
	}
	if a.Role != RoleConsularOfficer {
		return Note{}, Fail(EForbidden, "err.interview.mission_only")
	}
	t := c.Task(taskID)
	if t == nil || t.Kind != TaskInterview || t.OrgID != a.Org.ID {
		return Note{}, FieldError("task_id", "field.task_id.own_interview")
	}
	if t.Status != TaskOpen {
		return Note{}, Fail(EConflict, "err.interview.already", "task_status", t.Status)
	}
	var v Validation
	if at.IsZero() {
		v.Add("scheduled_at", "field.scheduled_at.required")
	} else if at.Before(env.Now.Add(-time.Minute)) {
		v.Add("scheduled_at", "field.scheduled_at.past")
	}
	place = strings.TrimSpace(place)
	switch {
	case place == "":
		v.Add("place", "field.place.required")
	case t.Mode == "video":
		if u, err := url.Parse(place); err != nil || u.Scheme != "https" || u.Host == "" {
			v.Add("place", "field.place.https")
		}
	case len(place) > 300:
		v.Add("place", "field.too_long", "max", 300)
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	at = at.UTC()
	t.ScheduledAt, t.Place = &at, place
	note := NewNote("note.interview_scheduled", "date", civil.Of(at), "time", at.Format("15:04"), "mode", t.Mode)
	c.Timeline = append(c.Timeline, Event{At: env.Now, Action: ActScheduleInterview, From: string(c.Status), To: string(c.Status),
		ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID, NoteKey: note.Key, NoteArgs: note.Args, Text: place})
	return note, nil
}
