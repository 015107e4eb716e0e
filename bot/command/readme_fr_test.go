package command_test

import (
	"os"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
)

// TestReadmeFrenchReference: the README's French command reference has a
// row for every command, starting with the French word its usage starts
// with, and so does the English one.
func TestReadmeFrenchReference(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "### Référence des commandes, en français")
	if start < 0 {
		t.Fatal("the README has no French command reference")
	}
	fr := readme[start:]
	fr = fr[:strings.Index(fr[4:], "\n## ")+4]
	en := readme[strings.Index(readme, "## Command reference"):start]
	p := locale.For(locale.French)
	for name, texts := range command.SpecTexts() {
		usage := texts[0]
		if w := strings.Fields(p.T(usage))[0]; !strings.Contains(fr, "| `"+w) {
			t.Errorf("the French reference has no row for %s (%s)", name, p.T(usage))
		}
		if w := strings.Fields(usage)[0]; !strings.Contains(en, "| `"+w) {
			t.Errorf("the English reference has no row for %s (%s)", name, usage)
		}
	}
}

// TestBuiltinRulesHaveFrench: every built-in scoring rule's name has its
// French (a card and score write it in the reader's language).
func TestBuiltinRulesHaveFrench(t *testing.T) {
	for _, r := range domain.DefaultRules {
		if !locale.Has(locale.French, r.Name) {
			t.Errorf("the built-in rule %q has no French in locale/catalog/rules.fr.yaml", r.Name)
		}
	}
}
