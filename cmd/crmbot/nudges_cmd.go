package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// nudgesCmd makes at once what crmbot run makes on its own: the hot-lead
// alerts of the score changes not examined yet, and, with --checkin, this
// week's check-ins not made yet. The messages are owed in the outbox, and
// crmbot run delivers them to Slack.
func (m *Main) nudgesCmd() *cobra.Command {
	var checkin bool
	c := m.profiledCmd("nudges", "Record the hot-lead alerts due now and, with --checkin, this week's check-ins (crmbot run delivers them)",
		func(ctx context.Context) error {
			n, err := m.nudges.AlertRound(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Recorded %d hot-lead alerts.\n", n)
			if !checkin {
				return nil
			}
			owners, err := m.nudges.CheckinRound(ctx, m.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Made %d check-ins.\n", len(owners))
			return nil
		})
	c.Flags().BoolVar(&checkin, "checkin", false, "also make this week's check-in of every owner who has none yet")
	return c
}
