// Package segments holds the customer segmentations of docs/segments.md:
// the RFM report, the ABC classes and the Pareto figure with the traits of the top
// customers, over the order aggregates the store keeps; and the saved
// segments, named filters over contact fields, with their members.
package segments

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// Store is what the segmentations need of the database: crm's walk over
// the contacts with their facts (which reads contacts by id too), the RFM
// inputs and the saved segments.
type Store interface {
	crm.FactsStore
	RFMInputs(ctx context.Context, asOf time.Time, windowDays int) ([]domain.RFMInput, error)
	SaveSegment(ctx context.Context, s *domain.SavedSegment) error
	SavedSegments(ctx context.Context) ([]domain.SavedSegment, error)
	SavedSegmentNamed(ctx context.Context, name string) (*domain.SavedSegment, error)
	DeleteSegment(ctx context.Context, name string) error
	PersonasOf(ctx context.Context, ids []int64) (map[int64]int, error)
}

// batch is how many contacts are read at a time.
const batch = 5000

// Service computes segmentations and manages saved segments.
type Service struct {
	Store      Store
	Now        func() time.Time
	Loc        *time.Location // the team's time zone: what "today" is
	WindowDays int            // rfm.window_days: 0 for all history
	ABC        domain.ABCThresholds
	Pareto     domain.ParetoOptions
}

// today is the as-of day of the current segmentation.
func (s *Service) today() time.Time { return s.Now().In(s.Loc) }

// eachEnv calls fn with the ScoreEnv of every contact, with their facts as
// of now: crm's walk over the contacts, chunk by chunk. With personas, the
// env has the contact's persona too, read a chunk at a time.
func (s *Service) eachEnv(ctx context.Context, personas bool, fn func(id int64, env *domain.ScoreEnv)) error {
	now := s.Now()
	if !personas {
		return crm.EachWithFacts(ctx, s.Store, now, nil, func(c *domain.Contact, f *domain.Facts) {
			fn(c.ID, domain.NewScoreEnv(c, f, now))
		}, nil)
	}
	var ids []int64
	var envs []*domain.ScoreEnv
	return crm.EachWithFacts(ctx, s.Store, now, nil, func(c *domain.Contact, f *domain.Facts) {
		ids, envs = append(ids, c.ID), append(envs, domain.NewScoreEnv(c, f, now))
	}, func() error {
		of, err := s.Store.PersonasOf(ctx, ids)
		if err != nil {
			return err
		}
		for i, env := range envs {
			env.Persona = of[ids[i]]
			fn(ids[i], env)
		}
		ids, envs = ids[:0], envs[:0]
		return nil
	})
}

// usesPersona reports whether a filter reads the persona, which costs a
// read of the personas' members beside the contacts.
func usesPersona(filters ...string) bool {
	for _, f := range filters {
		if strings.Contains(f, "persona") {
			return true
		}
	}
	return false
}

// Members returns the ids of the contacts in segment name, in id order: an
// RFM segment (by its English or French name, as of today) or a saved
// segment. It also returns the segment's display name.
func (s *Service) Members(ctx context.Context, name string) ([]int64, string, error) {
	if seg, err := domain.ParseRFMSegment(name); err == nil {
		scores, err := s.Scores(ctx, s.today())
		if err != nil {
			return nil, "", err
		}
		ids := []int64{}
		for _, sc := range scores {
			if sc.Segment == seg {
				ids = append(ids, sc.ContactID)
			}
		}
		slices.Sort(ids)
		return ids, string(seg), nil
	}
	saved, err := s.Store.SavedSegmentNamed(ctx, strings.ToLower(name))
	if domain.IsCode(err, domain.NotFound) {
		return nil, "", domain.Errorf(domain.NotFound, "there is no segment %q: use an RFM segment (champions, loyal, at-risk, …) or a saved segment (segment list shows them)", name)
	}
	if err != nil {
		return nil, "", err
	}
	f, err := saved.Compile()
	if err != nil {
		return nil, "", err
	}
	ids := []int64{}
	err = s.eachEnv(ctx, usesPersona(saved.Filter), func(id int64, env *domain.ScoreEnv) {
		if f.Match(env) {
			ids = append(ids, id)
		}
	})
	return ids, saved.Name, err
}
