package main

// The end-to-end tests' kit: crmbot run in process, as the binary runs it
// (Main.Exec), on a fixed clock in the team's time zone, on fresh
// databases of both kinds, with an environment of the test's own, and no
// variable of the developer's leaking in. The few tests that need a
// process of their own (signals, kills, two processes) run the binary,
// built once on first use.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store/storetest"
)

// The kit's time zone and time: Paris, and a clock that stands still at
// Wednesday 25 November 2026, 10:00 (ISO week 2026-W48).
var (
	paris      = storetest.Paris
	kitNow     = storetest.Now
	fixedClock = storetest.Clock
)

// eachDB runs fn on a fresh SQLite file, then on a fresh PostgreSQL
// database when CRMBOT_TEST_POSTGRES names a server.
func eachDB(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) { fn(t, storetest.DSN(t, kind)) })
	}
}

// result is what a run of crmbot printed, and its exit status.
type result struct {
	stdout, stderr string
	code           int
}

// baseEnv is every test run's environment before its own: the database,
// the team's time zone; no configuration file, Slack or Telegram unless
// the test sets them.
func baseEnv(dsn string) []string {
	return []string{"CRMBOT_DATABASE=" + dsn, "CRMBOT_TIMEZONE=Europe/Paris"}
}

// newMain returns a Main on the fixed clock whose environment is env
// ("KEY=value", later ones winning) and nothing else.
func newMain(stdin io.Reader, stdout, stderr io.Writer, env []string) *Main {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	return &Main{Getenv: func(k string) string { return vars[k] }, Now: fixedClock, Stdin: stdin, Stdout: stdout, Stderr: stderr}
}

// crmbot runs crmbot args on database dsn.
func crmbot(t *testing.T, dsn string, args ...string) result {
	t.Helper()
	return runCrmbot(t, dsn, nil, nil, args...)
}

// crmbotIn runs crmbot args on database dsn, reading stdin.
func crmbotIn(t *testing.T, dsn string, stdin io.Reader, args ...string) result {
	t.Helper()
	return runCrmbot(t, dsn, stdin, nil, args...)
}

// crmbotEnv runs crmbot args on database dsn with the variables env.
func crmbotEnv(t *testing.T, dsn string, env []string, args ...string) result {
	t.Helper()
	return runCrmbot(t, dsn, nil, env, args...)
}

// runCrmbot runs crmbot args in process on database dsn, with stdin and
// the variables env, as the process would: the error printed once, the
// exit status returned.
func runCrmbot(t *testing.T, dsn string, stdin io.Reader, env []string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := newMain(stdin, &out, &errb, append(baseEnv(dsn), env...)).Exec(t.Context(), args)
	return result{out.String(), errb.String(), code}
}

// syncBuffer is a buffer that crmbot run's goroutines write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun starts crmbot run in process with env (after the base's, with
// an HTTP server on a free port) and returns the address it listens on.
// It stops at the end of t, as on SIGTERM, and must stop without error.
func startRun(t *testing.T, env ...string) string {
	t.Helper()
	addr, _ := startRunLogs(t, env...)
	return addr
}

// startRunLogs is startRun, and returns its log too.
func startRunLogs(t *testing.T, env ...string) (string, *syncBuffer) {
	t.Helper()
	return startRunWith(t, nil, env...)
}

// startRunWith is startRunLogs, with configure (when not nil) applied to
// the process before it starts.
func startRunWith(t *testing.T, configure func(*Main), env ...string) (string, *syncBuffer) {
	t.Helper()
	logs := new(syncBuffer)
	m := newMain(nil, io.Discard, logs, append([]string{"CRMBOT_TIMEZONE=Europe/Paris", "CRMBOT_HTTP_ADDR=127.0.0.1:0"}, env...))
	if configure != nil {
		configure(m)
	}
	addr := make(chan string, 1)
	m.listening = func(a string) { addr <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"run"}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("crmbot run did not stop cleanly: %v\n%s", err, logs.String())
		}
	})
	select {
	case a := <-addr:
		return a, logs
	case err := <-done:
		done <- err
		t.Fatalf("crmbot run stopped at start: %v\n%s", err, logs.String())
		return "", nil
	}
}

// execReply is the JSON document of crmbot exec --json.
type execReply struct {
	OK      bool            `json:"ok"`
	Command string          `json:"command"`
	Title   string          `json:"title"`
	Data    json.RawMessage `json:"data"`
	Error   *struct {
		Code, Message, Usage string
	} `json:"error"`
}

// execJSON runs crmbot exec --json args on dsn and reads its reply.
func execJSON(t *testing.T, dsn string, args ...string) execReply {
	t.Helper()
	return execJSONEnv(t, dsn, nil, args...)
}

// execJSONEnv runs crmbot exec --json args on dsn with the variables env.
func execJSONEnv(t *testing.T, dsn string, env []string, args ...string) execReply {
	t.Helper()
	r := runCrmbot(t, dsn, nil, env, append([]string{"exec", "--json"}, args...)...)
	var rep execReply
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("exec %v: not JSON (%v): %q %q", args, err, r.stdout, r.stderr)
	}
	if rep.OK != (r.code == 0) {
		t.Fatalf("exec %v: ok=%v but exit status %d", args, rep.OK, r.code)
	}
	return rep
}

func mustOK(t *testing.T, rep execReply) execReply {
	t.Helper()
	if !rep.OK {
		t.Fatalf("%s failed: %+v", rep.Command, rep.Error)
	}
	return rep
}

// writeConfig writes a configuration file and returns its path.
func writeConfig(t testing.TB, yaml string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "crmbot.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// --- the binary ---

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// binary returns the path of the crmbot binary, built at the first call.
func binary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "crmbot-bin"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "crmbot")
		if out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build crmbot: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binaryEnv is the environment of a crmbot process: the test process's,
// with no configuration file, Slack or Telegram unless env sets them.
func binaryEnv(env []string) []string {
	base := []string{"CRMBOT_CONFIG=", "CRMBOT_TIMEZONE=Europe/Paris", "CRMBOT_HTTP_ADDR=127.0.0.1:0",
		"SLACK_BOT_TOKEN=", "TELEGRAM_BOT_TOKEN="}
	if os.Getenv("CRMBOT_TAKEOVER") == "" {
		// A killed process's work is taken over after 2 s rather than 10:
		// the soaks' restarts wait that much less (scripts/soak measures
		// with the default).
		base = append(base, "CRMBOT_TAKEOVER=2s")
	}
	return append(os.Environ(), append(base, env...)...)
}

// runBinary runs the crmbot binary on database dsn, with stdin and the
// variables env, in a fresh working folder.
func runBinary(t *testing.T, dsn string, stdin io.Reader, env []string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary(t), args...)
	cmd.Env = binaryEnv(append([]string{"CRMBOT_DATABASE=" + dsn}, env...))
	cmd.Dir = t.TempDir()
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run crmbot %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// signSlack sets the headers with which Slack signs a request of body
// with secret at ts (docs: verifying requests from Slack).
func signSlack(req *http.Request, secret, body string, ts time.Time) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+stamp+":"+body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}
