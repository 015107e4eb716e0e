package telegrambot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// floodGate holds each chat's allowance of updates (FloodBurst, then one
// every FloodEvery), and whether the chat was told to slow down since it
// last had room.
type floodGate struct {
	now func() time.Time

	mu        sync.Mutex
	chats     map[int64]*allowance
	lastSweep time.Time
}

type allowance struct {
	lim    *rate.Limiter
	warned bool
}

func newFloodGate(now func() time.Time) *floodGate {
	return &floodGate{now: now, chats: map[int64]*allowance{}}
}

// admit takes one update of chat: allowed when within its allowance, and
// when not, warn is true the first time since it was last allowed.
func (g *floodGate) admit(chat int64) (allowed, warn bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.sweep(now)
	a := g.chats[chat]
	if a == nil {
		a = &allowance{lim: rate.NewLimiter(rate.Every(FloodEvery), FloodBurst)}
		g.chats[chat] = a
	}
	if a.lim.AllowN(now, 1) {
		a.warned = false
		return true, false
	}
	warn = !a.warned
	a.warned = true
	return false, warn
}

// sweep forgets, once a minute at most, the chats whose allowance is full
// again: forgetting them changes nothing, and memory stays bounded by the
// chats active lately.
func (g *floodGate) sweep(now time.Time) {
	full := FloodEvery * FloodBurst
	if now.Sub(g.lastSweep) < max(time.Minute, full) {
		return
	}
	g.lastSweep = now
	for id, a := range g.chats {
		if a.lim.TokensAt(now) >= FloodBurst {
			delete(g.chats, id)
		}
	}
}
