package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// Only the head of a chat's queue is claimed, one claimer at a time; the
// next message is claimable once the head is delivered; a lapsed claim is
// taken over; messages owed in a transaction that rolls back are not owed.
func TestOutboxQueues(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		tg := []domain.OutgoingKind{domain.ToTelegram}
		msg := func(chat int64, body string) domain.Outgoing {
			return domain.Outgoing{Kind: domain.ToTelegram, ChatID: chat, Body: body}
		}
		if err := db.AddOutgoing(ctx, []domain.Outgoing{msg(1, "a1"), msg(1, "a2"), msg(2, "b1")}); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := db.InTx(ctx, func(ctx context.Context) error {
			if err := db.AddOutgoing(ctx, []domain.Outgoing{msg(3, "lost")}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		now := testNow
		heads, err := db.ClaimOutgoing(ctx, tg, nil, now, 10, "p1", now.Add(15*time.Second))
		if err != nil || len(heads) != 2 || heads[0].Body != "a1" || heads[1].Body != "b1" {
			t.Fatalf("heads %+v %v", heads, err)
		}
		if again, _ := db.ClaimOutgoing(ctx, tg, nil, now, 10, "p2", now.Add(15*time.Second)); len(again) != 0 {
			t.Fatalf("claimed twice: %+v", again)
		}
		if err := db.DeliveredOutgoing(ctx, heads[0].ID); err != nil {
			t.Fatal(err)
		}
		one := int64(1)
		next, _ := db.ClaimOutgoing(ctx, tg, &one, now, 1, "p1", now.Add(15*time.Second))
		if len(next) != 1 || next[0].Body != "a2" {
			t.Fatalf("next of chat 1: %+v", next)
		}
		later := now.Add(16 * time.Second)
		if ok, _ := db.RenewOutgoing(ctx, next[0].ID, "p1", later.Add(15*time.Second)); !ok {
			t.Fatal("a lapsed claim nobody took was not renewed")
		}
		taken, _ := db.ClaimOutgoing(ctx, tg, nil, later, 10, "p2", later.Add(15*time.Second))
		if len(taken) != 1 || taken[0].ID != heads[1].ID {
			t.Fatalf("after the claims lapsed: %+v", taken)
		}
		if ok, _ := db.RenewOutgoing(ctx, heads[1].ID, "p1", later.Add(15*time.Second)); ok {
			t.Fatal("a claim another took was renewed")
		}
		if err := db.ReleaseClaims(ctx, "p2"); err != nil {
			t.Fatal(err)
		}
		if free, _ := db.ClaimOutgoing(ctx, tg, nil, later, 10, "p3", later.Add(15*time.Second)); len(free) != 1 {
			t.Fatalf("after a clean stop: %+v", free)
		}
	})
}

// A lease is held by one holder; it is taken by another once it lapsed,
// and at once when its holder releases it on a clean stop.
func TestLeaseReleasedOnStop(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := testNow
		if ok, err := db.AcquireLease(ctx, "poll", "a", now, now.Add(15*time.Second)); !ok || err != nil {
			t.Fatalf("first: %v %v", ok, err)
		}
		if ok, _ := db.AcquireLease(ctx, "poll", "b", now.Add(14*time.Second), now.Add(29*time.Second)); ok {
			t.Fatal("taken before it lapsed")
		}
		if err := db.ReleaseClaims(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.AcquireLease(ctx, "poll", "b", now.Add(time.Second), now.Add(16*time.Second)); !ok {
			t.Fatal("not taken after its holder released it")
		}
		if ok, _ := db.AcquireLease(ctx, "poll", "a", now.Add(32*time.Second), now.Add(47*time.Second)); !ok {
			t.Fatal("not taken after it lapsed")
		}
	})
}

// OutboxStats counts the owed messages and gives when the oldest was
// written, on both databases; nothing owed is 0 and the zero time.
func TestOutboxStats(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if n, oldest, err := db.OutboxStats(ctx); n != 0 || !oldest.IsZero() || err != nil {
			t.Fatalf("empty outbox: %d %v %v", n, oldest, err)
		}
		msgs := []domain.Outgoing{{Kind: domain.ToTelegram, ChatID: 7, Body: "a"}, {Kind: domain.DetractorAlert, Body: "b"}}
		if err := db.AddOutgoing(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		if n, oldest, err := db.OutboxStats(ctx); n != 2 || !oldest.Equal(testNow) || err != nil {
			t.Errorf("two owed: %d %v %v; want 2 %v", n, oldest, err, testNow)
		}
	})
}
