package telegrambot

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// WebhookPath is where the HTTP server mounts the webhook.
const WebhookPath = "/telegram/webhook"

// SecretHeader carries the webhook's secret in each of Telegram's requests.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdate bounds an update's body.
const maxUpdate = 1 << 20

// Webhook receives updates that Telegram posts (see Client.SetWebhook) and
// routes each one before answering: 200 once handled, 500 when it should
// come again (Telegram retries). A request without the secret is refused
// (401) before anything else is looked at; a method other than POST gets
// 405, a body that is not an update 400.
type Webhook struct {
	router *Router
	secret []byte
	log    *slog.Logger
}

// NewWebhook returns the webhook's handler. With an empty secret every
// request is refused.
func NewWebhook(router *Router, secret string, log *slog.Logger) *Webhook {
	if log == nil {
		log = slog.Default()
	}
	return &Webhook{router: router, secret: []byte(secret), log: log}
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got := []byte(r.Header.Get(SecretHeader))
	if len(h.secret) == 0 || subtle.ConstantTimeCompare(got, h.secret) != 1 {
		h.log.Warn("Telegram webhook request refused: wrong secret", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdate))
	if err != nil {
		http.Error(w, "cannot read the update", http.StatusBadRequest)
		return
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(body, &u); err != nil || u.UpdateID == 0 {
		http.Error(w, "not an update", http.StatusBadRequest)
		return
	}
	if err := h.router.Route(r.Context(), u); err != nil {
		// Logged by Route; Telegram delivers it again.
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}
