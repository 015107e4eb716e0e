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

// Rescore recomputes and stores the score of every contact (of the given
// ids only, when some are given) and returns how many changed. Call it
// inside the transaction that changed their data, so that scores are never
// out of step with it.
func Rescore(ctx context.Context, st BulkStore, engine *domain.Engine, now time.Time, ids ...int64) (int, error) {
	facts, err := st.AllFacts(ctx, now, ids...)
	if err != nil {
		return 0, err
	}
	changed := 0
	empty := &domain.Facts{}
	score := func(list []*domain.Contact) error {
		scores := map[int64]domain.ScoreResult{}
		for _, c := range list {
			f := facts[c.ID]
			if f == nil {
				f = empty
			}
			r := engine.Score(c, f, now)
			if r.Score != c.Score || r.Grade != c.Grade {
				scores[c.ID] = r
			}
		}
		changed += len(scores)
		return st.SetScores(ctx, scores)
	}
	if len(ids) == 0 {
		err = st.EachContact(ctx, 5000, score)
		return changed, err
	}
	list, err := st.ContactsByIDs(ctx, ids)
	if err != nil {
		return 0, err
	}
	return changed, score(list)
}
