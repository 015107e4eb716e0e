package store_test

import (
	"database/sql"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
	_ "github.com/mattn/go-sqlite3" // the driver of the raw connection
)

// naiveInputs aggregates orders as of asOf with a window, the slow and
// obvious way, by domain's rule of which orders count (InRFMWindow):
// RFMInputs is that rule's SQL form and must give the same inputs.
func naiveInputs(orders []domain.Order, asOf time.Time, windowDays int) []domain.RFMInput {
	by := map[int64]*domain.RFMInput{}
	for _, o := range orders {
		if !domain.InRFMWindow(o.Date, asOf, 0) {
			continue
		}
		in := by[o.ContactID]
		if in == nil {
			in = &domain.RFMInput{ContactID: o.ContactID}
			by[o.ContactID] = in
		}
		if o.Date.After(in.LastOrder) {
			in.LastOrder = o.Date
		}
		in.Orders++
		in.Amount += o.Amount
		if domain.InRFMWindow(o.Date, asOf, windowDays) {
			in.WindowOrders++
			in.WindowAmount += o.Amount
		}
	}
	var out []domain.RFMInput
	for _, in := range by {
		out = append(out, *in)
	}
	slices.SortFunc(out, func(a, b domain.RFMInput) int { return int(a.ContactID - b.ContactID) })
	return out
}

// naiveScores scores inputs in O(n²) straight from the words of
// docs/segments.md.
func naiveScores(in []domain.RFMInput, asOf time.Time) map[int64][3]int {
	n := len(in)
	days := func(x domain.RFMInput) int { return int(asOf.Sub(x.LastOrder).Hours() / 24) }
	out := map[int64][3]int{}
	for _, a := range in {
		var kr, kf, km int
		for _, b := range in {
			if days(b) > days(a) {
				kr++
			}
			if b.Orders < a.Orders {
				kf++
			}
			if b.Amount < a.Amount {
				km++
			}
		}
		out[a.ContactID] = [3]int{1 + 5*kr/n, 1 + 5*kf/n, 1 + 5*km/n}
	}
	return out
}

func rfmInputs(t *testing.T, db *store.DB, asOf time.Time, window int) []domain.RFMInput {
	t.Helper()
	in, err := db.RFMInputs(t.Context(), asOf, window)
	if err != nil {
		t.Fatal(err)
	}
	// In contact id order, whatever order the customers' rows are stored in.
	for i := 1; i < len(in); i++ {
		if in[i-1].ContactID >= in[i].ContactID {
			t.Fatalf("RFMInputs: C%d before C%d", in[i-1].ContactID, in[i].ContactID)
		}
	}
	return in
}

func noDrift(t *testing.T, db *store.DB, after string) {
	t.Helper()
	drift, err := db.StatsDrift(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(drift) > 0 {
		t.Errorf("after %s, the maintained aggregates of %v differ from their orders", after, drift)
	}
}

func TestCustomerStatsFollowOrders(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var cs []*domain.Contact
		for range 300 {
			cs = append(cs, &domain.Contact{Name: "Customer", Stage: domain.Customer})
		}
		if err := db.InsertContacts(ctx, cs); err != nil {
			t.Fatal(err)
		}
		noDrift(t, db, "no order")
		r := rand.New(rand.NewPCG(5, 5))
		// Few distinct dates, counts and amounts: many ties on R, F and M.
		gen := func(n int) []domain.Order {
			os := make([]domain.Order, n)
			for i := range os {
				os[i] = domain.Order{ContactID: 1 + r.Int64N(250), Amount: 1000 * (1 + r.Int64N(4)),
					Date: day(2026, 11, 25).AddDate(0, 0, -r.IntN(40)*7), Author: "import"}
			}
			return os
		}
		var all []domain.Order
		for _, o := range gen(20) {
			addOrder(t, db, o.ContactID, o.Amount, o.Date)
			all = append(all, o)
		}
		noDrift(t, db, "single sales")
		bulk := gen(1500) // several statements, a contact many times in each
		if err := db.InsertOrders(ctx, bulk); err != nil {
			t.Fatal(err)
		}
		all = append(all, bulk...)
		noDrift(t, db, "a bulk insert")
		// A failed batch (unknown contact) leaves the aggregates alone.
		bad := append(gen(3), domain.Order{ContactID: 9999, Amount: 1, Date: day(2026, 1, 1)})
		if err := db.InsertOrders(ctx, bad); err == nil {
			t.Fatal("orders of a missing contact were accepted")
		}
		noDrift(t, db, "a failed bulk insert")
		// An order in the future is ignored as of today, however stored.
		future := domain.Order{ContactID: 7, Amount: 5000, Date: day(2026, 12, 24)}
		addOrder(t, db, future.ContactID, future.Amount, future.Date)
		all = append(all, future)
		noDrift(t, db, "a future order")

		for _, c := range []struct {
			asOf   time.Time
			window int
		}{{day(2026, 11, 25), 0}, {day(2027, 1, 1), 0}, {day(2026, 6, 3), 0}, {day(2026, 11, 25), 60}, {day(2026, 11, 25), 1},
			// Half past midnight an hour east of UTC: the as-of day is the
			// team's, already the 25th while UTC is still on the 24th.
			{time.Date(2026, 11, 25, 0, 30, 0, 0, time.FixedZone("UTC+1", 3600)), 7}} {
			got := rfmInputs(t, db, c.asOf, c.window)
			want := naiveInputs(all, c.asOf, c.window)
			if c.window == 0 {
				for i := range want {
					want[i].WindowOrders, want[i].WindowAmount = want[i].Orders, want[i].Amount
				}
			}
			sameJSON(t, "RFM inputs as of "+c.asOf.Format(time.DateOnly), got, want)
			scores, err := domain.RFM(got, c.asOf, c.window)
			if err != nil {
				t.Fatal(err)
			}
			if c.window > 0 {
				continue
			}
			naive := naiveScores(want, c.asOf)
			var counts [3][5]int
			for _, s := range scores {
				if n := naive[s.ContactID]; n != [3]int{s.R, s.F, s.M} {
					t.Errorf("as of %s, C%d scores R%d F%d M%d, want %v", c.asOf.Format(time.DateOnly), s.ContactID, s.R, s.F, s.M, n)
				}
				counts[0][s.R-1]++
			}
			rep := domain.NewRFMReport(scores)
			if rep.R != counts[0] || rep.Customers != len(want) {
				t.Errorf("report counts %v of %d, want %v of %d", rep.R, rep.Customers, counts[0], len(want))
			}
		}
	})
}

func TestSavedSegments(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		seg := &domain.SavedSegment{Name: "big-agro", Filter: `sector == "agro"`, Author: "U1"}
		if err := db.SaveSegment(ctx, seg); err != nil {
			t.Fatal(err)
		}
		again := *seg
		wantCode(t, "a second segment of the same name", db.SaveSegment(ctx, &again), domain.Conflict)
		list, err := db.SavedSegments(ctx)
		if err != nil || len(list) != 1 || list[0].Name != "big-agro" || !list[0].CreatedAt.Equal(testNow) {
			t.Fatalf("SavedSegments = %+v, %v", list, err)
		}
		if got, err := db.SavedSegmentNamed(ctx, "big-agro"); err != nil || got.Filter != `sector == "agro"` {
			t.Errorf("SavedSegmentNamed = %+v, %v", got, err)
		}
		if err := db.DeleteSegment(ctx, "big-agro"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "deleting it twice", db.DeleteSegment(ctx, "big-agro"), domain.NotFound)
		_, err = db.SavedSegmentNamed(ctx, "big-agro")
		wantCode(t, "reading a deleted one", err, domain.NotFound)
	})
}

func TestFindByIDs(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		for _, n := range []string{"A", "B", "C"} {
			create(t, db, &domain.Contact{Name: n})
		}
		for _, c := range []struct {
			ids  []int64
			want []int64
		}{{[]int64{3, 1, 42}, []int64{1, 3}}, {[]int64{}, nil}} {
			list, total, err := db.FindContacts(t.Context(), domain.ContactQuery{IDs: c.ids, Limit: 10})
			if err != nil || !slices.Equal(ids(list), c.want) && len(c.want) > 0 || int(total) != len(c.want) {
				t.Errorf("FindContacts(IDs %v) = %v (%d in all), %v; want %v", c.ids, ids(list), total, err, c.want)
			}
		}
	})
}

// Migration 3 fills customer_stats from the orders already recorded.
func TestCustomerStatsBackfill(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.DSN(t, kind)
			db, err := store.Open(t.Context(), dsn, store.Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			a, b := create(t, db, &domain.Contact{Name: "A"}), create(t, db, &domain.Contact{Name: "B"})
			for _, o := range []domain.Order{{ContactID: a.ID, Amount: 100, Date: day(2026, 1, 5)}, {ContactID: a.ID, Amount: 250, Date: day(2026, 3, 1)}, {ContactID: b.ID, Amount: 70, Date: day(2025, 12, 31)}} {
				addOrder(t, db, o.ContactID, o.Amount, o.Date)
			}
			// Back to a database of before migration 3, orders included.
			driver, name := "sqlite3", dsn
			if kind == "postgres" {
				driver = "pgx"
			}
			raw, err := sql.Open(driver, name)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			for _, q := range []string{"DROP TABLE customer_stats", "DROP TABLE saved_segments", "DELETE FROM schema_migrations WHERE version = 3"} {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			applied, err := db.Migrate(t.Context())
			if err != nil || len(applied) != 1 || applied[0] != 3 {
				t.Fatalf("Migrate applied %v, %v; want [3]", applied, err)
			}
			noDrift(t, db, "the backfill")
			in := rfmInputs(t, db, day(2026, 11, 25), 0)
			if len(in) != 2 || in[0].Orders != 2 || in[0].Amount != 350 || !in[0].LastOrder.Equal(day(2026, 3, 1)) || in[1].Amount != 70 {
				t.Errorf("inputs after the backfill: %+v", in)
			}
		})
	}
}
