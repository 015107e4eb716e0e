package domain

import (
	"crypto/rand"
	"strings"
	"sync"
	"time"
)

// Respondent is the customer's side of a contact: the Telegram chat it is
// linked to, consent and opt-out, and the states the throttle reads. A zero
// time means "never".
type Respondent struct {
	ContactID int64
	ChatID    int64  // 0: not linked
	Language  string // Telegram's language_code of the chat
	Consent   Consent
	// ConsentText is the version of the consent text the customer saw.
	ConsentText   string
	OptedOutAt    time.Time
	UnreachableAt time.Time
	NotNowAt      time.Time
	// DetractorAt is the last detractor answer; the pause holds until
	// HandledAt is after it.
	DetractorAt time.Time
	HandledAt   time.Time
	HandledBy   string
	HandledNote string
}

// OptedOut reports whether the customer opted out and has not opted back in.
func (c *Respondent) OptedOut() bool { return !c.OptedOutAt.IsZero() }

// Paused reports whether a detractor answer awaits its owner.
func (c *Respondent) Paused() bool {
	return !c.DetractorAt.IsZero() && c.HandledAt.Before(c.DetractorAt)
}

// SurveyStatus is where one questionnaire sent to one contact stands.
type SurveyStatus string

// The statuses of a survey. Queued waits for the dispatcher; Sending is
// claimed by a sender that has not yet recorded the send (after a crash it
// counts as sent: an invitation goes out at most once); Open was sent and
// awaits answers; Answered, Expired, Denied (by the throttle at the moment
// of sending), Failed and Cancelled are final.
const (
	SurveyQueued    SurveyStatus = "queued"
	SurveySending   SurveyStatus = "sending"
	SurveyOpen      SurveyStatus = "open"
	SurveyAnswered  SurveyStatus = "answered"
	SurveyExpired   SurveyStatus = "expired"
	SurveyDenied    SurveyStatus = "denied"
	SurveyFailed    SurveyStatus = "failed"
	SurveyCancelled SurveyStatus = "cancelled"
)

// Final reports whether nothing more happens to a survey in status s.
func (s SurveyStatus) Final() bool {
	return s != SurveyQueued && s != SurveySending && s != SurveyOpen
}

// Survey is one questionnaire sent (or to be sent) to one contact: the
// dispatcher's outbox row and the conversation's state.
type Survey struct {
	ID            int64
	ContactID     int64
	Questionnaire string
	Version       int
	Status        SurveyStatus
	// Reason holds the throttle's reason codes, comma-separated, of the
	// last deferral or of the denial.
	Reason      string
	RequestedBy string
	RequestedAt time.Time
	// NextAt is when the dispatcher looks at the survey again: the send of
	// a queued one, the reminder or the expiry of an open one.
	NextAt     time.Time
	SentAt     time.Time
	RemindedAt time.Time
	AnsweredAt time.Time
	ExpiresAt  time.Time
	// Started is set once the customer tapped Start; Position is the index
	// of the question being asked; Toggled holds the options ticked so far
	// on a multi question.
	Started  bool
	Position int
	Toggled  []string
	// Via is the transport it was delivered through: telegram or console.
	Via       string
	MessageID int64
	Attempts  int
	// ConsentEventID is the entry of the consent ledger its send relied
	// on: the customer's consent in force when it left.
	ConsentEventID int64
}

// Toggle adds option to the survey's ticked options, or removes it.
func (s *Survey) Toggle(option string) {
	for i, o := range s.Toggled {
		if o == option {
			s.Toggled = append(s.Toggled[:i], s.Toggled[i+1:]...)
			return
		}
	}
	s.Toggled = append(s.Toggled, option)
}

// Ticked reports whether option is ticked.
func (s *Survey) Ticked(option string) bool {
	for _, o := range s.Toggled {
		if o == option {
			return true
		}
	}
	return false
}

// StoredAnswer is an answer as kept: its survey, contact and time.
type StoredAnswer struct {
	SurveyID      int64  `json:"survey_id"`
	ContactID     int64  `json:"contact_id,omitempty"` // 0 once the contact is erased
	Questionnaire string `json:"questionnaire"`
	Answer
	At time.Time `json:"at"`
}

// InviteTokenLength is the length of the tokens NewInviteToken makes.
const InviteTokenLength = 32

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// NewInviteToken returns a random token of InviteTokenLength characters of
// A-Za-z0-9_- (192 bits), as Telegram's deep links accept.
func NewInviteToken() string {
	b := make([]byte, InviteTokenLength)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(tokenAlphabet[c&63])
	}
	return sb.String()
}

// ValidInviteToken reports whether s may be an invite token: 1 to 64
// characters of A-Za-z0-9_-.
func ValidInviteToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return !strings.ContainsRune(tokenAlphabet, r) })
}

// NewHistory assembles what the throttle knows of contact c: its respondent
// record r (nil when the contact never linked a chat: no consent), its
// surveys and the sends to its company within the company cap's window.
// Every survey that was sent counts, including one the customer declined
// with "Not now" (cancelled after it was sent); queued ones are listed in
// Queued.
// The last sales interaction is the contact's last contact.
func NewHistory(c *Contact, r *Respondent, surveys []Survey, companySends []time.Time, now time.Time) History {
	h := History{
		Zone:            Zone(c.TimeZone),
		Frequency:       c.Frequency,
		LastInteraction: c.LastContactAt,
		CompanySends:    companySends,
	}
	if r != nil {
		h.Consent = r.Consent
		h.OptedOut, h.OptedOutAt = r.OptedOut(), r.OptedOutAt
		h.Unreachable, h.UnreachableAt = !r.UnreachableAt.IsZero(), r.UnreachableAt
		h.NotNowAt = r.NotNowAt
		h.Detractor = DetractorPause{Since: r.DetractorAt, Handled: !r.Paused()}
	}
	for _, s := range surveys {
		switch {
		case s.Status == SurveyQueued:
			h.Queued = append(h.Queued, s.Questionnaire)
		case s.Status == SurveyCancelled && s.SentAt.IsZero(), s.Status == SurveyDenied, s.Status == SurveyFailed:
			// never sent: not a solicitation
		default:
			h.Sends = append(h.Sends, Send{Questionnaire: s.Questionnaire, SentAt: s.SentAt,
				AnsweredAt: s.AnsweredAt, ReminderSent: !s.RemindedAt.IsZero(),
				Declined: s.Status == SurveyCancelled})
		}
		if (s.Status == SurveySending || s.Status == SurveyOpen) && (s.ExpiresAt.IsZero() || s.ExpiresAt.After(now)) {
			h.Open = OpenAsk{Questionnaire: s.Questionnaire, Expires: s.ExpiresAt}
		}
	}
	return h
}

var zones sync.Map // time zone name → *time.Location

// Zone returns the time zone named name, or nil when name is empty or
// unknown (the policy's zone then applies). Zones are loaded once.
func Zone(name string) *time.Location {
	if name == "" {
		return nil
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = nil
	}
	zones.Store(name, l)
	return l
}

// AnswerCount is how many answers to one question carry one value.
type AnswerCount struct {
	Question string
	Type     QuestionType
	Value    string // as Answer.Value writes it
	N        int
}

// SurveyRun is the summary of one `survey send`: how many contacts got
// each outcome, and each reason ("allow", "defer:quiet_hours",
// "deny:no_consent", "skip:already_queued").
type SurveyRun struct {
	Questionnaire string
	RequestedBy   string
	At            time.Time
	Audience      int
	Counts        map[string]int
}

// QuestionnaireWeek is what the digest says of questionnaires over a week:
// how many were sent and answered, the sends held back by reason (by `survey
// send` plans and at the moment of sending), and the CSAT and NPS answers.
type QuestionnaireWeek struct {
	Sent     int `json:"sent"`
	Answered int `json:"answered"`
	// TriggeredSent and TriggeredAnswered count, of those, the
	// questionnaires their triggers asked (a week after a sale…).
	TriggeredSent     int            `json:"triggered_sent"`
	TriggeredAnswered int            `json:"triggered_answered"`
	Deferred          map[string]int `json:"deferred_by_reason"`
	Denied            map[string]int `json:"denied_by_reason"`
	Ratings           int            `json:"csat_answers"`
	Satisfied         int            `json:"csat_satisfied"` // ratings of 4 or 5
	NPSCount          int            `json:"nps_answers"`
	Promoters         int            `json:"nps_promoters"` // 9 or 10
	Detractor         int            `json:"nps_detractors"`
}

// ResponseRate is the share of the week's sends answered, in %.
func (q QuestionnaireWeek) ResponseRate() float64 { return percent(q.Answered, q.Sent) }

// CSAT is the share of ratings of 4 or 5, in %.
func (q QuestionnaireWeek) CSAT() float64 { return percent(q.Satisfied, q.Ratings) }

// NPS is promoters minus detractors, in points.
func (q QuestionnaireWeek) NPS() float64 {
	return percent(q.Promoters, q.NPSCount) - percent(q.Detractor, q.NPSCount)
}

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}
