package csvfile_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
)

// people is a schema of three columns, two of them required, with a
// French name and attr.<name> columns.
var people = csvfile.Schema{
	Resolve: func(t string) (string, bool) {
		switch t {
		case "name", "nom":
			return "name", true
		case "email", "city":
			return t, true
		}
		if key, ok := strings.CutPrefix(t, domain.AttrPrefix); ok {
			return t, domain.ValidAttrKey(key)
		}
		return "", false
	},
	Names:    []string{"name", "email", "city"},
	Extra:    domain.M("and attr.<name>"),
	Required: []string{"name", "email"},
}

func TestReadHeaderRefusesWhatItCannotPlace(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		want   []string
	}{
		{"a typo", []string{"name", "emial"}, []string{
			"The header (line 1) needs fixing:",
			`line 1, column 2 ("emial"): "emial" is not a column of this kind of file: did you mean email?`,
			"Columns: name, email, city, and attr.<name>. Rename or delete the others: an unknown column is refused rather than its data dropped.",
			"the file has no email column: it needs name, email (in any order)"}},
		{"nothing near", []string{"name", "email", "zzzzzz"}, []string{
			`line 1, column 3 ("zzzzzz"): "zzzzzz" is not a column of this kind of file` + "\n"}},
		{"a bad attribute", []string{"Name", "Email", "attr.bad key"}, []string{
			`column 3 ("attr.bad key"): "bad key" is not a usable attribute name: use letters, digits, _ or -, as in attr.loyalty_card`}},
		{"a column twice", []string{"name", " Email ", "nom"}, []string{
			`line 1, column 3 ("nom"): this column sets name, as column 1 ("name") already does: keep only one of them`}},
		{"missing", []string{"city"}, []string{
			"line 1: the file has no name column: it needs name, email (in any order)",
			"line 1: the file has no email column"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := csvfile.ReadHeader(tc.header, people)
			if !domain.IsCode(err, domain.Invalid) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestColumnsReadCellsByName(t *testing.T) {
	cols, err := csvfile.ReadHeader([]string{" Nom ", "", "EMAIL", "attr.card"}, people)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range cols.List() {
		keys = append(keys, c.Key)
	}
	if strings.Join(keys, " ") != "name email attr.card" || !cols.Has("email") || cols.Has("city") {
		t.Errorf("columns %q", keys)
	}
	if cols.Title("name") != "Nom" || cols.Title("city") != "city" {
		t.Errorf("titles %q %q", cols.Title("name"), cols.Title("city"))
	}
	rec := &csvfile.Record{Line: 2, FileLine: 2, Cells: []string{" Jeanne ", "", "j@x.fr"}}
	if got := cols.Get(rec, "name") + "|" + cols.Get(rec, "email") + "|" + cols.Get(rec, "attr.card") + "|" + cols.Get(rec, "city"); got != "Jeanne|j@x.fr||" {
		t.Errorf("cells %q", got)
	}
}

func TestCheckWidthFindsValuesWithoutAColumn(t *testing.T) {
	cols, err := csvfile.ReadHeader([]string{"name", "", "email"}, people)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cells []string
		want  string
	}{
		{[]string{"A", "", "a@x.fr"}, ""},
		{[]string{"A", " ", "a@x.fr", "", " "}, ""},
		{[]string{"A"}, ""},
		{[]string{"A", "oops", "a@x.fr"}, `line 2, column 2: the header of this column is empty but the row has a value ("oops"): name the column, or delete the value`},
		{[]string{"A", "", "a@x.fr", "", "extra"}, `line 2, column 5: the row has a value ("extra") beyond the last column of the header: add a column name for it, or delete it`},
		{[]string{"A", "", "a@x.fr", strings.Repeat("é", 50)}, `("` + strings.Repeat("é", 40) + `…")`},
	} {
		var p csvfile.Problems
		cols.CheckWidth(&csvfile.Record{Line: 2, FileLine: 2, Cells: tc.cells}, &p)
		err := p.Err()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.cells, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: got %v, want %q", tc.cells, err, tc.want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  court  ", "court"},
		{strings.Repeat("a", 40), strings.Repeat("a", 40)},
		{strings.Repeat("é", 41), strings.Repeat("é", 40) + "…"},
	} {
		if got := csvfile.Clip(tc.in); got != tc.want {
			t.Errorf("Clip(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
