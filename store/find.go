package store

import (
	"context"
	"fmt"

	"github.com/crmbot/crmbot/domain"
)

// EachContactID calls fn with the ids of the contacts q's filters and ids
// keep (its sort, limit and count are ignored), in id order, up to chunk at
// a time: an audience of a million contacts is never held whole. Each
// slice is fn's to keep. The ids stream from one query that stays open
// while fn runs: fn may query the database meanwhile, unless ctx carries a
// transaction (whose one connection the query holds).
func (db *DB) EachContactID(ctx context.Context, q domain.ContactQuery, chunk int, fn func(ids []int64) error) error {
	where, err := db.matching(db.conn(ctx), q)
	if err != nil {
		return err
	}
	// Under a context that can be cancelled, the SQLite driver starts a
	// goroutine for every row: the context is checked every chunk instead.
	rows, err := where.WithContext(context.WithoutCancel(ctx)).Select("id").Order("id").Rows()
	if err != nil {
		return fmt.Errorf("read contact ids: %w", err)
	}
	defer rows.Close()
	ids := make([]int64, 0, chunk)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("read contact ids: %w", err)
		}
		if ids = append(ids, id); len(ids) < chunk {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(ids); err != nil {
			return err
		}
		ids = make([]int64, 0, chunk)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read contact ids: %w", err)
	}
	if len(ids) > 0 {
		return fn(ids)
	}
	return nil
}
