package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/metrics"
	"github.com/crmbot/crmbot/cmd/crmbot/demo"
	"github.com/crmbot/crmbot/locale"
)

// benchDB returns a SQLite database filled by demo with n contacts. It is
// kept in CRMBOT_BENCH_DIR (default: the system's temporary folder) so that
// later runs reuse it.
func benchDB(b *testing.B, n int) string {
	b.Helper()
	dir := os.Getenv("CRMBOT_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := fmt.Sprintf("%s/crmbot-bench-%d.db", dir, n)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".part"
	os.Remove(tmp)
	m := benchMain(b, tmp)
	start := time.Now()
	if _, err := demo.Generate(context.Background(), m.db, m.Config.File.Scoring, demo.Options{Contacts: n, Seed: 1, Now: time.Now()}); err != nil {
		b.Fatal(err)
	}
	m.close()
	b.Logf("built %s in %s", path, time.Since(start))
	// The write-ahead log may still hold data: it moves with the file.
	for _, suffix := range []string{"-wal", "-shm", ""} {
		if err := os.Rename(tmp+suffix, path+suffix); err != nil && !os.IsNotExist(err) {
			b.Fatal(err)
		}
	}
	return path
}

// benchMain returns a Main opened on the database dsn, with the built-in
// configuration, on the real clock (the data is made for now).
func benchMain(b *testing.B, dsn string) *Main {
	b.Helper()
	m := newMain(nil, io.Discard, io.Discard, baseEnv(dsn))
	m.Now = time.Now
	if err := m.open(context.Background()); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkCommands measures each command's latency through the executor,
// as the console and crmbot exec run it, on a 100,000-contact SQLite
// database made by demo. It reports the median and the 99th percentile.
//
//	go test ./cmd/crmbot -run '^$' -bench BenchmarkCommands -benchtime 2000x
func BenchmarkCommands(b *testing.B) {
	a := benchMain(b, benchDB(b, 100_000))
	defer a.close()
	actor := command.Actor{ID: "bench", Roles: command.AllRoles}
	stages := []string{"prospect", "qualified", "lead"}
	cases := []struct {
		name string
		line func(i int) string
	}{
		{"show", func(i int) string { return fmt.Sprintf("show C%d", 1+(i*7919)%100_000) }},
		{"show-email", func(i int) string { return "show " + a.emailOf(b, 1+(i*7919)%100_000) }},
		{"move", func(i int) string { return a.validMove(b, 1+(i*104729)%100_000, stages) }},
		{"log", func(i int) string { return fmt.Sprintf("log C%d call bench", 1+(i*15485863)%100_000) }},
		{"find", func(i int) string { return "find stage=prospect sector=agroalimentaire score>=50 sort=-score" }},
		{"find-name", func(i int) string { return "find dupont" }},
		{"top", func(i int) string { return "top 10 stage=qualified" }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				line := c.line(i)
				start := time.Now()
				r := a.exec.Run(ctx, actor, line)
				lat = append(lat, time.Since(start))
				if !r.OK {
					b.Fatalf("%s: %s", line, r.Error.Message)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// validMove is a move of contact id to a stage it is not at, read before
// the clock starts, so that every timed move writes.
func (a *Main) validMove(b *testing.B, id int, stages []string) string {
	c, err := a.db.Contact(context.Background(), int64(id))
	if err != nil {
		b.Fatal(err)
	}
	to := stages[0]
	if string(c.Stage) == to {
		to = stages[1]
	}
	return fmt.Sprintf("move C%d %s bench", id, to)
}

func (a *Main) emailOf(b *testing.B, id int) string {
	c, err := a.db.Contact(context.Background(), int64(id))
	if err != nil {
		b.Fatal(err)
	}
	return c.Email
}

// BenchmarkShowMetrics times show with and without crmbot run's metrics on
// the command path (bot/metrics: a counter and a histogram a command), side
// by side on the same database.
// BenchmarkShowLanguage times show written in English and in French: what
// the catalog lookups of every label and message cost a command.
func BenchmarkShowLanguage(b *testing.B) {
	a := benchMain(b, benchDB(b, 100_000))
	defer a.close()
	actor := command.Actor{ID: "bench", Roles: command.AllRoles}
	for _, l := range locale.Langs {
		b.Run(string(l), func(b *testing.B) {
			ctx := locale.With(context.Background(), locale.For(l))
			for i := 0; b.Loop(); i++ {
				if r := a.exec.Run(ctx, actor, fmt.Sprintf("show C%d", 1+(i*7919)%100_000)); !r.OK {
					b.Fatal(r.Error.Message)
				}
			}
		})
	}
}

func BenchmarkShowMetrics(b *testing.B) {
	a := benchMain(b, benchDB(b, 100_000))
	defer a.close()
	actor := command.Actor{ID: "bench", Roles: command.AllRoles}
	observe := metrics.New(a.db, a.Now, a.log).Command
	for _, c := range []struct {
		name    string
		observe func(string, string, time.Duration)
	}{{"off", nil}, {"on", observe}} {
		b.Run(c.name, func(b *testing.B) {
			a.exec.Observe = c.observe
			for i := 0; b.Loop(); i++ {
				if r := a.exec.Run(context.Background(), actor, fmt.Sprintf("show C%d", 1+(i*7919)%100_000)); !r.OK {
					b.Fatal(r.Error.Message)
				}
			}
		})
	}
}
