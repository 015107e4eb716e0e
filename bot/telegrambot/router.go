package telegrambot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/crmbot/crmbot/flows/survey"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Customers is the customer's side of crmbot, as the transport needs it
// (the flows/survey engine implements it). The messages it owes a chat are
// written to its outbox in the update's transaction and delivered from
// there, so a crash right after an update loses no answer to it; what it
// returns is only a tap's notice. An error means an internal failure: the
// update is delivered again later, with the same key.
type Customers interface {
	// Text handles a customer's message (commands like "/start TOKEN", "/stop", "/skip" included). key identifies the delivery (use "tg:<update_id>") so a redelivered update is applied once.
	Text(ctx context.Context, key string, chat survey.Chat, text string) (survey.Reply, error)
	// Tap handles an inline-keyboard button tap on messageID with callback data.
	Tap(ctx context.Context, key string, chat survey.Chat, messageID int64, data string) (survey.Reply, error)
	// Blocked records that the customer blocked (true) or restarted (false) the bot: my_chat_member updates.
	Blocked(ctx context.Context, key string, chatID int64, blocked bool) error
	// SlowDown asks a chat that sends too much at once to wait.
	SlowDown(ctx context.Context, key string, chat survey.Chat) error
}

// Router hands each update from Telegram to Customers. The poller and the
// webhook share it. It handles at most FloodBurst updates at once from one
// chat, then one every FloodEvery: a chat past that is asked once to slow
// down and its extra updates are dropped, so that one customer's flood
// costs the others nothing and stores nothing.
type Router struct {
	client    *Client
	customers Customers
	log       *slog.Logger
	flood     *floodGate
}

// FloodBurst and FloodEvery are a chat's allowance of updates: a burst,
// then one an interval.
const (
	FloodBurst = 10
	FloodEvery = time.Second
)

// NewRouter returns a router answering taps through client. A nil log
// means slog.Default().
func NewRouter(client *Client, customers Customers, log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	return &Router{client: client, customers: customers, log: log, flood: newFloodGate(time.Now)}
}

// tapTimeout bounds the answer to a tap. It is sent on a context that
// outlives the update's: the tap is handled already.
const tapTimeout = 30 * time.Second

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
		if r.flooded(ctx, key, chat) {
			return nil
		}
		if _, err := r.customers.Text(ctx, key, chat, m.Text); err != nil {
			r.log.Error("could not handle a customer's message", "update", u.UpdateID, "chat", chat.ID, "err", err)
			return fmt.Errorf("telegram: update %d: %w", u.UpdateID, err)
		}
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

// flooded reports whether chat is past its allowance; the first update past
// it is answered with a request to slow down.
func (r *Router) flooded(ctx context.Context, key string, chat survey.Chat) bool {
	allowed, warn := r.flood.admit(chat.ID)
	if allowed {
		return false
	}
	if !warn {
		r.log.Debug("a flooding chat's update dropped", "chat", chat.ID, "key", key)
		return true
	}
	r.log.Warn("a chat sends too much at once: asked to slow down, its extra updates dropped", "chat", chat.ID, "key", key)
	if err := r.customers.SlowDown(ctx, key, chat); err != nil {
		r.log.Error("could not ask a chat to slow down", "chat", chat.ID, "err", err)
	}
	return true
}

// tap handles a button tap: Tap first, so that the answer is stored before
// the tap is acknowledged, then answerCallbackQuery.
func (r *Router) tap(ctx context.Context, key string, id int, q *tgbotapi.CallbackQuery) {
	lang := language(q.From)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tapTimeout)
	defer cancel()
	if q.Message == nil || q.Message.Chat == nil || q.Message.Chat.Type != "private" {
		// An inline message or a group's: not ours. Stop the spinner.
		r.answer(sctx, id, q.ID, "")
		return
	}
	chat := survey.Chat{ID: q.Message.Chat.ID, Language: lang}
	if r.flooded(ctx, key, chat) {
		r.answer(sctx, id, q.ID, "")
		return
	}
	reply, err := r.customers.Tap(ctx, key, chat, int64(q.Message.MessageID), q.Data)
	if err != nil {
		r.log.Error("could not handle a customer's button tap", "update", id, "chat", chat.ID, "err", err)
		r.answer(sctx, id, q.ID, sorry(lang))
		return
	}
	r.answer(sctx, id, q.ID, reply.Notice)
}

// answer acknowledges a tap; a failure is only logged (the customer's
// client stops waiting by itself).
func (r *Router) answer(ctx context.Context, id int, queryID, text string) {
	if err := r.client.answerCallback(ctx, queryID, text); err != nil {
		r.log.Warn("could not answer a button tap", "update", id, "err", err)
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
