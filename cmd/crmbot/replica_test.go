package main

// The replica soak of issue 9: three crmbot run processes on one
// PostgreSQL database behind a real nginx on loopback; Telegram updates
// come by webhook and signed Slack slash commands through nginx, spread
// over the replicas; one replica is SIGKILLed mid-run and restarted. It
// checks each invitation at most once, each answer stored once, no
// conversation stuck, the digest posted once, each slash command applied
// once; and reports the figures.
//
// It needs nginx and PostgreSQL (CRMBOT_TEST_POSTGRES), so it runs only
// with CRMBOT_SOAK_REPLICAS=1, or under CI=true. Without nginx it skips,
// unless CI=true or CRMBOT_SOAK_INSTALL_NGINX=1 let it install it with
// apt-get. scripts/soak replicas runs it. Knobs: CRMBOT_SOAK_CUSTOMERS
// (default 12), CRMBOT_SOAK_SEED, CRMBOT_SOAK_DURATION (how long customers
// act, default 60 s), CRMBOT_SOAK_GRACE, CRMBOT_SOAK_LOGS,
// CRMBOT_SOAK_REPORT.

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/store/storetest"
)

const (
	replicaSlackSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	replicaHookSecret  = "soak_hook-secret"
	digestChannel      = "C0DIGEST"
)

func TestReplicaSoak(t *testing.T) {
	// Alone, not in parallel: its figures are measurements.
	if os.Getenv("CRMBOT_SOAK_REPLICAS") == "" && os.Getenv("CI") != "true" {
		t.Skip("the replica soak needs nginx and PostgreSQL: run it with CRMBOT_SOAK_REPLICAS=1 (scripts/soak replicas)")
	}
	nginx := findNginx(t)
	dsn := storetest.DSN(t, "postgres")
	customers := envInt(t, "CRMBOT_SOAK_CUSTOMERS", 12)
	seed := uint64(envInt(t, "CRMBOT_SOAK_SEED", 1))
	run := envDuration(t, "CRMBOT_SOAK_DURATION", 60*time.Second)
	grace := envDuration(t, "CRMBOT_SOAK_GRACE", 60*time.Second)

	tg := telegramtest.New(t, telegramtest.Config{WebhookConnections: 8})
	slack := newSlackRecorder(t)
	ports := freePorts(t, 4)
	schedule, digestDue := digestSoon(time.Now())
	cfg := writeConfig(t, soakThrottle(3)+"digest:\n  channels: ["+digestChannel+"]\n"+schedule)
	env := []string{"CRMBOT_CONFIG=" + cfg, "TELEGRAM_BOT_TOKEN=" + tg.Token, "TELEGRAM_API_URL=" + tg.URL}
	w := newSoakWorld(t, dsn, tg, env, soakPeople{customers: customers, waves: 1, perWave: envInt(t, "CRMBOT_SOAK_WAVE", 40), seed: seed, spread: run / 3})
	replicas := make([]*botProc, 3)
	for i := range replicas {
		replicas[i] = newBotProc(t, fmt.Sprintf("replica%d", i+1), append(env, "CRMBOT_DATABASE="+dsn,
			fmt.Sprintf("CRMBOT_HTTP_ADDR=127.0.0.1:%d", ports[i]), "TELEGRAM_WEBHOOK_SECRET="+replicaHookSecret,
			"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET="+replicaSlackSecret, "SLACK_APP_TOKEN=",
			"SLACK_API_URL="+slack.URL+"/api/")...)
		replicas[i].start()
	}
	for i := range replicas {
		waitHealthy(t, fmt.Sprintf("http://127.0.0.1:%d", ports[i]), 30*time.Second)
	}
	lb := startBalancer(t, nginx, ports[3], ports[:3])
	tg.SetWebhookURL(lb+"/telegram/webhook", replicaHookSecret)
	rep := &soakReport{name: fmt.Sprintf("PostgreSQL, 3 replicas behind nginx, webhook, %d customers, seed %d", customers, seed), replyCap: 30 * time.Second}
	if _, ok := w.probe(time.Now(), 30*time.Second); !ok {
		t.Fatal("no reply through nginx and the webhook within 30 s")
	}

	began := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	team, people := w.runTeam(ctx, 2*time.Second), w.runCustomers(ctx)
	cmds := &slashCommands{lb: lb, slack: slack, rng: rand.New(rand.NewPCG(seed, 7)), customers: customers}
	var cmdWG sync.WaitGroup
	cmdWG.Go(func() { cmds.run(ctx) })
	killOne(t, w, replicas, rand.New(rand.NewPCG(seed, 11)), run, rep)
	waitUntil(began.Add(run))
	pollUntil(context.Background(), digestDue.Add(30*time.Second), func() bool { return slack.posts(digestChannel) > 0 })
	w.settle(grace)
	cancel()
	people.Wait()
	team.Wait()
	cmdWG.Wait()
	for _, r := range replicas {
		r.stop(syscall.SIGTERM)
	}
	rep.duration = time.Since(began)
	w.account(rep)
	rep.lostPerKill = []int{len(rep.lost)} // one kill: every loss is its
	delivered, refused := tg.WebhookDeliveries()
	rep.extra = append(rep.extra,
		fmt.Sprintf("webhook deliveries: %d answered 2xx, %d refused or failed (retried)", delivered, refused),
		fmt.Sprintf("digest posts to %s: %d (goal 1; due %s)", digestChannel, slack.posts(digestChannel), digestDue.Format("15:04:05")))
	rep.extra = append(rep.extra, cmds.account(t, w)...)
	rep.extra = append(rep.extra, alertFigures(w, slack)...)
	rep.print(t)
	rep.check(t)
	if n := slack.posts(digestChannel); n != 1 {
		t.Errorf("the digest was posted %d times (goal 1)", n)
	}
	if cmds.doubled > 0 {
		t.Errorf("%d slash commands applied twice (goal 0)", cmds.doubled)
	}
}

// waitUntil waits for a moment of the soak's plan (not for the bot).
func waitUntil(at time.Time) {
	if d := time.Until(at); d > 0 {
		time.Sleep(d)
	}
}

// killOne SIGKILLs one replica, chosen at random, at a random moment
// between a fifth and a half of the run, 3 s after the audience was sent a
// questionnaire, and restarts it 2 s later.
func killOne(t *testing.T, w *soakWorld, replicas []*botProc, rng *rand.Rand, run time.Duration, rep *soakReport) {
	victim := replicas[rng.IntN(len(replicas))]
	at := time.Now().Add(run/5 + time.Duration(rng.Int64N(int64(run*3/10))))
	waitUntil(at.Add(-3 * time.Second))
	w.sendWave(context.Background(), 10*time.Second) // invitations queue up when the kill comes
	waitUntil(at)
	victim.stop(syscall.SIGKILL)
	rep.kills++
	rep.extra = append(rep.extra, fmt.Sprintf("%s SIGKILLed at %s, restarted 2 s later", victim.name, time.Now().Format("15:04:05.000")))
	waitUntil(time.Now().Add(2 * time.Second))
	victim.start()
	// Through nginx another replica may answer: this is the customers'
	// view of the restart, not the restarted replica's start-up.
	d, ok := w.probe(victim.started, rep.replyCap)
	if !ok {
		rep.noReply++
		return
	}
	rep.extra = append(rep.extra, fmt.Sprintf("first reply through nginx after the restart: %.2f s", d.Seconds()))
}

// digestSoon returns the digest's schedule lines: today, at the first
// whole minute at least 30 s away (so the replicas' timers fire during the
// run); near midnight, Monday 00:00 (always past: posted at start-up).
func digestSoon(now time.Time) (string, time.Time) {
	due := now.In(paris).Add(30 * time.Second).Truncate(time.Minute).Add(time.Minute)
	if due.Day() != now.In(paris).Day() {
		return "  weekday: monday\n  time: \"00:00\"\n", now
	}
	return fmt.Sprintf("  weekday: %s\n  time: %q\n", strings.ToLower(due.Weekday().String()), due.Format("15:04")), due
}

// --- nginx ---

// findNginx returns nginx's path (see findTool).
func findNginx(t *testing.T) string { return findTool(t, "nginx", "nginx") }

// findTool returns the path of the program tool, from PATH or /usr/sbin;
// without one it skips the test, or installs Debian's package pkg under
// CI=true or CRMBOT_SOAK_INSTALL_NGINX=1.
func findTool(t *testing.T, tool, pkg string) string {
	t.Helper()
	look := func() string {
		for _, p := range []string{tool, "/usr/sbin/" + tool} {
			if path, err := exec.LookPath(p); err == nil {
				return path
			}
		}
		return ""
	}
	if p := look(); p != "" {
		return p
	}
	if os.Getenv("CI") != "true" && os.Getenv("CRMBOT_SOAK_INSTALL_NGINX") != "1" {
		t.Skipf("%s is not installed: install it (apt-get install -y %s), or set CRMBOT_SOAK_INSTALL_NGINX=1", tool, pkg)
	}
	// The package lists of a fresh machine may be empty: update first.
	for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", pkg}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("apt-get %s: %v\n%s", args[0], err, out)
		}
	}
	if p := look(); p != "" {
		return p
	}
	t.Fatalf("%s is still not found after apt-get install %s", tool, pkg)
	return ""
}

// nginxMain is nginx's main configuration around an http-level part
// (%[2]s), its files in the folder %[1]s.
const nginxMain = `daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 512; }
http {
  access_log %[1]s/access.log;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
%[2]s
}
`

// soakBalancer balances over the upstream servers (%[1]s); a replica that
// refuses the connection is skipped (a request that reached one is not
// sent again).
const soakBalancer = `  upstream crmbot {
%[1]s  }
  server {
    listen 127.0.0.1:%[2]d;
    location / {
      proxy_pass http://crmbot;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
    }
  }
`

// startBalancer runs nginx on 127.0.0.1:port before the upstreams and
// returns its URL once it answers /healthz.
func startBalancer(t *testing.T, nginx string, port int, upstreams []int) string {
	t.Helper()
	var servers strings.Builder
	for _, p := range upstreams {
		fmt.Fprintf(&servers, "    server 127.0.0.1:%d max_fails=1 fail_timeout=3s;\n", p)
	}
	startNginx(t, nginx, fmt.Sprintf(soakBalancer, servers.String(), port))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitHealthy(t, base, 10*time.Second)
	return base
}

// startNginx runs nginx with the http-level configuration httpConf, its
// configuration and files in a folder of its own, until the end of t.
func startNginx(t *testing.T, nginx, httpConf string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "crmbot-nginx")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777) // nginx's worker may run as nobody
	conf := filepath.Join(dir, "nginx.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(nginxMain, dir, httpConf)), 0o644)
	cmd := exec.Command(nginx, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT)
		cmd.Wait()
		os.RemoveAll(dir)
	})
}

// waitHealthy waits until base/healthz answers 200.
func waitHealthy(t *testing.T, base string, limit time.Duration) {
	t.Helper()
	ok := pollUntil(context.Background(), time.Now().Add(limit), func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if !ok {
		t.Fatalf("%s/healthz did not answer 200 within %v", base, limit)
	}
}

// freePorts returns n ports free on 127.0.0.1 now.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var out []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return out
}

// --- Slack ---

// slackRecorder is a fake Slack Web API that keeps what was posted: chat
// messages per channel, and the answers to slash commands on their
// response_url (/response/<n>).
type slackRecorder struct {
	*httptest.Server
	mu       sync.Mutex
	messages map[string][]string // channel → texts and blocks
	answered map[int]int         // command → answers
}

func newSlackRecorder(t *testing.T) *slackRecorder {
	s := &slackRecorder{messages: map[string][]string{}, answered: map[int]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *slackRecorder) serve(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	w.Header().Set("Content-Type", "application/json")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/response/"):
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/response/"))
		s.answered[n]++
		io.WriteString(w, `{"ok":true}`)
	case method == "conversations.open":
		io.WriteString(w, `{"ok":true,"channel":{"id":"D0OWNER"}}`)
	case method == "chat.postMessage":
		ch := r.Form.Get("channel")
		s.messages[ch] = append(s.messages[ch], r.Form.Get("text")+" "+r.Form.Get("blocks"))
		io.WriteString(w, `{"ok":true,"channel":"`+ch+`","ts":"1.2"}`)
	case method == "files.getUploadURLExternal":
		io.WriteString(w, `{"ok":true,"upload_url":"`+s.URL+`/upload","file_id":"F1"}`)
	case method == "files.completeUploadExternal":
		io.WriteString(w, `{"ok":true,"files":[{"id":"F1"}]}`)
	default:
		io.WriteString(w, `{"ok":true}`)
	}
}

// posts returns how many messages were posted to channel.
func (s *slackRecorder) posts(channel string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages[channel])
}

// slashCommands sends `log` slash commands through nginx, signed, as Slack
// does, each with its trigger_id; one answered other than 200 (a replica
// died under it) is sent again, as a proxy would.
type slashCommands struct {
	lb        string
	slack     *slackRecorder
	rng       *rand.Rand
	customers int

	sent, acked, retries int
	duplicated, doubled  int
}

// run sends a command every 0.5–1.5 s until ctx is done.
func (c *slashCommands) run(ctx context.Context) {
	for n := 1; ctx.Err() == nil; n++ {
		c.sent++
		if c.send(ctx, n) {
			c.acked++
		}
		select {
		case <-ctx.Done():
		case <-time.After(500*time.Millisecond + time.Duration(c.rng.IntN(1000))*time.Millisecond):
		}
	}
}

// send posts command n until it is acknowledged (200), up to 10 times,
// each time with the same signed headers, as a proxy retries. One command
// in five has no trigger_id and is posted twice anyway (a proxy's
// duplicate): it must be applied once.
func (c *slashCommands) send(ctx context.Context, n int) bool {
	trigger := fmt.Sprintf("soak.%d", n)
	if n%5 == 0 {
		trigger = ""
	}
	form := url.Values{"command": {"/crm"}, "text": {fmt.Sprintf("log C%d call %s", 1+c.rng.IntN(c.customers), commandNote(n))},
		"user_id": {"U0OWNER"}, "team_id": {"T1"}, "channel_id": {"C0TEAM"}, "trigger_id": {trigger},
		"response_url": {fmt.Sprintf("%s/response/%d", c.slack.URL, n)}}
	body := form.Encode()
	ts := time.Now()
	post := func() bool {
		req, _ := http.NewRequestWithContext(ctx, "POST", c.lb+"/slack/commands", strings.NewReader(body))
		signSlack(req, replicaSlackSecret, body, ts)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	if trigger == "" {
		c.duplicated++
		post()
	}
	for attempt := range 10 {
		if attempt > 0 {
			c.retries++
			time.Sleep(200 * time.Millisecond)
		}
		if post() {
			return true
		}
	}
	return false
}

func commandNote(n int) string { return fmt.Sprintf("soak-command-%d", n) }

// account counts, in the database, how often each command was applied.
func (c *slashCommands) account(t *testing.T, w *soakWorld) []string {
	lostAcked, answered := 0, 0
	for n := 1; n <= c.sent; n++ {
		k := storetest.Count(t, w.db, "SELECT COUNT(*) FROM interactions WHERE note = ?", commandNote(n))
		if k > 1 {
			c.doubled++
		}
		if k == 0 && n < c.sent {
			lostAcked++
		}
		c.slack.mu.Lock()
		if c.slack.answered[n] > 0 {
			answered++
		}
		c.slack.mu.Unlock()
	}
	return []string{fmt.Sprintf("slash commands: %d sent through nginx, %d acknowledged, %d resent after a failure, %d posted twice on purpose (no trigger_id), %d answered on response_url; applied twice: %d (goal 0); acknowledged but never applied: %d",
		c.sent, c.acked, c.retries, c.duplicated, answered, c.doubled, lostAcked)}
}

var alertRef = regexp.MustCompile(`handled (C\d+)`)

// alertFigures compares the detractor alerts posted to the owner with the
// questionnaires that had a detractor answer (goal: one alert each).
func alertFigures(w *soakWorld, slack *slackRecorder) []string {
	alerts := map[string]int{}
	slack.mu.Lock()
	for _, m := range slack.messages["D0OWNER"] {
		if g := alertRef.FindStringSubmatch(m); g != nil {
			alerts[g[1]]++
		}
	}
	slack.mu.Unlock()
	want := map[string]int{}
	for _, c := range w.customers {
		bad := map[int64]bool{}
		c.mu.Lock()
		for _, a := range c.acked {
			if (a.question == "csat" && a.value == "2") || (a.question == "nps" && a.value == "3") {
				bad[a.survey] = true
			}
		}
		c.mu.Unlock()
		want[fmt.Sprintf("C%d", c.contact)] = len(bad)
	}
	total, wanted, extra := 0, 0, 0
	for ref, n := range want {
		total += alerts[ref]
		wanted += n
		extra += max(0, alerts[ref]-n)
	}
	return []string{fmt.Sprintf("detractor alerts: %d for %d questionnaires with a detractor answer (goal one each); extra: %d", total, wanted, extra)}
}
