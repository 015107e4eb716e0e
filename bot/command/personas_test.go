package command_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
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

// plantPersonas adds customers of three planted kinds, 15 of each (Client
// 0, 3, 6… builders in Lyon), runs personas and returns the number of the
// persona named after each kind's sector.
func plantPersonas(t *testing.T, e *env) map[string]int {
	t.Helper()
	if e.exec.Personas == nil {
		e.exec.Personas = &personas.Service{Store: e.db, Now: e.clock.Now, Seed: 1}
	}
	kinds := []struct{ sector, city, employees, amount string }{{"btp", "Lyon", "5", "300"}, {"commerce", "Lille", "30", "1200"}, {"santé", "Nantes", "120", "5000"}}
	for i := range 45 {
		k := kinds[i%3]
		e.ok(t, fmt.Sprintf(`add "Client %d" sector=%s city=%s employees=%s`, i, k.sector, k.city, k.employees))
		e.ok(t, fmt.Sprintf("sale C%d %s", i+1, k.amount))
	}
	rep := e.ok(t, "personas").Data.(*personas.Report)
	numbers := map[string]int{}
	for _, p := range rep.Personas {
		for _, k := range kinds {
			if strings.Contains(p.Name, k.sector) {
				numbers[k.sector] = p.Number
			}
		}
	}
	if len(numbers) != 3 {
		t.Fatalf("the planted kinds are not the personas: %+v", rep.Personas)
	}
	return numbers
}

// TestActOnPersonas: find persona=N lists the persona's customers (and
// only them), top persona=N ranks them, chercher persona=N is the French,
// and a saved segment names the persona.
func TestActOnPersonas(t *testing.T) {
	e := newEnv(t)
	e.exec.Segments = segmentsService(e.db, e.clock)
	e.exec.Personas = &personas.Service{Store: e.db, Now: e.clock.Now, Seed: 1}
	if r := e.exec.Run(ctx(t), e.actor, "find persona=2"); r.OK || !strings.Contains(r.Text(), "no personas yet") {
		t.Errorf("find persona=2 before any personas:\n%s", r.Text())
	}
	btp := plantPersonas(t, e)["btp"]
	r := e.ok(t, fmt.Sprintf("find persona=%d limit=50", btp))
	list := r.Data.(map[string]any)["contacts"].([]*domain.Contact)
	if len(list) != 15 {
		t.Fatalf("find persona=%d: %d contacts:\n%s", btp, len(list), r.Text())
	}
	for _, c := range list {
		if c.Sector != "btp" {
			t.Errorf("find persona=%d lists %s of %s", btp, c.Ref(), c.Sector)
		}
	}
	if r := e.ok(t, fmt.Sprintf("find persona=%d city=Lille", btp)); r.Data.(map[string]any)["total"] != int64(0) {
		t.Errorf("a builder in Lille:\n%s", r.Text())
	}
	top := e.ok(t, fmt.Sprintf("top 3 persona=%d", btp))
	if n := len(top.Data.([]*domain.Contact)); n != 3 {
		t.Errorf("top 3 persona=%d: %d contacts:\n%s", btp, n, top.Text())
	}
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, fmt.Sprintf("chercher persona=%d", btp))
	if !fr.OK || !strings.Contains(fr.Text(), "Contacts 1 à 15 sur 15") {
		t.Errorf("chercher persona=%d:\n%s", btp, fr.Text())
	}
	e.actor.Roles = []command.Role{command.Manager}
	seg := e.ok(t, fmt.Sprintf("segment save artisans persona=%d employees<10", btp))
	if !strings.Contains(seg.Title, "15 members") || !strings.Contains(seg.Text(), fmt.Sprintf("persona == %d && employees < 10", btp)) {
		t.Errorf("segment save from a persona:\n%s", seg.Text())
	}
	if r := e.ok(t, "find segment=artisans limit=50"); r.Data.(map[string]any)["total"] != int64(15) {
		t.Errorf("find segment=artisans:\n%s", r.Text())
	}
	for _, bad := range []string{"find persona=9", "find persona=deux", "find persona>1"} {
		if r := e.exec.Run(ctx(t), e.actor, bad); r.OK {
			t.Errorf("%s: %s", bad, r.Text())
		}
	}
}
