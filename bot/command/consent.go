package command

import (
	"context"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

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
	// Answers are the answers to the last questionnaire answered (or
	// begun), oldest first.
	Answers []domain.StoredAnswer `json:"answers,omitempty"`
}

// consentState reads the consent state of c; nil when questionnaires are
// not set up in this process.
func (e *Executor) consentState(ctx context.Context, c *domain.Contact) (*ConsentState, error) {
	if e.Surveys == nil {
		return nil, nil
	}
	r, err := e.Surveys.Respondent(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	s := describeConsent(r, c, e.Loc)
	answers, err := e.Surveys.Store.Answers(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	// Only the last survey's: a card, not the customer's whole record.
	for i := len(answers) - 1; i >= 0 && answers[i].SurveyID == answers[len(answers)-1].SurveyID; i-- {
		s.Answers = append([]domain.StoredAnswer{answers[i]}, s.Answers...)
	}
	return s, nil
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
	text := "Questionnaires: " + s.Text + "."
	if len(s.Answers) > 0 {
		last := s.Answers[len(s.Answers)-1]
		parts := make([]string, 0, len(s.Answers))
		for _, a := range s.Answers {
			if !a.Skipped {
				parts = append(parts, a.Question+" "+a.Value())
			}
		}
		text += "\nLast answers (" + last.Questionnaire + ", " + domain.FormatDate(last.At) + "): " + strings.Join(parts, " · ")
	}
	return reply.Section{Heading: "Consent", Text: text}
}
