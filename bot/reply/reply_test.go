package reply_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/reply"
)

func TestText(t *testing.T) {
	tests := []struct {
		name  string
		reply *reply.Reply
		want  string
	}{
		{
			name: "card",
			reply: &reply.Reply{OK: true, Command: "show", Title: "C1 Hélène Dupré · lead · score 35 (C)", Sections: []reply.Section{
				{Fields: []reply.Field{{Label: "email", Value: "helene@dupre.fr"}, {Label: "employees", Value: "12"}, {Label: "attr.carte", Value: "or"}}},
				{Heading: "Orders", Text: "No order yet."},
				{Heading: "Pipeline", Fields: []reply.Field{{Label: "2026-11-25", Value: "lead → prospect · by alice"}}},
			}},
			want: "C1 Hélène Dupré · lead · score 35 (C)\n" +
				"\n" +
				"  email       helene@dupre.fr\n" +
				"  employees   12\n" +
				"  attr.carte  or\n" +
				"\n" +
				"Orders\n" +
				"No order yet.\n" +
				"\n" +
				"Pipeline\n" +
				"  2026-11-25  lead → prospect · by alice",
		},
		{
			name: "table with accents and a short row",
			reply: &reply.Reply{OK: true, Command: "find", Title: "Contacts 1–3 of 3", Sections: []reply.Section{
				{Table: &reply.Table{Columns: []string{"id", "name", "stage"}, Rows: [][]string{
					{"C1", "Hélène Dupré", "lead"},
					{"C12", "Zoë", "customer"},
					{"C3", "Jo"},
				}}},
				{Text: "More: find page=2"},
			}},
			want: "Contacts 1–3 of 3\n" +
				"\n" +
				"  id  name         stage\n" +
				"  C1  Hélène Dupré lead\n" +
				"  C12 Zoë          customer\n" +
				"  C3  Jo\n" +
				"\n" +
				"More: find page=2",
		},
		{
			name: "sections without a title",
			reply: &reply.Reply{OK: true, Sections: []reply.Section{
				{Heading: "Writing values", Fields: []reply.Field{{Label: "dates", Value: "2026-11-20, today"}}},
				{Text: "help <command> shows examples."},
			}},
			want: "Writing values\n  dates  2026-11-20, today\n\nhelp <command> shows examples.",
		},
		{
			name: "empty sections are left out",
			reply: &reply.Reply{OK: true, Title: "Added C3 Paul", Sections: []reply.Section{
				{}, {Fields: []reply.Field{{Label: "owner", Value: "alice"}}}, {Fields: nil}, {Text: "Score 5 (D)"},
			}},
			want: "Added C3 Paul\n\n  owner  alice\n\nScore 5 (D)",
		},
		{
			name:  "title only",
			reply: &reply.Reply{OK: true, Title: "Moved C1 Jeanne Martin from lead to prospect", Sections: []reply.Section{{}}},
			want:  "Moved C1 Jeanne Martin from lead to prospect",
		},
		{
			name:  "error with usage",
			reply: reply.Failure("sale", "invalid", `"32/13/2026" is not a date: write it like 2026-11-20, 20/11/2026, today or yesterday`, "sale <contact> <amount> [date] [note]"),
			want:  "\"32/13/2026\" is not a date: write it like 2026-11-20, 20/11/2026, today or yesterday\nUsage: sale <contact> <amount> [date] [note]",
		},
		{
			name:  "error without usage",
			reply: reply.Failure("", "invalid", "the command is not valid UTF-8 text", ""),
			want:  "the command is not valid UTF-8 text",
		},
		{
			name: "an error hides the rest",
			reply: &reply.Reply{Title: "ignored", Sections: []reply.Section{{Text: "ignored"}},
				Error: &reply.Error{Code: "not_found", Message: "no contact C9"}},
			want: "no contact C9",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.reply.Text(); got != tt.want {
				t.Errorf("Text():\n%s\n---- want:\n%s\n---- quoted: %q", got, tt.want, got)
			}
		})
	}
}

func TestFailure(t *testing.T) {
	r := reply.Failure("move", "conflict", "C1 is already at stage prospect", "move <contact> <stage> [note]")
	want := reply.Error{Code: "conflict", Message: "C1 is already at stage prospect", Usage: "move <contact> <stage> [note]"}
	if r.OK || r.Command != "move" || r.Error == nil || *r.Error != want || r.Data != nil || r.Title != "" {
		t.Errorf("Failure: %+v", r)
	}
}

// stage is a domain-like type: JSON carries its English name.
type stage string

type move struct {
	ContactID int64 `json:"contact_id"`
	From      stage `json:"from"`
	To        stage `json:"to"`
}

func TestJSON(t *testing.T) {
	ok := &reply.Reply{OK: true, Command: "move", Title: "Moved C1 from lead to prospect",
		Actions: []reply.Action{{Label: "Show score", Command: "score C1"}},
		Data:    move{ContactID: 1, From: "lead", To: "prospect"}}
	failed := reply.Failure("show", "conflict", `"Martin" matches several contacts & more`, "show <contact>")

	tests := []struct {
		name  string
		reply *reply.Reply
		want  map[string]any
		text  []string // substrings of the raw document
	}{
		{"success", ok, map[string]any{
			"ok": true, "command": "move", "title": "Moved C1 from lead to prospect",
			"actions": []any{map[string]any{"label": "Show score", "command": "score C1"}},
			"data":    map[string]any{"contact_id": float64(1), "from": "lead", "to": "prospect"},
		}, []string{"{\n  \"ok\": true,\n  \"command\": \"move\","}},
		{"failure", failed, map[string]any{
			"ok": false, "command": "show",
			"error": map[string]any{"code": "conflict", "message": `"Martin" matches several contacts & more`, "usage": "show <contact>"},
		}, []string{`"usage": "show <contact>"`, `contacts & more`}},
		{"empty command", reply.Failure("", "invalid", "bad", ""), map[string]any{
			"ok": false, "command": "", "error": map[string]any{"code": "invalid", "message": "bad"},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.reply.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, b)
			}
			if g, w := mustMarshal(t, got), mustMarshal(t, tt.want); g != w {
				t.Errorf("JSON:\n%s\nwant\n%s", g, w)
			}
			for _, s := range tt.text {
				if !strings.Contains(string(b), s) {
					t.Errorf("document lacks %q:\n%s", s, b)
				}
			}
			if strings.HasSuffix(string(b), "\n") {
				t.Errorf("document ends with a line break")
			}
		})
	}
	// A value JSON cannot encode is an error, not a panic.
	bad := &reply.Reply{OK: true, Data: map[string]any{"f": func() {}}}
	if _, err := bad.JSON(); err == nil {
		t.Error("JSON of a func: no error")
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A Slack member id is written as a mention; a local name, even one that
// starts with U, as it is.
func TestPerson(t *testing.T) {
	for id, want := range map[string]string{"U0SALES1": "<@U0SALES1>", "W0GRID2": "<@W0GRID2>", "Ursula": "Ursula", "alice": "alice", "": ""} {
		if got := reply.Person(id); got != want {
			t.Errorf("Person(%q) = %q, want %q", id, got, want)
		}
	}
}
