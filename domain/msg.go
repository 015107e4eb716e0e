package domain

import "fmt"

// Msg is a message for people kept as its English format and arguments,
// so that a transport can write it in its reader's language (see package
// locale); printed with %s or %v, it is the English text.
type Msg struct {
	Format string
	Args   []any
}

// M returns the message of format and args.
func M(format string, args ...any) Msg { return Msg{Format: format, Args: args} }

// String returns the message in English.
func (m Msg) String() string {
	if len(m.Args) == 0 {
		return m.Format
	}
	return fmt.Sprintf(m.Format, m.Args...)
}

// MessageFormat returns the message's English format and its arguments.
func (m Msg) MessageFormat() (string, []any) { return m.Format, m.Args }
