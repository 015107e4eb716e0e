package telegrambot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/crmbot/crmbot/flows/survey"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Send delivers one message to a customer, a new one or an edit of an
// earlier one (m.Edit), and returns its message id. It implements
// survey.Sender, and is safe for concurrent use.
//
// It holds the global rate and the chat's (edits count as messages), with
// a margin, and so that network delays cannot make Telegram see one
// message too many in any second: see window and waitTurn. It sends one
// message at a time to a chat, so that messages to one chat keep their
// order. A 429 is waited out
// (its retry_after) and the message tried again, up to MaxAttempts times. A
// 403 (the customer blocked the bot, or deleted their account) returns an
// error wrapping survey.ErrUnreachable. An edit that changes nothing is not
// an error. An error Telegram answered, or the end of ctx before the request
// left, wraps survey.ErrNotSent (the message certainly did not leave); a
// network error does not, and is not retried, since the message may have
// been delivered. ready, when not nil, is called once the message has its
// first turn, just before its request leaves; if it fails nothing is sent.
func (c *Client) Send(ctx context.Context, m survey.Message, ready func(context.Context) error) (int64, error) {
	if m.ChatID == 0 {
		return 0, errors.New("telegram: send: no chat id")
	}
	l, err := c.acquire(ctx, m.ChatID)
	if err != nil {
		return 0, fmt.Errorf("telegram: send to chat %d: %w: %w", m.ChatID, survey.ErrNotSent, err)
	}
	defer c.release(l, true)
	for attempt := 1; ; attempt++ {
		if err := c.waitTurn(ctx, l); err != nil {
			return 0, fmt.Errorf("telegram: send to chat %d: %w: %w", m.ChatID, survey.ErrNotSent, err)
		}
		if ready != nil {
			err := ready(ctx)
			ready = nil
			if err != nil {
				c.window.leave(false)
				return 0, fmt.Errorf("telegram: send to chat %d: %w: %w", m.ChatID, survey.ErrNotSent, err)
			}
		}
		id, err := c.send(ctx, m)
		c.tell(err)
		// The chat's spacing runs from the answer: Telegram received the
		// message before it answered, so whatever the network's delays,
		// it sees the next one at least the spacing later.
		c.window.leave(true)
		l.lim.Allow()
		if err == nil {
			return id, nil
		}
		var apiErr *tgbotapi.Error
		if !errors.As(err, &apiErr) {
			return 0, err
		}
		switch {
		case apiErr.Code == http.StatusForbidden:
			return 0, fmt.Errorf("telegram: chat %d: %w (%s)", m.ChatID, survey.ErrUnreachable, apiErr.Message)
		case apiErr.Code == http.StatusBadRequest && m.Edit != 0 && strings.Contains(apiErr.Message, "message is not modified"):
			return m.Edit, nil
		case apiErr.Code == http.StatusTooManyRequests && attempt < c.maxAttempts:
			wait := time.Duration(apiErr.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			c.log.Warn("Telegram asks to slow down", "chat", m.ChatID, "retry_after", wait, "attempt", attempt)
			if err := sleep(ctx, wait); err != nil {
				return 0, fmt.Errorf("telegram: send to chat %d: %w: %w", m.ChatID, survey.ErrNotSent, err)
			}
			continue
		}
		// Telegram answered with an error: the message did not leave.
		return 0, fmt.Errorf("%w: %w", survey.ErrNotSent, err)
	}
}

// tell tells Sent of a send's outcome: the status of Telegram's error, 0
// when none, -1 when the request did not get an answer.
func (c *Client) tell(err error) {
	if c.Sent == nil {
		return
	}
	var apiErr *tgbotapi.Error
	switch {
	case err == nil:
		c.Sent(0)
	case errors.As(err, &apiErr):
		c.Sent(apiErr.Code)
	default:
		c.Sent(-1)
	}
}

// send makes the one request for m.
func (c *Client) send(ctx context.Context, m survey.Message) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	kb := keyboard(m.Buttons)
	if m.Edit != 0 {
		edit := tgbotapi.NewEditMessageText(m.ChatID, int(m.Edit), m.Text)
		edit.ReplyMarkup = kb
		// Request, not Send: an edit may answer true rather than a message.
		if _, err := c.with(ctx).Request(edit); err != nil {
			return 0, fmt.Errorf("telegram: editMessageText: %w", err)
		}
		return m.Edit, nil
	}
	msg := tgbotapi.NewMessage(m.ChatID, m.Text)
	if kb != nil {
		msg.ReplyMarkup = kb
	}
	sent, err := c.with(ctx).Send(msg)
	if err != nil {
		return 0, fmt.Errorf("telegram: sendMessage: %w", err)
	}
	return int64(sent.MessageID), nil
}

// keyboard returns the inline keyboard for rows of buttons; nil for none.
func keyboard(rows [][]survey.Button) *tgbotapi.InlineKeyboardMarkup {
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		r := make([]tgbotapi.InlineKeyboardButton, len(row))
		for i, b := range row {
			r[i] = tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data)
		}
		kb = append(kb, r)
	}
	if kb == nil {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}
