// Command crmbot is a chat-ops CRM: the sales team works it from Slack, the
// console or scripts; customers answer questionnaires on Telegram; managers
// read a weekly digest. See the README for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/metrics"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/bot/telegrambot"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
)

// memoryLimit is the Go heap's soft limit unless GOMEMLIMIT sets another:
// near it the collector works harder rather than let the heap double, so a
// digest or a plan over a million contacts stays within 300 MB in all
// (SQLite's page caches come on top: 16 MB a connection).
const memoryLimit = 160 << 20

func main() {
	// GOMEMLIMIT is the Go runtime's own variable, not crmbot's
	// configuration: the runtime read it before main.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := NewMain().Exec(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main is one run of crmbot: the configuration it is fed, its clock and
// standard streams, and what it opens from them. The process makes one
// from its environment; the end-to-end tests make theirs with a fixed
// clock and run it in process. A Main runs one command line.
type Main struct {
	// Config is read from Getenv (and the configuration file it names)
	// before the command opens anything, unless it is set already.
	Config *Config
	Getenv func(key string) string
	Now    func() time.Time
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// What open wires from Config; close closes it.
	db       *store.DB
	log      *slog.Logger
	crm      *crm.Service
	segments *segments.Service
	personas *personas.Service
	digests  *digest.Service
	survey   *survey.Service
	nudges   *nudge.Service
	exec     *command.Executor
	metrics  *metrics.Metrics // crmbot run's, nil in other commands
	// The process's one Slack client and one Telegram client, each made
	// at its first use (slack, telegram).
	slackOnce sync.Once
	slackBot  *slackbot.Bot
	slackErr  error
	tgMu      sync.Mutex
	tgClient  *telegrambot.Client
	// listening, if set, is told the HTTP server's address once crmbot run
	// listens (tests listen on port 0).
	listening func(addr string)
	// nudged, if set, is told each time crmbot run ended an alert round
	// ("alerts") or a check-in round ("checkin").
	nudged func(what string)
	// rescored, if set, is told each rescore of every contact crmbot run
	// made, with how many changed score or grade.
	rescored func(changed int)
}

// NewMain returns a Main fed by the process's environment, clock and
// standard streams.
func NewMain() *Main {
	return &Main{Getenv: os.Getenv, Now: time.Now, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// exitError carries a process exit status without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Exec runs the command line args (without the program's name), prints
// its error once on Stderr, and returns the process's exit status.
func (m *Main) Exec(ctx context.Context, args []string) int {
	err := m.Run(ctx, args)
	var ee exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case err != nil:
		fmt.Fprintln(m.Stderr, "crmbot:", err)
		return 1
	}
	return 0
}

// Run runs the command line args (without the program's name) until it is
// done or ctx is (crmbot run stops with ctx).
func (m *Main) Run(ctx context.Context, args []string) error {
	root := m.rootCmd()
	if args == nil {
		args = []string{} // not nil: cobra would read os.Args
	}
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	return root.ExecuteContext(ctx)
}

func (m *Main) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "crmbot",
		Short:         "A chat-ops CRM for small sales teams",
		SilenceUsage:  true,
		SilenceErrors: true, // Exec prints the error, once
		RunE:          func(cmd *cobra.Command, _ []string) error { return m.runBot(cmd.Context()) },
	}
	root.AddCommand(m.runCmd(), m.consoleCmd(), m.execCmd(), m.demoCmd(), m.importCmd(), m.exportCmd(),
		m.digestCmd(), m.triggersCmd(), m.nudgesCmd(), m.rescoreCmd(), m.migrateCmd(), m.backupCmd(), m.checkCmd(), m.versionCmd())
	return root
}
