package main

// The crash soak of issue 9: the real binary on SQLite, the fake Bot API
// with Telegram's limits, customers who link, consent and answer
// questionnaires (with taps, typed answers, /skip and reminders), a team
// queueing questionnaires with `survey send`, and crmbot run killed at
// random moments and restarted each time. It reports figures, then holds
// them to the goals.
//
// By default a quick version runs (3 stops, 8 customers). The full soak:
//
//	CRMBOT_SOAK_KILLS=50 go test ./cmd/crmbot -run TestSoakCrashes -v -timeout 60m
//
// with CRMBOT_SOAK_CUSTOMERS (default 40 then), CRMBOT_SOAK_SEED,
// CRMBOT_SOAK_REPLY_CAP (how long to wait for the first reply after a
// restart, default 30 s), CRMBOT_SOAK_GRACE (how long customers may wait
// for their last answer at the end, default 60 s), CRMBOT_SOAK_LOGS (a
// folder to keep crmbot's logs in) and CRMBOT_SOAK_REPORT (a file the
// figures are appended to). scripts/soak runs it.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store/storetest"
)

// dispatchWorkers is how many invitations the dispatcher sends at once:
// the most a crash may lose (issue 9's bound).
const dispatchWorkers = 8

// The goals of issue 9, and the bounds the tests hold to on a shared,
// noisy machine (reported beside the goals).
const (
	goalAfterTerm  = 5 * time.Second
	goalAfterKill  = 20 * time.Second
	boundAfterTerm = 10 * time.Second
	boundAfterKill = 25 * time.Second
)

// soakSettings are a soak's knobs, from the environment.
type soakSettings struct {
	stops           int
	waveEvery       int // stops between the audience's waves
	people          soakPeople
	replyCap, grace time.Duration
	quick           bool
	finish          int // customers to finish a questionnaire before the end
	rate            int // the global rate of messages to Telegram, a second
}

func soakFromEnv(t *testing.T) soakSettings {
	s := soakSettings{stops: envInt(t, "CRMBOT_SOAK_KILLS", 0), grace: 30 * time.Second,
		people: soakPeople{customers: 8, waves: 1, spread: 5 * time.Second}}
	s.waveEvery = max(1, envInt(t, "CRMBOT_SOAK_WAVE_EVERY", 5))
	if s.stops == 0 {
		s.stops, s.quick = 3, true
	} else {
		s.people = soakPeople{customers: 40, waves: (s.stops + s.waveEvery - 1) / s.waveEvery, spread: time.Duration(s.stops) * 10 * time.Second}
		s.grace = 60 * time.Second
	}
	s.people.customers = envInt(t, "CRMBOT_SOAK_CUSTOMERS", s.people.customers)
	s.people.perWave = envInt(t, "CRMBOT_SOAK_WAVE", map[bool]int{true: 24, false: 40}[s.quick])
	s.finish, s.rate = s.people.customers, 3
	if s.quick {
		s.finish, s.rate = s.finish/2, 6
	}
	s.people.seed = uint64(envInt(t, "CRMBOT_SOAK_SEED", 1))
	s.replyCap = envDuration(t, "CRMBOT_SOAK_REPLY_CAP", 30*time.Second)
	s.grace = envDuration(t, "CRMBOT_SOAK_GRACE", s.grace)
	return s
}

// soakReport holds a soak's figures.
type soakReport struct {
	name                     string
	kills, terms             int
	duration                 time.Duration
	invitations, reminders   int // surveys whose invitation, reminder reached Telegram
	doubled, doubledReminder int // extra copies
	lostPerKill              []int
	lostAtTerm               int
	lost                     []int64 // surveys counted as sent, never delivered, at the end
	stuck                    []string
	finished                 int // questionnaires answered to the end
	acked, answersLost       int
	answersChanged           int
	afterKill, afterTerm     []time.Duration // restart → first reply
	readAfterKill            []time.Duration // restart → the first message read
	readAfterTerm            []time.Duration
	noReply                  int // restarts not answered within the cap
	replyCap                 time.Duration
	replies                  string // reply latencies of the conversations
	messages, tooMany        int
	extra                    []string // lines a soak adds
}

func TestSoakCrashes(t *testing.T) {
	set := soakFromEnv(t)
	if set.quick {
		t.Parallel() // the full soak runs alone: its figures are measurements
	}
	dsn := storetest.DSN(t, "sqlite")
	tg := telegramtest.New(t, telegramtest.Config{})
	env := []string{"CRMBOT_CONFIG=" + writeConfig(t, soakThrottle(set.rate)), "TELEGRAM_BOT_TOKEN=" + tg.Token, "TELEGRAM_API_URL=" + tg.URL}
	w := newSoakWorld(t, dsn, tg, env, set.people)
	bot := newBotProc(t, "crmbot", append(env, "CRMBOT_DATABASE="+dsn)...)
	p := set.people
	rep := &soakReport{name: fmt.Sprintf("SQLite, 1 process, %d stops, %d customers, an audience of %d waves of %d, seed %d",
		set.stops, p.customers, p.waves, p.perWave, p.seed), replyCap: set.replyCap}

	began := time.Now()
	bot.start()
	if _, ok := w.probe(bot.started, set.replyCap); !ok {
		t.Fatalf("crmbot run did not answer within %v of its first start", set.replyCap)
	}
	ctx, cancel := context.WithCancel(context.Background())
	team, customers := w.runTeam(ctx, 2*time.Second), w.runCustomers(ctx)
	w.crashLoop(ctx, bot, set, rep)
	w.waitFinished(set.grace, set.finish)
	w.settle(set.grace)
	cancel()
	customers.Wait()
	team.Wait()
	bot.stop(syscall.SIGTERM)
	rep.duration = time.Since(began)
	w.account(rep)
	rep.print(t)
	rep.check(t)
}

// probeChats numbers the chats that probe restarts: a fresh one each time.
var probeChats atomic.Int64

// probe sends /help from a fresh chat and waits up to limit for the reply:
// it returns how long after since it came.
func (w *soakWorld) probe(since time.Time, limit time.Duration) (time.Duration, bool) {
	_, reply, ok := w.probeBoth(since, limit)
	return reply, ok
}

// probeBoth sends /help from a fresh chat and waits up to limit for the
// reply; it returns how long after since the update was read (getUpdates
// asked past it: it is handled and stored) and since the reply came. The
// first measures the polling lease's hand-over; the second adds the wait
// for the reply's turn behind the messages owed before it.
func (w *soakWorld) probeBoth(since time.Time, limit time.Duration) (read, reply time.Duration, ok bool) {
	chat := 990000 + probeChats.Add(1)
	id := w.tg.PushText(chat, "en", "/help")
	var readAt, replyAt time.Time
	ok = pollUntil(context.Background(), time.Now().Add(limit), func() bool {
		if readAt.IsZero() && w.tg.Offset() > id {
			readAt = time.Now()
		}
		if s := w.tg.Sent(chat); len(s) > 0 {
			replyAt = s[0].At
			return true
		}
		return false
	})
	if readAt.IsZero() || readAt.After(replyAt) {
		readAt = replyAt
	}
	return readAt.Sub(since), replyAt.Sub(since), ok
}

// crashLoop stops crmbot set.stops times (SIGKILL; every fifth from the
// second a SIGTERM), each at a random moment 0.3 to 5 s after it answered
// its first reply, restarting it at once each time, and measures the time
// from each restart to the first reply. Every waveEvery stops, a wave of
// the audience is sent a questionnaire first, and the stop comes 0.3 to 5
// s after its first invitation left (a wave takes over 10 s to leave at 3
// a second). The quick soak gives up after a restart left unanswered.
func (w *soakWorld) crashLoop(ctx context.Context, bot *botProc, set soakSettings, rep *soakReport) {
	rng := rand.New(rand.NewPCG(set.people.seed, 99))
	ready := time.Now()
	for i := range set.stops {
		if i%set.waveEvery == 0 && w.sendWave(ctx, 15*time.Second) {
			ready = time.Now()
		}
		waitUntil(ready.Add(300*time.Millisecond + time.Duration(rng.Int64N(int64(4700*time.Millisecond)))))
		sig := syscall.SIGKILL
		if i%5 == 1 {
			sig = syscall.SIGTERM
		}
		bot.stop(sig)
		lost := len(w.newlyLost())
		if sig == syscall.SIGKILL {
			rep.kills++
			rep.lostPerKill = append(rep.lostPerKill, lost)
		} else {
			rep.terms++
			rep.lostAtTerm += lost
		}
		bot.start()
		read, reply, ok := w.probeBoth(bot.started, set.replyCap)
		ready = time.Now()
		if !ok {
			rep.noReply++
			w.t.Logf("restart %d after %v: no reply within %v", i+1, sig, set.replyCap)
			if set.quick {
				return
			}
			continue
		}
		if sig == syscall.SIGKILL {
			rep.afterKill, rep.readAfterKill = append(rep.afterKill, reply), append(rep.readAfterKill, read)
		} else {
			rep.afterTerm, rep.readAfterTerm = append(rep.afterTerm, reply), append(rep.readAfterTerm, read)
		}
	}
}

// waitFinished lets the customers go on, after the crashes, until need
// of them finished a questionnaire or limit passed: so that even a short
// soak has answers to check.
func (w *soakWorld) waitFinished(limit time.Duration, need int) {
	pollUntil(context.Background(), time.Now().Add(limit), func() bool {
		finished := 0
		for _, c := range w.customers {
			c.mu.Lock()
			if len(c.done) > 0 {
				finished++
			}
			c.mu.Unlock()
		}
		return finished >= need
	})
}

// settle ends the soak for the customers and waits, up to grace, until
// none waits for an answer any more.
func (w *soakWorld) settle(grace time.Duration) {
	w.stopActing.Store(true)
	pollUntil(context.Background(), time.Now().Add(grace), func() bool {
		for _, c := range w.customers {
			if what, _ := c.stuck(); what != "" {
				return false
			}
		}
		return true
	})
}

// newlyLost returns the surveys counted as sent whose invitation never
// reached Telegram, that no earlier call returned.
func (w *soakWorld) newlyLost() []int64 {
	var out []int64
	for _, id := range w.lost() {
		if !w.lostSeen[id] {
			w.lostSeen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// lost returns the surveys counted as sent through Telegram (their send
// time is recorded: they count against the throttle) whose invitation
// never reached the fake.
func (w *soakWorld) lost() []int64 {
	inv, _ := w.delivered()
	var out []int64
	for _, sv := range w.surveys() {
		if !sv.SentAt.IsZero() && sv.Via == "telegram" && inv[sv.ID] == 0 {
			out = append(out, sv.ID)
		}
	}
	return out
}

// surveys returns every survey of the soak's customers.
func (w *soakWorld) surveys() []domain.Survey {
	var all []domain.Survey
	for id := int64(1); id <= int64(w.contacts); id++ {
		list, err := w.db.SurveysOf(context.Background(), id)
		if err != nil {
			w.t.Fatalf("surveys of C%d: %v", id, err)
		}
		all = append(all, list...)
	}
	return all
}

// delivered counts, per survey, the invitations and the reminders that
// reached Telegram.
func (w *soakWorld) delivered() (inv, rem map[int64]int) {
	inv, rem = map[int64]int{}, map[int64]int{}
	for _, m := range w.tg.AllSent() {
		if id := invitationOf(m); id != 0 && strings.HasPrefix(m.Text, reminderPrefix) {
			rem[id]++
		} else if id != 0 {
			inv[id]++
		}
	}
	return inv, rem
}

// account fills rep with what the fake and the database show at the end.
func (w *soakWorld) account(rep *soakReport) {
	inv, rem := w.delivered()
	rep.invitations, rep.reminders = len(inv), len(rem)
	for _, n := range inv {
		rep.doubled += n - 1
	}
	for _, n := range rem {
		rep.doubledReminder += n - 1
	}
	rep.lost = w.lost()
	for _, c := range w.customers {
		if what, since := c.stuck(); what != "" {
			rep.stuck = append(rep.stuck, fmt.Sprintf("chat %d (C%d) waits for %s since %s", c.chat, c.contact, what, since.Format("15:04:05.000")))
		}
		w.checkAnswers(c, rep)
	}
	rep.replies = w.latencies.summary()
	rep.messages = len(w.tg.AllSent())
	rep.tooMany = w.tg.TooManyRequests()
}

// checkAnswers counts the answers c saw acknowledged, and those of them
// the database lost or holds otherwise.
func (w *soakWorld) checkAnswers(c *customer, rep *soakReport) {
	stored, err := w.db.Answers(context.Background(), c.contact, 0)
	if err != nil {
		w.t.Fatalf("answers of C%d: %v", c.contact, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rep.finished += len(c.done)
	for _, a := range c.acked {
		rep.acked++
		i := slices.IndexFunc(stored, func(s domain.StoredAnswer) bool { return s.SurveyID == a.survey && s.Question == a.question })
		switch {
		case i < 0:
			rep.answersLost++
			w.t.Logf("lost answer: C%d survey %d %s = %q", c.contact, a.survey, a.question, a.value)
		case answerValue(stored[i]) != a.value:
			rep.answersChanged++
			w.t.Logf("changed answer: C%d survey %d %s = %q, stored %q", c.contact, a.survey, a.question, a.value, answerValue(stored[i]))
		}
	}
}

// print logs the figures, and appends them to CRMBOT_SOAK_REPORT if set.
func (r *soakReport) print(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "== soak: %s, %s\n", r.name, r.duration.Round(time.Second))
	fmt.Fprintf(&b, "stops: %d SIGKILL, %d SIGTERM\n", r.kills, r.terms)
	fmt.Fprintf(&b, "invitations delivered: %d surveys, doubled: %d (goal 0); reminders: %d, doubled: %d\n", r.invitations, r.doubled, r.reminders, r.doubledReminder)
	fmt.Fprintf(&b, "invitations lost (counted sent, never delivered): %d in all; per SIGKILL %v, max %d (goal ≤ %d, the requests in flight); at SIGTERM %d\n",
		len(r.lost), r.lostPerKill, maxOf(r.lostPerKill), dispatchWorkers, r.lostAtTerm)
	fmt.Fprintf(&b, "conversations stuck after restart: %d (goal 0)\n", len(r.stuck))
	for _, s := range r.stuck {
		fmt.Fprintf(&b, "  stuck: %s\n", s)
	}
	fmt.Fprintf(&b, "answers acknowledged: %d, lost: %d, changed: %d (goal 0); questionnaires finished: %d\n", r.acked, r.answersLost, r.answersChanged, r.finished)
	fmt.Fprintf(&b, "restart → first reply after SIGKILL (median / p95 / max): %s (goal < %v)\n", durSummary(r.afterKill), goalAfterKill)
	fmt.Fprintf(&b, "restart → first reply after SIGTERM (median / p95 / max): %s (goal < %v)\n", durSummary(r.afterTerm), goalAfterTerm)
	fmt.Fprintf(&b, "restart → first message read after SIGKILL: %s; after SIGTERM: %s\n", durSummary(r.readAfterKill), durSummary(r.readAfterTerm))
	fmt.Fprintf(&b, "restarts with no reply within %v: %d\n", r.replyCap, r.noReply)
	fmt.Fprintf(&b, "conversation replies (median / p95 / max): %s\n", r.replies)
	fmt.Fprintf(&b, "messages sent: %d, 429 answers: %d\n", r.messages, r.tooMany)
	for _, l := range r.extra {
		b.WriteString(l + "\n")
	}
	t.Log("\n" + b.String())
	if f := os.Getenv("CRMBOT_SOAK_REPORT"); f != "" {
		out, err := os.OpenFile(f, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err == nil {
			fmt.Fprintf(out, "%s (%s)\n%s\n", time.Now().Format(time.RFC3339), t.Name(), b.String())
			out.Close()
		}
	}
}

// check holds the figures to the goals (restart times to the bounds).
func (r *soakReport) check(t *testing.T) {
	if r.doubled > 0 || r.doubledReminder > 0 {
		t.Errorf("%d invitations and %d reminders sent twice (goal 0)", r.doubled, r.doubledReminder)
	}
	if m := maxOf(r.lostPerKill); m > dispatchWorkers {
		t.Errorf("a SIGKILL lost %d invitations (goal ≤ %d, the requests in flight)", m, dispatchWorkers)
	}
	if len(r.stuck) > 0 {
		t.Errorf("%d conversations stuck after a restart (goal 0)", len(r.stuck))
	}
	if r.answersLost > 0 || r.answersChanged > 0 {
		t.Errorf("%d stored answers lost, %d changed (goal 0)", r.answersLost, r.answersChanged)
	}
	if r.noReply > 0 {
		t.Errorf("%d restarts got no reply within %v", r.noReply, r.replyCap)
	}
	// The restart is held to its bounds by when the first message is read:
	// the reply may then wait its turn behind the messages owed before it
	// (reported above), which the soak's low global rate makes long.
	if m := slices.Max(append([]time.Duration{0}, r.readAfterKill...)); m > boundAfterKill {
		t.Errorf("first message read %.1f s after a SIGKILL's restart (goal < %v; bound here %v)", m.Seconds(), goalAfterKill, boundAfterKill)
	}
	if m := slices.Max(append([]time.Duration{0}, r.readAfterTerm...)); m > boundAfterTerm {
		t.Errorf("first message read %.1f s after a SIGTERM's restart (goal < %v; bound here %v)", m.Seconds(), goalAfterTerm, boundAfterTerm)
	}
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
