package crm

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// maxChanges is how many grade changes a simulation lists.
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

// Simulation is what new scoring rules would change (crmbot check
// --simulate).
type Simulation struct {
	File string `json:"file"` // the new rules' file: the caller names it
	// CurrentHalfLifeDays and HalfLifeDays are the decay's half-life of
	// the current rules and of the new ones (0: no decay): turning decay
	// on is simulated as any other change of rules.
	CurrentHalfLifeDays int           `json:"current_half_life_days"`
	HalfLifeDays        int           `json:"half_life_days"`
	Contacts            int           `json:"contacts"`
	Changed             int           `json:"changed"` // contacts whose grade would change
	Changes             []GradeChange `json:"changes"` // the first 50 of them, in id order
	// Failures are the new rules that fail at run time on contacts (and
	// so never fire for them), with how many and the first error.
	Failures []domain.RuleFailure `json:"failing_rules"`
}

// Simulate scores every contact at now under the current rules and under
// those of next, chunk by chunk with their facts, and counts the grades
// that would change. It writes nothing.
func Simulate(ctx context.Context, st FactsStore, current, next *domain.Engine, now time.Time) (*Simulation, error) {
	sim := &Simulation{Changes: []GradeChange{}, CurrentHalfLifeDays: current.HalfLife(), HalfLifeDays: next.HalfLife()}
	var failures domain.RuleFailures
	err := EachWithFacts(ctx, st, now, nil, func(c *domain.Contact, f *domain.Facts) {
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
