// Command scalegen writes CSV files for crmbot import at any size, in the
// shapes a real customer base takes, to measure crmbot on data nobody tuned
// it for (issue 10):
//
//	go run ./scripts/scalegen -contacts 1000000 -orders 10000000 -shape skewed -out /tmp/scale
//
// It writes DIR/contacts.csv, DIR/orders.csv, DIR/interactions.csv (with
// -interactions > 0) and DIR/summary.env (the counts and the first and last
// order days, for scripts to source). Output streams: memory stays the same
// whatever the size. The same flags and seed give the same files.
//
// Shapes of the orders:
//   - skewed: most orders go to few customers (Zipf-like) and the dates
//     lean toward recent days;
//   - recent: the same customers, every order within the last 7 days;
//   - uniform: customers and days drawn evenly.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// config is what the flags ask for.
type config struct {
	contacts, orders, interactions int
	dupes                          int // per thousand of the contacts: the previous one typed again
	shape                          string
	seed                           uint64
	now                            time.Time
	days                           int // how far back orders and contacts go
	out                            string
	owners                         []string // the owners written (4 local names unless told)
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err == nil {
		err = run(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scalegen:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var cfg config
	var now string
	fs := flag.NewFlagSet("scalegen", flag.ContinueOnError)
	fs.IntVar(&cfg.contacts, "contacts", 10000, "contacts to write (ids 1..N)")
	fs.IntVar(&cfg.orders, "orders", 100000, "orders to write")
	fs.IntVar(&cfg.interactions, "interactions", 0, "interactions to write (0: no interactions.csv)")
	fs.StringVar(&cfg.shape, "shape", "skewed", "orders shape: skewed, recent or uniform")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed: the same seed and flags give the same files")
	fs.StringVar(&now, "now", time.Now().UTC().Format(time.DateOnly), "the day the data ends (YYYY-MM-DD)")
	fs.IntVar(&cfg.days, "days", 730, "days of history before -now")
	fs.StringVar(&cfg.out, "out", "", "directory to write into (created if missing)")
	fs.IntVar(&cfg.dupes, "dupes", 0, "per thousand of the contacts that repeat the one before (its name in capitals or with a typo, or its email with a +tag), for dupes")
	ownerList := fs.String("owners", "", "comma-separated owners to write instead of four local names (Slack ids such as U0ALICE, for the owners' alerts and check-ins)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	cfg.owners = owners
	if *ownerList != "" {
		cfg.owners = strings.Split(*ownerList, ",")
	}
	var err error
	if cfg.now, err = time.Parse(time.DateOnly, now); err != nil {
		return cfg, fmt.Errorf("-now %q: %w", now, err)
	}
	switch {
	case cfg.out == "":
		return cfg, fmt.Errorf("-out DIR is required")
	case cfg.contacts < 1 || cfg.contacts >= 1e8:
		return cfg, fmt.Errorf("-contacts must be between 1 and 99,999,999")
	case cfg.dupes < 0 || cfg.dupes > 1000:
		return cfg, fmt.Errorf("-dupes is per thousand: from 0 to 1000")
	case cfg.orders < 0 || cfg.interactions < 0 || cfg.days < 7:
		return cfg, fmt.Errorf("-orders and -interactions must be >= 0, -days >= 7")
	case cfg.shape != "skewed" && cfg.shape != "recent" && cfg.shape != "uniform":
		return cfg, fmt.Errorf("-shape %q: use skewed, recent or uniform", cfg.shape)
	}
	return cfg, nil
}

func run(cfg config) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	g := newGen(cfg)
	if err := writeCSV(cfg.out, "contacts.csv", contactHeader, cfg.contacts, g.contactRow); err != nil {
		return err
	}
	if err := writeCSV(cfg.out, "orders.csv", orderHeader, cfg.orders, g.orderRow); err != nil {
		return err
	}
	if cfg.interactions > 0 {
		if err := writeCSV(cfg.out, "interactions.csv", interactionHeader, cfg.interactions, g.interactionRow); err != nil {
			return err
		}
	}
	return g.writeSummary(filepath.Join(cfg.out, "summary.env"))
}

// writeCSV writes a header and n rows made by row, one at a time, into
// dir/name. row fills the slice it is given (reused from row to row).
func writeCSV(dir, name string, header []string, n int, row func(i int, cells []string)) error {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(header); err != nil {
		return err
	}
	cells := make([]string, len(header))
	for i := range n {
		clear(cells)
		row(i, cells)
		if err := w.Write(cells); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
