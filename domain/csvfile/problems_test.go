package csvfile_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
)

func row(line int) *csvfile.Record { return &csvfile.Record{Line: line, FileLine: line} }

func TestProblemsNoneIsNoError(t *testing.T) {
	var p csvfile.Problems
	if err := p.Err(); err != nil || p.Total() != 0 || p.Bad(row(2)) {
		t.Errorf("empty problems: %v, %d", err, p.Total())
	}
}

func TestProblemsMessage(t *testing.T) {
	const end = "\nFix the file and import it again, whole: an import keeps all of its rows or none."
	for _, tc := range []struct {
		name string
		fill func(p *csvfile.Problems)
		want string
	}{
		{"one row", func(p *csvfile.Problems) {
			p.Add(row(3), "email", "%q is wrong", "x")
			p.Add(row(3), "", "and the row too")
		}, "1 row of the file needs fixing (the header is line 1):\nline 3, column email: \"x\" is wrong\nline 3: and the row too" + end},
		{"the header", func(p *csvfile.Problems) {
			p.Add(row(1), "2 (\"x\")", "unknown")
		}, "The header (line 1) needs fixing:\nline 1, column 2 (\"x\"): unknown" + end},
		{"a row edited over lines", func(p *csvfile.Problems) {
			p.Add(&csvfile.Record{Line: 4, FileLine: 6}, "kind", "bad")
		}, "1 row of the file needs fixing (the header is line 1):\nline 4 (line 6 in a text editor), column kind: bad" + end},
		{"a domain error loses its field", func(p *csvfile.Problems) {
			p.AddErr(row(2), "Mail", "email", errors.New("email: not an address"))
			p.AddErr(row(5), "n", "", errors.New("not a number"))
		}, "2 rows of the file need fixing (the header is line 1):\nline 2, column Mail: not an address\nline 5, column n: not a number" + end},
		{"late problems in line order", func(p *csvfile.Problems) {
			p.Add(row(2), "", "early")
			p.Add(row(9), "", "early")
			p.AddLate(row(7), "email", "twice")
			p.AddLate(row(3), "email", "twice")
			p.Count(2, 2)
		}, "4 rows of the file need fixing (the header is line 1):\nline 2: early\nline 3, column email: twice\nline 7, column email: twice\nline 9: early" + end},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p csvfile.Problems
			tc.fill(&p)
			err := p.Err()
			if !domain.IsCode(err, domain.Invalid) || err.Error() != tc.want {
				t.Errorf("got\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}

func TestProblemsKeepTheFirstAndCountTheRest(t *testing.T) {
	var p csvfile.Problems
	for line := 2; line < 2+25; line++ {
		p.Add(row(line), "n", "bad %d", line)
		p.Add(row(line), "m", "worse %d", line)
		if !p.Bad(row(line)) || p.Bad(row(line+1)) {
			t.Fatalf("Bad is wrong at line %d", line)
		}
	}
	msg := p.Err().Error()
	if p.Total() != 50 || strings.Count(msg, "\nline ") != csvfile.MaxShown {
		t.Errorf("%d problems, %d shown:\n%s", p.Total(), strings.Count(msg, "\nline "), msg)
	}
	for _, w := range []string{"25 rows of the file need fixing", "line 11, column m: worse 11\n…", fmt.Sprintf("… and %d more problems, not shown: fix these first.", 50-csvfile.MaxShown)} {
		if !strings.Contains(msg, w) {
			t.Errorf("message lacks %q:\n%s", w, msg)
		}
	}
}
