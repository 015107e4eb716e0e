package command

import "github.com/crmbot/crmbot/flows/access"

// The roles and the actor are access's, which holds the rule of who may
// do what; the command language names them for its callers.
type (
	// Role is what a team member may do.
	Role = access.Role
	// Actor is who runs a command.
	Actor = access.Actor
)

// The roles, from least to most.
const (
	Sales   = access.Sales
	Manager = access.Manager
	Admin   = access.Admin
)

// AllRoles is the actor's roles when no roles are configured.
var AllRoles = access.All
