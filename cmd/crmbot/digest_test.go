package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store/storetest"
)

func TestDigestPrintsAndPostsOnce(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		mustOK(t, execJSON(t, dsn, `add "Jeanne Martin" company=Acme`))
		mustOK(t, execJSON(t, dsn, `sale C1 1200 2026-11-24`))

		r := crmbotEnv(t, dsn, nil, "digest", "--json", "--as-of", "2026-11-25")
		var d struct {
			Week string `json:"week"`
			AsOf string `json:"as_of"`
			RFM  struct {
				Customers int `json:"customers"`
			} `json:"rfm"`
			Revenue struct {
				ThisWeek int64 `json:"this_week_cents"`
			} `json:"revenue"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || r.code != 0 {
			t.Fatalf("digest --json: %v, status %d: %s %s", err, r.code, r.stdout, r.stderr)
		}
		if d.AsOf != "2026-11-25" || d.RFM.Customers != 1 || d.Revenue.ThisWeek != 120000 {
			t.Errorf("digest --json: %+v", d)
		}
		if r := crmbotEnv(t, dsn, nil, "digest"); r.code != 0 || !strings.Contains(r.stdout, "Weekly digest, ") || !strings.Contains(r.stdout, "RFM segments (1 customer)") {
			t.Errorf("digest: status %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if r := crmbotEnv(t, dsn, nil, "digest", "--as-of", "someday"); r.code == 0 || !strings.Contains(r.stderr, "--as-of") {
			t.Errorf("digest --as-of someday: status %d, %s", r.code, r.stderr)
		}
		if r := crmbotEnv(t, dsn, nil, "digest", "--post"); r.code == 0 || !strings.Contains(r.stderr, "SLACK_BOT_TOKEN") {
			t.Errorf("digest --post without Slack: status %d, %s", r.code, r.stderr)
		}

		// With Slack and two channels: posted once to each, with the chart.
		slack := newFakeWebAPI(t)
		env := slack.digestEnv(t, "")
		r = crmbotEnv(t, dsn, env, "digest", "--post")
		if r.code != 0 || !strings.Contains(r.stdout, "Posted the digest of ") || !strings.Contains(r.stdout, "C0SALES, C0BOARD") {
			t.Fatalf("digest --post: status %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		r = crmbotEnv(t, dsn, env, "digest", "--post")
		if r.code != 0 || !strings.Contains(r.stdout, "already posted") {
			t.Errorf("second digest --post: status %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		slack.expectDigestPosts(t)
		select {
		case c := <-slack.calls:
			t.Errorf("unexpected call %s", c)
		default:
		}
	})
}

// fakeWebAPI answers as Slack's Web API does for a digest post, and sends
// each call it gets, as "method channel", on calls.
type fakeWebAPI struct {
	*httptest.Server
	calls chan string
}

func newFakeWebAPI(t *testing.T) *fakeWebAPI {
	f := &fakeWebAPI{calls: make(chan string, 100)}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		method := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api"), "/")
		f.calls <- strings.TrimSpace(method + " " + r.Form.Get("channel") + r.Form.Get("channel_id"))
		w.Header().Set("Content-Type", "application/json")
		switch method {
		case "files.getUploadURLExternal":
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "upload_url": f.URL + "/upload", "file_id": "F1"})
		case "files.completeUploadExternal":
			io.WriteString(w, `{"ok":true,"files":[{"id":"F1"}]}`)
		default:
			io.WriteString(w, `{"ok":true,"channel":"C","ts":"1.2"}`)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// digestEnv is the environment of a crmbot that posts the digest to two
// channels through f, with the schedule lines given (YAML, indented).
func (f *fakeWebAPI) digestEnv(t *testing.T, schedule string) []string {
	cfg := filepath.Join(t.TempDir(), "crmbot.yaml")
	if err := os.WriteFile(cfg, []byte("digest:\n  channels: [C0SALES, C0BOARD]\n"+schedule), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"CRMBOT_CONFIG=" + cfg, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_API_URL=" + f.URL + "/api/"}
}

// expectDigestPosts waits for the calls of one digest post to the two
// channels: the message, then the chart's three steps, for each.
func (f *fakeWebAPI) expectDigestPosts(t *testing.T) {
	t.Helper()
	for _, ch := range []string{"C0SALES", "C0BOARD"} {
		for _, want := range []string{"chat.postMessage " + ch, "files.getUploadURLExternal", "upload", "files.completeUploadExternal " + ch} {
			select {
			case got := <-f.calls:
				if got != want {
					t.Fatalf("call %q, want %q", got, want)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("no call %q", want)
			}
		}
	}
}

// crmbot run posts the digest of the week at start-up when its time has
// passed (here Monday 00:00, always past), once, through the scheduler,
// with the process's one Slack client: the one that serves Slack (so its
// warning about open roles is said once).
func TestRunPostsTheMissedDigestOnceAtStartUp(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Jeanne Martin"`))
	slack := newFakeWebAPI(t)
	env := append(slack.digestEnv(t, "  weekday: monday\n  time: \"00:00\"\n"), "CRMBOT_DATABASE="+dsn, "SLACK_SIGNING_SECRET=secret", "SLACK_APP_TOKEN=")
	_, logs := startRunLogs(t, env...)
	slack.expectDigestPosts(t)
	if n := strings.Count(logs.String(), "no roles are configured"); n != 1 {
		t.Errorf("%d Slack clients warned about open roles, want one client:\n%s", n, logs.String())
	}
	// A second process on the same database finds the posts claimed.
	r := crmbotEnv(t, dsn, slack.digestEnv(t, ""), "digest", "--post")
	if r.code != 0 || !strings.Contains(r.stdout, "already posted") {
		t.Errorf("digest --post after the scheduler: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// The hidden profiling flags: --timings names each part on standard error
// (stdout keeps the JSON), --cpuprofile writes a profile; neither is in
// the help.
func TestDigestProfilingFlags(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "crmbot.db")
	mustOK(t, execJSON(t, dsn, `add "Jeanne Martin" company=Acme`))
	mustOK(t, execJSON(t, dsn, `sale C1 1200 2026-11-24`))
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	r := crmbotEnv(t, dsn, nil, "digest", "--json", "--as-of", "2026-11-25", "--timings", "--cpuprofile", prof)
	if r.code != 0 || !json.Valid([]byte(r.stdout)) {
		t.Fatalf("digest --timings: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, part := range []string{"open and migrate", "pipeline", "RFM inputs", "segments", "quiet prospects", "build"} {
		if !strings.Contains(r.stderr, part) {
			t.Errorf("digest --timings does not name %q:\n%s", part, r.stderr)
		}
	}
	if st, err := os.Stat(prof); err != nil || st.Size() == 0 {
		t.Errorf("digest --cpuprofile: %v", err)
	}
	if r := crmbotEnv(t, dsn, nil, "digest", "--help"); strings.Contains(r.stdout, "timings") || strings.Contains(r.stdout, "cpuprofile") {
		t.Errorf("digest --help shows the hidden flags:\n%s", r.stdout)
	}
}
