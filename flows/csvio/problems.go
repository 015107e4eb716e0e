package csvio

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/domain"
)

// maxShown is how many problems one error message lists.
const maxShown = 20

// problems gathers what is wrong with a file, so that one message tells the
// user every row to fix (up to maxShown of them).
type problems struct {
	list []problem
	rows map[int]bool // the lines that have at least one problem
	note string       // said once after the list, e.g. the valid columns
}

type problem struct {
	line int
	text string
}

// add records that the cell of column in rec is wrong; col may be "" for a
// row as a whole.
func (p *problems) add(rec *record, col, format string, args ...any) {
	if p.rows == nil {
		p.rows = map[int]bool{}
	}
	p.rows[rec.Line] = true
	where := rec.where()
	if col != "" {
		where += ", column " + col
	}
	p.list = append(p.list, problem{rec.Line, where + ": " + fmt.Sprintf(format, args...)})
}

// addErr records a validation error of the domain, dropping the "field: "
// prefix that Contact.Set puts before it since the column is named anyway.
func (p *problems) addErr(rec *record, col, field string, err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, field+": ")
	p.add(rec, col, "%s", msg)
}

// merge adds the problems of o to p.
func (p *problems) merge(o *problems) {
	p.list = append(p.list, o.list...)
	for line := range o.rows {
		if p.rows == nil {
			p.rows = map[int]bool{}
		}
		p.rows[line] = true
	}
	if o.note != "" {
		p.note = o.note
	}
}

// bad reports whether rec already has a problem.
func (p *problems) bad(rec *record) bool { return p.rows[rec.Line] }

// err returns nil when nothing is wrong, else one *domain.Error that lists
// the problems.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b problem) int { return cmp.Compare(a.line, b.line) })
	var b strings.Builder
	if n := len(p.rows); n == 1 && p.rows[1] {
		b.WriteString("The header (line 1) needs fixing:")
	} else if n == 1 {
		b.WriteString("1 row of the file needs fixing (the header is line 1):")
	} else {
		fmt.Fprintf(&b, "%d rows of the file need fixing (the header is line 1):", n)
	}
	for _, pr := range p.list[:min(len(p.list), maxShown)] {
		b.WriteString("\n" + pr.text)
	}
	if more := len(p.list) - maxShown; more > 0 {
		fmt.Fprintf(&b, "\n… and %d more problems, not shown: fix these first.", more)
	}
	if p.note != "" {
		b.WriteString("\n" + p.note)
	}
	b.WriteString("\nFix the file and import it again, whole: an import keeps all of its rows or none.")
	return domain.Errorf(domain.Invalid, "%s", b.String())
}
