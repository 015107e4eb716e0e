package csvio_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/locale"
)

// TestResultInFrench: what an import did reads in French with each count
// agreeing its words by French rules (0 and 1 singular), and in English
// as it always did.
func TestResultInFrench(t *testing.T) {
	fr := locale.For(locale.French).OnMissing(func(id string) { t.Errorf("no French for %q", id) })
	for _, c := range []struct {
		res    csvio.Result
		en, fr string
	}{
		{csvio.Result{Kind: csvio.Contacts, Rows: 1, Created: 1}, "1 contact (1 created, 0 updated)", "1 contact (1 créé, 0 mis à jour)"},
		{csvio.Result{Kind: csvio.Contacts, Rows: 5, Created: 2, Updated: 2, Unchanged: 1}, "5 contacts (2 created, 2 updated, 1 unchanged)", "5 contacts (2 créés, 2 mis à jour, 1 inchangé)"},
		{csvio.Result{Kind: csvio.Contacts, Rows: 0}, "0 contacts (0 created, 0 updated)", "0 contact (0 créé, 0 mis à jour)"},
		{csvio.Result{Kind: csvio.Orders, Created: 3, Customers: 0}, "3 orders (0 contacts became customers)", "3 commandes (0 contact devenu client)"},
		{csvio.Result{Kind: csvio.Orders, Created: 1, Customers: 1}, "1 order (1 contact became a customer)", "1 commande (1 contact devenu client)"},
		{csvio.Result{Kind: csvio.Orders, Created: 4, Customers: 2}, "4 orders (2 contacts became customers)", "4 commandes (2 contacts devenus clients)"},
		{csvio.Result{Kind: csvio.Interactions, Created: 1}, "1 interaction", "1 interaction"},
	} {
		if got := c.res.String(); got != c.en {
			t.Errorf("%+v in English: %q, want %q", c.res, got, c.en)
		}
		if got := locale.For(locale.English).Msg(c.res.Msg()); got != c.en {
			t.Errorf("%+v through the English printer: %q, want %q", c.res, got, c.en)
		}
		if got := fr.Msg(c.res.Msg()); got != c.fr {
			t.Errorf("%+v in French: %q, want %q", c.res, got, c.fr)
		}
	}
}

// TestImportRefusalInFrench: the refusal of a kind of file import does not
// know reads in French.
func TestImportRefusalInFrench(t *testing.T) {
	_, err := csvio.Import(context.Background(), nil, nil, now, "moves", strings.NewReader(""), "alice")
	de, ok := err.(*domain.Error)
	if !ok {
		t.Fatalf("want a *domain.Error, got %v", err)
	}
	want := `impossible d'importer "moves" : les types de fichier sont contacts, orders et interactions`
	if got := locale.For(locale.French).Msg(de); got != want {
		t.Errorf("in French: %q, want %q", got, want)
	}
}
