package store

import (
	"context"
	"fmt"
	"time"
)

// ClaimEvent records that the delivery id (a Slack event_id, a button's
// trigger, …) is being applied, and reports whether this call is the first
// to claim it. Called with the ctx of an InTx, the claim is part of that
// transaction: if the transaction rolls back, so does the claim, and a later
// delivery of the same id claims it again. Two concurrent claims of one id
// never both succeed.
func (db *DB) ClaimEvent(ctx context.Context, id string) (bool, error) {
	res := db.conn(ctx).Exec("INSERT INTO claimed_events (id, claimed_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
		id, db.now().UTC())
	if res.Error != nil {
		return false, fmt.Errorf("claim event %s: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ForgetEvents removes the claims made before t, which no retry can repeat
// any more, and returns how many it removed.
func (db *DB) ForgetEvents(ctx context.Context, before time.Time) (int64, error) {
	res := db.conn(ctx).Exec("DELETE FROM claimed_events WHERE claimed_at < ?", before.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("forget events: %w", res.Error)
	}
	return res.RowsAffected, nil
}
