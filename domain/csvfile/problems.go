package csvfile

import (
	"cmp"
	"errors"
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
	list   []problem  // the first MaxShown problems found while reading
	late   []problem  // the first MaxShown problems of the file-wide checks
	total  int        // problems in all
	rows   int        // rows with at least one problem
	last   int        // the line of the last row with a problem
	header bool       // the header has a problem
	note   domain.Msg // said once after the list, e.g. the valid columns
}

// problem is one problem of the file, kept as a message for the transport
// to write in its reader's language.
type problem struct {
	line int
	text domain.Msg
}

// Add records that the cell of column col in rec is wrong, format and
// args saying what is wrong and how to write it; col may be "" for a row
// as a whole. Rows come in the order of the file. The message is kept as
// format and args (which may be domain.Msg values) for the transport to
// write in its reader's language.
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

func describe(rec *Record, col, format string, args ...any) domain.Msg {
	what := domain.M(format, args...)
	if col != "" {
		return domain.M("%s, column %s: %s", rec.Where(), col, what)
	}
	return domain.M("%s: %s", rec.Where(), what)
}

// AddErr records a validation error of the domain, dropping the "field: "
// prefix that Contact.Set puts before it since the column is named anyway.
func (p *Problems) AddErr(rec *Record, col, field string, err error) {
	p.Add(rec, col, "%s", withoutField(err, field))
}

// withoutField returns err without the "field: " prefix of an error of a
// field's value (domain.FieldErrorFormat): the domain.Error of the value
// itself, which the transport translates, or the text of another error.
func withoutField(err error, field string) any {
	var e *domain.Error
	if errors.As(err, &e) && e.Error() == err.Error() {
		if e.Format == domain.FieldErrorFormat && len(e.Args) == 2 && e.Args[0] == field {
			if inner, ok := e.Args[1].(*domain.Error); ok {
				return inner
			}
		}
		if !strings.HasPrefix(e.Error(), field+": ") {
			return e
		}
	}
	return strings.TrimPrefix(err.Error(), field+": ")
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
	lines := make([]domain.Msg, 0, len(shown)+4)
	if n := p.rows; n == 1 && p.header {
		lines = append(lines, domain.M("The header (line 1) needs fixing:"))
	} else {
		lines = append(lines, domain.Countf(n, "%d row of the file needs fixing (the header is line 1):", "%d rows of the file need fixing (the header is line 1):", n))
	}
	for _, pr := range shown {
		lines = append(lines, pr.text)
	}
	if more := p.total - len(shown); more > 0 {
		lines = append(lines, domain.Countf(more, moreProblems, moreProblems, more))
	}
	if p.note.Format != "" {
		lines = append(lines, p.note)
	}
	lines = append(lines, domain.M("Fix the file and import it again, whole: an import keeps all of its rows or none."))
	return domain.Errorf(domain.Invalid, "%s", domain.Join(lines, "\n"))
}

// moreProblems counts the problems Err leaves out; English writes it alike
// for one and many ("1 more problems", as it always did) but French does
// not, hence Countf.
const moreProblems = "… and %d more problems, not shown: fix these first."
