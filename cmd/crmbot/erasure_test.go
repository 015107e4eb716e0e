package main

import (
	"path/filepath"
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
}
