package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// readme returns the README's text.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fenced returns the blocks of the README fenced as lang (```lang), their
// indentation removed.
func fenced(text, lang string) []string {
	re := regexp.MustCompile("(?ms)^([ \t]*)```" + lang + "\n(.*?)^[ \t]*```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		var lines []string
		for _, l := range strings.Split(m[2], "\n") {
			lines = append(lines, strings.TrimPrefix(l, m[1]))
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return out
}

// Every configuration example of the README passes crmbot check (issue 11:
// an example in the README that fails is a failing test).
func TestReadmeConfigurationExamples(t *testing.T) {
	t.Parallel()
	blocks := fenced(readme(t), "yaml")
	if len(blocks) < 2 {
		t.Fatalf("%d yaml examples in the README", len(blocks))
	}
	dsn := storetest.DSN(t, "sqlite")
	for i, b := range blocks {
		file := filepath.Join(t.TempDir(), "crmbot.yaml")
		if err := os.WriteFile(file, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := crmbot(t, dsn, "check", file); r.code != 0 {
			t.Errorf("example %d fails crmbot check: %+v\n%s", i+1, r, b)
		}
	}
}

// The README's "Try it without Telegram" runs as written in the console, on
// the demo's data, with the configuration it suggests.
func TestReadmeConsoleAsCustomer(t *testing.T) {
	t.Parallel()
	text := readme(t)
	_, section, _ := strings.Cut(text, "### Try it without Telegram")
	block := fenced(section, "")[0]
	// A line is a prompt, what is typed, then (after two spaces or more)
	// what the README says of it.
	typed := regexp.MustCompile(`^(crm|C\d+)> (.*?)(\s{2,}.*)?$`)
	var input []string
	for _, l := range strings.Split(block, "\n") {
		if m := typed.FindStringSubmatch(l); m != nil {
			input = append(input, m[2])
		}
	}
	if len(input) < 8 {
		t.Fatalf("%d lines typed in the README's example", len(input))
	}
	tip := regexp.MustCompile("`(throttle: \\{quiet_hours: \\{enabled: false\\}, weekends: false\\})`").FindStringSubmatch(section)
	if tip == nil {
		t.Fatal("the README no longer gives the configuration to try it at any hour")
	}
	cfg := filepath.Join(t.TempDir(), "crmbot.yaml")
	if err := os.WriteFile(cfg, []byte(tip[1]+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dsn := storetest.DSN(t, "sqlite")
	if r := crmbot(t, dsn, "demo"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	r := runCrmbot(t, dsn, strings.NewReader(strings.Join(input, "\n")+"\n"), []string{"CRMBOT_CONFIG=" + cfg}, "console")
	if r.code != 0 || strings.Contains(r.stdout, "cannot be sent now") || !strings.Contains(r.stdout, "C12   Very good service") {
		t.Fatalf("the README's example: %+v", r)
	}
}
