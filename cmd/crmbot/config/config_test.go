package config_test

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/domain"
)

const fullPath = "testdata/full.yaml"

func readFull(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(fullPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseFullExample(t *testing.T) {
	c, err := config.Load(fullPath)
	if err != nil {
		t.Fatalf("the full example (every key, as docs/configuration.md shows them) does not parse: %v", err)
	}
	f := c.File
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("source", c.Source, fullPath)
	check("grades", c.Grades, domain.Grades{A: 75, B: 50, C: 25})
	wantRules := []domain.Rule{{Name: "Company of 50 or more", When: "employees >= 50", Points: 10}, {Name: "Too small for us", When: "employees < 5", Points: -10}}
	if !slices.Equal(c.Rules, wantRules) || !slices.Equal(c.Scoring.Rules(), wantRules) {
		t.Errorf("rules = %+v, want %+v", c.Rules, wantRules)
	}
	check("rfm.window_days", f.RFM.WindowDays, 0)
	check("abc.a", f.ABC.A, 80.0)
	check("abc.b", f.ABC.B, 95.0)
	th := f.Throttle
	pol := c.Policy
	check("recontact_days", pol.RecontactDays, 30)
	check("max_per_year", pol.MaxPerYear, 4)
	check("cooldown", pol.CooldownAfterInteractionDays, 3)
	check("policy quiet hours", pol.QuietHours, domain.QuietHours{Enabled: true, Start: 20 * 60, End: 9 * 60})
	check("policy company", pol.Company, domain.CompanyCap{Max: 1, PerDays: 7})
	check("policy detractor", pol.Detractor, domain.DetractorThresholds{NPSBelow: 7, CSATBelow: 3})
	qh := th.QuietHours
	check("quiet hours", fmt.Sprintln(qh.Enabled != nil && *qh.Enabled, qh.Start, qh.End), "true 20:00 09:00\n")
	check("weekends", *th.Weekends, true)
	check("reminder", pol.ReminderAfterDays, 3)
	check("fatigue", *th.Fatigue.Unanswered*1000+*th.Fatigue.PauseDays, 2180)
	check("company", th.Company.Max*100+th.Company.PerDays, 107)
	check("detractor", *th.Detractor.NPSBelow*10+*th.Detractor.CSATBelow, 73)
	check("telegram global", th.Telegram.GlobalPerSecond, 25.0)
	check("telegram per chat", th.Telegram.PerChatPerSecond, 1.0)
	if len(f.Questionnaires) != 1 {
		t.Fatalf("questionnaires: %+v", f.Questionnaires)
	}
	q := f.Questionnaires[0]
	check("questionnaire id", q.ID, "after_sale")
	check("period", q.PeriodDays, 7)
	check("title", q.Title, config.Text{FR: "Votre achat", EN: "Your purchase"})
	if len(q.Questions) != 2 {
		t.Fatalf("questions: %+v", q.Questions)
	}
	check("q1", q.Questions[0].ID+" "+q.Questions[0].Type, "csat rating")
	check("q1 text", q.Questions[0].Text, config.Text{FR: "Êtes-vous satisfait ?", EN: "Are you satisfied?"})
	check("q1 optional", q.Questions[0].Optional, false)
	check("q2", q.Questions[1].ID+" "+q.Questions[1].Type, "why text")
	check("q2 optional", q.Questions[1].Optional, true)
	check("digest", strings.Join(f.Digest.Channels, ",")+" "+f.Digest.Weekday+" "+f.Digest.Time, "C0123456789 monday 09:00")
	check("roles", strings.Join(f.Roles.Admin, ",")+"|"+strings.Join(f.Roles.Manager, ",")+"|"+strings.Join(f.Roles.Sales, ","),
		"U0ADMIN|U0MANAGER|U0SALES1,U0SALES2")

	// The engine in force is the file's.
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	res := c.Scoring.Score(&domain.Contact{Name: "X", Employees: 60, CreatedAt: now}, &domain.Facts{}, now)
	if res.Score != 10 || len(res.Fired) != 1 {
		t.Errorf("the file's rules score a company of 60 at %d (%v), want 10", res.Score, res.Fired)
	}
}

// withLine returns text with its line n (from 1) replaced.
func withLine(t *testing.T, text string, n int, line string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("no line %d", n)
	}
	lines[n-1] = line
	return strings.Join(lines, "\n")
}

func problems(t *testing.T, err error) config.Problems {
	t.Helper()
	var ps config.Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("error %v (%T), want config.Problems", err, err)
	}
	return ps
}

func TestProblemsPointAtTheirLine(t *testing.T) {
	full := readFull(t)
	cases := []struct {
		name     string
		line     int // the line changed
		text     string
		says     string
		reported int // where the problem is reported, when not on line
	}{
		{"unknown key", 19, "  reminder_after: 3", "reminder_after", 0},
		{"unknown section", 10, "rfn:", "rfn", 0},
		{"unknown key in a rule", 6, "      pointz: 10", "pointz", 0},
		{"unknown key in a question", 30, `      - {id: why, type: text, optionel: true, text: {fr: "Pourquoi ?", en: "Why?"}}`, "optionel", 0},
		{"wrong type", 14, "  recontact_days: thirty", "thirty", 0},
		{"bad expression", 8, "      when: employees <<< 5", "rule 2", 0},
		{"unknown name in an expression", 5, "      when: employes >= 50", "employes", 0},
		{"expression that is not a condition", 5, "      when: employees + 1", "rule 1", 0},
		{"rule without a name", 7, `    - name: ""`, "needs a name", 0},
		{"grades in the wrong order", 2, "  grades: {A: 50, B: 75, C: 25}", "A > B > C", 0},
		{"grade over 100", 2, "  grades: {A: 150, B: 75, C: 25}", "A=150", 0},
		{"unknown question type", 30, `      - {id: why, type: essay, text: {fr: "Pourquoi ?", en: "Why?"}}`, `"essay"`, 0},
		{"question without English", 30, `      - {id: why, type: text, text: {fr: "Pourquoi ?"}}`, "French and English", 0},
		{"question id used twice", 30, `      - {id: csat, type: text, text: {fr: "Pourquoi ?", en: "Why?"}}`, `"csat" is used twice`, 0},
		{"built-in questionnaire id", 25, "  - id: satisfaction", "built in", 0},
		{"choice without options", 30, `      - {id: why, type: choice, text: {fr: "Pourquoi ?", en: "Why?"}}`, "two options", 0},
		{"negative window", 11, "  window_days: -1", "window_days", 0},
		{"abc out of order", 12, "abc: {a: 95, b: 80}", "a < b", 0},
		{"negative throttle", 15, "  max_per_year: -4", "max_per_year", 0},
		{"quiet hours not a time", 17, `  quiet_hours: {enabled: true, start: "8pm", end: "09:00"}`, "quiet_hours.start", 0},
		{"company cap of 0", 21, "  company: {max: 0, per_days: 7}", "throttle.company", 0},
		{"weekday in French", 33, "  weekday: lundi", "lundi", 0},
		{"time not a time", 34, `  time: "9h"`, "digest.time", 0},
		{"YAML syntax", 34, `  time: at: 9`, "mapping values", 0},
		{"unclosed list", 32, `  channels: ["C0123456789"`, "did not find expected ',' or ']'", 0},
		{"unclosed map", 20, `  fatigue: {unanswered: 2, pause_days: 180`, "did not find expected ',' or '}'", 0},
		// yaml.v3 places this one at the start of the mapping it breaks.
		{name: "list item in a map", line: 15, text: `  - max_per_year: 4`, says: "did not find expected key", reported: 14},
		{"tab indentation", 36, "\tadmin: [\"U0ADMIN\"]", "cannot start any token", 0},
	}
	for _, tc := range cases {
		_, err := config.Parse([]byte(withLine(t, full, tc.line, tc.text)), "crmbot.yaml")
		ps := problems(t, err)
		want := cmp.Or(tc.reported, tc.line)
		found := false
		for _, p := range ps {
			if p.Line == want && p.Column > 0 && p.File == "crmbot.yaml" && strings.Contains(p.Message, tc.says) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: problems %q; want one on line %d saying %q", tc.name, ps.Error(), want, tc.says)
		}
	}
}

func TestEveryProblemIsReported(t *testing.T) {
	text := withLine(t, readFull(t), 2, "  grades: {A: 50, B: 75, C: 25}")
	text = withLine(t, text, 8, "      when: employees <<< 5")
	text = withLine(t, text, 14, "  recontact_days: -1")
	text = withLine(t, text, 19, "  reminder_after_days: -3")
	text = withLine(t, text, 33, "  weekday: lundi")
	_, err := config.Parse([]byte(text), "team.yaml")
	ps := problems(t, err)
	var lines []int
	for _, p := range ps {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int{2, 8, 14, 19, 33}) {
		t.Errorf("problems on lines %v, want 2, 8, 14, 19, 33 in that order:\n%s", lines, ps.Error())
	}
	if !strings.HasPrefix(ps[0].String(), "team.yaml:2:3: ") || !strings.Contains(ps.Error(), "\nteam.yaml:33:12: ") {
		t.Errorf("problems read:\n%s", ps.Error())
	}
}

func TestDefaults(t *testing.T) {
	for name, text := range map[string]string{
		"empty":         "",
		"blank":         "\n\n   \n",
		"comments only": "# nothing configured yet\n",
		"null sections": "scoring:\nthrottle:\nquestionnaires:\n",
	} {
		c, err := config.Parse([]byte(text), "crmbot.yaml")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if c.Grades != domain.DefaultGrades || !slices.Equal(c.Rules, domain.DefaultRules) || c.Scoring == nil ||
			len(c.Scoring.Rules()) != len(domain.DefaultRules) || c.Source != "crmbot.yaml" {
			t.Errorf("%s: %+v, want the built-in defaults", name, c)
		}
	}
	d := config.Default()
	if d.Source != "built-in defaults" || d.Grades != domain.DefaultGrades || !slices.Equal(d.Rules, domain.DefaultRules) {
		t.Errorf("Default() = %+v", d)
	}
	if c, err := config.Load(""); err != nil || c.Source != "built-in defaults" {
		t.Errorf("Load(\"\") = %+v, %v", c, err)
	}
	if _, err := config.Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("Load of a missing file succeeded")
	}

	// A section given replaces that section's defaults, and only it.
	c, err := config.Parse([]byte("scoring:\n  grades: {A: 90, B: 60, C: 30}\n"), "x.yaml")
	if err != nil || c.Grades != (domain.Grades{A: 90, B: 60, C: 30}) || !slices.Equal(c.Rules, domain.DefaultRules) {
		t.Errorf("grades only: %+v, %v", c, err)
	}
	c, err = config.Parse([]byte("scoring:\n  rules: []\n"), "x.yaml")
	if err != nil || len(c.Rules) != 0 || c.Grades != domain.DefaultGrades {
		t.Errorf("no rules: %+v, %v", c, err)
	}
}

func TestProblemsInBlockStyle(t *testing.T) {
	text := `questionnaires:
  - id: visit
    title: {fr: "Visite", en: "Visit"}
    questions:
      - id: q1
        type: essay
        text: {fr: "Q", en: "Q"}
      - id: q2
        type: choice
        text: {fr: "Q", en: "Q"}
        options:
          - {id: a, text: {fr: a, en: a}}
scoring:
  rules:
    - when: employees > 1
      points: 3
`
	_, err := config.Parse([]byte(text), "x.yaml")
	ps := problems(t, err)
	want := []struct {
		line int
		says string
	}{{6, `type "essay"`}, {8, "two options"}, {15, "needs a name"}}
	if len(ps) != len(want) {
		t.Fatalf("problems:\n%s", ps.Error())
	}
	for i, w := range want {
		if ps[i].Line != w.line || !strings.Contains(ps[i].Message, w.says) {
			t.Errorf("problem %d = %s; want line %d saying %q", i, ps[i], w.line, w.says)
		}
	}
}

// A throttle section that names one key keeps every other default: one
// setting never loosens the others by accident.
func TestThrottleKeysKeepDefaults(t *testing.T) {
	c, err := config.Parse([]byte("throttle:\n  recontact_days: 60\n  weekends: false\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.DefaultPolicy
	want.RecontactDays, want.Weekends = 60, false
	if c.Policy != want {
		t.Errorf("policy = %+v\nwant %+v", c.Policy, want)
	}
	if d := config.Default().Policy; d != domain.DefaultPolicy {
		t.Errorf("default policy = %+v", d)
	}
}

// A block of the throttle section that names one of its keys keeps the
// defaults of the others: fatigue: {unanswered: 3} alone turned fatigue
// off (a pause of 0 days), detractor: {nps_below: 5} alone turned CSAT
// detractors off.
func TestThrottleBlocksKeepTheirOtherDefaults(t *testing.T) {
	c, err := config.Parse([]byte("throttle:\n  fatigue: {unanswered: 3}\n  detractor: {nps_below: 5}\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.DefaultPolicy
	want.Fatigue.Unanswered, want.Detractor.NPSBelow = 3, 5
	if c.Policy != want {
		t.Errorf("policy = %+v\nwant %+v", c.Policy, want)
	}
}

// Quiet hours given by their start and end are on unless the file says
// enabled: false (issue 11, item 2; bot/command's tests check that why
// tells them).
func TestPartialQuietHoursKeepThemOn(t *testing.T) {
	for _, c := range []struct {
		yaml string
		on   bool
	}{
		{"throttle: {quiet_hours: {start: \"21:00\", end: \"08:00\"}}\n", true},
		{"throttle: {quiet_hours: {enabled: false, start: \"21:00\", end: \"08:00\"}}\n", false},
	} {
		cfg, err := config.Parse([]byte(c.yaml), "t.yaml")
		if err != nil {
			t.Fatal(err)
		}
		want := domain.QuietHours{Enabled: c.on, Start: 21 * 60, End: 8 * 60}
		if cfg.Policy.QuietHours != want {
			t.Errorf("%q: quiet hours %+v, want %+v", c.yaml, cfg.Policy.QuietHours, want)
		}
	}
}

// TestPipelineRotDays reads the rot days of the stages, French words
// too, and refuses a stage that is none and days that are not above 0.
func TestPipelineRotDays(t *testing.T) {
	c, err := config.Parse([]byte("pipeline:\n  rot_days: {prospect: 14, qualifié: 21}\n"), "crmbot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rot) != 2 || c.Rot[domain.Prospect] != 14 || c.Rot[domain.Qualified] != 21 {
		t.Errorf("rot %v", c.Rot)
	}
	_, err = config.Parse([]byte("pipeline:\n  rot_days: {prospekt: 14, lead: 0}\n"), "crmbot.yaml")
	if err == nil || !strings.Contains(err.Error(), "prospekt") || !strings.Contains(err.Error(), "takes a number of days above 0") {
		t.Errorf("bad rot days: %v", err)
	}
}

// TestAlertsAndCheckin reads alerts.hot over its default and the check-in's
// schedule, and refuses a grade that is none, a negative jump, a weekday
// or a time misspelt, each with its place.
func TestAlertsAndCheckin(t *testing.T) {
	c, err := config.Parse([]byte("alerts:\n  hot: {grade: b, jump: 0}\ncheckin: {weekday: Friday, time: \"16:30\"}\n"), "crmbot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Hot.Grade != "B" || c.Hot.Jump != 0 || c.Hot.Every != domain.Week || !c.File.Checkin.On() {
		t.Errorf("hot %+v, check-in %+v", c.Hot, c.File.Checkin)
	}
	if d := config.Default(); d.Hot != domain.DefaultHotPolicy || !d.File.Checkin.On() {
		t.Errorf("default hot %+v", d.Hot)
	}
	off, err := config.Parse([]byte("checkin: {enabled: false}\n"), "crmbot.yaml")
	if err != nil || off.File.Checkin.On() {
		t.Errorf("checkin off: %v %v", off, err)
	}
	_, err = config.Parse([]byte("alerts:\n  hot: {grade: E, jump: -5}\ncheckin: {weekday: fryday, time: \"25:00\"}\n"), "crmbot.yaml")
	for _, want := range []string{"crmbot.yaml:2:", "alerts.hot.grade must be A, B, C or D", "checkin.weekday must be a day", "checkin.time must be a time like 09:00"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad alerts and check-in: %v; want %q", err, want)
		}
	}
}
