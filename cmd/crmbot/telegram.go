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
func (m *Main) surveyService() *survey.Service {
	cfg := m.Config
	pol := cfg.File.Policy
	pol.Zone = cfg.Zone
	return &survey.Service{
		Store: m.db, Policy: pol, Questionnaires: cfg.File.Questionnaires, Now: m.Now, Log: m.log,
		Language: cfg.Language,
		Rescore: func(ctx context.Context, id int64) error {
			_, err := crm.Rescore(ctx, m.db, cfg.File.Scoring, m.Now(), id)
			return err
		},
	}
}

// telegram returns the process's one Telegram client, made (getMe) at its
// first use, and again at the next use when that failed.
func (m *Main) telegram(ctx context.Context) (*telegrambot.Client, error) {
	m.tgMu.Lock()
	defer m.tgMu.Unlock()
	if m.tgClient == nil {
		cfg := m.Config.Telegram
		cfg.Log = m.log
		c, err := telegrambot.New(ctx, cfg)
		if err != nil {
			return nil, err
		}
		m.tgClient = c
	}
	return m.tgClient, nil
}

// botName returns the bot's username for invite links; it says how to set
// Telegram up when it is not.
func (m *Main) botName(ctx context.Context) (string, error) {
	if m.Config.Telegram.Token == "" {
		return "", fmt.Errorf("telegram is not configured: set TELEGRAM_BOT_TOKEN (the README's Telegram section walks through it)")
	}
	client, err := m.telegram(ctx)
	if err != nil {
		return "", err
	}
	return client.Username(ctx)
}

// background is what `crmbot run` does besides answering requests: the
// delivery of the outbox (customers' messages, detractor alerts) and, with
// Telegram, the dispatcher of questionnaires and the poller.
type background struct {
	webhook http.Handler        // Telegram's, nil when polling or without Telegram
	poller  *telegrambot.Poller // nil with a webhook or without Telegram
	holder  string
	wg      sync.WaitGroup
}

// startBackground starts the outbox's delivery and, when
// TELEGRAM_BOT_TOKEN is set, connects to Telegram and starts the
// dispatcher and, without a webhook secret, the poller; all stop with ctx
// (then call stop). With neither Telegram nor Slack there is nothing to
// deliver, and it returns nil.
func (m *Main) startBackground(ctx context.Context, slack bool) (*background, error) {
	telegram := m.Config.Telegram.Token != ""
	if !telegram && !slack {
		return nil, nil
	}
	b := &background{holder: processName()}
	deliv := &survey.Deliverer{Service: m.survey, Claimer: b.holder, Lease: m.Config.Takeover}
	m.survey.Wake = deliv.Wake
	if slack {
		m.startNudges(ctx, b, deliv)
	}
	if telegram {
		client, err := m.telegram(ctx)
		if err != nil {
			return nil, fmt.Errorf("telegram: %w (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL)", err)
		}
		deliv.Sender = client
		if m.metrics != nil {
			client.Sent = m.metrics.TelegramSent
		}
		b.startTelegram(ctx, m, client)
	}
	b.wg.Go(func() { deliv.Run(ctx, deliverEvery) })
	// Questionnaires that ask themselves are queued by every process: each
	// occasion is claimed once in the database.
	trig := &survey.Triggerer{Service: m.survey}
	b.wg.Go(func() { trig.Run(ctx, triggerEvery) })
	return b, nil
}

// startTelegram starts the dispatcher and the poller or the webhook.
func (b *background) startTelegram(ctx context.Context, m *Main, client *telegrambot.Client) {
	router := telegrambot.NewRouter(client, m.survey, m.log)
	if secret := m.Config.TelegramWebhookSecret; secret != "" {
		b.webhook = telegrambot.NewWebhook(router, secret, m.log)
	} else {
		leading := b.holdLease(ctx, m, pollerLease)
		// MayPoll only reads the flag: asking it every second costs
		// nothing, and a lease that lapsed is taken up soon after.
		poller := &telegrambot.Poller{Client: client, Router: router, Log: m.log, Timeout: pollTimeout, Interval: time.Second,
			MayPoll: func(context.Context) (bool, error) { return leading.Load(), nil }}
		b.poller = poller
		b.wg.Go(func() {
			if err := poller.Run(ctx); err != nil {
				m.log.Error("telegram poller stopped", "err", err)
			}
		})
	}
	d := &survey.Dispatcher{Service: m.survey, Sender: client, Claimer: b.holder, Lease: m.Config.Takeover}
	b.wg.Go(func() { d.Run(ctx, dispatchEvery) })
	name, _ := client.Username(ctx)
	m.log.Info("Telegram is enabled", "bot", name, "webhook", b.webhook != nil)
}

// pollerLease names the lease that elects the one process polling Telegram.
const pollerLease = "telegram-poller"

// holdLease takes the lease name when it is free and keeps it, renewing it
// every fifth of CRMBOT_TAKEOVER until ctx is done; the flag it returns
// says whether this process holds it now. A holder that stops renewing (a
// crash) loses it CRMBOT_TAKEOVER after its last renewal; a clean stop
// releases it (stop).
func (b *background) holdLease(ctx context.Context, m *Main, name string) *atomic.Bool {
	held := new(atomic.Bool)
	lease := m.Config.Takeover
	beat := func() {
		now := m.Now()
		ok, err := m.db.AcquireLease(ctx, name, b.holder, now, now.Add(lease))
		if err != nil && ctx.Err() == nil {
			m.log.Warn("could not renew a lease", "lease", name, "err", err)
		}
		held.Store(ok && err == nil)
	}
	beat()
	b.wg.Go(func() {
		t := time.NewTicker(lease / 5)
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
	// pollTimeout is how long one getUpdates waits: short enough that a
	// poller that lost its lease stops soon after.
	pollTimeout = 10 * time.Second
	// dispatchEvery is how often the dispatcher looks for due sends, and
	// deliverEvery how often the outbox is looked at for messages other
	// processes owed or retries (this process's own wake it at once).
	dispatchEvery = 5 * time.Second
	// triggerEvery is how often due triggers are looked for: a
	// questionnaire a week after a sale can wait a minute.
	triggerEvery = time.Minute
	deliverEvery = time.Second
)

// stop waits for the background work to stop (its ctx done), then
// releases this process's claims and leases, so that another process, or
// this one restarted, takes over at once.
func (b *background) stop(m *Main) {
	if b == nil {
		return
	}
	b.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.db.ReleaseClaims(ctx, b.holder); err != nil {
		m.log.Warn("could not release this process's claims", "err", err)
	}
}

// processName names this process in claims and leases: unique to it, even
// when a restarted container gives its successor the same host name and
// pid.
func processName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), rand.Text()[:8])
}
