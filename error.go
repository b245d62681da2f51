// Package ercms is the domain core of the electronic Readmission Case
// Management System: cases, persons, organisations, roles, the lifecycle
// transition table and the permission rules. It does no I/O; storage, HTTP and
// the command line live in sub-packages and implement or call what is
// declared here.
package ercms

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Error codes. Each maps to one HTTP status in the web layer and is a
// translation key for user-facing messages.
const (
	EInvalid              = "invalid"               // input failed validation (field details attached)
	ENotFound             = "not_found"             // no such record, or not in the caller's scope
	EConflict             = "conflict"              // the action is not allowed in the current state
	EPreconditionRequired = "precondition_required" // the caller did not say which version it saw
	EPreconditionFailed   = "precondition_failed"   // the record changed since the caller saw it
	EUnauthorized         = "unauthorized"          // not signed in, or wrong credentials
	EForbidden            = "forbidden"             // signed in, but the role may not do this
	EInternal             = "internal"              // a fault of ours; details are logged, not shown
)

// Error is the one error type the domain and its adapters return to callers.
// Message is safe to show to the user; Fields holds per-field messages keyed by
// the field's JSON path (for example "person.surname").
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("ercms: %s: %s", e.Code, e.Message)
	}
	keys := slices.Sorted(maps.Keys(e.Fields))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return fmt.Sprintf("ercms: %s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err when it is (or wraps) an *Error, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EInternal
	}
}

// ErrorMessage returns the user-safe message of err; internal errors get a
// generic text so that nothing about the system leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// Validation collects per-field messages; Err returns them as one EInvalid
// error, or nil when nothing was added.
type Validation struct {
	fields map[string]string
}

// Add records msg for field unless the field already has a message.
func (v *Validation) Add(field, msg string) {
	if v.fields == nil {
		v.fields = make(map[string]string)
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = msg
	}
}

// Require adds msg for field when value is blank.
func (v *Validation) Require(field, value, msg string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, msg)
	}
}

// Has reports whether a message was recorded for field.
func (v *Validation) Has(field string) bool {
	_, ok := v.fields[field]
	return ok
}

// Err returns the collected messages as an EInvalid *Error, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "The request has errors; correct the fields listed.", Fields: v.fields}
}
