package crm_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// TestDailyRescore: with decay on, the stored score of a contact whose
// form grows old falls day by day, though nothing is written; two
// processes on the same database rescore once a day between them, and a
// restarted one does not rescore again within the day.
func TestDailyRescore(t *testing.T) {
	db := storetest.Open(t, "sqlite", time.Now)
	engine, err := domain.NewEngine([]domain.Rule{{Name: "form filled", When: "forms > 0", Points: 40}},
		domain.DefaultGrades, domain.WithDecay(1))
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		origin := time.Now()
		clock := func() time.Time { return start.Add(time.Since(origin)) }
		ctx := context.Background()
		c := &domain.Contact{Name: "Ada", Stage: domain.Lead, Grade: "D", CreatedAt: start}
		if err := db.InsertContacts(ctx, []*domain.Contact{c}); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertInteractions(ctx, []domain.Interaction{{ContactID: c.ID, Kind: domain.Form, At: start}}); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var rounds []int // the stored score after each round
		run := func(holder string) (stop func()) {
			d := &crm.DailyRescore{Store: db, Engine: engine, Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Claim: func(ctx context.Context, now, until time.Time) (bool, error) {
					return db.AcquireLease(ctx, "daily-rescore", holder, now, until)
				},
				Rescored: func(int) {
					mu.Lock()
					defer mu.Unlock()
					rounds = append(rounds, reload(t, db, c.ID).Score)
				}}
			ctx, cancel := context.WithCancel(ctx)
			var wg sync.WaitGroup
			wg.Go(func() { d.Run(ctx) })
			return func() { cancel(); wg.Wait() }
		}
		stopA, stopB := run("a"), run("b")
		synctest.Wait()
		time.Sleep(2*24*time.Hour + time.Minute) // three days begun: three rounds
		synctest.Wait()
		stopA()
		stopA = run("a, restarted") // within the day: no round of its own
		time.Sleep(time.Hour)
		synctest.Wait()
		stopA()
		stopB()
		mu.Lock()
		defer mu.Unlock()
		// A half-life of one day: 40, then 20, then 10.
		if len(rounds) != 3 || rounds[0] != 40 || rounds[1] != 20 || rounds[2] != 10 {
			t.Errorf("scores after each round %v, want [40 20 10]: one round a day between the processes", rounds)
		}
	})
}

func reload(t *testing.T, db *store.DB, id int64) *domain.Contact {
	t.Helper()
	c, err := db.Contact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
