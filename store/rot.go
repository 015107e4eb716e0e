package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// rotCond is the condition on contacts (the table contacts) of those
// rotting under p at now: at one of its stages, with no interaction, no
// entry into the stage and no creation since the stage's rot days.
func rotCond(p domain.RotPolicy, now time.Time) (string, []any) {
	var parts []string
	var args []any
	for _, st := range slices.Sorted(maps.Keys(p)) {
		cutoff, ok := p.Cutoff(st, now)
		if !ok {
			continue
		}
		cutoff = cutoff.UTC()
		parts = append(parts, `(contacts.stage = ? AND (contacts.last_contact_at IS NULL OR contacts.last_contact_at < ?) AND contacts.created_at < ?
			AND NOT EXISTS (SELECT 1 FROM moves m WHERE m.contact_id = contacts.id AND m.to_stage = ? AND m.at >= ?))`)
		args = append(args, string(st), cutoff, cutoff, string(st), cutoff)
	}
	if len(parts) == 0 {
		return "1 = 0", nil // nothing rots
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// RotCounts returns how many contacts rot under p at now, by stage, or by
// owner with byOwner.
func (db *DB) RotCounts(ctx context.Context, p domain.RotPolicy, now time.Time, byOwner bool) (map[string]int, error) {
	col := "stage"
	if byOwner {
		col = "owner"
	}
	cond, args := rotCond(p, now)
	var rows []struct {
		Key string
		N   int
	}
	err := db.conn(ctx).Raw("SELECT contacts."+col+" AS key, COUNT(*) AS n FROM contacts WHERE "+cond+" GROUP BY contacts."+col, args...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count rotting contacts: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Key] = r.N
	}
	return out, nil
}

// StageEntered returns when each contact of ids last entered its current
// stage (its last move to it), for those that moved there.
func (db *DB) StageEntered(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	err := db.eachRaw(ctx, `SELECT m.contact_id, `+db.times("MAX(m.at)")+` FROM moves m JOIN contacts c ON c.id = m.contact_id AND m.to_stage = c.stage
		WHERE m.contact_id IN ? GROUP BY m.contact_id`, []any{ids}, func(scan func(...any) error) error {
		var id int64
		var at dbTime
		if err := scan(&id, &at); err != nil {
			return err
		}
		out[id] = time.Time(at).UTC()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read when contacts entered their stage: %w", err)
	}
	return out, nil
}
