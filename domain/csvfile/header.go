package csvfile

import (
	"fmt"
	"strings"

	"github.com/crmbot/crmbot/domain"
)

// Schema describes the columns of one kind of file: the names a header
// may give them and which ones a file must have.
type Schema struct {
	// Resolve maps a header cell, already trimmed and in lower case, to
	// the canonical name of its column, so that a schema can take other
	// names (French ones, say) or open-ended ones such as attr.<name>.
	Resolve func(title string) (key string, ok bool)
	// Names are the canonical column names, in the order messages list
	// them; an unknown column is compared with them for a suggestion.
	Names []string
	// Extra completes the list of columns in messages, e.g. attr.<name>:
	// a message, which the transport translates.
	Extra domain.Msg
	// Required are the columns a file must have.
	Required []string
}

// Column is a named header cell and what it was matched to.
type Column struct {
	Index int    // position of the cell in each row
	Title string // as the header writes it, to name the column in messages
	Key   string // canonical name: a field name, attr.<name>, id, amount…
}

// Columns is a header matched to a Schema: where each column is in a row.
type Columns struct {
	list    []Column
	at      map[string]int // canonical name → cell index
	width   int            // number of header cells
	unnamed []int          // cells whose header is empty
}

// List returns the columns of the file, in the order of the header. The
// slice is the Columns' own: the caller must not change it.
func (c *Columns) List() []Column { return c.list }

// Has reports whether the file has a column for key.
func (c *Columns) Has(key string) bool {
	_, ok := c.at[key]
	return ok
}

// Get returns the trimmed cell of column key in rec, "" when the row is
// shorter or the file has no such column: a short row is read as one
// whose last cells are empty, as a spreadsheet shows it.
func (c *Columns) Get(rec *Record, key string) string {
	i, ok := c.at[key]
	if !ok || i >= len(rec.Cells) {
		return ""
	}
	return strings.TrimSpace(rec.Cells[i])
}

// Cell is Get for a column of List, found without looking its key up.
func (c *Columns) Cell(rec *Record, col Column) string {
	if col.Index >= len(rec.Cells) {
		return ""
	}
	return strings.TrimSpace(rec.Cells[col.Index])
}

// Title returns how the header names column key, for messages: the user
// looks for the name the file uses, not the canonical one.
func (c *Columns) Title(key string) string {
	for _, col := range c.list {
		if col.Key == key {
			return col.Title
		}
	}
	return key
}

// ReadHeader matches the header cells to the columns of s. Unknown,
// repeated or missing columns are refused by name in one *domain.Error
// (code Invalid) that lists them all, an unknown one with the nearest
// name of s: a typo must not drop a column's data silently.
func ReadHeader(header []string, s Schema) (*Columns, error) {
	c := &Columns{at: map[string]int{}, width: len(header)}
	var p Problems
	rec := &Record{Line: 1, FileLine: 1}
	for i, cell := range header {
		title := strings.TrimSpace(cell)
		if title == "" {
			c.unnamed = append(c.unnamed, i)
			continue
		}
		key, ok := s.Resolve(strings.ToLower(title))
		if !ok {
			p.Add(rec, colName(i, title), "%s", unknownColumn(title, s))
			p.note = validColumns(s)
			continue
		}
		if j, dup := c.at[key]; dup {
			p.Add(rec, colName(i, title), "this column sets %s, as column %d (%q) already does: keep only one of them", key, j+1, strings.TrimSpace(header[j]))
			continue
		}
		c.at[key] = i
		c.list = append(c.list, Column{Index: i, Title: title, Key: key})
	}
	for _, key := range s.Required {
		if !c.Has(key) {
			p.Add(rec, "", "the file has no %s column: it needs %s (in any order)", key, strings.Join(s.Required, ", "))
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func colName(i int, title string) string {
	return fmt.Sprintf("%d (%q)", i+1, title)
}

// unknownColumn says that title names no column and suggests the nearest
// name.
func unknownColumn(title string, s Schema) domain.Msg {
	if key, ok := strings.CutPrefix(strings.ToLower(title), domain.AttrPrefix); ok {
		return domain.M("%q is not a usable attribute name: use letters, digits, _ or -, as in %sloyalty_card", key, domain.AttrPrefix)
	}
	if near := domain.Nearest(title, s.Names); near != "" {
		return domain.M("%q is not a column of this kind of file: did you mean %s?", title, near)
	}
	return domain.M("%q is not a column of this kind of file", title)
}

// validColumns lists the columns of s, and says why an unknown one is
// refused.
func validColumns(s Schema) domain.Msg {
	var names any = strings.Join(s.Names, ", ")
	if s.Extra.Format != "" {
		names = domain.M("%s, %s", names, s.Extra)
	}
	return domain.M("Columns: %s. Rename or delete the others: an unknown column is refused rather than its data dropped.", names)
}

// CheckWidth adds to p the cells of rec that no column names: beyond the
// header, or under an empty header cell, whose value would otherwise be
// dropped without a word. Empty ones are harmless and ignored.
func (c *Columns) CheckWidth(rec *Record, p *Problems) {
	for i := c.width; i < len(rec.Cells); i++ {
		if strings.TrimSpace(rec.Cells[i]) != "" {
			p.Add(rec, fmt.Sprint(i+1), "the row has a value (%q) beyond the last column of the header: add a column name for it, or delete it", Clip(rec.Cells[i]))
			return
		}
	}
	for _, i := range c.unnamed {
		if i < len(rec.Cells) && strings.TrimSpace(rec.Cells[i]) != "" {
			p.Add(rec, fmt.Sprint(i+1), "the header of this column is empty but the row has a value (%q): name the column, or delete the value", Clip(rec.Cells[i]))
		}
	}
}

// Clip shortens a value quoted in a message to 40 characters, so that a
// long cell does not bury the message that names it.
func Clip(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
