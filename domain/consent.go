package domain

import "time"

// ConsentKind is what a customer did with their consent.
type ConsentKind string

// The entries of the consent ledger.
const (
	ConsentGiven     ConsentKind = "given"
	ConsentRefused   ConsentKind = "refused"
	ConsentWithdrawn ConsentKind = "withdrawn"
)

// ConsentEvent is an entry of the consent ledger: appended each time a
// customer consents, refuses, withdraws (an opt-out, an erasure) or
// consents again, never changed. A questionnaire sent records the entry
// it relied on, the proof an audit asks for.
type ConsentEvent struct {
	ID        int64       `json:"id"`
	ContactID int64       `json:"contact_id"`
	Kind      ConsentKind `json:"kind"`
	// Channel is where it happened: telegram, console (a member playing
	// the customer), erasure, or backfill (from the state kept before the
	// ledger existed).
	Channel string `json:"channel"`
	// TextVersion is the version of the consent text the customer saw.
	TextVersion string    `json:"text_version,omitempty"`
	At          time.Time `json:"at"`
}
