package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// DueTriggers returns the occasions of q's trigger due in w (each cause's
// time plus the trigger's delay) that no process claimed yet, in the order
// of their ids, at most w.Limit, after the id w.After: the sales or the
// moves to a stage of that window, or the last answers to q that long ago
// with no later send of it. With w.Since set, only the occasions that came
// due since then or were written since (an id above w.SinceID: a sale
// logged with a past date) are read: a round reads what is new, not the
// whole window again.
func (db *DB) DueTriggers(ctx context.Context, q domain.Questionnaire, w domain.TriggerWindow) ([]domain.TriggerCause, error) {
	t := q.Trigger
	if t == nil {
		return nil, nil
	}
	var table, at, extra, amount string
	var args []any
	days := t.Days
	switch {
	case t.EveryDays > 0:
		days, table, at, amount = t.EveryDays, "surveys", "answered_at", "0"
		extra = ` AND x.questionnaire = ? AND NOT EXISTS (SELECT 1 FROM surveys l WHERE l.contact_id = x.contact_id
			AND l.questionnaire = x.questionnaire AND l.requested_at > x.answered_at)`
		args = []any{q.ID}
	case t.After == domain.AfterSale:
		table, at, amount = "orders", "date", "x.amount"
	case t.After == domain.AfterMove:
		table, at, amount, extra = "moves", "at", "0", " AND x.to_stage = ?"
		args = []any{string(t.To)}
	default:
		return nil, fmt.Errorf("trigger of %s: %v", q.ID, t.Check())
	}
	delay := time.Duration(days) * 24 * time.Hour
	lo, hi := w.From.Add(-delay).UTC(), w.Until.Add(-delay).UTC()
	recent := ""
	if !w.Since.IsZero() {
		recent = fmt.Sprintf(" AND (x.%s >= ? OR x.id > ?)", at)
		args = append(args, w.Since.Add(-delay).UTC(), w.SinceID)
	}
	// SQLite walks the ids rather than the time's index (unary +): the
	// index would give the window's rows in time order, to be sorted by id
	// again for each page; by id, each page goes on where the last one
	// stopped. PostgreSQL, which would walk the ids through the whole
	// table to fill a page, is made to filter first (OFFSET 0 keeps the
	// subquery as it is) and sorts what the window holds.
	plus, open, fence := "+", "", ""
	if db.postgres {
		plus, open, fence = "", "SELECT * FROM (", " OFFSET 0) f"
	}
	query := fmt.Sprintf(`%[7]sSELECT x.id, x.contact_id, x.%[1]s, %[2]s AS amount FROM %[3]s x
		WHERE %[6]sx.%[1]s >= ? AND %[6]sx.%[1]s <= ? AND x.id > ?%[4]s%[5]s
		AND NOT EXISTS (SELECT 1 FROM triggered g WHERE g.questionnaire = ? AND g.kind = ? AND g.ref_id = x.id)%[8]s
		ORDER BY id LIMIT ?`, at, amount, table, extra, recent, plus, open, fence)
	args = append([]any{lo, hi, w.After}, args...)
	args = append(args, q.ID, triggerKind(t), w.Limit)
	var out []domain.TriggerCause
	err := db.eachRaw(ctx, query, args, func(scan func(...any) error) error {
		var c domain.TriggerCause
		var ref int64
		var at dbTime
		if err := scan(&ref, &c.ContactID, &at, &c.Amount); err != nil {
			return err
		}
		c.Questionnaire, c.At, c.Ref = q.ID, time.Time(at).UTC(), ref
		c.Key, c.Due = triggerKind(t)+":"+strconv.FormatInt(ref, 10), c.At.Add(delay)
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due triggers of %s: %w", q.ID, err)
	}
	return out, nil
}

// TriggerHighWater returns the highest id of the table q's trigger reads
// (orders, moves or surveys): what a round has seen written.
func (db *DB) TriggerHighWater(ctx context.Context, q domain.Questionnaire) (int64, error) {
	table := map[string]string{domain.AfterSale: "orders", domain.AfterMove: "moves", "answer": "surveys"}[triggerKind(q.Trigger)]
	var id *int64
	if err := db.conn(ctx).Raw("SELECT MAX(id) FROM " + table).Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("highest id of %s: %w", table, err)
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
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
// queues its send, is the only one to queue it. 500 causes a statement.
func (db *DB) ClaimTriggers(ctx context.Context, causes []domain.TriggerCause, at time.Time) ([]domain.TriggerCause, error) {
	byKey := make(map[string]domain.TriggerCause, len(causes))
	var out []domain.TriggerCause
	for start := 0; start < len(causes); start += 500 {
		part := causes[start:min(len(causes), start+500)]
		args := make([]any, 0, 5*len(part))
		for _, c := range part {
			kind, ref, ok := cutKey(c.Key)
			if !ok {
				return nil, fmt.Errorf("claim a trigger: bad key %q", c.Key)
			}
			byKey[c.Questionnaire+" "+c.Key] = c
			args = append(args, c.Questionnaire, kind, ref, c.ContactID, at.UTC())
		}
		q := "INSERT INTO triggered (questionnaire, kind, ref_id, contact_id, at) VALUES (?, ?, ?, ?, ?)" +
			strings.Repeat(", (?, ?, ?, ?, ?)", len(part)-1) + " ON CONFLICT DO NOTHING RETURNING questionnaire, kind, ref_id"
		err := db.eachRaw(ctx, q, args, func(scan func(...any) error) error {
			var qn, kind string
			var ref int64
			if err := scan(&qn, &kind, &ref); err != nil {
				return err
			}
			out = append(out, byKey[qn+" "+kind+":"+strconv.FormatInt(ref, 10)])
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("claim triggers: %w", err)
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
