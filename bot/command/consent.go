package command

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// respondentReader reads a contact's respondent record: nil when the
// contact never linked a chat nor answered the consent question.
// *survey.Service is meant to satisfy it (Respondent); until it does, the
// card reads the record through the service's Store.
type respondentReader interface {
	Respondent(ctx context.Context, contactID int64) (*domain.Respondent, error)
}

// respondent reads the respondent record of contact id through the
// survey service.
func (e *Executor) respondent(ctx context.Context, id int64) (*domain.Respondent, error) {
	var rr respondentReader = e.Surveys.Store
	if svc, ok := any(e.Surveys).(respondentReader); ok {
		rr = svc
	}
	return rr.Respondent(ctx, id)
}

// ConsentState is a contact's questionnaire consent as the card shows it.
type ConsentState struct {
	// State is none, given, refused, withdrawn or opted_out.
	State string    `json:"state"`
	At    time.Time `json:"at,omitzero"`
	// TelegramLinked reports whether a Telegram chat is linked.
	TelegramLinked   bool      `json:"telegram_linked"`
	UnreachableSince time.Time `json:"unreachable_since,omitzero"`
	// DetractorPauseSince is set while a detractor answer awaits its
	// owner's handled.
	DetractorPauseSince time.Time `json:"detractor_pause_since,omitzero"`
	// Text is the state in words, as the card writes it.
	Text string `json:"text"`
}

// consentState reads the consent state of c; nil when questionnaires are
// not set up in this process.
func (e *Executor) consentState(ctx context.Context, c *domain.Contact) (*ConsentState, error) {
	if e.Surveys == nil {
		return nil, nil
	}
	r, err := e.respondent(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return describeConsent(r, c, e.Loc), nil
}

func describeConsent(r *domain.Respondent, c *domain.Contact, loc *time.Location) *ConsentState {
	if loc == nil {
		loc = time.UTC
	}
	day := func(t time.Time) string { return domain.FormatDate(t.In(loc)) }
	s := &ConsentState{State: "none", Text: "none recorded"}
	if r != nil {
		k := r.Consent
		switch {
		case r.OptedOut():
			s.State, s.At, s.Text = "opted_out", r.OptedOutAt, "opted out on "+day(r.OptedOutAt)
		case k.Given && (k.WithdrawnAt.IsZero() || k.WithdrawnAt.Before(k.At)):
			s.State, s.At, s.Text = "given", k.At, "given on "+day(k.At)
		case k.Given:
			s.State, s.At, s.Text = "withdrawn", k.WithdrawnAt, "withdrawn on "+day(k.WithdrawnAt)
		case !k.At.IsZero():
			s.State, s.At, s.Text = "refused", k.At, "refused on "+day(k.At)
		}
		s.TelegramLinked = r.ChatID != 0
		s.UnreachableSince = r.UnreachableAt
		if r.Paused() {
			s.DetractorPauseSince = r.DetractorAt
		}
	}
	if !s.UnreachableSince.IsZero() {
		s.Text += "; unreachable since " + day(s.UnreachableSince) + " (blocked the bot)"
	}
	if !s.DetractorPauseSince.IsZero() {
		s.Text += "; detractor pause since " + day(s.DetractorPauseSince) + " — handled " + c.Ref() + " lifts it"
	}
	if s.TelegramLinked {
		s.Text += "; Telegram linked"
	} else {
		s.Text += "; no Telegram chat linked — invite " + c.Ref() + " makes a link"
	}
	return s
}

// Card is the data of a show reply: the contact card and, when
// questionnaires are set up, the consent state.
type Card struct {
	*crm.Card
	Consent *ConsentState `json:"consent,omitempty"`
}

// consentSection draws the consent state on the card.
func consentSection(s *ConsentState) reply.Section {
	if s == nil {
		return reply.Section{Heading: "Consent", Text: "Telegram questionnaires are not set up in this crmbot process."}
	}
	return reply.Section{Heading: "Consent", Text: "Questionnaires: " + s.Text + "."}
}
