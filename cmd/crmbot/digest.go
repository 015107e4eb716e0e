package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/spf13/cobra"
)

func digestCmd() *cobra.Command {
	var asJSON, post, timings bool
	var asOf, cpuProfile string
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
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			tick := func(string) {}
			if timings {
				tick = timer(cmd.ErrOrStderr())
			}
			a, err := open(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer a.close()
			tick("open and migrate")
			svc := a.exec.Digests
			if timings {
				svc.Options.Timing = func(part string, took time.Duration) {
					fmt.Fprintf(cmd.ErrOrStderr(), "%-24s %8.3f s\n", part, took.Seconds())
				}
			}
			defer tick("print")
			if post {
				d, posted, err := svc.Post(cmd.Context(), a.now())
				if err != nil {
					return err
				}
				tick("build and post")
				if len(posted) == 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "The digest of %s was already posted to every configured channel.\n", d.Week)
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "Posted the digest of %s to %s.\n", d.Week, strings.Join(posted, ", "))
				}
				return nil
			}
			day := a.now().In(a.loc)
			var d *digest.Digest
			if asOf == "" {
				d, err = svc.ThisWeek(cmd.Context(), day)
			} else {
				t, perr := domain.ParseDate(asOf, day)
				if perr != nil {
					return fmt.Errorf("--as-of: %w", perr)
				}
				y, m, dd := t.Date()
				d, err = svc.AsOf(cmd.Context(), time.Date(y, m, dd, 12, 0, 0, 0, a.loc))
			}
			if err != nil {
				return err
			}
			tick("build")
			if asJSON {
				return printJSON(cmd, d)
			}
			fmt.Fprintln(cmd.OutOrStdout(), command.DigestReply(d).TextWidth(reply.TerminalWidth))
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the digest as JSON")
	c.Flags().BoolVar(&post, "post", false, "post it to the configured Slack channels now")
	c.Flags().StringVar(&asOf, "as-of", "", "compute it for another day (YYYY-MM-DD)")
	// For profiling, not for users.
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the command to this file")
	c.Flags().BoolVar(&timings, "timings", false, "print how long each part took, on standard error")
	_ = c.Flags().MarkHidden("cpuprofile")
	_ = c.Flags().MarkHidden("timings")
	return c
}

// startCPUProfile writes a CPU profile to path until the function it
// returns is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// timer returns a function that prints to w the time since its previous
// call (or since timer was called) under the name it is given.
func timer(w io.Writer) func(part string) {
	last := time.Now()
	return func(part string) {
		now := time.Now()
		fmt.Fprintf(w, "%-24s %8.3f s\n", part, now.Sub(last).Seconds())
		last = now
	}
}

// digests wires the digest: it reads the database and, when Slack and
// digest channels are configured, posts through Slack's Web API.
func (a *app) digests() *digest.Service {
	// The same RFM window and ABC thresholds as the segments command.
	ds := &digest.Service{Store: a.db, Options: digest.Options{Loc: a.loc, ABC: a.exec.Segments.ABC, WindowDays: a.exec.Segments.WindowDays}}
	token := env("SLACK_BOT_TOKEN", "")
	if token == "" || a.cfg.File.Digest == nil || len(a.cfg.File.Digest.Channels) == 0 {
		return ds
	}
	// Made at the first post only: New warns about open roles, which a
	// process that never posts need not say.
	newBot := sync.OnceValues(func() (*slackbot.Bot, error) {
		cfg := slackbot.Config{BotToken: token, APIURL: env("SLACK_API_URL", ""), Roles: a.cfg.File.Roles}
		return slackbot.New(cfg, a.exec, a.db, a.now, a.log)
	})
	ds.Poster = slackDigest{newBot, a.cfg.File.Digest.Channels, a.db.ClaimDigestPost}
	return ds
}

// slackDigest posts the digest, drawn as the command draws it, with its
// chart, to the configured channels, each claimed in the database first.
type slackDigest struct {
	bot      func() (*slackbot.Bot, error)
	channels []string
	claim    slackbot.ClaimFunc
}

func (p slackDigest) PostDigest(ctx context.Context, d *digest.Digest) ([]string, error) {
	bot, err := p.bot()
	if err != nil {
		return nil, err
	}
	chart, err := d.Chart()
	if err != nil {
		return nil, err
	}
	return bot.PostDigest(ctx, p.channels, slackbot.Digest{Week: d.Week, Reply: command.DigestReply(d), Chart: chart}, p.claim)
}

// startDigestScheduler posts the weekly digest on the configured schedule
// while crmbot run runs, when Slack and digest channels are configured. The
// function it returns stops the scheduler and waits for it.
func (a *app) startDigestScheduler(ctx context.Context) (stop func()) {
	if !a.exec.Digests.CanPost() {
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
			_, posted, err := a.exec.Digests.Post(ctx, now)
			return posted, err
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
