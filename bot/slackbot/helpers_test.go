package slackbot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a zoneinfo database

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
	"github.com/gorilla/websocket"
)

const (
	secret = "8f742231b10e8888abcd99yyyzzz85a5"
	team   = "T0TEAM"
)

// The tests' zone and clock, the shared kit's: Paris, and Wednesday 25
// November 2026, 10:00 there.
var (
	paris = storetest.Paris
	now   = storetest.Now
	clock = storetest.Clock
)

// call is one request the fake Slack received: a Web API method, or a
// message posted to a response_url.
type call struct {
	Method string     // "chat.postMessage", "views.open", … or "response"
	Form   url.Values // a form-encoded call's fields
	Body   []byte     // a JSON call's body
}

// message is a message as our bot sends it: its fallback text and blocks.
type message struct {
	Text         string            `json:"text"`
	ResponseType string            `json:"response_type"`
	Blocks       []json.RawMessage `json:"blocks"`
}

// fakeSlack is an HTTP server that answers as Slack's Web API does,
// records each call, serves response_urls, and runs a Socket Mode
// websocket whose envelopes a test sends.
type fakeSlack struct {
	srv      *httptest.Server
	calls    chan call
	groups   map[string][]string // user group → members
	groupN   atomic.Int32        // usergroups.users.list calls
	envelope chan []byte         // sent over the websocket
	acks     chan []byte         // read from the websocket
	mu       sync.Mutex
	n        int
	failing  map[string]string // Web API method → the error it answers
	locales  map[string]string // user → Slack locale (users.info); en-US when absent
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{calls: make(chan call, 1000), groups: map[string][]string{},
		envelope: make(chan []byte, 10), acks: make(chan []byte, 10)}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", f.webAPI)
	mux.HandleFunc("/response/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.calls <- call{Method: "response", Body: body}
	})
	mux.HandleFunc("/upload/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.calls <- call{Method: "upload", Body: body}
	})
	mux.HandleFunc("/ws", f.websocket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// fail makes the Web API method answer with the error from now on; ""
// makes it work again.
func (f *fakeSlack) fail(method, err string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing == nil {
		f.failing = map[string]string{}
	}
	f.failing[method] = err
}

// responseURL returns a fresh response_url served by f.
func (f *fakeSlack) responseURL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return fmt.Sprintf("%s/response/%d", f.srv.URL, f.n)
}

func (f *fakeSlack) webAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	body, _ := io.ReadAll(r.Body)
	c := call{Method: method, Body: body}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		c.Form, _ = url.ParseQuery(string(body))
	}
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	failure := f.failing[method]
	f.mu.Unlock()
	if failure != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, failure)
		f.calls <- c
		return
	}
	switch method {
	case "chat.postMessage":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000100"}`, c.Form.Get("channel"))
	case "files.getUploadURLExternal":
		fmt.Fprintf(w, `{"ok":true,"upload_url":%q,"file_id":"F0CHART"}`, f.srv.URL+"/upload/F0CHART")
	case "files.completeUploadExternal":
		fmt.Fprint(w, `{"ok":true,"files":[{"id":"F0CHART","title":"chart"}]}`)
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":%q}}`, "D"+c.Form.Get("users"))
	case "views.open", "views.publish":
		fmt.Fprint(w, `{"ok":true,"view":{"id":"V0VIEW"}}`)
	case "usergroups.users.list":
		f.groupN.Add(1)
		users, _ := json.Marshal(f.groups[c.Form.Get("usergroup")])
		fmt.Fprintf(w, `{"ok":true,"users":%s}`, users)
		return // not recorded: a test counts these with groupN
	case "users.info":
		f.mu.Lock()
		loc := f.locales[c.Form.Get("user")]
		f.mu.Unlock()
		if loc == "" {
			loc = "en-US"
		}
		fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"locale":%q}}`, c.Form.Get("user"), loc)
		return // not recorded: asked before a command, as roles are
	case "apps.connections.open":
		fmt.Fprintf(w, `{"ok":true,"url":%q}`, "ws"+strings.TrimPrefix(f.srv.URL, "http")+"/ws")
		return
	default:
		fmt.Fprint(w, `{"ok":false,"error":"unknown_method"}`)
	}
	f.calls <- c
}

// websocket is Socket Mode's connection: hello, then the envelopes a test
// sends; the acknowledgements the bot writes go to f.acks.
func (f *fakeSlack) websocket(w http.ResponseWriter, r *http.Request) {
	// Slack-go sends Origin https://api.slack.com, as Slack expects.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","num_connections":1}`))
	go func() {
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			f.acks <- msg
		}
	}()
	for {
		select {
		case <-r.Context().Done():
			return
		case env := <-f.envelope:
			if conn.WriteMessage(websocket.TextMessage, env) != nil {
				return
			}
		}
	}
}

// next waits for the next call the bot made to f.
func (f *fakeSlack) next(t *testing.T) call {
	t.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("the bot made no call to Slack")
		return call{}
	}
}

// none fails the test if the bot made a call it should not have; call it
// after env.wait.
func (f *fakeSlack) none(t *testing.T) {
	t.Helper()
	select {
	case c := <-f.calls:
		t.Fatalf("unexpected call %s: %s%s", c.Method, c.Body, c.Form)
	default:
	}
}

// env is a bot on a real database, its HTTP endpoints served, talking to a
// fake Slack.
type env struct {
	db    *store.DB
	exec  *command.Executor
	bot   *slackbot.Bot
	slack *fakeSlack
	srv   *httptest.Server
	logs  *bytes.Buffer
	n     atomic.Int64
}

// newEnv starts a bot on a fresh database of kind; configure may change
// its configuration.
func newEnv(t *testing.T, kind string, configure ...func(*slackbot.Config)) *env {
	t.Helper()
	db := storetest.Open(t, kind, clock)
	eng := domain.DefaultEngine()
	e := &env{db: db, slack: newFakeSlack(t), logs: &bytes.Buffer{}}
	svc := &crm.Service{Store: db, Scoring: eng, Now: clock, Loc: paris}
	log := slog.New(slog.NewTextHandler(&syncWriter{w: e.logs}, nil))
	e.exec = &command.Executor{CRM: svc, Now: clock, Loc: paris, Logger: log}
	cfg := slackbot.Config{BotToken: "xoxb-test", SigningSecret: secret, APIURL: e.slack.srv.URL + "/api/"}
	for _, c := range configure {
		c(&cfg)
	}
	var err error
	if e.bot, err = slackbot.New(cfg, e.exec, db, clock, log); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.bot.Handler())
	t.Cleanup(e.srv.Close)
	t.Cleanup(e.bot.Wait)
	return e
}

// syncWriter lets the background goroutines log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// admin runs lines directly, as an admin, to set the scene.
func (e *env) admin(t *testing.T, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if r := e.exec.Run(t.Context(), command.Actor{ID: "U0ADMIN", Roles: command.AllRoles}, l); !r.OK {
			t.Fatalf("%s: %s", l, r.Text())
		}
	}
}

// post sends body to path, signed at time at unless sign is false, with
// the extra headers.
func (e *env) post(t *testing.T, path, contentType string, body []byte, at time.Time, extra map[string]string) ack {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if !at.IsZero() {
		ts, sig := slackbot.Sign(secret, at, body)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return ack{StatusCode: resp.StatusCode, Body: string(b)}
}

// ack is our bot's answer to a request: its status and body.
type ack struct {
	StatusCode int
	Body       string
}

// slashForm is the form Slack posts for /crm text by user.
func (e *env) slashForm(user, text string) url.Values {
	return url.Values{"team_id": {team}, "user_id": {user}, "channel_id": {"C0SALES"}, "command": {"/crm"},
		"text": {text}, "response_url": {e.slack.responseURL()}, "trigger_id": {fmt.Sprintf("trigger.%d", e.n.Add(1))}}
}

// slash sends a signed /crm text by user and checks it is acknowledged
// with 200.
func (e *env) slash(t *testing.T, user, text string) {
	t.Helper()
	resp := e.post(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(e.slashForm(user, text).Encode()), now, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/crm %s: status %d", text, resp.StatusCode)
	}
}

// reply waits for the next message on a response_url.
func (e *env) reply(t *testing.T) message {
	t.Helper()
	c := e.slack.next(t)
	if c.Method != "response" {
		t.Fatalf("want a response_url message, got %s", c.Method)
	}
	var m message
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("response body %s: %v", c.Body, err)
	}
	return m
}

// run sends /crm text by user and returns its answer.
func (e *env) run(t *testing.T, user, text string) message {
	t.Helper()
	e.slash(t, user, text)
	return e.reply(t)
}

// interact posts a signed interaction payload.
func (e *env) interact(t *testing.T, payload any) ack {
	t.Helper()
	js, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return e.post(t, "/slack/interactions", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(js)}}.Encode()), now, nil)
}

// button is a reply's button: its action_id and the command it holds.
type button struct {
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
	Style    string `json:"style"`
	Text     struct {
		Text string `json:"text"`
	} `json:"text"`
}

// buttons lists the buttons of m's action blocks.
func (m message) buttons(t *testing.T) []button {
	t.Helper()
	var out []button
	for _, raw := range m.Blocks {
		var b struct {
			Type     string          `json:"type"`
			Elements json.RawMessage `json:"elements"` // a context block's are texts
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		if b.Type != "actions" {
			continue
		}
		var bs []button
		if err := json.Unmarshal(b.Elements, &bs); err != nil {
			t.Fatal(err)
		}
		out = append(out, bs...)
	}
	return out
}

// click posts the click of b, on a message answered through a fresh
// response_url, by user.
func (e *env) click(t *testing.T, user string, b button) {
	t.Helper()
	resp := e.interact(t, map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": user},
		"trigger_id": fmt.Sprintf("trigger.%d", e.n.Add(1)), "response_url": e.slack.responseURL(),
		"actions": []map[string]string{{"action_id": b.ActionID, "value": b.Value, "type": "button", "block_id": "crm_actions_0"}},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("click %s: status %d", b.Value, resp.StatusCode)
	}
}

// form is the add form as views.open received it.
type form struct {
	Body      []byte `json:"-"`
	TriggerID string `json:"trigger_id"`
	View      struct {
		CallbackID           string            `json:"callback_id"`
		PrivateMetadata      string            `json:"private_metadata"`
		Blocks               []json.RawMessage `json:"blocks"`
		Title, Submit, Close struct {
			Text string `json:"text"`
		}
	} `json:"view"`
}

// openForm sends the signed slash command form (/crm add by a user) and
// returns the form the bot opened.
func (e *env) openForm(t *testing.T, slash url.Values) form {
	t.Helper()
	if resp := e.post(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(slash.Encode()), now, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("/crm %s: %d", slash.Get("text"), resp.StatusCode)
	}
	open := e.slack.next(t)
	if open.Method != "views.open" {
		t.Fatalf("want views.open, got %s", open.Method)
	}
	f := form{Body: open.Body}
	if err := json.Unmarshal(open.Body, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// submit posts the submission of f by user with the values, by field.
func (e *env) submit(t *testing.T, f form, user string, values map[string]string) ack {
	t.Helper()
	state := map[string]map[string]map[string]string{}
	for k, v := range values {
		state["field_"+k] = map[string]map[string]string{"value": {"type": "plain_text_input", "value": v}}
	}
	return e.interact(t, map[string]any{"type": "view_submission", "team": map[string]string{"id": team},
		"user": map[string]string{"id": user}, "trigger_id": "trigger.view",
		"view": map[string]any{"id": "V0VIEW", "callback_id": "crm_add", "private_metadata": f.View.PrivateMetadata,
			"state": map[string]any{"values": state}}})
}

// wait returns once every command the bot started has answered.
func (e *env) wait() { e.bot.Wait() }

// count returns the number of rows of what in the database.
func (e *env) counts(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	n, err := e.db.CountContacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var moves, logs int
	for id := int64(1); id <= n; id++ {
		m, _ := e.db.RecentMoves(ctx, id, 1000)
		i, _ := e.db.RecentInteractions(ctx, id, 1000)
		moves, logs = moves+len(m), logs+len(i)
	}
	return fmt.Sprintf("%d contacts, %d moves, %d interactions", n, moves, logs)
}

func mustContain(t *testing.T, what, s string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(s, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, s)
		}
	}
}
