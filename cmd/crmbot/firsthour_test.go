package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Tests of issue 11, "the first hour with crmbot", through the binary.

// Item 3: crmbot check checks every value of quiet_hours, enabled or not,
// and names the line of each.
func TestCheckEveryQuietHoursValue(t *testing.T) {
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
