package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file keeps the surveys: each questionnaire sent to a contact, the
// dispatcher's outbox and the conversation's state.

type surveyRow struct {
	ID             int64 `gorm:"primaryKey"`
	ContactID      int64
	Questionnaire  string
	Version        int
	Status         string
	Reason         string
	RequestedBy    string
	RequestedAt    time.Time
	NextAt         *time.Time
	SentAt         *time.Time
	RemindedAt     *time.Time
	AnsweredAt     *time.Time
	ExpiresAt      *time.Time
	Started        bool
	Position       int
	Toggled        string
	Via            string
	MessageID      int64
	Attempts       int
	ClaimedBy      string
	ClaimedUntil   *time.Time
	ConsentEventID *int64
}

func (surveyRow) TableName() string { return "surveys" }

func (r *surveyRow) toDomain() domain.Survey {
	return domain.Survey{
		ID: r.ID, ContactID: r.ContactID, Questionnaire: r.Questionnaire, Version: r.Version,
		Status: domain.SurveyStatus(r.Status), Reason: r.Reason, RequestedBy: r.RequestedBy,
		RequestedAt: r.RequestedAt.UTC(), NextAt: derefTime(r.NextAt), SentAt: derefTime(r.SentAt),
		RemindedAt: derefTime(r.RemindedAt), AnsweredAt: derefTime(r.AnsweredAt),
		ExpiresAt: derefTime(r.ExpiresAt), Started: r.Started, Position: r.Position,
		Toggled: splitList(r.Toggled), Via: r.Via, MessageID: r.MessageID, Attempts: r.Attempts,
		ConsentEventID: derefID(r.ConsentEventID),
	}
}

func surveyToRow(s *domain.Survey) *surveyRow {
	return &surveyRow{
		ID: s.ID, ContactID: s.ContactID, Questionnaire: s.Questionnaire, Version: s.Version,
		Status: string(s.Status), Reason: s.Reason, RequestedBy: s.RequestedBy,
		RequestedAt: s.RequestedAt.UTC(), NextAt: optTime(s.NextAt), SentAt: optTime(s.SentAt),
		RemindedAt: optTime(s.RemindedAt), AnsweredAt: optTime(s.AnsweredAt),
		ExpiresAt: optTime(s.ExpiresAt), Started: s.Started, Position: s.Position,
		Toggled: joinList(s.Toggled), Via: s.Via, MessageID: s.MessageID, Attempts: s.Attempts,
		ConsentEventID: optID(s.ConsentEventID),
	}
}

// optID stores an id of 0 as none; derefID reads none as 0.
func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// CreateSurvey inserts s and sets its id.
func (db *DB) CreateSurvey(ctx context.Context, s *domain.Survey) error {
	row := surveyToRow(s)
	if err := db.conn(ctx).Create(row).Error; err != nil {
		return translate(err, domain.M("survey"))
	}
	s.ID = row.ID
	return nil
}

// InsertSurveys queues many surveys at once (their ids are not set).
func (db *DB) InsertSurveys(ctx context.Context, ss []domain.Survey) error {
	cols := []string{"contact_id", "questionnaire", "version", "status", "reason", "requested_by", "requested_at", "next_at"}
	return db.InTx(ctx, func(ctx context.Context) error {
		return db.insertRows(ctx, "surveys", cols, len(ss), func(i int, args []any) []any {
			s := &ss[i]
			return append(args, s.ContactID, s.Questionnaire, s.Version, string(s.Status), s.Reason,
				s.RequestedBy, s.RequestedAt.UTC(), optTime(s.NextAt))
		})
	})
}

// UpdateSurvey writes every field of s but its claim (see ClaimDue and
// ReleaseSurvey).
func (db *DB) UpdateSurvey(ctx context.Context, s *domain.Survey) error {
	res := db.conn(ctx).Select("*").Omit("id", "claimed_by", "claimed_until").Where("id = ?", s.ID).Updates(surveyToRow(s))
	if res.Error != nil {
		return translate(res.Error, domain.M("survey"))
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "no survey %d", s.ID)
	}
	return nil
}

// Survey returns one survey.
func (db *DB) Survey(ctx context.Context, id int64) (*domain.Survey, error) {
	var row surveyRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err, domain.M("survey"))
	}
	s := row.toDomain()
	return &s, nil
}

// SurveysOf returns the surveys of a contact, oldest first.
func (db *DB) SurveysOf(ctx context.Context, contactID int64) ([]domain.Survey, error) {
	var rows []surveyRow
	if err := db.conn(ctx).Where("contact_id = ?", contactID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read surveys: %w", err)
	}
	return mapRows(rows, func(r surveyRow) domain.Survey { return r.toDomain() }), nil
}

// SurveyStatusCounts counts the surveys of every questionnaire by status,
// keyed by questionnaire then status.
func (db *DB) SurveyStatusCounts(ctx context.Context) (map[string]map[domain.SurveyStatus]int, error) {
	var rows []struct {
		Questionnaire, Status string
		N                     int
	}
	q := `SELECT questionnaire, status, COUNT(*) AS n FROM surveys GROUP BY questionnaire, status`
	if err := db.conn(ctx).Raw(q).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count surveys: %w", err)
	}
	out := map[string]map[domain.SurveyStatus]int{}
	for _, r := range rows {
		if out[r.Questionnaire] == nil {
			out[r.Questionnaire] = map[domain.SurveyStatus]int{}
		}
		out[r.Questionnaire][domain.SurveyStatus(r.Status)] = r.N
	}
	return out, nil
}
