package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file keeps the outbox: the messages crmbot owes (to customers on
// Telegram, detractor alerts to owners), written in the transaction that
// owes them and deleted once delivered.

type outboxRow struct {
	ID           int64 `gorm:"primaryKey"`
	Kind         string
	ChatID       int64
	SurveyID     int64
	Body         string
	CreatedAt    time.Time
	NextAt       time.Time
	Attempts     int
	ClaimedBy    string
	ClaimedUntil *time.Time
}

func (outboxRow) TableName() string { return "outbox" }

func (r outboxRow) toDomain() domain.Outgoing {
	return domain.Outgoing{ID: r.ID, Kind: domain.OutgoingKind(r.Kind), ChatID: r.ChatID, SurveyID: r.SurveyID,
		Body: r.Body, Attempts: r.Attempts, NextAt: r.NextAt.UTC()}
}

// AddOutgoing writes owed messages, in order, in the transaction of ctx:
// they are owed exactly when that transaction commits.
func (db *DB) AddOutgoing(ctx context.Context, msgs []domain.Outgoing) error {
	if len(msgs) == 0 {
		return nil
	}
	now := db.now().UTC()
	rows := make([]outboxRow, len(msgs))
	for i, m := range msgs {
		next := m.NextAt.UTC()
		if m.NextAt.IsZero() {
			next = now
		}
		rows[i] = outboxRow{Kind: string(m.Kind), ChatID: m.ChatID, SurveyID: m.SurveyID, Body: m.Body,
			CreatedAt: now, NextAt: next}
	}
	if err := db.conn(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("write owed messages: %w", err)
	}
	return nil
}

// ClaimOutgoing claims for claimer until until the first owed message of
// up to limit queues (a chat's messages, or the alerts) of the given kinds
// that are due at now and not claimed by another, and returns them; with
// chat non-nil only that chat's queue. Only the first message of a queue is
// ever claimed, so that a queue's messages leave in order, one at a time,
// whichever process delivers them.
func (db *DB) ClaimOutgoing(ctx context.Context, kinds []domain.OutgoingKind, chat *int64, now time.Time, limit int, claimer string, until time.Time) ([]domain.Outgoing, error) {
	var out []domain.Outgoing
	err := db.InTx(ctx, func(ctx context.Context) error {
		q := `SELECT o.* FROM outbox o WHERE o.kind IN ? AND o.next_at <= ?
			AND (o.claimed_until IS NULL OR o.claimed_until < ?)
			AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.kind = o.kind AND p.chat_id = o.chat_id AND p.id < o.id)`
		args := []any{kinds, now.UTC(), now.UTC()}
		if chat != nil {
			q += " AND o.chat_id = ?"
			args = append(args, *chat)
		}
		q += " ORDER BY o.id LIMIT ?"
		args = append(args, limit)
		if db.postgres {
			q += " FOR UPDATE OF o SKIP LOCKED"
		}
		var rows []outboxRow
		if err := db.conn(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
			return fmt.Errorf("find owed messages: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		var ids []int64
		ids, out = idsAnd(rows, func(r outboxRow) (int64, domain.Outgoing) { return r.ID, r.toDomain() })
		// The claim is checked again here: on PostgreSQL a concurrent
		// claim of the same row is seen by the update's recheck.
		err := db.conn(ctx).Exec(`UPDATE outbox SET claimed_by = ?, claimed_until = ?
			WHERE id IN ? AND (claimed_until IS NULL OR claimed_until < ?)`, claimer, until.UTC(), ids, now.UTC()).Error
		if err != nil {
			return fmt.Errorf("claim owed messages: %w", err)
		}
		return nil
	})
	return out, err
}

// RenewOutgoing extends claimer's claim on message id until until, and
// reports whether claimer still held it: a claim that lapsed is still
// claimer's until another took it (a message that waited long for its turn
// is not lost to its own claimer).
func (db *DB) RenewOutgoing(ctx context.Context, id int64, claimer string, until time.Time) (bool, error) {
	res := db.conn(ctx).Exec(`UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ?`, until.UTC(), id, claimer)
	if res.Error != nil {
		return false, fmt.Errorf("renew owed message %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// DeliveredOutgoing removes a delivered (or given up) message.
func (db *DB) DeliveredOutgoing(ctx context.Context, id int64) error {
	if err := db.conn(ctx).Exec("DELETE FROM outbox WHERE id = ?", id).Error; err != nil {
		return fmt.Errorf("remove owed message %d: %w", id, err)
	}
	return nil
}

// RetryOutgoing releases message id, to be tried again at next.
func (db *DB) RetryOutgoing(ctx context.Context, id int64, attempts int, next time.Time) error {
	err := db.conn(ctx).Exec(`UPDATE outbox SET attempts = ?, next_at = ?, claimed_by = '', claimed_until = NULL
		WHERE id = ?`, attempts, next.UTC(), id).Error
	if err != nil {
		return fmt.Errorf("release owed message %d: %w", id, err)
	}
	return nil
}

// ReleaseClaims drops every claim claimer holds, on owed messages and on
// surveys not being sent, and its leases: what a process does when it
// stops cleanly, so that another takes over at once.
func (db *DB) ReleaseClaims(ctx context.Context, claimer string) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		return db.execEach(ctx, "release claims", []string{
			"UPDATE outbox SET claimed_by = '', claimed_until = NULL WHERE claimed_by = ?",
			"UPDATE surveys SET claimed_by = '', claimed_until = NULL WHERE claimed_by = ? AND status <> 'sending'",
			"DELETE FROM leases WHERE holder = ?"}, claimer)
	})
}

// idsAnd returns the ids of rows and what each row reads as.
func idsAnd[R, D any](rows []R, read func(R) (int64, D)) ([]int64, []D) {
	ids, out := make([]int64, len(rows)), make([]D, len(rows))
	for i, r := range rows {
		ids[i], out[i] = read(r)
	}
	return ids, out
}

// execEach runs each statement with the same arguments args; what names
// the work in the error.
func (db *DB) execEach(ctx context.Context, what string, stmts []string, args ...any) error {
	for _, s := range stmts {
		if err := db.conn(ctx).Exec(s, args...).Error; err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// OutboxStats returns how many messages the outbox holds, owed and not yet
// delivered or given up, and when the oldest of them was written (zero
// when there is none): what an operator watches for a delivery that fell
// behind.
func (db *DB) OutboxStats(ctx context.Context) (int, time.Time, error) {
	var n int64
	if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM outbox").Scan(&n).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("count owed messages: %w", err)
	}
	// The column itself rather than MIN(): SQLite's driver reads a
	// DATETIME column as a time, an expression as text.
	var oldest []time.Time
	if err := db.conn(ctx).Raw("SELECT created_at FROM outbox ORDER BY created_at LIMIT 1").Scan(&oldest).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("read the oldest owed message: %w", err)
	}
	if len(oldest) == 0 {
		return int(n), time.Time{}, nil
	}
	return int(n), oldest[0].UTC(), nil
}
