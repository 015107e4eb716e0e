package crm_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// TestPipelineReportMemory: the week's moves are counted in the database:
// the pipeline report allocates no more for 100,000 moves in the week (the
// week of a large import) than for 10,000. Reading them took some 20 MB.
func TestPipelineReportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 110,000 moves")
	}
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		cs := make([]*domain.Contact, 1000)
		for i := range cs {
			cs[i] = &domain.Contact{Name: fmt.Sprint("C", i), Stage: domain.Lead, Grade: "D", CreatedAt: start, UpdatedAt: start}
		}
		if err := f.db.InsertContacts(ctx, cs); err != nil {
			t.Fatal(err)
		}
		allocs := func(n int) uint64 {
			moves := make([]domain.Move, n)
			for i := range moves {
				moves[i] = domain.Move{ContactID: int64(i%1000 + 1), From: domain.Stages[i%3], To: domain.Stages[i%3+1],
					At: start.Add(-time.Duration(i) * time.Second), Author: "U1"}
			}
			if err := f.db.InsertMoves(ctx, moves); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			p, err := f.svc.PipelineReport(ctx)
			runtime.ReadMemStats(&after)
			if err != nil || len(p.Moves) != 3 {
				t.Fatalf("report: %+v, %v", p, err)
			}
			return after.TotalAlloc - before.TotalAlloc
		}
		small, large := allocs(10_000), allocs(90_000) // 10,000 then 100,000 in the week
		t.Logf("allocated: %d KB at 10,000 moves, %d KB at 100,000", small>>10, large>>10)
		if large > small+256<<10 {
			t.Errorf("the report allocates with the moves: %d KB at 10,000, %d KB at 100,000", small>>10, large>>10)
		}
	})
}
