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

// withCurrentWeek makes the history's row of week, the current one, show
// the current score: its snapshot was taken when the week's digest was
// first computed, and the score has moved since with every edit, log or
// sale. A history with no snapshot stays empty.
func withCurrentWeek(hist []domain.ScoreSnapshot, id int64, res domain.ScoreResult, week string) []domain.ScoreSnapshot {
	if len(hist) == 0 {
		return hist
	}
	now := domain.ScoreSnapshot{ContactID: id, Week: week, Score: res.Score, Grade: res.Grade}
	if hist[0].Week == week {
		hist[0] = now
		return hist
	}
	hist = append([]domain.ScoreSnapshot{now}, hist...)
	return hist[:min(len(hist), historyWeeks)]
}
