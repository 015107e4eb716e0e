package store

import (
	"context"
	"errors"
	"fmt"

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
