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
	EThrottled            = "throttled"             // too many attempts: wait (the error says how long) and try again
)

// Error is the one error type the domain and its adapters return to callers.
//
// Its messages are message keys with named arguments, never sentences: the
// web layer renders them in the reader's language (i18n/messages/errors).
// Message is the key of the error as a whole (for example
// "err.reply_deadline_not_passed") and Args its arguments; Fields holds the
// key of each field's message by the field's JSON path (for example
// "person.surname" → "field.person.surname.required") and FieldArgs the
// arguments of those keys, by the same path. Argument values are strings
// (codes, identifiers), integers, civil.Date or []string; the catalogue
// writes dates and numbers in the reader's locale.
//
// While the adapters move to keys, a Message or a field message that is not a
// key (IsKey is false) is an English sentence, shown as written.
type Error struct {
	Code      string
	Message   string
	Args      map[string]any
	Fields    map[string]string
	FieldArgs map[string]map[string]any
}

// Error implements the error interface: the code, the message key and its
// arguments, then each field's key and arguments, for the log. It holds no
// sentence of the domain and no personal data beyond the arguments' codes.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ercms: " + e.Code + ": " + e.Message + formatArgs(e.Args))
	if len(e.Fields) > 0 {
		keys := slices.Sorted(maps.Keys(e.Fields))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + e.Fields[k] + formatArgs(e.FieldArgs[k])
		}
		b.WriteString(" (" + strings.Join(parts, "; ") + ")")
	}
	return b.String()
}

// formatArgs writes args as " {name=value, …}" in name order, or "".
func formatArgs(args map[string]any) string {
	if len(args) == 0 {
		return ""
	}
	names := slices.Sorted(maps.Keys(args))
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%v", n, args[n])
	}
	return " {" + strings.Join(parts, ", ") + "}"
}

// Fail returns an *Error with the given code, message key and arguments,
// given as name/value pairs: Fail(EConflict, "err.case_already", "state",
// c.Status).
func Fail(code, key string, args ...any) *Error {
	return &Error{Code: code, Message: key, Args: pairs(args)}
}

// FieldError returns an EInvalid *Error for one field: its message key and
// arguments as name/value pairs.
func FieldError(field, key string, args ...any) *Error {
	var v Validation
	v.Add(field, key, args...)
	return v.Err().(*Error)
}

// Errorf returns an *Error with the given code and a formatted English
// sentence: the form of the adapters not yet moved to message keys. The
// domain uses Fail.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// pairs turns name/value pairs into a map of arguments, or nil for none. A
// name that is not a string is written with fmt; an odd last value is
// dropped.
func pairs(args []any) map[string]any {
	if len(args) < 2 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		name, ok := args[i].(string)
		if !ok {
			name = fmt.Sprint(args[i])
		}
		m[name] = args[i+1]
	}
	return m
}

// IsKey reports whether msg is a message key ("err.case_is",
// "field.person.surname.required"): lower-case ASCII words of letters,
// digits and underscores joined by dots, at least two of them. Anything else
// is a sentence of an adapter not yet moved to keys.
func IsKey(msg string) bool {
	words := strings.Split(msg, ".")
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		if w == "" {
			return false
		}
		for _, r := range w {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
				return false
			}
		}
	}
	return true
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

// ErrorMessage returns the user-safe message of err (a key, or an adapter's
// sentence) and its arguments; internal errors, and errors that are not an
// *Error, get the key "err.internal" so that nothing about the system leaks.
func ErrorMessage(err error) (string, map[string]any) {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message, e.Args
	}
	return "err.internal", nil
}

// Validation collects per-field messages (keys with arguments); Err returns
// them as one EInvalid error, or nil when nothing was added.
type Validation struct {
	fields map[string]string
	args   map[string]map[string]any
}

// Add records the message key for field, with its arguments as name/value
// pairs, unless the field already has a message.
func (v *Validation) Add(field, key string, args ...any) {
	if v.fields == nil {
		v.fields = make(map[string]string)
	}
	if _, ok := v.fields[field]; ok {
		return
	}
	v.fields[field] = key
	if a := pairs(args); a != nil {
		if v.args == nil {
			v.args = make(map[string]map[string]any)
		}
		v.args[field] = a
	}
}

// Require adds the message key (and arguments) for field when value is blank.
func (v *Validation) Require(field, value, key string, args ...any) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, key, args...)
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
	return &Error{Code: EInvalid, Message: "err.invalid", Fields: v.fields, FieldArgs: v.args}
}
