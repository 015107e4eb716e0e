// Package reply is the structure every command answers with, and its text
// and JSON renderings. Transports draw the same Reply their own way (Slack
// draws Block Kit from it).
package reply

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/crmbot/crmbot/locale"
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
	// Lang is the language the reply is written in, which its renderings
	// write their own few words in ("Usage:").
	Lang locale.Lang `json:"-"`
}

// Section is a part of a reply: a heading, then fields, a table or text.
type Section struct {
	Heading string  `json:"heading,omitempty"`
	Fields  []Field `json:"fields,omitempty"`
	Table   *Table  `json:"table,omitempty"`
	Text    string  `json:"text,omitempty"`
	// Actions are follow-ups about this section alone (a contact of a
	// list), drawn beside it.
	Actions []Action `json:"actions,omitempty"`
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

// TerminalWidth is the width a terminal's replies are wrapped to.
const TerminalWidth = 80

// Text renders r with no line wrapped: for Slack's code blocks, logs and
// tests. A terminal wants TextWidth(TerminalWidth).
func (r *Reply) Text() string { return r.TextWidth(0) }

// TextWidth renders r for a terminal, its long lines wrapped at spaces to
// width columns (0: not wrapped): a table's last column and a field's value
// go on under where they start, so the columns stay readable.
func (r *Reply) TextWidth(width int) string {
	var b strings.Builder
	if r.Error != nil {
		b.WriteString(r.Error.Message)
		if r.Error.Usage != "" {
			b.WriteString("\n" + locale.For(r.Lang).T("Usage: %s", r.Error.Usage))
		}
		return b.String()
	}
	if r.Title != "" {
		writeWrapped(&b, "", r.Title, width)
	}
	for _, s := range r.Sections {
		if s.empty() {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		s.writeText(&b, width)
	}
	return strings.TrimRight(b.String(), "\n")
}

// empty reports whether s has nothing to show, such as the fields of a
// contact with none set; it is left out rather than drawn as a blank line.
func (s Section) empty() bool {
	return s.Heading == "" && len(s.Fields) == 0 && s.Table == nil && s.Text == ""
}

func (s Section) writeText(b *strings.Builder, width int) {
	if s.Heading != "" {
		writeWrapped(b, "", s.Heading, width)
	}
	labels := 0
	for _, f := range s.Fields {
		labels = max(labels, utf8.RuneCountInString(f.Label))
	}
	for _, f := range s.Fields {
		writeWrapped(b, fmt.Sprintf("  %s%s  ", f.Label, strings.Repeat(" ", labels-utf8.RuneCountInString(f.Label))), f.Value, width)
	}
	if s.Table != nil {
		writeTable(b, s.Table, width)
	}
	if s.Text != "" {
		for _, para := range strings.Split(s.Text, "\n") {
			writeWrapped(b, "", para, width)
		}
	}
}

// writeWrapped writes lead then text, wrapped at spaces to width columns
// (0: not wrapped), the lines after the first indented as far as lead. A
// lead that leaves less than a third of the width is not kept as indent.
func writeWrapped(b *strings.Builder, lead, text string, width int) {
	indent := utf8.RuneCountInString(lead)
	if width <= 0 || indent+utf8.RuneCountInString(text) <= width {
		b.WriteString(strings.TrimRight(lead+text, " ") + "\n")
		return
	}
	if indent > 2*width/3 {
		b.WriteString(strings.TrimRight(lead, " ") + "\n")
		lead, indent = "    ", 4
	}
	line, n := lead, indent
	for i, w := range strings.Fields(text) {
		wn := utf8.RuneCountInString(w)
		if i > 0 && n+1+wn > width {
			b.WriteString(line + "\n")
			line, n = strings.Repeat(" ", indent), indent
		} else if i > 0 {
			line, n = line+" ", n+1
		}
		line, n = line+w, n+wn
	}
	b.WriteString(line + "\n")
}

func writeTable(b *strings.Builder, t *Table, width int) {
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
	lead := 1
	for _, w := range widths[:max(len(widths)-1, 0)] {
		lead += 1 + w
	}
	if width > 0 && lead > 2*width/3 {
		writeStacked(b, t, width)
		return
	}
	line := func(cells []string) {
		var l strings.Builder
		l.WriteString(" ")
		for i, cell := range cells {
			if i == len(widths)-1 {
				// The last column wraps under itself.
				writeWrapped(b, l.String()+" ", cell, width)
				return
			}
			l.WriteString(" " + cell + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)))
		}
		// A short row, or one ending in empty cells, has no trailing blanks.
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(t.Columns)
	for _, row := range t.Rows {
		line(row)
	}
}

// writeStacked writes a table too wide for width one row under another:
// its first cell, then the others under it, indented, each wrapped. The
// help's table, whose usages are long, reads so in a terminal.
func writeStacked(b *strings.Builder, t *Table, width int) {
	for _, row := range t.Rows {
		if len(row) == 0 {
			continue
		}
		writeWrapped(b, "  ", row[0], width)
		if rest := strings.Join(row[1:], " · "); strings.TrimSpace(rest) != "" {
			writeWrapped(b, "      ", rest, width)
		}
	}
}

// Wrap wraps text at spaces to width columns, for a terminal.
func Wrap(text string, width int) string {
	var b strings.Builder
	for _, para := range strings.Split(text, "\n") {
		writeWrapped(&b, "", para, width)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// slackUser matches a Slack member id: U… in a workspace, W… in an
// Enterprise Grid.
var slackUser = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// IsSlackUser reports whether id is a Slack member id (a contact added
// from the console has a local name as its owner instead).
func IsSlackUser(id string) bool { return slackUser.MatchString(id) }

// Person writes who id is: a Slack mention of a member id, which Slack
// shows as their name, else id as it is.
func Person(id string) string {
	if IsSlackUser(id) {
		return "<@" + id + ">"
	}
	return id
}
