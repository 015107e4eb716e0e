package slackbot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// event posts a signed Events API delivery of an app_mention with text.
func (e *env) event(t *testing.T, id, text string, headers map[string]string) ack {
	t.Helper()
	return e.deliver(t, id, map[string]string{"type": "app_mention", "user": "U0SALES", "text": text,
		"ts": "1700000000.000001", "channel": "C0SALES"}, headers)
}

// deliver posts a signed Events API delivery of ev.
func (e *env) deliver(t *testing.T, id string, ev map[string]string, headers map[string]string) ack {
	t.Helper()
	body, err := json.Marshal(map[string]any{"type": "event_callback", "team_id": team, "event_id": id, "event": ev})
	if err != nil {
		t.Fatal(err)
	}
	return e.post(t, "/slack/events", "application/json", body, now, headers)
}

// postMessage waits for the bot's next chat.postMessage.
func (e *env) postMessage(t *testing.T) call {
	t.Helper()
	c := e.slack.next(t)
	if c.Method != "chat.postMessage" {
		t.Fatalf("want chat.postMessage, got %s %s", c.Method, c.Body)
	}
	return c
}

// A delivery Slack retries (same event_id, X-Slack-Retry-Num) is applied
// and answered once, even when the retry arrives while the first delivery
// is still running; on SQLite and PostgreSQL.
func TestRetriedEventAppliesOnce(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t, kind)
			e.admin(t, `add "Jeanne Martin"`)
			for i := range 3 {
				headers := map[string]string{}
				if i > 0 {
					headers["X-Slack-Retry-Num"] = fmt.Sprint(i)
					headers["X-Slack-Retry-Reason"] = "http_timeout"
				}
				if a := e.event(t, "Ev0LOG", "<@U0BOT> log C1 call asked for a quote", headers); a.StatusCode != http.StatusOK {
					t.Fatalf("delivery %d: status %d", i, a.StatusCode)
				}
			}
			c := e.postMessage(t)
			if c.Form.Get("channel") != "C0SALES" || c.Form.Get("thread_ts") != "1700000000.000001" {
				t.Errorf("reply in %s thread %s, want C0SALES thread 1700000000.000001", c.Form.Get("channel"), c.Form.Get("thread_ts"))
			}
			mustContain(t, "reply", c.Form.Get("text"), "Logged call with C1 Jeanne Martin")
			e.wait()
			e.slack.none(t)
			logs, err := e.db.RecentInteractions(t.Context(), 1, 10)
			if err != nil || len(logs) != 1 {
				t.Fatalf("%d interactions (%v), want 1", len(logs), err)
			}
			// Another event is another command.
			e.event(t, "Ev0LOG2", "<@U0BOT> log C1 call", nil)
			e.postMessage(t)
			e.wait()
			if logs, _ := e.db.RecentInteractions(t.Context(), 1, 10); len(logs) != 2 {
				t.Errorf("%d interactions after a second event, want 2", len(logs))
			}
		})
	}
}

// A retried failing command is answered once too, and a retried button
// click applies once.
func TestRetriedFailureAndClickApplyOnce(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.admin(t, `add "Jeanne Martin"`)
	for range 2 {
		e.event(t, "Ev0BAD", "<@U0BOT> move C1 lead", nil)
	}
	defer func() {
		if t.Failed() {
			t.Log(e.logs.String())
		}
	}()
	mustContain(t, "failure", e.postMessage(t).Form.Get("text"), "lead")
	e.wait()
	e.slack.none(t)
	click := map[string]any{"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": "U0SALES"},
		"trigger_id": "trigger.click", "response_url": e.slack.responseURL(),
		"actions": []map[string]string{{"action_id": "crm_run_0", "block_id": "crm_actions_0", "value": "move C1 prospect", "type": "button"}}}
	e.interact(t, click)
	e.interact(t, click)
	mustContain(t, "click", e.reply(t).Text, "Moved C1")
	e.wait()
	e.slack.none(t)
	if moves, _ := e.db.RecentMoves(t.Context(), 1, 10); len(moves) != 1 {
		t.Errorf("%d moves, want 1", len(moves))
	}
}

// Direct messages run their text and answer in the DM; the bot's own
// messages, other bots' and edits are ignored; the URL check is answered.
func TestDirectMessagesAndIgnoredEvents(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.admin(t, `add "Jeanne Martin"`)
	dm := map[string]string{"type": "message", "channel_type": "im", "user": "U0SALES", "text": "show C1", "ts": "1.2", "channel": "D0DM"}
	e.deliver(t, "Ev0DM", dm, nil)
	c := e.postMessage(t)
	if c.Form.Get("channel") != "D0DM" || c.Form.Get("thread_ts") != "" {
		t.Errorf("DM reply in %s thread %q", c.Form.Get("channel"), c.Form.Get("thread_ts"))
	}
	mustContain(t, "DM reply", c.Form.Get("text"), "Jeanne Martin")
	mustContain(t, "DM blocks", c.Form.Get("blocks"), `"type":"header"`, "move C1 prospect")
	ignored := []map[string]string{
		{"type": "message", "channel_type": "im", "bot_id": "B0CRMBOT", "user": "U0BOT", "text": "log C1 call", "channel": "D0DM"},
		{"type": "message", "channel_type": "im", "subtype": "message_changed", "user": "U0SALES", "text": "log C1 call", "channel": "D0DM"},
		{"type": "message", "channel_type": "channel", "user": "U0SALES", "text": "log C1 call", "channel": "C0SALES"},
		{"type": "reaction_added", "user": "U0SALES"},
	}
	for i, ev := range ignored {
		if a := e.deliver(t, fmt.Sprintf("Ev0IGNORED%d", i), ev, nil); a.StatusCode != http.StatusOK {
			t.Errorf("ignored event %d: status %d", i, a.StatusCode)
		}
	}
	e.wait()
	e.slack.none(t)
	if logs, _ := e.db.RecentInteractions(t.Context(), 1, 10); len(logs) != 0 {
		t.Errorf("ignored events logged %d interactions", len(logs))
	}
	a := e.post(t, "/slack/events", "application/json", []byte(`{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","token":"x"}`), now, nil)
	if a.StatusCode != http.StatusOK {
		t.Fatalf("url_verification: %d", a.StatusCode)
	}
	mustContain(t, "challenge answer", a.Body, `"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"`)
}
