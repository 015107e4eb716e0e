package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// TestTwoWritersAtOnce opens the same database twice, two pools as two
// crmbot processes would (a running bot and a crmbot exec), and has both
// write in transactions at the same time. Every write must succeed: no
// "database is locked" on SQLite, no lost row anywhere.
func TestTwoWritersAtOnce(t *testing.T) {
	const writers, perWriter = 2, 200
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			dsn := storetest.DSN(t, kind)
			dbs := make([]*store.DB, writers)
			for i := range dbs {
				db, err := store.Open(ctx, dsn, store.Options{Now: clock})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				dbs[i] = db
			}
			// Both processes start on a new database and migrate it at once:
			// the migrations are applied exactly once between them.
			applied := make([][]int, writers)
			migrateErrs := make([]error, writers)
			var mg sync.WaitGroup
			for i, db := range dbs {
				mg.Go(func() { applied[i], migrateErrs[i] = db.Migrate(ctx) })
			}
			mg.Wait()
			if err := errors.Join(migrateErrs...); err != nil {
				t.Fatalf("concurrent migrations: %v", err)
			}
			if n := len(applied[0]) + len(applied[1]); n != len(store.Versions()) {
				t.Errorf("the two processes applied %v and %v: want each migration once", applied[0], applied[1])
			}
			// A contact both writers log interactions on, besides their own.
			shared := create(t, dbs[0], &domain.Contact{Name: "Shared"})

			start := make(chan struct{})
			errs := make([][]error, writers)
			var wg sync.WaitGroup
			for w, db := range dbs {
				wg.Go(func() {
					<-start
					for i := range perWriter {
						if err := writeOne(ctx, db, w, i, shared.ID); err != nil {
							errs[w] = append(errs[w], err)
						}
					}
				})
			}
			close(start)
			wg.Wait()
			for w, list := range errs {
				for _, err := range list[:min(len(list), 5)] {
					t.Errorf("writer %d: %v", w, err)
				}
				if len(list) > 0 {
					t.Errorf("writer %d: %d of %d transactions failed", w, len(list), perWriter)
				}
			}

			// Each handle sees all the other's writes.
			for i, db := range dbs {
				if n, err := db.CountContacts(ctx); err != nil || n != 1+writers*perWriter {
					t.Errorf("handle %d counts %d contacts, %v; want %d", i, n, err, 1+writers*perWriter)
				}
				f, err := db.Facts(ctx, shared.ID, testNow)
				if err != nil || f.Counts[domain.Call].Total != writers*perWriter {
					t.Errorf("handle %d: %+v calls on the shared contact, %v; want %d", i, f.Counts, err, writers*perWriter)
				}
			}
			all, err := dbs[1].AllFacts(ctx, testNow)
			if err != nil || len(all) != 1+writers*perWriter {
				t.Fatalf("AllFacts: %d contacts with activity, %v", len(all), err)
			}
			for id, f := range all {
				if id != shared.ID && (f.Counts[domain.Form].Total != 1 || f.Orders != 1) {
					t.Errorf("C%d: %+v", id, f)
				}
			}
		})
	}
}

// writeOne is one command's worth of writes, in one transaction: a new
// contact with an interaction and an order, a call on the shared contact,
// and the new contact's score.
func writeOne(ctx context.Context, db *store.DB, writer, i int, shared int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		c := &domain.Contact{Name: fmt.Sprintf("W%d-%d", writer, i), Email: fmt.Sprintf("w%d-%d@x.fr", writer, i), Stage: domain.Lead}
		if err := db.CreateContact(ctx, c); err != nil {
			return fmt.Errorf("create %s: %w", c.Name, err)
		}
		if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: c.ID, Kind: domain.Form, At: testNow}); err != nil {
			return fmt.Errorf("interaction of %s: %w", c.Name, err)
		}
		if err := db.AddOrder(ctx, &domain.Order{ContactID: c.ID, Amount: 100, Date: day(2026, 11, 24)}); err != nil {
			return fmt.Errorf("order of %s: %w", c.Name, err)
		}
		if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: shared, Kind: domain.Call, At: testNow}); err != nil {
			return fmt.Errorf("call on the shared contact: %w", err)
		}
		if _, err := db.Facts(ctx, c.ID, testNow); err != nil {
			return fmt.Errorf("facts of %s: %w", c.Name, err)
		}
		return db.SetScore(ctx, c.ID, i%100, "D")
	})
}
