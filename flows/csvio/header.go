package csvio

import (
	"fmt"
	"strings"

	"github.com/crmbot/crmbot/domain"
)

// schema describes the columns of one kind of file.
type schema struct {
	// resolve maps a header cell, already trimmed and in lower case, to the
	// canonical name of its column.
	resolve func(title string) (key string, ok bool)
	// names are the canonical column names, in the order messages list them.
	names []string
	// extra completes the list of columns in messages, e.g. attr.<name>.
	extra string
	// required are the columns a file must have.
	required []string
}

// column is a named header cell and what it was matched to.
type column struct {
	Index int    // position of the cell in each row
	Title string // as the header writes it
	Key   string // canonical name: a field name, attr.<name>, id, amount…
}

// columns is a resolved header.
type columns struct {
	list    []column
	at      map[string]int // canonical name → cell index
	width   int            // number of header cells
	unnamed []int          // cells whose header is empty
}

// has reports whether the file has a column for key.
func (c *columns) has(key string) bool {
	_, ok := c.at[key]
	return ok
}

// get returns the trimmed cell of column key in rec, "" when the row is
// shorter or the file has no such column.
func (c *columns) get(rec *record, key string) string {
	i, ok := c.at[key]
	if !ok || i >= len(rec.Cells) {
		return ""
	}
	return strings.TrimSpace(rec.Cells[i])
}

// title returns how the header names column key, for messages.
func (c *columns) title(key string) string {
	for _, col := range c.list {
		if col.Key == key {
			return col.Title
		}
	}
	return key
}

// readHeader matches the header cells to the columns of s. Unknown,
// repeated or missing columns are refused by name.
func readHeader(header []string, s schema) (*columns, error) {
	c := &columns{at: map[string]int{}, width: len(header)}
	var p problems
	rec := &record{Line: 1, FileLine: 1}
	for i, cell := range header {
		title := strings.TrimSpace(cell)
		if title == "" {
			c.unnamed = append(c.unnamed, i)
			continue
		}
		key, ok := s.resolve(strings.ToLower(title))
		if !ok {
			p.add(rec, colName(i, title), "%s", unknownColumn(title, s))
			p.note = validColumns(s)
			continue
		}
		if j, dup := c.at[key]; dup {
			p.add(rec, colName(i, title), "this column sets %s, as column %d (%q) already does: keep only one of them", key, j+1, strings.TrimSpace(header[j]))
			continue
		}
		c.at[key] = i
		c.list = append(c.list, column{Index: i, Title: title, Key: key})
	}
	for _, key := range s.required {
		if !c.has(key) {
			p.add(rec, "", "the file has no %s column: it needs %s (in any order)", key, strings.Join(s.required, ", "))
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func colName(i int, title string) string {
	return fmt.Sprintf("%d (%q)", i+1, title)
}

// unknownColumn says that title names no column and suggests the nearest
// name.
func unknownColumn(title string, s schema) string {
	if key, ok := strings.CutPrefix(strings.ToLower(title), domain.AttrPrefix); ok {
		return fmt.Sprintf("%q is not a usable attribute name: use letters, digits, _ or -, as in %sloyalty_card", key, domain.AttrPrefix)
	}
	msg := fmt.Sprintf("%q is not a column of this kind of file", title)
	if near := domain.Nearest(title, s.names); near != "" {
		msg += fmt.Sprintf(": did you mean %s?", near)
	}
	return msg
}

// validColumns lists the columns of s, and says why an unknown one is
// refused.
func validColumns(s schema) string {
	msg := "Columns: " + strings.Join(s.names, ", ")
	if s.extra != "" {
		msg += ", " + s.extra
	}
	return msg + ". Rename or delete the others: an unknown column is refused rather than its data dropped."
}

// checkWidth reports cells that no column names: beyond the header, or
// under an empty header cell. Empty ones are harmless and ignored.
func (c *columns) checkWidth(rec *record, p *problems) {
	for i := c.width; i < len(rec.Cells); i++ {
		if strings.TrimSpace(rec.Cells[i]) != "" {
			p.add(rec, fmt.Sprint(i+1), "the row has a value (%q) beyond the last column of the header: add a column name for it, or delete it", clip(rec.Cells[i]))
			return
		}
	}
	for _, i := range c.unnamed {
		if i < len(rec.Cells) && strings.TrimSpace(rec.Cells[i]) != "" {
			p.add(rec, fmt.Sprint(i+1), "the header of this column is empty but the row has a value (%q): name the column, or delete the value", clip(rec.Cells[i]))
		}
	}
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// errInvalid is a convenience for user errors of this package.
func errInvalid(format string, args ...any) error {
	return domain.Errorf(domain.Invalid, format, args...)
}
