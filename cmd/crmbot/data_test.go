package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// importFiles are the files of an import in the team's language, in
// order: contacts (new ones, then one updated and one given as it is),
// orders that make customers, orders of customers already, interactions.
var importFiles = []struct{ kind, name, text string }{
	{"contacts", "one.csv", "name,email\nJeanne Martin,jeanne@martin.fr\n"},
	{"contacts", "contacts.csv", "id,name,email,city\nC1,Jeanne Martin,jeanne@martin.fr,Lyon\n,Paul Durand,paul@durand.fr,\n,Anne Petit,anne@petit.fr,\n"},
	{"contacts", "again.csv", "id,name,email,city\nC1,Jeanne Martin,jeanne@martin.fr,Lyon\nC2,Paul Durand,paul@durand.fr,Nantes\n"},
	{"orders", "orders.csv", "contact,amount,date\nC1,100,2026-11-02\nC2,\"1 200,50 €\",20/11/2026\n"},
	{"orders", "more.csv", "contact,amount,date\nC1,50,2026-11-03\n"},
	{"interactions", "calls.csv", "contact,kind,date\nC3,call,2026-11-20\n"},
}

// importReports imports importFiles into a new database, with env and
// args after the file, and returns each report (stdout) or failure.
func importReports(t *testing.T, env []string, args ...string) []string {
	t.Helper()
	dsn, dir := storetest.DSN(t, "sqlite"), t.TempDir()
	var out []string
	for _, f := range importFiles {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte(f.text), 0o644); err != nil {
			t.Fatal(err)
		}
		r := crmbotEnv(t, dsn, env, append([]string{"import", f.kind, path}, args...)...)
		if r.code != 0 {
			t.Fatalf("import %s %s: %+v", f.kind, f.name, r)
		}
		out = append(out, r.stdout)
	}
	return out
}

var number = regexp.MustCompile(`\d+`)

// figures returns the counts of an import's report, the file's path and
// the time it took left out.
func figures(report string) []string {
	if _, counts, ok := strings.Cut(report, " : "); ok { // French: file importé en …s : counts.
		report = counts
	} else { // English: Imported counts from file in …
		report, _, _ = strings.Cut(report, " from ")
	}
	return number.FindAllString(report, -1)
}

// TestImportReportsInTheTeamsLanguage: crmbot import writes its report in
// French with --lang fr or CRMBOT_TEAM_LANGUAGE=fr, each count agreeing
// its words by French rules (1 and 0 singular), with the figures of the
// English report; --lang en overrides the team's French.
func TestImportReportsInTheTeamsLanguage(t *testing.T) {
	t.Parallel()
	english := importReports(t, nil)
	flag := importReports(t, nil, "--lang", "fr")
	team := importReports(t, []string{"CRMBOT_TEAM_LANGUAGE=fr"})
	wants := []string{
		"1 contact (1 créé, 0 mis à jour).",
		"3 contacts (2 créés, 1 mis à jour).",
		"2 contacts (0 créé, 1 mis à jour, 1 inchangé).",
		"2 commandes (2 contacts devenus clients).",
		"1 commande (0 contact devenu client).",
		"1 interaction.",
	}
	for i, f := range importFiles {
		for _, fr := range []string{flag[i], team[i]} {
			if !strings.Contains(fr, string(filepath.Separator)+f.name+" importé en ") || !strings.HasSuffix(fr, " : "+wants[i]+"\n") {
				t.Errorf("import %s in French:\n got %q\nwant %q", f.name, fr, f.name+" importé en … : "+wants[i])
			}
			if en, got := figures(english[i]), figures(fr); !slices.Equal(en, got) {
				t.Errorf("import %s: the French report's figures %v differ from the English %v:\n%s%s", f.name, got, en, fr, english[i])
			}
		}
	}
	if !strings.HasPrefix(english[0], "Imported 1 contact (1 created, 0 updated) from ") {
		t.Errorf("in English: %q", english[0])
	}
	if again := importReports(t, []string{"CRMBOT_TEAM_LANGUAGE=fr"}, "--lang", "en"); !strings.HasPrefix(again[3], "Imported 2 orders (2 contacts became customers) from ") {
		t.Errorf("--lang en over a French team: %q", again[3])
	}
}

// TestImportAndExportRefusalsInFrench: a failed import lists its problems
// in French, line by line, and says that nothing was imported; the refusals of crmbot
// import and export's own arguments read in French; a language crmbot
// does not write is refused with the two it does.
func TestImportAndExportRefusalsInFrench(t *testing.T) {
	t.Parallel()
	dsn, dir := storetest.DSN(t, "sqlite"), t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("name,email\nJeanne Martin,jeanne@martin.fr\n,paul@durand.fr\n"), 0o644)
	r := crmbot(t, dsn, "import", "contacts", bad, "--lang", "fr")
	if r.code != 1 || !strings.HasPrefix(r.stderr, bad+" : 1 ligne du fichier est à corriger") ||
		!strings.Contains(r.stderr, "\nligne 3, colonne name : le nom est vide : chaque contact a besoin d'un nom\n") ||
		!strings.HasSuffix(r.stderr, "\nRien n'a été importé.\n") {
		t.Errorf("a bad contacts file in French: %+v", r)
	}
	orders := filepath.Join(dir, "orders.csv")
	os.WriteFile(orders, []byte("contact,amount,date\nC9,100,2026-11-02\nC9,5,2099-01-31\n"), 0o644)
	r = crmbot(t, dsn, "import", "orders", orders, "--lang", "fr")
	for _, want := range []string{" : 2 lignes du fichier sont à corriger", "\nligne 2, colonne contact : aucun contact trouvé pour C9 : ",
		"\nligne 3, colonne date : le 31/01/2099 est dans le futur : "} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("a bad orders file in French: want %q in\n%s", want, r.stderr)
		}
	}
	fr := []string{"CRMBOT_TEAM_LANGUAGE=fr"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "moves", bad}, `crmbot: importer quoi ? Utilisez crmbot import contacts|orders|interactions FICHIER.csv (reçu "moves")`},
		{[]string{"export", "things"}, `crmbot: exporter quoi ? Utilisez crmbot export contacts|orders|interactions|moves|answers|consent|suppressed [--format csv|json] (reçu "things")`},
		{[]string{"export", "contacts", "--format", "xml"}, `crmbot: --format vaut csv ou json (reçu "xml")`},
	} {
		if r := crmbotEnv(t, dsn, fr, c.args...); r.code != 1 || strings.TrimSpace(r.stderr) != c.want {
			t.Errorf("%v in French: %+v, want %q", c.args, r, c.want)
		}
	}
	if r := crmbot(t, dsn, "export", "contacts", "--lang", "de"); r.code != 1 || !strings.Contains(r.stderr, `--lang "de": use en or fr`) {
		t.Errorf("--lang de: %+v", r)
	}
	if r := crmbotEnv(t, dsn, fr, "export", "contacts"); r.code != 0 || !strings.HasPrefix(r.stdout, "id,name,") {
		t.Errorf("an export in French keeps its English columns: %+v", r)
	}
}
