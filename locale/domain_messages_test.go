package locale_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
	"github.com/crmbot/crmbot/locale"
)

// The messages domain keeps (throttle reasons, parse errors with their
// hints, an import's problems, plurals) come out in French through a
// printer, each of their parts translated, and none missing from the
// catalog.
func TestDomainMessagesInFrench(t *testing.T) {
	var missing []string
	fr := locale.For(locale.French).OnMissing(func(id string) { missing = append(missing, id) })
	since := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	until := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	var c domain.Contact
	for _, tc := range []struct {
		name string
		msg  locale.Formatted
		want string
	}{
		{"a cap of one (Countf)", domain.Reason{Code: domain.YearlyCap, Count: 1, Since: since, Until: until}.Text(),
			"déjà 1 questionnaire, le maximum sur 365 jours, envoyé le lun. 5 janv. 2026, 09:00 UTC : jusqu'au mar. 5 janv. 2027, 09:00 UTC"},
		{"a cap of four", domain.Reason{Code: domain.YearlyCap, Count: 4, Since: since, Until: until}.Text(),
			"déjà 4 questionnaires, le maximum sur 365 jours, le plus ancien le lun. 5 janv. 2026, 09:00 UTC : jusqu'au mar. 5 janv. 2027, 09:00 UTC"},
		{"a decision's summary, its reasons translated", domain.Decision{Outcome: domain.Deny, Reasons: []domain.Reason{{Code: domain.OptedOut}, {Code: domain.PrefersNever}}}.Summary(),
			"refusé : désinscrit : définitif tant que le client ne se réinscrit pas; le client a demandé à ne jamais recevoir de questionnaires"},
		{"a parse error with its hint", domainError(t, c.Set("budget", "12,3,4", time.Time{})),
			`budget: "12,3,4" n'est pas un montant : écrivez-le comme 1200, 1200,50 ou 1 200,50 €`},
		{"an unknown field: suggestion and attribute hint", domainError(t, c.Set("my card", "x", time.Time{})),
			`"my card" n'est pas un champ de contact. Champs : ` + strings.Join(domain.FieldNames(), ", ") + `. Pour un champ personnalisé, écrivez attr.nom=valeur.`},
		{"a plural (Countf), French's one for 0", domain.Countf(0, "%d row of the file needs fixing (the header is line 1):", "%d rows of the file need fixing (the header is line 1):", 0),
			"0 ligne du fichier est à corriger (l'en-tête est la ligne 1) :"},
	} {
		if got := fr.Msg(tc.msg); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no French for %q", missing)
	}
}

// An import's refused header reads in French line by line: the row, the
// column, each problem, the list of columns and what to do. Punctuation
// alone ("%s: %s", "; ") is written as it is in every language: French may
// leave out the space before a colon.
func TestImportProblemsInFrench(t *testing.T) {
	var missing []string
	fr := locale.For(locale.French).OnMissing(func(id string) { missing = append(missing, id) })
	_, err := csvfile.ReadHeader([]string{"name", "emial", "name"}, csvfile.Schema{
		Resolve: func(t string) (string, bool) { return t, t == "name" || t == "email" },
		Names:   []string{"name", "email"}, Extra: domain.M("and attr.<name> for a custom attribute (French names such as nom, ville or entreprise work too)"),
		Required: []string{"email"}})
	want := "L'en-tête (ligne 1) est à corriger :\n" +
		`ligne 1, colonne 2 ("emial") : "emial" n'est pas une colonne de ce type de fichier : vouliez-vous dire email ?` + "\n" +
		`ligne 1, colonne 3 ("name") : cette colonne renseigne name, comme la colonne 1 ("name") déjà : n'en gardez qu'une` + "\n" +
		"ligne 1: le fichier n'a pas de colonne email : il lui faut email (dans n'importe quel ordre)\n" +
		"Colonnes : name, email, et attr.<nom> pour un attribut personnalisé (les noms français comme nom, ville ou entreprise marchent aussi). " +
		"Renommez ou supprimez les autres : une colonne inconnue est refusée plutôt que ses données perdues.\n" +
		"Corrigez le fichier et importez-le de nouveau, en entier : un import garde toutes ses lignes ou aucune."
	if got := fr.Msg(domainError(t, err)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(missing) > 0 {
		t.Errorf("no French for %q", missing)
	}
}

// A field's error in an import loses its "field: " prefix (the column is
// named) and keeps its French.
func TestImportFieldErrorInFrench(t *testing.T) {
	var c domain.Contact
	var p csvfile.Problems
	p.AddErr(&csvfile.Record{Line: 2, FileLine: 2}, "Mail", "email", c.Set("email", "x", time.Time{}))
	err := p.Err()
	en := "1 row of the file needs fixing (the header is line 1):\n" +
		`line 2, column Mail: "x" is not an email address: write it like jeanne@example.fr` +
		"\nFix the file and import it again, whole: an import keeps all of its rows or none."
	fr := "1 ligne du fichier est à corriger (l'en-tête est la ligne 1) :\n" +
		`ligne 2, colonne Mail : "x" n'est pas une adresse e-mail : écrivez-la comme jeanne@example.fr` +
		"\nCorrigez le fichier et importez-le de nouveau, en entier : un import garde toutes ses lignes ou aucune."
	if err.Error() != en {
		t.Errorf("English:\n%s\nwant\n%s", err, en)
	}
	if got := locale.For(locale.French).Msg(domainError(t, err)); got != fr {
		t.Errorf("French:\n%s\nwant\n%s", got, fr)
	}
}

func domainError(t *testing.T, err error) *domain.Error {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not a *domain.Error", err)
	}
	return e
}
