package command

import (
	"context"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/locale"
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
	// Suppressed is the contact's match on the suppression list: its email,
	// phone or Telegram account opted out or was erased under another
	// contact, so it is not asked unless it consents again.
	Suppressed *domain.Suppression `json:"suppressed,omitempty"`
	// History is the consent ledger's entries, oldest first: every
	// consent given, refused or withdrawn.
	History []domain.ConsentEvent `json:"history,omitempty"`
	// Text is the state in words, in English; text as the card writes it,
	// in its reader's language.
	Text string `json:"text"`
	text string
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
	sup, err := e.Surveys.Suppression(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	s := describeConsent(locale.From(ctx), r, sup, c, e.Loc)
	if s.History, err = e.Surveys.Store.ConsentEvents(ctx, c.ID); err != nil {
		return nil, err
	}
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

// describeConsent reads the consent state of c; its Text is English (the
// data's), its text in p's language (the card's).
func describeConsent(p *locale.Printer, r *domain.Respondent, sup domain.Suppression, c *domain.Contact, loc *time.Location) *ConsentState {
	if loc == nil {
		loc = time.UTC
	}
	s := &ConsentState{State: "none"}
	if !sup.At.IsZero() && (r == nil || !sup.Lifted(r.Consent)) {
		s.Suppressed = &sup
	}
	if r != nil {
		k := r.Consent
		switch {
		case r.OptedOut():
			s.State, s.At = "opted_out", r.OptedOutAt
		case k.Given && (k.WithdrawnAt.IsZero() || k.WithdrawnAt.Before(k.At)):
			s.State, s.At = "given", k.At
		case k.Given:
			s.State, s.At = "withdrawn", k.WithdrawnAt
		case !k.At.IsZero():
			s.State, s.At = "refused", k.At
		}
		s.TelegramLinked = r.ChatID != 0
		s.UnreachableSince = r.UnreachableAt
		if r.Paused() {
			s.DetractorPauseSince = r.DetractorAt
		}
	}
	s.Text, s.text = consentText(locale.For(locale.English), s, c, loc), consentText(p, s, c, loc)
	return s
}

// consentStates are the words of each consent state, a date after them.
var consentStates = map[string]string{
	"opted_out": locale.Key("opted out on %s"),
	"given":     locale.Key("given on %s"),
	"withdrawn": locale.Key("withdrawn on %s"),
	"refused":   locale.Key("refused on %s"),
}

// consentText writes the consent state s of c in p's language.
func consentText(p *locale.Printer, s *ConsentState, c *domain.Contact, loc *time.Location) string {
	day := func(t time.Time) string { return p.Date(t.In(loc)) }
	text := p.T("none recorded")
	if f, ok := consentStates[s.State]; ok {
		text = p.T(f, day(s.At))
	}
	if sup := s.Suppressed; sup != nil {
		if sup.Reason == domain.SuppressErased {
			text += p.T("; opted out from the start: its email, phone or Telegram account belonged to a person erased on %s at their request", day(sup.At))
		} else {
			text += p.T("; opted out from the start: its email, phone or Telegram account opted out on %s", day(sup.At))
		}
	}
	if !s.UnreachableSince.IsZero() {
		text += p.T("; unreachable since %s (blocked the bot)", day(s.UnreachableSince))
	}
	if !s.DetractorPauseSince.IsZero() {
		text += p.T("; detractor pause since %s — handled %s lifts it", day(s.DetractorPauseSince), c.Ref())
	}
	if s.TelegramLinked {
		return text + p.T("; Telegram linked")
	}
	return text + p.T("; no Telegram chat linked — invite %s makes a link", c.Ref())
}

// Card is the data of a show reply: the contact card and, when
// questionnaires are set up, the consent state.
type Card struct {
	*crm.Card
	Consent *ConsentState `json:"consent,omitempty"`
	// Persona is the persona of the last run of personas closest to the
	// contact, prospects included.
	Persona *personas.Closest `json:"persona,omitempty"`
}

// consentSection draws the consent state on the card.
func consentSection(p *locale.Printer, s *ConsentState) reply.Section {
	if s == nil {
		return reply.Section{Heading: p.T("Consent"), Text: p.T("Telegram questionnaires are not set up in this crmbot process.")}
	}
	text := p.T("Questionnaires: %s.", s.text)
	if h := s.History; len(h) > 0 {
		steps := make([]string, 0, historyShown)
		for _, e := range h[max(0, len(h)-historyShown):] {
			steps = append(steps, p.T(ledgerWords[e.Kind], p.Date(e.At), e.Channel))
		}
		text += "\n" + p.N(len(h), "Consent history (%d entry): %s", "Consent history (%d entries, the last shown): %s", len(h), strings.Join(steps, " → "))
	}
	if len(s.Answers) > 0 {
		last := s.Answers[len(s.Answers)-1]
		parts := make([]string, 0, len(s.Answers))
		for _, a := range s.Answers {
			if !a.Skipped {
				parts = append(parts, a.Question+" "+a.Value())
			}
		}
		text += "\n" + p.T("Last answers (%s, %s): %s", last.Questionnaire, p.Date(last.At), strings.Join(parts, " · "))
	}
	return reply.Section{Heading: p.T("Consent"), Text: text}
}

// historyShown is how many ledger entries the card shows, the last ones.
const historyShown = 5

// ledgerWords write a ledger entry: its kind, day and channel.
var ledgerWords = map[domain.ConsentKind]string{
	domain.ConsentGiven:     locale.Key("given %s (%s)"),
	domain.ConsentRefused:   locale.Key("refused %s (%s)"),
	domain.ConsentWithdrawn: locale.Key("withdrawn %s (%s)"),
}
