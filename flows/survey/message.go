// Package survey holds the customer's side of crmbot: linking a Telegram
// chat to a contact, consent, the questionnaire conversation (one question a
// message), the throttled dispatch of invitations and reminders, the
// detractor alert, and the team's survey commands (invite, why, handled,
// survey list/send/results). Transports hand it what the customer typed or
// tapped and send the messages it returns; it never speaks to Telegram
// itself.
package survey

import (
	"context"
	"errors"
)

// Chat is the customer's side of one conversation, as the transport sees
// it.
type Chat struct {
	// ID is the Telegram chat id; 0 in the console, where ContactID names
	// the contact played.
	ID        int64
	ContactID int64
	// Language is the transport's guess (Telegram's language_code), used
	// when the contact has no language of its own.
	Language string
}

// Button is one button of an inline keyboard: its label and the callback
// data it sends back (at most 64 bytes).
type Button struct {
	Text, Data string
}

// Message is one message to the customer: a new one, or, when Edit is set,
// a new text and keyboard for that earlier message.
type Message struct {
	ChatID  int64
	Text    string
	Buttons [][]Button
	Edit    int64
}

// Reply is the engine's answer to one update from the customer: Notice is
// the short acknowledgement of a button tap (Telegram's
// answerCallbackQuery text, may be empty), Messages what to send, in order.
type Reply struct {
	Notice   string
	Messages []Message
}

// Sender delivers one message and returns its message id. The transport
// holds the rate limits and waits out a 429's retry_after itself; it returns
// ErrUnreachable when the customer blocked the bot (HTTP 403).
//
// When ready is not nil, Send calls it once, after the message had its turn
// under the rate limits and just before its request leaves: the caller
// records there that the message is leaving, so that a crash while it
// waited for its turn loses nothing. When ready fails, nothing is sent and
// Send returns ready's error wrapped with ErrNotSent.
type Sender interface {
	Send(ctx context.Context, m Message, ready func(context.Context) error) (messageID int64, err error)
}

// ErrUnreachable is returned by a Sender when the chat cannot be reached
// because the customer blocked the bot or left.
var ErrUnreachable = errors.New("the customer blocked the bot")

// ErrNotSent is wrapped by a Sender's error when the message certainly did
// not leave (Telegram refused it, or the send stopped before the request):
// the dispatcher may try it again. Any other error may hide a message that
// left, and is never retried, so that an invitation goes out at most once.
var ErrNotSent = errors.New("the message was not sent")
