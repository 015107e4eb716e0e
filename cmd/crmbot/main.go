// Command crmbot is a chat-ops CRM: the sales team works it from Slack, the
// console or scripts; customers answer questionnaires on Telegram; managers
// read a weekly digest. See the README for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"
)

// exitError carries a process exit status without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// memoryLimit is the Go heap's soft limit unless GOMEMLIMIT sets another:
// near it the collector works harder rather than let the heap double, so a
// digest or a plan over a million contacts stays within 300 MB in all
// (SQLite's page caches come on top: 16 MB a connection).
const memoryLimit = 160 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := rootCmd().ExecuteContext(ctx)
	stop()
	var ee exitError
	switch {
	case errors.As(err, &ee):
		os.Exit(ee.code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "crmbot:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "crmbot",
		Short:         "A chat-ops CRM for small sales teams",
		SilenceUsage:  true,
		SilenceErrors: true, // main prints the error, once
		RunE:          func(cmd *cobra.Command, _ []string) error { return runBot(cmd.Context(), cmd) },
	}
	root.AddCommand(runCmd(), consoleCmd(), execCmd(), demoCmd(), importCmd(), exportCmd(),
		digestCmd(), migrateCmd(), checkCmd())
	return root
}
