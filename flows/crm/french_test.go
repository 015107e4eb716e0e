package crm_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
)

// TestErrorsInFrench: the sales commands' refusals read in French through
// the printer a transport holds, with the same facts as in English (the
// contact, the field, the value; the date day first), and the notes crmbot
// writes on moves are in the language of who made the change.
func TestErrorsInFrench(t *testing.T) {
	fr := locale.For(locale.French)
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		jeanne := f.add("Jeanne Martin", "email", "jeanne@martin.fr", "company", "Fromagerie Martin")
		_, err := f.svc.Add(ctx, "U1", "Other", set("email", "jeanne@martin.fr"), false)
		want := "C1 Jeanne Martin (Fromagerie Martin) a déjà le même e-mail (jeanne@martin.fr) : rien n'a été créé. Consultez-le avec voir C1, ou modifiez-le avec modifier C1."
		if got := frenchMsg(t, err); got != want {
			t.Errorf("duplicate email in French:\n got %q\nwant %q", got, want)
		}
		if !strings.Contains(err.Error(), "already has the email jeanne@martin.fr") {
			t.Errorf("in English: %v", err)
		}
		_, _, err = f.svc.Sale(ctx, "U1", jeanne.Ref(), 1000, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), "")
		if got := frenchMsg(t, err); !strings.HasPrefix(got, "la date de vente 03/12/2026 est dans le futur") {
			t.Errorf("future sale in French: %q", got)
		}
		if !strings.Contains(err.Error(), "the sale date 2026-12-03 is in the future") {
			t.Errorf("in English: %v", err)
		}
		_, err = f.svc.Resolve(ctx, "Durand")
		if got := frenchMsg(t, err); got != `aucun contact ne correspond à "Durand" : essayez chercher name~Durand, ou un identifiant comme C42` {
			t.Errorf("unknown contact in French: %q", got)
		}

		_, _, err = f.svc.Sale(locale.With(ctx, fr), "U2", jeanne.Ref(), 120050, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), "")
		if err != nil {
			t.Fatal(err)
		}
		moves, err := f.db.RecentMoves(ctx, jeanne.ID, 1)
		if err != nil || len(moves) != 1 || moves[0].Note != "vente de 1 200,50 €" {
			t.Errorf("the move of a sale made in French: %+v, %v", moves, err)
		}
	})
}

// frenchMsg writes err as a transport of a French reader does.
func frenchMsg(t *testing.T, err error) string {
	t.Helper()
	de, ok := err.(*domain.Error)
	if !ok {
		t.Fatalf("want a *domain.Error, got %T %v", err, err)
	}
	var missing []string
	p := locale.For(locale.French).OnMissing(func(id string) { missing = append(missing, id) })
	s := p.Msg(de)
	if len(missing) > 0 {
		t.Errorf("no French for %q", missing)
	}
	return s
}
