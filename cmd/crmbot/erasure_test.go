package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// An admin's forget, through the binary: afterwards the SQLite file holds
// none of the person's strings, read byte by byte, nor does its log.
func TestForgetThroughTheBinaryLeavesNoTrace(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "crm.db")
	personal := []string{"Gwendoline Kerhervé", "gwendoline@kerherve.example", "0677889900", "Crêperie Kerhervé",
		"Plougastel", "rappeler après la marée"}
	steps := [][]string{
		{"exec", `add "Voisine Une" city=Brest`},
		{"exec", `add "` + personal[0] + `" email=` + personal[1] + ` phone=` + personal[2] + ` company="` + personal[3] + `" city=` + personal[4]},
		{"exec", `add "Voisine Deux" city=Brest`},
		{"exec", "log C2 call " + personal[5]},
		{"exec", "--as", "U0ADMIN", "forget C2 confirm"},
	}
	for _, args := range steps {
		if r := runBinary(t, dsn, nil, nil, args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	if left := storetest.Lingering(t, dsn, append(personal, "Kerhervé", "gwendoline")...); len(left) > 0 {
		t.Errorf("the file still holds %q after forget", left)
	}
	if left := storetest.Lingering(t, dsn, "Voisine Deux"); len(left) == 0 {
		t.Error("the neighbours are gone too")
	}
	// Re-imported next month from an old spreadsheet, the person is not
	// asked again: the suppression list (keyed hashes) outlives them.
	file := filepath.Join(t.TempDir(), "again.csv")
	os.WriteFile(file, []byte("name,email,phone\nG. Kerhervé,GWENDOLINE@kerherve.example,+33 6 77 88 99 00\nVoisine Trois,trois@voisine.example,\n"), 0o644)
	if r := runBinary(t, dsn, nil, nil, "import", "contacts", file); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	if r := runBinary(t, dsn, nil, nil, "exec", "why C4"); r.code != 0 || !regexp.MustCompile(`suppressed +on the suppression list`).MatchString(r.stdout) || !strings.Contains(r.stdout, "was") {
		t.Errorf("why C4 (the person re-imported): %+v", r)
	}
	if r := runBinary(t, dsn, nil, nil, "exec", "show C4"); !strings.Contains(r.stdout, "opted out from the start") {
		t.Errorf("show C4 does not say why it is opted out: %s", r.stdout)
	}
	if r := runBinary(t, dsn, nil, nil, "exec", "why C5"); strings.Contains(r.stdout, "suppression list") {
		t.Errorf("why C5 (a neighbour never asked): %s", r.stdout)
	}
	if r := runBinary(t, dsn, nil, nil, "exec", "survey send satisfaction to C4"); !strings.Contains(r.stdout+r.stderr, "suppress") {
		t.Errorf("survey send to C4: %+v", r)
	}
	if r := runBinary(t, dsn, nil, nil, "exec", "suppressed"); !strings.Contains(r.stdout, "1 contact is on the suppression list") ||
		!strings.Contains(r.stdout, "C4 G. Kerhervé") || !strings.Contains(r.stdout, "2 from erasures; 1 person erased") {
		t.Errorf("suppressed: %+v", r)
	}
	r := runBinary(t, dsn, nil, nil, "export", "suppressed")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "hash,kind,reason,date\n") || strings.Count(r.stdout, ",erased,") != 2 {
		t.Errorf("export suppressed: %+v", r)
	}
	for _, s := range append(personal, "gwendoline", "+33677889900") {
		if strings.Contains(r.stdout, s) {
			t.Errorf("export suppressed holds %q", s)
		}
	}
}
