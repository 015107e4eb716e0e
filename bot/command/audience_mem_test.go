package command_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// heapSampler is the real store, with the live heap measured whenever a
// part of a send's audience is in memory: when the contacts of a filter
// are returned, at each chunk of their ids, and when the plan has read a
// chunk's histories.
type heapSampler struct {
	*store.DB
	mu   sync.Mutex
	peak uint64
}

func (h *heapSampler) sample() {
	h.mu.Lock()
	defer h.mu.Unlock()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapAlloc)
}

func (h *heapSampler) FindContacts(ctx context.Context, q domain.ContactQuery) ([]*domain.Contact, int64, error) {
	list, n, err := h.DB.FindContacts(ctx, q)
	h.sample()
	return list, n, err
}

func (h *heapSampler) EachContactID(ctx context.Context, q domain.ContactQuery, chunk int, fn func([]int64) error) error {
	return h.DB.EachContactID(ctx, q, chunk, func(ids []int64) error {
		h.sample()
		return fn(ids)
	})
}

func (h *heapSampler) Histories(ctx context.Context, ids []int64, now time.Time, companyDays int) (map[int64]domain.History, error) {
	hs, err := h.DB.Histories(ctx, ids, now, companyDays)
	h.sample()
	return hs, err
}

// sendPeak fills a database of kind with n customers and returns the peak
// live heap of a dry-run send to all of them, in bytes.
func sendPeak(t *testing.T, kind string, n int) uint64 {
	e := newEnvOn(t, kind)
	const batch = 5000
	for start := 0; start < n; start += batch {
		cs := make([]*domain.Contact, min(batch, n-start))
		for i := range cs {
			cs[i] = &domain.Contact{Name: fmt.Sprintf("Client %d", start+i), Company: fmt.Sprintf("Company %d", (start+i)%997),
				City: "Lyon", Sector: "agro", Stage: domain.Customer, Grade: "D", CreatedAt: start0, UpdatedAt: start0}
		}
		if err := e.db.InsertContacts(ctx(t), cs); err != nil {
			t.Fatal(err)
		}
	}
	sampler := &heapSampler{DB: e.db}
	e.crm.Store = sampler
	pol := domain.DefaultPolicy
	pol.Zone = paris
	e.exec.Surveys = &survey.Service{Store: sampler, Policy: pol, Questionnaires: domain.BuiltinQuestionnaires(), Now: e.clock.Now,
		Language: "en", Log: slog.New(slog.NewTextHandler(e.logs, nil))}
	e.actor = command.Actor{ID: "boss", Roles: []command.Role{command.Sales, command.Manager}}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	r := e.ok(t, "survey send satisfaction to stage=customer dry-run")
	if got := r.Data.(*command.PlanData).Audience; got != n {
		t.Fatalf("audience %d, want %d", got, n)
	}
	return sampler.peak - min(sampler.peak, before.HeapAlloc)
}

var start0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// TestSendAudienceMemory: a send's audience streams by id instead of
// loading every contact: the live heap while planning a dry run for
// 100,000 customers stays within 32 MB of that for 10,000 (the plan's two
// chunks of 20,000 histories take about 16 MB; loading the contacts took
// 54 MB more).
func TestSendAudienceMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 110,000 contacts")
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			small, large := sendPeak(t, kind, 10_000), sendPeak(t, kind, 100_000)
			t.Logf("peak live heap above the start: %.1f MB at 10,000 customers, %.1f MB at 100,000", mb(small), mb(large))
			if large > small+32<<20 {
				t.Errorf("the heap grows with the audience: %.1f MB at 10,000 customers, %.1f MB at 100,000", mb(small), mb(large))
			}
		})
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
