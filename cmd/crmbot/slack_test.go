package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// TestRunAnswersASignedSlashCommand drives crmbot run as Slack does:
// a signed POST /slack/commands, answered on the response_url.
func TestRunAnswersASignedSlashCommand(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Jeanne Martin" email=jeanne@martin.fr`))
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	addr, responseURL, answers := slackRun(t, dsn, secret)

	form := url.Values{"command": {"/crm"}, "text": {"move Jeanne prospect called back"}, "user_id": {"U1"},
		"team_id": {"T1"}, "channel_id": {"C1"}, "trigger_id": {"1.2.3"}, "response_url": {responseURL}}
	body := form.Encode()
	post := func(sign bool) int {
		req, _ := http.NewRequest("POST", "http://"+addr+"/slack/commands", strings.NewReader(body))
		signSlack(req, secret, body, kitNow)
		if !sign {
			req.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(false); code != http.StatusUnauthorized {
		t.Fatalf("a badly signed request got %d, want 401", code)
	}
	if code := post(true); code != http.StatusOK {
		t.Fatalf("a signed request got %d, want 200", code)
	}
	if text := <-answers; !strings.Contains(text, "Moved C1 Jeanne Martin from lead to prospect") {
		t.Fatalf("answer on response_url: %q", text)
	}
	show := mustOK(t, execJSON(t, dsn, "show C1"))
	var card struct{ Moves []struct{ To, Author string } }
	json.Unmarshal(show.Data, &card)
	if len(card.Moves) != 1 || card.Moves[0].To != "prospect" || card.Moves[0].Author != "U1" {
		t.Fatalf("moves after one signed and one refused request: %+v", card.Moves)
	}
}

// slackRun starts crmbot run in process on dsn, serving Slack's HTTP
// endpoints signed with secret, against a fake Slack Web API. It returns
// the address crmbot listens on, and a response_url on the fake that hands
// the text of each answer posted to it to answers.
func slackRun(t *testing.T, dsn, secret string) (addr, responseURL string, answers chan string) {
	t.Helper()
	answers = make(chan string, 4)
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/response" {
			var body struct{ Text string }
			json.NewDecoder(r.Body).Decode(&body)
			answers <- body.Text
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(slack.Close)
	addr = startRun(t, "CRMBOT_DATABASE="+dsn, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET="+secret,
		"SLACK_APP_TOKEN=", "SLACK_API_URL="+slack.URL+"/api/")
	return addr, slack.URL + "/response", answers
}
