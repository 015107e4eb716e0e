package survey

import (
	"context"
	"log/slog"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Store is what the customer's side needs of the database.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// EmptyLog clears what the database's log still holds of an erasure,
	// once it is committed (see store.DB.Forget).
	EmptyLog(ctx context.Context) error
	RecordErasure(ctx context.Context, contactID int64, by string, at time.Time) error
	// Suppress puts a person's identifiers on the suppression list, as
	// keyed hashes; SuppressionOf finds a contact's match on it.
	Suppress(ctx context.Context, email, phone string, chatID int64, reason domain.SuppressReason, at time.Time) error
	SuppressionOf(ctx context.Context, contactID int64) (domain.Suppression, error)
	// AppendConsent appends to the consent ledger; LatestConsent reads its
	// last entry for a contact, ConsentEvents all of them.
	AppendConsent(ctx context.Context, e *domain.ConsentEvent) error
	LatestConsent(ctx context.Context, contactID int64) (domain.ConsentEvent, bool, error)
	ConsentEvents(ctx context.Context, contactID int64) ([]domain.ConsentEvent, error)
	RecentInteractions(ctx context.Context, contactID int64, limit int) ([]domain.Interaction, error)
	RecentOrders(ctx context.Context, contactID int64, limit int) ([]domain.Order, error)
	// DueTriggers returns the occasions of a questionnaire's trigger due in
	// a window and not claimed; ClaimTriggers claims them, each once for
	// all processes.
	DueTriggers(ctx context.Context, q domain.Questionnaire, w domain.TriggerWindow) ([]domain.TriggerCause, error)
	TriggerHighWater(ctx context.Context, q domain.Questionnaire) (int64, error)
	ClaimTriggers(ctx context.Context, causes []domain.TriggerCause, at time.Time) ([]domain.TriggerCause, error)
	ClaimEvent(ctx context.Context, id string) (bool, error)
	Contact(ctx context.Context, id int64) (*domain.Contact, error)
	UpdateContact(ctx context.Context, c *domain.Contact) error
	CreateInvite(ctx context.Context, token string, contactID int64, by string, expires time.Time) error
	UseInvite(ctx context.Context, token string, now time.Time) (int64, error)
	Respondent(ctx context.Context, contactID int64) (*domain.Respondent, error)
	RespondentByChat(ctx context.Context, chatID int64) (*domain.Respondent, error)
	SaveRespondent(ctx context.Context, r *domain.Respondent) error
	CreateSurvey(ctx context.Context, s *domain.Survey) error
	InsertSurveys(ctx context.Context, ss []domain.Survey) error
	UpdateSurvey(ctx context.Context, s *domain.Survey) error
	LockSurvey(ctx context.Context, id int64) (*domain.Survey, error)
	ReleaseSurvey(ctx context.Context, id int64) error
	RenewSurveyClaims(ctx context.Context, ids []int64, claimer string, until time.Time) error
	SurveysOf(ctx context.Context, contactID int64) ([]domain.Survey, error)
	History(ctx context.Context, contactID int64, now time.Time, companyDays int) (domain.History, error)
	Histories(ctx context.Context, ids []int64, now time.Time, companyDays int) (map[int64]domain.History, error)
	ClaimDue(ctx context.Context, now time.Time, limit int, claimer string, until time.Time) ([]domain.Survey, error)
	StaleSending(ctx context.Context, now time.Time) ([]domain.Survey, error)
	SaveAnswer(ctx context.Context, a domain.StoredAnswer) error
	Answers(ctx context.Context, contactID, surveyID int64) ([]domain.StoredAnswer, error)
	AnswerCounts(ctx context.Context, questionnaire string) ([]domain.AnswerCount, error)
	RecentComments(ctx context.Context, questionnaire string, limit int) ([]domain.StoredAnswer, error)
	SurveyStatusCounts(ctx context.Context) (map[string]map[domain.SurveyStatus]int, error)
	AddSurveyRun(ctx context.Context, r domain.SurveyRun) error
	Forget(ctx context.Context, contactID int64) error
	Survey(ctx context.Context, id int64) (*domain.Survey, error)
	AddOutgoing(ctx context.Context, msgs []domain.Outgoing) error
	ClaimOutgoing(ctx context.Context, kinds []domain.OutgoingKind, chat *int64, now time.Time, limit int, claimer string, until time.Time) ([]domain.Outgoing, error)
	RenewOutgoing(ctx context.Context, id int64, claimer string, until time.Time) (bool, error)
	DeliveredOutgoing(ctx context.Context, id int64) error
	RetryOutgoing(ctx context.Context, id int64, attempts int, next time.Time) error
}

// Alert tells a contact's owner about the detractor answers of one
// questionnaire, once it ended.
type Alert struct {
	Contact       *domain.Contact
	Questionnaire domain.Questionnaire
	// Bad are the detractor answers, in the order they were given.
	Bad []BadAnswer
	// Comments are the free-text answers of the questionnaire.
	Comments []string
}

// BadAnswer is one detractor answer and the question it answers.
type BadAnswer struct {
	Question domain.Question
	Answer   domain.Answer
}

// Alerter tells a contact's owner about detractor answers (the Slack
// transport: a direct message with a Handled button).
type Alerter interface {
	DetractorAlert(ctx context.Context, a Alert) error
}

// Service runs the customer's side and the team's survey commands.
type Service struct {
	Store          Store
	Policy         domain.Policy
	Questionnaires []domain.Questionnaire
	Now            func() time.Time
	// Alerter is told of detractor answers; nil only logs them.
	Alerter Alerter
	// Decided, when set, is told of each decision of the throttle acted
	// on: a send or reminder deferred, denied or made (not a plan, a dry
	// run, or the dispatcher's look before it claims), for metrics.
	Decided func(domain.Decision)
	// Wake is called once messages were owed (the Deliverer's Wake); nil
	// leaves them to the deliverer's next look.
	Wake func()
	// Rescore recomputes a contact's score after an answer changed its
	// fields, inside the answer's transaction; nil skips it.
	Rescore func(ctx context.Context, contactID int64) error
	// Language is the default language of customers: "en" or "fr".
	Language string
	Log      *slog.Logger
}

// QuestionnaireRemoved is the reason of a survey cancelled because the
// configuration no longer has its questionnaire: it can be neither sent
// nor answered.
const QuestionnaireRemoved = "questionnaire_removed"

// InviteDays is how long an invite link works.
const InviteDays = 30

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// questionnaire returns the questionnaire with the given id.
func (s *Service) questionnaire(id string) (domain.Questionnaire, bool) {
	for _, q := range s.Questionnaires {
		if q.ID == id {
			return q, true
		}
	}
	return domain.Questionnaire{}, false
}

// questionnaireOf returns the questionnaire survey sv asks, or a NotFound
// error when the configuration no longer has it: it was removed from the
// file since sv was queued.
func (s *Service) questionnaireOf(sv *domain.Survey) (domain.Questionnaire, error) {
	if q, ok := s.questionnaire(sv.Questionnaire); ok {
		return q, nil
	}
	return domain.Questionnaire{}, domain.Errorf(domain.NotFound, "survey %d of %s asks questionnaire %q, which the configuration no longer has",
		sv.ID, domain.ContactRef(sv.ContactID), sv.Questionnaire)
}

// dropRemoved marks sv, whose questionnaire is gone (cause says so),
// cancelled and logs it, and returns it for the caller to end
// (Service.ended): one started keeps its detractor answers, which still
// reach the owner.
func (s *Service) dropRemoved(sv *domain.Survey, cause error) *domain.Survey {
	s.log().Warn("survey cancelled: its questionnaire is no longer configured",
		"survey", sv.ID, "contact", domain.ContactRef(sv.ContactID), "questionnaire", sv.Questionnaire, "err", cause)
	sv.Status, sv.Reason, sv.NextAt = domain.SurveyCancelled, QuestionnaireRemoved, time.Time{}
	return sv
}

// lang picks the customer's language: the contact's, else the chat's,
// else the default.
func (s *Service) lang(c *domain.Contact, chatLang string) string {
	switch {
	case c != nil && c.Language != "":
		return c.Language
	case chatLang != "":
		return chatLang
	case s.Language != "":
		return s.Language
	}
	return "en"
}

// decide applies the throttle to one contact for ask at now: the one
// chokepoint every send passes through.
func (s *Service) decide(ctx context.Context, contactID int64, ask domain.Ask, now time.Time) (domain.Decision, error) {
	h, err := s.Store.History(ctx, contactID, now, s.Policy.Company.PerDays)
	if err != nil {
		return domain.Decision{}, err
	}
	return domain.Decide(s.Policy, h, ask, now), nil
}

// acted tells Decided of a decision acted on.
func (s *Service) acted(dec domain.Decision) {
	if s.Decided != nil {
		s.Decided(dec)
	}
}

// ask is the throttle's question for sending a survey of q (or reminding
// it).
func ask(q domain.Questionnaire, reminder bool) domain.Ask {
	return domain.Ask{Questionnaire: q.ID, PeriodDays: q.PeriodDays, Reminder: reminder}
}
