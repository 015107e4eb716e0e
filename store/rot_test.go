package store_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// TestRotting finds the contacts idle past their stage's rot days, by
// query and by count, on both databases: an interaction, an entry into
// the stage or a recent creation keeps a contact fresh.
func TestRotting(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		old := testNow.AddDate(0, 0, -30)
		mk := func(name string, stage domain.Stage, owner string, created, last time.Time) *domain.Contact {
			return create(t, db, &domain.Contact{Name: name, Stage: stage, Owner: owner, CreatedAt: created, LastContactAt: last})
		}
		idle := mk("Idle", domain.Prospect, "alice", old, old)
		mk("Talked", domain.Prospect, "alice", old, testNow.AddDate(0, 0, -2))
		moved := mk("Moved", domain.Prospect, "bruno", old, time.Time{})
		mk("New", domain.Prospect, "bruno", testNow.AddDate(0, 0, -1), time.Time{})
		mk("Lead", domain.Lead, "bruno", old, time.Time{})
		never := mk("Never", domain.Prospect, "", old, time.Time{})
		if err := db.AddMove(ctx, &domain.Move{ContactID: moved.ID, From: domain.Lead, To: domain.Prospect, Author: "U1", At: testNow.AddDate(0, 0, -3)}); err != nil {
			t.Fatal(err)
		}
		p := domain.RotPolicy{domain.Prospect: 14}
		list, _, err := db.FindContacts(ctx, domain.ContactQuery{Rotting: p, RotAt: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != idle.ID || list[1].ID != never.ID {
			t.Errorf("rotting %v, want Idle and Never", names(list))
		}
		byOwner, err := db.RotCounts(ctx, p, testNow, true)
		if err != nil || byOwner["alice"] != 1 || byOwner[""] != 1 || len(byOwner) != 2 {
			t.Errorf("by owner %v %v", byOwner, err)
		}
		byStage, err := db.RotCounts(ctx, p, testNow, false)
		if err != nil || byStage["prospect"] != 2 || len(byStage) != 1 {
			t.Errorf("by stage %v %v", byStage, err)
		}
		entered, err := db.StageEntered(ctx, []int64{idle.ID, moved.ID})
		if err != nil || len(entered) != 1 || !entered[moved.ID].Equal(testNow.AddDate(0, 0, -3)) {
			t.Errorf("entered %v %v", entered, err)
		}
	})
}

func names(list []*domain.Contact) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Name)
	}
	return out
}
