package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/spf13/cobra"
)

func digestCmd() *cobra.Command {
	var asJSON, post bool
	var asOf string
	c := &cobra.Command{
		Use:   "digest [--json] [--post] [--as-of DATE]",
		Short: "Print this week's digest, or post it now",
		Long: "Prints this week's digest (text, or JSON with --json), or posts it now to the configured Slack channels (--post),\n" +
			"at most once per channel and ISO week. --as-of computes it for another day, for reproducible reports; only this week's\n" +
			"digest records the weekly score and segment snapshots.",
		Example: "  crmbot digest\n  crmbot digest --json --as-of 2026-11-23\n  crmbot digest --post",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if post && asOf != "" {
				return errors.New("--post posts this week's digest: leave out --as-of")
			}
			a, err := open(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer a.close()
			opt := a.exec.Digests.Options
			day := a.now().In(a.loc)
			if asOf == "" {
				opt.Snapshot = true
			} else {
				t, err := domain.ParseDate(asOf, day)
				if err != nil {
					return fmt.Errorf("--as-of: %w", err)
				}
				y, m, d := t.Date()
				day = time.Date(y, m, d, 12, 0, 0, 0, a.loc)
			}
			d, err := digest.Build(cmd.Context(), a.db, day, opt)
			if err != nil {
				return err
			}
			if post {
				if a.exec.Digests.Post == nil {
					return errors.New(noDigestPost)
				}
				posted, err := a.exec.Digests.Post(cmd.Context(), d)
				if err != nil {
					return err
				}
				if len(posted) == 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "The digest of %s was already posted to every configured channel.\n", d.Week)
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "Posted the digest of %s to %s.\n", d.Week, strings.Join(posted, ", "))
				}
				return nil
			}
			if asJSON {
				return printJSON(cmd, d)
			}
			fmt.Fprintln(cmd.OutOrStdout(), command.DigestReply(d).Text())
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the digest as JSON")
	c.Flags().BoolVar(&post, "post", false, "post it to the configured Slack channels now")
	c.Flags().StringVar(&asOf, "as-of", "", "compute it for another day (YYYY-MM-DD)")
	return c
}

const noDigestPost = "posting the digest needs SLACK_BOT_TOKEN and digest channels in the configuration file (digest: channels: [...])"

// digests wires the digest command: it reads the database and, when Slack
// and digest channels are configured, posts through Slack's Web API.
func (a *app) digests() *command.Digests {
	// The same RFM window and ABC thresholds as the segments command.
	ds := &command.Digests{Store: a.db, Options: digest.Options{Loc: a.loc, ABC: a.exec.Segments.ABC, WindowDays: a.exec.Segments.WindowDays}}
	token := env("SLACK_BOT_TOKEN", "")
	if token == "" || a.cfg.File.Digest == nil || len(a.cfg.File.Digest.Channels) == 0 {
		return ds
	}
	channels := a.cfg.File.Digest.Channels
	// Made at the first post only: New warns about open roles, which a
	// process that never posts need not say.
	newBot := sync.OnceValues(func() (*slackbot.Bot, error) {
		cfg := slackbot.Config{BotToken: token, APIURL: env("SLACK_API_URL", ""), Roles: a.cfg.File.Roles}
		return slackbot.New(cfg, a.exec, a.db, a.now, a.log)
	})
	ds.Post = func(ctx context.Context, d *digest.Digest) ([]string, error) {
		bot, err := newBot()
		if err != nil {
			return nil, err
		}
		chart, err := d.Chart()
		if err != nil {
			return nil, err
		}
		return bot.PostDigest(ctx, channels, slackbot.Digest{Week: d.Week, Reply: command.DigestReply(d), Chart: chart}, a.db.ClaimDigestPost)
	}
	return ds
}

// startDigestScheduler posts the weekly digest on the configured schedule
// while crmbot run runs, when Slack and digest channels are configured. The
// function it returns stops the scheduler and waits for it.
func (a *app) startDigestScheduler(ctx context.Context) (stop func()) {
	post := a.exec.Digests.Post
	if post == nil {
		return func() {}
	}
	cfg := a.cfg.File.Digest
	sched, err := digest.ParseSchedule(cfg.Weekday, cfg.Time, a.loc)
	if err != nil { // crmbot check refuses such a file already
		a.log.Error("the weekly digest is not scheduled", "err", err)
		return func() {}
	}
	s := &digest.Scheduler{Schedule: sched, Now: a.now, Log: a.log,
		Post: func(ctx context.Context, now time.Time) ([]string, error) {
			opt := a.exec.Digests.Options
			opt.Snapshot = true
			d, err := digest.Build(ctx, a.db, now, opt)
			if err != nil {
				return nil, err
			}
			return post(ctx, d)
		}}
	a.log.Info("the weekly digest is scheduled", "when", sched.String(), "channels", strings.Join(cfg.Channels, ","))
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
