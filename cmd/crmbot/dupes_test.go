package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// TestImportReportsDuplicates: an import names its new contacts that are
// likely duplicates of others (same name and company, a +tag on an email,
// a typo), and with --merge folds the sure ones into the contacts they
// repeat, leaving the typo to a person.
func TestImportReportsDuplicates(t *testing.T) {
	for _, merge := range []bool{false, true} {
		dsn := storetest.DSN(t, "sqlite")
		run := func(args ...string) result {
			t.Helper()
			r := runCrmbot(t, dsn, nil, nil, args...)
			if r.code != 0 {
				t.Fatalf("%v: %+v", args, r)
			}
			return r
		}
		run("exec", `add "Jeanne Martin" company="Fromagerie Martin" email=jeanne@martin.fr`)
		run("exec", `add "Paul Durand" company="Durand SA"`)
		file := filepath.Join(t.TempDir(), "contacts.csv")
		os.WriteFile(file, []byte("name,company,email\n"+
			"JEANNE MARTIN,fromagerie martin,\n"+ // C3: same name and company as C1
			"J. Martin,Autre,jeanne+salon@martin.fr\n"+ // C4: C1's email with a +tag
			"Paula Durand,Durand SA,\n"+ // C5: a letter from C2
			"Marie Curie,Radium SA,\n"), 0o644)
		args := []string{"import", "contacts", file}
		if merge {
			args = append(args, "--merge")
		}
		out := run(args...).stdout
		for _, want := range []string{"3 likely duplicates among the new contacts:",
			"C3 JEANNE MARTIN (fromagerie martin) is likely C1 Jeanne Martin (Fromagerie Martin): same name and company (90%)",
			"C4 J. Martin (Autre) is likely C1 Jeanne Martin (Fromagerie Martin): same email once its +tag is dropped (95%)",
			"C5 Paula Durand (Durand SA) is likely C2 Paul Durand (Durand SA): names 1 letter apart at one company (60%)"} {
			if !strings.Contains(out, want) {
				t.Errorf("merge=%v: the import does not say %q:\n%s", merge, want, out)
			}
		}
		contacts := run("exec", "find limit=50").stdout
		if merge {
			if !strings.Contains(out, "Merged 2 of them") || strings.Contains(contacts, "C3 ") || strings.Contains(contacts, "C4 ") || !strings.Contains(contacts, "C5") {
				t.Errorf("--merge: %s\ncontacts now:\n%s", out, contacts)
			}
		} else if !strings.Contains(out, "--merge merges the sure ones") || !strings.Contains(contacts, "C3") {
			t.Errorf("without --merge: %s\ncontacts now:\n%s", out, contacts)
		}
	}
}
