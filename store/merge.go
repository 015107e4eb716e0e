package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// OpenSurveys returns how many questionnaires are under way for contactID:
// queued, being sent or open.
func (db *DB) OpenSurveys(ctx context.Context, contactID int64) (int, error) {
	var n int64
	err := db.conn(ctx).Raw("SELECT COUNT(*) FROM surveys WHERE contact_id = ? AND status IN (?, ?, ?)", contactID,
		domain.SurveyQueued, domain.SurveySending, domain.SurveyOpen).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("questionnaires under way for %s: %w", domain.ContactRef(contactID), err)
	}
	return int(n), nil
}

// MoveRecords gives keep every record of other — moves, interactions,
// orders, questionnaires and their answers, invitations, weekly snapshots
// for the weeks keep has none — recomputes keep's order figures, then
// deletes other and records the merge. It runs in the transaction of ctx:
// the caller merges the fields and the questionnaire state first.
func (db *DB) MoveRecords(ctx context.Context, keep, other int64, by string, at time.Time) error {
	err := db.execEach(ctx, "merge contacts", []string{
		"UPDATE moves SET contact_id = ? WHERE contact_id = ?",
		"UPDATE interactions SET contact_id = ? WHERE contact_id = ?",
		"UPDATE orders SET contact_id = ? WHERE contact_id = ?",
		"UPDATE surveys SET contact_id = ? WHERE contact_id = ?",
		"UPDATE answers SET contact_id = ? WHERE contact_id = ?",
		"UPDATE invite_tokens SET contact_id = ? WHERE contact_id = ?",
		"UPDATE consent_events SET contact_id = ? WHERE contact_id = ?",
	}, keep, other)
	if err != nil {
		return err
	}
	for _, table := range []string{"score_snapshots", "segment_snapshots"} {
		err := db.execEach(ctx, "merge contacts' "+table, []string{
			"DELETE FROM " + table + " WHERE contact_id = @other AND week IN (SELECT week FROM " + table + " WHERE contact_id = @keep)",
			"UPDATE " + table + " SET contact_id = @keep WHERE contact_id = @other",
		}, map[string]any{"keep": keep, "other": other})
		if err != nil {
			return err
		}
	}
	err = db.execEach(ctx, "merge contacts' order figures", []string{
		"DELETE FROM customer_stats WHERE contact_id IN (@keep, @other)",
		`INSERT INTO customer_stats (contact_id, first_order, last_order, orders, amount)
		SELECT contact_id, MIN(date), MAX(date), COUNT(*), SUM(amount) FROM orders WHERE contact_id = @keep GROUP BY contact_id`,
		"DELETE FROM contacts WHERE id = @other",
	}, map[string]any{"keep": keep, "other": other})
	if err != nil {
		return err
	}
	err = db.conn(ctx).Exec("INSERT INTO merges (kept_id, merged_id, merged_by, at) VALUES (?, ?, ?, ?)", keep, other, by, at.UTC()).Error
	if err != nil {
		return fmt.Errorf("record the merge of %s into %s: %w", domain.ContactRef(other), domain.ContactRef(keep), err)
	}
	return nil
}

// DeleteRespondent removes contactID's questionnaire state (a merge keeps
// one, the other's chat link moving to it).
func (db *DB) DeleteRespondent(ctx context.Context, contactID int64) error {
	if err := db.conn(ctx).Exec("DELETE FROM respondents WHERE contact_id = ?", contactID).Error; err != nil {
		return fmt.Errorf("remove the questionnaire state of %s: %w", domain.ContactRef(contactID), err)
	}
	return nil
}

// Merge is a recorded merge of duplicates.
type Merge struct {
	KeptID, MergedID int64
	MergedBy         string
	At               time.Time
}

// Merges returns the merges into keptID, oldest first.
func (db *DB) Merges(ctx context.Context, keptID int64) ([]Merge, error) {
	var out []Merge
	err := db.conn(ctx).Raw("SELECT kept_id, merged_id, merged_by, at FROM merges WHERE kept_id = ? ORDER BY id", keptID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read the merges into %s: %w", domain.ContactRef(keptID), err)
	}
	for i := range out {
		out[i].At = out[i].At.UTC()
	}
	return out, nil
}
