package deadline

import (
	"errors"
	"fmt"
	"strings"
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
// "rules.reply.unit" or "AZ-2026.non_working[3].date") and Problem says what is
// wrong with it.
type FieldError struct {
	Path    string `json:"path"`
	Problem string `json:"problem"`
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

func (p *problems) add(path, format string, args ...any) {
	p.fields = append(p.fields, FieldError{Path: path, Problem: fmt.Sprintf(format, args...)})
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
