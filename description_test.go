package ercms

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms/civil"
)

// TestEveryActionDescribedOnce checks that every action of the lifecycle
// table has exactly one description, every description an action of the
// table, every input type one action, and that the description's fields
// (its form) are exactly the fields of the input type, in both directions:
// nothing the API accepts is missing from the form, nothing in the form is
// not kept by the type.
func TestEveryActionDescribedOnce(t *testing.T) {
	count := map[string]int{}
	for _, d := range Descriptions {
		count[d.Action]++
	}
	for _, tr := range Lifecycle {
		if count[tr.Action] != 1 {
			t.Errorf("%s %s: %d descriptions, want 1", tr.Type, tr.Action, count[tr.Action])
		}
	}
	types := map[reflect.Type]string{}
	for _, d := range Descriptions {
		if TransitionFor(TypeReadmission, d.Action) == nil && TransitionFor(TypeTransit, d.Action) == nil {
			t.Errorf("%s is described but is no action of Lifecycle", d.Action)
		}
		typ := reflect.TypeOf(d.Input)
		if other, dup := types[typ]; dup {
			t.Errorf("%s and %s share the input type %s", d.Action, other, typ)
		}
		types[typ] = d.Action
		if !strings.EqualFold(strings.ReplaceAll(d.Action, "_", ""), typ.Name()) {
			t.Errorf("%s has the input type %s: name it after the action", d.Action, typ.Name())
		}
		var form []string
		for _, f := range d.Fields {
			if slices.Contains(form, f.Name) {
				t.Errorf("%s: field %s described twice", d.Action, f.Name)
			}
			form = append(form, f.Name)
			if f.Kind == "" {
				t.Errorf("%s.%s: no kind", d.Action, f.Name)
			}
			if choosing := slices.Contains([]FieldKind{KindSelect, KindRadios, KindChecks}, f.Kind); choosing != (f.Choices != "") {
				t.Errorf("%s.%s: kind %s with choices %q", d.Action, f.Name, f.Kind, f.Choices)
			}
		}
		fields := InputFields(typ)
		for _, f := range fields {
			if !slices.Contains(form, f) {
				t.Errorf("%s: the input field %s is not in the form", d.Action, f)
			}
		}
		for _, f := range form {
			if !slices.Contains(fields, f) {
				t.Errorf("%s: the form field %s is no field of %s", d.Action, f, typ)
			}
		}
	}
}

// TestDescriptionFacts pins what the descriptions say that was scattered
// before: which actions safeguard flags block (LIFECYCLE.md), which notify,
// which stay inside one party.
func TestDescriptionFacts(t *testing.T) {
	var blocked, internal []string
	notifies := map[string]string{}
	for _, d := range Descriptions {
		if d.BlockedByFlags {
			blocked = append(blocked, d.Action)
		}
		if !d.Transmits {
			internal = append(internal, d.Action)
		}
		if d.Notifies != "" {
			notifies[d.Action] = d.Notifies
		}
	}
	if want := []string{ActNotifyTransfer, ActConfirmTransfer, ActRecordHandover}; !slices.Equal(blocked, want) {
		t.Errorf("blocked by flags: %v, want %v", blocked, want)
	}
	if want := []string{ActRecordAcknowledgement, ActStartVerification, ActAnswerTask, ActReturnProposal, ActClose, ActClearFlag}; !slices.Equal(internal, want) {
		t.Errorf("not transmitted: %v, want %v", internal, want)
	}
	want := map[string]string{ActStartVerification: NotifyNewTask, ActRequestInterview: NotifyNewTask, ActRequestTravelDocument: NotifyNewTask,
		ActDeemApproved: NotifyDeemedApproval, ActNotifyTransfer: NotifyTransferNotice}
	if !reflect.DeepEqual(notifies, want) {
		t.Errorf("notifications: %v, want %v", notifies, want)
	}
	for action, kind := range want {
		if got := NotificationFor(action); got != kind {
			t.Errorf("NotificationFor(%s) = %q, want %q", action, got, kind)
		}
	}
	if NotificationFor("no_such_action") != "" {
		t.Error("an unknown action notifies")
	}
}

// TestInputTypesFitTheUnion checks that every field of every input type is
// a field of ActionInput of the same JSON name, so that Union and For
// convert both ways without loss.
func TestInputTypesFitTheUnion(t *testing.T) {
	union := reflect.TypeFor[ActionInput]()
	for _, d := range Descriptions {
		typ := reflect.TypeOf(d.Input)
		for i := range typ.NumField() {
			f := typ.Field(i)
			u, ok := union.FieldByName(f.Name)
			if !ok {
				t.Errorf("%s.%s is not a field of ActionInput", typ.Name(), f.Name)
				continue
			}
			if jsonName(u) != jsonName(f) {
				t.Errorf("%s.%s is %q in JSON, ActionInput's %q", typ.Name(), f.Name, jsonName(f), jsonName(u))
			}
			if u.Type != f.Type && !(f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct) {
				t.Errorf("%s.%s is %s, ActionInput's %s", typ.Name(), f.Name, f.Type, u.Type)
			}
		}
		Union(d.Input) // panics when a field does not fit
	}
	if _, ok := union.FieldByName("UserID"); ok {
		t.Error("ActionInput.UserID is back: nothing reads it")
	}
}

// TestForRefusesForeignFields walks every action with a field of every
// other action set: the conversion names the field; the action's own
// fields pass through and back unchanged.
func TestForRefusesForeignFields(t *testing.T) {
	date := civil.MustParse("2026-05-04")
	family := []string{"f1"}
	full := ActionInput{Question: "q", Answer: "a", Comment: "c", Reason: "r", ReasonCode: "other", Reasons: []string{"x"}, Text: "t",
		Justification: "j", Tasks: []TaskInput{{OrganisationID: "o", Question: "q"}}, TaskID: "t1", Finding: "confirmed", MissionID: "m",
		Mode: "video", Language: "az", Place: "p", Days: 3, FamilyCovered: &family, Number: "n", ValidUntil: &date, NewEnd: &date,
		Date: &date, AcknowledgedOn: &date, RequestedOn: &date, Transfer: &Transfer{Date: date, CrossingPoint: "GYD", Escorts: 1},
		Handover: &Handover{Officer: "o", Persons: 1}, EntryPoint: "GYD", Time: "10:00", Assistance: "help", Flag: FlagMinor}
	all := InputFields(reflect.TypeFor[ActionInput]())
	top := func(path string) string { s, _, _ := strings.Cut(path, "."); return s }
	for _, d := range Descriptions {
		own := InputFields(reflect.TypeOf(d.Input))
		for _, f := range all {
			if slices.ContainsFunc(own, func(o string) bool { return top(o) == top(f) }) {
				continue
			}
			one := ActionInput{}
			field := reflect.ValueOf(&one).Elem().FieldByName(fieldNameOf(t, top(f)))
			field.Set(reflect.ValueOf(full).FieldByName(fieldNameOf(t, top(f))))
			_, err := one.For(d.Action)
			var e *Error
			if !asErr(err, &e) || e.Code != EInvalid || e.Fields[top(f)] == "" || len(e.Fields) != 1 {
				t.Errorf("%s with %s: %v, want EInvalid naming %s", d.Action, top(f), err, top(f))
			}
		}
		// the own fields go through and back
		mine := ActionInput{}
		for _, f := range own {
			name := fieldNameOf(t, top(f))
			reflect.ValueOf(&mine).Elem().FieldByName(name).Set(reflect.ValueOf(full).FieldByName(name))
		}
		x, err := mine.For(d.Action)
		if err != nil {
			t.Errorf("%s with its own fields: %v", d.Action, err)
			continue
		}
		if back := Union(x); !reflect.DeepEqual(back, mine) {
			t.Errorf("%s: %+v came back as %+v", d.Action, mine, back)
		}
	}
	if _, err := (ActionInput{}).For("no_such_action"); ErrorCode(err) != ENotFound {
		t.Errorf("unknown action: %v, want ENotFound", err)
	}
	// The system's fields of a transfer are not the requesting state's to send.
	_, err := ActionInput{Transfer: &Transfer{Date: date, CrossingPoint: "GYD", LateNotice: true}}.For(ActNotifyTransfer)
	if e, ok := err.(*Error); !ok || e.Fields["transfer.late_notice"] == "" {
		t.Errorf("notify_transfer with late_notice: %v, want EInvalid naming transfer.late_notice", err)
	}
	// A pointer to an empty struct is not a field set.
	if _, err := (ActionInput{Reason: "r", Transfer: &Transfer{}, Handover: &Handover{}}).For(ActObjectTransfer); err != nil {
		t.Errorf("empty nested inputs: %v", err)
	}
}

// TestApplyRefusesForeignFieldWithoutChange shows the refusal through Apply
// (and so through the store): an approve_transit carrying a refusal's text
// changes nothing.
func TestApplyRefusesForeignFieldWithoutChange(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, now := w.reachType(TypeTransit, StateTransitRequested)
	s.reject(now, caOff, ActApproveTransit, ActionInput{EntryPoint: "GYD", Time: "14:05", Text: "no"}, EInvalid, "text")
	s.do(now, caOff, ActApproveTransit, ActionInput{EntryPoint: "GYD", Time: "14:05", Assistance: "Escort to gate 12"})
	if s.c.Decision == nil || s.c.Decision.Assistance != "Escort to gate 12" {
		t.Fatalf("decision %+v: the assistance is not kept", s.c.Decision)
	}
	if v := ViewFor(gydOff, s.c); v.Decision == nil || v.Decision.Assistance != "Escort to gate 12" {
		t.Errorf("the border crossing point does not see the assistance: %+v", v.Decision)
	}
}

func fieldNameOf(t *testing.T, json string) string {
	t.Helper()
	f, ok := fieldByJSON(reflect.TypeFor[ActionInput](), json)
	if !ok {
		t.Fatalf("ActionInput has no field %s", json)
	}
	return f.Name
}

func asErr(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

// TestTimedActionsDescribed: the system takes an action when a clock has
// passed exactly where the lifecycle table lets it, and each such action
// names the clocks that make it due (the scheduler reads them).
func TestTimedActionsDescribed(t *testing.T) {
	var timed []string
	for _, d := range TimedActions() {
		timed = append(timed, d.Action)
		for _, k := range d.DueAfter {
			if !slices.Contains([]string{ClockReply, ClockReplyAccelerated, ClockTravelDocument, ClockTransferWindow, ClockCloseAfterHandover, ClockTransitReply}, k) {
				t.Errorf("%s is due after %q, which is no clock of a case's own (not a task's)", d.Action, k)
			}
		}
	}
	var bySystem []string
	for _, tr := range Lifecycle {
		if slices.Contains(tr.By, RoleSystem) && !slices.Contains(bySystem, tr.Action) {
			bySystem = append(bySystem, tr.Action)
		}
	}
	if !slices.Equal(sortedStrings(timed), sortedStrings(bySystem)) {
		t.Errorf("timed actions %v, the system's actions of the lifecycle table %v", timed, bySystem)
	}
}
