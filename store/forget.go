package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Forget erases a contact's personal data: every field but its stage,
// score and owner is cleared and its name replaced, the notes of its
// moves, interactions and orders are blanked, its free-text answers, its
// chat link and its invites are removed. Orders (amounts, dates), answers
// to rating and choice questions and the surveys stay, anonymised, for the
// aggregates.
//
// On SQLite the space the data leaves is overwritten (secure_delete, see
// sqliteDriver); the write-ahead log still holds it until EmptyLog, which
// the caller runs once the transaction is committed.
func (db *DB) Forget(ctx context.Context, contactID int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		c, err := db.Contact(ctx, contactID)
		if err != nil {
			return err
		}
		erased := &domain.Contact{ID: c.ID, Name: "(erased " + c.Ref() + ")", Stage: c.Stage,
			Score: c.Score, Grade: c.Grade, Owner: c.Owner, CreatedAt: c.CreatedAt, LastContactAt: c.LastContactAt}
		if err := db.UpdateContact(ctx, erased); err != nil {
			return err
		}
		return db.execEach(ctx, "forget contact", []string{
			"UPDATE moves SET note = '' WHERE contact_id = ?",
			"UPDATE interactions SET note = '' WHERE contact_id = ?",
			"UPDATE orders SET note = '' WHERE contact_id = ?",
			"UPDATE answers SET text = '' WHERE contact_id = ?",
			"UPDATE answers SET contact_id = NULL WHERE contact_id = ?",
			"DELETE FROM invite_tokens WHERE contact_id = ?",
			"DELETE FROM respondents WHERE contact_id = ?",
			"DELETE FROM score_snapshots WHERE contact_id = ?",
			"DELETE FROM outbox WHERE survey_id IN (SELECT id FROM surveys WHERE contact_id = ?)"}, contactID)
	})
}

// EmptyLog writes SQLite's write-ahead log back into the database and
// empties it: after an erasure, its earlier frames still hold what was
// erased. A connection reading at that moment keeps it from being emptied
// (an error; the log is overwritten as it is reused anyway). Nothing to do
// on PostgreSQL, whose VACUUM reclaims dead rows (see the README).
func (db *DB) EmptyLog(ctx context.Context) error {
	if db.postgres {
		return nil
	}
	var busy, frames, done int
	if err := db.conn(ctx).Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("empty the write-ahead log: %w", err)
	}
	if busy != 0 {
		return errors.New("empty the write-ahead log: another connection is reading")
	}
	return nil
}

// RecordErasure records that by asked for contactID's erasure at at.
func (db *DB) RecordErasure(ctx context.Context, contactID int64, by string, at time.Time) error {
	err := db.conn(ctx).Exec("INSERT INTO erasures (contact_id, requested_by, at) VALUES (?, ?, ?)", contactID, by, at.UTC()).Error
	if err != nil {
		return fmt.Errorf("record the erasure of %s: %w", domain.ContactRef(contactID), err)
	}
	return nil
}

// Erasure is a recorded erasure.
type Erasure struct {
	ContactID   int64
	RequestedBy string
	At          time.Time
}

// Erasures returns the erasures recorded for contactID, oldest first.
func (db *DB) Erasures(ctx context.Context, contactID int64) ([]Erasure, error) {
	var out []Erasure
	err := db.conn(ctx).Raw("SELECT contact_id, requested_by, at FROM erasures WHERE contact_id = ? ORDER BY id", contactID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read the erasures of %s: %w", domain.ContactRef(contactID), err)
	}
	for i := range out {
		out[i].At = out[i].At.UTC()
	}
	return out, nil
}
