package access_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/access"
	"github.com/crmbot/crmbot/locale"
)

// TestNeeds checks the rule's table: help is anyone's, the subcommands that
// change what the whole team sees are a manager's, everything else sales'.
func TestNeeds(t *testing.T) {
	for _, tt := range []struct {
		command string
		args    []string
		want    access.Role
	}{
		{"help", nil, access.Anyone},
		{"help", []string{"move"}, access.Anyone},
		{"digest", nil, access.Sales},
		{"digest", []string{"preview"}, access.Sales},
		{"digest", []string{"POST"}, access.Manager},
		{"segment", []string{"save", "vip"}, access.Manager},
		{"segment", []string{"Delete"}, access.Manager},
		{"segment", []string{"list"}, access.Sales},
		{"show", []string{"C1"}, access.Sales},
		// French subcommands need what their English ones need.
		{"digest", []string{"publier"}, access.Manager},
		{"segment", []string{"enregistrer", "vip"}, access.Manager},
		{"segment", []string{"Supprimer"}, access.Manager},
		{"merge", []string{"C2", "into", "C1"}, access.Manager},
	} {
		if got := access.Needs(tt.command, tt.args); got != tt.want {
			t.Errorf("Needs(%s %q) = %q, want %q", tt.command, tt.args, got, tt.want)
		}
	}
}

// TestMay checks the refusals: they name what needs which role, and tell a
// member with no role how to get one.
func TestMay(t *testing.T) {
	sales := access.Actor{ID: "sam", Roles: []access.Role{access.Sales}}
	nobody := access.Actor{ID: "U0NOBODY"}
	admin := access.Actor{ID: "ada", Roles: []access.Role{access.Admin}}
	if err := admin.May("digest", []string{"post"}); err != nil {
		t.Errorf("admin: %v", err)
	}
	if err := nobody.May("help", nil); err != nil {
		t.Errorf("help: %v", err)
	}
	err := sales.May("digest", []string{"Post"})
	if !domain.IsCode(err, domain.Forbidden) || err.Error() != "digest post needs the manager role, which you do not have." {
		t.Errorf("sales, digest post: %v", err)
	}
	err = nobody.May("move", []string{"C1", "lead"})
	if !domain.IsCode(err, domain.Forbidden) || !strings.HasPrefix(err.Error(), "move needs the sales role") || !strings.Contains(err.Error(), "(U0NOBODY)") {
		t.Errorf("nobody, move: %v", err)
	}
	if sales.MaySend(1) != nil || sales.MaySend(0) != nil || admin.MaySend(2) != nil {
		t.Error("a send to one contact, or by a manager, was refused")
	}
	if err := sales.MaySend(2); !domain.IsCode(err, domain.Forbidden) {
		t.Errorf("sales, send to two: %v", err)
	}
}

// TestRolesOf checks who holds what: every role when none is configured,
// else the roles whose list names the user, directly or through a group.
func TestRolesOf(t *testing.T) {
	ctx := t.Context()
	groups := map[string][]string{"S0MANAGERS": {"U0MARIA"}}
	names := func(_ context.Context, id, user string) (bool, error) {
		if id == "S0BROKEN" {
			return false, errors.New("slack is down")
		}
		return id == user || slices.Contains(groups[id], user), nil
	}
	for _, m := range []*access.Members{nil, {}} {
		if got, err := m.RolesOf(ctx, "anyone", names); err != nil || !slices.Equal(got, access.All) || !m.Open() {
			t.Errorf("%+v: %v %v", m, got, err)
		}
	}
	m := &access.Members{Admin: []string{"U0ADA"}, Manager: []string{"S0MANAGERS"}, Sales: []string{"U0SAM", "U0ADA"}}
	for user, want := range map[string][]access.Role{
		"U0ADA":   {access.Admin, access.Sales},
		"U0MARIA": {access.Manager},
		"U0SAM":   {access.Sales},
		"U0NONE":  nil,
	} {
		if got, err := m.RolesOf(ctx, user, names); err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %v %v, want %v", user, got, err, want)
		}
	}
	m.Sales = append(m.Sales, "S0BROKEN")
	if _, err := m.RolesOf(ctx, "U0NONE", names); err == nil {
		t.Error("a group that cannot be read gave no error")
	}
}

// TestRefusalsInFrench: a refusal reads in French through the printer of
// the member's language, naming the same command, role and user id.
func TestRefusalsInFrench(t *testing.T) {
	fr := locale.For(locale.French).OnMissing(func(id string) { t.Errorf("no French for %q", id) })
	var de *domain.Error
	if err := (access.Actor{ID: "sam", Roles: []access.Role{access.Sales}}).May("digest", []string{"post"}); !errors.As(err, &de) ||
		fr.Msg(de) != "digest post demande le rôle manager, que vous n'avez pas." {
		t.Errorf("sales, digest post, in French: %v", err)
	}
	err := access.Actor{ID: "U0NOBODY"}.May("move", []string{"C1"})
	if !errors.As(err, &de) || !strings.HasPrefix(fr.Msg(de), "move demande le rôle sales, que vous n'avez pas. Vous n'avez aucun rôle") ||
		!strings.Contains(fr.Msg(de), "(U0NOBODY)") {
		t.Errorf("nobody, move, in French: %v", err)
	}
	if err := (access.Actor{ID: "sam", Roles: []access.Role{access.Sales}}).MaySend(2); !errors.As(err, &de) ||
		!strings.HasPrefix(fr.Msg(de), "envoyer un questionnaire à plus d'un contact demande le rôle manager") {
		t.Errorf("sales, send to two, in French: %v", err)
	}
}
