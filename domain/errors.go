// Package domain holds crmbot's types and rules: contacts, the pipeline,
// interactions, orders, input parsing and the scoring engine. It imports no
// transport and no database, so everything here is a pure function or a
// plain value that is trivial to test.
package domain

import (
	"errors"
	"fmt"
)

// Code classifies an error so that each transport can map it to a user
// message in one place.
type Code string

// The error codes of crmbot.
const (
	NotFound    Code = "not_found"
	Invalid     Code = "invalid"
	Conflict    Code = "conflict"
	Forbidden   Code = "forbidden"
	Throttled   Code = "throttled"
	Unavailable Code = "unavailable"
	Internal    Code = "internal"
)

// Error is an error a user can act on: a code, a message that says what was
// wrong, and optionally the right usage.
type Error struct {
	Code    Code
	Message string
	Usage   string
	Err     error // wrapped cause, if any
	// Format and Args are the message before it was formatted, which a
	// transport writes in its reader's language.
	Format string
	Args   []any
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// MessageFormat returns the message's English format and its arguments
// (the message itself, with none, for an Error built without Errorf).
func (e *Error) MessageFormat() (string, []any) {
	if e.Format == "" {
		return e.Error(), nil
	}
	return e.Format, e.Args
}

// WithUsage returns a copy of e that carries the right usage.
func (e *Error) WithUsage(usage string) *Error {
	c := *e
	c.Usage = usage
	return &c
}

// ErrorCode returns the code of err, or Internal when err is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return err != nil && ErrorCode(err) == code }
