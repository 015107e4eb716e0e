package command_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/locale"
)

// TestPersonas: customers of three planted kinds — builders in Lyon with a
// few employees, shops in Lille, clinics in Nantes with many — give three
// personas named after their traits, each a third of the customers; the
// card writes them in French too.
func TestPersonas(t *testing.T) {
	e := newEnv(t)
	e.exec.Personas = &personas.Service{Store: e.db, Now: e.clock.Now, Seed: 1}
	if r := e.ok(t, "personas"); !strings.HasPrefix(r.Title, "Not enough customers") {
		t.Errorf("no customers: %s", r.Text())
	}
	kinds := []struct{ sector, city, employees, amount string }{{"btp", "Lyon", "5", "300"}, {"commerce", "Lille", "30", "1200"}, {"santé", "Nantes", "120", "5000"}}
	for i := range 45 {
		k := kinds[i%3]
		e.ok(t, fmt.Sprintf(`add "Client %d" sector=%s city=%s employees=%s`, i, k.sector, k.city, k.employees))
		e.ok(t, fmt.Sprintf("sale C%d %s", i+1, k.amount))
	}
	r := e.ok(t, "personas")
	text := r.Text()
	if !strings.HasPrefix(r.Title, "3 personas from 45 customers") || strings.Count(text, "15 (33% of them)") != 3 {
		t.Fatalf("personas:\n%s", text)
	}
	for _, k := range kinds {
		if !strings.Contains(text, k.sector) || !strings.Contains(strings.ToLower(text), strings.ToLower(k.city)) {
			t.Errorf("no persona names %s in %s:\n%s", k.sector, k.city, text)
		}
	}
	// A prospect of the first kind is closest to its persona, on its card.
	e.ok(t, `add "Nouveau" sector=santé city=Nantes employees=120 stage=prospect`)
	card := e.ok(t, "show C46")
	if cp := card.Data.(*command.Card).Persona; cp == nil || !strings.Contains(cp.Persona.Name, "santé") ||
		!strings.Contains(card.Text(), "Closest persona: ") {
		t.Errorf("the prospect's card:\n%s", card.Text())
	}
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, "personas")
	if !fr.OK || !strings.Contains(fr.Text(), "3 personas tirés de 45 clients") || !strings.Contains(fr.Text(), "d'entre eux") {
		t.Errorf("personas in French:\n%s", fr.Text())
	}
}
