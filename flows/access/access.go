// Package access is crmbot's rule of who may do what: the team's three
// roles, who holds them (the roles section of the configuration), and the
// role each command needs. The command language asks it before a command
// runs, and survey send once it has counted its audience; a transport only
// says who the member is, and which user groups they are in, and asks
// RolesOf.
package access

import (
	"context"

	"github.com/crmbot/crmbot/domain"
)

// Role is what a team member may do.
type Role string

// The roles, from least to most: each holds those below it.
const (
	Sales   Role = "sales"
	Manager Role = "manager"
	Admin   Role = "admin"
)

// Anyone is what a command any member may run needs, even one with no
// role (help).
const Anyone Role = ""

// All is every role: what each member holds when no role is configured.
var All = []Role{Sales, Manager, Admin}

// rank orders the roles; an unknown role ranks below sales.
func (r Role) rank() int {
	switch r {
	case Sales:
		return 1
	case Manager:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Actor is who runs a command.
type Actor struct {
	ID    string // the Slack user id, or the local user name
	Roles []Role
}

// Has reports whether the actor holds role (admin holds every role,
// manager holds sales).
func (a Actor) Has(role Role) bool {
	for _, r := range a.Roles {
		if r.rank() >= role.rank() {
			return true
		}
	}
	return false
}

// needs is what the commands that need other than sales need: by command
// name, or by command and subcommand (its first word, in lower case).
var needs = map[string]Role{
	"help":           Anyone,
	"digest post":    Manager,
	"segment save":   Manager,
	"segment delete": Manager,
	"forget":         Admin,
	"merge":          Manager,
	"persona name":   Manager,
	"persona unpin":  Manager,
}

// Needs returns the role that running command (by its name) with args
// needs: sales, unless the command or its subcommand says otherwise.
func Needs(command string, args []string) Role {
	if len(args) > 0 {
		// The subcommand read in French too: bilan publier is digest post.
		if r, ok := needs[command+" "+domain.Keyword(args[0])]; ok {
			return r
		}
	}
	if r, ok := needs[command]; ok {
		return r
	}
	return Sales
}

// Commands lists the commands and subcommands that need other than sales,
// so that a test can check that each still exists.
func Commands() []string {
	out := make([]string, 0, len(needs))
	for c := range needs {
		out = append(out, c)
	}
	return out
}

// May returns nil when a may run command with args, else a Forbidden error
// that names the role needed and what needs it.
func (a Actor) May(command string, args []string) error {
	role := Needs(command, args)
	if role == Anyone || a.Has(role) {
		return nil
	}
	what := command
	if len(args) > 0 {
		if _, sub := needs[command+" "+domain.Keyword(args[0])]; sub {
			what += " " + domain.Keyword(args[0])
		}
	}
	if len(a.Roles) == 0 {
		return domain.Errorf(domain.Forbidden, "%s needs the %s role, which you do not have. You hold no crmbot role: ask an admin to add your user id (%s) to the roles of the configuration.",
			what, string(role), a.ID)
	}
	return domain.Errorf(domain.Forbidden, "%s needs the %s role, which you do not have.", what, string(role))
}

// MaySend returns nil when a may send a questionnaire to contacts
// contacts at once, else a Forbidden error: more than one needs manager.
// The rule is about how many contacts are asked, not how they are named:
// a filter matching one contact is one contact.
func (a Actor) MaySend(contacts int) error {
	if contacts <= 1 || a.Has(Manager) {
		return nil
	}
	return domain.Errorf(domain.Forbidden, "survey send to more than one contact needs the manager role, which you do not have; a filter matching one contact, or one contact, needs only sales")
}

// Members lists who holds each role, as the roles section of the
// configuration file writes it: Slack user ids (U…, W…), Slack user group
// ids (S…), or local user names.
type Members struct {
	Admin   []string `yaml:"admin"`
	Manager []string `yaml:"manager"`
	Sales   []string `yaml:"sales"`
}

// Open reports whether no role is configured (m nil or empty): everyone
// then holds every role.
func (m *Members) Open() bool {
	return m == nil || len(m.Admin)+len(m.Manager)+len(m.Sales) == 0
}

// Names reports whether id, an entry of a role's list, names user: the
// user's own id, or a group the user is in, which only the transport
// knows.
type Names func(ctx context.Context, id, user string) (bool, error)

// RolesOf returns the roles user holds: every role when none is
// configured, else those whose list names the user.
func (m *Members) RolesOf(ctx context.Context, user string, names Names) ([]Role, error) {
	if m.Open() {
		return All, nil
	}
	var out []Role
	for _, rl := range []struct {
		role Role
		ids  []string
	}{{Admin, m.Admin}, {Manager, m.Manager}, {Sales, m.Sales}} {
		for _, id := range rl.ids {
			in, err := names(ctx, id, user)
			if err != nil {
				return nil, err
			}
			if in {
				out = append(out, rl.role)
				break
			}
		}
	}
	return out, nil
}
