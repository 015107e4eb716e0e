package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"gorm.io/gorm/clause"
)

// This file keeps the customer's side: invite tokens, the respondents
// (a contact's Telegram chat, consent and throttle states), the surveys
// (each questionnaire sent to a contact: the dispatcher's outbox and the
// conversation's state), the answers, the summaries of `survey send` runs
// and the leases that elect one Telegram poller.

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

type surveyRow struct {
	ID            int64 `gorm:"primaryKey"`
	ContactID     int64
	Questionnaire string
	Version       int
	Status        string
	Reason        string
	RequestedBy   string
	RequestedAt   time.Time
	NextAt        *time.Time
	SentAt        *time.Time
	RemindedAt    *time.Time
	AnsweredAt    *time.Time
	ExpiresAt     *time.Time
	Started       bool
	Position      int
	Toggled       string
	Via           string
	MessageID     int64
	Attempts      int
	ClaimedBy     string
	ClaimedUntil  *time.Time
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
	}
}

// CreateInvite stores a single-use invite token for a contact.
func (db *DB) CreateInvite(ctx context.Context, token string, contactID int64, by string, expires time.Time) error {
	err := db.conn(ctx).Exec(`INSERT INTO invite_tokens (token, contact_id, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, token, contactID, by, db.now().UTC(), expires.UTC()).Error
	return translate(err, "invite")
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
		return translate(err, "respondent")
	})
}

// CreateSurvey inserts s and sets its id.
func (db *DB) CreateSurvey(ctx context.Context, s *domain.Survey) error {
	row := surveyToRow(s)
	if err := db.conn(ctx).Create(row).Error; err != nil {
		return translate(err, "survey")
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
		return translate(res.Error, "survey")
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
		return nil, translate(err, "survey")
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

// History returns what the throttle knows of one contact at now; the
// company sends are those of the last companyDays days (none when 0).
func (db *DB) History(ctx context.Context, contactID int64, now time.Time, companyDays int) (domain.History, error) {
	hs, err := db.Histories(ctx, []int64{contactID}, now, companyDays)
	if err != nil {
		return domain.History{}, err
	}
	return hs[contactID], nil
}

// sentStatuses are the statuses of surveys that may have been sent (a
// cancelled one was when it has a sent_at: a "Not now" tap).
var sentStatuses = []string{"sending", "open", "answered", "expired", "cancelled"}

// Histories returns the throttle's histories of the given contacts (those
// that exist). A plan may read a million of them: the rows are scanned
// straight from database/sql, only the columns the throttle needs, a sorted
// chunk of ids at a time, read by range when the ids are dense.
func (db *DB) Histories(ctx context.Context, ids []int64, now time.Time, companyDays int) (map[int64]domain.History, error) {
	company, err := db.companySends(ctx, now, companyDays)
	if err != nil {
		return nil, err
	}
	if !slices.IsSorted(ids) {
		ids = slices.Clone(ids)
		slices.Sort(ids)
	}
	out := make(map[int64]domain.History, len(ids))
	const chunk = 5000
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(len(ids), start+chunk)]
		if err := db.historiesChunk(ctx, part, now, company, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// historiesChunk reads the histories of a sorted chunk of ids into out.
func (db *DB) historiesChunk(ctx context.Context, part []int64, now time.Time, company map[string][]time.Time, out map[int64]domain.History) error {
	where, args := idsWhere(part)
	in := func(id int64) bool { _, ok := slices.BinarySearch(part, id); return ok }
	resp := map[int64]*domain.Respondent{}
	err := db.eachRaw(ctx, `SELECT contact_id, consent, `+db.times("consent_at", "withdrawn_at", "opted_out_at",
		"unreachable_at", "not_now_at", "detractor_at", "handled_at")+` FROM respondents WHERE contact_id `+where, args, func(scan func(...any) error) error {
		var r domain.Respondent
		var at [7]dbTime
		if err := scan(&r.ContactID, &r.Consent.Given, &at[0], &at[1], &at[2], &at[3], &at[4], &at[5], &at[6]); err != nil || !in(r.ContactID) {
			return err
		}
		r.Consent.At, r.Consent.WithdrawnAt, r.OptedOutAt = time.Time(at[0]), time.Time(at[1]), time.Time(at[2])
		r.UnreachableAt, r.NotNowAt, r.DetractorAt, r.HandledAt = time.Time(at[3]), time.Time(at[4]), time.Time(at[5]), time.Time(at[6])
		resp[r.ContactID] = &r
		return nil
	})
	if err != nil {
		return fmt.Errorf("read respondents: %w", err)
	}
	surveys := map[int64][]domain.Survey{}
	err = db.eachRaw(ctx, `SELECT contact_id, questionnaire, status, `+db.times("sent_at", "reminded_at", "answered_at", "expires_at")+`
		FROM surveys WHERE status IN ('queued', 'sending', 'open', 'answered', 'expired', 'cancelled') AND contact_id `+where+`
		ORDER BY contact_id, sent_at`, args, func(scan func(...any) error) error {
		var s domain.Survey
		var status string
		var at [4]dbTime
		if err := scan(&s.ContactID, &s.Questionnaire, &status, &at[0], &at[1], &at[2], &at[3]); err != nil || !in(s.ContactID) {
			return err
		}
		s.Status = domain.SurveyStatus(status)
		s.SentAt, s.RemindedAt, s.AnsweredAt, s.ExpiresAt = time.Time(at[0]), time.Time(at[1]), time.Time(at[2]), time.Time(at[3])
		surveys[s.ContactID] = append(surveys[s.ContactID], s)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read sends: %w", err)
	}
	err = db.eachRaw(ctx, `SELECT id, timezone, frequency, company, `+db.times("last_contact_at")+` FROM contacts WHERE id `+where, args,
		func(scan func(...any) error) error {
			var c domain.Contact
			var last dbTime
			if err := scan(&c.ID, &c.TimeZone, &c.Frequency, &c.Company, &last); err != nil || !in(c.ID) {
				return err
			}
			c.LastContactAt = time.Time(last)
			out[c.ID] = domain.NewHistory(&c, resp[c.ID], surveys[c.ID], company[companyKey(c.Company)], now)
			return nil
		})
	if err != nil {
		return fmt.Errorf("read contacts: %w", err)
	}
	return nil
}

// eachRaw calls row for each row of query with the row's Scan (see
// eachRow: the driver does not watch ctx row by row).
func (db *DB) eachRaw(ctx context.Context, query string, args []any, row func(scan func(...any) error) error) error {
	return db.eachRow(ctx, query, args, func(rows *sql.Rows) error { return row(rows.Scan) })
}

// idsWhere is the condition on a sorted chunk of ids: a range when they
// are dense (the caller drops the ids in between), else a list.
func idsWhere(part []int64) (string, []any) {
	lo, hi := part[0], part[len(part)-1]
	if hi-lo < int64(2*len(part)) {
		return "BETWEEN ? AND ?", []any{lo, hi}
	}
	args := make([]any, len(part))
	for i, id := range part {
		args[i] = id
	}
	return "IN (?" + strings.Repeat(", ?", len(part)-1) + ")", args
}

// times selects timestamp columns for dbTime: on SQLite as seconds since
// the epoch, computed by SQLite, which is several times cheaper than the
// driver's parsing of the stored text (a plan reads millions of them).
func (db *DB) times(cols ...string) string {
	if db.postgres {
		return strings.Join(cols, ", ")
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "unixepoch(" + c + ", 'subsec')"
	}
	return strings.Join(out, ", ")
}

// dbTime scans a column selected by times: a time, seconds since the epoch,
// or NULL (the zero time).
type dbTime time.Time

func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = dbTime{}
	case time.Time:
		*t = dbTime(x.UTC())
	case float64:
		sec := math.Floor(x)
		*t = dbTime(time.Unix(int64(sec), int64(math.Round((x-sec)*1e3))*1e6).UTC())
	case int64:
		*t = dbTime(time.Unix(x, 0).UTC())
	default:
		return fmt.Errorf("a time cannot be read from %T", v)
	}
	return nil
}

func companyKey(company string) string { return strings.ToLower(strings.TrimSpace(company)) }

// companySends returns the sends of the last days days per company (its
// lower-cased name); none when days is 0.
func (db *DB) companySends(ctx context.Context, now time.Time, days int) (map[string][]time.Time, error) {
	out := map[string][]time.Time{}
	if days <= 0 {
		return out, nil
	}
	var rows []struct {
		Company string
		SentAt  time.Time
	}
	err := db.conn(ctx).Raw(`SELECT c.company, s.sent_at FROM surveys s JOIN contacts c ON c.id = s.contact_id
		WHERE s.sent_at >= ? AND s.status IN ? AND c.company <> '' ORDER BY s.sent_at`,
		now.AddDate(0, 0, -days-1).UTC(), sentStatuses).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read company sends: %w", err)
	}
	for _, r := range rows {
		k := companyKey(r.Company)
		out[k] = append(out[k], r.SentAt.UTC())
	}
	return out, nil
}

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
		return nil, translate(err, "survey")
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
	return translate(err, "answer")
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

// AddSurveyRun records the summary of a `survey send`.
func (db *DB) AddSurveyRun(ctx context.Context, r domain.SurveyRun) error {
	var parts []string
	for k, v := range r.Counts {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	err := db.conn(ctx).Exec(`INSERT INTO survey_runs (questionnaire, requested_by, at, audience, counts) VALUES (?, ?, ?, ?, ?)`,
		r.Questionnaire, r.RequestedBy, r.At.UTC(), r.Audience, strings.Join(parts, ",")).Error
	return translate(err, "survey run")
}

// Forget erases a contact's personal data: every field but its stage,
// score and owner is cleared and its name replaced, the notes of its
// moves, interactions and orders are blanked, its free-text answers, its
// chat link and its invites are removed. Orders (amounts, dates), answers
// to rating and choice questions and the surveys stay, anonymised, for the
// aggregates.
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
		return db.execEach(ctx, "forget contact", contactID,
			"UPDATE moves SET note = '' WHERE contact_id = ?",
			"UPDATE interactions SET note = '' WHERE contact_id = ?",
			"UPDATE orders SET note = '' WHERE contact_id = ?",
			"UPDATE answers SET text = '' WHERE contact_id = ?",
			"UPDATE answers SET contact_id = NULL WHERE contact_id = ?",
			"DELETE FROM invite_tokens WHERE contact_id = ?",
			"DELETE FROM respondents WHERE contact_id = ?",
			"DELETE FROM score_snapshots WHERE contact_id = ?",
			"DELETE FROM outbox WHERE survey_id IN (SELECT id FROM surveys WHERE contact_id = ?)")
	})
}

// AcquireLease takes or renews the lease name for holder until until, and
// reports whether holder holds it: a lease held by another holder is taken
// only once it lapsed.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	var held bool
	err := db.InTx(ctx, func(ctx context.Context) error {
		res := db.conn(ctx).Exec(`INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE leases.holder = excluded.holder OR leases.until < ?`, name, holder, until.UTC(), now.UTC())
		if res.Error != nil {
			return fmt.Errorf("lease %s: %w", name, res.Error)
		}
		held = res.RowsAffected == 1
		return nil
	})
	return held, err
}

// QuestionnaireWeek counts the questionnaire figures of [from, to): sends,
// answers, the deferrals and denials of the plans run then (survey_runs)
// and of the sends denied at the moment of sending, and the CSAT and NPS
// answers.
func (db *DB) QuestionnaireWeek(ctx context.Context, from, to time.Time) (domain.QuestionnaireWeek, error) {
	from, to = from.UTC(), to.UTC()
	w := domain.QuestionnaireWeek{Deferred: map[string]int{}, Denied: map[string]int{}}
	var n struct{ Sent, Answered, Ratings, Satisfied, NPS, Promoters, Detractors int }
	err := db.conn(ctx).Raw(`SELECT
		(SELECT COUNT(*) FROM surveys WHERE sent_at >= ? AND sent_at < ?) AS sent,
		(SELECT COUNT(*) FROM surveys WHERE answered_at >= ? AND answered_at < ?) AS answered,
		(SELECT COUNT(*) FROM answers WHERE type = 'rating' AND skipped = ? AND at >= ? AND at < ?) AS ratings,
		(SELECT COUNT(*) FROM answers WHERE type = 'rating' AND skipped = ? AND number >= 4 AND at >= ? AND at < ?) AS satisfied,
		(SELECT COUNT(*) FROM answers WHERE type = 'nps' AND skipped = ? AND at >= ? AND at < ?) AS nps,
		(SELECT COUNT(*) FROM answers WHERE type = 'nps' AND skipped = ? AND number >= 9 AND at >= ? AND at < ?) AS promoters,
		(SELECT COUNT(*) FROM answers WHERE type = 'nps' AND skipped = ? AND number <= 6 AND at >= ? AND at < ?) AS detractors`,
		from, to, from, to, false, from, to, false, from, to, false, from, to, false, from, to, false, from, to).Scan(&n).Error
	if err != nil {
		return w, fmt.Errorf("questionnaire figures: %w", err)
	}
	w.Sent, w.Answered, w.Ratings, w.Satisfied = n.Sent, n.Answered, n.Ratings, n.Satisfied
	w.NPSCount, w.Promoters, w.Detractor = n.NPS, n.Promoters, n.Detractors
	var runs []string
	if err := db.conn(ctx).Raw("SELECT counts FROM survey_runs WHERE at >= ? AND at < ?", from, to).Scan(&runs).Error; err != nil {
		return w, fmt.Errorf("questionnaire plans: %w", err)
	}
	for _, r := range runs {
		addRunCounts(w, r)
	}
	var denied []struct {
		Reason string
		N      int
	}
	err = db.conn(ctx).Raw(`SELECT reason, COUNT(*) AS n FROM surveys WHERE status = 'denied' AND requested_at >= ? AND requested_at < ?
		GROUP BY reason`, from, to).Scan(&denied).Error
	if err != nil {
		return w, fmt.Errorf("questionnaire denials: %w", err)
	}
	for _, d := range denied {
		for _, code := range strings.Split(d.Reason, ",") {
			w.Denied[code] += d.N
		}
	}
	return w, nil
}

// addRunCounts adds a survey run's reasons ("reason:<code>=n") to the
// week: the reasons of deferrals that wait out quiet hours and weekends,
// those of denials otherwise.
func addRunCounts(w domain.QuestionnaireWeek, counts string) {
	for _, kv := range strings.Split(counts, ",") {
		k, v, _ := strings.Cut(kv, "=")
		code, ok := strings.CutPrefix(k, "reason:")
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			continue
		}
		if code == string(domain.QuietHoursNow) || code == string(domain.WeekendNow) {
			w.Deferred[code] += n
		} else {
			w.Denied[code] += n
		}
	}
}
