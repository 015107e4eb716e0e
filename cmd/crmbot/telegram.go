package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/survey"
)

// surveyService is the customer's side: every process has it, so that a
// `survey send` typed in the console or run with exec is queued for the
// running `crmbot run` to deliver.
func (a *app) surveyService() *survey.Service {
	pol := a.cfg.Policy
	pol.Zone = a.loc
	return &survey.Service{
		Store: a.db, Policy: pol, Questionnaires: a.cfg.Questionnaires, Now: a.now, Log: a.log,
		Language: env("CRMBOT_LANGUAGE", "en"),
		Rescore: func(ctx context.Context, id int64) error {
			_, err := crm.Rescore(ctx, a.db, a.cfg.Scoring, a.now(), id)
			return err
		},
	}
}

// telegramConfig is the Telegram set-up from the TELEGRAM_* variables.
func (a *app) telegramConfig() telegrambot.Config {
	return telegrambot.Config{
		Token:      env("TELEGRAM_BOT_TOKEN", ""),
		APIURL:     env("TELEGRAM_API_URL", ""),
		GlobalRate: a.cfg.Policy.Telegram.GlobalPerSecond,
		ChatRate:   a.cfg.Policy.Telegram.PerChatPerSecond,
		Log:        a.log,
	}
}

// botName returns the bot's username for invite links, asking Telegram
// (getMe) once; it says how to set Telegram up when it is not.
func (a *app) botName() func(ctx context.Context) (string, error) {
	var mu sync.Mutex
	var client *telegrambot.Client
	return func(ctx context.Context) (string, error) {
		cfg := a.telegramConfig()
		if cfg.Token == "" {
			return "", fmt.Errorf("telegram is not configured: set TELEGRAM_BOT_TOKEN (the README's Telegram section walks through it)")
		}
		mu.Lock()
		defer mu.Unlock()
		if client == nil {
			c, err := telegrambot.New(ctx, cfg)
			if err != nil {
				return "", err
			}
			client = c
		}
		return client.Username(ctx)
	}
}

// background is what `crmbot run` does besides answering requests: the
// delivery of the outbox (customers' messages, detractor alerts) and, with
// Telegram, the dispatcher of questionnaires and the poller.
type background struct {
	webhook http.Handler // Telegram's, nil when polling or without Telegram
	holder  string
	wg      sync.WaitGroup
}

// startBackground starts the outbox's delivery and, when
// TELEGRAM_BOT_TOKEN is set, connects to Telegram and starts the
// dispatcher and, without a webhook secret, the poller; all stop with ctx
// (then call stop). With neither Telegram nor Slack there is nothing to
// deliver, and it returns nil.
func (a *app) startBackground(ctx context.Context, slack bool) (*background, error) {
	cfg := a.telegramConfig()
	if cfg.Token == "" && !slack {
		return nil, nil
	}
	b := &background{holder: processName()}
	deliv := &survey.Deliverer{Service: a.survey, Claimer: b.holder}
	a.survey.Wake = deliv.Wake
	if cfg.Token != "" {
		client, err := telegrambot.New(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("telegram: %w (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL)", err)
		}
		deliv.Sender = client
		b.startTelegram(ctx, a, client)
	}
	b.wg.Go(func() { deliv.Run(ctx, deliverEvery) })
	return b, nil
}

// startTelegram starts the dispatcher and the poller or the webhook.
func (b *background) startTelegram(ctx context.Context, a *app, client *telegrambot.Client) {
	router := telegrambot.NewRouter(client, a.survey, a.log)
	if secret := env("TELEGRAM_WEBHOOK_SECRET", ""); secret != "" {
		b.webhook = telegrambot.NewWebhook(router, secret, a.log)
	} else {
		leading := b.holdLease(ctx, a, pollerLease)
		// MayPoll only reads the flag: asking it every second costs
		// nothing, and a lease that lapsed is taken up soon after.
		poller := &telegrambot.Poller{Client: client, Router: router, Log: a.log, Timeout: pollTimeout, Interval: time.Second,
			MayPoll: func(context.Context) (bool, error) { return leading.Load(), nil }}
		b.wg.Go(func() {
			if err := poller.Run(ctx); err != nil {
				a.log.Error("telegram poller stopped", "err", err)
			}
		})
	}
	d := &survey.Dispatcher{Service: a.survey, Sender: client, Claimer: b.holder}
	b.wg.Go(func() { d.Run(ctx, dispatchEvery) })
	name, _ := client.Username(ctx)
	a.log.Info("Telegram is enabled", "bot", name, "webhook", b.webhook != nil)
}

// pollerLease names the lease that elects the one process polling Telegram.
const pollerLease = "telegram-poller"

// holdLease takes the lease name when it is free and keeps it, renewing it
// every leaseBeat until ctx is done; the flag it returns says whether this
// process holds it now. A holder that stops renewing (a crash) loses it
// leaseFor after its last renewal; a clean stop releases it (stop).
func (b *background) holdLease(ctx context.Context, a *app, name string) *atomic.Bool {
	held := new(atomic.Bool)
	beat := func() {
		now := a.now()
		ok, err := a.db.AcquireLease(ctx, name, b.holder, now, now.Add(leaseFor))
		if err != nil && ctx.Err() == nil {
			a.log.Warn("could not renew a lease", "lease", name, "err", err)
		}
		held.Store(ok && err == nil)
	}
	beat()
	b.wg.Go(func() {
		t := time.NewTicker(leaseBeat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				beat()
			}
		}
	})
	return held
}

const (
	// leaseFor is how long a lease holds without renewal, leaseBeat how
	// often its holder renews it.
	leaseFor  = 10 * time.Second
	leaseBeat = 2 * time.Second
	// pollTimeout is how long one getUpdates waits: short enough that a
	// poller that lost its lease stops soon after.
	pollTimeout = 10 * time.Second
	// dispatchEvery is how often the dispatcher looks for due sends, and
	// deliverEvery how often the outbox is looked at for messages other
	// processes owed or retries (this process's own wake it at once).
	dispatchEvery = 5 * time.Second
	deliverEvery  = time.Second
)

// stop waits for the background work to stop (its ctx done), then
// releases this process's claims and leases, so that another process, or
// this one restarted, takes over at once.
func (b *background) stop(a *app) {
	if b == nil {
		return
	}
	b.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.db.ReleaseClaims(ctx, b.holder); err != nil {
		a.log.Warn("could not release this process's claims", "err", err)
	}
}

// processName names this process in claims and leases: unique to it, even
// when a restarted container gives its successor the same host name and
// pid.
func processName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), rand.Text()[:8])
}
