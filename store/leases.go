package store

import (
	"context"
	"fmt"
	"time"
)

// This file keeps the leases that elect one holder of a job, such as the
// one Telegram poller.

// AcquireLease takes or renews the lease name for holder until until, and
// reports whether holder holds it: a lease held by another holder is taken
// only once it lapsed.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	var held bool
	err := db.InTx(ctx, func(ctx context.Context) error {
		res := db.conn(ctx).Exec(`INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE leases.holder = excluded.holder OR leases.until < ?`, name, holder, until.UTC(), now.UTC())
		if res.Error != nil {
			return fmt.Errorf("lease %s: %w", name, res.Error)
		}
		held = res.RowsAffected == 1
		return nil
	})
	return held, err
}
