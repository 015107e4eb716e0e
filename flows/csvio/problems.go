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
// user the rows to fix: the first maxShown problems by line, and how many
// there are in all. Rows are checked in the order of the file, so the
// first problems found are the first by line; the file-wide checks that
// run at the end add theirs with addLate. It keeps no more than that,
// however many rows are wrong.
type problems struct {
	list   []problem // the first maxShown problems found while reading
	late   []problem // the first maxShown problems of the file-wide checks
	total  int       // problems in all
	rows   int       // rows with at least one problem
	last   int       // the line of the last row with a problem
	header bool      // the header has a problem
	note   string    // said once after the list, e.g. the valid columns
}

type problem struct {
	line int
	text string
}

// add records that the cell of column in rec is wrong; col may be "" for a
// row as a whole. Rows come in the order of the file.
func (p *problems) add(rec *record, col, format string, args ...any) {
	if !p.bad(rec) {
		p.rows++
		p.last = rec.Line
	}
	p.header = p.header || rec.Line == 1
	p.total++
	if len(p.list) < maxShown {
		p.list = append(p.list, problem{rec.Line, describe(rec, col, format, args...)})
	}
}

// addLate records one of the first problems of a file-wide check, which
// may come in any order; count counts them all.
func (p *problems) addLate(rec *record, col, format string, args ...any) {
	p.late = append(p.late, problem{rec.Line, describe(rec, col, format, args...)})
}

// count adds the problems of the file-wide checks: total of them, on
// newRows rows that had no problem before.
func (p *problems) count(total, newRows int) {
	p.total += total
	p.rows += newRows
}

func describe(rec *record, col, format string, args ...any) string {
	where := rec.where()
	if col != "" {
		where += ", column " + col
	}
	return where + ": " + fmt.Sprintf(format, args...)
}

// addErr records a validation error of the domain, dropping the "field: "
// prefix that Contact.Set puts before it since the column is named anyway.
func (p *problems) addErr(rec *record, col, field string, err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, field+": ")
	p.add(rec, col, "%s", msg)
}

// bad reports whether rec already has a problem.
func (p *problems) bad(rec *record) bool { return p.rows > 0 && p.last == rec.Line }

// err returns nil when nothing is wrong, else one *domain.Error that lists
// the problems.
func (p *problems) err() error {
	if p.total == 0 {
		return nil
	}
	shown := slices.Concat(p.list, p.late)
	slices.SortStableFunc(shown, func(a, b problem) int { return cmp.Compare(a.line, b.line) })
	shown = shown[:min(len(shown), maxShown)]
	var b strings.Builder
	if n := p.rows; n == 1 && p.header {
		b.WriteString("The header (line 1) needs fixing:")
	} else if n == 1 {
		b.WriteString("1 row of the file needs fixing (the header is line 1):")
	} else {
		fmt.Fprintf(&b, "%d rows of the file need fixing (the header is line 1):", n)
	}
	for _, pr := range shown {
		b.WriteString("\n" + pr.text)
	}
	if more := p.total - len(shown); more > 0 {
		fmt.Fprintf(&b, "\n… and %d more problems, not shown: fix these first.", more)
	}
	if p.note != "" {
		b.WriteString("\n" + p.note)
	}
	b.WriteString("\nFix the file and import it again, whole: an import keeps all of its rows or none.")
	return domain.Errorf(domain.Invalid, "%s", b.String())
}
