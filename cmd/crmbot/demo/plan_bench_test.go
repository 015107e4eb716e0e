package demo_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/cmd/crmbot/demo"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
)

var planContacts = flag.Int("plan.contacts", 1_000_000, "contacts of BenchmarkPlan's database")

// benchNow is the clock of the benchmark database and of its plans:
// Wednesday 25 November 2026, 10:00 in Paris, out of quiet hours, so that
// the outcomes are the same at every run.
var benchNow = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// planDB opens a SQLite database of n contacts made by demo (seed 1, at
// benchNow) with their customer's side. It is built once (about 10 minutes
// for 1,000,000 contacts) and kept as
// $CRMBOT_BENCH_DIR/crmbot-plan-<n>-v<schema>-<demo>.db (default: the
// system's temporary folder); delete it when the sample data changes.
// Plans never commit to it: see inRollback.
func planDB(b *testing.B, n int) *store.DB {
	b.Helper()
	dir := os.Getenv("CRMBOT_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("crmbot-plan-%d-v%d-%s.db", n, store.LatestVersion(), demoVersion))
	if _, err := os.Stat(path); err != nil {
		buildPlanDB(b, path, n)
	}
	db, err := store.Open(context.Background(), path, store.Options{Now: func() time.Time { return benchNow }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

// demoVersion names the sample data in the cached file's name: change it
// when demo makes other data.
const demoVersion = "survey1"

func buildPlanDB(b *testing.B, path string, n int) {
	b.Helper()
	tmp := path + ".part"
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + s)
	}
	db, err := store.Open(context.Background(), tmp, store.Options{Now: func() time.Time { return benchNow }})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	st, err := demo.Generate(context.Background(), db, nil, demo.Options{Contacts: n, Seed: 1, Now: benchNow, Batch: 10_000})
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	el := time.Since(start)
	b.Logf("built %s in %s: %s (%.0f rows/s)", path, el.Round(time.Second), st, float64(st.Rows())/el.Seconds())
	// The write-ahead log goes with the file, first, so that a whole file
	// never lacks it.
	os.Rename(tmp+"-wal", path+"-wal")
	os.Remove(tmp + "-shm")
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
}

// allIDs returns the ids of every contact, as a `survey send` to a filter
// matching everyone resolves its audience.
func allIDs(b *testing.B, db *store.DB) []int64 {
	b.Helper()
	var ids []int64
	err := db.EachContact(context.Background(), 50_000, func(cs []*domain.Contact) error {
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

func planService(db *store.DB) *survey.Service {
	pol := domain.DefaultPolicy
	pol.Zone = domain.Zone("Europe/Paris")
	return &survey.Service{Store: db, Policy: pol, Questionnaires: domain.BuiltinQuestionnaires(),
		Now: func() time.Time { return benchNow }, Language: "fr"}
}

// errRollback undoes a plan once it is timed.
var errRollback = errors.New("rolled back")

// inRollback runs fn in a transaction that is rolled back after it, the
// timer stopped, so that every plan finds the database as it was.
func inRollback(b *testing.B, db *store.DB, fn func(ctx context.Context)) {
	err := db.InTx(context.Background(), func(ctx context.Context) error {
		fn(ctx)
		b.StopTimer()
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		b.Fatal(err)
	}
	b.StartTimer()
}

// BenchmarkPlan plans the satisfaction questionnaire for every contact of
// a 1,000,000-contact SQLite database, with their histories, through the
// throttle (Service.Send), as `survey send satisfaction to … [dry-run]`
// does: a dry run, and a real one that queues the surveys allowed (undone
// after each run). Issue 4's target: at most 5 s a plan.
//
//	go test ./flows/survey -run '^$' -bench BenchmarkPlan -benchtime 3x -timeout 60m
func BenchmarkPlan(b *testing.B) {
	db := planDB(b, *planContacts)
	ids := allIDs(b, db)
	svc := planService(db)
	for _, dry := range []bool{true, false} {
		name := "queue"
		if dry {
			name = "dry-run"
		}
		b.Run(name, func(b *testing.B) {
			var p *survey.Plan
			plan := func(ctx context.Context) {
				var err error
				if p, err = svc.Send(ctx, domain.SatisfactionID, ids, "bench", dry); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if dry {
					// A dry run writes nothing, and reads outside any
					// transaction, on several connections, as it does in
					// crmbot.
					plan(b.Context())
					continue
				}
				inRollback(b, db, plan)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(sec, "s/plan")
			b.ReportMetric(float64(len(ids))/sec, "contacts/s")
			b.Logf("%d contacts: %s", len(ids), describe(p))
		})
	}
}

// describe writes a plan's counts.
func describe(p *survey.Plan) string {
	var parts []string
	for k, v := range p.Outcomes {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	slices.Sort(parts)
	var reasons []string
	for k, v := range p.Reasons {
		reasons = append(reasons, fmt.Sprintf("%s %d", k, v))
	}
	slices.Sort(reasons)
	return fmt.Sprintf("%s; queued %d; reasons: %s", strings.Join(parts, ", "), p.Queued, strings.Join(reasons, ", "))
}

// BenchmarkPlanParts times the parts of a plan one by one over the same
// database, 5,000 contacts at a time: reading the histories
// (Store.Histories, which also reads the queued surveys), and deciding
// (domain.Decide) over histories already in memory.
//
//	go test ./flows/survey -run '^$' -bench BenchmarkPlanParts -benchtime 3x -timeout 60m
func BenchmarkPlanParts(b *testing.B) {
	db := planDB(b, *planContacts)
	ids := allIDs(b, db)
	svc := planService(db)
	const chunk = 5000
	each := func(b *testing.B, fn func(ctx context.Context, part []int64)) {
		for b.Loop() {
			inRollback(b, db, func(ctx context.Context) {
				for start := 0; start < len(ids); start += chunk {
					fn(ctx, ids[start:min(len(ids), start+chunk)])
				}
			})
		}
		sec := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(sec, "s/plan")
		b.ReportMetric(float64(len(ids))/sec, "contacts/s")
	}
	b.Run("histories", func(b *testing.B) {
		each(b, func(ctx context.Context, part []int64) {
			if _, err := db.Histories(ctx, part, benchNow, svc.Policy.Company.PerDays); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("decide", func(b *testing.B) {
		q, err := svc.Questionnaire(domain.SatisfactionID)
		if err != nil {
			b.Fatal(err)
		}
		ask := domain.Ask{Questionnaire: q.ID, PeriodDays: q.PeriodDays}
		allowed := 0
		each(b, func(ctx context.Context, part []int64) {
			b.StopTimer()
			hs, err := db.Histories(ctx, part, benchNow, svc.Policy.Company.PerDays)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			for _, id := range part {
				if domain.Decide(svc.Policy, hs[id], ask, benchNow).Outcome == domain.Allow {
					allowed++
				}
			}
		})
		if allowed == 0 {
			b.Fatal("nobody allowed")
		}
	})
}
