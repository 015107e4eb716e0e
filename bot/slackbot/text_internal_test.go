package slackbot

import (
	"net/http"
	"testing"
	"time"
)

func TestCommandLine(t *testing.T) {
	tests := map[string]string{
		"show <mailto:jeanne@martin.fr|jeanne@martin.fr>":    "show jeanne@martin.fr",
		"edit C1 owner=<@U0BRUNO>":                           "edit C1 owner=U0BRUNO",
		"edit C1 site=<https://martin.fr|martin.fr>":         "edit C1 site=martin.fr",
		"edit C1 site=<https://martin.fr>":                   "edit C1 site=https://martin.fr",
		"show <tel:+33612345678|+33 6 12 34 56 78>":          "show +33 6 12 34 56 78",
		"find score&gt;=50 company=&quot;A&amp;B&quot; &lt;": "find score>=50 company=&quot;A&B&quot; <",
		"  log C1 call  ":                                    "log C1 call",
	}
	for in, want := range tests {
		if got := commandLine(in); got != want {
			t.Errorf("commandLine(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"<@U0BOT> show C1":            " show C1",
		"<@U0BOT|crmbot>  <@U0BOT> x": "x",
		"show <@U0BOT>":               "show <@U0BOT>",
	} {
		if got := stripMention(in); got != want && got != want[1:] {
			t.Errorf("stripMention(%q) = %q, want %q", in, got, want)
		}
	}
}

// The signature check follows Slack's documentation, whose example this is.
func TestVerifySlackExample(t *testing.T) {
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", "1531420618")
	h.Set("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
	at := time.Unix(1531420618, 0)
	if err := verify("8f742231b10e8888abcd99yyyzzz85a5", h, body, at.Add(time.Minute)); err != nil {
		t.Errorf("Slack's example: %v", err)
	}
	if err := verify("8f742231b10e8888abcd99yyyzzz85a5", h, body, at.Add(5*time.Minute+time.Second)); err != errStaleTimestamp {
		t.Errorf("five minutes and a second later: %v", err)
	}
	if err := verify("", h, body, at); err != errNoSecret {
		t.Errorf("no secret: %v", err)
	}
}
