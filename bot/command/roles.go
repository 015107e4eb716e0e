package command

import (
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
)

// required is the role actor needs to run s with args: none for a public
// command, else sales, or more for the subcommands that say so.
func (s *spec) required(args []string) Role {
	if s.public {
		return ""
	}
	if s.needs != nil {
		if r := s.needs(args); r != "" {
			return r
		}
	}
	return Sales
}

// refuse returns the reply that refuses s to actor, or nil when actor may
// run it. The reply names the role needed and what needs it.
func (s *spec) refuse(actor Actor, args []string) *reply.Reply {
	role := s.required(args)
	if role == "" || actor.Has(role) {
		return nil
	}
	what := s.name
	if role != Sales && len(args) > 0 {
		what += " " + strings.ToLower(args[0])
	}
	msg := what + " needs the " + string(role) + " role, which you do not have."
	if len(actor.Roles) == 0 {
		msg += " You hold no crmbot role: ask an admin to add your user id (" + actor.ID + ") to the roles of the configuration."
	}
	return reply.Failure(s.name, string(domain.Forbidden), msg, s.usage)
}

// subcommands returns a needs function: the role of the subcommand named by
// the first argument, "" for the others.
func subcommands(roles map[string]Role) func(args []string) Role {
	return func(args []string) Role {
		if len(args) == 0 {
			return ""
		}
		return roles[strings.ToLower(args[0])]
	}
}

// CommandName returns the name of the command word names (an alias or the
// name itself, in any case), or "" when it names none.
func CommandName(word string) string {
	if s := lookup(word); s != nil {
		return s.name
	}
	return ""
}

// JoinWords writes words as one command line that Split reads back as the
// same words, quoting those that need it.
func JoinWords(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quoteWord(w)
	}
	return strings.Join(out, " ")
}
