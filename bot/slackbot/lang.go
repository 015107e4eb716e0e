package slackbot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/crmbot/crmbot/locale"
)

// langBook knows the language each member reads: their Slack locale
// (users.info with include_locale) when crmbot writes it, else the team's.
// A member's is kept for ttl; when Slack cannot be asked, the team's
// language stands in until the next try.
type langBook struct {
	team  locale.Lang
	fetch func(ctx context.Context, user string) (string, error)
	ttl   time.Duration
	now   func() time.Time
	log   *slog.Logger
	mu    sync.Mutex
	users map[string]cachedLang
}

type cachedLang struct {
	lang locale.Lang
	at   time.Time
}

// printer returns the printer of user's language.
func (lb *langBook) printer(ctx context.Context, user string) *locale.Printer {
	return locale.For(lb.lang(ctx, user))
}

func (lb *langBook) lang(ctx context.Context, user string) locale.Lang {
	lb.mu.Lock()
	c, ok := lb.users[user]
	lb.mu.Unlock()
	if ok && lb.now().Sub(c.at) < lb.ttl {
		return c.lang
	}
	c = cachedLang{lang: lb.team, at: lb.now()}
	code, err := lb.fetch(ctx, user)
	if err != nil {
		lb.log.Warn("could not read a Slack member's locale; writing to them in the team's language", "user", user, "err", err)
	} else if l, known := locale.Parse(code); known {
		c.lang = l
	}
	lb.mu.Lock()
	lb.users[user] = c
	lb.mu.Unlock()
	return c.lang
}
