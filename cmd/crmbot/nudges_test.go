package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// slackCall is one call of the Slack Web API the fake received.
type slackCall struct {
	Method string
	Form   url.Values
}

// fakeSlackAPI answers the Web API methods the nudges use, and hands each
// call to calls.
func fakeSlackAPI(t *testing.T) (*httptest.Server, chan slackCall) {
	calls := make(chan slackCall, 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		method := strings.TrimPrefix(r.URL.Path, "/api/")
		w.Header().Set("Content-Type", "application/json")
		switch method {
		case "conversations.open":
			io.WriteString(w, `{"ok":true,"channel":{"id":"D`+r.Form.Get("users")+`"}}`)
		case "chat.postMessage":
			io.WriteString(w, `{"ok":true,"channel":"`+r.Form.Get("channel")+`","ts":"1.1"}`)
		case "users.info":
			io.WriteString(w, `{"ok":true,"user":{"id":"`+r.Form.Get("user")+`","locale":"en-US"}}`)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
		if method != "users.info" && method != "auth.test" {
			calls <- slackCall{method, r.Form}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}

// next returns the next call of method, within a generous time.
func next(t *testing.T, calls chan slackCall, method string) slackCall {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case c := <-calls:
			if c.Method == method {
				return c
			}
		case <-timeout:
			t.Fatalf("no %s call", method)
		}
	}
}

// TestRunNudgesThroughSlack: a contact logging three forms gains enough
// for an alert, which crmbot run sends its owner once as a DM, with the
// owner's check-in of the week; the DM's "Log a call" button is applied
// as the owner who clicks it; two more processes and a restart find
// nothing more to owe.
func TestRunNudgesThroughSlack(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	cfg := writeConfig(t, "alerts: {hot: {grade: A, jump: 10}}\n")
	env := []string{"CRMBOT_CONFIG=" + cfg}
	mustOK(t, execJSONEnv(t, dsn, env, "--as", "U0SALES1", `add "Jeanne Martin" role=CEO employees=60 sector=btp budget=15000`))
	for range 3 {
		mustOK(t, execJSONEnv(t, dsn, env, "--as", "U0WEB", "log C1 form"))
	}
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	api, calls := fakeSlackAPI(t)
	var button string
	t.Run("run", func(t *testing.T) {
		addr, logs := startRunLogs(t, append(env, "CRMBOT_DATABASE="+dsn, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET="+secret,
			"SLACK_APP_TOKEN=", "SLACK_API_URL="+api.URL+"/api/")...)
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(logs.String())
			}
		})
		got := map[string]string{}
		for len(got) < 2 {
			post := next(t, calls, "chat.postMessage")
			text := post.Form.Get("text")
			if post.Form.Get("channel") != "DU0SALES1" {
				t.Fatalf("a DM to %s: %q", post.Form.Get("channel"), text)
			}
			switch {
			case strings.Contains(text, "Hot lead: C1 Jeanne Martin"):
				got["alert"] = post.Form.Get("blocks")
			case strings.Contains(text, "Your week"):
				got["checkin"] = text
			default:
				t.Fatalf("an unexpected DM: %q", text)
			}
		}
		if !strings.Contains(got["alert"], `"value":"log C1 call"`) || !strings.Contains(got["checkin"], "C1 Jeanne Martin") {
			t.Fatalf("the alert's blocks %s\nthe check-in %s", got["alert"], got["checkin"])
		}
		button = "log C1 call"
		payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]string{"id": "U0SALES1"},
			"team": map[string]string{"id": "T1"}, "channel": map[string]string{"id": "DU0SALES1"}, "trigger_id": "9.9.9",
			"actions": []map[string]string{{"action_id": "crm_run_0", "block_id": "crm_section_1_0", "type": "button", "value": button}}})
		body := url.Values{"payload": {string(payload)}}.Encode()
		req, _ := http.NewRequest("POST", "http://"+addr+"/slack/interactions", strings.NewReader(body))
		signSlack(req, secret, body, kitNow)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if answer := next(t, calls, "chat.postMessage"); !strings.Contains(answer.Form.Get("text"), "Logged call") {
			t.Fatalf("the button's answer: %q", answer.Form.Get("text"))
		}
	})
	show := mustOK(t, execJSON(t, dsn, "show C1"))
	var card struct {
		Interactions []struct{ Kind, Author string }
	}
	json.Unmarshal(show.Data, &card)
	if len(card.Interactions) != 4 || card.Interactions[0].Kind != "call" || card.Interactions[0].Author != "U0SALES1" {
		t.Errorf("interactions after the button: %+v", card.Interactions)
	}

	// A restart, as two processes at once: each runs its alert round and
	// its check-in round, and neither owes or sends anything more.
	t.Run("restart", func(t *testing.T) {
		rounds := make(chan string, 16)
		for range 2 {
			startRunWith(t, func(m *Main) { m.nudged = func(what string) { rounds <- what } },
				append(env, "CRMBOT_DATABASE="+dsn, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET="+secret,
					"SLACK_APP_TOKEN=", "SLACK_API_URL="+api.URL+"/api/")...)
		}
		seen := map[string]int{}
		timeout := time.After(30 * time.Second)
		for seen["alerts"] < 2 || seen["checkin"] < 2 {
			select {
			case what := <-rounds:
				seen[what]++
			case <-timeout:
				t.Fatalf("rounds seen: %v", seen)
			}
		}
	})
	for {
		select {
		case c := <-calls:
			if c.Method == "chat.postMessage" {
				t.Errorf("a DM after the restart: %q", c.Form.Get("text"))
			}
			continue
		default:
		}
		break
	}

	// Two processes at once, then each again: nothing more is owed.
	var wg sync.WaitGroup
	outs := make([]string, 4)
	for i := range outs {
		wg.Go(func() { outs[i] = crmbotEnv(t, dsn, env, "nudges", "--checkin").stdout })
	}
	wg.Wait()
	for _, out := range outs {
		if !strings.Contains(out, "Recorded 0 hot-lead alerts.") || !strings.Contains(out, "Made 0 check-ins.") {
			t.Errorf("a later process made more: %q", out)
		}
	}
	db, err := store.Open(t.Context(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for table, want := range map[string]int64{"hot_alerts": 1, "checkins": 1, "outbox": 0} {
		if n := storetest.Count(t, db, "SELECT COUNT(*) FROM "+table); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
}
