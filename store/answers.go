package store

import (
	"context"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
	"gorm.io/gorm/clause"
)

// This file keeps the answers to the surveys' questions and the counts
// that report on them.

// SaveAnswer stores (or replaces) the answer to one question of a survey.
func (db *DB) SaveAnswer(ctx context.Context, a domain.StoredAnswer) error {
	row := map[string]any{
		"survey_id": a.SurveyID, "question": a.Question, "contact_id": a.ContactID,
		"questionnaire": a.Questionnaire, "type": string(a.Type), "skipped": a.Skipped,
		"number": a.Number, "options": joinList(a.Options), "yes": a.Yes, "text": a.Text, "at": a.At.UTC(),
	}
	err := db.conn(ctx).Table("answers").Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "survey_id"}, {Name: "question"}},
		DoUpdates: clause.AssignmentColumns([]string{"skipped", "number", "options", "yes", "text", "at"}),
	}).Create(row).Error
	return translate(err, domain.M("answer"))
}

type answerRow struct {
	SurveyID      int64
	Question      string
	ContactID     *int64
	Questionnaire string
	Type          string
	Skipped       bool
	Number        int
	Options       string
	Yes           bool
	Text          string
	At            time.Time
}

func (r answerRow) toDomain() domain.StoredAnswer {
	a := domain.StoredAnswer{SurveyID: r.SurveyID, Questionnaire: r.Questionnaire, At: r.At.UTC(),
		Answer: domain.Answer{Question: r.Question, Type: domain.QuestionType(r.Type), Skipped: r.Skipped,
			Number: r.Number, Options: splitList(r.Options), Yes: r.Yes, Text: r.Text}}
	if r.ContactID != nil {
		a.ContactID = *r.ContactID
	}
	return a
}

// EachAnswer calls fn with every answer, batch by batch, in the order of
// their surveys and questions (the answers' key).
func (db *DB) EachAnswer(ctx context.Context, batch int, fn func([]domain.StoredAnswer) error) error {
	var survey int64
	question := ""
	for {
		var rows []answerRow
		err := db.conn(ctx).Table("answers").Where("survey_id > ? OR (survey_id = ? AND question > ?)", survey, survey, question).
			Order("survey_id, question").Limit(batch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("read a batch of answers: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(mapRows(rows, answerRow.toDomain)); err != nil {
			return err
		}
		last := rows[len(rows)-1]
		survey, question = last.SurveyID, last.Question
	}
}

// Answers returns the answers of the given surveys' contact, or of one
// survey when surveyID is not 0, oldest first.
func (db *DB) Answers(ctx context.Context, contactID, surveyID int64) ([]domain.StoredAnswer, error) {
	q := db.conn(ctx).Table("answers")
	if surveyID != 0 {
		q = q.Where("survey_id = ?", surveyID)
	} else {
		q = q.Where("contact_id = ?", contactID)
	}
	var rows []answerRow
	if err := q.Order("at").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	return mapRows(rows, answerRow.toDomain), nil
}

// AnswerCounts counts the answers to a questionnaire by question and value
// (text answers and skips left out).
func (db *DB) AnswerCounts(ctx context.Context, questionnaire string) ([]domain.AnswerCount, error) {
	var rows []struct {
		Question, Type, Options string
		Number                  int
		Yes                     bool
		N                       int
	}
	err := db.conn(ctx).Raw(`SELECT question, type, number, options, yes, COUNT(*) AS n FROM answers
		WHERE questionnaire = ? AND skipped = ? AND type <> 'text'
		GROUP BY question, type, number, options, yes`, questionnaire, false).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count answers: %w", err)
	}
	out := make([]domain.AnswerCount, len(rows))
	for i, r := range rows {
		a := domain.Answer{Type: domain.QuestionType(r.Type), Number: r.Number, Options: splitList(r.Options), Yes: r.Yes}
		out[i] = domain.AnswerCount{Question: r.Question, Type: a.Type, Value: a.Value(), N: r.N}
	}
	return out, nil
}

// RecentComments returns the last limit text answers to a questionnaire,
// newest first.
func (db *DB) RecentComments(ctx context.Context, questionnaire string, limit int) ([]domain.StoredAnswer, error) {
	var rows []answerRow
	err := db.conn(ctx).Table("answers").Where("questionnaire = ? AND type = 'text' AND skipped = ? AND text <> ''",
		questionnaire, false).Order("at DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read comments: %w", err)
	}
	return mapRows(rows, answerRow.toDomain), nil
}
