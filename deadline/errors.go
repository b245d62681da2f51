package deadline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ercms/ercms/i18n"
)

// Errors the package wraps, so that callers can map them to their own codes
// with errors.Is.
var (
	// ErrUnknownProfile reports a profile identifier the Set does not hold.
	ErrUnknownProfile = errors.New("deadline: unknown profile")
	// ErrNotInForce reports a date before the first version of a profile.
	ErrNotInForce = errors.New("deadline: profile not in force")
	// ErrUnknownKind reports a rule kind the profile does not define.
	ErrUnknownKind = errors.New("deadline: unknown rule kind")
	// ErrUnknownState reports a member state that is not a partner state of the profile.
	ErrUnknownState = errors.New("deadline: unknown member state")
	// ErrNoCalendar reports a rule that needs a state's calendar when no year of it is loaded.
	ErrNoCalendar = errors.New("deadline: no calendar data")
	// ErrInvalid is wrapped by every *ValidationError.
	ErrInvalid = errors.New("deadline: invalid data")
)

// FieldError is one problem found while validating a profile, a calendar year
// or a rule: Path names the field in the JSON form (for example
// "rules.reply.unit" or "AZ-2026.non_working[3].date"), Key is the message
// key that says what is wrong with it (i18n/messages/api) and Args the
// arguments of its message, and Problem is that message in English, for the
// log and the command line.
type FieldError struct {
	Path    string         `json:"path"`
	Problem string         `json:"problem"`
	Key     string         `json:"key"`
	Args    map[string]any `json:"args,omitempty"`
}

// problem returns the FieldError of path with the message key and its
// arguments, given as name/value pairs.
func problem(path, key string, args ...any) FieldError {
	var named map[string]any
	if len(args) >= 2 {
		named = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			named[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return FieldError{Path: path, Key: key, Args: named, Problem: i18n.Default().Message(i18n.EN, key, named)}
}

// notJSON is the problem of data that is not the JSON expected; the
// decoder's own words stay in the English Problem, for the operator.
func notJSON(err error) FieldError {
	f := problem("", "field.deadline.not_json")
	f.Problem += ": " + err.Error()
	return f
}

// ValidationError lists every problem found in one piece of data; Subject says
// which (for example "profile eu-az v1" or "calendar data").
type ValidationError struct {
	Subject string       `json:"subject"`
	Fields  []FieldError `json:"fields"`
}

// Error writes the subject and every problem on one line:
// "profile eu-az v1 is invalid: rules.reply.unit: unknown unit …; …".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Subject)
	b.WriteString(" is invalid: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		if f.Path != "" {
			b.WriteString(f.Path)
			b.WriteString(": ")
		}
		b.WriteString(f.Problem)
	}
	return b.String()
}

// Unwrap lets errors.Is(err, ErrInvalid) recognise validation errors.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// problems collects field errors while validating.
type problems struct {
	subject string
	fields  []FieldError
}

// add records the problem of path: its message key and its arguments as
// name/value pairs.
func (p *problems) add(path, key string, args ...any) {
	p.fields = append(p.fields, problem(path, key, args...))
}

// err returns nil when nothing was found, else a *ValidationError.
func (p *problems) err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &ValidationError{Subject: p.subject, Fields: p.fields}
}

// join prefixes a field path: join("rules", "reply") = "rules.reply".
func join(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == "":
		return prefix
	case strings.HasPrefix(name, "["):
		return prefix + name
	}
	return prefix + "." + name
}
