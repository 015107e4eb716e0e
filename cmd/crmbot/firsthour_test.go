package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// Tests of issue 11, "the first hour with crmbot", end to end.

// Item 3: crmbot check checks every value of quiet_hours, enabled or not,
// and names the line of each.
func TestCheckEveryQuietHoursValue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct{ yaml, want string }{
		{"throttle:\n  quiet_hours:\n    start: \"abc\"\n", ":3:"},
		{"throttle:\n  quiet_hours:\n    start: \"21:00\"\n    end: \"99:99\"\n", ":4:"},
		{"throttle:\n  quiet_hours:\n    enabled: false\n    end: \"25:00\"\n", ":4:"},
	} {
		file := filepath.Join(dir, "crmbot.yaml")
		os.WriteFile(file, []byte(tt.yaml), 0o644)
		r := crmbot(t, "unused.db", "check", file)
		if r.code != 1 || !strings.Contains(r.stderr, file+tt.want) || !strings.Contains(r.stderr, "must be a time like") {
			t.Errorf("%q: %+v", tt.yaml, r)
		}
	}
}

// Item 7: check --simulate names the rules that fail at run time, on how
// many contacts, with the first error.
func TestCheckSimulateReportsFailingRules(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Big Agro" city=Lyon employees=80`))
	mustOK(t, execJSON(t, dsn, `add Tiny employees=2`))
	next := filepath.Join(t.TempDir(), "new.yaml")
	os.WriteFile(next, []byte("scoring:\n  rules:\n    - {name: Big, when: employees >= 50, points: 80}\n"+
		"    - {name: Numeric city, when: int(city) > 3, points: 10}\n"), 0o644)
	r := crmbot(t, dsn, "check", "--simulate", next)
	if r.code != 0 || !strings.Contains(r.stdout, `Rule "Numeric city" fails on 2 of 2 contacts`) || !strings.Contains(r.stdout, "first on C1") {
		t.Errorf("check --simulate: %+v", r)
	}
	r = crmbot(t, dsn, "check", "--simulate", next, "--json")
	var sim struct {
		Failures []struct {
			Rule       string `json:"rule"`
			Contacts   int    `json:"contacts"`
			FirstID    int64  `json:"first_contact_id"`
			FirstError string `json:"first_error"`
		} `json:"failing_rules"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sim); err != nil || len(sim.Failures) != 1 || sim.Failures[0].Contacts != 2 ||
		sim.Failures[0].Rule != "Numeric city" || sim.Failures[0].FirstID != 1 || sim.Failures[0].FirstError == "" {
		t.Errorf("check --simulate --json: %v %+v", err, r)
	}
}

// Item 20: the terminal's help fits 80 columns, the usage of every command
// still whole once the wrapped lines are joined.
func TestHelpFitsTheTerminal(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	for _, line := range []string{"help", "help segment", "help survey"} {
		r := crmbot(t, dsn, "exec", line)
		if r.code != 0 {
			t.Fatalf("%s: %+v", line, r)
		}
		for _, l := range strings.Split(r.stdout, "\n") {
			if n := utf8.RuneCountInString(l); n > 80 {
				t.Errorf("%s: a line of %d columns:\n%s", line, n, l)
			}
		}
		if joined := strings.Join(strings.Fields(r.stdout), " "); line != "help segment" && !strings.Contains(joined,
			"survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run]") {
			t.Errorf("%s: the usage of survey send is not whole:\n%s", line, r.stdout)
		}
	}
	in := strings.NewReader("help\nquit\n")
	r := crmbotIn(t, dsn, in, "console")
	for _, l := range strings.Split(r.stdout, "\n") {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("console: a line of %d columns:\n%s", n, l)
		}
	}
}

// Item 21: a failure is said once, with exit status 1: no "Error: exit
// status 1" after a failed exec, no message printed by cobra and again
// by crmbot.
func TestErrorsPrintedOnce(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	for _, args := range [][]string{
		{"exec", "bogus"},
		{"exec", "show C99"},
		{"--no-such-flag"},
		{"import", "contacts", filepath.Join(t.TempDir(), "missing.csv")},
		{"digest", "--as-of", "yesterday-ish"},
	} {
		r := crmbot(t, dsn, args...)
		if r.code != 1 {
			t.Errorf("%v: exit status %d, want 1: %+v", args, r.code, r)
		}
		if strings.Contains(r.stderr, "Error:") || strings.Contains(r.stderr, "exit status") || strings.TrimSpace(r.stderr) == "" {
			t.Errorf("%v: stderr %q", args, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if first := lines[0]; strings.Count(r.stderr, strings.TrimPrefix(first, "crmbot: ")) != 1 {
			t.Errorf("%v: the message is printed more than once:\n%s", args, r.stderr)
		}
	}
}

// Item 22: one of a thing is written in the singular.
func TestPlurals(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	dir := t.TempDir()
	one := filepath.Join(dir, "one.csv")
	os.WriteFile(one, []byte("name,email\nJeanne Martin,jeanne@martin.fr\n"), 0o644)
	if r := crmbot(t, dsn, "import", "contacts", one); r.code != 0 || !strings.Contains(r.stdout, "Imported 1 contact (1 created, 0 updated)") {
		t.Errorf("import of one contact: %+v", r)
	}
	orders := filepath.Join(dir, "orders.csv")
	os.WriteFile(orders, []byte("contact,amount,date\nC1,100,2026-01-02\n"), 0o644)
	if r := crmbot(t, dsn, "import", "orders", orders); r.code != 0 || !strings.Contains(r.stdout, "Imported 1 order (1 contact became a customer)") {
		t.Errorf("import of one order: %+v", r)
	}
	conf := filepath.Join(dir, "one.yaml")
	os.WriteFile(conf, []byte("scoring:\n  rules:\n    - {name: Big, when: employees >= 50, points: 80}\n"), 0o644)
	if r := crmbot(t, dsn, "check", conf); !strings.Contains(r.stdout, "1 scoring rule,") {
		t.Errorf("check: %+v", r)
	}
	if r := crmbot(t, dsn, "check", "--simulate", conf); !strings.Contains(r.stdout, "0 of 1 contact would change grade") {
		t.Errorf("check --simulate: %+v", r)
	}
	for line, want := range map[string]string{
		"top":                         "Top 1 score",
		"segments":                    "Segments of 1 customer,",
		"find page=2":                 "1 contact matches; page 2 is past the end",
		"segment save j employees>=0": "Saved the segment j: 1 member",
	} {
		r := crmbot(t, dsn, "exec", line)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("%s: %+v", line, r)
		}
	}
	if r := crmbot(t, dsn, "exec", "segment list"); !strings.Contains(r.stdout, "1 saved segment\n") {
		t.Errorf("segment list: %+v", r)
	}
}

// Item 11: the first digest after crmbot demo shows the week's changes:
// demo records the past weeks' score and segment snapshots, as running
// digests would have, so score histories show too.
func TestDemoDigestShowsChanges(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		if r := crmbot(t, dsn, "demo", "--contacts", "120"); r.code != 0 {
			t.Fatalf("demo: %+v", r)
		}
		r := crmbot(t, dsn, "digest", "--json")
		var d struct {
			RFM struct {
				ComparedWith string `json:"compared_with"`
				Segments     []struct {
					Change *int `json:"change"`
				} `json:"segments"`
			} `json:"rfm"`
			TopScores []struct {
				Change *int `json:"change"`
			} `json:"top_scores"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || r.code != 0 {
			t.Fatalf("digest --json: %v %+v", err, r)
		}
		if d.RFM.ComparedWith == "" || len(d.RFM.Segments) == 0 || d.RFM.Segments[0].Change == nil {
			t.Errorf("the first digest has no segment changes: %s", r.stdout)
		}
		if len(d.TopScores) == 0 || d.TopScores[0].Change == nil {
			t.Errorf("the first digest has no score changes: %s", r.stdout)
		}
		if r := crmbot(t, dsn, "digest"); strings.Contains(r.stdout, "No snapshot") {
			t.Errorf("digest: %s", r.stdout)
		}
		var rep struct {
			History []struct{ Week string } `json:"history"`
		}
		if err := json.Unmarshal(mustOK(t, execJSON(t, dsn, "score C1")).Data, &rep); err != nil || len(rep.History) < 5 {
			t.Errorf("score C1: history %+v %v", rep.History, err)
		}
	})
}

// An import reads "today" and times of day in the team's time zone
// (CRMBOT_TIMEZONE), not the machine's: at 00:30 in Paris, 23:30 in UTC
// on the machine's clock, an order of "today" is of the Paris day. It was
// of the machine's day.
func TestImportTodayIsTheTeamsDay(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	dir := t.TempDir()
	contacts, orders := filepath.Join(dir, "c.csv"), filepath.Join(dir, "o.csv")
	os.WriteFile(contacts, []byte("name,email\nJeanne Martin,jeanne@martin.fr\n"), 0o644)
	os.WriteFile(orders, []byte("contact,amount,date\nC1,100,today\n"), 0o644)
	for _, args := range [][]string{{"import", "contacts", contacts}, {"import", "orders", orders}} {
		var out, errb bytes.Buffer
		m := newMain(nil, &out, &errb, baseEnv(dsn))
		m.Now = func() time.Time { return time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC) }
		if code := m.Exec(t.Context(), args); code != 0 {
			t.Fatalf("%v: %s %s", args, out.String(), errb.String())
		}
	}
	db, err := store.Open(t.Context(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := storetest.Count(t, db, "SELECT COUNT(*) FROM orders WHERE date >= ?", time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)); n != 1 {
		t.Errorf("the order of \"today\" is not of the Paris day, 26 November")
	}
}
