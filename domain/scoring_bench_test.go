package domain_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// BenchmarkScore measures the scoring engine with the built-in rules on one
// core, on varied contacts and activity. One op is one contact scored.
//
//	go test ./domain -run '^$' -bench BenchmarkScore -cpu 1
func BenchmarkScore(b *testing.B) { benchScore(b) }

// BenchmarkScoreDecayed is BenchmarkScore with decay on (a half-life of 30
// days), on the same contacts, whose facts date each kind's latest
// interaction: its ratio to BenchmarkScore is what decay costs (issue 13:
// at least 0.8× the throughput).
//
//	go test ./domain -run '^$' -bench 'BenchmarkScore(Decayed)?$' -cpu 1 -count 5
func BenchmarkScoreDecayed(b *testing.B) { benchScore(b, domain.WithDecay(30)) }

func benchScore(b *testing.B, opts ...domain.EngineOption) {
	engine, err := domain.NewEngine(domain.DefaultRules, domain.DefaultGrades, opts...)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	sectors := []string{"agroalimentaire", "btp", "conseil", "santé", "tourisme"}
	roles := []string{"Gérante", "Directeur commercial", "Assistant", "PDG", "Responsable achats"}
	const n = 1024
	contacts := make([]*domain.Contact, n)
	facts := make([]*domain.Facts, n)
	for i := range n {
		contacts[i] = &domain.Contact{
			Name: fmt.Sprintf("Contact %d", i), Role: roles[i%len(roles)], Sector: sectors[i%len(sectors)],
			Employees: (i * 37) % 300, Budget: int64(i%40) * 50000, Source: []string{"web", "salon", "referral"}[i%3],
			Channel: []string{"phone", "email", "site form"}[i%3], Stage: domain.Lead,
			ProjectDate: now.AddDate(0, 0, i%200), CreatedAt: now.AddDate(0, 0, -i%700),
			Tags: []string{"vip"}, LastContactAt: now.AddDate(0, 0, -(i % 150)),
		}
		facts[i] = &domain.Facts{Counts: map[domain.InteractionKind]domain.WindowCounts{
			domain.Form: {Total: i % 4, Last30: i % 2, Last90: i % 3}, domain.EmailOpened: {Total: i % 9, Last90: i % 5},
			domain.Click: {Total: i % 5, Last90: i % 3}, domain.Request: {Total: i % 2, Last90: i % 2},
		}, Orders: i % 3, Revenue: int64(i%3) * 10000, LastOrder: now.AddDate(0, 0, -(i % 400))}
		facts[i].LastAt = map[domain.InteractionKind]time.Time{}
		for k := range facts[i].Counts {
			facts[i].LastAt[k] = now.AddDate(0, 0, -(i*7)%120)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		engine.Score(contacts[i%n], facts[i%n], now)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "contacts/s")
}
