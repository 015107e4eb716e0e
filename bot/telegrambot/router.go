package telegrambot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/crmbot/crmbot/flows/survey"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Customers is the customer's side of crmbot, as the transport needs it
// (the flows/survey engine implements it). An error means an internal
// failure: the update is delivered again later, with the same key.
type Customers interface {
	// Text handles a customer's message (commands like "/start TOKEN", "/stop", "/skip" included). key identifies the delivery (use "tg:<update_id>") so a redelivered update is applied once.
	Text(ctx context.Context, key string, chat survey.Chat, text string) (survey.Reply, error)
	// Tap handles an inline-keyboard button tap on messageID with callback data.
	Tap(ctx context.Context, key string, chat survey.Chat, messageID int64, data string) (survey.Reply, error)
	// Blocked records that the customer blocked (true) or restarted (false) the bot: my_chat_member updates.
	Blocked(ctx context.Context, key string, chatID int64, blocked bool) error
}

// Router hands each update from Telegram to Customers and sends its reply.
// The poller and the webhook share it.
type Router struct {
	client    *Client
	customers Customers
	log       *slog.Logger
}

// NewRouter returns a router sending replies through client. A nil log
// means slog.Default().
func NewRouter(client *Client, customers Customers, log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	return &Router{client: client, customers: customers, log: log}
}

// replyTimeout bounds the sending of one reply. A reply is sent on a
// context that outlives the update's (its answer is stored already: a
// shutdown in the middle should not lose the rest of it).
const replyTimeout = 30 * time.Second

// Key is the delivery key of an update: "tg:<update_id>".
func Key(u tgbotapi.Update) string { return fmt.Sprintf("tg:%d", u.UpdateID) }

// Route handles one update: a private chat's text message goes to Text, a
// button tap to Tap, the bot blocked or restarted (my_chat_member) to
// Blocked; everything else, and anything from a group or channel, is
// ignored. It returns an error only when the update should be delivered
// again: Text or Blocked failed. A failed tap is answered with an apology
// and not retried (the customer taps again); a reply that could not be
// sent is logged, since its answer is stored already.
func (r *Router) Route(ctx context.Context, u tgbotapi.Update) error {
	key := Key(u)
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat == nil || m.Chat.Type != "private" || m.Text == "" {
			r.log.Debug("Telegram message ignored", "update", u.UpdateID)
			return nil
		}
		chat := survey.Chat{ID: m.Chat.ID, Language: language(m.From)}
		reply, err := r.customers.Text(ctx, key, chat, m.Text)
		if err != nil {
			r.log.Error("could not handle a customer's message", "update", u.UpdateID, "chat", chat.ID, "err", err)
			return fmt.Errorf("telegram: update %d: %w", u.UpdateID, err)
		}
		r.reply(ctx, u.UpdateID, reply.Messages)
		return nil
	case u.CallbackQuery != nil:
		r.tap(ctx, key, u.UpdateID, u.CallbackQuery)
		return nil
	case u.MyChatMember != nil:
		cm := u.MyChatMember
		if cm.Chat.Type != "private" {
			return nil
		}
		var blocked bool
		switch cm.NewChatMember.Status {
		case "kicked":
			blocked = true
		case "member":
			blocked = false
		default:
			return nil
		}
		if err := r.customers.Blocked(ctx, key, cm.Chat.ID, blocked); err != nil {
			r.log.Error("could not record a customer's blocking of the bot", "update", u.UpdateID, "chat", cm.Chat.ID, "blocked", blocked, "err", err)
			return fmt.Errorf("telegram: update %d: %w", u.UpdateID, err)
		}
		return nil
	}
	r.log.Debug("Telegram update ignored", "update", u.UpdateID)
	return nil
}

// tap handles a button tap: Tap first, so that the answer is stored before
// the tap is acknowledged, then answerCallbackQuery, then the messages.
func (r *Router) tap(ctx context.Context, key string, id int, q *tgbotapi.CallbackQuery) {
	lang := language(q.From)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
	defer cancel()
	if q.Message == nil || q.Message.Chat == nil || q.Message.Chat.Type != "private" {
		// An inline message or a group's: not ours. Stop the spinner.
		r.answer(sctx, id, q.ID, "")
		return
	}
	chat := survey.Chat{ID: q.Message.Chat.ID, Language: lang}
	reply, err := r.customers.Tap(ctx, key, chat, int64(q.Message.MessageID), q.Data)
	if err != nil {
		r.log.Error("could not handle a customer's button tap", "update", id, "chat", chat.ID, "err", err)
		r.answer(sctx, id, q.ID, sorry(lang))
		return
	}
	r.answer(sctx, id, q.ID, reply.Notice)
	r.send(sctx, id, reply.Messages)
}

// answer acknowledges a tap; a failure is only logged (the customer's
// client stops waiting by itself).
func (r *Router) answer(ctx context.Context, id int, queryID, text string) {
	if err := r.client.answerCallback(ctx, queryID, text); err != nil {
		r.log.Warn("could not answer a button tap", "update", id, "err", err)
	}
}

// reply sends a reply's messages, in order, on a context of its own.
func (r *Router) reply(ctx context.Context, id int, msgs []survey.Message) {
	if len(msgs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
	defer cancel()
	r.send(ctx, id, msgs)
}

// send sends messages in order, and stops at the first that fails.
func (r *Router) send(ctx context.Context, id int, msgs []survey.Message) {
	for i, m := range msgs {
		if _, err := r.client.Send(ctx, m); err != nil {
			level := slog.LevelError
			if errors.Is(err, survey.ErrUnreachable) {
				level = slog.LevelInfo
			}
			r.log.Log(ctx, level, "could not send a reply to a customer", "update", id, "chat", m.ChatID,
				"message", i+1, "of", len(msgs), "err", err)
			return
		}
	}
}

// language is the user's language_code, "" when unknown.
func language(u *tgbotapi.User) string {
	if u == nil {
		return ""
	}
	return u.LanguageCode
}

// sorry is the notice of a tap that could not be handled.
func sorry(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "fr") {
		return "Désolé, une erreur s'est produite — merci de réessayer"
	}
	return "Sorry, something went wrong — please try again"
}
