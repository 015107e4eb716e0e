package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"
)

// Webhook delivery (Config.WebhookConnections > 0): while a webhook is set,
// every queued update is POSTed to it as JSON with the secret in
// X-Telegram-Bot-Api-Secret-Token, as Telegram does. An update leaves the
// queue when the webhook answers 2xx; any other answer, or none, makes it
// come again after HookRetry. The updates of one chat go one at a time, in
// order; different chats' go side by side, up to WebhookConnections
// requests at once.

// HookRetry is how long a refused webhook delivery waits before it is tried
// again (Telegram waits longer; tests want it quick).
const HookRetry = 250 * time.Millisecond

// hookTimeout bounds one webhook request.
const hookTimeout = 60 * time.Second

// hookState is the webhook delivery's bookkeeping; Server.mu guards it.
type hookState struct {
	inFlight  map[int]bool      // update ids being posted
	retryAt   map[int]time.Time // update ids refused, and when to try again
	delivered int               // 2xx answers
	refused   int               // other answers and failed requests
}

// chatOf reads the chat an update object comes from: message.chat,
// callback_query.message.chat (else its from), my_chat_member.chat.
func chatOf(obj any) int64 {
	m, _ := obj.(map[string]any)
	id := func(v any) int64 {
		o, _ := v.(map[string]any)
		switch x := o["id"].(type) {
		case int64:
			return x
		case int:
			return int64(x)
		}
		return 0
	}
	if c := id(m["chat"]); c != 0 {
		return c
	}
	if msg, ok := m["message"].(map[string]any); ok {
		if c := id(msg["chat"]); c != 0 {
			return c
		}
	}
	return id(m["from"])
}

// startDelivery runs the delivery loop until Close.
func (s *Server) startDelivery() {
	s.hook = hookState{inFlight: map[int]bool{}, retryAt: map[int]time.Time{}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.done
		cancel()
	}()
	go s.deliverLoop(ctx)
}

// deliverLoop starts the deliveries that may start, then waits for a change
// or the next retry.
func (s *Server) deliverLoop(ctx context.Context) {
	for {
		s.mu.Lock()
		next := s.startDeliveriesLocked(ctx)
		changed := s.changed
		s.mu.Unlock()
		var timer <-chan time.Time
		if !next.IsZero() {
			timer = time.After(time.Until(next))
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-timer:
		}
	}
}

// startDeliveriesLocked posts the first pending update of each chat that
// has none in flight, up to the connections allowed, and returns when the
// earliest refused one may be tried again (zero: none waits). s.mu is held.
func (s *Server) startDeliveriesLocked(ctx context.Context) time.Time {
	var next time.Time
	if s.webhookURL == "" {
		return next
	}
	now := time.Now()
	busy := map[int64]bool{} // chats whose turn is taken
	for _, u := range s.updates {
		if len(s.hook.inFlight) >= s.cfg.WebhookConnections {
			break
		}
		lane := u.chat
		if lane != 0 && busy[lane] {
			continue
		}
		busy[lane] = lane != 0
		if s.hook.inFlight[u.id] {
			continue
		}
		if at, ok := s.hook.retryAt[u.id]; ok && at.After(now) {
			if next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		s.hook.inFlight[u.id] = true
		body, _ := json.Marshal(map[string]any{"update_id": u.id, u.kind: u.obj})
		go s.post(ctx, u.id, s.webhookURL, s.webhookKey, body)
	}
	return next
}

// post delivers one update and records the outcome.
func (s *Server) post(ctx context.Context, id int, url, secret string, body []byte) {
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	ok := false
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			ok = resp.StatusCode/100 == 2
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.hook.inFlight, id)
	if ok {
		s.hook.delivered++
		delete(s.hook.retryAt, id)
		s.updates = slices.DeleteFunc(s.updates, func(u update) bool { return u.id == id })
	} else {
		s.hook.refused++
		s.hook.retryAt[id] = time.Now().Add(HookRetry)
	}
	s.changedLocked()
}

// WebhookDeliveries returns how many webhook deliveries were answered 2xx,
// and how many were refused or failed (and tried again).
func (s *Server) WebhookDeliveries() (delivered, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hook.delivered, s.hook.refused
}

// WaitWebhookDeliveries waits until n webhook deliveries were answered 2xx.
func (s *Server) WaitWebhookDeliveries(t testing.TB, n int) {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d webhook deliveries", n), func() bool { return s.hook.delivered >= n })
}
