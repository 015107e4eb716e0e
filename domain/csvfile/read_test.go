package csvfile_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
)

// readAll reads a whole file: its header, and each data row as
// "Where: cell|cell".
func readAll(t *testing.T, file string) (header []string, rows []string, err error) {
	t.Helper()
	r, err := csvfile.NewReader(strings.NewReader(file))
	if err != nil {
		return nil, nil, err
	}
	for {
		rec, err := r.Next()
		if err != nil || rec == nil {
			if err == nil && r.Rows() != len(rows) {
				t.Errorf("Rows() = %d, read %d", r.Rows(), len(rows))
			}
			return r.Header, rows, err
		}
		rows = append(rows, rec.Where().String()+": "+strings.Join(rec.Cells, "|"))
	}
}

func TestReaderTakesFilesAsSpreadsheetsWriteThem(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		header     []string
		rows       []string
	}{
		{"commas", "a,b\n1,2\n", []string{"a", "b"}, []string{"line 2: 1|2"}},
		{"semicolons win", "a;b,c;d\n1;2,5;3\n", []string{"a", "b,c", "d"}, []string{"line 2: 1|2,5|3"}},
		{"a tie is commas", "a;b,c\n", []string{"a;b", "c"}, nil},
		{"quoted separators do not count", "\"x;y;z\",b\n1,2\n", []string{"x;y;z", "b"}, []string{"line 2: 1|2"}},
		{"only the header line counts", "a,b\n1;2;3;4\n", []string{"a", "b"}, []string{"line 2: 1;2;3;4"}},
		{"byte order mark", "\uFEFFname;city\nJeanne;Lyon\n", []string{"name", "city"}, []string{"line 2: Jeanne|Lyon"}},
		{"Excel's sep line", "sep=;\r\na;b\r\n1,5;2\r\n", []string{"a", "b"}, []string{"line 2 (line 3 in a text editor): 1,5|2"}},
		{"sep line of commas", "SEP=,\na;b,c\n", []string{"a;b", "c"}, nil},
		{"sep line of tabs", "sep=\t\na\tb\n", []string{"a", "b"}, nil},
		{"not a sep line", "sep=;x\n1\n", []string{"sep=", "x"}, []string{"line 2: 1"}},
		{"sep line after a BOM", "\uFEFFsep=;\na;b\n", []string{"a", "b"}, nil},
		{"blank rows are left out", "a,b\n\n , \n1,2\n,\n", []string{"a", "b"}, []string{"line 4: 1|2"}},
		{"a cell of three lines is one row", "a;b\n\"x\ny\nz\";1\n2;3\n", []string{"a", "b"},
			[]string{"line 2: x\ny\nz|1", "line 3 (line 5 in a text editor): 2|3"}},
		{"short and long rows", "a,b\n1\n1,2,3\n", []string{"a", "b"}, []string{"line 2: 1", "line 3: 1|2|3"}},
		{"no end of line", "a,b\n1,2", []string{"a", "b"}, []string{"line 2: 1|2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header, rows, err := readAll(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(header, tc.header) || !slices.Equal(rows, tc.rows) {
				t.Errorf("read %q %q, want %q %q", header, rows, tc.header, tc.rows)
			}
		})
	}
}

func TestReaderSaysWhereAFileCannotBeRead(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"empty", "", "the file is empty: its first line must name the columns, as in name;email;phone"},
		{"blank", "\n\n", "the file is empty"},
		{"not UTF-8", "name\nJos\xe9\n", "line 2: the text is not UTF-8: save the file as \"CSV UTF-8\""},
		{"not UTF-8 header", "n\xe9m\n", "line 1: the text is not UTF-8"},
		{"quote never closed", "name;role\n\"A\";\"two\nlines\"\nB;\"never closed\nC;x\n",
			"line 3 (line 4 in a text editor): the file cannot be read (extraneous or missing \" in quoted-field): a cell that holds the separator, a quote or a line break must be in double quotes"},
		{"after a sep line", "sep=,\na\nx\"y\"\n", "line 2 (line 3 in a text editor): the file cannot be read (bare \" in non-quoted-field)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.file)
			if !domain.IsCode(err, domain.Invalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an Invalid error with %q", err, tc.want)
			}
		})
	}
}

func TestEachChunkGivesEveryRowInOrder(t *testing.T) {
	file := "n\n1\n2\n\n3\n4\n5\n"
	for _, tc := range []struct {
		n    int
		want []string
	}{
		{2, []string{"1 2", "3 4", "5"}},
		{5, []string{"1 2 3 4 5"}},
		{10, []string{"1 2 3 4 5"}},
	} {
		r, err := csvfile.NewReader(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		err = r.EachChunk(tc.n, func(chunk []*csvfile.Record) error {
			var cells []string
			for _, rec := range chunk {
				cells = append(cells, rec.Cells[0])
			}
			got = append(got, strings.Join(cells, " "))
			return nil
		})
		if err != nil || !slices.Equal(got, tc.want) || r.Rows() != 5 {
			t.Errorf("chunks of %d: %q, %d rows, %v; want %q", tc.n, got, r.Rows(), err, tc.want)
		}
	}
}

func TestEachChunkStopsAtAnError(t *testing.T) {
	stop := errors.New("stop")
	r, err := csvfile.NewReader(strings.NewReader("n\n1\n2\n3\n"))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	err = r.EachChunk(1, func([]*csvfile.Record) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("%d calls, %v", calls, err)
	}
	r, _ = csvfile.NewReader(strings.NewReader("n\n1\n\"2\n"))
	err = r.EachChunk(1, func([]*csvfile.Record) error { return nil })
	if !domain.IsCode(err, domain.Invalid) || !strings.Contains(err.Error(), "line 3: the file cannot be read") {
		t.Errorf("syntax error: %v", err)
	}
}
