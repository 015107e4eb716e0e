package main

import (
	"fmt"

	"github.com/crmbot/crmbot/flows/survey"
	"github.com/spf13/cobra"
)

// triggersCmd queues at once what the questionnaires' triggers have due,
// as crmbot run does every minute: for a process that does not run the
// bot, or to catch up now.
func (m *Main) triggersCmd() *cobra.Command {
	var cpuProfile string
	c := &cobra.Command{
		Use:   "triggers",
		Short: "Queue the questionnaires whose triggers are due now (crmbot run does it every minute)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			stop, err := m.openProfiled(cmd.Context(), cpuProfile)
			if err != nil {
				return err
			}
			defer stop()
			n, err := (&survey.Triggerer{Service: m.survey}).Round(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Claimed %d occasions due and queued their questionnaires through the throttle.\n", n)
			return nil
		},
	}
	// For profiling, not for users.
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the round to this file")
	_ = c.Flags().MarkHidden("cpuprofile")
	return c
}
