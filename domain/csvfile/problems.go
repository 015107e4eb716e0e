package csvfile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/domain"
)

// MaxShown is how many problems one error message lists: enough to fix
// a file in one go when a few rows are wrong, few enough to read when a
// whole column is.
const MaxShown = 20

// Problems gathers what is wrong with a file, so that one message tells
// the user the rows to fix: the first MaxShown problems by line, and how
// many there are in all. Rows are checked in the order of the file, so the
// first problems found are the first by line; the file-wide checks that
// run at the end add theirs with AddLate. It keeps no more than that,
// however many rows are wrong. The zero value is an empty list.
type Problems struct {
	list   []problem // the first MaxShown problems found while reading
	late   []problem // the first MaxShown problems of the file-wide checks
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

// Add records that the cell of column col in rec is wrong, format and
// args saying what is wrong and how to write it; col may be "" for a row
// as a whole. Rows come in the order of the file.
func (p *Problems) Add(rec *Record, col, format string, args ...any) {
	if !p.Bad(rec) {
		p.rows++
		p.last = rec.Line
	}
	p.header = p.header || rec.Line == 1
	p.total++
	if len(p.list) < MaxShown {
		p.list = append(p.list, problem{rec.Line, describe(rec, col, format, args...)})
	}
}

// AddLate records one of the first problems of a file-wide check (a value
// given twice, say), which may come in any order; Count counts them all.
func (p *Problems) AddLate(rec *Record, col, format string, args ...any) {
	p.late = append(p.late, problem{rec.Line, describe(rec, col, format, args...)})
}

// Count adds the problems of the file-wide checks: total of them, on
// newRows rows that had no problem before.
func (p *Problems) Count(total, newRows int) {
	p.total += total
	p.rows += newRows
}

func describe(rec *Record, col, format string, args ...any) string {
	where := rec.Where()
	if col != "" {
		where += ", column " + col
	}
	return where + ": " + fmt.Sprintf(format, args...)
}

// AddErr records a validation error of the domain, dropping the "field: "
// prefix that Contact.Set puts before it since the column is named anyway.
func (p *Problems) AddErr(rec *Record, col, field string, err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, field+": ")
	p.Add(rec, col, "%s", msg)
}

// Bad reports whether rec already has a problem, so that a row's later
// checks, which would only repeat the first, can be skipped.
func (p *Problems) Bad(rec *Record) bool { return p.rows > 0 && p.last == rec.Line }

// Total returns how many problems there are so far, shown or not.
func (p *Problems) Total() int { return p.total }

// Err returns nil when nothing is wrong, else one *domain.Error (code
// Invalid) that lists the problems by line, counts those it leaves out,
// and asks for the whole file again: an import keeps all of its rows or
// none.
func (p *Problems) Err() error {
	if p.total == 0 {
		return nil
	}
	shown := slices.Concat(p.list, p.late)
	slices.SortStableFunc(shown, func(a, b problem) int { return cmp.Compare(a.line, b.line) })
	shown = shown[:min(len(shown), MaxShown)]
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
