package survey

import (
	"time"

	"github.com/crmbot/crmbot/domain"
)

func consented(r *domain.Respondent) bool {
	c := r.Consent
	return c.Given && (c.WithdrawnAt.IsZero() || c.WithdrawnAt.Before(c.At))
}

// start links the chat to the contact of an invite token, or opts a
// linked customer back in, and asks for consent when it is not given.
func (cv *conv) start(token string) error {
	if token != "" {
		if err := cv.link(token); err != nil || cv.r == nil {
			return err
		}
	} else if cv.r == nil {
		cv.send(say(cv.lang, txtNotLinked), nil)
		return nil
	}
	cv.r.UnreachableAt = time.Time{}
	if err := cv.s.Store.SaveRespondent(cv.ctx, cv.r); err != nil {
		return err
	}
	if consented(cv.r) && !cv.r.OptedOut() {
		cv.send(say(cv.lang, txtAlreadyLinked), nil)
		return nil
	}
	cv.askConsent()
	return nil
}

// askConsent sends the consent question with its Yes and No buttons.
func (cv *conv) askConsent() {
	cv.send(say(cv.lang, txtConsent), [][]Button{{
		{say(cv.lang, txtConsentYes), "c:yes"}, {say(cv.lang, txtConsentNo), "c:no"}}})
}

// link uses an invite token; a bad one is answered and links nothing.
func (cv *conv) link(token string) error {
	id, err := int64(0), error(nil)
	if domain.ValidInviteToken(token) {
		id, err = cv.s.Store.UseInvite(cv.ctx, token, cv.now)
	}
	if id == 0 {
		if err != nil && domain.ErrorCode(err) != domain.Invalid {
			return err
		}
		cv.send(say(cv.lang, txtBadLink), nil)
		cv.r = nil
		return nil
	}
	r, err := cv.s.Store.Respondent(cv.ctx, id)
	if err != nil {
		return err
	}
	if r == nil {
		r = &domain.Respondent{ContactID: id}
	}
	r.ChatID, r.Language = cv.chat.ID, cv.chat.Language
	cv.r = r
	if cv.contact, err = cv.s.Store.Contact(cv.ctx, id); err != nil {
		return err
	}
	cv.setLang()
	return nil
}

func (cv *conv) consent(messageID int64, yes bool) error {
	r := cv.r
	r.ConsentText = ConsentVersion
	if yes {
		r.Consent.Given, r.Consent.At, r.OptedOutAt = true, cv.now, time.Time{}
	} else {
		r.Consent.Given, r.Consent.At = false, cv.now
	}
	if err := cv.s.Store.SaveRespondent(cv.ctx, r); err != nil {
		return err
	}
	kind := domain.ConsentRefused
	if yes {
		kind = domain.ConsentGiven
	}
	if err := cv.ledger(kind); err != nil {
		return err
	}
	choice := say(cv.lang, txtConsentNo)
	if yes {
		choice = say(cv.lang, txtConsentYes)
	}
	cv.edit(messageID, say(cv.lang, txtConsent)+"\n\n✓ "+choice)
	if !yes {
		cv.send(say(cv.lang, txtConsentRefused), nil)
		return nil
	}
	cv.send(say(cv.lang, txtConsentGiven), nil)
	if cv.chat.ID == 0 {
		return cv.resume()
	}
	return nil
}

// ledger appends what the customer did with their consent to the ledger,
// with the channel they did it in and the consent text they saw.
func (cv *conv) ledger(kind domain.ConsentKind) error {
	channel := "telegram"
	if cv.chat.ID == 0 {
		channel = "console"
	}
	return cv.s.Store.AppendConsent(cv.ctx, &domain.ConsentEvent{ContactID: cv.r.ContactID, Kind: kind, Channel: channel,
		TextVersion: ConsentVersion, At: cv.now})
}
