package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// consentBackfill turns the consent state each respondent kept before the
// ledger into its first entries (a consent given, refused, withdrawn, in
// time order), for the contacts with none yet, then links each sent
// questionnaire without an entry to the last consent given before it
// left. Migration 15 runs it once; the demo after writing its data.
const consentBackfill = `
INSERT INTO consent_events (contact_id, kind, channel, text_version, at)
SELECT contact_id, kind, 'backfill', text_version, at FROM (
	SELECT contact_id, 'given' AS kind, consent_text AS text_version, consent_at AS at FROM respondents
		WHERE consent = TRUE AND consent_at IS NOT NULL
	UNION ALL
	SELECT contact_id, 'refused', consent_text, consent_at FROM respondents
		WHERE consent = FALSE AND consent_at IS NOT NULL
	UNION ALL
	SELECT contact_id, 'withdrawn', '', withdrawn_at FROM respondents
		WHERE withdrawn_at IS NOT NULL
) x
WHERE NOT EXISTS (SELECT 1 FROM consent_events e WHERE e.contact_id = x.contact_id)
ORDER BY at, contact_id;
UPDATE surveys SET consent_event_id = (SELECT e.id FROM consent_events e
	WHERE e.contact_id = surveys.contact_id AND e.kind = 'given' AND e.at <= surveys.sent_at
	ORDER BY e.at DESC, e.id DESC LIMIT 1)
WHERE sent_at IS NOT NULL AND consent_event_id IS NULL;
`

// BackfillConsentLedger gives the contacts whose consent state was written
// without the ledger (the demo's bulk data) their entries, and their sent
// questionnaires the entry they relied on.
func (db *DB) BackfillConsentLedger(ctx context.Context) error {
	if err := db.conn(ctx).Exec(consentBackfill).Error; err != nil {
		return fmt.Errorf("backfill the consent ledger: %w", err)
	}
	return nil
}

// AppendConsent appends e to the consent ledger and sets its id.
func (db *DB) AppendConsent(ctx context.Context, e *domain.ConsentEvent) error {
	row := consentRow{ContactID: e.ContactID, Kind: string(e.Kind), Channel: e.Channel, TextVersion: e.TextVersion, At: e.At.UTC()}
	if err := db.conn(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("append to the consent ledger: %w", err)
	}
	e.ID = row.ID
	return nil
}

type consentRow struct {
	ID          int64 `gorm:"primaryKey"`
	ContactID   int64
	Kind        string
	Channel     string
	TextVersion string
	At          time.Time
}

func (consentRow) TableName() string { return "consent_events" }

func (r consentRow) toDomain() domain.ConsentEvent {
	return domain.ConsentEvent{ID: r.ID, ContactID: r.ContactID, Kind: domain.ConsentKind(r.Kind), Channel: r.Channel,
		TextVersion: r.TextVersion, At: r.At.UTC()}
}

// ConsentEvents returns contactID's ledger, oldest first.
func (db *DB) ConsentEvents(ctx context.Context, contactID int64) ([]domain.ConsentEvent, error) {
	var rows []consentRow
	if err := db.conn(ctx).Where("contact_id = ?", contactID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read the consent ledger: %w", err)
	}
	return mapRows(rows, consentRow.toDomain), nil
}

// LatestConsent returns contactID's last ledger entry, ok false when it
// has none.
func (db *DB) LatestConsent(ctx context.Context, contactID int64) (domain.ConsentEvent, bool, error) {
	var rows []consentRow
	if err := db.conn(ctx).Where("contact_id = ?", contactID).Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
		return domain.ConsentEvent{}, false, fmt.Errorf("read the consent ledger: %w", err)
	}
	if len(rows) == 0 {
		return domain.ConsentEvent{}, false, nil
	}
	return rows[0].toDomain(), true, nil
}

// EachConsentEvent calls fn with the whole ledger, batch by batch, in id
// order.
func (db *DB) EachConsentEvent(ctx context.Context, batch int, fn func([]domain.ConsentEvent) error) error {
	return eachRowOf(ctx, db, batch, func(r consentRow) (int64, domain.ConsentEvent) { return r.ID, r.toDomain() }, fn)
}
