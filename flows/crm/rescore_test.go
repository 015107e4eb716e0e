package crm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
)

// chunkedFacts is the real store, remembering the most contacts whose
// facts were read at once.
type chunkedFacts struct {
	*store.DB
	most, calls int
	all         bool // facts of every contact were asked for (no ids)
}

func (c *chunkedFacts) AllFacts(ctx context.Context, now time.Time, ids ...int64) (map[int64]*domain.Facts, error) {
	c.calls++
	c.most = max(c.most, len(ids))
	c.all = c.all || len(ids) == 0
	return c.DB.AllFacts(ctx, now, ids...)
}

// Rescoring every contact reads their facts a chunk at a time: memory is
// bounded by the chunk, not by the number of contacts (issue 10: it read
// every contact's facts at once).
func TestRescoreAllIsChunked(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := t.Context()
		batch := make([]*domain.Contact, 12001)
		for i := range batch {
			batch[i] = &domain.Contact{Name: fmt.Sprintf("C %d", i), Role: "CEO", Employees: 80, Stage: domain.Lead, Grade: "D", CreatedAt: start}
		}
		if err := f.db.InsertContacts(ctx, batch); err != nil {
			t.Fatal(err)
		}
		st := &chunkedFacts{DB: f.db}
		changed, err := crm.Rescore(ctx, st, domain.DefaultEngine(), f.at)
		if err != nil || changed != len(batch) {
			t.Fatalf("rescored %d of %d: %v", changed, len(batch), err)
		}
		if st.all || st.most > 5000 || st.calls != 3 {
			t.Fatalf("facts read %d times, at most %d at once, all at once: %v", st.calls, st.most, st.all)
		}
	})
}
