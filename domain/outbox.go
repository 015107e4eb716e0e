package domain

import "time"

// OutgoingKind says through what an owed message leaves.
type OutgoingKind string

const (
	// ToTelegram is a message (or an edit) for a customer's Telegram chat.
	ToTelegram OutgoingKind = "telegram"
	// DetractorAlert is the alert to a contact's owner about the
	// detractor answers of one finished questionnaire.
	DetractorAlert OutgoingKind = "alert"
)

// Outgoing is a message crmbot owes: written in the transaction of the
// state change that owes it, kept until it is delivered, so that neither a
// crash nor a restart loses it. The messages of one chat leave in order.
type Outgoing struct {
	ID   int64
	Kind OutgoingKind
	// ChatID is the Telegram chat (0 for alerts, which form one queue).
	ChatID int64
	// SurveyID is the survey an alert is about.
	SurveyID int64
	// Body is the message, encoded by the flow that owes it.
	Body string
	// Attempts counts the deliveries tried that failed; NextAt is when it
	// may be tried again.
	Attempts int
	NextAt   time.Time
}
