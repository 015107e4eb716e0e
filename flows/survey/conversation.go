package survey

import (
	"context"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// conv is one update being handled: who the customer is and what the
// engine answers. Everything it writes is in the update's transaction.
type conv struct {
	s       *Service
	ctx     context.Context
	chat    Chat
	now     time.Time
	r       *domain.Respondent // nil: a Telegram chat linked to no one
	contact *domain.Contact
	lang    string
	reply   Reply
	// closed is set once the update closed the open survey, whose
	// questionnaire is gone, and told the customer so.
	closed bool
	// erased is set once the update erased the customer (/forget).
	erased bool
}

// Text handles what the customer typed: a command (/start TOKEN, /stop,
// /skip, /mydata, /forget, /help) or an answer. key identifies the
// delivery: a redelivered update is applied once (and answered nothing).
func (s *Service) Text(ctx context.Context, key string, chat Chat, text string) (Reply, error) {
	return s.handle(ctx, key, chat, func(cv *conv) error {
		cmd, arg := splitCommand(text)
		switch cmd {
		case "/start":
			return cv.start(arg)
		case "/help":
			cv.send(say(cv.lang, txtHelp), nil)
			return nil
		}
		if cv.r == nil {
			cv.send(say(cv.lang, txtNotLinked), nil)
			return nil
		}
		switch cmd {
		case "/stop":
			return cv.optOut()
		case "/mydata":
			return cv.myData()
		case "/forget":
			cv.askForget()
			return nil
		case "/skip":
			return cv.skip()
		}
		return cv.typed(text)
	})
}

// Tap handles a tap on a button of messageID.
func (s *Service) Tap(ctx context.Context, key string, chat Chat, messageID int64, data string) (Reply, error) {
	return s.handle(ctx, key, chat, func(cv *conv) error {
		if cv.r == nil {
			cv.reply.Notice = say(cv.lang, txtNotLinked)
			return nil
		}
		kind, rest, _ := strings.Cut(data, ":")
		switch kind {
		case "c":
			return cv.consent(messageID, rest == "yes")
		case "f":
			return cv.forget(messageID, rest == "yes")
		case "s":
			return cv.invitation(messageID, rest)
		case "q":
			return cv.answerTap(messageID, rest)
		}
		cv.reply.Notice = say(cv.lang, txtClosed)
		return nil
	})
}

// SlowDown asks a customer who sends too much at once to wait: what the
// transport answers, once, instead of handling their extra messages.
func (s *Service) SlowDown(ctx context.Context, key string, chat Chat) error {
	_, err := s.handle(ctx, key, chat, func(cv *conv) error {
		cv.send(say(cv.lang, txtSlowDown), nil)
		return nil
	})
	return err
}

// Blocked records that the customer blocked the bot (nothing is sent to
// them until they start it again) or restarted it.
func (s *Service) Blocked(ctx context.Context, key string, chatID int64, blocked bool) error {
	_, err := s.handle(ctx, key, Chat{ID: chatID}, func(cv *conv) error {
		if cv.r == nil {
			return nil
		}
		cv.r.UnreachableAt = time.Time{}
		if blocked {
			cv.r.UnreachableAt = cv.now
		}
		return cv.s.Store.SaveRespondent(cv.ctx, cv.r)
	})
	return err
}

// Resume shows the console's customer what awaits them: the consent
// question, the open questionnaire where they left it, or the queued one,
// delivered now if the throttle allows it.
func (s *Service) Resume(ctx context.Context, chat Chat) (Reply, error) {
	return s.handle(ctx, "", chat, func(cv *conv) error { return cv.resume() })
}

// handle runs fn for one update in one transaction. The messages it owes
// a Telegram chat are written to the outbox in that transaction, and
// delivered from there (the reply then holds only the tap's notice); the
// console's are returned.
func (s *Service) handle(ctx context.Context, key string, chat Chat, fn func(*conv) error) (Reply, error) {
	var cv *conv
	owed := false
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		if key != "" {
			first, err := s.Store.ClaimEvent(ctx, key)
			if err != nil || !first {
				return err
			}
		}
		var err error
		if cv, err = s.load(ctx, chat); err != nil {
			return err
		}
		if err := fn(cv); err != nil || chat.ID == 0 || len(cv.reply.Messages) == 0 {
			return err
		}
		owed = true
		return s.owe(ctx, cv.reply.Messages)
	})
	if err != nil || cv == nil {
		return Reply{}, err
	}
	if cv.erased {
		s.emptyLog(ctx)
	}
	if owed {
		cv.reply.Messages = nil
		s.wake()
	}
	return cv.reply, nil
}

// load finds who is behind chat: the respondent linked to a Telegram chat,
// or, in the console, the contact played.
func (s *Service) load(ctx context.Context, chat Chat) (*conv, error) {
	cv := &conv{s: s, ctx: ctx, chat: chat, now: s.now()}
	var err error
	if chat.ID != 0 {
		cv.r, err = s.Store.RespondentByChat(ctx, chat.ID)
	} else {
		cv.r, err = s.Store.Respondent(ctx, chat.ContactID)
		if err == nil && cv.r == nil {
			cv.r = &domain.Respondent{ContactID: chat.ContactID}
		}
	}
	if err != nil {
		return nil, err
	}
	if cv.r != nil {
		if cv.contact, err = s.Store.Contact(ctx, cv.r.ContactID); err != nil {
			return nil, err
		}
	}
	cv.setLang()
	return cv, nil
}

func (cv *conv) setLang() {
	l := cv.chat.Language
	if l == "" && cv.r != nil {
		l = cv.r.Language
	}
	cv.lang = cv.s.lang(cv.contact, l)
}

// splitCommand splits "/start@crmbot TOKEN" into "/start" and "TOKEN"; text
// that is no command gives "".
func splitCommand(text string) (string, string) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", text
	}
	cmd, arg, _ := strings.Cut(text, " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	return strings.ToLower(cmd), strings.TrimSpace(arg)
}

func (cv *conv) send(text string, buttons [][]Button) {
	cv.reply.Messages = append(cv.reply.Messages, Message{ChatID: cv.chat.ID, Text: text, Buttons: buttons})
}

func (cv *conv) edit(messageID int64, text string) {
	if messageID != 0 {
		cv.reply.Messages = append(cv.reply.Messages, Message{ChatID: cv.chat.ID, Text: text, Edit: messageID})
	}
}
