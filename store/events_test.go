package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store"
)

func TestClaimEvent(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		first, err := db.ClaimEvent(ctx, "Ev1")
		if err != nil || !first {
			t.Fatalf("first claim = %v, %v; want true", first, err)
		}
		again, err := db.ClaimEvent(ctx, "Ev1")
		if err != nil || again {
			t.Fatalf("second claim = %v, %v; want false", again, err)
		}
		// A claim inside a transaction that rolls back is not kept.
		boom := errors.New("boom")
		err = db.InTx(ctx, func(ctx context.Context) error {
			if ok, err := db.ClaimEvent(ctx, "Ev2"); err != nil || !ok {
				t.Errorf("claim in tx = %v, %v", ok, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if ok, err := db.ClaimEvent(ctx, "Ev2"); err != nil || !ok {
			t.Errorf("claim after rollback = %v, %v; want true", ok, err)
		}
		// Claims older than the cut are forgotten, the others kept.
		n, err := db.ForgetEvents(ctx, testNow.Add(time.Second))
		if err != nil || n != 2 {
			t.Errorf("ForgetEvents = %d, %v; want 2", n, err)
		}
		if ok, _ := db.ClaimEvent(ctx, "Ev1"); !ok {
			t.Error("Ev1 was not forgotten")
		}
	})
}
