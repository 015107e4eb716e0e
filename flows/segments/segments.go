// Package segments holds the customer segmentations of PRODUCT.md: the RFM
// report, the ABC classes and the Pareto figure with the traits of the top
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

// Store is what the segmentations need of the database.
type Store interface {
	RFMInputs(ctx context.Context, asOf time.Time, windowDays int) ([]domain.RFMInput, error)
	ContactsByIDs(ctx context.Context, ids []int64) ([]*domain.Contact, error)
	EachContact(ctx context.Context, batch int, fn func([]*domain.Contact) error) error
	AllFacts(ctx context.Context, now time.Time, ids ...int64) (map[int64]*domain.Facts, error)
	SaveSegment(ctx context.Context, s *domain.SavedSegment) error
	SavedSegments(ctx context.Context) ([]domain.SavedSegment, error)
	SavedSegmentNamed(ctx context.Context, name string) (*domain.SavedSegment, error)
	DeleteSegment(ctx context.Context, name string) error
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

// Pareto is the Pareto figure and what the top customers have in common.
type Pareto struct {
	// Share is the share of customers (0–1) that makes the first
	// ABC-threshold share of revenue (80 % by default).
	Share     float64 `json:"share"`
	Customers int     `json:"customers"` // customers in that group
	// RevenuePercent is the share of revenue, in %, that they make: the
	// ABC A threshold.
	RevenuePercent float64            `json:"revenue_percent"`
	TopPercent     float64            `json:"top_percent"` // the share of best customers the traits describe, in %
	Traits         []domain.TraitLift `json:"traits"`
}

// Report is the current segmentation of the customers.
type Report struct {
	AsOf       string            `json:"as_of"`
	WindowDays int               `json:"window_days"`
	RFM        domain.RFMReport  `json:"rfm"`
	ABC        domain.ABCResult  `json:"abc"`
	Pareto     Pareto            `json:"pareto"`
	Scores     []domain.RFMScore `json:"-"`
}

// Scores scores every customer as of asOf.
func (s *Service) Scores(ctx context.Context, asOf time.Time) ([]domain.RFMScore, error) {
	in, err := s.Store.RFMInputs(ctx, asOf, s.WindowDays)
	if err != nil {
		return nil, err
	}
	return domain.RFM(in, asOf, s.WindowDays)
}

// Report computes the RFM report, the ABC classes and the Pareto figure
// as of today; with traits, also the traits of the top customers, which
// reads their contacts.
func (s *Service) Report(ctx context.Context, traits bool) (*Report, error) {
	asOf := s.today()
	scores, err := s.Scores(ctx, asOf)
	if err != nil {
		return nil, err
	}
	abc, err := domain.ABC(scores, s.ABC)
	if err != nil {
		return nil, err
	}
	rep := &Report{AsOf: asOf.Format(time.DateOnly), WindowDays: s.WindowDays, RFM: domain.NewRFMReport(scores), ABC: abc, Scores: scores,
		Pareto: Pareto{Share: abc.Pareto, Customers: abc.A.Customers, RevenuePercent: s.ABC.A, TopPercent: s.Pareto.TopPercent, Traits: []domain.TraitLift{}}}
	if !traits || len(scores) == 0 {
		return rep, nil
	}
	ranked := abc.ContactIDs()
	ct := domain.CustomerTraits{}
	for start := 0; start < len(ranked); start += batch {
		list, err := s.Store.ContactsByIDs(ctx, ranked[start:min(len(ranked), start+batch)])
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			ct[c.ID] = domain.ContactTraits(c)
		}
	}
	if rep.Pareto.Traits, err = domain.ParetoTraits(ranked, ct, s.Pareto); err != nil {
		return nil, err
	}
	return rep, nil
}

// Saved is a saved segment and its number of members.
type Saved struct {
	domain.SavedSegment
	Members int `json:"members"`
	// Failures, from Save, is the filter failing at run time on contacts
	// (which then are not members): on how many, and the first error.
	Failures []domain.RuleFailure `json:"failures,omitempty"`
	Contacts int                  `json:"contacts,omitempty"` // from Save: the contacts the filter was tried on
}

// Save checks and stores a saved segment under name (folded to lower
// case), with filter an expression of the scoring language. It counts the
// members, and the contacts on which the filter fails at run time, so that
// a filter that matches nobody because it fails is told, not kept silently.
func (s *Service) Save(ctx context.Context, actor, name, filter string) (*Saved, error) {
	seg := domain.SavedSegment{Name: strings.ToLower(name), Filter: strings.TrimSpace(filter), Author: actor}
	if err := seg.Validate(); err != nil {
		return nil, err
	}
	f, err := seg.Compile()
	if err != nil {
		return nil, err
	}
	out := &Saved{}
	var failures domain.RuleFailures
	err = s.eachEnv(ctx, func(id int64, env *domain.ScoreEnv) {
		out.Contacts++
		ok, err := f.MatchErr(env)
		if err != nil {
			failures.Add(seg.Name, id, err)
		}
		if ok {
			out.Members++
		}
	})
	if err != nil {
		return nil, err
	}
	if err := s.Store.SaveSegment(ctx, &seg); err != nil {
		return nil, err
	}
	out.SavedSegment, out.Failures = seg, failures.List()
	return out, nil
}

// Delete removes the saved segment name.
func (s *Service) Delete(ctx context.Context, name string) error {
	return s.Store.DeleteSegment(ctx, strings.ToLower(name))
}

// List returns the saved segments with their member counts, by name. It
// reads every contact once, whatever the number of segments.
func (s *Service) List(ctx context.Context) ([]Saved, error) {
	segs, err := s.Store.SavedSegments(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Saved, len(segs))
	filters := make([]*domain.SegmentFilter, len(segs))
	for i, seg := range segs {
		out[i].SavedSegment = seg
		// A filter that no longer compiles (a renamed field) has no members.
		filters[i], _ = seg.Compile()
	}
	if len(segs) == 0 {
		return out, nil
	}
	err = s.eachEnv(ctx, func(_ int64, env *domain.ScoreEnv) {
		for i, f := range filters {
			if f != nil && f.Match(env) {
				out[i].Members++
			}
		}
	})
	return out, err
}

// eachEnv calls fn with the ScoreEnv of every contact, with their facts as
// of now: crm's walk over the contacts, chunk by chunk.
func (s *Service) eachEnv(ctx context.Context, fn func(id int64, env *domain.ScoreEnv)) error {
	now := s.Now()
	return crm.EachWithFacts(ctx, s.Store, now, nil, func(c *domain.Contact, f *domain.Facts) {
		fn(c.ID, domain.NewScoreEnv(c, f, now))
	}, nil)
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
	err = s.eachEnv(ctx, func(id int64, env *domain.ScoreEnv) {
		if f.Match(env) {
			ids = append(ids, id)
		}
	})
	return ids, saved.Name, err
}
