package crm

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// FactsStore is what a walk over the contacts with their facts
// (EachWithFacts) needs of the database.
type FactsStore interface {
	EachContact(ctx context.Context, batch int, fn func([]*domain.Contact) error) error
	AllFacts(ctx context.Context, now time.Time, ids ...int64) (map[int64]*domain.Facts, error)
	ContactsByIDs(ctx context.Context, ids []int64) ([]*domain.Contact, error)
}

// BulkStore is what bulk rescoring needs of the database.
type BulkStore interface {
	FactsStore
	SetScores(ctx context.Context, scores map[int64]domain.ScoreResult) error
}

// chunk is how many contacts are scored at a time: memory stays bounded
// by it, whatever the number of contacts.
const chunk = 5000

// Rescore recomputes and stores the score of every contact (of the given
// ids only, when some are given) and returns how many changed score or
// grade (a change of fit grade or engagement alone is stored, not
// counted). Call it
// inside the transaction that changed their data, so that scores are never
// out of step with it.
func Rescore(ctx context.Context, st BulkStore, engine *domain.Engine, now time.Time, ids ...int64) (int, error) {
	changed := 0
	scores := map[int64]domain.ScoreResult{}
	err := EachWithFacts(ctx, st, now, ids, func(c *domain.Contact, f *domain.Facts) {
		r := engine.Score(c, f, now)
		if r.Score != c.Score || r.Grade != c.Grade {
			changed++
		}
		if Changed(c, r) {
			scores[c.ID] = r
		}
	}, func() error {
		err := st.SetScores(ctx, scores)
		scores = map[int64]domain.ScoreResult{}
		return err
	})
	return changed, err
}

// EachWithFacts calls fn for every contact (of ids only, when some are
// given) with its facts as of now, chunk by chunk, and done (when not nil)
// after each chunk. It is the one walk that evaluates rules over the
// contacts: rescoring, a simulation of new rules, the members of saved
// segments. Memory is bounded by the chunk, not by the number of contacts.
func EachWithFacts(ctx context.Context, st FactsStore, now time.Time, ids []int64,
	fn func(c *domain.Contact, f *domain.Facts), done func() error) error {
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
		for _, c := range list {
			f := facts[c.ID]
			if f == nil {
				f = empty
			}
			fn(c, f)
		}
		if done == nil {
			return nil
		}
		return done()
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

// Changed reports whether r differs from what c has stored: its score,
// grade, fit grade or engagement.
func Changed(c *domain.Contact, r domain.ScoreResult) bool {
	return r.Score != c.Score || r.Grade != c.Grade || r.Fit != c.Fit || r.Engagement != c.Engagement
}
