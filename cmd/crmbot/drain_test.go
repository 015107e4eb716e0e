package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store/storetest"
)

// On SIGTERM the binary's crmbot run refuses new requests at once, lets
// the command under way finish and answer, and then exits cleanly. The
// fake Slack holds the command's answer until the test lets it go.
func TestSIGTERMDrainsTheCommandsUnderWay(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Jeanne Martin"`))
	arrived, release := make(chan string, 1), make(chan struct{})
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/response" {
			body, _ := io.ReadAll(r.Body)
			arrived <- string(body)
			<-release
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer slack.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	const secret = "drain-secret"
	cmd := exec.CommandContext(t.Context(), binary(t), "run")
	cmd.Env = binaryEnv([]string{"CRMBOT_DATABASE=" + dsn, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=" + secret,
		"SLACK_APP_TOKEN=", "SLACK_API_URL=" + slack.URL + "/api/"})
	cmd.Dir = t.TempDir()
	addr := listenAddr(t, cmd)
	post := func(text string) (int, error) {
		form := url.Values{"command": {"/crm"}, "text": {text}, "user_id": {"U1"}, "team_id": {"T1"}, "channel_id": {"C1"},
			"trigger_id": {text}, "response_url": {slack.URL + "/response"}}
		req, _ := http.NewRequest("POST", "http://"+addr+"/slack/commands", strings.NewReader(form.Encode()))
		signSlack(req, secret, form.Encode(), time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := post("show C1"); code != http.StatusOK || err != nil {
		t.Fatalf("the command was not acknowledged: %d %v", code, err)
	}
	var answer string
	select {
	case answer = <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not answer")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	refused := pollUntil(context.Background(), time.Now().Add(10*time.Second), func() bool {
		_, err := post("pipeline")
		return err != nil
	})
	if !refused {
		t.Fatal("a new command was still taken after SIGTERM")
	}
	select {
	case err := <-exited:
		t.Fatalf("crmbot run exited (%v) before its command answered", err)
	default:
	}
	close(release)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("crmbot run did not stop cleanly: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("crmbot run did not stop once its command answered")
	}
	if !strings.Contains(answer, "Jeanne Martin") {
		t.Errorf("the answer: %s", answer)
	}
}
