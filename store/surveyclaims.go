package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
	"gorm.io/gorm/clause"
)

// This file keeps the dispatcher's claims on the surveys due: each is sent,
// reminded or expired by one sender, and a sender that stopped midway is
// found.

// ClaimDue claims up to limit surveys whose next_at has come (queued ones
// to send, open ones to remind or expire) for claimer until until, and
// returns them. A survey claimed by another sender whose claim has not
// lapsed is skipped; on PostgreSQL, rows locked by a concurrent claim are
// skipped too (FOR UPDATE SKIP LOCKED), so each is claimed by one sender.
func (db *DB) ClaimDue(ctx context.Context, now time.Time, limit int, claimer string, until time.Time) ([]domain.Survey, error) {
	var out []domain.Survey
	err := db.InTx(ctx, func(ctx context.Context) error {
		q := db.conn(ctx).Where("next_at <= ? AND status IN ? AND (claimed_until IS NULL OR claimed_until < ?)",
			now.UTC(), []string{"queued", "open"}, now.UTC()).Order("next_at").Limit(limit)
		if db.postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []surveyRow
		if err := q.Find(&rows).Error; err != nil {
			return fmt.Errorf("find due surveys: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		var ids []int64
		ids, out = idsAnd(rows, func(r surveyRow) (int64, domain.Survey) { return r.ID, r.toDomain() })
		err := db.conn(ctx).Model(&surveyRow{}).Where("id IN ?", ids).
			Updates(map[string]any{"claimed_by": claimer, "claimed_until": until.UTC()}).Error
		if err != nil {
			return fmt.Errorf("claim surveys: %w", err)
		}
		return nil
	})
	return out, err
}

// RenewSurveyClaims extends until until the claims claimer still holds on
// the surveys ids: a dispatcher alive and working through its batch keeps
// it, however long the batch waits for its turn under the rate limits.
func (db *DB) RenewSurveyClaims(ctx context.Context, ids []int64, claimer string, until time.Time) error {
	err := db.conn(ctx).Exec("UPDATE surveys SET claimed_until = ? WHERE id IN ? AND claimed_by = ?", until.UTC(), ids, claimer).Error
	if err != nil {
		return fmt.Errorf("renew the claims on surveys: %w", err)
	}
	return nil
}

// ReleaseSurvey drops a claim without other change.
func (db *DB) ReleaseSurvey(ctx context.Context, id int64) error {
	return db.conn(ctx).Exec("UPDATE surveys SET claimed_by = '', claimed_until = NULL WHERE id = ?", id).Error
}

// LockSurvey re-reads a survey inside the transaction of ctx, locking its
// row on PostgreSQL, so that two deliveries of it cannot interleave.
func (db *DB) LockSurvey(ctx context.Context, id int64) (*domain.Survey, error) {
	q := db.conn(ctx).Where("id = ?", id)
	if db.postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row surveyRow
	if err := q.Take(&row).Error; err != nil {
		return nil, translate(err, domain.M("survey"))
	}
	s := row.toDomain()
	return &s, nil
}

// StaleSending returns the surveys left in sending whose claim lapsed
// before now: their sender stopped between claiming and recording.
func (db *DB) StaleSending(ctx context.Context, now time.Time) ([]domain.Survey, error) {
	var rows []surveyRow
	err := db.conn(ctx).Where("status = ? AND (claimed_until IS NULL OR claimed_until < ?)", "sending", now.UTC()).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("find stale sends: %w", err)
	}
	return mapRows(rows, func(r surveyRow) domain.Survey { return r.toDomain() }), nil
}
