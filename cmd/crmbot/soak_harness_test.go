package main

// The soak harness (issue 9): crmbot run processes the test starts, stops
// and kills; customers simulated in Telegram through the fake Bot API; and
// the accounting of what they lived, read from the fake (what left) and
// from the database (what was stored).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// envInt reads a whole number from the environment, def when unset.
func envInt(t testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: not a whole number", name, v)
	}
	return n
}

// envDuration reads a duration ("90s") from the environment.
func envDuration(t testing.TB, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s=%q: not a duration such as 90s", name, v)
	}
	return d
}

// soakThrottle is a throttle for soaks: sends at any hour, several
// questionnaires per contact, a reminder at once, and the bot's own global
// rate low enough that sends wait their turn.
func soakThrottle(globalPerSecond int) string {
	return anyTime + "  recontact_days: 0\n  max_per_year: 0\n  reminder_after_days: 0\n" +
		"  fatigue: {unanswered: 0, pause_days: 0}\n" +
		fmt.Sprintf("  telegram: {global_per_second: %d}\n", globalPerSecond)
}

// --- processes ---

// botProc is one crmbot run that a soak starts, stops and kills again and
// again. Its standard error goes, every run appended, to log.
type botProc struct {
	t       testing.TB
	name    string
	env     []string
	log     *os.File
	cmd     *exec.Cmd
	started time.Time
}

// newBotProc prepares a crmbot run with env (on top of the test's base:
// no configuration file, no Slack, no Telegram, unless env sets them). Its
// log is kept in CRMBOT_SOAK_LOGS when set, else in the test's folder.
func newBotProc(t testing.TB, name string, env ...string) *botProc {
	t.Helper()
	dir := os.Getenv("CRMBOT_SOAK_LOGS")
	if dir == "" {
		dir = t.TempDir()
	}
	f, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	b := &botProc{t: t, name: name, env: binaryEnv(env), log: f}
	t.Cleanup(func() {
		b.stop(syscall.SIGKILL)
		f.Close()
	})
	return b
}

// start starts the process; it must not be running.
func (b *botProc) start() {
	b.t.Helper()
	b.cmd = exec.Command(binary(b.t), "run")
	b.cmd.Env = b.env
	b.cmd.Dir = b.t.TempDir()
	b.cmd.Stdout, b.cmd.Stderr = b.log, b.log
	fmt.Fprintf(b.log, "---- soak: start %s at %s\n", b.name, time.Now().Format(time.StampMilli))
	b.started = time.Now()
	if err := b.cmd.Start(); err != nil {
		b.t.Fatalf("start %s: %v", b.name, err)
	}
}

// stop sends sig and waits for the process to end; nothing when it is not
// running.
func (b *botProc) stop(sig syscall.Signal) {
	if b.cmd == nil || b.cmd.Process == nil || b.cmd.ProcessState != nil {
		return
	}
	b.cmd.Process.Signal(sig)
	b.cmd.Wait()
	fmt.Fprintf(b.log, "---- soak: %s stopped by %v at %s\n", b.name, sig, time.Now().Format(time.StampMilli))
}

// --- waiting ---

// pollEvery is how often the harness looks again at what the fake recorded.
const pollEvery = 20 * time.Millisecond

// pollUntil calls cond every pollEvery until it holds (true), ctx is done
// or deadline passes (false).
func pollUntil(ctx context.Context, deadline time.Time, cond func() bool) bool {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		if cond() {
			return true
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// firstReply waits, up to limit, for a message to chat and returns how long
// after since it was sent; ok is false if none came in time.
func firstReply(tg *telegramtest.Server, chat int64, since time.Time, limit time.Duration) (time.Duration, bool) {
	var at time.Time
	ok := pollUntil(context.Background(), time.Now().Add(limit), func() bool {
		if s := tg.Sent(chat); len(s) > 0 {
			at = s[0].At
			return true
		}
		return false
	})
	return at.Sub(since), ok
}

// --- the customers ---

// soakWorld is what a soak runs against: the database, the fake Bot API,
// the customers and what they lived.
type soakWorld struct {
	t         *testing.T
	dsn       string
	env       []string // of crmbot exec and console: database, configuration, Telegram
	tg        *telegramtest.Server
	db        *store.DB // the test's own connection, to read what was stored
	customers []*customer
	// stopActing ends the soak for the customers: they wait for the
	// answer to what they did last, and do nothing new.
	stopActing atomic.Bool
	titles     map[string]domain.Questionnaire // by English title
	latencies  latencies                       // of every awaited reply
	lostSeen   map[int64]bool                  // surveys newlyLost returned
	contacts   int                             // C1…C<contacts>: the customers, then the audience
	waves      int                             // of the audience
	perWave    int
	sentWaves  int
}

// customer is one simulated Telegram customer.
type customer struct {
	w       *soakWorld
	chat    int64
	contact int64
	token   string
	rng     *rand.Rand
	start   time.Duration // when it opens its invite link, from the soak's start

	mu      sync.Mutex
	waiting string    // what it waits for after its last message; "" none
	since   time.Time // when it sent that message
	acked   []acked   // answers the bot moved on from
	done    map[int64]bool
}

// acked is an answer the customer gave and saw acknowledged (the next
// question or the thanks came): it must be stored.
type acked struct {
	survey   int64
	question string
	value    string // as answerValue writes a stored answer
}

// latencies collects reply delays.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// summary is "median / p95 / max" in seconds.
func (l *latencies) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return durSummary(l.d)
}

func durSummary(d []time.Duration) string {
	if len(d) == 0 {
		return "–"
	}
	s := slices.Clone(d)
	slices.Sort(s)
	q := func(p float64) float64 { return s[min(len(s)-1, int(p*float64(len(s))))].Seconds() }
	return fmt.Sprintf("%.2f / %.2f / %.2f s (n=%d)", q(0.5), q(0.95), s[len(s)-1].Seconds(), len(s))
}

// soakPeople says who a soak's world holds: customers who act, and an
// audience in waves of contacts who consented in Telegram and never
// answer, sent a questionnaire a wave at a time so that invitations queue
// up behind the rate limits.
type soakPeople struct {
	customers, waves, perWave int
	seed                      uint64
	spread                    time.Duration // customers open their links within it
}

// newSoakWorld imports the customers (city Soak) and the audience (city
// Bulk1, Bulk2…) into dsn and makes the customers' invite links, through
// the binary as a team would; the audience's consent is written through
// the store, as the bot would have.
func newSoakWorld(t *testing.T, dsn string, tg *telegramtest.Server, env []string, p soakPeople) *soakWorld {
	t.Helper()
	w := &soakWorld{t: t, dsn: dsn, env: env, tg: tg, titles: map[string]domain.Questionnaire{}, lostSeen: map[int64]bool{},
		contacts: p.customers + p.waves*p.perWave, waves: p.waves, perWave: p.perWave}
	for _, q := range domain.BuiltinQuestionnaires() {
		w.titles[q.Title.EN] = q
	}
	var csv, lines strings.Builder
	csv.WriteString("Name,Email,City,Owner\n")
	for i := 1; i <= w.contacts; i++ {
		city := "Soak"
		if i > p.customers {
			city = fmt.Sprintf("Bulk%d", 1+(i-p.customers-1)/p.perWave)
		} else {
			fmt.Fprintf(&lines, "invite C%d\n", i)
		}
		fmt.Fprintf(&csv, "Soak Contact %d,soak%d@example.com,%s,U0OWNER\n", i, i, city)
	}
	file := filepath.Join(t.TempDir(), "contacts.csv")
	os.WriteFile(file, []byte(csv.String()), 0o644)
	if r := runBinary(t, dsn, nil, env, "import", "contacts", file); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	r := runBinary(t, dsn, strings.NewReader(lines.String()), env, "console")
	tokens := regexp.MustCompile(`\?start=([A-Za-z0-9_-]+)`).FindAllStringSubmatch(r.stdout, -1)
	if len(tokens) != p.customers {
		t.Fatalf("invite: %d links for %d customers: %s %s", len(tokens), p.customers, r.stdout, r.stderr)
	}
	rng := rand.New(rand.NewPCG(p.seed, 1))
	for i := range p.customers {
		w.customers = append(w.customers, &customer{w: w, chat: 710001 + int64(i), contact: int64(i + 1), token: tokens[i][1],
			rng: rand.New(rand.NewPCG(p.seed, uint64(i)+2)), start: time.Duration(rng.Int64N(int64(p.spread) + 1)), done: map[int64]bool{}})
	}
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.db = db
	for id := int64(p.customers + 1); id <= int64(w.contacts); id++ {
		r := &domain.Respondent{ContactID: id, ChatID: audienceChat + id, Language: "en", ConsentText: "consent-v1",
			Consent: domain.Consent{Given: true, At: time.Now().Add(-time.Hour)}}
		if err := db.SaveRespondent(context.Background(), r); err != nil {
			t.Fatalf("consent of the audience: %v", err)
		}
	}
	return w
}

// sendWave queues the satisfaction questionnaire for the next wave of the
// audience, if any is left, and waits (up to limit) for its first
// invitation to reach Telegram: the wave is being delivered. It reports
// whether a wave was sent.
func (w *soakWorld) sendWave(ctx context.Context, limit time.Duration) bool {
	if w.sentWaves >= w.waves {
		return false
	}
	w.sentWaves++
	w.exec(ctx, fmt.Sprintf("survey send satisfaction to city=Bulk%d", w.sentWaves))
	first := int64(len(w.customers) + (w.sentWaves-1)*w.perWave + 1)
	pollUntil(ctx, time.Now().Add(limit), func() bool {
		for _, m := range w.tg.AllSent() {
			if m.ChatID >= audienceChat+first && m.ChatID < audienceChat+first+int64(w.perWave) {
				return true
			}
		}
		return false
	})
	return true
}

// audienceChat + a contact's id is the chat of an audience contact.
const audienceChat = 720000

// runCustomers starts every customer; they stop with ctx.
func (w *soakWorld) runCustomers(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, c := range w.customers {
		wg.Go(func() { c.run(ctx) })
	}
	return &wg
}

// runTeam queues questionnaires for the customers every period, as a team
// typing `survey send` would: satisfaction to those who consented since,
// preferences to those who answered it. It stops with ctx.
func (w *soakWorld) runTeam(ctx context.Context, every time.Duration) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			for _, q := range []string{"satisfaction", "preferences"} {
				w.exec(ctx, "survey send "+q+" to city=Soak")
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	return &wg
}

// exec runs one command of the language as the owner; a failure is logged
// (the soak goes on: a command may meet a busy database).
func (w *soakWorld) exec(ctx context.Context, line string) {
	cmd := exec.CommandContext(ctx, binary(w.t), "exec", "--as", "U0OWNER", line)
	cmd.Env = binaryEnv(append([]string{"CRMBOT_DATABASE=" + w.dsn}, w.env...))
	cmd.Dir = os.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil && ctx.Err() == nil {
		w.t.Logf("exec %q: %v: %s", line, err, out)
	}
}

// think pauses the customer for a human moment (not a wait for the bot).
func (c *customer) think(ctx context.Context, from, to time.Duration) bool {
	d := from + time.Duration(c.rng.Int64N(int64(to-from)+1))
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// next waits for the first message to the customer from index from on
// that matches, and returns it.
func (c *customer) next(ctx context.Context, from int, deadline time.Time, match func(telegramtest.Message) bool) (telegramtest.Message, bool) {
	var found telegramtest.Message
	ok := pollUntil(ctx, deadline, func() bool {
		for _, m := range c.w.tg.Sent(c.chat)[from:] {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, ok
}

// ask does what a customer does (a message, a tap) and waits, as long as
// the soak lasts, for the reply it calls for: until then the customer
// counts as waiting for what. Nothing is done once the soak is over.
func (c *customer) ask(ctx context.Context, what string, do func(), match func(telegramtest.Message) bool) (telegramtest.Message, bool) {
	if c.w.stopActing.Load() {
		return telegramtest.Message{}, false
	}
	from := len(c.w.tg.Sent(c.chat))
	now := time.Now()
	c.mu.Lock()
	c.waiting, c.since = what, now
	c.mu.Unlock()
	do()
	m, ok := c.next(ctx, from, time.Time{}, match)
	if ok {
		c.w.latencies.add(m.At.Sub(now))
		c.mu.Lock()
		c.waiting = ""
		c.mu.Unlock()
	}
	return m, ok
}

// stuck returns what the customer still waits for, "" if nothing.
func (c *customer) stuck() (string, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting, c.since
}

func (c *customer) text(s string) func() {
	return func() { c.w.tg.PushText(c.chat, "en", s) }
}

func (c *customer) tap(m telegramtest.Message, data string) func() {
	return func() { c.w.tg.PushTap(c.chat, "en", m.MessageID, data) }
}

// hasData matches a message with a button whose data ends with suffix.
func hasData(suffix string) func(telegramtest.Message) bool {
	return func(m telegramtest.Message) bool { return buttonData(m, suffix) != "" }
}

func buttonData(m telegramtest.Message, suffix string) string {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.HasSuffix(b.Data, suffix) {
				return b.Data
			}
		}
	}
	return ""
}

func textHas(s string) func(telegramtest.Message) bool {
	return func(m telegramtest.Message) bool { return strings.Contains(m.Text, s) }
}

// reminderPrefix starts a reminder's text (English).
const reminderPrefix = "A gentle reminder"

var inviteData = regexp.MustCompile(`^s:(\d+):start$`)

// invitationOf returns the survey an invitation or a reminder is of, 0 for
// another message.
func invitationOf(m telegramtest.Message) int64 {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if g := inviteData.FindStringSubmatch(b.Data); g != nil {
				id, _ := strconv.ParseInt(g[1], 10, 64)
				return id
			}
		}
	}
	return 0
}

var questionHead = regexp.MustCompile(`^(.+) — (\d+)/(\d+)\n`)

// questionAt matches question k (from 1) of the questionnaire titled title.
func questionAt(title string, k int) func(telegramtest.Message) bool {
	return func(m telegramtest.Message) bool {
		g := questionHead.FindStringSubmatch(m.Text)
		return g != nil && g[1] == title && g[2] == strconv.Itoa(k)
	}
}

const thanksText = "Thank you for your answers!"

// run is a customer's life: open the invite link, consent, then answer
// each questionnaire that comes, sometimes only after its reminder, and
// now and then ask what is kept.
func (c *customer) run(ctx context.Context) {
	if !c.think(ctx, c.start, c.start) {
		return
	}
	prompt, ok := c.ask(ctx, "the consent question", c.text("/start "+c.token), hasData("c:yes"))
	if !ok || !c.think(ctx, 200*time.Millisecond, 2*time.Second) {
		return
	}
	if _, ok := c.ask(ctx, "the thanks for consenting", c.tap(prompt, "c:yes"), textHas("You will hear from us")); !ok {
		return
	}
	for {
		if c.rng.IntN(3) == 0 && !c.mydata(ctx) {
			return
		}
		inv, ok := c.invitation(ctx)
		if !ok || !c.answerAll(ctx, inv) {
			return
		}
	}
}

// mydata asks what is kept (/mydata), as a customer between
// questionnaires might, and waits for the answer.
func (c *customer) mydata(ctx context.Context) bool {
	if !c.think(ctx, 200*time.Millisecond, 2*time.Second) {
		return false
	}
	_, ok := c.ask(ctx, "the answer to /mydata", c.text("/mydata"), textHas("What we keep about you"))
	return ok
}

// invitation waits for an invitation to a questionnaire not answered yet;
// a third of the customers wait for its reminder (up to 15 s) to start.
func (c *customer) invitation(ctx context.Context) (telegramtest.Message, bool) {
	fresh := func(m telegramtest.Message) bool { id := invitationOf(m); return id != 0 && !c.done[id] }
	inv, ok := c.next(ctx, 0, time.Time{}, fresh)
	if !ok || c.rng.IntN(3) > 0 || strings.HasPrefix(inv.Text, reminderPrefix) {
		return inv, ok
	}
	id := invitationOf(inv)
	reminder := func(m telegramtest.Message) bool {
		return invitationOf(m) == id && strings.HasPrefix(m.Text, reminderPrefix)
	}
	if r, ok := c.next(ctx, 0, time.Now().Add(15*time.Second), reminder); ok {
		return r, true
	}
	return inv, ctx.Err() == nil
}

// answerAll taps Start on inv and answers every question; it reports
// whether the questionnaire was finished.
func (c *customer) answerAll(ctx context.Context, inv telegramtest.Message) bool {
	id := invitationOf(inv)
	title, _, _ := strings.Cut(strings.TrimPrefix(inv.Text, reminderPrefix+" — "), "\n")
	q, known := c.w.titles[title]
	if !known {
		c.w.t.Errorf("chat %d: invitation to an unknown questionnaire: %q", c.chat, inv.Text)
		return false
	}
	if !c.think(ctx, 200*time.Millisecond, 2*time.Second) {
		return false
	}
	m, ok := c.ask(ctx, "question 1 of "+q.ID, c.tap(inv, fmt.Sprintf("s:%d:start", id)), questionAt(title, 1))
	for k := 1; ok; k++ {
		if !c.think(ctx, 200*time.Millisecond, 2*time.Second) {
			return false
		}
		qu := q.Questions[k-1]
		do, value := c.answer(m, qu)
		want, what := questionAt(title, k+1), fmt.Sprintf("question %d of %s", k+1, q.ID)
		if k == len(q.Questions) {
			want, what = textHas(thanksText), "the thanks for "+q.ID
		}
		if m, ok = c.ask(ctx, what, do, want); !ok {
			return false
		}
		c.mu.Lock()
		c.acked = append(c.acked, acked{survey: id, question: qu.ID, value: value})
		finished := k == len(q.Questions)
		if finished {
			c.done[id] = true
		}
		c.mu.Unlock()
		if finished {
			return true
		}
	}
	return false
}

// answer chooses the customer's answer to question qu asked by m: how to
// give it, and how it reads once stored (see answerValue). About one in
// seven ratings is a detractor's.
func (c *customer) answer(m telegramtest.Message, qu domain.Question) (func(), string) {
	detractor := c.rng.IntN(7) == 0
	switch qu.Type {
	case domain.RatingQuestion:
		v := []string{"4", "5"}[c.rng.IntN(2)]
		if detractor {
			v = "2"
		}
		return c.tap(m, buttonData(m, ":"+v)), v
	case domain.NPSQuestion:
		v := []string{"8", "9", "10"}[c.rng.IntN(3)]
		if detractor {
			v = "3"
		}
		if c.rng.IntN(3) == 0 {
			return c.text(v), v // typed rather than tapped
		}
		return c.tap(m, buttonData(m, ":"+v)), v
	case domain.TextQuestion:
		if c.rng.IntN(4) == 0 {
			return c.text("/skip"), "skipped"
		}
		s := fmt.Sprintf("soak comment of chat %d", c.chat)
		return c.text(s), s
	case domain.MultiQuestion:
		return c.text("/skip"), "skipped"
	default: // a choice: the first option
		v := qu.Options[0].ID
		return c.tap(m, buttonData(m, ":"+v)), v
	}
}

// answerValue is how a stored answer reads, to compare with acked.
func answerValue(a domain.StoredAnswer) string {
	switch {
	case a.Skipped:
		return "skipped"
	case a.Type == domain.TextQuestion:
		return a.Text
	case a.Type == domain.RatingQuestion || a.Type == domain.NPSQuestion:
		return strconv.Itoa(a.Number)
	}
	return strings.Join(a.Options, ",")
}
