package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// TestPersonaMembers: the sample of every n-th customer, the members
// replaced in one go, read back by persona, by contact and with their
// criteria.
func TestPersonaMembers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var customers []int64
		for i := range 7 {
			c := create(t, db, &domain.Contact{Name: "Client", Sector: []string{"btp", "santé"}[i%2], Employees: i + 1})
			customers = append(customers, c.ID)
			if err := db.InsertOrders(ctx, []domain.Order{{ContactID: c.ID, Amount: int64(100 * (i + 1)), Date: day(2026, 11, 1+i)}}); err != nil {
				t.Fatal(err)
			}
		}
		create(t, db, &domain.Contact{Name: "Prospect"}) // no order: no persona row
		sample, err := db.SamplePersonaRows(ctx, 3)
		if err != nil || len(sample) != 3 || sample[0].ID != customers[0] || sample[1].ID != customers[3] || sample[2].ID != customers[6] {
			t.Fatalf("sample of every third customer: %+v, %v", sample, err)
		}
		if r := sample[1]; r.Sector != "santé" || r.Employees != 4 || r.Orders != 1 || r.Amount != 400 || !r.LastOrder.Equal(day(2026, 11, 4)) {
			t.Errorf("the fourth customer's row: %+v", r)
		}
		put := func(ms []store.PersonaMember) {
			t.Helper()
			err := db.ReplacePersonaMembers(ctx, func(put func([]store.PersonaMember) error) error {
				if err := put(ms[:2]); err != nil {
					return err
				}
				return put(ms[2:])
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		put([]store.PersonaMember{{customers[0], 1, 0.5}, {customers[1], 1, 0.1}, {customers[2], 2, 0}})
		var ms []store.PersonaMember
		for i, id := range customers {
			ms = append(ms, store.PersonaMember{ContactID: id, Persona: 1 + i%2, Distance: float64(i) / 10})
		}
		put(ms) // replaces the first run's
		ids, err := db.PersonaMemberIDs(ctx, 2)
		if want := []int64{customers[1], customers[3], customers[5]}; err != nil || !slices.Equal(ids, want) {
			t.Errorf("persona 2's members: %v, %v; want %v", ids, err, want)
		}
		of, err := db.PersonasOf(ctx, []int64{customers[0], customers[1], customers[6] + 1})
		if err != nil || len(of) != 2 || of[customers[0]] != 1 || of[customers[1]] != 2 {
			t.Errorf("PersonasOf: %v, %v", of, err)
		}
		var rows []store.PersonaMemberRow
		err = db.EachPersonaMemberRow(ctx, 1, 2, func(part []store.PersonaMemberRow) error {
			rows = append(rows, part...)
			return nil
		})
		if err != nil || len(rows) != 4 || rows[3].ID != customers[6] || rows[3].Distance != 0.6 || rows[3].Employees != 7 {
			t.Errorf("persona 1's member rows: %+v, %v", rows, err)
		}
	})
}
