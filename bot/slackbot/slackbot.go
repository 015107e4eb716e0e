// Package slackbot is crmbot's Slack transport, and the one package that
// knows the Slack SDK. The slash command /crm, mentions of the bot and
// direct messages run the command language of bot/command; replies are
// drawn in Block Kit, with buttons for their actions; `add` alone opens a
// form. Slack reaches the bot over Socket Mode (an app-level token) or over
// the HTTP endpoints of Handler (a signing secret), or both: every request,
// whichever way it came, goes through the same handler.
//
// Slack wants an answer within 3 seconds and retries otherwise, so every
// request is acknowledged at once and its command runs in the background,
// answering through the request's response_url or chat.postMessage. Each
// delivery is claimed in the database, in the command's own transaction, so
// a retried delivery never applies a command twice: it is named by the id
// Slack gave it, else by the digest of the request as it was signed or
// sent, so a proxy's retry of a request without an id applies once too.
package slackbot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/access"
	"github.com/crmbot/crmbot/locale"
	"github.com/slack-go/slack"
)

// Config is the Slack set-up, from the SLACK_* variables and the roles of
// the configuration file.
type Config struct {
	BotToken      string          // SLACK_BOT_TOKEN: the Web API (xoxb-…)
	AppToken      string          // SLACK_APP_TOKEN: Socket Mode (xapp-…), if set
	SigningSecret string          // SLACK_SIGNING_SECRET: the HTTP endpoints, if set
	APIURL        string          // SLACK_API_URL: the Web API's base URL, ending with /; "" for Slack's
	TeamID        string          // SLACK_TEAM_ID: the one workspace served; "" for any
	Roles         *access.Members // who holds which role; nil or empty: everyone holds every role
	RolesTTL      time.Duration   // how long a user group's members are kept; 0 means 5 minutes
	// TeamLanguage is the language of what goes to channels (the digest,
	// alerts) and of the members whose Slack locale crmbot does not
	// write; a member's locale (kept RolesTTL) chooses theirs.
	TeamLanguage locale.Lang
	Workers      int          // commands run at once; 0 means 8
	HTTPClient   *http.Client // for the Web API and response_url; nil means one with a 10 s timeout
	// DigestChannels are the digest's channels (digest: channels: of the
	// configuration file); a detractor alert goes there when the contact's
	// owner cannot be reached by a direct message. Nil for none.
	DigestChannels []string
}

// Store is what the bot needs of the database: transactions that the
// executor's store calls join through ctx, and delivery claims.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	ClaimEvent(ctx context.Context, id string) (bool, error)
	ForgetEvents(ctx context.Context, before time.Time) (int64, error)
}

// Bot serves crmbot's command language in Slack.
type Bot struct {
	cfg   Config
	exec  *command.Executor
	store Store
	now   func() time.Time
	log   *slog.Logger
	api   *slack.Client
	http  *http.Client
	roles *roleBook
	langs *langBook
	slots chan struct{} // one per command running
	wg    sync.WaitGroup
	// socket is Socket Mode's state, for Ready: "" before Run, then
	// connecting, connected or the last error.
	socket atomic.Pointer[string]
	// abandon cancels the commands still running drainLimit after Run's
	// context is done (jobs is their common context).
	jobs    context.Context
	abandon context.CancelFunc
	// Acked, when set, is told of each request from Slack over HTTP: its
	// kind (command, interaction, event), whether it was accepted and how
	// long its acknowledgement took (for metrics).
	Acked func(kind string, accepted bool, took time.Duration)
	// Alerted, when set, is told of each alert sent: nil, or why it could
	// not be (for metrics).
	Alerted func(err error)
}

// drainLimit bounds how long a stopping bot waits for the commands under
// way: they answer if they can within it, and are cancelled after.
const drainLimit = 10 * time.Second

// Ready reports whether Slack can reach the bot, and how: with Socket Mode,
// once its connection is up; with the HTTP endpoints alone, always (the
// caller's server serves them).
func (b *Bot) Ready() (bool, string) {
	if b.cfg.AppToken == "" {
		return true, "HTTP endpoints"
	}
	state := "not started"
	if p := b.socket.Load(); p != nil {
		state = *p
	}
	return state == "connected", "Socket Mode " + state
}

func (b *Bot) setSocket(state string) { b.socket.Store(&state) }

// jobTimeout bounds one command in the background, Slack calls included.
const jobTimeout = 2 * time.Minute

// claimsKept is how long a delivery's claim is kept: Slack retries within
// minutes, so a day is plenty.
const claimsKept = 24 * time.Hour

// New wires a bot. It needs a bot token; the caller serves Handler when a
// signing secret is set, and calls Run.
func New(cfg Config, exec *command.Executor, st Store, now func() time.Time, log *slog.Logger) (*Bot, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: SLACK_BOT_TOKEN is not set")
	}
	if cfg.RolesTTL <= 0 {
		cfg.RolesTTL = 5 * time.Minute
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	b := &Bot{cfg: cfg, exec: exec, store: st, now: now, log: log, http: cfg.HTTPClient,
		api: slack.New(cfg.BotToken, opts...), slots: make(chan struct{}, cfg.Workers)}
	b.jobs, b.abandon = context.WithCancel(context.Background())
	b.roles = newRoleBook(cfg.Roles, func(ctx context.Context, group string) ([]string, error) {
		return b.api.GetUserGroupMembersContext(ctx, group)
	}, cfg.RolesTTL, now, log)
	b.langs = &langBook{team: cfg.TeamLanguage, ttl: cfg.RolesTTL, now: now, log: log, users: map[string]cachedLang{},
		fetch: func(ctx context.Context, user string) (string, error) {
			u, err := b.api.GetUserInfoContext(ctx, user, slack.GetUserInfoOptionIncludeLocale(true))
			if err != nil {
				return "", err
			}
			return u.Locale, nil
		}}
	if cfg.Roles.Open() {
		log.Warn("no roles are configured: every member of the Slack workspace holds every role (sales, manager, admin); set roles in the configuration file to restrict them")
	}
	return b, nil
}

// Run serves Slack until ctx is done: Socket Mode when an app token is set
// (the HTTP endpoints are served by the caller's server through Handler),
// and the hourly removal of old delivery claims. It returns once the
// commands under way have answered, or drainLimit after ctx is done,
// having cancelled those still running.
func (b *Bot) Run(ctx context.Context) error {
	defer b.drain()
	go b.forgetOldClaims(ctx)
	if b.cfg.AppToken == "" {
		<-ctx.Done()
		return nil
	}
	return b.runSocketMode(ctx)
}

// forgetOldClaims removes old delivery claims now and every hour.
func (b *Bot) forgetOldClaims(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if _, err := b.store.ForgetEvents(ctx, b.now().Add(-claimsKept)); err != nil && ctx.Err() == nil {
			b.log.Warn("could not remove old Slack delivery claims", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Wait returns once every command started so far has answered.
func (b *Bot) Wait() { b.wg.Wait() }

// destination is where a command's reply goes: a response_url, else a
// channel (or a user's DM), in a thread when threadTS is set.
type destination struct {
	ResponseURL string `json:"response_url,omitempty"`
	Channel     string `json:"channel,omitempty"`
	ThreadTS    string `json:"thread_ts,omitempty"`
}

// job is a command to run in the background for a Slack user.
type job struct {
	key  string // names the delivery, claimed once (see deliveryKey)
	user string
	line string
	to   destination
	// then, when set, runs once the command answered.
	then func(ctx context.Context)
}

// spawn runs fn in the background, detached from the request that asked
// for it (which is answered at once) but bounded in time and in number,
// and cancelled when a stopping bot gives up waiting for it (drain).
func (b *Bot) spawn(ctx context.Context, fn func(ctx context.Context)) {
	ctx = context.WithoutCancel(ctx)
	b.wg.Go(func() {
		b.slots <- struct{}{}
		defer func() { <-b.slots }()
		ctx, cancel := context.WithTimeout(ctx, jobTimeout)
		defer cancel()
		defer context.AfterFunc(b.jobs, cancel)()
		fn(ctx)
	})
}

// drain waits for the commands under way, at most drainLimit, then
// cancels those still running and waits for them to give up.
func (b *Bot) drain() {
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	limit := time.NewTimer(drainLimit)
	defer limit.Stop()
	select {
	case <-done:
		return
	case <-limit.C:
	}
	b.log.Warn("commands still running when the bot stopped were cancelled", "after", drainLimit)
	b.abandon()
	<-done
}

// submit runs j in the background.
func (b *Bot) submit(ctx context.Context, j job) {
	b.spawn(ctx, func(ctx context.Context) { b.process(ctx, j) })
}

// process runs j's command as its user, once per delivery, and answers.
func (b *Bot) process(ctx context.Context, j job) {
	p := b.langs.printer(ctx, j.user)
	ctx = locale.With(ctx, p)
	roles, err := b.roles.roles(ctx, j.user)
	if err != nil {
		b.log.Error("could not check a Slack user's roles", "user", j.user, "err", err)
		b.answer(ctx, j.to, failure(p, err))
		return
	}
	r, fresh, err := b.runOnce(ctx, j.key, command.Actor{ID: j.user, Roles: roles}, j.line)
	switch {
	case err != nil:
		b.log.Error("Slack command failed", "user", j.user, "key", j.key, "err", err)
		r = failure(p, err)
	case !fresh:
		b.log.Info("Slack delivery already applied; ignored", "key", j.key)
		return
	}
	b.answer(ctx, j.to, r)
	if j.then != nil {
		j.then(ctx)
	}
}

// errFailed rolls back the transaction of a command that failed.
var errFailed = errors.New("the command failed")

// runOnce runs line for actor unless the delivery key was claimed already.
// The claim and the command's writes are one transaction: a crash keeps
// neither, and the retry runs the command. A failed command keeps nothing
// but its claim, so its retry is not answered twice.
func (b *Bot) runOnce(ctx context.Context, key string, actor command.Actor, line string) (r *reply.Reply, fresh bool, err error) {
	err = b.store.InTx(ctx, func(ctx context.Context) error {
		if fresh, err = b.store.ClaimEvent(ctx, key); err != nil || !fresh {
			return err
		}
		if r = b.exec.Run(ctx, actor, line); !r.OK {
			return errFailed
		}
		return nil
	})
	if errors.Is(err, errFailed) {
		fresh, err = b.store.ClaimEvent(ctx, key)
	}
	return r, fresh, err
}

// failure is the reply to a failure of the transport itself (the database
// or Slack unreachable): the one place where such errors become messages,
// written in the member's language.
func failure(p *locale.Printer, err error) *reply.Reply {
	code, msg := domain.Internal, p.T("crmbot could not run the command (the error is logged) and nothing was changed. Try again, and tell your admin if it persists.")
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		code, msg = domain.Unavailable, p.T("crmbot took too long to answer and nothing was changed. Try again.")
	}
	r := reply.Failure("", string(code), msg, "")
	r.Lang = p.Lang()
	return r
}

// answer sends a reply where it is due: to the response_url, as a message
// only the user sees, else as a message in the channel or thread.
func (b *Bot) answer(ctx context.Context, to destination, r *reply.Reply) {
	blocks, text := Draw(r)
	var err error
	if to.ResponseURL != "" {
		err = slack.PostWebhookCustomHTTPContext(ctx, to.ResponseURL, b.http, &slack.WebhookMessage{
			Text: text, Blocks: &slack.Blocks{BlockSet: blocks}, ResponseType: slack.ResponseTypeEphemeral})
	} else {
		opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)}
		if to.ThreadTS != "" {
			opts = append(opts, slack.MsgOptionTS(to.ThreadTS))
		}
		_, _, err = b.api.PostMessageContext(ctx, to.Channel, opts...)
	}
	if err != nil {
		b.log.Error("could not send a reply to Slack", "command", r.Command, "err", err)
	}
}
