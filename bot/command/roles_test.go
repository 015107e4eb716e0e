package command_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/access"
)

// TestRoles checks the roles of docs/commands.md: sales may use everything except
// survey send to more than one contact, digest post and segment save and
// delete, which need manager; a member with no role runs nothing but help.
// The role is checked before "not available yet" (but the number of
// contacts a send reaches, read with its audience), and the refusal names
// it.
func TestRoles(t *testing.T) {
	e := seeded(t)
	sales := command.Actor{ID: "sam", Roles: []command.Role{command.Sales}}
	manager := command.Actor{ID: "maria", Roles: []command.Role{command.Manager}}
	nobody := command.Actor{ID: "U0NOBODY"}
	tests := []struct {
		actor command.Actor
		line  string
		code  domain.Code // "" for success
		words []string    // the refusal says these
	}{
		{sales, "digest post", domain.Forbidden, []string{"digest post needs the manager role"}},
		{sales, "DIGEST Post", domain.Forbidden, []string{"digest post needs the manager role"}},
		{sales, "digest", domain.Unavailable, nil},
		{sales, "digest preview", domain.Unavailable, nil},
		{sales, "segment save vip tags=vip", domain.Forbidden, []string{"segment save needs the manager role"}},
		{sales, "segment delete vip", domain.Forbidden, []string{"segment delete needs the manager role"}},
		{sales, "segment list", "", nil},
		// How many contacts a send reaches is known only once its audience
		// is read: TestSendToAListAndToAFilterOfOne checks the refusal.
		{sales, "survey send satisfaction to segment:vip", domain.Unavailable, nil},
		{sales, "survey send satisfaction to stage=customer dry-run", domain.Unavailable, nil},
		{sales, "survey send satisfaction to C1", domain.Unavailable, nil},
		{sales, "survey send satisfaction to Jeanne Martin dry-run", domain.Unavailable, nil},
		{sales, "survey results satisfaction", domain.Unavailable, nil},
		{manager, "digest post", domain.Unavailable, nil},
		{manager, "segment delete vip", domain.NotFound, nil},
		{manager, "survey send satisfaction to segment:vip", domain.Unavailable, nil},
		{manager, "show C1", "", nil},
		{sales, "show C1", "", nil},
		{nobody, "show C1", domain.Forbidden, []string{"show needs the sales role", "no crmbot role", "U0NOBODY"}},
		{nobody, "move C1 prospect", domain.Forbidden, []string{"move needs the sales role"}},
		{nobody, "digest post", domain.Forbidden, []string{"digest post needs the manager role"}},
		{nobody, "help", "", nil},
		{nobody, "help move", "", nil},
	}
	before := e.snapshot(t)
	for _, tt := range tests {
		e.actor = tt.actor
		if tt.code == "" {
			e.ok(t, tt.line)
			continue
		}
		r := e.fail(t, tt.line, tt.code)
		mustContain(t, tt.line, r.Error.Message, tt.words...)
		if r.Error.Usage == "" {
			t.Errorf("%s: no usage", tt.line)
		}
	}
	e.unchanged(t, "refused commands", before)
}

// TestRoleRulesNameCommands checks that each command access gives a role
// of its own is a command of the language: a command renamed here must be
// renamed in access too, or it would fall back to sales.
func TestRoleRulesNameCommands(t *testing.T) {
	for _, c := range access.Commands() {
		name, _, _ := strings.Cut(c, " ")
		if command.CommandName(name) != name {
			t.Errorf("access has a rule for %q, but there is no command %s", c, name)
		}
	}
}

func TestCommandNameAndJoinWords(t *testing.T) {
	for word, want := range map[string]string{"add": "add", "AJOUTER": "add", "new": "add", "voir": "show", "nope": ""} {
		if got := command.CommandName(word); got != want {
			t.Errorf("CommandName(%q) = %q, want %q", word, got, want)
		}
	}
	words := []string{"add", "Jeanne Martin", `company=Fromagerie "Le Bon" Martin`, "city=Saint-Étienne", "note=l'Oréal's"}
	got, err := command.Split(command.JoinWords(words))
	if err != nil || len(got) != len(words) {
		t.Fatalf("Split(JoinWords) = %q, %v", got, err)
	}
	for i := range words {
		if got[i] != words[i] {
			t.Errorf("word %d: %q, want %q", i, got[i], words[i])
		}
	}
}
