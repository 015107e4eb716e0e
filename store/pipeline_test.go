package store_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// TestMoveCounts: the week's moves counted in SQL agree with the same
// moves read and counted in Go, at the week's edges, with contacts that
// move back and forth, skip stages or leave a stage twice.
func TestMoveCounts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		insertMany(t, db, 6)
		monday := day(2026, 11, 23)
		mv := func(id int64, from, to domain.Stage, at time.Time) domain.Move {
			return domain.Move{ContactID: id, From: from, To: to, At: at, Author: "U1"}
		}
		L, P, Q, C, X := domain.Lead, domain.Prospect, domain.Qualified, domain.Customer, domain.Lost
		moves := []domain.Move{
			mv(1, L, P, monday.Add(-time.Second)), // last week
			mv(1, L, P, monday),
			mv(1, P, L, monday.Add(time.Hour)),
			mv(1, L, P, monday.Add(2*time.Hour)),
			mv(2, L, Q, monday.Add(3*time.Hour)),
			mv(3, P, Q, monday.Add(4*time.Hour)),
			mv(3, Q, C, monday.Add(5*time.Hour)),
			mv(4, Q, X, monday.Add(5*time.Hour)),
			mv(5, L, P, monday.Add(6*time.Hour)),
			mv(6, L, P, monday.AddDate(0, 0, 7)), // next week
		}
		if err := db.InsertMoves(t.Context(), moves); err != nil {
			t.Fatal(err)
		}
		week, err := db.MovesBetween(t.Context(), monday, monday.AddDate(0, 0, 7))
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.MoveCounts(t.Context(), monday, monday.AddDate(0, 0, 7))
		if err != nil {
			t.Fatal(err)
		}
		want := domain.CountMoves(week)
		sameJSON(t, "move counts", got, want)
		if want.Left[L] != 3 || want.Forward[L] != 2 || want.Pairs[0] != (domain.StageMove{From: L, To: P, Count: 3}) {
			t.Errorf("the moves counted in Go: %+v", want)
		}
	})
}
