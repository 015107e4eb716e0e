// Package telegramtest is a fake Telegram Bot API for tests: an httptest
// server speaking the Bot API's wire format (requests posted, form-encoded
// or JSON, to /bot<token>/<method>; answers {"ok":true,"result":…} or
// {"ok":false,"error_code":…,"description":…,"parameters":{…}}).
//
// It knows getMe, getUpdates (a queue the test pushes updates into, long
// polled, honouring offset and allowed_updates), sendMessage,
// editMessageText, answerCallbackQuery, setWebhook and deleteWebhook (and,
// with Config.WebhookConnections, posts updates to the webhook set). It
// enforces Telegram's flood limits strictly: at most GlobalRate messages
// (new ones and edits) in any one-second window overall and ChatRate per
// chat, answering 429 with retry_after beyond them, and counts the 429s it
// gave. A chat can be marked blocked (403).
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Config sets up a fake.
type Config struct {
	Token    string // "" means "123456:TEST-TOKEN"
	Username string // the bot's; "" means "crmbot_test_bot"
	// GlobalRate and ChatRate are the most messages in any one-second
	// window, overall and per chat; 0 means 25 and 1 (Telegram's), a
	// negative value no limit.
	GlobalRate, ChatRate int
	// WaitTimeout bounds the Wait helpers; 0 means 10 s.
	WaitTimeout time.Duration
	// WebhookConnections > 0 makes the fake deliver updates to the
	// webhook once one is set, as Telegram does (see webhook.go), with at
	// most that many requests at once; 0 leaves them queued (getUpdates
	// then answers 409).
	WebhookConnections int
}

// Button is a button of an inline keyboard, as sent.
type Button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// Message is a message the bot sent (sendMessage) or an edit of one
// (editMessageText).
type Message struct {
	Seq       int // order among everything recorded: messages, edits, answers
	ChatID    int64
	MessageID int64
	Text      string
	Keyboard  [][]Button // the inline keyboard; nil for none
	At        time.Time
}

// Answer is an answerCallbackQuery.
type Answer struct {
	Seq     int
	QueryID string
	Text    string
	At      time.Time
}

// Server is a fake Bot API.
type Server struct {
	// URL is the API's base URL, for TELEGRAM_API_URL (ends with "/").
	URL string
	// Token is the bot's token.
	Token string

	cfg  Config
	srv  *httptest.Server
	done chan struct{} // closed by Close: ends long polls

	mu                         sync.Mutex
	changed                    chan struct{} // closed and replaced at every change
	updates                    []update      // not confirmed yet, in order
	nextUpdate                 int
	offset                     int // the highest offset asked for
	polling                    int // getUpdates waiting now
	nextMessage                int64
	current                    map[msgKey]Message // each message's current content
	sent, edits                []Message
	answers                    []Answer
	queries                    map[string]bool // callback query ids pushed → answered
	nextQuery                  int
	blocked                    map[int64]bool
	global                     []time.Time           // messages in the last second
	perChat                    map[int64][]time.Time // idem, per chat
	tooMany                    int                   // 429s given
	tooManyGlobal, tooManyChat int                   // the global rate and a chat's exceeded (both may be)
	calls                      map[string]int
	failures                   map[string][]failure
	webhookURL                 string
	webhookKey                 string
	hook                       hookState
	seq                        int
}

type update struct {
	id   int
	kind string // "message", "callback_query", "my_chat_member"…
	obj  any
	chat int64 // the chat it comes from, 0 if unknown
}

type msgKey struct {
	chat, id int64
}

type failure struct {
	code       int
	desc       string
	retryAfter int
}

// New starts a fake, closed when the test ends.
func New(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Token == "" {
		cfg.Token = "123456:TEST-TOKEN"
	}
	if cfg.Username == "" {
		cfg.Username = "crmbot_test_bot"
	}
	if cfg.GlobalRate == 0 {
		cfg.GlobalRate = 25
	}
	if cfg.ChatRate == 0 {
		cfg.ChatRate = 1
	}
	if cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = 10 * time.Second
	}
	s := &Server{
		Token:       cfg.Token,
		cfg:         cfg,
		done:        make(chan struct{}),
		changed:     make(chan struct{}),
		nextUpdate:  100,
		nextMessage: 1000,
		current:     map[msgKey]Message{},
		queries:     map[string]bool{},
		blocked:     map[int64]bool{},
		perChat:     map[int64][]time.Time{},
		calls:       map[string]int{},
		failures:    map[string][]failure{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/"
	t.Cleanup(s.Close)
	if cfg.WebhookConnections > 0 {
		s.startDelivery()
	}
	return s
}

// Close ends pending long polls and shuts the server down.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return
	default:
	}
	close(s.done)
	s.mu.Unlock()
	s.srv.Close()
}

// changedLocked wakes whoever waits for a change. s.mu is held.
func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// --- the API ---

type apiResult struct {
	OK     bool `json:"ok"`
	Result any  `json:"result"`
}

type apiFailure struct {
	OK          bool           `json:"ok"`
	ErrorCode   int            `json:"error_code"`
	Description string         `json:"description,omitempty"`
	Parameters  *apiParameters `json:"parameters,omitempty"`
}

type apiParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// apiError is a failed call's answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !strings.HasPrefix(r.URL.Path, "/bot") || !ok || method == "" || strings.Contains(method, "/") {
		write(w, nil, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	if token != s.cfg.Token {
		write(w, nil, &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"})
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		write(w, nil, &apiError{code: http.StatusMethodNotAllowed, desc: "Method Not Allowed"})
		return
	}
	params, err := readParams(r)
	if err != nil {
		write(w, nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.calls[method]++
	var injected *apiError
	if q := s.failures[method]; len(q) > 0 {
		injected = &apiError{code: q[0].code, desc: q[0].desc, retryAfter: q[0].retryAfter}
		s.failures[method] = q[1:]
	}
	s.changedLocked()
	s.mu.Unlock()
	if injected != nil {
		write(w, nil, injected)
		return
	}

	var (
		result any
		aerr   *apiError
	)
	switch method {
	case "getMe":
		result = map[string]any{"id": 123456, "is_bot": true, "first_name": "crmbot", "username": s.cfg.Username,
			"can_join_groups": false, "can_read_all_group_messages": false, "supports_inline_queries": false}
	case "getUpdates":
		result, aerr = s.getUpdates(r, params)
	case "sendMessage":
		result, aerr = s.sendMessage(params)
	case "editMessageText":
		result, aerr = s.editMessageText(params)
	case "answerCallbackQuery":
		result, aerr = s.answerCallbackQuery(params)
	case "setWebhook":
		s.mu.Lock()
		s.webhookURL, s.webhookKey = params.Get("url"), params.Get("secret_token")
		s.changedLocked()
		s.mu.Unlock()
		result = true
	case "deleteWebhook":
		s.mu.Lock()
		s.webhookURL, s.webhookKey = "", ""
		if params.Get("drop_pending_updates") == "true" {
			s.updates = nil
		}
		s.changedLocked()
		s.mu.Unlock()
		result = true
	default:
		aerr = &apiError{code: http.StatusNotFound, desc: "Not Found"}
	}
	write(w, result, aerr)
}

func write(w http.ResponseWriter, result any, aerr *apiError) {
	w.Header().Set("Content-Type", "application/json")
	if aerr != nil {
		res := apiFailure{ErrorCode: aerr.code, Description: aerr.desc}
		if aerr.retryAfter > 0 {
			res.Parameters = &apiParameters{RetryAfter: aerr.retryAfter}
		}
		w.WriteHeader(aerr.code)
		_ = json.NewEncoder(w).Encode(res)
		return
	}
	_ = json.NewEncoder(w).Encode(apiResult{OK: true, Result: result})
}

// readParams reads a call's parameters: the query string, and a
// form-encoded or JSON body.
func readParams(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var m map[string]any
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("can't parse JSON: %v", err)
		}
		v := r.URL.Query()
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case float64, bool:
				v.Set(k, fmt.Sprint(x))
			default:
				b, _ := json.Marshal(x)
				v.Set(k, string(b))
			}
		}
		return v, nil
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		return nil, err
	}
	return r.Form, nil
}

func (s *Server) getUpdates(r *http.Request, p url.Values) (any, *apiError) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	var allowed []string
	if a := p.Get("allowed_updates"); a != "" {
		if err := json.Unmarshal([]byte(a), &allowed); err != nil {
			return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: can't parse allowed updates"}
		}
	}
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhookURL != "" {
		return nil, &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if offset > s.offset {
		s.offset = offset
		s.changedLocked()
	}
	for {
		// Confirm what comes before the offset; drop kinds not asked for.
		s.updates = slices.DeleteFunc(s.updates, func(u update) bool {
			return u.id < offset || (len(allowed) > 0 && !slices.Contains(allowed, u.kind))
		})
		if len(s.updates) > 0 || timeout <= 0 {
			out := []map[string]any{}
			for _, u := range s.updates[:min(limit, len(s.updates))] {
				out = append(out, map[string]any{"update_id": u.id, u.kind: u.obj})
			}
			return out, nil
		}
		s.polling++
		s.changedLocked()
		changed := s.changed
		s.mu.Unlock()
		var over bool
		select {
		case <-changed:
		case <-deadline.C:
			over = true
		case <-r.Context().Done():
			over = true
		case <-s.done:
			over = true
		}
		s.mu.Lock()
		s.polling--
		s.changedLocked()
		if over {
			return []map[string]any{}, nil
		}
	}
}

// admitLocked counts one message to chat against the rates, or says how many
// seconds to wait. s.mu is held.
func (s *Server) admitLocked(chat int64, now time.Time) *apiError {
	cut := now.Add(-time.Second)
	keep := func(ts []time.Time) []time.Time {
		i := 0
		for i < len(ts) && !ts[i].After(cut) {
			i++
		}
		return ts[i:]
	}
	s.global = keep(s.global)
	s.perChat[chat] = keep(s.perChat[chat])
	var free time.Time // when a slot frees
	if g := s.cfg.GlobalRate; g > 0 && len(s.global) >= g {
		free = s.global[len(s.global)-g].Add(time.Second)
		s.tooManyGlobal++
	}
	if c, ts := s.cfg.ChatRate, s.perChat[chat]; c > 0 && len(ts) >= c {
		if f := ts[len(ts)-c].Add(time.Second); f.After(free) {
			free = f
		}
		s.tooManyChat++
	}
	if !free.IsZero() {
		s.tooMany++
		s.changedLocked()
		retry := max(1, int(math.Ceil(free.Sub(now).Seconds())))
		return &apiError{code: http.StatusTooManyRequests, desc: fmt.Sprintf("Too Many Requests: retry after %d", retry), retryAfter: retry}
	}
	s.global = append(s.global, now)
	s.perChat[chat] = append(s.perChat[chat], now)
	return nil
}

// chatFields reads chat_id.
func (s *Server) chatFields(p url.Values) (int64, *apiError) {
	chat, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	if err != nil || chat == 0 {
		return 0, &apiError{code: http.StatusBadRequest, desc: "Bad Request: chat not found"}
	}
	return chat, nil
}

func keyboard(p url.Values) ([][]Button, *apiError) {
	raw := p.Get("reply_markup")
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: can't parse reply keyboard markup JSON object"}
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if len(b.Data) < 1 || len(b.Data) > 64 {
				return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: BUTTON_DATA_INVALID"}
			}
		}
	}
	return m.InlineKeyboard, nil
}

func (m Message) wire() map[string]any {
	out := map[string]any{
		"message_id": m.MessageID,
		"date":       m.At.Unix(),
		"chat":       map[string]any{"id": m.ChatID, "type": "private", "first_name": "Customer"},
		"from":       map[string]any{"id": 123456, "is_bot": true, "first_name": "crmbot"},
		"text":       m.Text,
	}
	if m.Keyboard != nil {
		out["reply_markup"] = map[string]any{"inline_keyboard": m.Keyboard}
	}
	return out
}

// message reads the chat, text and keyboard of a sendMessage or an
// editMessageText.
func (s *Server) message(p url.Values) (int64, string, [][]Button, *apiError) {
	chat, aerr := s.chatFields(p)
	if aerr != nil {
		return 0, "", nil, aerr
	}
	text := p.Get("text")
	if text == "" {
		return 0, "", nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: message text is empty"}
	}
	kb, aerr := keyboard(p)
	return chat, text, kb, aerr
}

// blockedLocked is the answer to a message to a chat that blocked the bot.
func (s *Server) blockedLocked(chat int64) *apiError {
	if s.blocked[chat] {
		return &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
	}
	return nil
}

func (s *Server) sendMessage(p url.Values) (any, *apiError) {
	chat, text, kb, aerr := s.message(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.blockedLocked(chat); aerr != nil {
		return nil, aerr
	}
	now := time.Now()
	if aerr := s.admitLocked(chat, now); aerr != nil {
		return nil, aerr
	}
	s.nextMessage++
	s.seq++
	m := Message{Seq: s.seq, ChatID: chat, MessageID: s.nextMessage, Text: text, Keyboard: kb, At: now}
	s.current[msgKey{chat, m.MessageID}] = m
	s.sent = append(s.sent, m)
	s.changedLocked()
	return m.wire(), nil
}

func (s *Server) editMessageText(p url.Values) (any, *apiError) {
	if p.Get("inline_message_id") != "" {
		return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: inline messages are not supported by the fake"}
	}
	chat, text, kb, aerr := s.message(p)
	if aerr != nil {
		return nil, aerr
	}
	id, _ := strconv.ParseInt(p.Get("message_id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.blockedLocked(chat); aerr != nil {
		return nil, aerr
	}
	old, ok := s.current[msgKey{chat, id}]
	if !ok {
		return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: message to edit not found"}
	}
	if old.Text == text && equalKeyboards(old.Keyboard, kb) {
		return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}
	}
	now := time.Now()
	if aerr := s.admitLocked(chat, now); aerr != nil {
		return nil, aerr
	}
	s.seq++
	m := Message{Seq: s.seq, ChatID: chat, MessageID: id, Text: text, Keyboard: kb, At: now}
	s.current[msgKey{chat, id}] = m
	s.edits = append(s.edits, m)
	s.changedLocked()
	return m.wire(), nil
}

func equalKeyboards(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}

func (s *Server) answerCallbackQuery(p url.Values) (any, *apiError) {
	id := p.Get("callback_query_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	answered, ok := s.queries[id]
	if !ok || answered {
		return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: query is too old and response timeout expired or query ID is invalid"}
	}
	s.queries[id] = true
	s.seq++
	s.answers = append(s.answers, Answer{Seq: s.seq, QueryID: id, Text: p.Get("text"), At: time.Now()})
	s.changedLocked()
	return true, nil
}

// --- what tests do ---

// Push queues an update of the given kind ("message", "callback_query",
// "my_chat_member", …) whose object is obj (marshalled to JSON), and
// returns its update_id.
func (s *Server) Push(kind string, obj any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdate++
	s.updates = append(s.updates, update{id: s.nextUpdate, kind: kind, obj: obj, chat: chatOf(obj)})
	s.changedLocked()
	return s.nextUpdate
}

// User is the customer of chat: its id is the chat's, as in a private chat.
func User(chat int64, lang string) map[string]any {
	u := map[string]any{"id": chat, "is_bot": false, "first_name": "Customer"}
	if lang != "" {
		u["language_code"] = lang
	}
	return u
}

// PrivateChat is the private chat with the customer chat.
func PrivateChat(chat int64) map[string]any {
	return map[string]any{"id": chat, "type": "private", "first_name": "Customer"}
}

// PushText queues a text message from the customer of a private chat,
// whose Telegram language is lang ("" for none), and returns its update_id.
func (s *Server) PushText(chat int64, lang, text string) int {
	s.mu.Lock()
	s.nextMessage++
	id := s.nextMessage
	s.mu.Unlock()
	return s.Push("message", map[string]any{
		"message_id": id, "date": time.Now().Unix(), "from": User(chat, lang), "chat": PrivateChat(chat), "text": text,
	})
}

// PushTap queues the customer's tap on a button of message messageID
// carrying data, and returns its update_id and callback query id.
func (s *Server) PushTap(chat int64, lang string, messageID int64, data string) (updateID int, queryID string) {
	s.mu.Lock()
	s.nextQuery++
	queryID = fmt.Sprintf("q%d", s.nextQuery)
	s.queries[queryID] = false
	msg, ok := s.current[msgKey{chat, messageID}]
	s.mu.Unlock()
	wire := map[string]any{"message_id": messageID, "date": time.Now().Unix(), "chat": PrivateChat(chat)}
	if ok {
		wire = msg.wire()
	}
	updateID = s.Push("callback_query", map[string]any{
		"id": queryID, "from": User(chat, lang), "message": wire, "chat_instance": strconv.FormatInt(chat, 10), "data": data,
	})
	return updateID, queryID
}

// PushMember queues a my_chat_member update of a private chat: the bot's
// new status, "kicked" when the customer blocked it, "member" when they
// restarted it.
func (s *Server) PushMember(chat int64, status string) int {
	old := "member"
	if status == "member" {
		old = "kicked"
	}
	bot := map[string]any{"id": 123456, "is_bot": true, "first_name": "crmbot", "username": s.cfg.Username}
	return s.Push("my_chat_member", map[string]any{
		"chat": PrivateChat(chat), "from": User(chat, ""), "date": time.Now().Unix(),
		"old_chat_member": map[string]any{"user": bot, "status": old},
		"new_chat_member": map[string]any{"user": bot, "status": status},
	})
}

// Block marks a chat as blocked by its customer (403 on every message to
// it), or unblocks it.
func (s *Server) Block(chat int64, blocked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chat] = blocked
}

// Fail makes the next call of method answer the given error (retryAfter > 0
// adds parameters.retry_after). Calls queue up.
func (s *Server) Fail(method string, code int, description string, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], failure{code, description, retryAfter})
}

// Sent returns the messages sent to chat (sendMessage), in order.
func (s *Server) Sent(chat int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentLocked(chat)
}

func (s *Server) sentLocked(chat int64) []Message { return ofChat(s.sent, chat) }

// ofChat returns the messages of list that went to chat.
func ofChat(list []Message, chat int64) []Message {
	var out []Message
	for _, m := range list {
		if m.ChatID == chat {
			out = append(out, m)
		}
	}
	return out
}

// AllSent returns every message sent (sendMessage), in order.
func (s *Server) AllSent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// Edits returns the edits of chat's messages (editMessageText), in order.
func (s *Server) Edits(chat int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.editsLocked(chat)
}

func (s *Server) editsLocked(chat int64) []Message { return ofChat(s.edits, chat) }

// Current returns a message as it stands, edits applied.
func (s *Server) Current(chat, messageID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.current[msgKey{chat, messageID}]
	return m, ok
}

// Answers returns the callback answers, in order.
func (s *Server) Answers() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// TooManyRequests returns how many 429s the rates caused.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// TooManyRequestsBy returns how many times the global rate and a chat's
// rate were exceeded (one 429 may count in both).
func (s *Server) TooManyRequestsBy() (global, chat int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooManyGlobal, s.tooManyChat
}

// Calls returns how many calls of method were made.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Webhook returns the webhook set, if any, and its secret.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookKey
}

// SetWebhookURL sets a webhook as if setWebhook had been called.
func (s *Server) SetWebhookURL(url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.webhookKey = url, secret
	s.changedLocked()
}

// Offset returns the highest offset getUpdates was called with: every
// update below it is confirmed.
func (s *Server) Offset() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offset
}

// Pending returns how many updates are queued and not confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// --- waiting (from the test's goroutine: they fail the test on timeout) ---

// waitFor waits until cond, called with s.mu held, holds.
func (s *Server) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	timer := time.NewTimer(s.cfg.WaitTimeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		changed := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("telegramtest: gave up after %v waiting for %s", s.cfg.WaitTimeout, what)
		}
	}
}

// WaitSent waits until at least n messages were sent to chat, and returns
// them all.
func (s *Server) WaitSent(t testing.TB, chat int64, n int) []Message {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d messages to chat %d", n, chat), func() bool { return len(s.sentLocked(chat)) >= n })
	return s.Sent(chat)
}

// WaitEdits waits until at least n edits were made in chat, and returns
// them all.
func (s *Server) WaitEdits(t testing.TB, chat int64, n int) []Message {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d edits in chat %d", n, chat), func() bool { return len(s.editsLocked(chat)) >= n })
	return s.Edits(chat)
}

// WaitAnswers waits until at least n button taps were answered, and
// returns the answers.
func (s *Server) WaitAnswers(t testing.TB, n int) []Answer {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d callback answers", n), func() bool { return len(s.answers) >= n })
	return s.Answers()
}

// WaitOffset waits until getUpdates was called with an offset of at least
// offset (every update below it confirmed).
func (s *Server) WaitOffset(t testing.TB, offset int) {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("getUpdates with offset %d", offset), func() bool { return s.offset >= offset })
}

// WaitPolling waits until a getUpdates call is waiting for updates.
func (s *Server) WaitPolling(t testing.TB) {
	t.Helper()
	s.waitFor(t, "a waiting getUpdates", func() bool { return s.polling > 0 })
}

// WaitCalls waits until method was called at least n times.
func (s *Server) WaitCalls(t testing.TB, method string, n int) {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d calls of %s", n, method), func() bool { return s.calls[method] >= n })
}
