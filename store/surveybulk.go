package store

import (
	"context"

	"github.com/crmbot/crmbot/domain"
)

// This file writes the customer's side in bulk: respondents, surveys with
// every column, and answers, for sample data (cmd/crmbot/demo) and imports,
// where one INSERT a row would dominate. Like the other bulk writers, each
// joins the transaction of ctx or makes its own, and checks nothing the
// database does not check itself.

var respondentCols = []string{"contact_id", "chat_id", "language", "consent", "consent_at", "consent_text",
	"withdrawn_at", "opted_out_at", "unreachable_at", "not_now_at", "detractor_at", "handled_at",
	"handled_by", "handled_note", "updated_at"}

// InsertRespondents writes many new respondent records at once. Unlike
// SaveRespondent it neither replaces a contact's record nor moves a chat
// link: a contact or a chat that already has one fails the whole call with
// a Conflict.
func (db *DB) InsertRespondents(ctx context.Context, rs []domain.Respondent) error {
	if len(rs) == 0 {
		return nil
	}
	now := db.now().UTC()
	return db.InTx(ctx, func(ctx context.Context) error {
		return db.insertRows(ctx, "respondents", respondentCols, len(rs), func(i int, a []any) []any {
			r := respondentToRow(&rs[i], now)
			return append(a, r.ContactID, r.ChatID, r.Language, r.Consent, r.ConsentAt, r.ConsentText,
				r.WithdrawnAt, r.OptedOutAt, r.UnreachableAt, r.NotNowAt, r.DetractorAt, r.HandledAt,
				r.HandledBy, r.HandledNote, r.UpdatedAt)
		})
	})
}

var surveyCols = []string{"id", "contact_id", "questionnaire", "version", "status", "reason", "requested_by",
	"requested_at", "next_at", "sent_at", "reminded_at", "answered_at", "expires_at", "started", "position",
	"toggled", "via", "message_id", "attempts"}

// InsertSentSurveys writes many surveys at once with all their columns
// (sent, reminded, answered… as given; unclaimed) and sets the ids of
// those that have none, so that answers can refer to them. A survey that
// already has an id keeps it. Ids are numbered after the highest in the
// table, which is locked against other writers until the transaction ends
// on PostgreSQL (see reserveIDs).
func (db *DB) InsertSentSurveys(ctx context.Context, ss []domain.Survey) error {
	if len(ss) == 0 {
		return nil
	}
	return db.InTx(ctx, func(ctx context.Context) error {
		next, err := db.reserveIDs(ctx, "surveys")
		if err != nil {
			return err
		}
		taken := make(map[int64]bool)
		for i := range ss {
			if ss[i].ID != 0 {
				taken[ss[i].ID] = true
			}
		}
		for i := range ss {
			if ss[i].ID == 0 {
				next++
				for taken[next] {
					next++
				}
				ss[i].ID = next
			}
		}
		err = db.insertRows(ctx, "surveys", surveyCols, len(ss), func(i int, a []any) []any {
			r := surveyToRow(&ss[i])
			return append(a, r.ID, r.ContactID, r.Questionnaire, r.Version, r.Status, r.Reason, r.RequestedBy,
				r.RequestedAt, r.NextAt, r.SentAt, r.RemindedAt, r.AnsweredAt, r.ExpiresAt, r.Started, r.Position,
				r.Toggled, r.Via, r.MessageID, r.Attempts)
		})
		if err != nil {
			return err
		}
		return db.syncSequence(ctx, "surveys")
	})
}

var answerCols = []string{"survey_id", "question", "contact_id", "questionnaire", "type", "skipped", "number",
	"options", "yes", "text", "at"}

// InsertAnswers writes many answers at once; a contact id of 0 is stored
// as none (an erased contact's answers). An answer to a question its
// survey already answered fails the whole call with a Conflict.
func (db *DB) InsertAnswers(ctx context.Context, as []domain.StoredAnswer) error {
	if len(as) == 0 {
		return nil
	}
	return db.InTx(ctx, func(ctx context.Context) error {
		return db.insertRows(ctx, "answers", answerCols, len(as), func(i int, a []any) []any {
			x := &as[i]
			var contact *int64
			if x.ContactID != 0 {
				contact = &x.ContactID
			}
			return append(a, x.SurveyID, x.Question, contact, x.Questionnaire, string(x.Type), x.Skipped, x.Number,
				joinList(x.Options), x.Yes, x.Text, x.At.UTC())
		})
	})
}
