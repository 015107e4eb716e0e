package slackbot_test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/slackbot"
)

// envelope is a Socket Mode request as Slack sends it.
func envelope(t *testing.T, id, kind string, retry int, payload any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"envelope_id": id, "type": kind, "accepts_response_payload": kind != "events_api",
		"retry_attempt": retry, "payload": payload})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ackOf waits for the acknowledgement of an envelope over the websocket
// and returns its envelope id.
func (f *fakeSlack) ackOf(t *testing.T) string {
	t.Helper()
	select {
	case msg := <-f.acks:
		var a struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if err := json.Unmarshal(msg, &a); err != nil {
			t.Fatalf("ack %s: %v", msg, err)
		}
		return a.EnvelopeID
	case <-time.After(10 * time.Second):
		t.Fatal("no acknowledgement over the websocket")
		return ""
	}
}

// socketEnv starts a bot over Socket Mode alone, with Jeanne Martin as
// C1, and stops it at the end of the test; its logs are shown if the test
// fails.
func socketEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, "sqlite", func(c *slackbot.Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" })
	e.admin(t, `add "Jeanne Martin"`)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.bot.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if t.Failed() {
			t.Log(e.logs.String())
		}
	})
	return e
}

// flat is a form as a Socket Mode payload holds it: one string a field.
func flat(form url.Values) map[string]string {
	out := map[string]string{}
	for k := range form {
		out[k] = form.Get(k)
	}
	return out
}

// Over Socket Mode, the bot opens the connection with apps.connections.open,
// acknowledges every envelope, and runs slash commands and events through
// the same handler as the HTTP endpoints: answered on the response_url or
// in the thread, a retried event applied once.
func TestSocketModeRunsTheSameHandler(t *testing.T) {
	e := socketEnv(t)
	e.slack.envelope <- envelope(t, "env-1", "slash_commands", 0, flat(e.slashForm("U0SALES", "move C1 prospect")))
	if id := e.slack.ackOf(t); id != "env-1" {
		t.Errorf("acknowledged %q, want env-1", id)
	}
	mustContain(t, "reply", e.reply(t).Text, "Moved C1 Jeanne Martin from lead to prospect")

	event := map[string]any{"type": "event_callback", "team_id": team, "event_id": "Ev0SOCKET",
		"event": map[string]string{"type": "app_mention", "user": "U0SALES", "text": "<@U0BOT> log C1 call", "ts": "2.1", "channel": "C0SALES"}}
	e.slack.envelope <- envelope(t, "env-2", "events_api", 0, event)
	e.slack.envelope <- envelope(t, "env-3", "events_api", 1, event)
	for _, want := range []string{"env-2", "env-3"} {
		if id := e.slack.ackOf(t); id != want {
			t.Errorf("acknowledged %q, want %s", id, want)
		}
	}
	c := e.postMessage(t)
	mustContain(t, "event reply", c.Form.Get("text"), "Logged call with C1 Jeanne Martin")
	if c.Form.Get("thread_ts") != "2.1" {
		t.Errorf("reply in thread %q, want 2.1", c.Form.Get("thread_ts"))
	}
	e.wait()
	e.slack.none(t)
	if moves, _ := e.db.RecentMoves(t.Context(), 1, 10); len(moves) != 1 {
		t.Errorf("%d moves, want 1", len(moves))
	}
	if logs, _ := e.db.RecentInteractions(t.Context(), 1, 10); len(logs) != 1 {
		t.Errorf("%d interactions, want 1", len(logs))
	}
}

// Ready follows the Socket Mode connection: not ready before it is up,
// ready once it is; a bot with the HTTP endpoints alone is always ready.
func TestReadyFollowsSocketMode(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *slackbot.Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" })
	if ok, how := e.bot.Ready(); ok || how != "Socket Mode not started" {
		t.Errorf("before Run: %v %q", ok, how)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.bot.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// An envelope is handled after the connection's own event.
	e.slack.envelope <- envelope(t, "env-ready", "events_api", 0, map[string]any{"type": "event_callback", "event_id": "Ev-ready",
		"event": map[string]any{"type": "app_mention", "user": "U0SALES", "text": "<@U0BOT> help", "channel": "C0SALES", "ts": "1.1"}})
	if id := e.slack.ackOf(t); id != "env-ready" {
		t.Fatalf("acknowledged %q", id)
	}
	if ok, how := e.bot.Ready(); !ok || how != "Socket Mode connected" {
		t.Errorf("connected: %v %q", ok, how)
	}
	h := newEnv(t, "sqlite")
	if ok, how := h.bot.Ready(); !ok || how != "HTTP endpoints" {
		t.Errorf("HTTP endpoints: %v %q", ok, how)
	}
}
