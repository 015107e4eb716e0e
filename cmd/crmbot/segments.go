package main

import (
	"fmt"
	"io"

	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/spf13/cobra"
)

// segmentsService builds the segmentation service from the configuration.
func (m *Main) segmentsService() *segments.Service {
	f := m.Config.File.File
	svc := &segments.Service{Store: m.db, Now: m.Now, Loc: m.Config.Zone, ABC: domain.DefaultABC, Pareto: domain.DefaultPareto}
	if r := f.RFM; r != nil {
		svc.WindowDays = r.WindowDays
	}
	if t := f.ABC; t != nil {
		svc.ABC = domain.ABCThresholds{A: t.A, B: t.B}
	}
	return svc
}

// printSimulation writes the simulation for a reader.
func printSimulation(w io.Writer, s *crm.Simulation) {
	if s.HalfLifeDays != s.CurrentHalfLifeDays {
		fmt.Fprintf(w, "Decay: %s now, %s under %s.\n", halfLife(s.CurrentHalfLifeDays), halfLife(s.HalfLifeDays), s.File)
	}
	fmt.Fprintf(w, "Under the rules of %s, %d of %s would change grade.\n", s.File, s.Changed, domain.Count(s.Contacts, "contact"))
	for _, c := range s.Changes {
		fmt.Fprintf(w, "  %s %s: %s (%d) → %s (%d)\n", domain.ContactRef(c.ContactID), c.Name, c.OldGrade, c.OldScore, c.NewGrade, c.NewScore)
	}
	if s.Changed > len(s.Changes) {
		fmt.Fprintf(w, "  … and %d more (the first %d are listed).\n", s.Changed-len(s.Changes), len(s.Changes))
	}
	for _, f := range s.Failures {
		fmt.Fprintf(w, "Rule %q fails on %d of %s and never fires for them (first on %s: %s).\n",
			f.Rule, f.Contacts, domain.Count(s.Contacts, "contact"), domain.ContactRef(f.FirstContact), f.FirstError)
	}
}

// runSimulate is crmbot check --simulate NEWFILE: the current rules are
// those of the configuration crmbot runs with.
func (m *Main) runSimulate(cmd *cobra.Command, file string, args []string, asJSON bool) error {
	if file == "" || len(args) > 0 {
		fmt.Fprintln(m.Stderr, "check --simulate takes one file, the new rules, as in crmbot check --simulate new.yaml [--json]; the current rules are those of CRMBOT_CONFIG or crmbot.yaml.")
		return exitError{2}
	}
	next, err := config.Load(file)
	if err != nil {
		fmt.Fprintln(m.Stderr, err)
		return exitError{1}
	}
	if err := m.open(cmd.Context()); err != nil {
		return err
	}
	defer m.close()
	sim, err := crm.Simulate(cmd.Context(), m.db, m.Config.File.Scoring, next.Scoring, m.Now())
	if err != nil {
		return err
	}
	sim.File = next.Source
	if asJSON {
		return printJSON(m.Stdout, sim)
	}
	printSimulation(m.Stdout, sim)
	return nil
}

// halfLife describes a decay's half-life for check --simulate.
func halfLife(days int) string {
	if days == 0 {
		return "off"
	}
	return fmt.Sprintf("a half-life of %d days", days)
}
