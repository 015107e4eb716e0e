// Package reply is the structure every command answers with, and its text
// and JSON renderings. Transports draw the same Reply their own way (Slack
// draws Block Kit from it).
package reply

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reply is a command's answer.
type Reply struct {
	OK       bool      `json:"ok"`
	Command  string    `json:"command"`
	Title    string    `json:"title,omitempty"`
	Sections []Section `json:"sections,omitempty"`
	Actions  []Action  `json:"actions,omitempty"`
	Error    *Error    `json:"error,omitempty"`
	// Data is the answer as data, for scripts: domain values with English
	// field names.
	Data any `json:"data,omitempty"`
}

// Section is a part of a reply: a heading, then fields, a table or text.
type Section struct {
	Heading string  `json:"heading,omitempty"`
	Fields  []Field `json:"fields,omitempty"`
	Table   *Table  `json:"table,omitempty"`
	Text    string  `json:"text,omitempty"`
}

// Field is a labelled value.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Table is rows under column names.
type Table struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Action is a follow-up a transport may offer as a button: the command it
// runs when chosen.
type Action struct {
	Label   string `json:"label"`
	Command string `json:"command"`
}

// Error says what went wrong and how to do it right.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Usage   string `json:"usage,omitempty"`
}

// Failure builds the reply of a failed command.
func Failure(command, code, message, usage string) *Reply {
	return &Reply{Command: command, Error: &Error{Code: code, Message: message, Usage: usage}}
}

// JSON renders r as one indented JSON document, with <, > and & written
// as they are ("usage": "show <contact>"), not escaped for HTML.
func (r *Reply) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Text renders r for a terminal.
func (r *Reply) Text() string {
	var b strings.Builder
	if r.Error != nil {
		b.WriteString(r.Error.Message)
		if r.Error.Usage != "" {
			b.WriteString("\nUsage: " + r.Error.Usage)
		}
		return b.String()
	}
	if r.Title != "" {
		b.WriteString(r.Title + "\n")
	}
	for _, s := range r.Sections {
		if s.empty() {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		s.writeText(&b)
	}
	return strings.TrimRight(b.String(), "\n")
}

// empty reports whether s has nothing to show, such as the fields of a
// contact with none set; it is left out rather than drawn as a blank line.
func (s Section) empty() bool {
	return s.Heading == "" && len(s.Fields) == 0 && s.Table == nil && s.Text == ""
}

func (s Section) writeText(b *strings.Builder) {
	if s.Heading != "" {
		b.WriteString(s.Heading + "\n")
	}
	width := 0
	for _, f := range s.Fields {
		width = max(width, utf8.RuneCountInString(f.Label))
	}
	for _, f := range s.Fields {
		fmt.Fprintf(b, "  %s%s  %s\n", f.Label, strings.Repeat(" ", width-utf8.RuneCountInString(f.Label)), f.Value)
	}
	if s.Table != nil {
		writeTable(b, s.Table)
	}
	if s.Text != "" {
		b.WriteString(s.Text + "\n")
	}
}

func writeTable(b *strings.Builder, t *Table) {
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = utf8.RuneCountInString(c)
	}
	for _, row := range t.Rows {
		for i, cell := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(cell))
			}
		}
	}
	line := func(cells []string) {
		var l strings.Builder
		l.WriteString(" ")
		for i, cell := range cells {
			pad := 0
			if i < len(widths)-1 {
				pad = widths[i] - utf8.RuneCountInString(cell)
			}
			l.WriteString(" " + cell + strings.Repeat(" ", pad))
		}
		// A short row, or one ending in empty cells, has no trailing blanks.
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(t.Columns)
	for _, row := range t.Rows {
		line(row)
	}
}

// Count writes n and a noun, in the plural unless n is 1: "1 contact",
// "0 contacts", "12 contacts". Nouns whose plural is not noun+"s" give it
// after a slash: Count(n, "class/classes").
func Count(n int, noun string) string {
	one, many, irregular := strings.Cut(noun, "/")
	if !irregular {
		many = one + "s"
	}
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
