package domain_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsNothingOfOurs keeps package domain pure: no other package
// of this module, no database, no network transport, no chat library.
func TestDomainImportsNothingOfOurs(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	const self = "github.com/crmbot/crmbot/domain"
	// Standard packages by path, and anything whose path names a database,
	// a driver or a chat service.
	forbiddenStd := []string{"database/sql", "net/http"}
	forbiddenWords := []string{"gorm", "sqlite", "postgres", "pgx", "jackc", "lib/pq", "mysql", "slack", "telegram"}
	found := false
	for _, d := range deps {
		if d == self {
			found = true
			continue
		}
		if strings.HasPrefix(d, "github.com/crmbot/crmbot") {
			t.Errorf("domain depends on %s, a package of this module", d)
		}
		for _, f := range forbiddenStd {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("domain depends on %s", d)
			}
		}
		for _, w := range forbiddenWords {
			if strings.Contains(strings.ToLower(d), w) {
				t.Errorf("domain depends on %s (a database, driver or chat package)", d)
			}
		}
	}
	if !found {
		t.Fatalf("go list -deps did not list domain itself, so its output is not what this test reads:\n%s", out)
	}
}
