// Package telegrambot is crmbot's Telegram transport, and the one package
// that knows the Telegram SDK (go-telegram-bot-api v5). It carries the
// customer's side of the conversation: what customers type or tap goes to a
// Customers (the flows/survey engine), and the messages it answers with go
// back through Client.Send, which also delivers the dispatcher's
// invitations and reminders (it implements survey.Sender).
//
// Updates arrive by long polling (Poller, the default: one crmbot process
// polls, the one MayPoll elects) or on the webhook (Webhook, when
// TELEGRAM_WEBHOOK_SECRET is set). Both hand each update to the same Router.
//
// Every request honours a context: the SDK's calls take none, so each call
// runs on a copy of the SDK's BotAPI whose HTTP client attaches the call's
// context to the request, and shutdown aborts a long poll at once.
package telegrambot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// DefaultAPIURL is the base URL of Telegram's Bot API.
const DefaultAPIURL = "https://api.telegram.org/"

// Config is the Telegram set-up, from the TELEGRAM_* variables.
type Config struct {
	Token  string // TELEGRAM_BOT_TOKEN
	APIURL string // TELEGRAM_API_URL: requests go to <APIURL>/bot<token>/<method>; "" for Telegram's
	// HTTPClient makes the requests; nil means one without an overall
	// timeout (each request gets its own deadline, and a long poll lasts
	// up to 30 s, so a client's Timeout must be longer than that).
	HTTPClient *http.Client
	// GlobalRate and ChatRate are the most messages a second (new ones and
	// edits alike) sent overall and to one chat; 0 means 25 and 1,
	// Telegram's limits. Send keeps 2 % below them.
	GlobalRate, ChatRate float64
	// MaxAttempts bounds how often one message is tried when Telegram
	// answers 429 Too Many Requests; 0 means 5.
	MaxAttempts int
	Log         *slog.Logger // nil means slog.Default()
}

// Client speaks to the Bot API: it sends the customer's messages under the
// rate limits, and answers button taps.
type Client struct {
	api         *tgbotapi.BotAPI // never used as is: see with
	http        *http.Client
	log         *slog.Logger
	maxAttempts int

	global   *rate.Limiter // spaces messages as they leave
	window   *window       // and guarantees the global rate as Telegram counts
	chatRate rate.Limit

	// Sent, when set, is told of each request that sends a message: the
	// HTTP status of Telegram's error, or 0 when the message went (for
	// metrics).
	Sent func(status int)

	mu        sync.Mutex
	username  string
	chats     map[int64]*chatLimiter
	lastSweep time.Time
}

// requestTimeout bounds an ordinary request (not a long poll).
const requestTimeout = 30 * time.Second

// margin is the share of the configured rates that Send uses: a little
// below them, so that a server counting on its own clock, with network
// jitter in between, never sees one message too many.
const margin = 0.98

// New checks the token (getMe) and returns a client.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: TELEGRAM_BOT_TOKEN is not set")
	}
	base := cfg.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if cfg.GlobalRate <= 0 {
		cfg.GlobalRate = 25
	}
	if cfg.ChatRate <= 0 {
		cfg.ChatRate = 1
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64 // several senders at once, and the poller
		hc = &http.Client{Transport: tr}
	}
	c := &Client{
		http:        hc,
		log:         cfg.Log,
		maxAttempts: cfg.MaxAttempts,
		global:      rate.NewLimiter(rate.Limit(cfg.GlobalRate*margin), 1),
		window:      newWindow(int(cfg.GlobalRate)),
		chatRate:    rate.Limit(cfg.ChatRate * margin),
		chats:       map[int64]*chatLimiter{},
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, base+"bot%s/%s", ctxDoer{ctx, hc})
	if err != nil {
		return nil, fmt.Errorf("telegram: getMe: %w", err)
	}
	api.Client = nil // each call brings its own: see with
	c.api = api
	c.username = api.Self.UserName
	return c, nil
}

// ctxDoer is the SDK's HTTP client for one call: it attaches the call's
// context to the request.
type ctxDoer struct {
	ctx  context.Context
	http *http.Client
}

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) {
	return d.http.Do(r.WithContext(d.ctx))
}

// with returns the SDK's client for calls under ctx. The copy shares
// nothing mutable with c.api: the SDK only reads its fields.
func (c *Client) with(ctx context.Context) *tgbotapi.BotAPI {
	api := *c.api
	api.Client = ctxDoer{ctx, c.http}
	return &api
}

// Username returns the bot's username (without "@"), for invitation links
// (https://t.me/<username>?start=<token>). It is read once, by New's
// getMe, and asked again only if Telegram gave none.
func (c *Client) Username(ctx context.Context) (string, error) {
	c.mu.Lock()
	name := c.username
	c.mu.Unlock()
	if name != "" {
		return name, nil
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	me, err := c.with(ctx).GetMe()
	if err != nil {
		return "", fmt.Errorf("telegram: getMe: %w", err)
	}
	if me.UserName == "" {
		return "", errors.New("telegram: getMe: the bot has no username")
	}
	c.mu.Lock()
	c.username = me.UserName
	c.mu.Unlock()
	return me.UserName, nil
}

// request makes one API call under ctx, bounded by requestTimeout.
func (c *Client) request(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := c.with(ctx).MakeRequest(method, params)
	if err != nil {
		return resp, fmt.Errorf("telegram: %s: %w", method, err)
	}
	return resp, nil
}

// SetWebhook asks Telegram to deliver updates to url, with secret in the
// X-Telegram-Bot-Api-Secret-Token header, for the kinds of updates Router
// handles. (The SDK's WebhookConfig has no secret_token, hence the raw
// call.)
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	params := tgbotapi.Params{"url": url, "secret_token": secret}
	if err := params.AddInterface("allowed_updates", AllowedUpdates); err != nil {
		return err
	}
	_, err := c.request(ctx, "setWebhook", params)
	return err
}

// DeleteWebhook removes the webhook, if any: Telegram refuses getUpdates
// while one is set. Pending updates are kept.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	_, err := c.request(ctx, "deleteWebhook", nil)
	return err
}

// AllowedUpdates are the kinds of updates crmbot asks Telegram for.
var AllowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// answerCallback acknowledges a button tap, with text as a short notice
// (none when empty).
func (c *Client) answerCallback(ctx context.Context, id, text string) error {
	params := tgbotapi.Params{"callback_query_id": id}
	params.AddNonEmpty("text", text)
	_, err := c.request(ctx, "answerCallbackQuery", params)
	return err
}

// getUpdates long-polls for updates after offset, waiting up to timeout.
func (c *Client) getUpdates(ctx context.Context, offset int, timeout time.Duration) ([]tgbotapi.Update, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+requestTimeout)
	defer cancel()
	secs := int(timeout / time.Second)
	if secs < 1 && timeout > 0 {
		secs = 1
	}
	ups, err := c.with(ctx).GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: secs, AllowedUpdates: AllowedUpdates})
	if err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: %w", err)
	}
	return ups, nil
}
