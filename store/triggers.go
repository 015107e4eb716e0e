package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// DueTriggers returns the occasions of q's trigger due from from to until
// (each cause's time plus the trigger's delay) that no process claimed
// yet, the earliest first, at most limit: the sales or the moves to a
// stage of that window, or the last answers to q that long ago with no
// later send of it.
func (db *DB) DueTriggers(ctx context.Context, q domain.Questionnaire, from, until time.Time, limit int) ([]domain.TriggerCause, error) {
	t := q.Trigger
	if t == nil {
		return nil, nil
	}
	var query string
	var args []any
	days := t.Days
	switch {
	case t.EveryDays > 0:
		days = t.EveryDays
		query = `SELECT s.id, s.contact_id, s.answered_at, 0 FROM surveys s
			WHERE s.questionnaire = ? AND s.answered_at >= ? AND s.answered_at < ?
			AND NOT EXISTS (SELECT 1 FROM surveys l WHERE l.contact_id = s.contact_id AND l.questionnaire = s.questionnaire AND l.requested_at > s.answered_at)
			AND NOT EXISTS (SELECT 1 FROM triggered g WHERE g.questionnaire = ? AND g.kind = 'answer' AND g.ref_id = s.id)
			ORDER BY s.answered_at, s.id LIMIT ?`
		args = []any{q.ID}
	case t.After == domain.AfterSale:
		query = `SELECT o.id, o.contact_id, o.date, o.amount FROM orders o
			WHERE o.date >= ? AND o.date < ?
			AND NOT EXISTS (SELECT 1 FROM triggered g WHERE g.questionnaire = ? AND g.kind = 'sale' AND g.ref_id = o.id)
			ORDER BY o.date, o.id LIMIT ?`
	case t.After == domain.AfterMove:
		query = `SELECT m.id, m.contact_id, m.at, 0 FROM moves m
			WHERE m.to_stage = ? AND m.at >= ? AND m.at < ?
			AND NOT EXISTS (SELECT 1 FROM triggered g WHERE g.questionnaire = ? AND g.kind = 'move' AND g.ref_id = m.id)
			ORDER BY m.at, m.id LIMIT ?`
		args = []any{string(t.To)}
	default:
		return nil, fmt.Errorf("trigger of %s: %v", q.ID, t.Check())
	}
	delay := time.Duration(days) * 24 * time.Hour
	args = append(args, from.Add(-delay).UTC(), until.Add(-delay).UTC(), q.ID, limit)
	var out []domain.TriggerCause
	err := db.eachRaw(ctx, query, args, func(scan func(...any) error) error {
		var c domain.TriggerCause
		var ref int64
		var at dbTime
		if err := scan(&ref, &c.ContactID, &at, &c.Amount); err != nil {
			return err
		}
		c.Questionnaire, c.At = q.ID, time.Time(at).UTC()
		c.Key, c.Due = triggerKind(t)+":"+strconv.FormatInt(ref, 10), c.At.Add(delay)
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due triggers of %s: %w", q.ID, err)
	}
	return out, nil
}

// triggerKind names the cause a trigger follows.
func triggerKind(t *domain.Trigger) string {
	if t.EveryDays > 0 {
		return "answer"
	}
	return t.After
}

// ClaimTriggers claims causes for this process and returns those that
// were still free: the one that claims a cause, in the transaction that
// queues its send, is the only one to queue it.
func (db *DB) ClaimTriggers(ctx context.Context, causes []domain.TriggerCause, at time.Time) ([]domain.TriggerCause, error) {
	var out []domain.TriggerCause
	for _, c := range causes {
		kind, ref, ok := cutKey(c.Key)
		if !ok {
			return nil, fmt.Errorf("claim a trigger: bad key %q", c.Key)
		}
		res := db.conn(ctx).Exec("INSERT INTO triggered (questionnaire, kind, ref_id, contact_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			c.Questionnaire, kind, ref, c.ContactID, at.UTC())
		if res.Error != nil {
			return nil, fmt.Errorf("claim a trigger: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			out = append(out, c)
		}
	}
	return out, nil
}

// cutKey reads a cause's key, kind:id.
func cutKey(key string) (string, int64, bool) {
	kind, id, ok := strings.Cut(key, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	return kind, n, ok && err == nil
}
