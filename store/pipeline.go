package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// MoveCounts sums the moves in [from, to) in two grouped queries, over the
// moves' time index: the week after an import of a million customers holds
// a million moves, which the pipeline report needs counted, not read.
// Pairs come in the order of their first move (its time, then the lowest
// id among the pair's moves).
func (db *DB) MoveCounts(ctx context.Context, from, to time.Time) (domain.MoveCounts, error) {
	mc := domain.MoveCounts{Left: map[domain.Stage]int{}, Forward: map[domain.Stage]int{}}
	args := []any{from.UTC(), to.UTC()}
	err := db.eachRaw(ctx, `SELECT from_stage, to_stage, COUNT(*) FROM moves WHERE at >= ? AND at < ?
		GROUP BY from_stage, to_stage ORDER BY MIN(at), MIN(id)`, args, func(scan func(...any) error) error {
		var m domain.StageMove
		if err := scan(&m.From, &m.To, &m.Count); err != nil {
			return err
		}
		mc.Pairs = append(mc.Pairs, m)
		return nil
	})
	if err != nil {
		return mc, fmt.Errorf("count moves: %w", err)
	}
	err = db.eachRaw(ctx, `SELECT from_stage, COUNT(DISTINCT contact_id), COUNT(DISTINCT CASE WHEN `+forwardCond()+` THEN contact_id END)
		FROM moves WHERE at >= ? AND at < ? GROUP BY from_stage`, args, func(scan func(...any) error) error {
		var st string
		var left, forward int
		if err := scan(&st, &left, &forward); err != nil {
			return err
		}
		mc.Left[domain.Stage(st)], mc.Forward[domain.Stage(st)] = left, forward
		return nil
	})
	if err != nil {
		return mc, fmt.Errorf("count contacts moved: %w", err)
	}
	return mc, nil
}

// forwardCond is true of a move to the stage after its own (Stage.Next).
// The stages are our constants, never user text.
func forwardCond() string {
	var or []string
	for _, st := range domain.Stages {
		if next := st.Next(); next != "" {
			or = append(or, fmt.Sprintf("(from_stage = '%s' AND to_stage = '%s')", st, next))
		}
	}
	return "(" + strings.Join(or, " OR ") + ")"
}
