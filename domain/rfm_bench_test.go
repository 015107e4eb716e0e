package domain_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// benchCustomers makes n customers' aggregates: two years of history, with
// the ties of real data (few order counts, amounts in whole euros).
func benchCustomers(n int) []domain.RFMInput {
	rng := rand.New(rand.NewPCG(42, 1))
	in := make([]domain.RFMInput, n)
	for i := range in {
		orders := 1 + rng.IntN(20)
		in[i] = domain.RFMInput{
			ContactID: int64(i + 1),
			LastOrder: rfmAsOf.AddDate(0, 0, -rng.IntN(730)),
			Orders:    orders,
			Amount:    int64(orders) * (50 + int64(rng.IntN(20_000))) * 100,
		}
	}
	return in
}

// perCustomer reports the time per customer of a benchmark over n.
func perCustomer(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/customer")
}

// BenchmarkRFM scores 1,000,000 customers. One op is the whole population.
//
//	go test ./domain -run '^$' -bench 'RFM|ABC' -cpu 1
func BenchmarkRFM(b *testing.B) {
	const n = 1_000_000
	in := benchCustomers(n)
	asOf := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := domain.RFM(in, asOf, 0); err != nil {
			b.Fatal(err)
		}
	}
	perCustomer(b, n)
}

// BenchmarkABC classifies 1,000,000 scored customers.
func BenchmarkABC(b *testing.B) {
	const n = 1_000_000
	scores, err := domain.RFM(benchCustomers(n), rfmAsOf, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := domain.ABC(scores, domain.DefaultABC); err != nil {
			b.Fatal(err)
		}
	}
	perCustomer(b, n)
}
