package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// maxBody bounds a request's body; Slack's are a few kilobytes.
const maxBody = 1 << 20

// Handler serves Slack's HTTP endpoints: POST /slack/commands,
// /slack/interactions and /slack/events. A request whose signature is
// missing, wrong or older than five minutes is refused with 401 before
// anything runs; one from another workspace than SLACK_TEAM_ID with 403.
// Every accepted request is answered at once.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", b.signed("command", func(ctx context.Context, r *http.Request, _ []byte, sum string) (any, error) {
		c, err := slack.SlashCommandParse(r)
		if err != nil {
			return nil, errBadRequest
		}
		return b.onCommand(ctx, c, sum)
	}))
	mux.HandleFunc("POST /slack/interactions", b.signed("interaction", func(ctx context.Context, r *http.Request, _ []byte, sum string) (any, error) {
		ic, err := slack.InteractionCallbackParse(r)
		if err != nil {
			return nil, errBadRequest
		}
		return b.onInteraction(ctx, ic, sum)
	}))
	mux.HandleFunc("POST /slack/events", b.signed("event", func(ctx context.Context, _ *http.Request, body []byte, sum string) (any, error) {
		return b.onEvent(ctx, body, sum)
	}))
	return mux
}

// errBadRequest is a request Slack would not send.
var errBadRequest = errors.New("malformed Slack request")

// signed checks a request's signature, then runs handle and writes the
// acknowledgement it returns. handle gets the digest of what was signed,
// timestamp and body: a proxy that resends the request resends both
// unchanged, so the resent request has the same digest.
func (b *Bot) signed(kind string, handle func(ctx context.Context, r *http.Request, body []byte, sum string) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start, accepted := time.Now(), false
		if b.Acked != nil {
			defer func() { b.Acked(kind, accepted, time.Since(start)) }()
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := verify(b.cfg.SigningSecret, r.Header, body, b.now()); err != nil {
			b.log.Warn("refused a Slack request", "path", r.URL.Path, "reason", err, "remote", r.RemoteAddr)
			http.Error(w, "invalid Slack signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		ack, err := handle(r.Context(), r, body, digest([]byte("v0:"+ts+":"), body))
		accepted = err == nil
		writeAck(w, ack, err)
	}
}

// writeAck writes an acknowledgement: 200 with its JSON, or empty; 403 for
// another workspace; 400 for a malformed request.
func writeAck(w http.ResponseWriter, ack any, err error) {
	switch {
	case errors.Is(err, errOtherTeam):
		http.Error(w, "this crmbot serves another Slack workspace", http.StatusForbidden)
	case err != nil:
		http.Error(w, "malformed Slack request", http.StatusBadRequest)
	case ack == nil:
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ack)
	}
}
