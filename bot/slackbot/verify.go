package slackbot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// maxSkew is how far a request's timestamp may be from our clock: Slack's
// documentation says five minutes, against replayed requests.
const maxSkew = 5 * time.Minute

// Why a request's signature is refused.
var (
	errMissingSignature = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	errStaleTimestamp   = errors.New("X-Slack-Request-Timestamp is more than 5 minutes from now")
	errBadSignature     = errors.New("X-Slack-Signature does not match the body")
	errNoSecret         = errors.New("no signing secret is configured")
)

// Sign returns the X-Slack-Request-Timestamp and X-Slack-Signature headers
// Slack sends with body at time t, signed with secret: "v0=" and the hex
// HMAC-SHA256 of "v0:<timestamp>:<body>".
func Sign(secret string, t time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(t.Unix(), 10)
	return timestamp, signature0(secret, timestamp, body)
}

func signature0(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// verify checks a request's signature as Slack's documentation says:
// both headers present, the timestamp within maxSkew of now, and the
// signature equal, compared in constant time, to the one computed.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return errNoSecret
	}
	ts, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if ts == "" || sig == "" {
		return errMissingSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errStaleTimestamp
	}
	if d := now.Sub(time.Unix(secs, 0)); d > maxSkew || d < -maxSkew {
		return errStaleTimestamp
	}
	if !hmac.Equal([]byte(sig), []byte(signature0(secret, ts, body))) {
		return errBadSignature
	}
	return nil
}
