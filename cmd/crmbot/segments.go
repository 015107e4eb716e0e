package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/config"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
)

// segments builds the segmentation service from the configuration.
func (a *app) segments() *segments.Service {
	svc := &segments.Service{Store: a.db, Now: a.now, Loc: a.loc, ABC: domain.DefaultABC, Pareto: domain.DefaultPareto}
	if r := a.cfg.File.RFM; r != nil {
		svc.WindowDays = r.WindowDays
	}
	if t := a.cfg.File.ABC; t != nil {
		svc.ABC = domain.ABCThresholds{A: t.A, B: t.B}
	}
	return svc
}

// maxChanges is how many grade changes crmbot check --simulate lists.
const maxChanges = 50

// GradeChange is a contact whose grade the new rules would change.
type GradeChange struct {
	ContactID int64  `json:"contact_id"`
	Name      string `json:"name"`
	OldScore  int    `json:"old_score"`
	OldGrade  string `json:"old_grade"`
	NewScore  int    `json:"new_score"`
	NewGrade  string `json:"new_grade"`
}

// Simulation is what crmbot check --simulate reports.
type Simulation struct {
	File     string        `json:"file"`
	Contacts int           `json:"contacts"`
	Changed  int           `json:"changed"` // contacts whose grade would change
	Changes  []GradeChange `json:"changes"` // the first 50 of them, in id order
	// Failures are the new rules that fail at run time on contacts (and
	// so never fire for them), with how many and the first error.
	Failures []domain.RuleFailure `json:"failing_rules"`
}

// simulate scores every contact at now under the current rules and under
// those of next, batch by batch with their facts, and counts the grades
// that would change. It writes nothing.
func simulate(ctx context.Context, db *store.DB, current, next *domain.Engine, now time.Time) (*Simulation, error) {
	sim := &Simulation{Changes: []GradeChange{}}
	var failures domain.RuleFailures
	err := crm.EachWithFacts(ctx, db, now, nil, func(c *domain.Contact, f *domain.Facts, _ map[int64]domain.ScoreResult) {
		sim.Contacts++
		old, neu := current.Score(c, f, now), next.ScoreTally(c, f, now, &failures)
		if old.Grade == neu.Grade {
			return
		}
		sim.Changed++
		if len(sim.Changes) < maxChanges {
			sim.Changes = append(sim.Changes, GradeChange{c.ID, c.Name, old.Score, old.Grade, neu.Score, neu.Grade})
		}
	}, nil)
	sim.Failures = failures.List()
	return sim, err
}

// print writes the simulation for a reader.
func (s *Simulation) print(w io.Writer) {
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
func runSimulate(cmd *cobra.Command, file string, args []string, asJSON bool) error {
	if file == "" || len(args) > 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "check --simulate takes one file, the new rules, as in crmbot check --simulate new.yaml [--json]; the current rules are those of CRMBOT_CONFIG or crmbot.yaml.")
		return exitError{2}
	}
	next, err := config.Load(file)
	if err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), err)
		return exitError{1}
	}
	a, err := open(cmd.Context(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer a.close()
	sim, err := simulate(cmd.Context(), a.db, a.cfg.Scoring, next.Scoring, a.now())
	if err != nil {
		return err
	}
	sim.File = next.Source
	if asJSON {
		return printJSON(cmd, sim)
	}
	sim.print(cmd.OutOrStdout())
	return nil
}
