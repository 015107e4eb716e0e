package survey_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// start is Wednesday 25 November 2026, 10:00 in Paris: out of quiet hours.
var start = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// outbox is a Sender that keeps what it is given, numbering messages; it
// fails with err when set.
type outbox struct {
	mu   sync.Mutex
	sent []survey.Message
	err  error
}

func (o *outbox) Send(ctx context.Context, m survey.Message, ready func(context.Context) error) (int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ready != nil {
		if err := ready(ctx); err != nil {
			return 0, fmt.Errorf("%w: %w", survey.ErrNotSent, err)
		}
	}
	if o.err != nil {
		return 0, o.err
	}
	o.sent = append(o.sent, m)
	return int64(1000 + len(o.sent)), nil
}

// since returns the messages kept after the first n.
func (o *outbox) since(n int) []survey.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]survey.Message(nil), o.sent[n:]...)
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

// alerts is an Alerter that keeps the alerts.
type alerts struct{ got []survey.Alert }

func (a *alerts) DetractorAlert(_ context.Context, al survey.Alert) error {
	a.got = append(a.got, al)
	return nil
}

type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *store.DB
	svc    *survey.Service
	disp   *survey.Dispatcher
	deliv  *survey.Deliverer
	out    *outbox // invitations and reminders
	conv   *outbox // the conversation's messages, from the outbox
	alerts *alerts
	at     time.Time
	seq    int64
}

func (f *fixture) now() time.Time { return f.at }

func each(t *testing.T, fn func(f *fixture)) {
	f := &fixture{}
	storetest.Each(t, f.now, func(t *testing.T, db *store.DB) {
		f.set(t, db)
		fn(f)
	})
}

// set makes f a fresh fixture on db, its clock at start.
func (f *fixture) set(t *testing.T, db *store.DB) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	*f = fixture{t: t, ctx: t.Context(), db: db, at: start, out: &outbox{}, conv: &outbox{}, alerts: &alerts{}}
	pol := domain.DefaultPolicy
	pol.Zone = paris
	f.svc = &survey.Service{Store: db, Policy: pol, Questionnaires: domain.BuiltinQuestionnaires(),
		Now: f.now, Alerter: f.alerts, Language: "en"}
	f.disp = &survey.Dispatcher{Service: f.svc, Sender: f.out, Claimer: "test"}
	f.deliv = &survey.Deliverer{Service: f.svc, Sender: f.conv, Claimer: "test"}
}

// contact adds a contact last contacted 60 days ago.
func (f *fixture) contact(name string, set ...string) *domain.Contact {
	f.t.Helper()
	c := &domain.Contact{Name: name, Stage: domain.Customer, Owner: "U0OWNER", Language: "en",
		CreatedAt: f.at.AddDate(0, 0, -60), LastContactAt: f.at.AddDate(0, 0, -60)}
	for i := 0; i+1 < len(set); i += 2 {
		if err := c.Set(set[i], set[i+1], f.at); err != nil {
			f.t.Fatal(err)
		}
	}
	if err := f.db.CreateContact(f.ctx, c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) key() string {
	f.seq++
	return "tg:" + string(rune('a'+f.seq%26)) + time.Duration(f.seq).String()
}

func (f *fixture) text(chat int64, text string) survey.Reply {
	f.t.Helper()
	r, err := f.svc.Text(f.ctx, f.key(), survey.Chat{ID: chat, Language: "en"}, text)
	if err != nil {
		f.t.Fatalf("text %q: %v", text, err)
	}
	r.Messages = f.delivered()
	return r
}

// delivered delivers what the outbox owes and returns the messages that
// left for the chats.
func (f *fixture) delivered() []survey.Message {
	f.t.Helper()
	n := f.conv.count()
	if _, err := f.deliv.Round(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	return f.conv.since(n)
}

func (f *fixture) tap(chat, msg int64, data string) survey.Reply {
	f.t.Helper()
	r, err := f.svc.Tap(f.ctx, f.key(), survey.Chat{ID: chat, Language: "en"}, msg, data)
	if err != nil {
		f.t.Fatalf("tap %q: %v", data, err)
	}
	r.Messages = f.delivered()
	return r
}

// link invites c, starts the bot on chat and consents.
func (f *fixture) link(c *domain.Contact, chat int64) {
	f.t.Helper()
	token, err := f.svc.Invite(f.ctx, c, "U0OWNER")
	if err != nil {
		f.t.Fatal(err)
	}
	r := f.text(chat, "/start "+token)
	if len(r.Messages) != 1 || button(r.Messages[0], "c:yes") == "" {
		f.t.Fatalf("consent question: %+v", r)
	}
	r = f.tap(chat, 7, "c:yes")
	if !strings.Contains(last(r).Text, "Thank you") {
		f.t.Fatalf("consent answer: %+v", r)
	}
}

// started links c on chat, sends qn, delivers it and taps Start: the
// reply holds the first question.
func (f *fixture) started(c *domain.Contact, chat int64, qn string) survey.Reply {
	f.t.Helper()
	f.link(c, chat)
	f.send(qn, c.ID)
	f.round()
	return f.tap(chat, 1001, button(f.out.sent[len(f.out.sent)-1], ":start"))
}

func (f *fixture) send(qn string, ids ...int64) *survey.Plan {
	f.t.Helper()
	p, err := f.svc.Send(f.ctx, qn, ids, "U0MANAGER", false)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) round() int {
	f.t.Helper()
	n, err := f.disp.Round(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) surveys(c *domain.Contact) []domain.Survey {
	f.t.Helper()
	list, err := f.db.SurveysOf(f.ctx, c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func last(r survey.Reply) survey.Message {
	if len(r.Messages) == 0 {
		return survey.Message{}
	}
	return r.Messages[len(r.Messages)-1]
}

// button returns the data of the button of m whose data ends with suffix.
func button(m survey.Message, suffix string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.HasSuffix(b.Data, suffix) {
				return b.Data
			}
		}
	}
	return ""
}

// A customer links, consents, receives the invitation and answers the
// whole satisfaction questionnaire with buttons and text; the answers are
// stored as they come and the survey is answered.
func TestWholeQuestionnaire(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Jeanne Martin")
		f.link(c, 100)
		p := f.send("satisfaction", c.ID)
		if p.Outcomes["allow"] != 1 || p.Queued != 1 {
			t.Fatalf("plan: %+v", p)
		}
		if n := f.round(); n != 1 || f.out.count() != 1 {
			t.Fatalf("round handled %d, sent %d", n, f.out.count())
		}
		inv := f.out.sent[0]
		if inv.ChatID != 100 || !strings.Contains(inv.Text, "Your satisfaction") || button(inv, ":never") == "" {
			t.Fatalf("invitation: %+v", inv)
		}
		r := f.tap(100, 1001, button(inv, ":start"))
		q1 := last(r)
		if !strings.Contains(q1.Text, "1/3") || len(q1.Buttons) != 1 || len(q1.Buttons[0]) != 5 {
			t.Fatalf("first question: %+v", r)
		}
		r = f.tap(100, 1002, button(q1, ":4"))
		if r.Messages[0].Edit != 1002 || !strings.Contains(r.Messages[0].Text, "✓ 4") {
			t.Fatalf("answered question not marked: %+v", r.Messages[0])
		}
		q2 := last(r)
		if !strings.Contains(q2.Text, "2/3") || len(q2.Buttons) != 2 {
			t.Fatalf("second question: %+v", q2)
		}
		// A typed answer out of range is refused and asked again.
		r = f.text(100, "12")
		if len(r.Messages) != 2 || !strings.Contains(last(r).Text, "2/3") {
			t.Fatalf("bad typed answer: %+v", r)
		}
		r = f.text(100, "9")
		if !strings.Contains(last(r).Text, "3/3") {
			t.Fatalf("third question: %+v", r)
		}
		r = f.text(100, "Great service, thanks")
		if !strings.Contains(last(r).Text, "Thank you for your answers") {
			t.Fatalf("thanks: %+v", r)
		}
		list := f.surveys(c)
		if len(list) != 1 || list[0].Status != domain.SurveyAnswered {
			t.Fatalf("surveys: %+v", list)
		}
		answers, err := f.db.Answers(f.ctx, c.ID, 0)
		if err != nil || len(answers) != 3 || answers[0].Number != 4 || answers[1].Number != 9 || answers[2].Text != "Great service, thanks" {
			t.Fatalf("answers: %+v %v", answers, err)
		}
		// An old keyboard changes nothing.
		r = f.tap(100, 1002, button(q1, ":1"))
		if r.Notice != "This question is closed." || len(r.Messages) != 0 {
			t.Fatalf("old keyboard: %+v", r)
		}
		res, err := f.svc.Results(f.ctx, "satisfaction")
		if err != nil || res.Questions[0].CSAT != 100 || res.Questions[1].NPS != 100 || len(res.Comments) != 1 || res.ResponseRate() != 100 {
			t.Fatalf("results: %+v %v", res, err)
		}
	})
}

// A second send within the recontact window is denied with its reason and
// the date why reports; a redelivered update is applied once.
func TestSecondSendDenied(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Paul Durand")
		f.link(c, 200)
		f.send("satisfaction", c.ID)
		f.round()
		p := f.send("preferences", c.ID)
		if p.Outcomes["deny"] != 1 || p.Reasons[domain.RecontactWindow] != 1 || p.Reasons[domain.OpenQuestionnaire] != 1 || p.Queued != 0 {
			t.Fatalf("second plan: %+v", p)
		}
		if again := f.send("satisfaction", c.ID); again.Outcomes[survey.AlreadyQueued] != 1 {
			t.Fatalf("same questionnaire again: %+v", again)
		}
		why, err := f.svc.Why(f.ctx, c, "preferences")
		if err != nil || why.Decision.Outcome != domain.Deny || !why.Linked {
			t.Fatalf("why: %+v %v", why, err)
		}
		want := time.Date(2026, 12, 25, 10, 0, 0, 0, f.svc.Policy.Zone)
		if !why.Decision.NextEligible.Equal(want) {
			t.Errorf("next eligible %v, want %v", why.Decision.NextEligible, want)
		}
		// The same update twice: applied once.
		key := f.key()
		inv := f.out.sent[0]
		f.svc.Tap(f.ctx, key, survey.Chat{ID: 200}, 1001, button(inv, ":start"))
		r1 := f.delivered()
		f.svc.Tap(f.ctx, key, survey.Chat{ID: 200}, 1001, button(inv, ":start"))
		if r2 := f.delivered(); len(r1) == 0 || len(r2) != 0 {
			t.Fatalf("redelivered tap: %+v then %+v", r1, r2)
		}
	})
}

// A detractor answer pauses further sends at once; the owner gets one
// alert when the questionnaire ends, with every bad answer and the
// comment; handled lifts the pause.
func TestDetractorPause(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Luc Petit")
		r := f.started(c, 300, "satisfaction")
		r = f.tap(300, 1002, button(last(r), ":2"))
		if len(f.alerts.got) != 0 {
			t.Fatalf("alerted before the questionnaire ended: %+v", f.alerts.got)
		}
		if why, _ := f.svc.Why(f.ctx, c, ""); why.Decision.Outcome != domain.Deny {
			t.Fatalf("not paused at once: %+v", why.Decision)
		}
		r = f.tap(300, 1003, button(last(r), ":3"))
		if len(f.alerts.got) != 0 {
			t.Fatalf("alerted before the comment: %+v", f.alerts.got)
		}
		f.text(300, "Nobody called back")
		if len(f.alerts.got) != 1 {
			t.Fatalf("%d alerts, want one", len(f.alerts.got))
		}
		a := f.alerts.got[0]
		if a.Contact.ID != c.ID || len(a.Bad) != 2 || a.Bad[0].Answer.Number != 2 || a.Bad[1].Answer.Number != 3 ||
			len(a.Comments) != 1 || a.Comments[0] != "Nobody called back" {
			t.Fatalf("alert: %+v", a)
		}
		f.at = f.at.AddDate(0, 3, 0)
		why, _ := f.svc.Why(f.ctx, c, "")
		if why.Decision.Outcome != domain.Deny || why.Decision.Codes()[0] != domain.DetractorPaused {
			t.Fatalf("why after detractor: %+v", why.Decision)
		}
		if err := f.svc.Handled(f.ctx, c, "U0OWNER", "called back"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Handled(f.ctx, c, "U0OWNER", ""); domain.ErrorCode(err) != domain.Invalid {
			t.Fatalf("handled twice: %v", err)
		}
		why, _ = f.svc.Why(f.ctx, c, "")
		for _, code := range why.Decision.Codes() {
			if code == domain.DetractorPaused {
				t.Fatalf("still paused: %+v", why.Decision)
			}
		}
	})
}

// /stop opts out at once: the queued survey is cancelled, nothing is sent;
// /start opts back in after consent.
func TestStop(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Anne Leroy")
		f.link(c, 400)
		f.send("satisfaction", c.ID)
		r := f.text(400, "/stop")
		if !strings.Contains(last(r).Text, "no more questionnaires") {
			t.Fatalf("stop: %+v", r)
		}
		if f.round(); f.out.count() != 0 {
			t.Fatalf("sent after /stop: %+v", f.out.sent)
		}
		if p := f.send("satisfaction", c.ID); p.Reasons[domain.OptedOut] != 1 {
			t.Fatalf("plan after stop: %+v", p)
		}
		f.at = f.at.Add(time.Minute)
		r = f.text(400, "/start")
		if button(last(r), "c:yes") == "" {
			t.Fatalf("start again asks consent: %+v", r)
		}
		f.tap(400, 9, "c:yes")
		if p := f.send("satisfaction", c.ID); p.Outcomes["allow"] != 1 {
			t.Fatalf("plan after opting back in: %+v", p)
		}
	})
}

// /forget leaves no personal data: the contact's fields, the text answers,
// the chat link are gone; the anonymous figures stay.
func TestForget(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Sophie Bernard", "email", "sophie@bernard.fr", "phone", "0612345678", "city", "Lyon")
		r := f.started(c, 500, "satisfaction")
		r = f.tap(500, 1002, button(last(r), ":5"))
		r = f.text(500, "10")
		f.text(500, "Sophie here, call me at 0612345678")
		r = f.text(500, "/mydata")
		if !strings.Contains(last(r).Text, "sophie@bernard.fr") || !strings.Contains(last(r).Text, "call me") {
			t.Fatalf("mydata: %+v", r)
		}
		r = f.text(500, "/forget")
		r = f.tap(500, 1010, button(last(r), "f:yes"))
		if !strings.Contains(last(r).Text, "erased") {
			t.Fatalf("forget: %+v", r)
		}
		got, err := f.db.Contact(f.ctx, c.ID)
		if err != nil || got.Email != "" || got.Phone != "" || got.City != "" || strings.Contains(got.Name, "Sophie") {
			t.Fatalf("contact after forget: %+v %v", got, err)
		}
		for _, q := range []string{
			"SELECT COUNT(*) FROM answers WHERE text LIKE '%Sophie%'",
			"SELECT COUNT(*) FROM respondents",
			"SELECT COUNT(*) FROM contacts WHERE name LIKE '%Sophie%' OR email <> '' OR phone <> ''",
			"SELECT COUNT(*) FROM contact_words WHERE word LIKE 'soph%'",
			"SELECT COUNT(*) FROM answers WHERE contact_id IS NOT NULL",
		} {
			if n := storetest.Count(f.t, f.db, q); n != 0 {
				t.Errorf("%s = %d", q, n)
			}
		}
		if n := storetest.Count(f.t, f.db, "SELECT COUNT(*) FROM answers WHERE number = 5"); n != 1 {
			t.Errorf("the anonymous rating is gone: %d", n)
		}
		if r := f.text(500, "hello"); !strings.Contains(last(r).Text, "not linked") {
			t.Fatalf("chat still linked: %+v", r)
		}
	})
}

// Sends in quiet hours are deferred to the next allowed morning.
func TestQuietHoursDefer(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Marc Roux")
		f.link(c, 600)
		f.at = time.Date(2026, 11, 25, 21, 30, 0, 0, time.UTC) // 22:30 in Paris
		p := f.send("satisfaction", c.ID)
		if p.Outcomes["defer"] != 1 || p.Reasons[domain.QuietHoursNow] != 1 || p.Queued != 1 {
			t.Fatalf("plan: %+v", p)
		}
		if f.round(); f.out.count() != 0 {
			t.Fatal("sent in quiet hours")
		}
		f.at = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) // 09:00 in Paris
		if f.round(); f.out.count() != 1 {
			t.Fatalf("not sent in the morning: %d", f.out.count())
		}
	})
}

// A crash between the claim and the record: the survey stays "sending"
// with its claim; after the claim lapses it counts as sent and is never
// sent again.
func TestCrashBetweenSendAndRecord(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Eve Morel")
		f.link(c, 700)
		f.send("satisfaction", c.ID)
		// The first process hangs in the send, as a process killed there
		// would: the database holds what it wrote before sending.
		b := blocker{entered: make(chan struct{}), release: make(chan struct{})}
		crashed := &survey.Dispatcher{Service: f.svc, Sender: b, Claimer: "dead"}
		done := make(chan struct{})
		go func() { crashed.Round(f.ctx); close(done) }()
		defer func() { close(b.release); <-done }()
		<-b.entered
		f.round() // the restarted process, within the lease: nothing
		if f.out.count() != 0 || f.surveys(c)[0].Status != domain.SurveySending {
			t.Fatalf("touched within the lease: %+v", f.surveys(c))
		}
		f.at = f.at.Add(10 * time.Minute)
		f.round()
		got := f.surveys(c)[0]
		if f.out.count() != 0 || got.Status != domain.SurveyOpen || got.Reason != "unconfirmed" {
			t.Fatalf("after recovery: sent %d, %+v", f.out.count(), got)
		}
	})
}

// blocker is a Sender that says when a send began, hangs until released,
// and then says the message may have left.
type blocker struct{ entered, release chan struct{} }

func (b blocker) Send(ctx context.Context, _ survey.Message, ready func(context.Context) error) (int64, error) {
	if err := ready(ctx); err != nil {
		return 0, err
	}
	close(b.entered)
	<-b.release
	return 0, errors.New("connection reset")
}

// A restart in the middle of a questionnaire resumes where it stopped.
func TestRestartMidQuestionnaire(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Hugo Blanc")
		r := f.started(c, 800, "satisfaction")
		f.tap(800, 1002, button(last(r), ":5"))
		// A new process: a new service on the same database.
		f.svc = &survey.Service{Store: f.db, Policy: f.svc.Policy, Questionnaires: domain.BuiltinQuestionnaires(), Now: f.now}
		r = f.text(800, "8")
		if !strings.Contains(last(r).Text, "3/3") {
			t.Fatalf("after restart: %+v", r)
		}
		r = f.text(800, "/skip")
		if !strings.Contains(last(r).Text, "Thank you") {
			t.Fatalf("skip: %+v", r)
		}
		answers, _ := f.db.Answers(f.ctx, c.ID, 0)
		if len(answers) != 3 || !answers[2].Skipped {
			t.Fatalf("answers: %+v", answers)
		}
	})
}

// Multi questions toggle and finish with Done; answers set the contact's
// fields, and a "never" frequency stops further sends.
func TestPreferencesSetFields(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Inès Garnier")
		r := f.started(c, 900, "preferences")
		q := last(r)
		if r := f.tap(900, 1002, button(q, ":!done")); r.Notice != "" || !strings.Contains(last(r).Text, "2/4") {
			// interests is optional: Done with nothing ticked skips it.
			t.Fatalf("done on an optional multi: %+v", r)
		}
		r = f.text(900, "software, support")
		r = f.tap(900, 1004, button(last(r), ":email"))
		r = f.tap(900, 1005, button(last(r), ":never"))
		if !strings.Contains(last(r).Text, "Thank you") {
			t.Fatalf("end: %+v", r)
		}
		got, _ := f.db.Contact(f.ctx, c.ID)
		if strings.Join(got.Categories, ",") != "software,support" || got.PreferredChannel != "email" || got.Frequency != "never" {
			t.Fatalf("contact fields: %+v", got)
		}
		f.at = f.at.AddDate(1, 0, 0)
		if p := f.send("satisfaction", c.ID); p.Reasons[domain.PrefersNever] != 1 {
			t.Fatalf("plan after never: %+v", p)
		}
	})
}

// A multi question's ticks are kept on the survey and shown on the
// keyboard.
func TestMultiToggles(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Noé Faure")
		q := last(f.started(c, 1000, "preferences"))
		r := f.tap(1000, 1002, button(q, ":news"))
		if r.Messages[0].Edit != 1002 || r.Messages[0].Buttons[0][0].Text != "✓ New products" {
			t.Fatalf("toggle: %+v", r)
		}
		f.tap(1000, 1002, button(q, ":events"))
		f.tap(1000, 1002, button(q, ":news"))
		r = f.tap(1000, 1002, button(q, ":!done"))
		got, _ := f.db.Contact(f.ctx, c.ID)
		if strings.Join(got.Interests, ",") != "events" {
			t.Fatalf("interests %v after %+v", got.Interests, r)
		}
	})
}

// Blocked customers are unreachable; a 403 at send marks them too.
func TestUnreachable(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Zoé Lambert")
		f.link(c, 1100)
		f.send("satisfaction", c.ID)
		f.out.err = fmtErr(survey.ErrUnreachable)
		f.round()
		if got := f.surveys(c)[0]; got.Status != domain.SurveyFailed || got.Reason != "unreachable" {
			t.Fatalf("after 403: %+v", got)
		}
		if p := f.send("preferences", c.ID); p.Reasons[domain.Unreachable] != 1 {
			t.Fatalf("plan: %+v", p)
		}
		if err := f.svc.Blocked(f.ctx, f.key(), 1100, false); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.svc.Send(f.ctx, "preferences", []int64{c.ID}, "x", true); p.Reasons[domain.Unreachable] != 0 {
			t.Fatalf("still unreachable after restart: %+v", p)
		}
		// A refusal that certainly sent nothing is retried later.
		f.out.err = fmtErr(survey.ErrNotSent)
		f.send("preferences", c.ID)
		f.at = f.at.AddDate(0, 2, 0)
		f.round()
		list := f.surveys(c)
		if got := list[len(list)-1]; got.Status != domain.SurveyQueued || got.Attempts != 1 {
			t.Fatalf("after a refusal: %+v", got)
		}
	})
}

func fmtErr(err error) error { return errors.Join(errors.New("telegram said no"), err) }

// Questionnaires expire after 7 days; a late answer is told so.
func TestExpiry(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.contact("Léa Simon")
		f.link(c, 1200)
		f.send("satisfaction", c.ID)
		f.round()
		f.at = f.at.AddDate(0, 0, 3).Add(time.Hour) // Saturday: deferred
		f.round()
		if f.out.count() != 1 {
			t.Fatal("reminded on a Saturday")
		}
		f.at = start.AddDate(0, 0, 5) // Monday
		f.round()                     // the reminder
		if f.out.count() != 2 || !strings.Contains(f.out.sent[1].Text, "reminder") {
			t.Fatalf("reminder: %+v %+v", f.out.sent, f.surveys(c))
		}
		f.at = f.at.AddDate(0, 0, 1)
		f.round()
		if f.out.count() != 2 {
			t.Fatal("a second reminder")
		}
		f.at = start.AddDate(0, 0, 8)
		r := f.tap(1200, 1001, button(f.out.sent[0], ":start"))
		if !strings.Contains(last(r).Text, "closed") && r.Notice == "" {
			t.Fatalf("late tap: %+v", r)
		}
		f.round()
		if got := f.surveys(c)[0]; got.Status != domain.SurveyExpired {
			t.Fatalf("status %s", got.Status)
		}
	})
}

// Two dispatchers on one database (two crmbot processes) deliver each
// queued survey exactly once between them.
func TestTwoDispatchersSendEachOnce(t *testing.T) {
	each(t, func(f *fixture) {
		var ids []int64
		for i := range 40 {
			c := f.contact("Client " + strconv.Itoa(i))
			f.link(c, int64(5000+i))
			ids = append(ids, c.ID)
		}
		if p := f.send("satisfaction", ids...); p.Queued != 40 {
			t.Fatalf("plan: %+v", p)
		}
		other := &survey.Dispatcher{Service: f.svc, Sender: f.out, Claimer: "other", Batch: 7, Workers: 3}
		f.disp.Batch, f.disp.Workers = 5, 2
		var wg sync.WaitGroup
		for _, d := range []*survey.Dispatcher{f.disp, other} {
			wg.Go(func() {
				if _, err := d.Round(f.ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		chats := map[int64]int{}
		for _, m := range f.out.sent {
			chats[m.ChatID]++
		}
		if len(f.out.sent) != 40 || len(chats) != 40 {
			t.Fatalf("%d messages to %d chats", len(f.out.sent), len(chats))
		}
	})
}

// Decided is told of the throttle's decisions acted on, once each: not
// the plan that queued the survey, nor the dispatcher's look before it
// claims; deferred in the quiet hours, then allowed.
func TestDecidedSeesEachSendsDecision(t *testing.T) {
	each(t, func(f *fixture) {
		var seen []string
		f.svc.Decided = func(d domain.Decision) {
			s := string(d.Outcome)
			for _, r := range d.Reasons {
				s += " " + string(r.Code)
			}
			seen = append(seen, s)
		}
		c := f.contact("Marc Roux")
		f.link(c, 600)
		f.at = time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC) // 19:30 in Paris
		f.send("satisfaction", c.ID)
		if len(seen) != 0 {
			t.Fatalf("the plan was counted: %v", seen)
		}
		f.at = time.Date(2026, 11, 25, 19, 30, 0, 0, time.UTC) // 20:30: the quiet hours
		f.round()
		f.at = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) // 09:00 in Paris
		if f.round(); f.out.count() != 1 {
			t.Fatalf("sent %d", f.out.count())
		}
		if want := []string{"defer " + string(domain.QuietHoursNow), "allow"}; !slices.Equal(seen, want) {
			t.Errorf("decisions %q, want %q", seen, want)
		}
	})
}

// TestSuppressionOutlivesTheContact: a customer who opted out is met again
// as another contact (the same email with a +tag, or the same phone): it
// is held back from the start, with its reason, until that person links a
// chat and consents again; a contact with other identifiers is not.
func TestSuppressionOutlivesTheContact(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		c := f.contact("Anne Leroy", "email", "anne@leroy.example", "phone", "0611223344")
		f.link(c, 401)
		f.text(401, "/stop")
		f.at = f.at.Add(time.Hour)
		again := f.contact("A. Leroy", "email", "anne+shop@leroy.example")
		// Erased, the first contact frees its phone for a new one.
		if err := f.svc.Erase(f.ctx, c.ID, "U0ADMIN"); err != nil {
			t.Fatal(err)
		}
		phone := f.contact("Anne L.", "phone", "+33 6 11 22 33 44")
		other := f.contact("Paul Leroy", "email", "paul@leroy.example")
		for _, x := range []*domain.Contact{again, phone} {
			if p := f.send("satisfaction", x.ID); p.Reasons[domain.Suppressed] != 1 {
				t.Errorf("%s: plan %+v, want held back as suppressed", x.Name, p.Reasons)
			}
		}
		if p := f.send("satisfaction", other.ID); p.Reasons[domain.Suppressed] != 0 {
			t.Errorf("%s is suppressed: %+v", other.Name, p.Reasons)
		}
		sup, err := f.svc.Suppression(f.ctx, again.ID)
		if err != nil || sup.Reason != domain.SuppressOptedOut || !sup.At.Equal(start) {
			t.Errorf("suppression of %s: %+v %v", again.Name, sup, err)
		}
		// The person comes back on a new link and says yes: that lifts it.
		f.at = f.at.Add(time.Hour)
		f.link(again, 402)
		if p := f.send("satisfaction", again.ID); p.Outcomes["allow"] != 1 {
			t.Errorf("after consenting again: %+v", p)
		}
	})
}

// TestConsentLedger: consent, a send, withdrawal (/stop), a send held
// back, consent again, a send: the ledger holds each step in order, never
// changed, and every questionnaire sent points at the consent in force
// when it left (checked over the whole database).
func TestConsentLedger(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		c := f.contact("Anne Leroy", "email", "anne@leroy.example")
		f.link(c, 410)
		f.send("satisfaction", c.ID)
		f.round()
		f.at = f.at.Add(time.Hour)
		f.text(410, "/stop")
		f.at = f.at.AddDate(0, 0, 1)
		if p := f.send("preferences", c.ID); p.Outcomes["allow"] != 0 {
			t.Fatalf("sent after /stop: %+v", p)
		}
		f.at = f.at.AddDate(0, 0, 1)
		f.text(410, "/start")
		f.tap(410, 11, "c:yes")
		f.at = f.at.AddDate(0, 0, 118) // a Thursday, past the recontact window
		if p := f.send("preferences", c.ID); p.Outcomes["allow"] != 1 {
			t.Fatalf("not sent after consenting again: %+v", p)
		}
		f.round()
		events, err := f.db.ConsentEvents(f.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []domain.ConsentKind
		for _, e := range events {
			kinds = append(kinds, e.Kind)
			if e.Channel != "telegram" || e.TextVersion != survey.ConsentVersion && e.Kind != domain.ConsentWithdrawn {
				t.Errorf("entry %+v", e)
			}
		}
		if want := []domain.ConsentKind{domain.ConsentGiven, domain.ConsentWithdrawn, domain.ConsentGiven}; !slices.Equal(kinds, want) {
			t.Fatalf("ledger %v, want %v", kinds, want)
		}
		sent := f.surveys(c)
		relied := map[int64]bool{}
		for _, s := range sent {
			if !s.SentAt.IsZero() {
				relied[s.ConsentEventID] = true
			}
		}
		if len(relied) != 2 || !relied[events[0].ID] || !relied[events[2].ID] {
			t.Errorf("the sends relied on %v, want the two consents %d and %d", relied, events[0].ID, events[2].ID)
		}
		if n := storetest.UnprovenSends(t, f.db); n != 0 {
			t.Errorf("%d questionnaires sent without a consent in force behind them", n)
		}
	})
}

// TestMyDataWholeRecord: /mydata lists everything kept — fields under
// their French names for a French customer, our exchanges with their
// notes, orders, the consent step by step, the answers — in as many
// messages as Telegram's size needs.
func TestMyDataWholeRecord(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		c := f.contact("Camille Roux", "language", "fr", "city", "Lyon", "email", "camille@roux.example")
		for i := range 150 {
			at := f.at.Add(-time.Duration(i+1) * time.Hour)
			if err := f.db.AddInteraction(f.ctx, &domain.Interaction{ContactID: c.ID, Kind: domain.Call, Note: fmt.Sprintf("rappel numéro %d au sujet du devis", i), Author: "U0OWNER", At: at}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.db.AddOrder(f.ctx, &domain.Order{ContactID: c.ID, Amount: 120050, Date: f.at.AddDate(0, 0, -3), Note: "commande de printemps", Author: "U0OWNER"}); err != nil {
			t.Fatal(err)
		}
		token, err := f.svc.Invite(f.ctx, c, "U0OWNER")
		if err != nil {
			t.Fatal(err)
		}
		f.text(420, "/start "+token)
		f.tap(420, 7, "c:yes")
		r := f.text(420, "/mydata")
		all := ""
		for _, m := range r.Messages {
			if n := len([]rune(m.Text)); n > 4096 {
				t.Errorf("a message of %d characters: Telegram takes 4,096", n)
			}
			all += m.Text + "\n"
		}
		if len(r.Messages) < 2 {
			t.Errorf("%d message(s) for 150 exchanges: not split", len(r.Messages))
		}
		for _, want := range []string{"Ce que nous conservons sur vous :", "• ville: Lyon", "• e-mail: camille@roux.example",
			"Nos échanges avec vous (et nos notes) :", "rappel numéro 149 au sujet du devis", "Vos commandes :",
			"1 200,50 € commande de printemps", "Votre consentement, étape par étape :", "• donné le 25/11/2026", "/forget efface tout cela."} {
			if !strings.Contains(all, want) {
				t.Errorf("/mydata lacks %q", want)
			}
		}
	})
}
