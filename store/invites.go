package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file keeps the invite tokens: single-use links that tie a customer's
// Telegram chat to their contact.

// CreateInvite stores a single-use invite token for a contact.
func (db *DB) CreateInvite(ctx context.Context, token string, contactID int64, by string, expires time.Time) error {
	err := db.conn(ctx).Exec(`INSERT INTO invite_tokens (token, contact_id, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, token, contactID, by, db.now().UTC(), expires.UTC()).Error
	return translate(err, domain.M("invite"))
}

// UseInvite marks the token used and returns its contact. A token unknown,
// already used or expired at now gives an Invalid error; nothing changes.
func (db *DB) UseInvite(ctx context.Context, token string, now time.Time) (int64, error) {
	var row struct {
		ContactID int64
		ExpiresAt time.Time
		UsedAt    *time.Time
	}
	err := db.conn(ctx).Raw("SELECT contact_id, expires_at, used_at FROM invite_tokens WHERE token = ?", token).Scan(&row).Error
	if err != nil {
		return 0, fmt.Errorf("read invite: %w", err)
	}
	switch {
	case row.ContactID == 0:
		return 0, domain.Errorf(domain.Invalid, "unknown invite token")
	case row.UsedAt != nil:
		return 0, domain.Errorf(domain.Invalid, "invite token already used")
	case !now.Before(row.ExpiresAt):
		return 0, domain.Errorf(domain.Invalid, "invite token expired")
	}
	res := db.conn(ctx).Exec("UPDATE invite_tokens SET used_at = ? WHERE token = ? AND used_at IS NULL", now.UTC(), token)
	if res.Error != nil {
		return 0, fmt.Errorf("use invite: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return 0, domain.Errorf(domain.Invalid, "invite token already used")
	}
	return row.ContactID, nil
}
