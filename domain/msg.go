package domain

import (
	"fmt"
	"strings"
	"time"
)

// Msg is a message for people kept as its English format and arguments,
// so that a transport can write it in its reader's language (see package
// locale); printed with %s or %v, it is the English text.
type Msg struct {
	Format string
	Args   []any
	// A message with plural forms (Countf) has its singular in One and
	// the count that chooses in N; Format is then the plural.
	One    string
	N      int
	plural bool
}

// M returns the message of format and args.
func M(format string, args ...any) Msg { return Msg{Format: format, Args: args} }

// Countf returns the message of n in its singular (one) or plural (other)
// form, each a format of args: Countf(n, "%d contact", "%d contacts", n).
// Languages choose differently (French writes "0 contact"): the
// transport's printer chooses.
func Countf(n int, one, other string, args ...any) Msg {
	return Msg{Format: other, One: one, N: n, Args: args, plural: true}
}

// MessageCount returns the count and singular of a Countf message.
func (m Msg) MessageCount() (n int, one string, ok bool) { return m.N, m.One, m.plural }

// String returns the message in English.
func (m Msg) String() string {
	f := m.Format
	if m.plural && m.N == 1 {
		f = m.One
	}
	if len(m.Args) == 0 {
		return f
	}
	return fmt.Sprintf(f, m.Args...)
}

// MessageFormat returns the message's English format and its arguments.
func (m Msg) MessageFormat() (string, []any) { return m.Format, m.Args }

// Join returns the message of parts one after the other, sep between
// them: a list of sentences ("; ") or of lines ("\n") that a transport
// writes part by part in its reader's language. sep is punctuation, the
// same in every language: a letter in it would make the join a message of
// its own, which no catalog holds.
func Join(parts []Msg, sep string) Msg {
	if len(parts) == 0 {
		return Msg{}
	}
	args := make([]any, len(parts))
	for i, p := range parts {
		args[i] = p
	}
	sep = strings.ReplaceAll(sep, "%", "%%")
	return Msg{Format: strings.Repeat("%s"+sep, len(parts)-1) + "%s", Args: args}
}

// Moment is an instant a message names, in the zone it is read in: English
// writes it 2026-12-07 09:00 CET (%s), a transport's printer its reader's
// way.
type Moment struct{ T time.Time }

// String writes the moment in English.
func (m Moment) String() string { return m.T.Format("2006-01-02 15:04 MST") }

// MessageTime returns the instant, in its zone.
func (m Moment) MessageTime() time.Time { return m.T }
