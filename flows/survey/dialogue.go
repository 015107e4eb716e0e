package survey

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// current returns the contact's open survey (locked) and its
// questionnaire, nil if none. One still recorded as sending is open too:
// the customer may tap its invitation before the sender has recorded that
// it left. One whose questionnaire the configuration no longer has is
// closed, and the customer told so (cv.closed): it can be answered no
// more.
func (cv *conv) current() (*domain.Survey, domain.Questionnaire, error) {
	list, err := cv.s.Store.SurveysOf(cv.ctx, cv.r.ContactID)
	if err != nil {
		return nil, domain.Questionnaire{}, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Status != domain.SurveyOpen && list[i].Status != domain.SurveySending {
			continue
		}
		sv, err := cv.s.Store.LockSurvey(cv.ctx, list[i].ID)
		if err != nil {
			return nil, domain.Questionnaire{}, err
		}
		q, err := cv.s.questionnaireOf(sv)
		if err != nil {
			cv.closed = true
			cv.send(say(cv.lang, txtExpired), nil)
			return nil, q, cv.s.ended(cv.ctx, cv.s.dropRemoved(sv, err))
		}
		return sv, q, nil
	}
	return nil, domain.Questionnaire{}, nil
}

// expireIfDue closes sv when its time is up, and says so.
func (cv *conv) expireIfDue(sv *domain.Survey) (bool, error) {
	if sv.ExpiresAt.IsZero() || cv.now.Before(sv.ExpiresAt) {
		return false, nil
	}
	sv.Status, sv.NextAt = domain.SurveyExpired, time.Time{}
	cv.send(say(cv.lang, txtExpired), nil)
	return true, cv.s.ended(cv.ctx, sv)
}

// invitation handles the invitation's buttons: "s:<survey>:start|later|never".
func (cv *conv) invitation(messageID int64, rest string) error {
	idText, action, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil { // not a button of ours
		cv.reply.Notice = say(cv.lang, txtClosed)
		return nil
	}
	sv, q, err := cv.current()
	if err != nil {
		return err
	}
	if sv == nil || sv.ID != id {
		cv.reply.Notice = say(cv.lang, txtClosed)
		return nil
	}
	if gone, err := cv.expireIfDue(sv); gone || err != nil {
		return err
	}
	cv.edit(messageID, cv.invitationText(q, false))
	switch action {
	case "start":
		if sv.Started {
			return cv.askCurrent(q, sv)
		}
		sv.Started, sv.Position = true, 0
		if err := cv.s.Store.UpdateSurvey(cv.ctx, sv); err != nil {
			return err
		}
		return cv.askCurrent(q, sv)
	case "later":
		cv.r.NotNowAt = cv.now
		if err := cv.s.Store.SaveRespondent(cv.ctx, cv.r); err != nil {
			return err
		}
		sv.Status, sv.Reason, sv.NextAt = domain.SurveyCancelled, string(domain.NotNow), time.Time{}
		cv.send(say(cv.lang, txtLaterOK), nil)
		// Ended, as an expiry or a /stop ends it: detractor answers
		// given before "Not now" still owe the owner an alert.
		return cv.s.ended(cv.ctx, sv)
	case "never":
		return cv.optOut()
	}
	cv.reply.Notice = say(cv.lang, txtClosed)
	return nil
}

func (cv *conv) invitationText(q domain.Questionnaire, reminder bool) string {
	key := txtInvitation
	if reminder {
		key = txtReminder
	}
	return say(cv.lang, key, q.Title.In(cv.lang), len(q.Questions))
}

// invitationButtons are the invitation's Start, Not now and Never.
func invitationButtons(lang string, id int64) [][]Button {
	p := "s:" + strconv.FormatInt(id, 10) + ":"
	return [][]Button{{{say(lang, txtStart), p + "start"}}, {{say(lang, txtNotNow), p + "later"}, {say(lang, txtNever), p + "never"}}}
}

// question returns the question of q that sv is at; false once past the
// last.
func question(q domain.Questionnaire, sv *domain.Survey) (domain.Question, bool) {
	if sv.Position >= len(q.Questions) {
		return domain.Question{}, false
	}
	return q.Questions[sv.Position], true
}

// askCurrent sends the question of q that sv is at, with its progress and
// buttons.
func (cv *conv) askCurrent(q domain.Questionnaire, sv *domain.Survey) error {
	qu, ok := question(q, sv)
	if !ok {
		return cv.finish(sv)
	}
	cv.send(cv.questionText(q, sv.Position, qu), cv.buttons(q, qu, sv))
	return nil
}

func (cv *conv) questionText(q domain.Questionnaire, pos int, qu domain.Question) string {
	text := q.Title.In(cv.lang) + " — " + strconv.Itoa(pos+1) + "/" + strconv.Itoa(len(q.Questions)) + "\n" + qu.Text.In(cv.lang)
	if qu.Type == domain.TextQuestion {
		text += "\n" + say(cv.lang, txtTypeAnswer)
	}
	if qu.Optional {
		text += "\n" + say(cv.lang, txtOptional)
	}
	return text
}

// buttons is the inline keyboard of a question: numbers in rows of at most
// six, one option a row, ticks and Done for multi, none for text.
func (cv *conv) buttons(q domain.Questionnaire, qu domain.Question, sv *domain.Survey) [][]Button {
	values := qu.Buttons()
	var rows [][]Button
	switch qu.Type {
	case domain.TextQuestion:
		return nil
	case domain.RatingQuestion, domain.NPSQuestion, domain.YesNoQuestion:
		for i, v := range values {
			if i%6 == 0 {
				rows = append(rows, nil)
			}
			rows[len(rows)-1] = append(rows[len(rows)-1], Button{cv.valueLabel(qu, v), q.CallbackData(qu.ID, v)})
		}
		return rows
	}
	for _, v := range values {
		label := cv.valueLabel(qu, v)
		if qu.Type == domain.MultiQuestion && sv.Ticked(v) {
			label = "✓ " + label
		}
		rows = append(rows, []Button{{label, q.CallbackData(qu.ID, v)}})
	}
	if qu.Type == domain.MultiQuestion {
		rows = append(rows, []Button{{say(cv.lang, txtDone), q.CallbackData(qu.ID, domain.MultiDone)}})
	}
	return rows
}

// valueLabel is how a button value reads: an option's text, Yes/No, the
// number.
func (cv *conv) valueLabel(qu domain.Question, v string) string {
	switch qu.Type {
	case domain.YesNoQuestion:
		return yesNo(cv.lang, v)
	case domain.ChoiceQuestion, domain.MultiQuestion:
		for _, o := range qu.Options {
			if o.ID == v {
				return o.Text.In(cv.lang)
			}
		}
	}
	return v
}

// label is how an answer to q reads back to the customer: as its value
// when q no longer has its question.
func (cv *conv) label(q domain.Questionnaire, a domain.Answer) string {
	if a.Skipped {
		return say(cv.lang, txtSkipped)
	}
	qu, ok := q.Question(a.Question)
	if !ok || a.Type == domain.TextQuestion || a.Type == domain.RatingQuestion || a.Type == domain.NPSQuestion {
		return a.Value()
	}
	if a.Type == domain.YesNoQuestion {
		return yesNo(cv.lang, a.Value())
	}
	labels := make([]string, len(a.Options))
	for i, o := range a.Options {
		labels[i] = cv.valueLabel(qu, o)
	}
	return strings.Join(labels, ", ")
}

// answerTap handles "q:<questionnaire>:<version>:<question>:<value>". A
// tap on a keyboard of a question no longer asked is answered politely
// and changes nothing.
func (cv *conv) answerTap(messageID int64, rest string) error {
	parts := strings.SplitN(rest, ":", 4)
	sv, q, err := cv.current()
	if err != nil {
		return err
	}
	if len(parts) != 4 || sv == nil || !sv.Started || sv.Questionnaire != parts[0] || strconv.Itoa(sv.Version) != parts[1] {
		cv.reply.Notice = say(cv.lang, txtClosed)
		return nil
	}
	qu, ok := question(q, sv)
	if !ok || qu.ID != parts[2] {
		cv.reply.Notice = say(cv.lang, txtClosed)
		return nil
	}
	if gone, err := cv.expireIfDue(sv); gone || err != nil {
		return err
	}
	value := parts[3]
	if qu.Type == domain.MultiQuestion && value != domain.MultiDone {
		if !slices.Contains(qu.Buttons(), value) {
			cv.reply.Notice = say(cv.lang, txtClosed)
			return nil
		}
		sv.Toggle(value)
		cv.reply.Messages = append(cv.reply.Messages, Message{ChatID: cv.chat.ID, Edit: messageID,
			Text: cv.questionText(q, sv.Position, qu), Buttons: cv.buttons(q, qu, sv)})
		return cv.s.Store.UpdateSurvey(cv.ctx, sv)
	}
	if qu.Type == domain.MultiQuestion {
		value = strings.Join(sv.Toggled, ",")
		if value == "" && !qu.Optional {
			cv.reply.Notice = say(cv.lang, txtChooseOne)
			return nil
		}
	}
	a, err := qu.Parse(value, cv.lang)
	if err != nil {
		cv.reply.Notice = err.Error()
		return nil
	}
	return cv.record(q, sv, qu, a, messageID)
}

// typed handles a typed answer to the question being asked.
func (cv *conv) typed(text string) error {
	sv, q, err := cv.current()
	if err != nil || sv == nil {
		if err == nil && !cv.closed {
			cv.send(say(cv.lang, txtNothingOpen), nil)
		}
		return err
	}
	if gone, err := cv.expireIfDue(sv); gone || err != nil {
		return err
	}
	if !sv.Started {
		cv.send(say(cv.lang, txtTapStart), nil)
		return nil
	}
	qu, ok := question(q, sv)
	if !ok {
		return cv.finish(sv)
	}
	if strings.TrimSpace(text) == "" {
		return cv.askCurrent(q, sv)
	}
	a, err := qu.Parse(text, cv.lang)
	if err != nil {
		cv.send(err.Error(), nil)
		return cv.askCurrent(q, sv)
	}
	return cv.record(q, sv, qu, a, 0)
}

func (cv *conv) skip() error {
	sv, q, err := cv.current()
	if err != nil || cv.closed {
		return err
	}
	if sv == nil || !sv.Started {
		cv.send(say(cv.lang, txtNothingSkip), nil)
		return nil
	}
	qu, ok := question(q, sv)
	if !ok || !qu.Optional {
		cv.send(say(cv.lang, txtCannotSkip), nil)
		return cv.askCurrent(q, sv)
	}
	return cv.record(q, sv, qu, domain.Answer{Question: qu.ID, Type: qu.Type, Skipped: true}, 0)
}

// record stores an answer to question qu of q as it comes, applies what
// it sets to the contact, pauses and alerts on a detractor answer, and
// moves on.
func (cv *conv) record(q domain.Questionnaire, sv *domain.Survey, qu domain.Question, a domain.Answer, messageID int64) error {
	st := cv.s.Store
	err := st.SaveAnswer(cv.ctx, domain.StoredAnswer{SurveyID: sv.ID, ContactID: sv.ContactID,
		Questionnaire: sv.Questionnaire, Answer: a, At: cv.now})
	if err != nil {
		return err
	}
	if err := cv.apply(qu, a); err != nil {
		return err
	}
	if th := cv.s.Policy.Detractor; a.IsDetractor(th.NPSBelow, th.CSATBelow) {
		// Asks pause at once; the owner hears of it when the
		// questionnaire ends, with every bad answer and the comments.
		cv.r.DetractorAt = cv.now
		if err := cv.s.Store.SaveRespondent(cv.ctx, cv.r); err != nil {
			return err
		}
	}
	cv.edit(messageID, cv.questionText(q, sv.Position, qu)+"\n✓ "+cv.label(q, a))
	sv.Position++
	sv.Toggled = nil
	if sv.Position >= len(q.Questions) {
		return cv.finish(sv)
	}
	if err := st.UpdateSurvey(cv.ctx, sv); err != nil {
		return err
	}
	return cv.askCurrent(q, sv)
}

// apply writes an answer into the contact field its question sets.
func (cv *conv) apply(qu domain.Question, a domain.Answer) error {
	if qu.Sets == "" || a.Skipped {
		return nil
	}
	if err := qu.Apply(cv.contact, a, cv.now); err != nil {
		cv.s.log().Warn("answer not applied to the contact", "contact", cv.contact.Ref(), "sets", qu.Sets, "err", err)
		return nil
	}
	if err := cv.s.Store.UpdateContact(cv.ctx, cv.contact); err != nil {
		return err
	}
	if cv.s.Rescore != nil {
		return cv.s.Rescore(cv.ctx, cv.contact.ID)
	}
	return nil
}

func (cv *conv) finish(sv *domain.Survey) error {
	sv.Status, sv.AnsweredAt, sv.NextAt = domain.SurveyAnswered, cv.now, time.Time{}
	cv.send(say(cv.lang, txtThanks), nil)
	return cv.s.ended(cv.ctx, sv)
}

// resume is the console's start: consent first, then the open
// questionnaire, else the queued one if the throttle allows it now.
func (cv *conv) resume() error {
	if !consented(cv.r) || cv.r.OptedOut() {
		cv.askConsent()
		return nil
	}
	sv, q, err := cv.current()
	if err != nil {
		return err
	}
	if sv != nil {
		if gone, err := cv.expireIfDue(sv); gone || err != nil {
			return err
		}
		if sv.Started {
			return cv.askCurrent(q, sv)
		}
		cv.send(cv.invitationText(q, false), invitationButtons(cv.lang, sv.ID))
		return nil
	}
	return cv.deliverQueued()
}

// deliverQueued delivers the contact's first queued survey in the console,
// through the same throttle as the dispatcher.
func (cv *conv) deliverQueued() error {
	list, err := cv.s.Store.SurveysOf(cv.ctx, cv.r.ContactID)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].Status != domain.SurveyQueued {
			continue
		}
		sv, err := cv.s.Store.LockSurvey(cv.ctx, list[i].ID)
		if err != nil {
			return err
		}
		q, err := cv.s.questionnaireOf(sv)
		if err != nil {
			// Never shown to the customer: cancelled, and the next
			// one looked at.
			if err := cv.s.ended(cv.ctx, cv.s.dropRemoved(sv, err)); err != nil {
				return err
			}
			continue
		}
		dec, err := cv.s.decide(cv.ctx, sv.ContactID, ask(q, false), cv.now)
		if err != nil {
			return err
		}
		cv.s.acted(dec)
		if dec.Outcome != domain.Allow {
			cv.send("(crmbot) "+sv.Questionnaire+" cannot be sent now: "+dec.String(), nil)
			return nil
		}
		if err := cv.s.markSent(cv.ctx, sv, q, cv.now, "console"); err != nil {
			return err
		}
		sv.Status = domain.SurveyOpen
		cv.send(cv.invitationText(q, false), invitationButtons(cv.lang, sv.ID))
		return cv.s.Store.UpdateSurvey(cv.ctx, sv)
	}
	if !cv.closed {
		cv.send(say(cv.lang, txtNothingOpen), nil)
	}
	return nil
}
