package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

func addInteraction(t *testing.T, db *store.DB, id int64, k domain.InteractionKind, at time.Time) {
	t.Helper()
	if err := db.AddInteraction(t.Context(), &domain.Interaction{ContactID: id, Kind: k, Author: "U1", At: at}); err != nil {
		t.Fatalf("add %s: %v", k, err)
	}
}

func addOrder(t *testing.T, db *store.DB, id, cents int64, date time.Time) *domain.Order {
	t.Helper()
	o := &domain.Order{ContactID: id, Amount: cents, Date: date, Note: "n", Author: "U1"}
	if err := db.AddOrder(t.Context(), o); err != nil {
		t.Fatalf("add order: %v", err)
	}
	return o
}

func TestFactsWindows(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "Active"})
		b := create(t, db, &domain.Contact{Name: "Buyer"})
		idle := create(t, db, &domain.Contact{Name: "Idle"})
		d30, d90 := testNow.AddDate(0, 0, -30), testNow.AddDate(0, 0, -90)
		for _, at := range []time.Time{
			testNow.Add(-time.Hour),
			d30,                       // exactly 30 days ago: still in the window
			d30.Add(-time.Second),     // just before: only in 90 days
			d90,                       // exactly 90 days ago: in 90 days
			d90.Add(-time.Second),     // only in the total
			testNow.AddDate(-1, 0, 0), // a year ago
		} {
			addInteraction(t, db, a.ID, domain.Form, at)
		}
		addInteraction(t, db, a.ID, domain.EmailOpened, testNow.AddDate(0, 0, -10))
		addInteraction(t, db, a.ID, domain.Call, testNow.AddDate(0, 0, -200))
		addInteraction(t, db, b.ID, domain.Meeting, time.Date(2026, 11, 2, 14, 30, 0, 0, time.UTC))
		addOrder(t, db, b.ID, 100000, day(2026, 3, 1))
		addOrder(t, db, b.ID, 250050, day(2026, 11, 20))
		addOrder(t, db, b.ID, 99, day(2025, 12, 31))

		fa, err := db.Facts(ctx, a.ID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		wantA := map[domain.InteractionKind]domain.WindowCounts{
			domain.Form:        {Total: 6, Last30: 2, Last90: 4},
			domain.EmailOpened: {Total: 1, Last30: 1, Last90: 1},
			domain.Call:        {Total: 1, Last30: 0, Last90: 0},
		}
		if fmt.Sprint(fa.Counts) != fmt.Sprint(wantA) || !fa.LastInteraction.Equal(testNow.Add(-time.Hour)) ||
			fa.Orders != 0 || fa.Revenue != 0 || !fa.LastOrder.IsZero() {
			t.Errorf("facts of A = %+v, want counts %v and last interaction an hour ago", fa, wantA)
		}

		fb, err := db.Facts(ctx, b.ID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if fb.Orders != 3 || fb.Revenue != 350149 || !fb.LastOrder.Equal(day(2026, 11, 20)) ||
			!fb.LastInteraction.Equal(time.Date(2026, 11, 2, 14, 30, 0, 0, time.UTC)) ||
			fb.Counts[domain.Meeting] != (domain.WindowCounts{Total: 1, Last30: 1, Last90: 1}) {
			t.Errorf("facts of B = %+v", fb)
		}

		// Forty days on, the recent form has left the 30-day window.
		later, err := db.Facts(ctx, a.ID, testNow.AddDate(0, 0, 40))
		if err != nil {
			t.Fatal(err)
		}
		if got := later.Counts[domain.Form]; got != (domain.WindowCounts{Total: 6, Last30: 0, Last90: 3}) {
			t.Errorf("forms 40 days later = %+v", got)
		}

		fi, err := db.Facts(ctx, idle.ID, testNow)
		if err != nil || fi.Orders != 0 || len(fi.Counts) != 0 || !fi.LastInteraction.IsZero() {
			t.Errorf("facts of a contact with no activity = %+v, %v", fi, err)
		}

		all, err := db.AllFacts(ctx, testNow)
		if err != nil || len(all) != 2 || all[a.ID].Counts[domain.Form].Last90 != 4 || all[b.ID].Revenue != 350149 || all[idle.ID] != nil {
			t.Errorf("AllFacts = %v, %v", all, err)
		}
		some, err := db.AllFacts(ctx, testNow, b.ID, idle.ID)
		if err != nil || len(some) != 1 || some[b.ID].Orders != 3 {
			t.Errorf("AllFacts(B, idle) = %v, %v", some, err)
		}
	})
}

func TestActivityLists(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := create(t, db, &domain.Contact{Name: "C"})
		other := create(t, db, &domain.Contact{Name: "Other"})
		monday := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
		var moves []*domain.Move
		for i, at := range []time.Time{monday.Add(-time.Second), monday, monday.Add(36 * time.Hour), monday.AddDate(0, 0, 7)} {
			m := &domain.Move{ContactID: c.ID, From: domain.Stages[i], To: domain.Stages[i+1], Note: fmt.Sprint("step ", i), Author: "U1", At: at}
			if err := db.AddMove(ctx, m); err != nil {
				t.Fatal(err)
			}
			moves = append(moves, m)
		}
		if err := db.AddMove(ctx, &domain.Move{ContactID: other.ID, From: domain.Lead, To: domain.Lost, Author: "U2", At: monday.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		recent, err := db.RecentMoves(ctx, c.ID, 2)
		if err != nil || len(recent) != 2 {
			t.Fatalf("RecentMoves = %v, %v", recent, err)
		}
		sameJSON(t, "newest moves", recent, []domain.Move{*moves[3], *moves[2]})

		week, err := db.MovesBetween(ctx, monday, monday.AddDate(0, 0, 7))
		if err != nil || len(week) != 3 || week[0].ID != moves[1].ID || week[1].ContactID != other.ID || week[2].ID != moves[2].ID {
			t.Errorf("MovesBetween = %+v, %v; want the moves at the start of the week, at 1:00 and on Tuesday", week, err)
		}

		for i, k := range []domain.InteractionKind{domain.Call, domain.Meeting, domain.Form} {
			addInteraction(t, db, c.ID, k, monday.Add(time.Duration(i)*time.Hour))
		}
		is, err := db.RecentInteractions(ctx, c.ID, 2)
		if err != nil || len(is) != 2 || is[0].Kind != domain.Form || is[1].Kind != domain.Meeting ||
			!is[0].At.Equal(monday.Add(2*time.Hour)) || is[0].Author != "U1" {
			t.Errorf("RecentInteractions = %+v, %v", is, err)
		}

		first := addOrder(t, db, c.ID, 500, day(2026, 1, 5))
		last := addOrder(t, db, c.ID, 700, day(2026, 11, 1))
		if !first.CreatedAt.Equal(testNow) || first.ID == 0 {
			t.Errorf("AddOrder set id %d, created %s", first.ID, first.CreatedAt)
		}
		os, err := db.RecentOrders(ctx, c.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "orders, newest first", os, []domain.Order{*last, *first})

		// Activity of a contact that does not exist is refused.
		err = db.AddInteraction(ctx, &domain.Interaction{ContactID: 999, Kind: domain.Call, At: testNow})
		wantCode(t, "interaction of C999", err, domain.NotFound)
		err = db.AddOrder(ctx, &domain.Order{ContactID: 999, Amount: 1, Date: day(2026, 1, 1)})
		wantCode(t, "order of C999", err, domain.NotFound)
		err = db.AddMove(ctx, &domain.Move{ContactID: 999, From: domain.Lead, To: domain.Prospect, At: testNow})
		wantCode(t, "move of C999", err, domain.NotFound)
	})
}

var errAbort = errors.New("abort")

func TestInTxRollsBackEverything(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		kept := create(t, db, &domain.Contact{Name: "Kept", City: "Lyon"})
		// writes everything a command can write, then fails with fail.
		writeAll := func(fail error) error {
			return db.InTx(ctx, func(ctx context.Context) error {
				c := &domain.Contact{Name: "Gone", Email: "gone@x.fr", Stage: domain.Lead}
				if err := db.CreateContact(ctx, c); err != nil {
					return err
				}
				if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: kept.ID, Kind: domain.Call, At: testNow}); err != nil {
					return err
				}
				if err := db.AddOrder(ctx, &domain.Order{ContactID: kept.ID, Amount: 100, Date: day(2026, 11, 1)}); err != nil {
					return err
				}
				if err := db.AddMove(ctx, &domain.Move{ContactID: kept.ID, From: domain.Lead, To: domain.Customer, At: testNow}); err != nil {
					return err
				}
				k := reload(t, db, kept.ID)
				k.City = "Paris"
				if err := db.UpdateContact(ctx, k); err != nil {
					return err
				}
				if err := db.SetScore(ctx, kept.ID, 99, "A"); err != nil {
					return err
				}
				if err := db.InsertContacts(ctx, []*domain.Contact{{Name: "Bulk", Stage: domain.Lead}}); err != nil {
					return err
				}
				// Nested calls join: a nested failure is the outer one's.
				if err := db.InTx(ctx, func(ctx context.Context) error {
					return db.AddInteraction(ctx, &domain.Interaction{ContactID: kept.ID, Kind: domain.Form, At: testNow})
				}); err != nil {
					return err
				}
				// The transaction sees its own writes.
				f, err := db.Facts(ctx, kept.ID, testNow)
				if err != nil || f.Counts[domain.Call].Total != 1 || f.Counts[domain.Form].Total != 1 || f.Orders != 1 {
					return fmt.Errorf("facts inside the transaction: %+v, %v", f, err)
				}
				if n, err := db.CountContacts(ctx); err != nil || n != 3 {
					return fmt.Errorf("%d contacts inside the transaction, %v", n, err)
				}
				return fail
			})
		}
		err := writeAll(errAbort)
		if !errors.Is(err, errAbort) {
			t.Fatalf("InTx returned %v, want the function's error", err)
		}
		checkUntouched := func(when string) {
			t.Helper()
			if n, _ := db.CountContacts(ctx); n != 1 {
				t.Errorf("%s: %d contacts, want 1", when, n)
			}
			got := reload(t, db, kept.ID)
			if got.City != "Lyon" || got.Score != 0 || got.Stage != domain.Lead {
				t.Errorf("%s: the kept contact changed: %+v", when, got)
			}
			f, err := db.Facts(ctx, kept.ID, testNow)
			if err != nil || len(f.Counts) != 0 || f.Orders != 0 {
				t.Errorf("%s: facts %+v, %v", when, f, err)
			}
			if ms, _ := db.RecentMoves(ctx, kept.ID, 5); len(ms) != 0 {
				t.Errorf("%s: moves %v", when, ms)
			}
		}
		checkUntouched("after a failed transaction")

		// A failing nested call aborts the outer transaction too.
		err = db.InTx(ctx, func(ctx context.Context) error {
			if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: kept.ID, Kind: domain.Call, At: testNow}); err != nil {
				return err
			}
			return db.InTx(ctx, func(ctx context.Context) error { return errAbort })
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("nested InTx returned %v", err)
		}
		checkUntouched("after a failed nested transaction")

		// The same work, not failing, is all kept.
		if err := writeAll(nil); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountContacts(ctx); n != 3 {
			t.Errorf("%d contacts after a committed transaction, want 3", n)
		}
		if got := reload(t, db, kept.ID); got.City != "Paris" || got.Score != 99 {
			t.Errorf("committed changes lost: %+v", got)
		}
	})
}

func TestLastContactScoresAndBatches(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var all []int64
		for i := range 7 {
			c := &domain.Contact{Name: fmt.Sprint("C", i+1)}
			if i == 0 {
				c.LastContactAt = day(2026, 11, 10)
			}
			all = append(all, create(t, db, c).ID)
		}
		err := db.UpdateContactsLastContact(ctx, map[int64]time.Time{
			all[0]: day(2026, 11, 1), // earlier than what it has: kept
			all[1]: day(2026, 11, 2), // had none
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := reload(t, db, all[0]).LastContactAt; !got.Equal(day(2026, 11, 10)) {
			t.Errorf("an earlier contact time replaced a later one: %s", got)
		}
		if got := reload(t, db, all[1]).LastContactAt; !got.Equal(day(2026, 11, 2)) {
			t.Errorf("last contact = %s, want 2026-11-02", got)
		}

		err = db.SetScores(ctx, map[int64]domain.ScoreResult{all[2]: {Score: 77, Grade: "A"}, all[3]: {Score: 30, Grade: "C"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ContactsByIDs(ctx, []int64{all[3], all[2], 999})
		if err != nil || len(got) != 2 || got[0].ID != all[2] || got[0].Score != 77 || got[1].Grade != "C" {
			t.Errorf("ContactsByIDs after SetScores = %+v, %v", got, err)
		}

		var batches [][]int64
		err = db.EachContact(ctx, 3, func(list []*domain.Contact) error {
			batches = append(batches, ids(list))
			return nil
		})
		if err != nil || fmt.Sprint(batches) != fmt.Sprint([][]int64{all[:3], all[3:6], all[6:]}) {
			t.Errorf("EachContact batches = %v, %v", batches, err)
		}
		calls := 0
		err = db.EachContact(ctx, 3, func([]*domain.Contact) error { calls++; return errAbort })
		if !errors.Is(err, errAbort) || calls != 1 {
			t.Errorf("EachContact went on after an error: %d calls, %v", calls, err)
		}
		if !slices.IsSorted(all) {
			t.Errorf("ids not increasing: %v", all)
		}
	})
}
