package survey

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
)

// optOut is /stop and the invitation's Never: final until /start.
func (cv *conv) optOut() error {
	cv.r.OptedOutAt, cv.r.Consent.WithdrawnAt = cv.now, cv.now
	if err := cv.s.Store.SaveRespondent(cv.ctx, cv.r); err != nil {
		return err
	}
	// The conversation has the contact and its chat already.
	if err := cv.s.Store.Suppress(cv.ctx, cv.contact.Email, cv.contact.Phone, cv.r.ChatID, domain.SuppressOptedOut, cv.now); err != nil {
		return err
	}
	if err := cv.ledger(domain.ConsentWithdrawn); err != nil {
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
	// An erasure withdraws any consent; the entry holds the contact's id,
	// no personal data, and stays as the proof of what came before.
	if last, ok, err := s.Store.LatestConsent(ctx, contactID); err != nil {
		return err
	} else if ok && last.Kind == domain.ConsentGiven {
		if err := s.Store.AppendConsent(ctx, &domain.ConsentEvent{ContactID: contactID, Kind: domain.ConsentWithdrawn, Channel: "erasure", At: now}); err != nil {
			return err
		}
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
// suppression list for reason, read from the database (an admin's erasure
// has neither at hand).
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

// myData is /mydata: everything kept about the customer, in their
// language — fields, our exchanges with them and our notes, orders,
// questionnaires and answers, and their consent step by step — in as many
// messages as Telegram's size needs.
func (cv *conv) myData() error {
	c := cv.contact
	p := locale.For(locale.English)
	if l, ok := locale.Parse(cv.lang); ok {
		p = locale.For(l)
	}
	lines := []string{say(cv.lang, txtMyDataHead)}
	for _, f := range domain.FieldNames() {
		if v := c.Display(f); v != "" && f != "owner" && f != "score" && f != "grade" {
			lines = append(lines, "• "+fieldName(p, f)+": "+v)
		}
	}
	for _, k := range c.AttrKeys() {
		lines = append(lines, "• "+k+": "+c.Attrs[k])
	}
	more, err := cv.activity(p)
	if err != nil {
		return err
	}
	lines = append(lines, more...)
	if more, err = cv.questionnaires(p); err != nil {
		return err
	}
	lines = append(lines, more...)
	lines = append(lines, say(cv.lang, txtMyDataForget))
	for _, m := range chunks(lines, maxMessage) {
		cv.send(m, nil)
	}
	return nil
}

// mydataMax bounds the exchanges and orders listed: a customer record,
// not a database dump.
const mydataMax = 1000

// activity lists the customer's interactions (with our notes) and orders.
func (cv *conv) activity(p *locale.Printer) ([]string, error) {
	var lines []string
	is, err := cv.s.Store.RecentInteractions(cv.ctx, cv.contact.ID, mydataMax)
	if err != nil {
		return nil, err
	}
	if len(is) > 0 {
		lines = append(lines, say(cv.lang, txtMyDataExchanges))
	}
	for _, i := range is {
		lines = append(lines, strings.TrimRight("• "+p.Date(i.At)+" "+string(i.Kind)+" "+i.Note, " "))
	}
	os, err := cv.s.Store.RecentOrders(cv.ctx, cv.contact.ID, mydataMax)
	if err != nil {
		return nil, err
	}
	if len(os) > 0 {
		lines = append(lines, say(cv.lang, txtMyDataOrders))
	}
	for _, o := range os {
		lines = append(lines, strings.TrimRight("• "+p.Date(o.Date)+" "+domain.FormatAmount(o.Amount)+" "+o.Note, " "))
	}
	return lines, nil
}

// questionnaires lists the customer's consent, step by step, the
// questionnaires sent and their answers.
func (cv *conv) questionnaires(p *locale.Printer) ([]string, error) {
	c := cv.contact
	state := say(cv.lang, txtConsentOff)
	switch {
	case cv.r.OptedOut():
		state = say(cv.lang, txtOptedOut, p.Date(cv.r.OptedOutAt))
	case consented(cv.r):
		state = say(cv.lang, txtConsentOn, p.Date(cv.r.Consent.At))
	}
	lines := []string{say(cv.lang, txtMyDataConsent, state)}
	events, err := cv.s.Store.ConsentEvents(cv.ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if len(events) > 0 {
		lines = append(lines, say(cv.lang, txtMyDataHistory))
	}
	for _, e := range events {
		id := map[domain.ConsentKind]textID{domain.ConsentGiven: txtLedgerGiven, domain.ConsentRefused: txtLedgerRefused}[e.Kind]
		if id == 0 {
			id = txtLedgerWithdrawn
		}
		lines = append(lines, "• "+say(cv.lang, id, p.Date(e.At)))
	}
	list, err := cv.s.Store.SurveysOf(cv.ctx, c.ID)
	if err != nil {
		return nil, err
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
	lines = append(lines, say(cv.lang, txtMyDataSurveys, sent, answered))
	answers, err := cv.s.Store.Answers(cv.ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	if len(answers) > 0 {
		lines = append(lines, say(cv.lang, txtMyDataAnswers))
	}
	for _, a := range answers {
		// An answer to a questionnaire removed since reads as its value.
		q, ok := cv.s.questionnaire(a.Questionnaire)
		if !ok {
			q = domain.Questionnaire{ID: a.Questionnaire}
		}
		lines = append(lines, "• "+a.Questionnaire+"/"+a.Question+": "+cv.label(q, a.Answer))
	}
	return lines, nil
}

// fieldName is a contact field's name in p's language, as the team's
// catalogs name it, else as it is.
func fieldName(p *locale.Printer, f string) string {
	if locale.Has(p.Lang(), f) {
		return p.T(f)
	}
	return f
}

// maxMessage is under Telegram's 4,096 characters a message.
const maxMessage = 4000

// chunks joins lines into texts of at most limit characters, a line never
// cut (one longer than limit is cut at it).
func chunks(lines []string, limit int) []string {
	var out []string
	var b strings.Builder
	for _, l := range lines {
		if r := []rune(l); len(r) > limit {
			l = string(r[:limit])
		}
		if b.Len() > 0 && utf8.RuneCountInString(b.String())+1+utf8.RuneCountInString(l) > limit {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
