package command_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/dupes"
	"github.com/crmbot/crmbot/locale"
)

// TestDupesAndMerge: a contact added twice (force) is listed by dupes with
// a Merge button; merge needs manager; the button's command merges, the
// card then holds both contacts' interactions; the same in French.
func TestDupesAndMerge(t *testing.T) {
	e := newEnv(t)
	e.exec.Dupes = &dupes.Service{Store: e.db}
	e.exec.Merger = &dupes.Merger{Store: e.db, CRM: e.crm, Now: e.clock.Now}
	e.ok(t, `add "Jeanne Martin" company="Fromagerie Martin" city=Lyon`)
	e.ok(t, `add "Jeanne Martin" company="Fromagerie Martin" city=Paris force`)
	e.ok(t, `add "Paul Durand" company="Fromagerie Martin"`)
	e.ok(t, "log C1 call")
	e.ok(t, "log C2 meeting")
	r := e.ok(t, "dupes")
	if r.Title != "1 likely duplicate pair" || len(r.Actions) != 1 || r.Actions[0].Command != "merge C2 into C1" {
		t.Fatalf("dupes: %s\nactions %+v", r.Text(), r.Actions)
	}
	if !strings.Contains(r.Text(), "same name and company") || !strings.Contains(r.Text(), "90%") {
		t.Errorf("dupes does not say why and how sure:\n%s", r.Text())
	}
	e.fail(t, "dupes 0", domain.Invalid)
	if r := e.fail(t, r.Actions[0].Command, domain.Forbidden); !strings.Contains(r.Error.Message, "manager") {
		t.Errorf("merge as sales: %s", r.Error.Message)
	}
	e.actor.Roles = []command.Role{command.Manager}
	e.fail(t, "merge C2 C1", domain.Invalid)
	r = e.ok(t, "merge C2 into C1")
	if !strings.Contains(r.Text(), "city") || !strings.Contains(r.Text(), "Paris") {
		t.Errorf("merge does not list the conflicting city:\n%s", r.Text())
	}
	if card := e.ok(t, "show C1").Data.(*command.Card); len(card.Interactions) != 2 || card.Contact.City != "Lyon" {
		t.Errorf("the kept card has %d interactions and city %q, want both contacts' 2 and Lyon", len(card.Interactions), card.Contact.City)
	}
	e.fail(t, "show C2", domain.NotFound)
	if r := e.ok(t, "dupes"); r.Title != "No likely duplicates among the contacts." {
		t.Errorf("after the merge: %s", r.Text())
	}
	// In French.
	e.ok(t, `add "Paul Durant" company="Fromagerie Martin"`)
	fr := locale.With(t.Context(), locale.For(locale.French))
	if r := e.exec.Run(fr, e.actor, "doublons"); !r.OK || !strings.HasPrefix(r.Title, "1 paire de doublons probables") || r.Actions[0].Label != "Fusionner C4 dans C3" {
		t.Errorf("doublons: %s %+v", r.Text(), r.Actions)
	}
	if r := e.exec.Run(fr, e.actor, "fusionner C4 dans C3"); !r.OK || !strings.HasPrefix(r.Title, "C4 fusionné dans C3") {
		t.Errorf("fusionner: %s", r.Text())
	}
}
