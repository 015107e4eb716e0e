package personas_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// TestMonthChange: November's run and December's (three personas, a big
// fourth kind of customer come in December, so two kinds share one) are
// each their month's snapshot; the change lists December's personas with
// their size and revenue share and the change of those November had, and
// names those that appeared and faded: all as the two runs' reports say.
func TestMonthChange(t *testing.T) {
	storetest.Each(t, func() time.Time { return now }, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		svc := &personas.Service{Store: db, Now: func() time.Time { return clock }, Seed: 1, Count: 3}
		add := func(sector, city string, employees, n int, amount int64) {
			for range n {
				c := &domain.Contact{Name: "Client", Sector: sector, City: city, Employees: employees}
				if err := db.CreateContact(ctx, c); err != nil {
					t.Fatal(err)
				}
				if err := db.InsertOrders(ctx, []domain.Order{{ContactID: c.ID, Amount: amount, Date: clock.Truncate(24 * time.Hour)}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		add("btp", "Lyon", 5, 15, 30000)
		add("commerce", "Lille", 30, 12, 120000)
		add("santé", "Nantes", 120, 10, 500000)
		nov, err := svc.Compute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ch, err := svc.MonthChange(ctx, clock, false); err != nil || ch.Previous != "" || len(ch.Personas) != 3 || ch.Personas[0].CustomersChange != nil {
			t.Fatalf("November alone: %+v, %v", ch, err)
		}
		clock = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		add("industrie", "Grenoble", 400, 40, 900000)
		if ch, err := svc.MonthChange(ctx, clock, false); err != nil || ch.Month != "2026-11" {
			t.Fatalf("without computing, December has no snapshot yet: %+v, %v", ch, err)
		}
		ch, err := svc.MonthChange(ctx, clock, true) // computes December's
		if err != nil || ch.Month != "2026-12" || ch.Previous != "2026-11" {
			t.Fatalf("December: %+v, %v", ch, err)
		}
		dec, err := svc.Compute(ctx) // the same data, the same personas
		if err != nil {
			t.Fatal(err)
		}
		byName := func(r *personas.Report) map[string]personas.Persona {
			m := map[string]personas.Persona{}
			for _, p := range r.Personas {
				m[p.Name] = p
			}
			return m
		}
		before, after := byName(nov), byName(dec)
		var appeared, faded []string
		for _, p := range dec.Personas {
			if _, ok := before[p.Name]; !ok {
				appeared = append(appeared, p.Name)
			}
		}
		for _, p := range nov.Personas {
			if _, ok := after[p.Name]; !ok {
				faded = append(faded, p.Name)
			}
		}
		if len(appeared) == 0 || len(faded) == 0 || !slices.Equal(ch.Appeared, appeared) || !slices.Equal(ch.Faded, faded) {
			t.Errorf("appeared %v faded %v, want %v and %v", ch.Appeared, ch.Faded, appeared, faded)
		}
		for _, mp := range ch.Personas {
			p := after[mp.Name]
			if mp.Customers != p.Customers || mp.RevenueShare-p.RevenueShare > 1e-9 || p.RevenueShare-mp.RevenueShare > 1e-9 {
				t.Errorf("%s: %+v, the run says %d customers, %.4f of revenue", mp.Name, mp, p.Customers, p.RevenueShare)
			}
			b, was := before[mp.Name]
			switch {
			case was && (mp.CustomersChange == nil || *mp.CustomersChange != p.Customers-b.Customers ||
				mp.ShareChange == nil || abs(*mp.ShareChange-100*(p.RevenueShare-b.RevenueShare)) > 1e-9):
				t.Errorf("%s's change: %+v", mp.Name, mp)
			case !was && mp.CustomersChange != nil:
				t.Errorf("%s is new, yet has a change: %+v", mp.Name, mp)
			}
		}
	})
}

func abs(v float64) float64 { return max(v, -v) }
