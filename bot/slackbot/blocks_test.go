package slackbot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/bot/slackbot"
)

// checkLimits fails the test when blocks break one of Slack's Block Kit
// limits (docs.slack.dev/reference/block-kit): 50 blocks a message; a
// header's text 150 characters; a section's text 3,000, its fields 10 of
// 2,000 each; a context's elements 10, each text 3,000 (a text object's
// limit); an actions block's elements 25, a button's text 75 and its
// value 2,000; block and action ids 255; no text empty (Slack refuses the
// message).
// drawWithinLimits draws r, checks the blocks against Slack's limits, and
// returns them as JSON, one by one, and the fallback text.
func drawWithinLimits(t *testing.T, r *reply.Reply) (js string, raw []json.RawMessage, text string) {
	t.Helper()
	blocks, text := slackbot.Draw(r)
	b := mustJSON(t, blocks)
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	checkLimits(t, raw)
	return string(b), raw, text
}

func checkLimits(t *testing.T, blocks []json.RawMessage) {
	t.Helper()
	if len(blocks) > 50 {
		t.Errorf("%d blocks, Slack takes 50", len(blocks))
	}
	type text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	long := func(what string, s string, n int) {
		if c := utf8.RuneCountInString(s); c > n {
			t.Errorf("%s of %d characters, Slack takes %d", what, c, n)
		}
		if strings.TrimSpace(s) == "" {
			t.Errorf("%s is empty: Slack refuses it", what)
		}
	}
	for _, raw := range blocks {
		var b struct {
			Type     string `json:"type"`
			BlockID  string `json:"block_id"`
			Text     *text  `json:"text"`
			Fields   []text `json:"fields"`
			Elements []struct {
				Type     string `json:"type"`
				Text     any    `json:"text"`
				Value    string `json:"value"`
				ActionID string `json:"action_id"`
			} `json:"elements"`
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		if len(b.BlockID) > 255 {
			t.Errorf("a block id of %d characters, Slack takes 255", len(b.BlockID))
		}
		switch b.Type {
		case "header":
			long("a header", b.Text.Text, 150)
		case "section":
			if b.Text != nil {
				long("a section's text", b.Text.Text, 3000)
			}
			if len(b.Fields) > 10 {
				t.Errorf("a section of %d fields, Slack takes 10", len(b.Fields))
			}
			for _, f := range b.Fields {
				long("a field", f.Text, 2000)
			}
			if b.Text == nil && len(b.Fields) == 0 {
				t.Error("a section with neither text nor fields")
			}
		case "context":
			if len(b.Elements) > 10 {
				t.Errorf("a context of %d elements, Slack takes 10", len(b.Elements))
			}
			for _, el := range b.Elements {
				if s, ok := el.Text.(string); ok {
					long("a context's text", s, 3000)
				}
			}
		case "actions":
			if len(b.Elements) > 25 {
				t.Errorf("an actions block of %d elements, Slack takes 25", len(b.Elements))
			}
			for _, el := range b.Elements {
				long("a button's value", el.Value, 2000)
				if len(el.ActionID) > 255 {
					t.Errorf("an action id of %d characters, Slack takes 255", len(el.ActionID))
				}
				if m, ok := el.Text.(map[string]any); ok {
					long("a button's text", fmt.Sprint(m["text"]), 75)
				}
			}
		}
	}
}

// Draw keeps any reply within Slack's limits: a long title, a huge table,
// a hundred fields, long texts and thirty actions, one too long to be a
// button; the actions stay and a note says what was cut.
func TestDrawKeepsSlackLimits(t *testing.T) {
	table := &reply.Table{Columns: []string{"id", "name", "note"}}
	for i := range 5000 {
		table.Rows = append(table.Rows, []string{fmt.Sprintf("C%d", i), "Jeanne <Martin> & Fils", strings.Repeat("é", i%100)})
	}
	var fields []reply.Field
	for i := range 100 {
		fields = append(fields, reply.Field{Label: fmt.Sprint("field ", i), Value: strings.Repeat("x", 2500)})
	}
	var actions []reply.Action
	for i := range 30 {
		actions = append(actions, reply.Action{Label: strings.Repeat("Label ", 20), Command: fmt.Sprint("show C", i)})
	}
	actions = append(actions, reply.Action{Label: "too long", Command: "find " + strings.Repeat("x", 2001)})
	r := &reply.Reply{OK: true, Title: strings.Repeat("Title ", 40), Actions: actions, Sections: []reply.Section{
		{Heading: "Fields", Fields: fields},
		{Heading: "Long text", Text: strings.Repeat("<&> ", 2000)},
		{Table: table},
	}}
	all, _, text := drawWithinLimits(t, r)
	mustContain(t, "blocks", all, "more lines do not fit in one Slack message", "show C29", "\\u0026lt;Martin\\u0026gt;")
	if strings.Contains(all, strings.Repeat("x", 2001)) {
		t.Error("a button holds a value over 2,000 characters")
	}
	if utf8.RuneCountInString(text) > 3000 || !strings.HasPrefix(text, "Title Title") {
		t.Errorf("fallback of %d characters: %.40q", utf8.RuneCountInString(text), text)
	}
}

// A failed command shows what was wrong and the right usage.
func TestDrawError(t *testing.T) {
	blocks, text := slackbot.Draw(reply.Failure("move", "invalid", "move needs a contact & a stage", "move <contact> <stage> [note]"))
	js, _ := json.Marshal(blocks)
	mustContain(t, "error blocks", string(js), ":warning: move needs a contact \\u0026amp; a stage", "Usage: move \\u0026lt;contact\\u0026gt; \\u0026lt;stage\\u0026gt; [note]")
	if text != "move needs a contact & a stage\nUsage: move <contact> <stage> [note]" {
		t.Errorf("fallback %q", text)
	}
}
