package demo_test

import (
	"context"
	"flag"
	"testing"

	"github.com/crmbot/crmbot/cmd/crmbot/demo"
	"github.com/crmbot/crmbot/store/storetest"
)

var benchContacts = flag.Int("demo.contacts", 20_000, "contacts per BenchmarkGenerate run")

// BenchmarkGenerate fills a fresh SQLite file with -demo.contacts contacts
// (20,000 by default) per run and reports contacts and rows written per
// second. For the 100,000-contact figure:
//
//	go test ./cmd/crmbot/demo -run '^$' -bench BenchmarkGenerate -benchtime 1x -demo.contacts 100000
func BenchmarkGenerate(b *testing.B) {
	e := engine(b)
	var rows, contacts int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.Open(b, "sqlite", nil)
		b.StartTimer()
		st, err := demo.Generate(context.Background(), db, e, demo.Options{Contacts: *benchContacts, Seed: int64(i), Now: now})
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Rows()
		contacts += st.Contacts
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(contacts)/sec, "contacts/s")
	b.ReportMetric(float64(rows)/sec, "rows/s")
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
}
