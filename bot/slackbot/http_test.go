package slackbot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/access"
)

// A signed slash command is acknowledged at once and answered on its
// response_url, ephemeral, in blocks with a text fallback.
func TestSlashCommandRunsAndAnswers(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.admin(t, `add "Jeanne Martin" email=jeanne@martin.fr company="Fromagerie Martin"`)
	// Slack sends an email as markup and escapes &, < and >.
	m := e.run(t, "U0SALES", "show <mailto:jeanne@martin.fr|jeanne@martin.fr>")
	if m.ResponseType != "ephemeral" {
		t.Errorf("response_type %q, want ephemeral", m.ResponseType)
	}
	mustContain(t, "fallback", m.Text, "C1 Jeanne Martin (Fromagerie Martin) · lead")
	all := string(mustJSON(t, m.Blocks))
	mustContain(t, "blocks", all, `"type":"header"`, "Jeanne Martin", `"type":"actions"`, "move C1 prospect")
	e.wait()
	e.slack.none(t)
}

// A request with a wrong signature, without one, or signed too long ago is
// refused with 401, runs nothing and changes nothing.
func TestBadSignaturesAreRefused(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.admin(t, `add "Jeanne Martin"`)
	before := e.counts(t)
	body := []byte(e.slashForm("U0SALES", "move C1 prospect").Encode())
	ts, sig := slackbot.Sign(secret, now, body)
	otherTS, otherSig := slackbot.Sign("another secret", now, body)
	// The last hex digit changed to another one (the body, and so the
	// signature, differ from run to run: a fixed "0" was no change at all
	// one run in sixteen).
	tampered := sig[:len(sig)-1] + "0"
	if tampered == sig {
		tampered = sig[:len(sig)-1] + "1"
	}
	tests := []struct {
		name    string
		headers map[string]string
	}{
		{"no headers", nil},
		{"no signature", map[string]string{"X-Slack-Request-Timestamp": ts}},
		{"no timestamp", map[string]string{"X-Slack-Signature": sig}},
		{"wrong secret", map[string]string{"X-Slack-Request-Timestamp": otherTS, "X-Slack-Signature": otherSig}},
		{"tampered signature", map[string]string{"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": tampered}},
		{"timestamp not signed", map[string]string{"X-Slack-Request-Timestamp": ts + "1", "X-Slack-Signature": sig}},
		{"not a number", map[string]string{"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": sig}},
	}
	for _, tt := range tests {
		for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
			if resp := e.post(t, path, "application/x-www-form-urlencoded", body, time.Time{}, tt.headers); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s on %s: status %d, want 401", tt.name, path, resp.StatusCode)
			}
		}
	}
	// Signed correctly, but six minutes ago or ahead: a replay.
	for _, at := range []time.Time{now.Add(-6 * time.Minute), now.Add(6 * time.Minute)} {
		if resp := e.post(t, "/slack/commands", "application/x-www-form-urlencoded", body, at, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("signed at %s: status %d, want 401", at, resp.StatusCode)
		}
	}
	e.wait()
	e.slack.none(t)
	if after := e.counts(t); after != before {
		t.Errorf("refused requests changed the database: %s, then %s", before, after)
	}
	c, err := e.db.Contact(t.Context(), 1)
	if err != nil || c.Stage != domain.Lead {
		t.Errorf("C1 is %v (%v), want lead", c.Stage, err)
	}
	// Four minutes late is within Slack's five: it runs.
	if resp := e.post(t, "/slack/commands", "application/x-www-form-urlencoded", body, now.Add(-4*time.Minute), nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed 4 minutes ago: status %d", resp.StatusCode)
	}
	mustContain(t, "reply", e.reply(t).Text, "Moved C1 Jeanne Martin from lead to prospect")
}

// With SLACK_TEAM_ID set, requests from another workspace are refused.
func TestOtherTeamIsRefused(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *slackbot.Config) { c.TeamID = "T0OTHER" })
	e.admin(t, `add "Jeanne Martin"`)
	before := e.counts(t)
	body := []byte(e.slashForm("U0SALES", "log C1 call").Encode())
	if resp := e.post(t, "/slack/commands", "application/x-www-form-urlencoded", body, now, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("slash command from %s: status %d, want 403", team, resp.StatusCode)
	}
	if resp := e.event(t, "Ev0TEAM", "<@U0BOT> log C1 call", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("event from %s: status %d, want 403", team, resp.StatusCode)
	}
	e.wait()
	e.slack.none(t)
	if after := e.counts(t); after != before {
		t.Errorf("refused requests changed the database: %s, then %s", before, after)
	}
}

// A sales member is refused digest post, and told which role it needs; a
// manager, in a user group, gets past the role check; a member in no list
// runs nothing. The group's members are fetched once, then cached.
func TestRolesFromConfiguration(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *slackbot.Config) {
		c.Roles = &access.Members{Sales: []string{"U0SALES"}, Manager: []string{"S0MANAGERS"}}
	})
	e.slack.groups["S0MANAGERS"] = []string{"U0MANAGER"}
	e.admin(t, `add "Jeanne Martin"`)
	m := e.run(t, "U0SALES", "digest post")
	mustContain(t, "sales digest post", m.Text, "digest post needs the manager role", "Usage: digest [preview|post]")
	mustContain(t, "sales digest post blocks", string(mustJSON(t, m.Blocks)), "needs the manager role", "Usage: digest [preview|post]")
	mustContain(t, "manager digest post", e.run(t, "U0MANAGER", "digest post").Text, "the digest is not set up")
	mustContain(t, "manager show", e.run(t, "U0MANAGER", "show C1").Text, "Jeanne Martin")
	mustContain(t, "sales show", e.run(t, "U0SALES", "show C1").Text, "Jeanne Martin")
	mustContain(t, "stranger", e.run(t, "U0STRANGER", "move C1 prospect").Text, "move needs the sales role", "U0STRANGER")
	if n := e.slack.groupN.Load(); n != 1 {
		t.Errorf("usergroups.users.list called %d times, want 1 (cached)", n)
	}
	if c, _ := e.db.Contact(t.Context(), 1); c.Stage != domain.Lead {
		t.Errorf("a member with no role moved C1 to %s", c.Stage)
	}
}

// The contact card's buttons run their command as the member who clicks:
// "Move to prospect" moves the contact.
func TestCardButtonMovesTheStage(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.admin(t, `add "Jeanne Martin"`)
	card := e.run(t, "U0SALES", "show C1")
	var move button
	labels := []string{}
	for _, b := range card.buttons(t) {
		labels = append(labels, b.Text.Text)
		if b.Value == "move C1 prospect" {
			move = b
		}
	}
	if move.ActionID == "" || strings.Join(labels, ", ") != "Move to prospect, Log a call, Show score" {
		t.Fatalf("card buttons %q", labels)
	}
	e.click(t, "U0CLICKER", move)
	mustContain(t, "click reply", e.reply(t).Text, "Moved C1 Jeanne Martin from lead to prospect")
	c, err := e.db.Contact(t.Context(), 1)
	if err != nil || c.Stage != domain.Prospect {
		t.Fatalf("C1 is %v (%v), want prospect", c.Stage, err)
	}
	moves, _ := e.db.RecentMoves(t.Context(), 1, 10)
	if len(moves) != 1 || moves[0].Author != "U0CLICKER" {
		t.Errorf("moves %+v, want one by U0CLICKER", moves)
	}
}

// A long find is drawn within Slack's limits with a Next page button that
// shows the next page.
func TestLongFindPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	var lines []string
	for i := 1; i <= 45; i++ {
		lines = append(lines, fmt.Sprintf("add Dupont%02d company=Acme%02d", i, i)) // distinct: no likely duplicate
	}
	e.admin(t, lines...)
	m := e.run(t, "U0SALES", "find acme")
	checkLimits(t, m.Blocks)
	mustContain(t, "first page", m.Text, "Contacts 1–20 of 45", "More: find acme page=2")
	var next button
	for _, b := range m.buttons(t) {
		if b.Text.Text == "Next page" {
			next = b
		}
	}
	if next.Value != "find acme page=2" {
		t.Fatalf("next page button %+v", next)
	}
	e.click(t, "U0SALES", next)
	m = e.reply(t)
	checkLimits(t, m.Blocks)
	mustContain(t, "second page", m.Text, "Contacts 21–40 of 45", "More: find acme page=3")
	// A page too long for one message is cut with a note.
	m = e.run(t, "U0SALES", "find acme limit=1000")
	checkLimits(t, m.Blocks)
	mustContain(t, "one long page", m.Text, "Contacts 1–45 of 45")
}

// The add command alone opens a form; a bad value is shown on its field,
// a good form adds the contact and answers where the command was typed.
func TestAddForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	slash := e.slashForm("U0SALES", "add")
	req := e.openForm(t, slash)
	if req.TriggerID != slash.Get("trigger_id") || req.View.CallbackID != "crm_add" || len(req.View.Blocks) < 10 {
		t.Fatalf("views.open %s", req.Body)
	}
	submit := func(values map[string]string) ack { return e.submit(t, req, "U0SALES", values) }
	bad := submit(map[string]string{"name": "Jeanne Martin", "email": "not an email", "employees": "many"})
	if bad.StatusCode != http.StatusOK {
		t.Fatalf("bad form: %d", bad.StatusCode)
	}
	mustContain(t, "bad form answer", bad.Body, `"response_action":"errors"`, `"field_email"`, `"field_employees"`)
	if n, _ := e.db.CountContacts(t.Context()); n != 0 {
		t.Fatalf("a bad form added %d contacts", n)
	}
	if resp := submit(map[string]string{"name": "Jeanne Martin", "email": "jeanne@martin.fr", "company": "Fromagerie Martin", "employees": "12"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("good form: %d", resp.StatusCode)
	}
	mustContain(t, "add reply", e.reply(t).Text, "Added C1 Jeanne Martin (Fromagerie Martin)")
	c, err := e.db.Contact(t.Context(), 1)
	if err != nil || c.Email != "jeanne@martin.fr" || c.Employees != 12 || c.Owner != "U0SALES" {
		t.Fatalf("added %+v, %v", c, err)
	}
}

// mustJSON marshals v for a look at its text.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
