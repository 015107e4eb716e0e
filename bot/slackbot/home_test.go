package slackbot_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/store/storetest"
)

// homeView is the view of a views.publish call.
type homeView struct {
	UserID string `json:"user_id"`
	View   struct {
		Type   string            `json:"type"`
		Blocks []json.RawMessage `json:"blocks"`
	} `json:"view"`
}

// TestAppHome: a member opening the Home tab gets their check-in published
// there (views.publish), within Slack's 100 blocks even with 1,000 hot
// leads, with the buttons of each contact shown; a button clicked on the
// tab is applied as the member, answered in their DM, and the tab drawn
// again.
func TestAppHome(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.exec.Nudges = &nudge.Service{Store: e.db, CRM: e.exec.CRM, Now: clock, Loc: paris}
	_, err := storetest.SQL(t, e.db).Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
		INSERT INTO contacts (name, owner, stage, score, grade, created_at, updated_at)
		SELECT 'Lead ' || i, 'U0SALES1', 'prospect', 80 + i % 20, 'A', ?, ? FROM n`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	open := func() homeView {
		t.Helper()
		c := e.slack.next(t)
		if c.Method != "views.publish" {
			t.Fatalf("want views.publish, got %s %s", c.Method, c.Body)
		}
		var v homeView
		if err := json.Unmarshal(c.Body, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	e.deliver(t, "Ev0HOME", map[string]string{"type": "app_home_opened", "user": "U0SALES1", "tab": "home", "channel": "D0HOME"}, nil)
	v := open()
	body, _ := json.Marshal(v.View.Blocks)
	if v.UserID != "U0SALES1" || v.View.Type != "home" || len(v.View.Blocks) == 0 || len(v.View.Blocks) > 100 {
		t.Fatalf("published to %s a %s view of %d blocks", v.UserID, v.View.Type, len(v.View.Blocks))
	}
	for _, want := range []string{"1000 hot leads", "and 995 more", `"value":"log C`, `"value":"alerts snooze C`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the Home tab lacks %q: %s", want, body)
		}
	}
	e.interact(t, map[string]any{"type": "block_actions", "user": map[string]string{"id": "U0SALES1"}, "team": map[string]string{"id": team},
		"trigger_id": "1.2.home", "view": map[string]string{"id": "V0VIEW", "type": "home"},
		"actions": []map[string]string{{"action_id": "crm_run_0", "block_id": "crm_section_3_0", "type": "button", "value": "alerts snooze C1"}}})
	answer := e.postMessage(t)
	if answer.Form.Get("channel") != "U0SALES1" || !strings.Contains(answer.Form.Get("text"), "C1 Lead 1 is snoozed for 7 days") {
		t.Fatalf("the answer to the Home tab's button: %s %q", answer.Form.Get("channel"), answer.Form.Get("text"))
	}
	again := open()
	body, _ = json.Marshal(again.View.Blocks)
	if !strings.Contains(string(body), "999 hot leads") {
		t.Errorf("the Home tab drawn again still counts the snoozed lead: %s", body)
	}
}
