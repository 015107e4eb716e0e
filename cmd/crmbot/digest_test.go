package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// crmbotEnv runs the binary on database dsn with extra environment
// variables, and returns its output and exit status.
func crmbotEnv(t *testing.T, dsn string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	cmd.Env = append(os.Environ(), append([]string{"CRMBOT_DATABASE=" + dsn, "CRMBOT_CONFIG=", "CRMBOT_TIMEZONE=Europe/Paris", "SLACK_BOT_TOKEN="}, env...)...)
	cmd.Dir = t.TempDir()
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

func TestDigestPrintsAndPostsOnce(t *testing.T) {
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
		if r := crmbotEnv(t, dsn, nil, "digest"); r.code != 0 || !strings.Contains(r.stdout, "Weekly digest, ") || !strings.Contains(r.stdout, "RFM segments (1 customers)") {
			t.Errorf("digest: status %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if r := crmbotEnv(t, dsn, nil, "digest", "--as-of", "someday"); r.code == 0 || !strings.Contains(r.stderr, "--as-of") {
			t.Errorf("digest --as-of someday: status %d, %s", r.code, r.stderr)
		}
		if r := crmbotEnv(t, dsn, nil, "digest", "--post"); r.code == 0 || !strings.Contains(r.stderr, "SLACK_BOT_TOKEN") {
			t.Errorf("digest --post without Slack: status %d, %s", r.code, r.stderr)
		}

		// With Slack and two channels: posted once to each, with the chart.
		var mu sync.Mutex
		calls := map[string][]string{}
		var slack *httptest.Server
		slack = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			method := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api"), "/")
			mu.Lock()
			calls[method] = append(calls[method], r.Form.Get("channel")+r.Form.Get("channel_id"))
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			switch method {
			case "files.getUploadURLExternal":
				json.NewEncoder(w).Encode(map[string]any{"ok": true, "upload_url": slack.URL + "/upload", "file_id": "F1"})
			case "files.completeUploadExternal":
				io.WriteString(w, `{"ok":true,"files":[{"id":"F1"}]}`)
			default:
				io.WriteString(w, `{"ok":true,"channel":"C","ts":"1.2"}`)
			}
		}))
		defer slack.Close()
		cfg := filepath.Join(t.TempDir(), "crmbot.yaml")
		if err := os.WriteFile(cfg, []byte("digest:\n  channels: [C0SALES, C0BOARD]\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env := []string{"CRMBOT_CONFIG=" + cfg, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_API_URL=" + slack.URL + "/api/"}
		r = crmbotEnv(t, dsn, env, "digest", "--post")
		if r.code != 0 || !strings.Contains(r.stdout, "Posted the digest of ") || !strings.Contains(r.stdout, "C0SALES, C0BOARD") {
			t.Fatalf("digest --post: status %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		r = crmbotEnv(t, dsn, env, "digest", "--post")
		if r.code != 0 || !strings.Contains(r.stdout, "already posted") {
			t.Errorf("second digest --post: status %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		mu.Lock()
		defer mu.Unlock()
		for method, want := range map[string]string{"chat.postMessage": "C0SALES C0BOARD", "files.getUploadURLExternal": " ", "upload": " ", "files.completeUploadExternal": "C0SALES C0BOARD"} {
			if got := strings.Join(calls[method], " "); got != want {
				t.Errorf("%s calls for %q, want %q", method, got, want)
			}
		}
	})
}
