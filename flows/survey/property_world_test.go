package survey_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
)

// This file is the property test's world: a SQLite file, the crmbot
// process running on it (a survey.Service and its Dispatcher, replaced by a
// fresh one after a crash), an injected clock, the customers' Telegram chats
// and the fake Telegram that the dispatcher's Sender speaks to. Every
// request that leaves through the Sender is judged by the reference at that
// instant.

// opKind is what one step of a sequence does.
type opKind uint8

const (
	opAct         opKind = iota // the customer of contact C does something (A: what, B: which)
	opRound                     // the dispatcher runs a round
	opFault                     // a round where one request meets a fault (A: which request, B: the fault)
	opJump                      // the clock moves on (A: how, B: how far)
	opSend                      // the team queues a questionnaire (A: which, B: to whom)
	opInteraction               // the team logs a sales interaction with C (A, B: when)
	opHandled                   // the owner marks C's detractor answer handled
	opRestart                   // the process stops cleanly and starts again
	opBlock                     // the customer of C blocks the bot (A: is the bot told)
	opUnblock                   // the customer of C unblocks it (A: how the bot hears of it)
)

// op is one step; its parameters are resolved against the world when it
// runs, so that a sequence with steps removed still runs (for shrinking).
type op struct {
	Kind    opKind
	C, A, B int
}

var opNames = []string{"opAct", "opRound", "opFault", "opJump", "opSend", "opInteraction", "opHandled", "opRestart", "opBlock", "opUnblock"}

// String writes o as Go, for a regression's list.
func (o op) String() string {
	return fmt.Sprintf("{Kind: %s, C: %d, A: %d, B: %d},", opNames[o.Kind], o.C, o.A, o.B)
}

// seqConfig is one sequence: its world and its steps.
type seqConfig struct {
	Seed    uint64
	Team    string
	Variant bool
	// Busy sequences send more and move the clock by shorter jumps, so
	// that yearly caps and long runs of questionnaires are reached.
	Busy     bool
	Start    time.Time
	Contacts []contactConfig
	Ops      []op
	// Without names the faults left out, comma-separated: "ambiguous" (a
	// request whose end is unknown, a round cancelled as it leaves),
	// "wait" (the clock moving and the customer acting while a request
	// waits its turn), "crash".
	Without string
	// Mutant names a weakening of the product's policy (see mutants): the
	// self-check that the reference catches it.
	Mutant string
}

type contactConfig struct {
	Zone, Language, Company string
	// Silent customers consent, then ignore every questionnaire.
	Silent bool
}

// outcome is what became of a sequence.
type outcome struct {
	steps, checked, invitations, reminders, arrived, crashes, violations int
	violation                                                            string // the first one, "" if none
	code                                                                 string // its rule
	atStep                                                               int
	trace                                                                []string
}

// proc is one crmbot process on the database.
type proc struct {
	n     int
	db    *store.DB
	svc   *survey.Service
	disp  *survey.Dispatcher
	deliv *survey.Deliverer // the conversation's owed messages
	dead  bool
}

// chatMsg is one message as the customer's chat shows it.
type chatMsg struct {
	id      int64
	text    string
	buttons [][]survey.Button
}

// fault is what happens to one request of a round.
type fault struct {
	request    int           // which request of the round (0: the first)
	latency    time.Duration // the wait for the rate limits, before it leaves
	interleave bool          // the customer does something while it waits
	a, b       int           // what the customer does
	mode       int           // faultOK, faultRefused…
	arrives    bool          // for ambiguous ends: did the message arrive
}

const (
	faultOK        = iota // delivered, perhaps late
	faultRefused          // Telegram refused it: certainly not sent (ErrNotSent)
	faultAmbiguous        // the connection broke: it may have arrived
	faultCancel           // the round's context is cancelled as it leaves
	faultCrash            // the process dies as it leaves
	faultModes
)

// without returns f less the faults the sequence leaves out.
func (cfg *seqConfig) without(f fault) *fault {
	for _, name := range strings.Split(cfg.Without, ",") {
		switch {
		case name == "ambiguous" && (f.mode == faultAmbiguous || f.mode == faultCancel),
			name == "crash" && f.mode == faultCrash:
			f.mode = faultOK
		case name == "wait":
			f.latency, f.interleave = 0, false
		}
	}
	return &f
}

var latencies = []time.Duration{0, 800 * time.Millisecond, 3 * time.Second, 45 * time.Second, 4 * time.Minute}

func decodeFault(a, b int) *fault {
	return &fault{request: a % 3, mode: b % faultModes, arrives: b/faultModes%2 == 0,
		latency: latencies[b/(2*faultModes)%len(latencies)], interleave: b/(10*faultModes)%3 == 0,
		a: b % 97, b: b / 7}
}

// world runs one sequence.
type world struct {
	cfg   *seqConfig
	ctx   context.Context
	dsn   string
	now   time.Time
	team  *time.Location
	qs    []domain.Questionnaire
	pol   domain.Policy
	ref   *reference
	obs   *store.DB // the harness's own connection, to read facts
	proc  *proc
	procs int
	chats map[int64][]chatMsg
	msgID int64
	keys  int
	step  int

	fault    *fault // armed: meets a request to come
	requests int    // requests since the fault was armed
	cancel   context.CancelFunc

	out     outcome
	tracing bool
}

func (w *world) clock() time.Time { return w.now }

// advance moves the clock on; it never goes back.
func (w *world) advance(d time.Duration) {
	if d > 0 {
		w.now = w.now.Add(d)
	}
}

func (w *world) tracef(format string, args ...any) {
	if w.tracing {
		w.out.trace = append(w.out.trace, fmt.Sprintf("%4d  %s  ", w.step, w.now.In(w.team).Format("Mon 2006-01-02 15:04:05 MST"))+fmt.Sprintf(format, args...))
	}
}

// questionnaires are the built-in ones and a transactional one whose own
// period is shorter than the recontact window.
func questionnaires() []domain.Questionnaire {
	after := domain.Questionnaire{ID: "after_sale", Version: 1, PeriodDays: 7,
		Title: domain.Text{FR: "Votre achat", EN: "Your purchase"},
		Questions: []domain.Question{
			{ID: "csat", Type: domain.RatingQuestion, Text: domain.Text{FR: "Satisfait ?", EN: "Satisfied?"}},
			{ID: "why", Type: domain.TextQuestion, Optional: true, Text: domain.Text{FR: "Pourquoi ?", EN: "Why?"}},
		}}
	return append(domain.BuiltinQuestionnaires(), after)
}

// newWorld makes the database of cfg at dsn, its contacts and its first
// process.
func newWorld(ctx context.Context, cfg *seqConfig, dsn string, tracing bool) (*world, error) {
	team, err := time.LoadLocation(cfg.Team)
	if err != nil {
		return nil, err
	}
	pol := productDefaults
	if cfg.Variant {
		pol = variantPolicy
	}
	w := &world{cfg: cfg, ctx: ctx, dsn: dsn, now: cfg.Start, team: team, qs: questionnaires(),
		pol: pol.domainPolicy(team), chats: map[int64][]chatMsg{}, msgID: 1000, tracing: tracing}
	w.ref = newReference(pol, team, w.qs)
	if m, ok := mutants[cfg.Mutant]; ok {
		m.weaken(&w.pol)
	}
	if w.obs, err = store.Open(ctx, dsn, store.Options{Now: w.clock}); err != nil {
		return nil, err
	}
	if _, err := w.obs.Migrate(ctx); err != nil {
		w.obs.Close()
		return nil, err
	}
	for i, cc := range cfg.Contacts {
		c := &domain.Contact{Name: "Client " + strconv.Itoa(i), Stage: domain.Customer, Owner: "U0OWNER",
			Language: cc.Language, TimeZone: cc.Zone, Company: cc.Company,
			CreatedAt: w.now.AddDate(0, 0, -90), LastContactAt: w.now.AddDate(0, 0, -60)}
		if err := w.obs.CreateContact(ctx, c); err != nil {
			w.obs.Close()
			return nil, err
		}
		w.ref.contacts = append(w.ref.contacts, &refContact{idx: i, id: c.ID, chat: int64(7000 + i),
			zone: cc.Zone, company: cc.Company, interactionAt: c.LastContactAt})
	}
	return w, w.start()
}

// start runs a new crmbot process on the database.
func (w *world) start() error {
	db, err := store.Open(w.ctx, w.dsn, store.Options{Now: w.clock})
	if err != nil {
		return err
	}
	w.procs++
	p := &proc{n: w.procs, db: db}
	p.svc = &survey.Service{Store: db, Policy: w.pol, Questionnaires: w.qs, Now: w.clock,
		Language: "en", Log: slog.New(slog.DiscardHandler)}
	// One worker each: the requests leave one at a time, in an order the
	// seed fixes.
	p.disp = &survey.Dispatcher{Service: p.svc, Sender: &wire{w: w, p: p}, Claimer: "proc" + strconv.Itoa(p.n), Workers: 1, Batch: 3}
	p.deliv = &survey.Deliverer{Service: p.svc, Sender: &wire{w: w, p: p}, Claimer: "proc" + strconv.Itoa(p.n), Workers: 1}
	w.proc = p
	return nil
}

// kill stops p at once: nothing it does afterwards reaches the database.
func (p *proc) kill() {
	if !p.dead {
		p.dead = true
		p.db.Close()
	}
}

func (w *world) close() {
	w.proc.kill()
	w.obs.Close()
}

// run plays the sequence and returns what became of it.
func (w *world) run() (outcome, error) {
	defer w.close()
	for i, o := range w.cfg.Ops {
		w.step = i
		if err := w.do(o); err != nil {
			return w.out, fmt.Errorf("step %d (%+v): %w", i, o, err)
		}
		w.out.steps++
		if w.out.violation != "" {
			w.out.atStep = i
			break
		}
	}
	return w.out, nil
}

func (w *world) contact(i int) *refContact {
	return w.ref.contacts[i%len(w.ref.contacts)]
}

func (w *world) do(o op) error {
	c := w.contact(o.C)
	switch o.Kind {
	case opAct:
		return w.act(c, o.A, o.B)
	case opRound:
		return w.round("dispatcher", w.proc.disp.Round)
	case opFault:
		w.fault, w.requests = decodeFault(o.A, o.B), 0
		return w.round("dispatcher", w.proc.disp.Round)
	case opJump:
		w.jump(o.A, o.B)
	case opSend:
		return w.send(o.A, o.B)
	case opInteraction:
		return w.interaction(c, o.A, o.B)
	case opHandled:
		err := w.proc.svc.Handled(w.ctx, &domain.Contact{ID: c.id}, "U0OWNER", "")
		w.tracef("owner: handled C%d → %v", c.id, errText(err))
		if err == nil {
			c.paused = false
		} else if domain.ErrorCode(err) != domain.Invalid {
			return err
		}
	case opRestart:
		w.tracef("restart: process %d stops, process %d starts", w.proc.n, w.proc.n+1)
		w.proc.kill()
		return w.start()
	case opBlock:
		return w.block(c, o.A)
	case opUnblock:
		return w.unblock(c, o.A)
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

// round runs one round of the dispatcher or the deliverer; a process that
// crashed or whose round was cancelled is replaced.
func (w *world) round(what string, round func(context.Context) (int, error)) error {
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	outer := w.cancel
	w.cancel = cancel
	n, err := round(ctx)
	w.cancel = outer
	if n > 0 || err != nil {
		w.tracef("%s round by process %d: %d (%s)", what, w.proc.n, n, errText(err))
	}
	if w.proc.dead || ctx.Err() != nil {
		w.out.crashes++
		w.tracef("restart: process %d is gone, process %d starts", w.proc.n, w.proc.n+1)
		w.proc.kill()
		return w.start()
	}
	return err
}

// wire is the dispatcher's Sender: the fake Telegram as one process sees it.
// It is the one adapter between the Sender interface and the world.
type wire struct {
	w *world
	p *proc
}

func (s *wire) Send(ctx context.Context, m survey.Message, ready func(context.Context) error) (int64, error) {
	return s.w.transmit(ctx, s.p, m, ready)
}

// transmit is one request to Telegram: it waits its turn under the rate
// limits (the clock moves, the customer may act meanwhile), asks ready
// (when the sender has one) just before it leaves, is judged by the
// reference as it leaves, and then meets its fate.
func (w *world) transmit(ctx context.Context, p *proc, m survey.Message, ready func(context.Context) error) (int64, error) {
	f := w.fault
	if f == nil || f.request != w.requests {
		f = &fault{}
	} else {
		w.fault = nil
		f = w.cfg.without(*f)
	}
	w.requests++
	w.advance(f.latency)
	s, reminder, err := w.identify(m)
	if err != nil {
		return 0, err
	}
	if f.interleave && s != nil {
		w.tracef("  while S%d waits %s to leave:", s.id, f.latency)
		if err := w.act(s.contact, f.a, f.b); err != nil {
			return 0, err
		}
	}
	if ready != nil {
		if err := ready(ctx); err != nil {
			return 0, fmt.Errorf("%w: %w", survey.ErrNotSent, err)
		}
	}
	if s != nil {
		w.judge(s, reminder, m.ChatID)
	} else {
		w.tracef("  ← chat %d: %s", m.ChatID, summary(m))
	}
	return w.telegram(p, m, s, reminder, f)
}

// identify finds the survey whose invitation or reminder m is, by its
// buttons ("s:<survey>:start"); nil for other messages.
func (w *world) identify(m survey.Message) (*refSurvey, bool, error) {
	id := int64(0)
	for _, row := range m.Buttons {
		for _, b := range row {
			if rest, ok := strings.CutPrefix(b.Data, "s:"); ok {
				n, _, _ := strings.Cut(rest, ":")
				id, _ = strconv.ParseInt(n, 10, 64)
			}
		}
	}
	if id == 0 || m.Edit != 0 {
		return nil, false, nil
	}
	s, ok := w.ref.surveys[id]
	if !ok {
		sv, err := w.obs.Survey(w.ctx, id)
		if err != nil {
			return nil, false, err
		}
		var c *refContact
		for _, rc := range w.ref.contacts {
			if rc.id == sv.ContactID {
				c = rc
			}
		}
		if c == nil {
			return nil, false, fmt.Errorf("survey %d of an unknown contact %d", id, sv.ContactID)
		}
		s = w.ref.survey(id, c, sv.Questionnaire)
	}
	return s, isReminderText(m.Text), nil
}

// isReminderText tells a reminder from an invitation by what the customer
// reads (README: "a gentle reminder", in English or French).
func isReminderText(text string) bool {
	return strings.HasPrefix(text, "A gentle reminder") || strings.HasPrefix(text, "Petit rappel")
}

// judge checks the message about s leaving now against the reference.
func (w *world) judge(s *refSurvey, reminder bool, chat int64) {
	w.out.checked++
	kind := "invitation"
	if reminder {
		kind = "reminder"
		w.out.reminders++
	} else {
		w.out.invitations++
	}
	v := w.ref.verdict(s, reminder, chat, w.now)
	local := w.now.In(w.ref.zone(s.contact)).Format("Mon 15:04:05 MST")
	w.tracef("→ %s of S%d (%s) to C%d leaves (%s for the contact)", kind, s.id, s.questionnaire, s.contact.id, local)
	if len(v) > 0 && w.out.violation == "" {
		w.out.violation = fmt.Sprintf("%s of S%d (%s) to C%d at %s: %s", kind, s.id, s.questionnaire, s.contact.id,
			w.now.In(w.ref.zone(s.contact)).Format("2006-01-02 15:04:05 MST"), strings.Join(v, "; "))
		w.out.code, _, _ = strings.Cut(v[0], ":")
		w.tracef("  VIOLATION: %s", strings.Join(v, "; "))
	}
}

// telegram is the fate of a request that left: a 403 for a blocked chat,
// else the fault's.
func (w *world) telegram(p *proc, m survey.Message, s *refSurvey, reminder bool, f *fault) (int64, error) {
	arrive := func(ok bool) {
		if s != nil {
			w.ref.sent(s, reminder, w.now, true, ok)
		}
		if ok {
			w.out.arrived++
			w.deliver(m)
		}
	}
	if w.chatBlocked(m.ChatID) {
		w.tracef("  403: the customer blocked the bot")
		if c := w.chatContact(m.ChatID); c != nil && c.linked {
			c.unreachable = true
		}
		return 0, fmt.Errorf("telegram: 403 Forbidden: bot was blocked by the user: %w", survey.ErrUnreachable)
	}
	switch f.mode {
	case faultRefused:
		w.tracef("  refused by Telegram (not sent)")
		return 0, fmt.Errorf("telegram: 400 Bad Request: %w", survey.ErrNotSent)
	case faultAmbiguous:
		w.tracef("  connection reset (arrived: %v)", f.arrives)
		arrive(f.arrives)
		return 0, errors.New("read tcp: connection reset by peer")
	case faultCancel:
		w.tracef("  the round is cancelled as it leaves (arrived: %v)", f.arrives)
		arrive(f.arrives)
		if w.cancel != nil {
			w.cancel()
		}
		return 0, fmt.Errorf("post sendMessage: %w", context.Canceled)
	case faultCrash:
		w.tracef("  process %d dies as it leaves (arrived: %v)", p.n, f.arrives)
		arrive(f.arrives)
		p.kill()
		return 0, errors.New("killed")
	}
	arrive(true)
	return w.msgID, nil
}

func (w *world) chatContact(chat int64) *refContact {
	for _, c := range w.ref.contacts {
		if c.chat == chat {
			return c
		}
	}
	return nil
}

func (w *world) chatBlocked(chat int64) bool {
	c := w.chatContact(chat)
	return c != nil && c.blocked
}

// deliver shows m in its chat: a new message, or an edit of one.
func (w *world) deliver(m survey.Message) {
	msgs := w.chats[m.ChatID]
	if m.Edit != 0 {
		for i := range msgs {
			if msgs[i].id == m.Edit {
				msgs[i].text, msgs[i].buttons = m.Text, m.Buttons
			}
		}
		return
	}
	w.msgID++
	msgs = append(msgs, chatMsg{id: w.msgID, text: m.Text, buttons: m.Buttons})
	if len(msgs) > 12 {
		msgs = msgs[1:]
	}
	w.chats[m.ChatID] = msgs
}

// replied delivers what a conversation owes the customer: through the
// outbox and the deliverer (and, were any returned, the reply's).
func (w *world) replied(r survey.Reply) error {
	for _, m := range r.Messages {
		if !w.chatBlocked(m.ChatID) {
			w.deliver(m)
		}
	}
	if r.Notice != "" {
		w.tracef("  notice: %q", r.Notice)
	}
	return w.round("deliverer", w.proc.deliv.Round)
}

func (w *world) key() string {
	w.keys++
	return "p" + strconv.Itoa(w.keys)
}

func (w *world) chat(c *refContact) survey.Chat {
	return survey.Chat{ID: c.chat, Language: w.cfg.Contacts[c.idx].Language}
}

// text is the customer typing in their chat.
func (w *world) text(c *refContact, text string) (survey.Reply, error) {
	r, err := w.proc.svc.Text(w.ctx, w.key(), w.chat(c), text)
	if err == nil {
		err = w.replied(r)
	}
	if err != nil {
		return r, err
	}
	return r, w.observe(c)
}

// tap is the customer tapping a button of message msg.
func (w *world) tap(c *refContact, msg chatMsg, data string) error {
	r, err := w.proc.svc.Tap(w.ctx, w.key(), w.chat(c), msg.id, data)
	if err == nil {
		err = w.replied(r)
	}
	if err != nil {
		return err
	}
	return w.observe(c)
}

// summary is the first line of m, for traces.
func summary(m survey.Message) string {
	t, _, _ := strings.Cut(m.Text, "\n")
	if len(t) > 60 {
		t = t[:60] + "…"
	}
	if m.Edit != 0 {
		return fmt.Sprintf("edit of %d: %q", m.Edit, t)
	}
	return strconv.Quote(t)
}

// observe reads the answers stored for the contact's questionnaires: they
// are facts the reference judges by itself (detractor, frequency, done).
func (w *world) observe(c *refContact) error {
	for _, s := range c.surveys {
		if !s.answeredAt.IsZero() {
			continue
		}
		got, err := w.obs.Answers(w.ctx, 0, s.id)
		if err != nil {
			return err
		}
		for _, a := range got {
			if !s.answers[a.Question] {
				w.ref.answer(s, a)
			}
		}
	}
	return nil
}

// act is the customer of c doing something plausible: open the invite
// link, tap a button of the last keyboard, type, /stop, /start, /forget…
func (w *world) act(c *refContact, a, b int) error {
	if c.blocked {
		return nil
	}
	if !c.linked {
		if a%10 < 7 {
			return w.link(c)
		}
		return nil
	}
	msgs := w.chats[c.chat]
	if w.cfg.Contacts[c.idx].Silent {
		if k := lastKeyboard(msgs, 0); len(k.buttons) > 0 && strings.HasPrefix(k.buttons[0][0].Data, "c:") {
			return w.tapKeyboard(c, k, b)
		}
		return nil
	}
	switch {
	case a < 55:
		return w.respond(c, msgs, b)
	case a < 60:
		return w.typeAnswer(c, b)
	case a < 63:
		return w.command(c, "/skip")
	case a < 66:
		return w.command(c, "/stop")
	case a < 70:
		return w.command(c, "/start")
	case a < 76:
		return w.tapKeyboard(c, lastKeyboard(msgs, 1+b%4), b/4)
	case a < 79:
		return w.command(c, []string{"/mydata", "/help", "hello"}[b%3])
	case a < 81:
		return w.command(c, "/forget")
	}
	return w.tapInvitation(c, msgs, []string{"later", "never", "start", "later"}[b%4])
}

// respond answers what the chat shows last: taps its keyboard, or types
// when it asks for text.
func (w *world) respond(c *refContact, msgs []chatMsg, b int) error {
	if n := len(msgs); n > 0 && len(msgs[n-1].buttons) == 0 && typeWanted(msgs[n-1].text) {
		if b%4 == 0 {
			return w.command(c, "/skip")
		}
		return w.typeAnswer(c, b)
	}
	return w.tapKeyboard(c, lastKeyboard(msgs, 0), b)
}

// typeWanted tells whether a message asks the customer to type.
func typeWanted(text string) bool {
	return strings.Contains(text, "Type your answer") || strings.Contains(text, "Écrivez votre réponse")
}

var typed = []string{"4", "9", "2", "0", "5", "Very good", "slow delivery", "12", "oui", ""}

func (w *world) typeAnswer(c *refContact, b int) error {
	text := typed[b%len(typed)]
	w.tracef("C%d types %q", c.id, text)
	_, err := w.text(c, text)
	return err
}

// link is the team making an invite link and the customer opening it.
func (w *world) link(c *refContact) error {
	token, err := w.proc.svc.Invite(w.ctx, &domain.Contact{ID: c.id}, "U0OWNER")
	if err != nil {
		return err
	}
	w.tracef("C%d opens a new invite link", c.id)
	if _, err := w.text(c, "/start "+token); err != nil {
		return err
	}
	r, err := w.obs.Respondent(w.ctx, c.id)
	if err != nil {
		return err
	}
	if r != nil && r.ChatID == c.chat {
		c.linked, c.unreachable = true, false
	}
	return nil
}

// command is the customer typing a command; the reference logs what it
// means for the policy.
func (w *world) command(c *refContact, cmd string) error {
	w.tracef("C%d types %s", c.id, cmd)
	if _, err := w.text(c, cmd); err != nil {
		return err
	}
	switch cmd {
	case "/stop":
		w.ref.optOut(c)
	case "/start":
		c.unreachable = false
	}
	return nil
}

// lastKeyboard returns the back-th last message with buttons (0: the
// last), or a zero message.
func lastKeyboard(msgs []chatMsg, back int) chatMsg {
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].buttons) == 0 {
			continue
		}
		if back == 0 {
			return msgs[i]
		}
		back--
	}
	return chatMsg{}
}

// tapKeyboard taps a button of msg, as customers do: mostly Start and
// Yes, at times Not now, Never or No; in busy sequences, mostly good
// marks.
func (w *world) tapKeyboard(c *refContact, msg chatMsg, pick int) error {
	var all []survey.Button
	for _, row := range msg.buttons {
		all = append(all, row...)
	}
	if len(all) == 0 {
		return nil
	}
	i := pick % len(all)
	switch kind, _, _ := strings.Cut(all[0].Data, ":"); {
	case kind == "s" && len(all) == 3: // Start, Not now, Never
		i = []int{0, 0, 0, 0, 0, 0, 1, 1, 2, 0}[pick%10]
	case kind == "c": // Yes, No
		i = []int{0, 0, 0, 0, 1}[pick%5]
	case kind == "q" && w.cfg.Busy && pick%5 != 0:
		i = len(all)/2 + pick%(len(all)-len(all)/2)
	}
	return w.tapButton(c, msg, all[i])
}

// tapInvitation taps action on the last invitation or reminder received.
func (w *world) tapInvitation(c *refContact, msgs []chatMsg, action string) error {
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "s:") && strings.HasSuffix(b.Data, ":"+action) {
					return w.tapButton(c, msgs[i], b)
				}
			}
		}
	}
	return nil
}

// tapButton taps b and logs for the reference what the tap means.
func (w *world) tapButton(c *refContact, msg chatMsg, b survey.Button) error {
	w.tracef("C%d taps %q (%s) on message %d", c.id, b.Text, b.Data, msg.id)
	now := w.now
	if err := w.tap(c, msg, b.Data); err != nil {
		return err
	}
	kind, rest, _ := strings.Cut(b.Data, ":")
	switch kind {
	case "c":
		c.consent = rest == "yes"
	case "f":
		if rest == "yes" {
			w.ref.forget(c)
		}
	case "s":
		idText, action, _ := strings.Cut(rest, ":")
		id, _ := strconv.ParseInt(idText, 10, 64)
		if s, ok := w.ref.surveys[id]; ok {
			w.ref.tapInvitation(s, action, now)
		}
	}
	return nil
}

// block is the customer blocking the bot; Telegram tells the bot
// (my_chat_member) unless a%3 == 0.
func (w *world) block(c *refContact, a int) error {
	if c.blocked {
		return nil
	}
	c.blocked = true
	told := a%3 != 0
	w.tracef("C%d blocks the bot (the bot is told: %v)", c.id, told)
	if !told {
		return nil
	}
	if err := w.proc.svc.Blocked(w.ctx, w.key(), c.chat, true); err != nil {
		return err
	}
	if c.linked {
		c.unreachable = true
	}
	return nil
}

// unblock is the customer unblocking the bot: the bot hears of it by
// my_chat_member (a%3 == 0), by /start (1), or both (2).
func (w *world) unblock(c *refContact, a int) error {
	if !c.blocked {
		return nil
	}
	c.blocked = false
	w.tracef("C%d unblocks the bot (%s)", c.id, []string{"my_chat_member", "/start", "both"}[a%3])
	if a%3 != 1 {
		if err := w.proc.svc.Blocked(w.ctx, w.key(), c.chat, false); err != nil {
			return err
		}
		if c.linked {
			c.unreachable = false
		}
	}
	if a%3 != 0 {
		return w.command(c, "/start")
	}
	return nil
}

// send is the team queueing a questionnaire: to one contact, two, or all.
func (w *world) send(a, b int) error {
	q := w.qs[a%len(w.qs)]
	n := len(w.ref.contacts)
	var ids []int64
	var who []string
	switch b % 4 {
	case 0:
		for _, c := range w.ref.contacts {
			ids = append(ids, c.id)
		}
		who = []string{"everyone"}
	case 1:
		c1, c2 := w.contact(b/4), w.contact(b/4+1+b/16%(n-1))
		ids, who = []int64{c1.id, c2.id}, []string{"C" + strconv.FormatInt(c1.id, 10), "C" + strconv.FormatInt(c2.id, 10)}
	default:
		c := w.contact(b / 4)
		ids, who = []int64{c.id}, []string{"C" + strconv.FormatInt(c.id, 10)}
	}
	p, err := w.proc.svc.Send(w.ctx, q.ID, ids, "U0MANAGER", false)
	if err != nil {
		return err
	}
	w.tracef("team: survey send %s to %s → queued %d %v %v", q.ID, strings.Join(who, ","), p.Queued, p.Outcomes, p.Reasons)
	return nil
}

// interaction is the team logging a call with c, now or up to four days
// back (as an import of past interactions would).
func (w *world) interaction(c *refContact, a, b int) error {
	at := w.now
	if a%4 == 0 {
		at = at.Add(-time.Duration(b%96) * time.Hour)
	}
	i := &domain.Interaction{ContactID: c.id, Kind: domain.InteractionKind("call"), Author: "U0SALES", At: at}
	if err := w.proc.db.AddInteraction(w.ctx, i); err != nil {
		return err
	}
	w.tracef("team: log C%d call at %s", c.id, at.In(w.ref.zone(c)).Format("Mon 2006-01-02 15:04 MST"))
	if at.After(c.interactionAt) {
		c.interactionAt = at
	}
	return nil
}

// jump moves the clock: minutes, hours, days, months, to the next quiet
// hours' edge or midnight in a contact's zone, or to the next edge of a
// rule of the reference, exactly or a second around it.
func (w *world) jump(a, b int) {
	from := w.now
	switch a % 8 {
	case 0:
		w.advance(time.Duration(1+b%5400) * time.Second)
	case 1:
		w.advance(time.Duration(1+b%14)*time.Hour + time.Duration(b%60)*time.Minute)
	case 2:
		w.advance(time.Duration(1+b%8)*24*time.Hour + time.Duration(b%1440)*time.Minute)
	case 3:
		days := 10 + b%50
		if w.cfg.Busy {
			days = 25 + b%15
		}
		w.advance(time.Duration(days)*24*time.Hour + time.Duration(b%1440)*time.Minute)
	case 4, 5:
		w.landOn(w.localEdges(w.contact(b)), b/7)
	default:
		edges := w.ref.edges(w.contact(b))
		if w.cfg.Busy {
			edges = slices.DeleteFunc(edges, func(e time.Time) bool { return e.Sub(w.now) > 40*24*time.Hour })
		}
		w.landOn(edges, b/7)
	}
	w.tracef("clock +%s", w.now.Sub(from))
}

// nudges are where a jump lands around an edge.
var nudges = []time.Duration{0, -time.Second, time.Second, -time.Minute, 30 * time.Second}

// landOn moves the clock to one of the edges still ahead, nudged.
func (w *world) landOn(edges []time.Time, pick int) {
	var ahead []time.Time
	for _, e := range edges {
		if e.After(w.now.Add(time.Minute)) {
			ahead = append(ahead, e)
		}
	}
	if len(ahead) == 0 {
		w.advance(time.Hour)
		return
	}
	w.advance(ahead[pick%len(ahead)].Add(nudges[pick/len(ahead)%len(nudges)]).Sub(w.now))
}

// localEdges are the next eight days' midnights and quiet hours' edges in
// the zone of c.
func (w *world) localEdges(c *refContact) []time.Time {
	loc := w.ref.zone(c)
	l := w.now.In(loc)
	var out []time.Time
	for d := range 8 {
		for _, m := range []int{0, w.ref.pol.quietFrom, w.ref.pol.quietTo} {
			out = append(out, time.Date(l.Year(), l.Month(), l.Day()+d, m/60, m%60, 0, 0, loc))
		}
	}
	return out
}
