package crm

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// BulkStore is what bulk rescoring needs of the database.
type BulkStore interface {
	EachContact(ctx context.Context, batch int, fn func([]*domain.Contact) error) error
	AllFacts(ctx context.Context, now time.Time, ids ...int64) (map[int64]*domain.Facts, error)
	SetScores(ctx context.Context, scores map[int64]domain.ScoreResult) error
	ContactsByIDs(ctx context.Context, ids []int64) ([]*domain.Contact, error)
}

// chunk is how many contacts are scored at a time: memory stays bounded
// by it, whatever the number of contacts.
const chunk = 5000

// Rescore recomputes and stores the score of every contact (of the given
// ids only, when some are given) and returns how many changed. Call it
// inside the transaction that changed their data, so that scores are never
// out of step with it.
func Rescore(ctx context.Context, st BulkStore, engine *domain.Engine, now time.Time, ids ...int64) (int, error) {
	changed := 0
	err := EachWithFacts(ctx, st, now, ids, func(c *domain.Contact, f *domain.Facts, scores map[int64]domain.ScoreResult) {
		if r := engine.Score(c, f, now); r.Score != c.Score || r.Grade != c.Grade {
			scores[c.ID] = r
		}
	}, func(scores map[int64]domain.ScoreResult) error {
		changed += len(scores)
		return st.SetScores(ctx, scores)
	})
	return changed, err
}

// EachWithFacts calls fn for every contact (of ids only, when some are
// given) with its facts as of now, chunk by chunk; after each chunk, done
// is given what fn gathered into the chunk's map (when done is not nil).
// Memory is bounded by the chunk, not by the number of contacts.
func EachWithFacts(ctx context.Context, st BulkStore, now time.Time, ids []int64,
	fn func(c *domain.Contact, f *domain.Facts, out map[int64]domain.ScoreResult), done func(map[int64]domain.ScoreResult) error) error {
	empty := &domain.Facts{}
	each := func(list []*domain.Contact) error {
		if len(list) == 0 {
			return nil // AllFacts of no ids would read every contact's
		}
		cids := make([]int64, len(list))
		for i, c := range list {
			cids[i] = c.ID
		}
		facts, err := st.AllFacts(ctx, now, cids...)
		if err != nil {
			return err
		}
		out := map[int64]domain.ScoreResult{}
		for _, c := range list {
			f := facts[c.ID]
			if f == nil {
				f = empty
			}
			fn(c, f, out)
		}
		if done == nil {
			return nil
		}
		return done(out)
	}
	if len(ids) == 0 {
		return st.EachContact(ctx, chunk, each)
	}
	for start := 0; start < len(ids); start += chunk {
		list, err := st.ContactsByIDs(ctx, ids[start:min(len(ids), start+chunk)])
		if err != nil {
			return err
		}
		if err := each(list); err != nil {
			return err
		}
	}
	return nil
}
