package main

import (
	"context"
	"fmt"

	"github.com/crmbot/crmbot/flows/survey"
	"github.com/spf13/cobra"
)

// triggersCmd queues at once what the questionnaires' triggers have due,
// as crmbot run does every minute: for a process that does not run the
// bot, or to catch up now.
func (m *Main) triggersCmd() *cobra.Command {
	return m.profiledCmd("triggers", "Queue the questionnaires whose triggers are due now (crmbot run does it every minute)",
		func(ctx context.Context) error {
			n, err := (&survey.Triggerer{Service: m.survey}).Round(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Claimed %d occasions due and queued their questionnaires through the throttle.\n", n)
			return nil
		})
}

// profiledCmd is a subcommand without arguments that opens the database
// and runs run once, what crmbot run does in the background, with a
// hidden --cpuprofile flag for profiling it.
func (m *Main) profiledCmd(use, short string, run func(ctx context.Context) error) *cobra.Command {
	var cpuProfile string
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			stop, err := m.openProfiled(cmd.Context(), cpuProfile)
			if err != nil {
				return err
			}
			defer stop()
			return run(cmd.Context())
		},
	}
	// For profiling, not for users.
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	_ = c.Flags().MarkHidden("cpuprofile")
	return c
}

// goUntilStopped runs run in a goroutine with a context of its own, and
// returns the function that cancels it and waits for it to return.
func goUntilStopped(ctx context.Context, run func(ctx context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
