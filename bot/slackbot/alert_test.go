package slackbot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/access"
	"github.com/crmbot/crmbot/flows/survey"
)

// satisfaction is a CSAT questionnaire, as the configuration holds one.
var satisfaction = domain.Questionnaire{ID: "satisfaction", Version: 1,
	Title: domain.Text{EN: "Satisfaction", FR: "Satisfaction"},
	Questions: []domain.Question{
		{ID: "csat", Type: domain.RatingQuestion, Text: domain.Text{EN: "How satisfied are you with us?", FR: "Êtes-vous satisfait ?"}},
		{ID: "why", Type: domain.TextQuestion, Optional: true, Text: domain.Text{EN: "Why?"}},
	}}

// detractor adds Jeanne Martin (C1), owned by owner, and returns the alert
// of her CSAT of 2, with two comments.
func (e *env) detractor(t *testing.T, owner string) survey.Alert {
	t.Helper()
	e.admin(t, `add "Jeanne Martin"`)
	c, err := e.db.Contact(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	c.Owner = owner
	return survey.Alert{Contact: c, Questionnaire: satisfaction, Bad: []survey.BadAnswer{{Question: satisfaction.Questions[0],
		Answer: domain.Answer{Question: "csat", Type: domain.RatingQuestion, Number: 2}}},
		Comments: []string{"The delivery was late", "<b>nobody</b> called back & I waited"}}
}

// posted checks that c posts a message to channel and returns it.
func posted(t *testing.T, c call, channel string) message {
	t.Helper()
	if c.Method != "chat.postMessage" || c.Form.Get("channel") != channel {
		t.Fatalf("call %s to %q, want chat.postMessage to %s", c.Method, c.Form.Get("channel"), channel)
	}
	m := message{Text: c.Form.Get("text")}
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &m.Blocks); err != nil {
		t.Fatalf("blocks %s: %v", c.Form.Get("blocks"), err)
	}
	return m
}

// blockText returns every string in m's blocks, one a line, unescaped
// from JSON.
func blockText(t *testing.T, m message) string {
	t.Helper()
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, raw := range m.Blocks {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		walk(v)
	}
	return strings.Join(out, "\n")
}

// alertButtons returns the Handled and Show contact buttons of m.
func alertButtons(t *testing.T, m message) (handled, show button) {
	t.Helper()
	bs := m.buttons(t)
	if len(bs) != 2 {
		t.Fatalf("buttons %+v, want Handled and Show contact", bs)
	}
	return bs[0], bs[1]
}

// A detractor answer reaches its owner's DM with the questionnaire, the
// question, the answer, the comments, the pause, and the Handled and Show
// contact buttons; with a fallback text.
func TestDetractorAlertReachesTheOwnersDM(t *testing.T) {
	e := newEnv(t, "sqlite")
	if err := e.bot.DetractorAlert(t.Context(), e.detractor(t, "U0OWNER")); err != nil {
		t.Fatal(err)
	}
	e.wait()
	open := e.slack.next(t)
	if open.Method != "conversations.open" || open.Form.Get("users") != "U0OWNER" {
		t.Fatalf("call %s %v, want conversations.open with U0OWNER", open.Method, open.Form)
	}
	m := posted(t, e.slack.next(t), "DU0OWNER")
	blocks := blockText(t, m)
	mustContain(t, "alert blocks", blocks, "header", "Detractor answer from Jeanne Martin (C1)",
		"Satisfaction", "How satisfied are you with us?", "2 / 5 (CSAT)", "The delivery was late",
		"&lt;b&gt;nobody&lt;/b&gt; called back &amp; I waited", "Automated questionnaires to C1 are paused until this is marked handled")
	mustContain(t, "alert text", m.Text, "Detractor answer from Jeanne Martin (C1)", "How satisfied are you with us?",
		"2 / 5", "The delivery was late", "&lt;b&gt;nobody&lt;/b&gt; called back &amp; I waited", "paused", "handled C1")
	handled, show := alertButtons(t, m)
	if handled.Text.Text != "Handled" || handled.Value != "handled C1" || handled.Style != "primary" {
		t.Errorf("first button %+v, want Handled (primary) running handled C1", handled)
	}
	if show.Text.Text != "Show contact" || show.Value != "show C1" {
		t.Errorf("second button %+v, want Show contact running show C1", show)
	}
	e.slack.none(t)
}

// One alert tells every bad answer of the questionnaire, in order.
func TestDetractorAlertTellsEveryBadAnswer(t *testing.T) {
	e := newEnv(t, "sqlite")
	a := e.detractor(t, "U0OWNER")
	nps := domain.Question{ID: "nps", Type: domain.NPSQuestion, Text: domain.Text{EN: "Would you recommend us?"}}
	a.Bad = append(a.Bad, survey.BadAnswer{Question: nps, Answer: domain.Answer{Question: "nps", Type: domain.NPSQuestion, Number: 3}})
	if err := e.bot.DetractorAlert(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	e.slack.next(t) // conversations.open
	m := posted(t, e.slack.next(t), "DU0OWNER")
	mustContain(t, "alert blocks", blockText(t, m), "How satisfied are you with us?", "2 / 5 (CSAT)",
		"Would you recommend us?", "3 / 10 (NPS)", "The delivery was late")
	mustContain(t, "alert text", m.Text, "2 / 5", "3 / 10", "The delivery was late")
	e.slack.none(t)
}

// clickOnce posts the click of b by user with the given trigger_id, as Slack
// sends it again when it retries the delivery.
func (e *env) clickOnce(t *testing.T, user, trigger string, b button) {
	t.Helper()
	resp := e.interact(t, map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": user},
		"trigger_id": trigger, "response_url": e.slack.responseURL(), "channel": map[string]string{"id": "DU0OWNER"},
		"actions": []map[string]string{{"action_id": b.ActionID, "value": b.Value, "type": "button", "block_id": "crm_alert_actions"}},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("click %s: status %d", b.Value, resp.StatusCode)
	}
}

// The alert's Handled button runs `handled C1` as the member who clicks,
// through the card buttons' path: a member with no role is refused by
// name, a sales member's click is answered on the response_url once, even
// when Slack delivers it twice; Show contact shows the card.
func TestHandledButtonRunsHandledAsTheClicker(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *slackbot.Config) {
		c.Roles = &access.Members{Sales: []string{"U0OWNER"}}
	})
	if err := e.bot.DetractorAlert(t.Context(), e.detractor(t, "U0OWNER")); err != nil {
		t.Fatal(err)
	}
	e.slack.next(t) // conversations.open
	handled, show := alertButtons(t, posted(t, e.slack.next(t), "DU0OWNER"))

	e.clickOnce(t, "U0STRANGER", "trigger.stranger", handled)
	mustContain(t, "stranger's click", e.reply(t).Text, "handled needs the sales role", "U0STRANGER")

	e.clickOnce(t, "U0OWNER", "trigger.owner", handled)
	// The handled command answers with its name whether it marks the alert
	// handled or, in a build without questionnaires, says it is not there
	// yet; either way it ran as the owner, past the role check.
	r := e.reply(t).Text
	mustContain(t, "owner's click", strings.ToLower(r), "handled")
	if strings.Contains(r, "role") {
		t.Errorf("owner's click was refused: %s", r)
	}
	e.clickOnce(t, "U0OWNER", "trigger.owner", handled) // Slack's retry
	e.wait()
	e.slack.none(t)

	e.clickOnce(t, "U0OWNER", "trigger.show", show)
	mustContain(t, "show contact", e.reply(t).Text, "Jeanne Martin")
}

// An owner who is not a Slack user (a contact added from the console) is
// alerted in the digest channels, with a note saying why; with no digest
// channels the alert is an error that says so.
func TestDetractorAlertWithoutSlackOwner(t *testing.T) {
	channels := []string{"C0SALES", "C0BOARD"}
	e := newEnv(t, "sqlite", func(c *slackbot.Config) { c.DigestChannels = channels })
	if err := e.bot.DetractorAlert(t.Context(), e.detractor(t, "pierre")); err != nil {
		t.Fatal(err)
	}
	for _, ch := range channels {
		m := posted(t, e.slack.next(t), ch)
		mustContain(t, ch, blockText(t, m), "Detractor answer from Jeanne Martin (C1)", "2 / 5", "has no Slack id", "pierre")
		if last := blockText(t, message{Blocks: m.Blocks[len(m.Blocks)-1:]}); !strings.Contains(last, "Handled") {
			t.Errorf("%s: the last block is not the buttons: %s", ch, last)
		}
		if handled, _ := alertButtons(t, m); handled.Value != "handled C1" {
			t.Errorf("%s: Handled runs %q", ch, handled.Value)
		}
	}
	e.slack.none(t)

	lone := newEnv(t, "sqlite")
	err := lone.bot.DetractorAlert(t.Context(), lone.detractor(t, ""))
	if err == nil || !strings.Contains(err.Error(), "no Slack id") {
		t.Errorf("alert with no owner and no channels: %v, want an error saying the owner has no Slack id", err)
	}
	lone.slack.none(t)
}

// When Slack refuses, the alert is an error; when the owner's DM fails and
// digest channels are configured, the alert goes there instead.
func TestDetractorAlertWhenSlackFails(t *testing.T) {
	e := newEnv(t, "sqlite")
	a := e.detractor(t, "U0OWNER")
	e.slack.fail("conversations.open", "user_not_found")
	if err := e.bot.DetractorAlert(t.Context(), a); err == nil || !strings.Contains(err.Error(), "user_not_found") {
		t.Errorf("DM refused: %v, want user_not_found", err)
	}
	e.slack.next(t) // conversations.open
	e.slack.fail("conversations.open", "")
	e.slack.fail("chat.postMessage", "ratelimited")
	if err := e.bot.DetractorAlert(t.Context(), a); err == nil || !strings.Contains(err.Error(), "ratelimited") {
		t.Errorf("post refused: %v, want ratelimited", err)
	}

	f := newEnv(t, "sqlite", func(c *slackbot.Config) { c.DigestChannels = []string{"C0SALES"} })
	a = f.detractor(t, "U0GONE")
	f.slack.fail("conversations.open", "user_disabled")
	if err := f.bot.DetractorAlert(t.Context(), a); err != nil {
		t.Errorf("DM refused, channel posted: %v", err)
	}
	f.slack.next(t) // conversations.open
	mustContain(t, "fallback", blockText(t, posted(t, f.slack.next(t), "C0SALES")), "could not reach the owner of C1 (U0GONE)")
	f.slack.fail("chat.postMessage", "channel_not_found")
	if err := f.bot.DetractorAlert(t.Context(), a); err == nil || !strings.Contains(err.Error(), "user_disabled") || !strings.Contains(err.Error(), "channel_not_found") {
		t.Errorf("DM and channel refused: %v, want both errors", err)
	}
}

// An alert with a very long name, question and comments stays within
// Slack's limits: a 150-character header, 3,000-character texts; the
// buttons always stay. A choice is shown by its options' labels.
func TestDetractorAlertWithinSlackLimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	a := e.detractor(t, "W0GRID")
	a.Contact.Name = strings.Repeat("Jeanne-Marie ", 40)
	a.Bad[0].Question = domain.Question{ID: "pick", Type: domain.ChoiceQuestion, Text: domain.Text{EN: strings.Repeat("Which one? ", 400)},
		Options: []domain.Option{{ID: "a", Text: domain.Text{EN: "The first & best"}}, {ID: "b", Text: domain.Text{EN: "The second"}}}}
	a.Bad[0].Answer = domain.Answer{Question: "pick", Type: domain.ChoiceQuestion, Options: []string{"b", "a"}}
	for i := range 100 {
		a.Comments = append(a.Comments, fmt.Sprintf("comment %d: %s", i, strings.Repeat("<&>", 100)))
	}
	if err := e.bot.DetractorAlert(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if c := e.slack.next(t); c.Form.Get("users") != "W0GRID" {
		t.Fatalf("call %s %v, want conversations.open with the Grid user W0GRID", c.Method, c.Form)
	}
	m := posted(t, e.slack.next(t), "DW0GRID")
	if n := utf8.RuneCountInString(m.Text); n > 3000 {
		t.Errorf("fallback of %d characters", n)
	}
	mustContain(t, "fallback", m.Text, "paused", "handled C1")
	for _, raw := range m.Blocks {
		var b struct {
			Type string `json:"type"`
			Text struct {
				Text string `json:"text"`
			} `json:"text"`
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		limit := 3000
		if b.Type == "header" {
			limit = 150
			mustContain(t, "header", b.Text.Text, "(C1)")
		}
		if n := utf8.RuneCountInString(b.Text.Text); n > limit {
			t.Errorf("%s block of %d characters, limit %d", b.Type, n, limit)
		}
	}
	mustContain(t, "blocks", blockText(t, m), "The second, The first &amp; best")
	if handled, show := alertButtons(t, m); handled.Value != "handled C1" || show.Value != "show C1" {
		t.Errorf("buttons %+v %+v", handled, show)
	}
}
