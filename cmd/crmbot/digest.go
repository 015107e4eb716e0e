package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/locale"
	"github.com/spf13/cobra"
)

func (m *Main) digestCmd() *cobra.Command {
	var asJSON, post, timings bool
	var asOf, cpuProfile, lang string
	c := &cobra.Command{
		Use:   "digest [--json] [--post] [--as-of DATE] [--lang en|fr]",
		Short: "Print this week's digest, or post it now",
		Long: "Prints this week's digest (text, or JSON with --json), or posts it now to the configured Slack channels (--post),\n" +
			"at most once per channel and ISO week. --as-of computes it for another day, for reproducible reports; only this week's\n" +
			"digest records the weekly score and segment snapshots.",
		Example: "  crmbot digest\n  crmbot digest --json --as-of 2026-11-23\n  crmbot digest --post",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := m.config(); err != nil { // the team's language
				return err
			}
			p, err := m.printer(lang)
			if err != nil {
				return err
			}
			if post && asOf != "" {
				return errors.New(p.T("--post posts this week's digest: leave out --as-of"))
			}
			ctx := locale.With(cmd.Context(), p)
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			tick := func(string) {}
			if timings {
				tick = timer(m.Stderr)
			}
			if err := m.open(ctx); err != nil {
				return err
			}
			defer m.close()
			tick("open and migrate")
			if timings {
				m.digests.Options.Timing = func(part string, took time.Duration) {
					fmt.Fprintf(m.Stderr, "%-24s %8.3f s\n", part, took.Seconds())
				}
			}
			defer tick("print")
			if post {
				return m.postDigest(ctx, tick)
			}
			d, err := m.buildDigest(ctx, asOf)
			if err != nil {
				return translated{errorText(p, err), err}
			}
			tick("build")
			if asJSON {
				return printJSON(m.Stdout, d)
			}
			fmt.Fprintln(m.Stdout, digestReply(d).TextWidth(reply.TerminalWidth))
			return nil
		},
	}
	langFlag(c, &lang)
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

// digestReply is the reply of d, written in d's language.
func digestReply(d *digest.Digest) *reply.Reply {
	return command.DigestReply(d)
}

// buildDigest builds this week's digest, or with asOf ("YYYY-MM-DD" and
// the other forms of dates the language reads) that day's, written in the
// language of ctx's printer.
func (m *Main) buildDigest(ctx context.Context, asOf string) (*digest.Digest, error) {
	now := m.Now().In(m.Config.Zone)
	if asOf == "" {
		return m.digests.ThisWeek(ctx, now)
	}
	t, err := domain.ParseDate(asOf, now)
	if err != nil {
		return nil, translated{locale.From(ctx).T("--as-of: %s", errorText(locale.From(ctx), err)), err}
	}
	y, mo, d := t.Date()
	return m.digests.AsOf(ctx, time.Date(y, mo, d, 12, 0, 0, 0, m.Config.Zone))
}

// postDigest is crmbot digest --post: this week's digest, posted now (in
// the team's language); what it did is told in the language of ctx's
// printer.
func (m *Main) postDigest(ctx context.Context, tick func(string)) error {
	p := locale.From(ctx)
	d, posted, err := m.digests.Post(ctx, m.Now())
	if err != nil {
		return translated{errorText(p, err), err}
	}
	tick("build and post")
	if len(posted) == 0 {
		fmt.Fprintln(m.Stdout, p.T("The digest of %s was already posted to every configured channel.", d.Week))
	} else {
		fmt.Fprintln(m.Stdout, p.T("Posted the digest of %s to %s.", d.Week, strings.Join(posted, ", ")))
	}
	return nil
}

// translated is err with its message written in the reader's language,
// for the command line; it still wraps err.
type translated struct {
	msg string
	err error
}

func (t translated) Error() string { return t.msg }
func (t translated) Unwrap() error { return t.err }

// errorText writes err in p's language when it kept its message's format
// (a domain.Error), as it is otherwise (a wrapped one too: its wrapping
// says what failed).
func errorText(p *locale.Printer, err error) string {
	if m, ok := err.(locale.Formatted); ok {
		return p.Msg(m)
	}
	return err.Error()
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

// digestService builds the digest with the same RFM window and ABC
// thresholds as the segments command, and posts it through the process's
// Slack client when Slack and the digest's channels are configured.
func (m *Main) digestService() *digest.Service {
	svc := &digest.Service{Store: m.db, Options: digest.Options{Loc: m.Config.Zone, ABC: m.segments.ABC, WindowDays: m.segments.WindowDays, Rot: m.Config.File.Rot,
		Personas: m.personas}}
	if m.Config.canPostDigest() {
		svc.Poster = slackDigest{m}
	}
	return svc
}

// slackDigest posts the digest, drawn as the command draws it, with its
// chart, to the configured channels, each claimed in the database first.
// The channels read it in the team's language, whoever asked for the post
// (the scheduler, crmbot digest --post, a member's digest post).
type slackDigest struct{ m *Main }

func (p slackDigest) PostDigest(ctx context.Context, d *digest.Digest) ([]string, error) {
	bot, err := p.m.slack()
	if err != nil {
		return nil, err
	}
	d = d.In(p.m.Config.TeamLanguage)
	chart, err := d.Chart()
	if err != nil {
		return nil, err
	}
	post := slackbot.Digest{Week: d.Week, Reply: digestReply(d), Chart: chart}
	return bot.PostDigest(ctx, p.m.Config.Slack.DigestChannels, post, p.m.db.ClaimDigestPost)
}

// startDigestScheduler posts the weekly digest on the configured schedule
// while crmbot run runs, when Slack and digest channels are configured. The
// function it returns stops the scheduler and waits for it.
func (m *Main) startDigestScheduler(ctx context.Context) (stop func()) {
	if !m.digests.CanPost() {
		return func() {}
	}
	cfg := m.Config.File.File.Digest
	sched, err := digest.ParseSchedule(cfg.Weekday, cfg.Time, m.Config.Zone)
	if err != nil { // crmbot check refuses such a file already
		m.log.Error("the weekly digest is not scheduled", "err", err)
		return func() {}
	}
	s := &digest.Scheduler{Schedule: sched, Now: m.Now, Log: m.log,
		Post: func(ctx context.Context, now time.Time) ([]string, error) {
			_, posted, err := m.digests.Post(ctx, now)
			return posted, err
		}}
	m.log.Info("the weekly digest is scheduled", "when", sched.String(), "channels", strings.Join(cfg.Channels, ","))
	return goUntilStopped(ctx, func(ctx context.Context) { s.Run(ctx) })
}
