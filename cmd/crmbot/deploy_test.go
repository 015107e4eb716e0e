package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store/storetest"
)

// deploy/nginx.conf, as shipped but for its addresses and TLS, forwards
// signed Slack requests to crmbot run as they came: a signed slash command
// is acknowledged and answered, a badly signed one refused by crmbot; and
// it exposes nothing else of crmbot's.
func TestShippedNginxForwardsSlack(t *testing.T) {
	t.Parallel()
	nginx := findNginx(t)
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Jeanne Martin"`))
	const secret = "nginx-secret"
	addr, responseURL, answers := slackRun(t, dsn, secret)
	port := freePorts(t, 1)[0]
	startNginx(t, nginx, shippedNginx(t, addr, port))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	status := func(method, path string, body string, sign bool) int {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if method == "POST" {
			signSlack(req, secret, body, kitNow)
			if !sign {
				req.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if !pollUntil(context.Background(), time.Now().Add(10*time.Second), func() bool { return status("GET", "/", "", false) == 404 }) {
		t.Fatal("nginx did not start")
	}
	form := url.Values{"command": {"/crm"}, "text": {"show C1"}, "user_id": {"U1"}, "team_id": {"T1"}, "channel_id": {"C1"},
		"trigger_id": {"9.9.9"}, "response_url": {responseURL}}.Encode()
	if code := status("POST", "/slack/commands", form, false); code != http.StatusUnauthorized {
		t.Errorf("a badly signed command through nginx: %d, want 401 from crmbot", code)
	}
	if code := status("POST", "/slack/commands", form, true); code != http.StatusOK {
		t.Fatalf("a signed command through nginx: %d, want 200", code)
	}
	select {
	case text := <-answers:
		if !strings.Contains(text, "Jeanne Martin") {
			t.Errorf("the answer: %q", text)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command forwarded by nginx was not answered")
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if code := status("GET", path, "", false); code != http.StatusNotFound {
			t.Errorf("GET %s through nginx: %d, want 404 (not exposed)", path, code)
		}
	}
}

// shippedNginx is deploy/nginx.conf with crmbot's address as its upstream
// and plain HTTP on 127.0.0.1:port instead of its TLS listener (a test has
// no certificate).
func shippedNginx(t *testing.T, addr string, port int) string {
	t.Helper()
	b, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	for _, r := range [][2]string{{"server 127.0.0.1:8080;", "server " + addr + ";"}, {"listen 443 ssl;", fmt.Sprintf("listen 127.0.0.1:%d;", port)}} {
		if !strings.Contains(conf, r[0]) {
			t.Fatalf("deploy/nginx.conf no longer has %q", r[0])
		}
		conf = strings.Replace(conf, r[0], r[1], 1)
	}
	return regexp.MustCompile(`(?m)^\s*ssl_certificate(_key)?\s.*$`).ReplaceAllString(conf, "")
}

// deploy/crmbot.service runs crmbot run, stops it with SIGTERM and gives
// it longer to stop than the drain of its commands.
func TestShippedSystemdUnit(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../deploy/crmbot.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := map[string]string{}
	section := ""
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("crmbot.service:%d: %q is not a setting of a section", n+1, line)
			}
			unit[section+k] = v
		}
	}
	stop, err := time.ParseDuration(unit["[Service]TimeoutStopSec"])
	if err != nil || stop < 10*time.Second+5*time.Second {
		t.Errorf("TimeoutStopSec=%q: give crmbot more than its 10 s of drain", unit["[Service]TimeoutStopSec"])
	}
	for k, want := range map[string]string{"[Service]ExecStart": "/usr/local/bin/crmbot run", "[Service]KillSignal": "SIGTERM",
		"[Service]Restart": "on-failure", "[Service]EnvironmentFile": "/etc/crmbot/env", "[Install]WantedBy": "multi-user.target"} {
		if unit[k] != want {
			t.Errorf("%s=%q, want %q", k, unit[k], want)
		}
	}
}

// deploy/prometheus-alerts.yml is a valid rules file for Prometheus, and
// every metric it names is one crmbot serves.
func TestShippedAlerts(t *testing.T) {
	t.Parallel()
	promtool := findTool(t, "promtool", "prometheus")
	if out, err := exec.Command(promtool, "check", "rules", "../../deploy/prometheus-alerts.yml").CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	b, _ := os.ReadFile("../../deploy/prometheus-alerts.yml")
	served := scrape(t, "http://"+startRun(t, "CRMBOT_DATABASE="+storetest.DSN(t, "sqlite")))
	for _, name := range regexp.MustCompile(`crmbot_[a-z_]+`).FindAllString(string(b), -1) {
		if !strings.Contains(served, "\n"+name) {
			t.Errorf("the alerts name %s, which crmbot does not serve", name)
		}
	}
}
