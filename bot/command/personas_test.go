package command_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/flows/survey"
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

// TestPersonaSampleSend: survey send preferences to persona:N sample=10
// picks ten builders in the persona's mix of cities (12 in Lyon, 8 in
// Villeurbanne: 6 and 4), in each city the closest to the persona's
// centre, not the first ten; the send goes through the throttle: the one
// without consent is held back with its reason, the others are queued.
func TestPersonaSampleSend(t *testing.T) {
	e := newEnv(t)
	e.actor.Roles = command.AllRoles
	pol := domain.DefaultPolicy
	pol.Zone = paris
	svc := &survey.Service{Store: e.db, Policy: pol, Questionnaires: domain.BuiltinQuestionnaires(), Now: e.clock.Now,
		Language: "en", Log: slog.New(slog.NewTextHandler(e.logs, nil))}
	e.exec.Surveys = svc
	e.exec.BotName = func(ctx context.Context) (string, error) { return "crmbot_test_bot", nil }
	e.exec.Personas = &personas.Service{Store: e.db, Now: e.clock.Now, Seed: 1, Count: 3}
	city := map[int64]string{}
	for i := range 60 {
		line := fmt.Sprintf(`add "Client %d" sector=btp city=Lyon employees=5`, i)
		switch {
		case i >= 40:
			line = fmt.Sprintf(`add "Client %d" sector=santé city=Nantes employees=120`, i)
		case i >= 20:
			line = fmt.Sprintf(`add "Client %d" sector=commerce city=Lille employees=30`, i)
		case i%5 == 1 || i%5 == 3:
			line = fmt.Sprintf(`add "Client %d" sector=btp city=Villeurbanne employees=5`, i)
		}
		c := e.add(t, line)
		city[c.ID] = c.City
		e.ok(t, fmt.Sprintf("sale %s %d", c.Ref(), 200+37*(i%20))) // spends spread around the middle
	}
	rep := e.ok(t, "personas").Data.(*personas.Report)
	btp := 0
	for _, p := range rep.Personas {
		if strings.Contains(p.Name, "btp") {
			btp = p.Number
		}
	}
	dry := e.ok(t, fmt.Sprintf("survey send preferences to persona:%d sample=10 dry-run", btp)).Data.(*command.PlanData)
	sample := dry.Held[string(domain.NoConsent)]
	if dry.Audience != 10 || len(sample) != 10 {
		t.Fatalf("the sample: %+v", dry)
	}
	in := map[string]int{}
	for _, id := range sample {
		in[city[id]]++
	}
	if in["Lyon"] != 6 || in["Villeurbanne"] != 4 {
		t.Errorf("the sample's cities: %v, want the persona's mix (6 Lyon, 4 Villeurbanne)", in)
	}
	if slices.Equal(sample, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Error("the sample is the first ten")
	}
	closestInCity(t, e, btp, sample, city)
	for _, id := range sample[1:] {
		link(t, e, svc, domain.ContactRef(id), 9000+id)
	}
	r := e.ok(t, fmt.Sprintf("survey send preferences to persona:%d sample=10", btp))
	plan := r.Data.(*command.PlanData)
	if plan.Queued != 9 || !slices.Equal(plan.Held[string(domain.NoConsent)], sample[:1]) || !strings.Contains(r.Text(), "no_consent") {
		t.Errorf("the send through the throttle: queued %d, held %v:\n%s", plan.Queued, plan.Held, r.Text())
	}
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, fmt.Sprintf("questionnaire envoyer preferences à persona:%d échantillon=10 simulation", btp))
	if !fr.OK || fr.Data.(*command.PlanData).Audience != 10 {
		t.Errorf("in French:\n%s", fr.Text())
	}
	for _, bad := range []string{"survey send preferences to sample=10", "survey send preferences to persona:1 city=Lyon sample=10", "survey send preferences to persona:1 sample=0"} {
		if r := e.exec.Run(ctx(t), e.actor, bad); r.OK || !strings.Contains(r.Text(), "sample=") {
			t.Errorf("%s:\n%s", bad, r.Text())
		}
	}
}

// closestInCity checks that the sample holds, in each city, members no
// farther from the persona's centre than any member left out.
func closestInCity(t *testing.T, e *env, persona int, sample []int64, city map[int64]string) {
	t.Helper()
	raw, err := e.db.SQLForTests()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := raw.Query("SELECT contact_id, distance FROM persona_members WHERE persona = ?", persona)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	farthestIn, closestOut := map[string]float64{}, map[string]float64{}
	for rows.Next() {
		var id int64
		var d float64
		if err := rows.Scan(&id, &d); err != nil {
			t.Fatal(err)
		}
		c := city[id]
		if slices.Contains(sample, id) {
			farthestIn[c] = max(farthestIn[c], d)
		} else if v, ok := closestOut[c]; !ok || d < v {
			closestOut[c] = d
		}
	}
	for c, d := range farthestIn {
		if out, ok := closestOut[c]; ok && out < d {
			t.Errorf("in %s a member at %.3f of the centre is left out for one at %.3f", c, out, d)
		}
	}
}

// TestPinPersona: persona name N "Artisans BTP" names and pins the
// builders' persona; when the other kinds grow so that numbering by size
// would move the builders, the next run keeps their number and name, and
// find and the contact's card follow.
func TestPinPersona(t *testing.T) {
	e := newEnv(t)
	e.exec.Personas = &personas.Service{Store: e.db, Now: e.clock.Now, Seed: 1}
	kinds := map[string]string{"btp": "city=Lyon employees=5", "commerce": "city=Lille employees=30", "santé": "city=Nantes employees=120"}
	added := 0
	plant := func(sector string, n int) {
		for range n {
			added++
			c := e.add(t, fmt.Sprintf(`add "%s %d" sector=%s %s`, sector, added, sector, kinds[sector]))
			e.ok(t, fmt.Sprintf("sale %s 500", c.Ref()))
		}
	}
	plant("btp", 20)
	plant("commerce", 10)
	plant("santé", 10)
	first := e.ok(t, "personas").Data.(*personas.Report)
	if !strings.Contains(first.Personas[0].Name, "btp") {
		t.Fatalf("the builders are not the largest persona: %+v", first.Personas)
	}
	if r := e.exec.Run(ctx(t), e.actor, `persona name 1 "Artisans BTP"`); r.OK || !strings.Contains(r.Text(), "manager") {
		t.Errorf("a salesperson names a persona:\n%s", r.Text())
	}
	e.actor.Roles = []command.Role{command.Manager}
	r := e.ok(t, `persona name 1 "Artisans BTP"`)
	if !strings.Contains(r.Title, "Persona 1 is now Artisans BTP, pinned") {
		t.Errorf("persona name:\n%s", r.Text())
	}
	if card := e.ok(t, "show C1").Text(); !strings.Contains(card, "Closest persona: 1 — Artisans BTP") {
		t.Errorf("the builder's card, named at once:\n%s", card)
	}
	plant("commerce", 30)
	plant("santé", 20)
	next := e.ok(t, "personas").Data.(*personas.Report)
	if p := next.Personas[0]; p.Number != 1 || p.Name != "Artisans BTP" || !p.Pinned || p.Customers != 20 {
		t.Errorf("the pinned persona after the others grew: %+v", next.Personas)
	}
	if n := next.Personas[1]; n.Number != 2 || !strings.Contains(n.Name, "commerce") {
		t.Errorf("the others take the numbers left, the largest first: %+v", next.Personas)
	}
	if got := e.ok(t, "find persona=1 limit=50").Data.(map[string]any)["total"]; got != int64(20) {
		t.Errorf("find persona=1: %v", got)
	}
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, `persona nommer 1 "Artisans du bâtiment"`)
	if !fr.OK || !strings.Contains(fr.Text(), "Le persona 1 s'appelle désormais Artisans du bâtiment") {
		t.Errorf("in French:\n%s", fr.Text())
	}
	for _, bad := range []string{"persona name 9 X", "persona name deux X", "persona rename 1 X", `persona name 1 ""`, "persona unpin 2", "persona unpin one"} {
		if r := e.exec.Run(ctx(t), e.actor, bad); r.OK {
			t.Errorf("%s: %s", bad, r.Text())
		}
	}
	// Unpinned, the builders go back to numbering by size: the largest
	// persona now is commerce, and takes number 1.
	if r := e.ok(t, "persona unpin 1"); !strings.Contains(r.Title, "Persona 1 is no longer pinned") {
		t.Errorf("persona unpin:\n%s", r.Text())
	}
	if r := e.exec.Run(ctx(t), e.actor, "persona unpin 1"); r.OK || !strings.Contains(r.Text(), "not pinned") {
		t.Errorf("unpinned twice:\n%s", r.Text())
	}
	after := e.ok(t, "personas").Data.(*personas.Report)
	if p := after.Personas[0]; p.Pinned || p.Name == "Artisans du bâtiment" || !strings.Contains(p.Name, "commerce") {
		t.Errorf("after unpin: %+v", after.Personas)
	}
}

// TestDigestPersonas: the digest of the first week of December has the
// personas of December beside November's, naming the persona that
// appeared; the digest of the second week has none.
func TestDigestPersonas(t *testing.T) {
	e := newEnv(t)
	svc := &personas.Service{Store: e.db, Now: e.clock.Now, Seed: 1}
	e.exec.Personas = svc
	e.exec.Digests = &digest.Service{Store: e.db, Options: digest.Options{Loc: paris, Personas: svc}}
	plantPersonas(t, e) // 25 November: November's snapshot
	e.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, paris))
	for i := range 20 {
		c := e.add(t, fmt.Sprintf(`add "Usine %d" sector=industrie city=Grenoble employees=400`, i))
		e.ok(t, fmt.Sprintf("sale %s 9000", c.Ref()))
	}
	r := e.ok(t, "digest")
	d := r.Data.(*digest.Digest)
	if d.Personas == nil || d.Personas.Month != "2026-12" || d.Personas.Previous != "2026-11" || len(d.Personas.Appeared) != 1 ||
		!strings.Contains(d.Personas.Appeared[0], "industrie") {
		t.Fatalf("the digest's personas: %+v", d.Personas)
	}
	mustContain(t, "digest", r.Text(), "Personas of 2026-12", "Compared with 2026-11.", "New: "+d.Personas.Appeared[0])
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, "bilan")
	mustContain(t, "bilan", fr.Text(), "Personas de 2026-12", "Comparé à 2026-11.", "Nouveau : ")
	e.clock.Set(time.Date(2026, 12, 9, 9, 0, 0, 0, paris))
	if d := e.ok(t, "digest").Data.(*digest.Digest); d.Personas != nil {
		t.Errorf("the second week's digest has personas: %+v", d.Personas)
	}
}

// TestReadmePersonasExamples: every crm> line of the README's Personas
// runs as written, on customers of three planted kinds.
func TestReadmePersonasExamples(t *testing.T) {
	e := newEnv(t)
	e.actor.Roles = command.AllRoles
	e.exec.Segments = segmentsService(e.db, e.clock)
	e.exec.Surveys = &survey.Service{Store: e.db, Policy: domain.DefaultPolicy, Questionnaires: domain.BuiltinQuestionnaires(), Now: e.clock.Now,
		Language: "en", Log: slog.New(slog.NewTextHandler(e.logs, nil))}
	plantPersonas(t, e)
	e.readmeExamples(t, "\n## Personas\n")
}
