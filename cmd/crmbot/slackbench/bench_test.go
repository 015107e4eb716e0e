package slackbench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/cmd/crmbot/demo"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
)

const secret = "bench-secret"

// load returns the load's parameters: 200 requests a second for 30
// seconds on 100,000 contacts, unless CRMBOT_SLACKBENCH_RATE, _SECONDS or
// _CONTACTS say otherwise (for a quick run). CRMBOT_SLACKBENCH_WORKERS sets
// the bot's Workers.
func load() (rate, seconds, contacts int) {
	return envInt("CRMBOT_SLACKBENCH_RATE", 200), envInt("CRMBOT_SLACKBENCH_SECONDS", 30), envInt("CRMBOT_SLACKBENCH_CONTACTS", 100_000)
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkAckLatency sends signed /crm show and /crm move requests, one of
// each in turn, at a steady rate (200 a second for 30 seconds) over
// loopback to the bot's HTTP endpoint, on a copy of a 100,000-contact
// SQLite database made by demo (cached in CRMBOT_BENCH_DIR, default the
// system's temporary folder). It reports the acknowledgement latency's p50
// and p99 for each kind, and fails unless every request was acknowledged,
// answered once, and every move applied exactly once. It runs its load once
// whatever b.N is:
//
//	go test ./cmd/crmbot/slackbench -run '^$' -bench AckLatency -benchtime 1x -timeout 30m
func BenchmarkAckLatency(b *testing.B) {
	rate, seconds, contacts := load()
	total := rate * seconds
	db, cfg := benchDB(b, contacts)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &crm.Service{Store: db, Scoring: cfg.Scoring, Now: time.Now, Loc: time.Local}
	exec := &command.Executor{CRM: svc, Now: time.Now, Loc: time.Local, Logger: log}
	answers := newAnswers()
	sink := httptest.NewServer(answers)
	defer sink.Close()
	bot, err := slackbot.New(slackbot.Config{BotToken: "xoxb-bench", SigningSecret: secret, APIURL: sink.URL + "/api/",
		Workers: envInt("CRMBOT_SLACKBENCH_WORKERS", 0)}, exec, db, time.Now, log)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(bot.Handler())
	defer srv.Close()
	lines := requests(b, db, total, contacts)
	began := time.Now()
	acks := send(b, srv.URL, sink.URL, lines, rate)
	bot.Wait()
	b.StopTimer()
	report(b, acks, lines)
	check(b, db, answers, lines, began)
}

// benchDB returns a fresh copy of a demo database of n contacts, and the
// built-in configuration it was scored with.
func benchDB(b *testing.B, n int) (*store.DB, *config.Config) {
	b.Helper()
	cfg, err := config.Load("")
	if err != nil {
		b.Fatal(err)
	}
	dir := os.Getenv("CRMBOT_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	// The schema version is in the name; after a change to a migration
	// that keeps its version, delete the file.
	cached := filepath.Join(dir, fmt.Sprintf("crmbot-slackbench-%d-v%d.db", n, store.LatestVersion()))
	if _, err := os.Stat(cached); err != nil {
		build(b, cfg, cached, n)
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	copyFile(b, cached, path)
	copyFile(b, cached+"-wal", path+"-wal")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db, cfg
}

// build makes the cached database, under another name until it is whole.
func build(b *testing.B, cfg *config.Config, path string, n int) {
	b.Helper()
	tmp := path + ".part"
	os.Remove(tmp)
	db, err := store.Open(context.Background(), tmp, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, err := demo.Generate(context.Background(), db, cfg.Scoring, demo.Options{Contacts: n, Seed: 1, Now: time.Now()}); err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.Logf("built %s in %s", path, time.Since(start).Round(time.Second))
	// The write-ahead log may still hold data: it goes with the file, the
	// WAL first so that a whole file never lacks it.
	os.Rename(tmp+"-wal", path+"-wal")
	os.Remove(tmp + "-shm")
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
}

// copyFile copies from to to, if from exists.
func copyFile(b *testing.B, from, to string) {
	b.Helper()
	data, err := os.ReadFile(from)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		b.Fatal(err)
	}
}

// line is one request of the load: a show, or a move that is valid (each
// moves another contact, to a stage it is not at).
type line struct {
	text string
	move bool
}

// requests makes total lines, a show and a move in turn.
func requests(b *testing.B, db *store.DB, total, contacts int) []line {
	b.Helper()
	moves := (total + 1) / 2
	list, _, err := db.FindContacts(context.Background(), domain.ContactQuery{Limit: moves, Sort: "id"})
	if err != nil || len(list) < moves {
		b.Fatalf("%d contacts to move (%v), want %d", len(list), err, moves)
	}
	out := make([]line, 0, total)
	for i := range total {
		c := list[i/2]
		if i%2 == 1 {
			out = append(out, line{text: fmt.Sprintf("show C%d", 1+(i*7919)%contacts)})
			continue
		}
		to := domain.Prospect
		if c.Stage == domain.Prospect {
			to = domain.Qualified
		}
		out = append(out, line{text: fmt.Sprintf("move %s %s slackbench", c.Ref(), to), move: true})
	}
	return out
}

// ackResult is one request's acknowledgement.
type ackResult struct {
	latency time.Duration
	status  int
	err     error
}

// send posts every line, signed, at rate a second, each on its own
// goroutine so that a slow answer does not delay the next request; each
// request's response_url is the sink's /r/<index>.
func send(b *testing.B, base, sink string, lines []line, rate int) []ackResult {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	acks := make([]ackResult, len(lines))
	var wg sync.WaitGroup
	start := time.Now()
	every := time.Second / time.Duration(rate)
	for i, l := range lines {
		time.Sleep(time.Until(start.Add(time.Duration(i) * every)))
		body := []byte(url.Values{"team_id": {"T0BENCH"}, "user_id": {"U0BENCH"}, "command": {"/crm"}, "text": {l.text},
			"response_url": {fmt.Sprintf("%s/r/%d", sink, i)}, "trigger_id": {fmt.Sprintf("bench.%d.%d", start.UnixNano(), i)}}.Encode())
		wg.Go(func() { acks[i] = post(client, base, body) })
	}
	wg.Wait()
	return acks
}

// post sends one signed slash command and times its acknowledgement.
func post(client *http.Client, base string, body []byte) ackResult {
	ts, sig := slackbot.Sign(secret, time.Now(), body)
	req, err := http.NewRequest(http.MethodPost, base+"/slack/commands", bytes.NewReader(body))
	if err != nil {
		return ackResult{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return ackResult{err: err}
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return ackResult{latency: time.Since(start), status: resp.StatusCode}
}

// answers counts the messages posted to each response_url.
type answers struct {
	mu   sync.Mutex
	text map[int][]string
	n    atomic.Int64
}

func newAnswers() *answers { return &answers{text: map[int][]string{}} }

func (a *answers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	var m struct {
		Text string `json:"text"`
	}
	json.NewDecoder(r.Body).Decode(&m)
	a.mu.Lock()
	a.text[i] = append(a.text[i], m.Text)
	a.mu.Unlock()
	a.n.Add(1)
}

// report logs and reports the latency percentiles of each kind.
func report(b *testing.B, acks []ackResult, lines []line) {
	b.Helper()
	byKind := map[string][]time.Duration{}
	for i, a := range acks {
		if a.err != nil || a.status != http.StatusOK {
			b.Errorf("request %d (%s) not acknowledged: status %d, %v", i, lines[i].text, a.status, a.err)
			continue
		}
		kind := strings.Fields(lines[i].text)[0]
		byKind[kind] = append(byKind[kind], a.latency)
		byKind["all"] = append(byKind["all"], a.latency)
	}
	for _, kind := range []string{"show", "move", "all"} {
		lat := byKind[kind]
		if len(lat) == 0 {
			continue
		}
		slices.Sort(lat)
		p50, p99, top := lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
		b.Logf("%s: %d acknowledged, p50 %s, p99 %s, max %s", kind, len(lat), ms(p50), ms(p99), ms(top))
		b.ReportMetric(float64(p50.Microseconds())/1000, kind+"-p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, kind+"-p99-ms")
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// check fails unless every request was answered exactly once, and the
// database holds exactly one move per move request.
func check(b *testing.B, db *store.DB, a *answers, lines []line, began time.Time) {
	b.Helper()
	wantMoves, failed := 0, 0
	for i, l := range lines {
		got := a.text[i]
		if len(got) != 1 {
			b.Errorf("request %d (%s) answered %d times", i, l.text, len(got))
			continue
		}
		if l.move {
			wantMoves++
			if !strings.HasPrefix(got[0], "Moved ") {
				failed++
				b.Errorf("request %d (%s) answered %q", i, l.text, got[0])
			}
		}
	}
	moves, err := db.MovesBetween(context.Background(), began.Add(-time.Second), time.Now().Add(time.Second))
	if err != nil {
		b.Fatal(err)
	}
	applied := 0
	for _, m := range moves {
		if m.Author == "U0BENCH" {
			applied++
		}
	}
	b.Logf("%d requests, %d answers; %d move requests, %d moves recorded, %d refused", len(lines), a.n.Load(), wantMoves, applied, failed)
	if applied != wantMoves-failed {
		b.Errorf("%d moves recorded for %d move requests (%d refused)", applied, wantMoves, failed)
	}
	b.ReportMetric(float64(applied), "moves")
}
