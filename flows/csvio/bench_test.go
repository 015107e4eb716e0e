package csvio_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/store/storetest"
)

// contactsFile makes a contacts file of n rows with most columns filled.
func contactsFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("name;email;phone;company;role;sector;employees;capital;city;country;language;source;channel;stage;tags;owner;attr.card\n")
	sectors := []string{"agro", "btp", "commerce", "services", "industrie"}
	stages := []string{"lead", "prospect", "qualifié", "client", ""}
	for i := range n {
		fmt.Fprintf(&b, "Contact %d;contact%d@example.fr;06 %02d %02d %02d %02d;Société %d;%s;%s;%d;\"%d 000,50 €\";Lyon;France;fr;salon;phone;%s;vip, %d;bruno;%s\n",
			i, i, i/1000000%100, i/10000%100, i/100%100, i%100, i%5000, []string{"PDG", "acheteur", ""}[i%3],
			sectors[i%5], i%300, i%900, stages[i%5], i%7, []string{"gold", ""}[i%2])
	}
	return b.Bytes()
}

// BenchmarkImportContacts imports 100,000 new contacts into a fresh SQLite
// database per iteration and reports rows per second, of elapsed time and
// of processor time (all threads; steadier on a shared machine).
func BenchmarkImportContacts(b *testing.B) {
	const n = 100_000
	file := contactsFile(n)
	eng := engine(b)
	ctx := context.Background()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.Open(b, "sqlite", clock)
		b.StartTimer()
		start := cpuTime()
		res, err := csvio.Import(ctx, db, eng, now, csvio.Contacts, bytes.NewReader(file), "alice")
		cpu += cpuTime() - start
		if err != nil || res.Created != n {
			b.Fatalf("import: %+v %v", res, err)
		}
	}
	report(b, n, cpu)
}

func report(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "rows/cpu-s")
	}
}

// BenchmarkStoreInsertContacts is the ceiling of BenchmarkImportContacts:
// the store's bulk insert alone, of the same 100,000 contacts.
func BenchmarkStoreInsertContacts(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	src := storetest.Open(b, "sqlite", clock)
	if _, err := csvio.Import(ctx, src, engine(b), now, csvio.Contacts, bytes.NewReader(contactsFile(n)), "alice"); err != nil {
		b.Fatal(err)
	}
	var list []*domain.Contact
	var cpu time.Duration
	src.EachContact(ctx, 5000, func(cs []*domain.Contact) error { list = append(list, cs...); return nil })
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.Open(b, "sqlite", clock)
		for _, c := range list {
			c.ID = 0
		}
		b.StartTimer()
		start := cpuTime()
		if err := db.InsertContacts(ctx, list); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - start
	}
	report(b, n, cpu)
}
