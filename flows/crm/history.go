package crm

import (
	"context"

	"github.com/crmbot/crmbot/domain"
)

// historyWeeks is how many weekly snapshots a score report shows.
const historyWeeks = 12

// historyStore is the part of a store that keeps weekly score snapshots.
// It is optional: a Store without it has no history to show.
type historyStore interface {
	ScoreHistory(ctx context.Context, id int64, limit int) ([]domain.ScoreSnapshot, error)
}

// ScoreHistory returns the weekly snapshots of contact id, the latest week
// first, at most limit of them; none when the store keeps no snapshots.
func (s *Service) ScoreHistory(ctx context.Context, id int64, limit int) ([]domain.ScoreSnapshot, error) {
	h, ok := s.Store.(historyStore)
	if !ok {
		return nil, nil
	}
	return h.ScoreHistory(ctx, id, limit)
}
