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
	"syscall"

	"github.com/spf13/cobra"
)

// exitError carries a process exit status without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
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
