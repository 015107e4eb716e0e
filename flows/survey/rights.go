package survey

import (
	"context"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// optOut is /stop and the invitation's Never: final until /start.
func (cv *conv) optOut() error {
	cv.r.OptedOutAt, cv.r.Consent.WithdrawnAt = cv.now, cv.now
	if err := cv.s.Store.SaveRespondent(cv.ctx, cv.r); err != nil {
		return err
	}
	if err := cv.s.suppress(cv.ctx, cv.r.ContactID, domain.SuppressOptedOut, cv.now); err != nil {
		return err
	}
	if err := cv.cancelActive(string(domain.OptedOut)); err != nil {
		return err
	}
	cv.send(say(cv.lang, txtStopped), nil)
	return nil
}

// cancelActive cancels the contact's queued and open surveys.
func (cv *conv) cancelActive(reason string) error {
	return cv.s.cancelActive(cv.ctx, cv.r.ContactID, reason)
}

// cancelActive cancels the contact's queued and open surveys, with reason.
func (s *Service) cancelActive(ctx context.Context, contactID int64, reason string) error {
	list, err := s.Store.SurveysOf(ctx, contactID)
	if err != nil {
		return err
	}
	for i := range list {
		sv := &list[i]
		if sv.Status != domain.SurveyQueued && sv.Status != domain.SurveyOpen {
			continue
		}
		sv.Status, sv.Reason, sv.NextAt = domain.SurveyCancelled, reason, time.Time{}
		var err error
		if sv.Started && reason != "forgotten" {
			err = s.ended(ctx, sv)
		} else {
			err = s.Store.UpdateSurvey(ctx, sv)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Erase erases a contact's personal data at the team's request (an
// admin's forget), as the customer's /forget does: its questionnaires
// under way are cancelled, its data erased (Store.Forget), and the erasure
// recorded with who asked and when; once that is committed, the database's
// log is emptied of it.
func (s *Service) Erase(ctx context.Context, contactID int64, by string) error {
	err := s.Store.InTx(ctx, func(ctx context.Context) error { return s.erase(ctx, contactID, by, s.now()) })
	if err != nil {
		return err
	}
	s.emptyLog(ctx)
	return nil
}

// erase does what an erasure does, in the transaction of ctx: the
// person's email, phone and Telegram chat go on the suppression list (as
// keyed hashes: re-imported later, they are not asked again), their
// questionnaires under way are cancelled, their data erased and the
// erasure recorded.
func (s *Service) erase(ctx context.Context, contactID int64, by string, now time.Time) error {
	if err := s.suppress(ctx, contactID, domain.SuppressErased, now); err != nil {
		return err
	}
	if err := s.cancelActive(ctx, contactID, "forgotten"); err != nil {
		return err
	}
	if err := s.Store.Forget(ctx, contactID); err != nil {
		return err
	}
	return s.Store.RecordErasure(ctx, contactID, by, now)
}

// suppress puts contactID's email, phone and Telegram chat on the
// suppression list for reason.
func (s *Service) suppress(ctx context.Context, contactID int64, reason domain.SuppressReason, now time.Time) error {
	c, err := s.Store.Contact(ctx, contactID)
	if err != nil {
		return err
	}
	r, err := s.Store.Respondent(ctx, contactID)
	if err != nil {
		return err
	}
	var chat int64
	if r != nil {
		chat = r.ChatID
	}
	return s.Store.Suppress(ctx, c.Email, c.Phone, chat, reason, now)
}

// emptyLog empties the database's log after an erasure, or logs why it
// could not (the log is overwritten as it is reused anyway).
func (s *Service) emptyLog(ctx context.Context) {
	if err := s.Store.EmptyLog(ctx); err != nil {
		s.log().WarnContext(ctx, "an erasure is committed, but the database's log still holds it until it is reused", "err", err)
	}
}

// askForget is /forget: it asks the customer to confirm the erasure.
func (cv *conv) askForget() {
	cv.send(say(cv.lang, txtForgetAsk), [][]Button{{
		{say(cv.lang, txtForgetYes), "f:yes"}, {say(cv.lang, txtForgetNo), "f:no"}}})
}

// forget answers the confirmation of /forget: yes erases the contact.
func (cv *conv) forget(messageID int64, yes bool) error {
	cv.edit(messageID, say(cv.lang, txtForgetAsk))
	if !yes {
		cv.send(say(cv.lang, txtForgetKept), nil)
		return nil
	}
	if err := cv.s.erase(cv.ctx, cv.r.ContactID, "the customer (/forget)", cv.now); err != nil {
		return err
	}
	cv.erased = true
	cv.send(say(cv.lang, txtForgotten), nil)
	return nil
}

func (cv *conv) myData() error {
	c := cv.contact
	var b strings.Builder
	b.WriteString(say(cv.lang, txtMyDataHead))
	for _, f := range domain.FieldNames() {
		if v := c.Display(f); v != "" && f != "owner" && f != "score" && f != "grade" {
			b.WriteString("\n• " + f + ": " + v)
		}
	}
	for _, k := range c.AttrKeys() {
		b.WriteString("\n• " + k + ": " + c.Attrs[k])
	}
	state := say(cv.lang, txtConsentOff)
	switch {
	case cv.r.OptedOut():
		state = say(cv.lang, txtOptedOut, day(cv.r.OptedOutAt))
	case consented(cv.r):
		state = say(cv.lang, txtConsentOn, day(cv.r.Consent.At))
	}
	b.WriteString("\n" + say(cv.lang, txtMyDataConsent, state))
	list, err := cv.s.Store.SurveysOf(cv.ctx, c.ID)
	if err != nil {
		return err
	}
	sent, answered := 0, 0
	for _, sv := range list {
		if !sv.SentAt.IsZero() {
			sent++
		}
		if sv.Status == domain.SurveyAnswered {
			answered++
		}
	}
	b.WriteString("\n" + say(cv.lang, txtMyDataSurveys, sent, answered))
	answers, err := cv.s.Store.Answers(cv.ctx, c.ID, 0)
	if err != nil {
		return err
	}
	if len(answers) > 0 {
		b.WriteString("\n" + say(cv.lang, txtMyDataAnswers))
	}
	for _, a := range answers {
		// An answer to a questionnaire removed since reads as its value.
		q, ok := cv.s.questionnaire(a.Questionnaire)
		if !ok {
			q = domain.Questionnaire{ID: a.Questionnaire}
		}
		b.WriteString("\n• " + a.Questionnaire + "/" + a.Question + ": " + cv.label(q, a.Answer))
	}
	b.WriteString("\n" + say(cv.lang, txtMyDataForget))
	cv.send(b.String(), nil)
	return nil
}

func day(t time.Time) string { return t.Format("2006-01-02") }
