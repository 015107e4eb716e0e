package store

import (
	"context"
	"fmt"

	"github.com/crmbot/crmbot/domain"
)

// FitEngagement counts the contacts in each cell of the fit × engagement
// matrix: by fit grade (A–D; a contact not scored yet counts as D) and
// engagement quartile (0–24, 25–49, 50–74, 75–100), in one GROUP BY that
// the (fit, engagement) index serves.
func (db *DB) FitEngagement(ctx context.Context) (domain.FitMatrix, error) {
	var m domain.FitMatrix
	q := `SELECT fit, CASE WHEN engagement >= 75 THEN 3 WHEN engagement >= 50 THEN 2 WHEN engagement >= 25 THEN 1 ELSE 0 END AS quartile,
		COUNT(*) FROM contacts GROUP BY fit, quartile`
	err := db.eachRaw(ctx, q, nil, func(scan func(...any) error) error {
		var fit string
		var quartile, n int
		if err := scan(&fit, &quartile, &n); err != nil {
			return err
		}
		m.Add(fit, quartile, n)
		return nil
	})
	if err != nil {
		return m, fmt.Errorf("count fit × engagement: %w", err)
	}
	return m, nil
}
