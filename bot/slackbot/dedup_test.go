package slackbot_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// A proxy that retries resends a request as it was signed: same body,
// same X-Slack-Request-Timestamp, same signature. When Slack gave the
// request no id of its own (no trigger_id, event_id or view id), the
// resent request must still be applied once, and two different requests
// must both be applied. The tests below send each kind of request without
// its id, on SQLite and PostgreSQL.

const formType = "application/x-www-form-urlencoded"

// resend posts the same signed body to path n times and checks each is
// acknowledged with 200.
func (e *env) resend(t *testing.T, path, contentType string, body []byte, n int) {
	t.Helper()
	for i := range n {
		if a := e.post(t, path, contentType, body, now, nil); a.StatusCode != http.StatusOK {
			t.Fatalf("%s, send %d: status %d", path, i+1, a.StatusCode)
		}
	}
}

// untriggered is the body Slack would post for /crm text by user, with an
// empty trigger_id.
func (e *env) untriggered(user, text string) []byte {
	form := e.slashForm(user, text)
	form.Set("trigger_id", "")
	return []byte(form.Encode())
}

// answers waits for the commands under way and returns how many answers
// the bot sent to Slack since the last look.
func (e *env) answers(t *testing.T) int {
	t.Helper()
	e.wait()
	n := 0
	for {
		select {
		case <-e.slack.calls:
			n++
		default:
			return n
		}
	}
}

// expect checks, once the commands under way have answered, that the bot
// sent Slack the answers since the last look, and that C1 has the
// interactions.
func (e *env) expect(t *testing.T, answers, interactions int) {
	t.Helper()
	if n := e.answers(t); n != answers {
		t.Errorf("%d answers, want %d", n, answers)
	}
	logs, err := e.db.RecentInteractions(t.Context(), 1, 100)
	if err != nil || len(logs) != interactions {
		t.Errorf("%d interactions (%v), want %d", len(logs), err, interactions)
	}
}

// eachKind runs test on a fresh bot, with Jeanne Martin as C1, on SQLite
// and on PostgreSQL.
func eachKind(t *testing.T, test func(t *testing.T, e *env)) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t, kind)
			e.admin(t, `add "Jeanne Martin"`)
			defer func() {
				if t.Failed() {
					t.Log(e.logs.String())
				}
			}()
			test(t, e)
		})
	}
}

// The same signed slash command sent three times without a trigger_id
// logs one interaction and is answered once.
func TestResentCommandWithoutTriggerAppliesOnce(t *testing.T) {
	eachKind(t, func(t *testing.T, e *env) {
		e.resend(t, "/slack/commands", formType, e.untriggered("U0SALES", "log C1 call asked for a quote"), 3)
		e.expect(t, 1, 1)
	})
}

// Two different slash commands without a trigger_id are both applied,
// even with the same text: Slack gives each its own response_url.
func TestDistinctCommandsWithoutTriggerBothApply(t *testing.T) {
	eachKind(t, func(t *testing.T, e *env) {
		e.resend(t, "/slack/commands", formType, e.untriggered("U0SALES", "log C1 call"), 1)
		e.resend(t, "/slack/commands", formType, e.untriggered("U0SALES", "log C1 call"), 1)
		e.resend(t, "/slack/commands", formType, e.untriggered("U0SALES", "log C1 meeting"), 1)
		e.expect(t, 3, 3)
	})
}

// untriggeredClick is the body of a click on a button that runs line,
// without a trigger_id, answered on a fresh response_url.
func (e *env) untriggeredClick(t *testing.T, line string) []byte {
	t.Helper()
	js, err := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": "U0SALES"},
		"trigger_id": "", "response_url": e.slack.responseURL(),
		"actions": []map[string]string{{"action_id": "crm_run_0", "value": line, "type": "button", "block_id": "crm_actions_0"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(url.Values{"payload": {string(js)}}.Encode())
}

// A click without a trigger_id resent three times applies once; another
// click of the same button (another message, so another response_url)
// applies too.
func TestClicksWithoutTrigger(t *testing.T) {
	eachKind(t, func(t *testing.T, e *env) {
		e.resend(t, "/slack/interactions", formType, e.untriggeredClick(t, "log C1 call"), 3)
		e.resend(t, "/slack/interactions", formType, e.untriggeredClick(t, "log C1 call"), 1)
		e.expect(t, 2, 2)
	})
}

// An event without an event_id resent three times applies once; another
// message (its own ts) applies too.
func TestEventsWithoutID(t *testing.T) {
	eachKind(t, func(t *testing.T, e *env) {
		body := func(ts string) []byte {
			b, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": team, "event_id": "",
				"event": map[string]string{"type": "app_mention", "user": "U0SALES", "text": "<@U0BOT> log C1 call", "ts": ts, "channel": "C0SALES"}})
			return b
		}
		e.resend(t, "/slack/events", "application/json", body("1.1"), 3)
		e.resend(t, "/slack/events", "application/json", body("1.2"), 1)
		e.expect(t, 2, 2)
	})
}

// The add form submitted without a view id, resent twice, adds one
// contact.
func TestFormWithoutViewIDAddsOnce(t *testing.T) {
	eachKind(t, func(t *testing.T, e *env) {
		js, _ := json.Marshal(map[string]any{"type": "view_submission", "team": map[string]string{"id": team},
			"user": map[string]string{"id": "U0SALES"},
			"view": map[string]any{"id": "", "callback_id": "crm_add", "private_metadata": `{"channel":"C0SALES"}`,
				"state": map[string]any{"values": map[string]any{
					"field_name": map[string]any{"value": map[string]string{"type": "plain_text_input", "value": "Paul Durand"}}}}}})
		e.resend(t, "/slack/interactions", formType, []byte(url.Values{"payload": {string(js)}}.Encode()), 2)
		if n := e.answers(t); n != 1 {
			t.Errorf("%d answers, want 1", n)
		}
		if n, err := e.db.CountContacts(t.Context()); err != nil || n != 2 {
			t.Errorf("%d contacts (%v), want 2: Jeanne Martin and Paul Durand once", n, err)
		}
	})
}

// Over Socket Mode, a slash command without a trigger_id and an event
// without an event_id, each sent again in another envelope with the same
// payload, apply once; a different command applies too.
func TestSocketModeEnvelopesWithoutIDs(t *testing.T) {
	e := socketEnv(t)
	command := func(text string) map[string]string {
		cmd := flat(e.slashForm("U0SALES", text))
		cmd["trigger_id"] = ""
		return cmd
	}
	event := map[string]any{"type": "event_callback", "team_id": team, "event_id": "",
		"event": map[string]string{"type": "app_mention", "user": "U0SALES", "text": "<@U0BOT> log C1 meeting", "ts": "2.1", "channel": "C0SALES"}}
	first := command("log C1 call")
	sends := []struct {
		id, kind string
		retry    int
		payload  any
	}{
		{"env-1", "slash_commands", 0, first},
		{"env-2", "slash_commands", 1, first},
		{"env-3", "slash_commands", 0, command("log C1 call")},
		{"env-4", "events_api", 0, event},
		{"env-5", "events_api", 1, event},
	}
	for _, s := range sends {
		e.slack.envelope <- envelope(t, s.id, s.kind, s.retry, s.payload)
		if id := e.slack.ackOf(t); id != s.id {
			t.Errorf("acknowledged %q, want %s", id, s.id)
		}
	}
	e.expect(t, 3, 3)
}
