package ercms

import (
	"testing"

	"github.com/ercms/ercms/civil"
)

func TestIsKey(t *testing.T) {
	for s, want := range map[string]bool{
		"err.no_such_case":                 true,
		"field.person.surname.required":    true,
		"field.tasks.organisation_id.x2":   true,
		"No such case.":                    false,
		"err":                              false,
		"err..x":                           false,
		"Err.x":                            false,
		"err.x ":                           false,
		"The validity may not exceed 30.":  false,
		"field.acknowledged_on.before-day": false,
	} {
		if got := IsKey(s); got != want {
			t.Errorf("IsKey(%q) = %v", s, got)
		}
	}
}

// TestErrorKeysAndArgs checks that an error keeps its key and arguments,
// field by field (the first message of a field wins), and that its log line
// names them.
func TestErrorKeysAndArgs(t *testing.T) {
	var v Validation
	d := civil.Date{Year: 2026, Month: 3, Day: 2}
	v.Add("acknowledged_on", "field.acknowledged_on.before_received", "received", d)
	v.Add("acknowledged_on", "field.acknowledged_on.future")
	v.Require("reason", " ", "field.reason.required")
	v.Require("comment", "why", "field.comment.required")
	err := v.Err().(*Error)
	if err.Code != EInvalid || err.Message != "err.invalid" || len(err.Fields) != 2 ||
		err.Fields["acknowledged_on"] != "field.acknowledged_on.before_received" || err.FieldArgs["acknowledged_on"]["received"] != d ||
		err.Fields["reason"] != "field.reason.required" || err.FieldArgs["reason"] != nil {
		t.Fatalf("%#v", err)
	}
	want := "ercms: invalid: err.invalid (acknowledged_on: field.acknowledged_on.before_received {received=2026-03-02}; reason: field.reason.required)"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	f := Fail(EConflict, "err.case_already", "state", "approved")
	if f.Error() != "ercms: conflict: err.case_already {state=approved}" {
		t.Errorf("Fail: %q", f.Error())
	}
	if msg, args := ErrorMessage(f); msg != "err.case_already" || args["state"] != "approved" {
		t.Errorf("ErrorMessage = %q %v", msg, args)
	}
	if msg, args := ErrorMessage(Errorf(EInternal, "disk full at /var/lib")); msg != "err.internal" || args != nil {
		t.Errorf("an internal error's message %q %v", msg, args)
	}
}
