package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/store/storetest"
)

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// generate writes the files of one shape into a temporary directory.
func generate(t *testing.T, shape string, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-contacts", "600", "-orders", "4000", "-interactions", "500",
		"-shape", shape, "-seed", strconv.FormatUint(seed, 10), "-now", "2026-11-25", "-out", dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(cfg); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImports: every shape's files go through crmbot's import without a
// problem, and every order lands.
func TestImports(t *testing.T) {
	for _, shape := range []string{"skewed", "recent", "uniform"} {
		t.Run(shape, func(t *testing.T) {
			dir := generate(t, shape, 1)
			db := storetest.Open(t, "sqlite", func() time.Time { return now })
			for _, kind := range []string{csvio.Contacts, csvio.Orders, csvio.Interactions} {
				f, err := os.Open(filepath.Join(dir, kind+".csv"))
				if err != nil {
					t.Fatal(err)
				}
				res, err := csvio.Import(context.Background(), db, domain.DefaultEngine(), now, kind, f, "alice")
				f.Close()
				if err != nil {
					t.Fatalf("import %s: %v", kind, err)
				}
				if want := map[string]int{"contacts": 600, "orders": 4000, "interactions": 500}[kind]; res.Rows != want {
					t.Errorf("%s: %d rows imported, want %d", kind, res.Rows, want)
				}
			}
		})
	}
}

// TestDeterministic: the same seed writes the same bytes, another seed
// other ones.
func TestDeterministic(t *testing.T) {
	a, b, c := generate(t, "skewed", 1), generate(t, "skewed", 1), generate(t, "skewed", 2)
	for _, name := range []string{"contacts.csv", "orders.csv", "interactions.csv"} {
		if !bytes.Equal(read(t, a, name), read(t, b, name)) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
		if bytes.Equal(read(t, a, name), read(t, c, name)) {
			t.Errorf("%s is the same with another seed", name)
		}
	}
}

// TestShapes: recent orders are all within the last 7 days; skewed ones
// go mostly to few customers.
func TestShapes(t *testing.T) {
	for _, row := range rows(t, generate(t, "recent", 1), "orders.csv") {
		d, err := domain.ParseDate(row[2], now)
		if err != nil || now.Sub(d) > 7*24*time.Hour {
			t.Fatalf("recent order dated %q (%v)", row[2], err)
		}
	}
	per := map[int64]int{}
	for _, row := range rows(t, generate(t, "skewed", 1), "orders.csv") {
		if id, ok := domain.ParseContactID(row[0]); ok {
			per[id]++ // an order naming its contact by email is left out
		}
	}
	top := 0
	for _, n := range per {
		top = max(top, n)
	}
	if top < 100 { // 15 times the mean of 4000 orders over 600 contacts
		t.Errorf("the best customer of skewed orders has %d of 4000 orders, want at least 100", top)
	}
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rows(t *testing.T, dir, name string) [][]string {
	t.Helper()
	all, err := csv.NewReader(bytes.NewReader(read(t, dir, name))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return all[1:]
}

// TestDupes: with -dupes 1000 every contact after the first repeats the one
// before it (same company, its name in capitals or with a typo, or its
// email with a +tag); with -dupes 0 none does.
func TestDupes(t *testing.T) {
	for _, per := range []int{0, 1000} {
		g := newGen(config{contacts: 50, seed: 3, dupes: per, now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), days: 30})
		same := 0
		for id := int64(2); id <= 50; id++ {
			c, prev := g.contact(id), g.contact(id-1)
			if c.company == prev.company && strings.EqualFold(c.last, prev.last) {
				same++
			}
		}
		if per == 1000 && same != 49 || per == 0 && same > 5 {
			t.Errorf("-dupes %d: %d of 49 contacts repeat the one before", per, same)
		}
	}
}
