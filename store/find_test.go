package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// insertMany stores n contacts: every third in sector agro, scores 0..n-1.
func insertMany(t *testing.T, db *store.DB, n int) {
	t.Helper()
	cs := make([]*domain.Contact, n)
	for i := range cs {
		cs[i] = &domain.Contact{Name: fmt.Sprintf("Contact %d", i), Stage: domain.Lead, Score: i, Grade: "D",
			CreatedAt: testNow, UpdatedAt: testNow}
		if i%3 == 0 {
			cs[i].Sector, cs[i].Stage = "agro", domain.Customer
		}
	}
	if err := db.InsertContacts(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
}

// TestFindContactsCount: a full page's total counts every match, none, or
// up to a bound, as the query asks; the page is the same.
func TestFindContactsCount(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		insertMany(t, db, 90) // 30 in agro
		agro := parseFilters(t, "sector=AGRO")
		for _, c := range []struct {
			name  string
			count int
			want  int64
		}{
			{"every match", domain.CountAll, 30},
			{"none", domain.CountNone, 5},
			{"up to 10: 11 means more", 10, 11},
			{"up to 30: exact", 30, 30},
		} {
			q := domain.ContactQuery{Filters: agro, Sort: "score", Desc: true, Limit: 5, Count: c.count}
			list, total, err := db.FindContacts(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			if total != c.want {
				t.Errorf("%s: total %d, want %d", c.name, total, c.want)
			}
			if got := ids(list); !slices.Equal(got, []int64{88, 85, 82, 79, 76}) {
				t.Errorf("%s: page %v", c.name, got)
			}
		}
		// A page past the end still says how many match, when counted.
		_, total, err := db.FindContacts(t.Context(), domain.ContactQuery{Filters: agro, Limit: 5, Offset: 40, Count: 60})
		if err != nil || total != 30 {
			t.Errorf("past the end: total %d, %v", total, err)
		}
	})
}

// TestEachContactID: the ids of a filter come in id order, chunk by
// chunk, whatever the query's sort, limit and count; an error from fn
// stops the stream.
func TestEachContactID(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		insertMany(t, db, 100)
		q := domain.ContactQuery{Filters: parseFilters(t, "stage=customer"), Sort: "score", Desc: true, Limit: 3}
		var chunks [][]int64
		err := db.EachContactID(t.Context(), q, 16, func(ids []int64) error {
			chunks = append(chunks, ids)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all := slices.Concat(chunks...)
		if len(chunks) != 3 || len(chunks[0]) != 16 || len(chunks[2]) != 2 || len(all) != 34 || !slices.IsSorted(all) || all[0] != 1 || all[33] != 100 {
			t.Errorf("chunks %v", chunks)
		}
		stop := errors.New("stop")
		calls := 0
		err = db.EachContactID(t.Context(), q, 10, func([]int64) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("stopped: %v after %d calls", err, calls)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := db.EachContactID(ctx, q, 10, func([]int64) error { return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
	})
}
