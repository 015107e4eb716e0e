package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

func TestBulkInsertThenCreateGetsNextID(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		batch := []*domain.Contact{
			everyField(),
			{Name: "Preset id", Stage: domain.Lead, ID: 10},
			{Name: "Numbered", Stage: domain.Customer, Tags: []string{"a", "b"}},
		}
		if err := db.InsertContacts(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if got := ids(batch); !slices.Equal(got, []int64{1, 10, 2}) {
			t.Errorf("bulk ids = %v, want [1 10 2]", got)
		}
		want := everyField()
		want.ID, want.UpdatedAt = 1, testNow
		sameJSON(t, "a bulk contact read back", reload(t, db, 1), want)
		if got := reload(t, db, 2); !slices.Equal(got.Tags, []string{"a", "b"}) || !got.CreatedAt.Equal(testNow) {
			t.Errorf("bulk contact 2 = %+v", got)
		}

		next := create(t, db, &domain.Contact{Name: "After bulk"})
		if next.ID != 11 {
			t.Errorf("CreateContact after a bulk insert got id %d, want 11", next.ID)
		}
		if err := db.InsertContacts(ctx, []*domain.Contact{{Name: "B1", Stage: domain.Lead}, {Name: "B2", Stage: domain.Lead}}); err != nil {
			t.Fatal(err)
		}
		if again := create(t, db, &domain.Contact{Name: "After the second"}); again.ID != 14 {
			t.Errorf("CreateContact after the second bulk insert got id %d, want 14", again.ID)
		}

		// Orders in several statements' worth of rows, then one more.
		orders := make([]domain.Order, 1201)
		var sum int64
		for i := range orders {
			orders[i] = domain.Order{ContactID: int64(1 + i%2), Amount: int64(100 + i), Date: day(2026, 1, 1).AddDate(0, 0, i%300), Author: "import"}
			sum += int64(100 + i)
		}
		if err := db.InsertOrders(ctx, orders); err != nil {
			t.Fatal(err)
		}
		o := addOrder(t, db, 1, 5, day(2026, 11, 24))
		if o.ID != 1202 {
			t.Errorf("AddOrder after 1201 bulk orders got id %d, want 1202", o.ID)
		}
		all, err := db.AllFacts(ctx, testNow)
		if err != nil || all[1].Orders+all[2].Orders != 1202 || all[1].Revenue+all[2].Revenue != sum+5 ||
			!all[1].LastOrder.Equal(day(2026, 11, 24)) {
			t.Errorf("facts after bulk orders: %+v %+v, %v; want 1202 orders, %d cents", all[1], all[2], err, sum+5)
		}

		is := []domain.Interaction{{ContactID: 1, Kind: domain.Form, At: testNow}, {ContactID: 2, Kind: domain.Call, At: testNow}}
		ms := []domain.Move{{ContactID: 2, From: domain.Lead, To: domain.Customer, Author: "import", At: testNow}}
		if err := db.InsertInteractions(ctx, is); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertMoves(ctx, ms); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.RecentMoves(ctx, 2, 5); len(got) != 1 || got[0].To != domain.Customer || got[0].Author != "import" {
			t.Errorf("bulk moves read back as %+v", got)
		}
		f, _ := db.Facts(ctx, 1, testNow)
		if f.Counts[domain.Form].Last30 != 1 {
			t.Errorf("bulk interactions: %+v", f.Counts)
		}
	})
}

func TestBulkInsertIsAllOrNothing(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		create(t, db, &domain.Contact{Name: "Taken", Email: "taken@x.fr"})
		many := make([]*domain.Contact, 700) // more than one statement's worth
		for i := range many {
			many[i] = &domain.Contact{Name: fmt.Sprint("N", i), Email: fmt.Sprintf("n%d@x.fr", i), Stage: domain.Lead}
		}
		many[650].Email = "taken@x.fr"
		err := db.InsertContacts(ctx, many)
		wantCode(t, "bulk insert with a taken email", err, domain.Conflict)
		if n, _ := db.CountContacts(ctx); n != 1 {
			t.Errorf("%d contacts after a failed bulk insert, want 1", n)
		}

		// Inside a transaction that fails later, a bulk insert is undone too.
		err = db.InTx(ctx, func(ctx context.Context) error {
			if err := db.InsertContacts(ctx, []*domain.Contact{{Name: "X", Stage: domain.Lead}}); err != nil {
				return err
			}
			if err := db.InsertOrders(ctx, []domain.Order{{ContactID: 1, Amount: 5, Date: day(2026, 1, 1)}}); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatal(err)
		}
		f, _ := db.Facts(ctx, 1, testNow)
		if n, _ := db.CountContacts(ctx); n != 1 || f.Orders != 0 {
			t.Errorf("after a failed transaction: %d contacts, %d orders", n, f.Orders)
		}
		err = db.InsertOrders(ctx, []domain.Order{{ContactID: 999, Amount: 5, Date: day(2026, 1, 1)}})
		wantCode(t, "bulk order of C999", err, domain.NotFound)
		if err := db.InsertContacts(ctx, nil); err != nil {
			t.Errorf("an empty bulk insert: %v", err)
		}
		if c := create(t, db, &domain.Contact{Name: "Next"}); c.ID < 2 {
			t.Errorf("id %d after failed bulk inserts", c.ID)
		}
	})
}

func TestBulkNewIDsSkipExplicitOnes(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		cs := []*domain.Contact{{Name: "New", Stage: domain.Lead}, {ID: 1, Name: "Explicit", Stage: domain.Lead}}
		if err := db.InsertContacts(t.Context(), cs); err != nil {
			t.Fatal(err)
		}
		if cs[0].ID != 2 || cs[1].ID != 1 {
			t.Fatalf("ids = %d, %d; want 2, 1", cs[0].ID, cs[1].ID)
		}
	})
}

// TestTidyVacuumsOnPostgreSQL checks that Tidy leaves PostgreSQL's tables
// vacuumed and analysed (their visibility map and statistics up to date
// after a bulk import) and does nothing on SQLite.
func TestTidyVacuumsOnPostgreSQL(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		if err := db.Tidy(context.Background(), "contacts", "orders"); err != nil {
			t.Fatal(err)
		}
		if !db.Postgres() {
			return
		}
		q := "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('contacts', 'orders') AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
		if n := storetest.Count(t, db, q); n != 2 {
			t.Errorf("%d of contacts and orders vacuumed and analysed, want 2", n)
		}
	})
}

// After Tidy the customers' aggregates are stored in contact order on
// PostgreSQL (CLUSTER), the order the digest reads them in, whatever the
// order orders came in.
func TestTidyKeepsCustomersInContactOrder(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var ids []int64
		for range 3 {
			ids = append(ids, create(t, db, &domain.Contact{Name: "Customer", Stage: domain.Lead}).ID)
		}
		for _, id := range slices.Backward(ids) {
			if err := db.AddOrder(ctx, &domain.Order{ContactID: id, Amount: 100, Date: day(2026, 11, 1)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Tidy(ctx, "customer_stats"); err != nil {
			t.Fatal(err)
		}
		rows, err := storetest.SQL(t, db).Query("SELECT contact_id FROM customer_stats")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		if !slices.IsSorted(got) || len(got) != 3 {
			t.Errorf("customers as stored: %v, want the contacts' order", got)
		}
	})
}

// On SQLite a bulk transaction writes with a rollback journal when no
// other connection has the database open, and keeps the write-ahead log
// when one has (a reader then goes on reading): either way the write is
// kept and the log is back after.
func TestBulkTxJournal(t *testing.T) {
	for _, reader := range []bool{false, true} {
		t.Run(fmt.Sprint("reader ", reader), func(t *testing.T) {
			ctx := t.Context()
			path := storetest.DSN(t, "sqlite")
			db, err := store.Open(ctx, path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if reader {
				other, err := store.Open(ctx, path, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				create(t, db, &domain.Contact{Name: "Before", Stage: domain.Lead})
				create(t, db, &domain.Contact{Name: "Before too", Stage: domain.Lead})
				rows, err := storetest.SQL(t, other).QueryContext(ctx, "SELECT id FROM contacts")
				if err != nil || !rows.Next() {
					t.Fatal(err)
				}
				defer rows.Close() // a read under way through the transaction
			}
			var journal bool
			err = db.InBulkTx(ctx, func(ctx context.Context) error {
				if err := db.CreateContact(ctx, &domain.Contact{Name: "Bulk", Stage: domain.Lead}); err != nil {
					return err
				}
				_, err := os.Stat(path + "-journal")
				journal = err == nil
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var mode string
			if err := storetest.SQL(t, db).QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal mode after: %q %v", mode, err)
			}
			if n := storetest.Count(t, db, "SELECT COUNT(*) FROM contacts"); journal == reader || n != 1+2*btoi(reader) {
				t.Errorf("with a reader %v: rollback journal %v, contacts %d", reader, journal, n)
			}
		})
	}
}

func btoi(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
