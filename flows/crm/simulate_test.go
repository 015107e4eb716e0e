package crm_test

import (
	"fmt"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// A simulation scores every contact under both sets of rules, chunk by
// chunk, lists the grades that would change and the rules that fail, and
// writes nothing.
func TestSimulateNewRules(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := t.Context()
		big := f.add("Big Agro", "sector", "agroalimentaire", "employees", "80", "role", "CEO")
		f.add("Tiny", "employees", "2")
		next, err := domain.NewEngine([]domain.Rule{
			{Name: "Big", When: "employees >= 50", Points: 80},
			{Name: "Numeric city", When: `int(city) > 3`, Points: 10},
		}, f.svc.Scoring.Grades())
		if err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(big.ID)
		st := &chunkedFacts{DB: f.db}
		sim, err := crm.Simulate(ctx, st, f.svc.Scoring, next, f.now())
		if err != nil {
			t.Fatal(err)
		}
		want := crm.GradeChange{ContactID: big.ID, Name: "Big Agro", OldScore: 40, OldGrade: "C", NewScore: 80, NewGrade: "A"}
		if sim.Contacts != 2 || sim.Changed != 1 || len(sim.Changes) != 1 || sim.Changes[0] != want {
			t.Errorf("simulation: %+v, want one change %+v", sim, want)
		}
		if len(sim.Failures) != 1 || sim.Failures[0].Rule != "Numeric city" || sim.Failures[0].Contacts != 2 {
			t.Errorf("failing rules: %+v", sim.Failures)
		}
		if st.all || st.calls != 1 {
			t.Errorf("facts read %d times, all at once: %v", st.calls, st.all)
		}
		if after := f.snapshot(big.ID); after != before {
			t.Errorf("the simulation changed the contact:\n%s\n%s", before, after)
		}
	})
}

// Past 50 changes, a simulation counts them all and lists the first 50.
func TestSimulateListsTheFirstChanges(t *testing.T) {
	each(t, func(f *fixture) {
		batch := make([]*domain.Contact, 60)
		for i := range batch {
			batch[i] = &domain.Contact{Name: fmt.Sprintf("C %d", i), Stage: domain.Lead, Grade: "D", CreatedAt: start}
		}
		if err := f.db.InsertContacts(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
		next, err := domain.NewEngine([]domain.Rule{{Name: "All", When: "true", Points: 100}}, f.svc.Scoring.Grades())
		if err != nil {
			t.Fatal(err)
		}
		sim, err := crm.Simulate(t.Context(), f.db, f.svc.Scoring, next, f.now())
		if err != nil || sim.Contacts != 60 || sim.Changed != 60 || len(sim.Changes) != 50 || sim.Changes[49].ContactID != batch[49].ID {
			t.Errorf("simulation: %d contacts, %d changed, %d listed, %v", sim.Contacts, sim.Changed, len(sim.Changes), err)
		}
	})
}
