package slackbot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/flows/access"
)

// roleBook asks access which roles a Slack user holds, and answers its
// question the rule cannot: whether a user is in a Slack user group. A
// group's members are fetched from Slack and kept for ttl.
type roleBook struct {
	lists  *access.Members
	fetch  func(ctx context.Context, group string) ([]string, error)
	ttl    time.Duration
	now    func() time.Time
	log    *slog.Logger
	mu     sync.Mutex
	groups map[string]cachedGroup
}

// cachedGroup is a user group's members as fetched at a time.
type cachedGroup struct {
	members map[string]bool
	at      time.Time
}

func newRoleBook(m *access.Members, fetch func(ctx context.Context, group string) ([]string, error), ttl time.Duration, now func() time.Time, log *slog.Logger) *roleBook {
	return &roleBook{lists: m, fetch: fetch, ttl: ttl, now: now, log: log, groups: map[string]cachedGroup{}}
}

// isGroup reports whether id names a user group (S…) rather than a user.
func isGroup(id string) bool { return strings.HasPrefix(id, "S") }

// roles returns the roles user holds: every role when none is configured,
// else those whose list names the user or a group the user is in.
func (rb *roleBook) roles(ctx context.Context, user string) ([]access.Role, error) {
	return rb.lists.RolesOf(ctx, user, rb.names)
}

// names reports whether the configured id is user or a group user is in.
func (rb *roleBook) names(ctx context.Context, id, user string) (bool, error) {
	if !isGroup(id) {
		return id == user, nil
	}
	members, err := rb.members(ctx, id)
	return members[user], err
}

// members returns a group's members, from the cache while it is fresh. When
// Slack cannot be asked, a stale list is better than none.
func (rb *roleBook) members(ctx context.Context, group string) (map[string]bool, error) {
	rb.mu.Lock()
	c, ok := rb.groups[group]
	rb.mu.Unlock()
	if ok && rb.now().Sub(c.at) < rb.ttl {
		return c.members, nil
	}
	list, err := rb.fetch(ctx, group)
	if err != nil {
		if ok {
			rb.log.Warn("Slack user group unavailable; using its members as last fetched", "group", group, "err", err)
			return c.members, nil
		}
		return nil, fmt.Errorf("members of Slack user group %s: %w", group, err)
	}
	c = cachedGroup{members: make(map[string]bool, len(list)), at: rb.now()}
	for _, u := range list {
		c.members[u] = true
	}
	rb.mu.Lock()
	rb.groups[group] = c
	rb.mu.Unlock()
	return c.members, nil
}
