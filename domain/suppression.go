package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// SuppressReason is why a person's identifiers are on the suppression
// list: they opted out (/stop, Never), or asked to be erased.
type SuppressReason string

// The reasons of the suppression list.
const (
	SuppressOptedOut SuppressReason = "opted_out"
	SuppressErased   SuppressReason = "erased"
)

// Suppression is a match on the suppression list: the earliest reason an
// identifier of the contact was put there for, and when.
type Suppression struct {
	Reason SuppressReason `json:"reason"`
	At     time.Time      `json:"at"`
}

// Lifted reports whether a consent given after the suppression lifts it:
// the person came back and said yes again.
func (s Suppression) Lifted(c Consent) bool {
	return c.Given && c.At.After(s.At) && (c.WithdrawnAt.IsZero() || c.At.After(c.WithdrawnAt))
}

// SuppressionKey is an identifier as the suppression list keeps it: a
// keyed hash (HMAC-SHA-256 with the database's secret) of its kind and
// normalised value, so that the list holds no one's data and cannot be
// read back without the secret.
type SuppressionKey struct {
	Kind string // email, phone or telegram
	Hash string
}

// SuppressionKeys returns the keys of a person's identifiers: the email
// without case or +tag, the phone as stored (international form), the
// Telegram chat id; empty ones give none.
func SuppressionKeys(secret []byte, email, phone string, chatID int64) []SuppressionKey {
	var out []SuppressionKey
	add := func(kind, v string) {
		if v == "" {
			return
		}
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(kind + ":" + v))
		out = append(out, SuppressionKey{Kind: kind, Hash: hex.EncodeToString(m.Sum(nil))})
	}
	add("email", EmailKey(email))
	add("phone", phone)
	if chatID != 0 {
		add("telegram", strconv.FormatInt(chatID, 10))
	}
	return out
}
