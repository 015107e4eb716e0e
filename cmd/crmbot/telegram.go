package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
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

// telegram is the running Telegram transport: the dispatcher of queued
// questionnaires and, by long polling or the webhook, the customers'
// updates.
type telegram struct {
	client  *telegrambot.Client
	webhook http.Handler // nil when polling
	wg      sync.WaitGroup
}

// startTelegram connects to Telegram when TELEGRAM_BOT_TOKEN is set (nil
// otherwise) and starts the dispatcher and, without a webhook secret, the
// poller; both stop with ctx (wait with stop).
func (a *app) startTelegram(ctx context.Context) (*telegram, error) {
	cfg := a.telegramConfig()
	if cfg.Token == "" {
		return nil, nil
	}
	client, err := telegrambot.New(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL)", err)
	}
	t := &telegram{client: client}
	router := telegrambot.NewRouter(client, a.survey, a.log)
	holder := processName()
	if secret := env("TELEGRAM_WEBHOOK_SECRET", ""); secret != "" {
		t.webhook = telegrambot.NewWebhook(router, secret, a.log)
	} else {
		poller := &telegrambot.Poller{Client: client, Router: router, Log: a.log,
			MayPoll: func(ctx context.Context) (bool, error) {
				now := a.now()
				return a.db.AcquireLease(ctx, "telegram-poller", holder, now, now.Add(pollLease))
			}}
		t.wg.Go(func() {
			if err := poller.Run(ctx); err != nil {
				a.log.Error("telegram poller stopped", "err", err)
			}
		})
	}
	d := &survey.Dispatcher{Service: a.survey, Sender: client, Claimer: holder}
	t.wg.Go(func() { d.Run(ctx, dispatchEvery) })
	name, _ := client.Username(ctx)
	a.log.Info("Telegram is enabled", "bot", name, "webhook", t.webhook != nil)
	return t, nil
}

// pollLease is how long the elected poller keeps the lease without
// renewing it: longer than a long poll (30 s) and the handling of a batch.
const pollLease = 2 * time.Minute

// dispatchEvery is how often the dispatcher looks for due sends.
const dispatchEvery = 5 * time.Second

// wait waits for the poller and the dispatcher to stop.
func (t *telegram) wait() {
	if t != nil {
		t.wg.Wait()
	}
}

// processName names this process in claims and leases.
func processName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}
