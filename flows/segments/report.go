package segments

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file is the segmentation report: RFM (domain/rfm.go), the ABC
// classes and the Pareto figure with the traits of the top customers.

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
