package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
	"gorm.io/gorm/clause"
)

// This file keeps the respondents: a contact's Telegram chat, consent and
// throttle states.

type respondentRow struct {
	ContactID     int64 `gorm:"primaryKey;autoIncrement:false"`
	ChatID        *int64
	Language      string
	Consent       bool
	ConsentAt     *time.Time
	ConsentText   string
	WithdrawnAt   *time.Time
	OptedOutAt    *time.Time
	UnreachableAt *time.Time
	NotNowAt      *time.Time
	DetractorAt   *time.Time
	HandledAt     *time.Time
	HandledBy     string
	HandledNote   string
	UpdatedAt     time.Time
}

func (respondentRow) TableName() string { return "respondents" }

func (r *respondentRow) toDomain() *domain.Respondent {
	d := &domain.Respondent{
		ContactID: r.ContactID, Language: r.Language,
		Consent:       domain.Consent{Given: r.Consent, At: derefTime(r.ConsentAt), WithdrawnAt: derefTime(r.WithdrawnAt)},
		ConsentText:   r.ConsentText,
		OptedOutAt:    derefTime(r.OptedOutAt),
		UnreachableAt: derefTime(r.UnreachableAt), NotNowAt: derefTime(r.NotNowAt),
		DetractorAt: derefTime(r.DetractorAt), HandledAt: derefTime(r.HandledAt),
		HandledBy: r.HandledBy, HandledNote: r.HandledNote,
	}
	if r.ChatID != nil {
		d.ChatID = *r.ChatID
	}
	return d
}

func respondentToRow(d *domain.Respondent, now time.Time) *respondentRow {
	r := &respondentRow{
		ContactID: d.ContactID, Language: d.Language,
		Consent: d.Consent.Given, ConsentAt: optTime(d.Consent.At), WithdrawnAt: optTime(d.Consent.WithdrawnAt),
		ConsentText: d.ConsentText, OptedOutAt: optTime(d.OptedOutAt),
		UnreachableAt: optTime(d.UnreachableAt), NotNowAt: optTime(d.NotNowAt),
		DetractorAt: optTime(d.DetractorAt), HandledAt: optTime(d.HandledAt),
		HandledBy: d.HandledBy, HandledNote: d.HandledNote, UpdatedAt: now,
	}
	if d.ChatID != 0 {
		r.ChatID = &d.ChatID
	}
	return r
}

// Respondent returns the respondent record of a contact, or nil when the
// contact never linked a chat.
func (db *DB) Respondent(ctx context.Context, contactID int64) (*domain.Respondent, error) {
	return db.respondentWhere(ctx, "contact_id = ?", contactID)
}

// RespondentByChat returns the respondent linked to a Telegram chat, or nil.
func (db *DB) RespondentByChat(ctx context.Context, chatID int64) (*domain.Respondent, error) {
	return db.respondentWhere(ctx, "chat_id = ?", chatID)
}

func (db *DB) respondentWhere(ctx context.Context, where string, arg any) (*domain.Respondent, error) {
	var rows []respondentRow
	if err := db.conn(ctx).Where(where, arg).Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read respondent: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0].toDomain(), nil
}

// SaveRespondent writes a respondent record, created or replaced. Linking a
// chat already linked to another contact moves the link.
func (db *DB) SaveRespondent(ctx context.Context, r *domain.Respondent) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		if r.ChatID != 0 {
			if err := db.conn(ctx).Exec("UPDATE respondents SET chat_id = NULL WHERE chat_id = ? AND contact_id <> ?",
				r.ChatID, r.ContactID).Error; err != nil {
				return fmt.Errorf("unlink chat: %w", err)
			}
		}
		err := db.conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(respondentToRow(r, db.now().UTC())).Error
		return translate(err, domain.M("respondent"))
	})
}
