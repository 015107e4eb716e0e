package survey_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// TestTriggerAWeekAfterASale: satisfaction asks itself a week after a sale.
// A sale on Monday 30 November leaves on Monday 7 December at 09:00 in
// Paris (the first hour out of quiet hours), once, though the processes
// restart in between; a customer asked ten days before the sale is held by
// the 30-day recontact window and asked when it opens (on a Sunday: so on
// Monday at 09:00).
func TestTriggerAWeekAfterASale(t *testing.T) {
	db := storetest.Open(t, "sqlite", time.Now)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		origin, monday := time.Now(), time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
		clock := func() time.Time { return monday.Add(time.Since(origin)) }
		svc := triggerService(db, paris, clock)
		ctx := context.Background()
		fresh := customer(t, db, "Anne Leroy", 601, monday)
		recent := customer(t, db, "Paul Durand", 602, monday)
		asked := monday.AddDate(0, 0, -10)
		if err := db.CreateSurvey(ctx, &domain.Survey{ContactID: recent.ID, Questionnaire: "preferences", Version: 1,
			Status: domain.SurveyAnswered, RequestedAt: asked, SentAt: asked, AnsweredAt: asked}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*domain.Contact{fresh, recent} {
			if err := db.AddOrder(ctx, &domain.Order{ContactID: c.ID, Amount: 12000, Date: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Author: "U1"}); err != nil {
				t.Fatal(err)
			}
		}
		out := &outbox{}
		stop := runTriggers(svc, db, out, "first")
		fail := func(format string, args ...any) { stop(); t.Fatalf(format, args...) }
		time.Sleep(6*24*time.Hour + 19*time.Hour) // Monday 7 December, 05:00: queued, held by quiet hours
		synctest.Wait()
		if got := sentAt(t, db, paris); len(got) != 0 {
			fail("sent before 09:00: %v", got)
		}
		stop() // a restart
		stop = runTriggers(svc, db, out, "second")
		time.Sleep(5 * time.Hour) // 10:00
		synctest.Wait()
		want := map[int64]string{fresh.ID: "Mon 2026-12-07 09:00"}
		if got := sentAt(t, db, paris); len(got) != 1 || got[fresh.ID] != want[fresh.ID] {
			fail("sent %v, want %v", got, want)
		}
		time.Sleep(14 * 24 * time.Hour) // Monday 21 December, 10:00
		synctest.Wait()
		// The window opened on Sunday 20 December at 10:00, thirty days
		// after the last send: a weekend, so Monday at 09:00.
		want[recent.ID] = "Mon 2026-12-21 09:00"
		if got := sentAt(t, db, paris); len(got) != 2 || got[recent.ID] != want[recent.ID] || got[fresh.ID] != want[fresh.ID] {
			fail("sent %v, want %v", got, want)
		}
		stop()
		if n := storetest.Count(t, db, "SELECT COUNT(*) FROM triggered"); n != 2 {
			t.Errorf("%d occasions claimed, want the 2 sales", n)
		}
	})
}

// triggerService is a throttle in Paris with satisfaction asking itself a
// week after each sale.
func triggerService(db *store.DB, paris *time.Location, clock func() time.Time) *survey.Service {
	pol := domain.DefaultPolicy
	pol.Zone = paris
	var qs []domain.Questionnaire
	for _, q := range domain.BuiltinQuestionnaires() {
		if q.ID == "satisfaction" {
			q.Trigger = &domain.Trigger{After: domain.AfterSale, Days: 7}
		}
		qs = append(qs, q)
	}
	return &survey.Service{Store: db, Policy: pol, Questionnaires: qs, Now: clock, Language: "en",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// customer adds a customer linked to chat, who consented a month before.
func customer(t *testing.T, db *store.DB, name string, chat int64, now time.Time) *domain.Contact {
	t.Helper()
	c := &domain.Contact{Name: name, Stage: domain.Customer, Language: "en", CreatedAt: now.AddDate(0, -2, 0)}
	if err := db.CreateContact(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	at := now.AddDate(0, -1, 0)
	if err := db.SaveRespondent(context.Background(), &domain.Respondent{ContactID: c.ID, ChatID: chat, Language: "en",
		Consent: domain.Consent{Given: true, At: at}}); err != nil {
		t.Fatal(err)
	}
	if err := db.AppendConsent(context.Background(), &domain.ConsentEvent{ContactID: c.ID, Kind: domain.ConsentGiven, Channel: "telegram", At: at}); err != nil {
		t.Fatal(err)
	}
	return c
}

// runTriggers starts a process's trigger and dispatch loops, every hour;
// stop stops them and waits.
func runTriggers(svc *survey.Service, db *store.DB, out *outbox, name string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { (&survey.Triggerer{Service: svc}).Run(ctx, time.Hour); done <- struct{}{} }()
	go func() {
		(&survey.Dispatcher{Service: svc, Sender: out, Claimer: name}).Run(ctx, time.Hour)
		done <- struct{}{}
	}()
	return func() { cancel(); <-done; <-done }
}

// sentAt returns when satisfaction was sent to each contact, in Paris.
func sentAt(t *testing.T, db *store.DB, paris *time.Location) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	rows, err := storetest.SQL(t, db).Query("SELECT contact_id, sent_at FROM surveys WHERE questionnaire = 'satisfaction' AND sent_at IS NOT NULL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[id]; dup {
			t.Errorf("C%d was sent satisfaction twice", id)
		}
		out[id] = at.In(paris).Format("Mon 2006-01-02 15:04")
	}
	return out
}

// TestTriggerAfterLostVoidWhenWon: a questionnaire a day after a move to
// lost is queued, but the contact won back before it leaves is not sent
// it (cancelled, reason trigger_void); the every_days trigger follows the
// last answer.
func TestTriggerAfterLostVoidWhenWon(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		trigger(f.svc, "satisfaction", &domain.Trigger{After: domain.AfterMove, To: domain.Lost, Days: 1})
		trigger(f.svc, "preferences", &domain.Trigger{EveryDays: 365})
		c := f.contact("Anne Leroy")
		f.link(c, 430)
		if err := f.db.AddMove(f.ctx, &domain.Move{ContactID: c.ID, From: domain.Customer, To: domain.Lost, Author: "U1", At: f.at}); err != nil {
			t.Fatal(err)
		}
		old := f.at.AddDate(-1, 0, -1)
		if err := f.db.CreateSurvey(f.ctx, &domain.Survey{ContactID: c.ID, Questionnaire: "preferences", Version: 1, Status: domain.SurveyAnswered,
			RequestedAt: old, SentAt: old, AnsweredAt: old}); err != nil {
			t.Fatal(err)
		}
		c.Stage = domain.Lost
		if err := f.db.UpdateContact(f.ctx, c); err != nil {
			t.Fatal(err)
		}
		trig := &survey.Triggerer{Service: f.svc}
		f.at = f.at.Add(25 * time.Hour) // Thursday 10:00 in Paris
		if n, err := trig.Round(f.ctx); err != nil || n != 2 {
			t.Fatalf("round: %d, %v; want the move and the year-old answer", n, err)
		}
		if n, err := trig.Round(f.ctx); err != nil || n != 0 {
			t.Fatalf("second round: %d, %v", n, err)
		}
		c.Stage = domain.Customer // won back before it leaves
		if err := f.db.UpdateContact(f.ctx, c); err != nil {
			t.Fatal(err)
		}
		f.round()
		got := map[string]string{}
		for _, s := range f.surveys(c) {
			if strings.HasPrefix(s.RequestedBy, "trigger:") {
				got[s.Questionnaire] = string(s.Status) + " " + s.Reason
			}
		}
		// preferences, queued behind satisfaction, waits for its window.
		if got["satisfaction"] != "cancelled trigger_void" || !strings.HasPrefix(got["preferences"], "queued") {
			t.Errorf("triggered surveys: %v", got)
		}
	})
}

// TestTriggersTwoProcesses: two processes' rounds over the same occasions
// at once claim each once, and queue one questionnaire per sale.
func TestTriggersTwoProcesses(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		trigger(f.svc, "satisfaction", &domain.Trigger{After: domain.AfterSale, Days: 7})
		for i := range 40 {
			c := f.contact("Client " + strconv.Itoa(i))
			if err := f.db.AddOrder(f.ctx, &domain.Order{ContactID: c.ID, Amount: 100, Date: f.at.AddDate(0, 0, -8), Author: "U1"}); err != nil {
				t.Fatal(err)
			}
		}
		counts := make(chan int, 2)
		for range 2 {
			go func() {
				n, err := (&survey.Triggerer{Service: f.svc, Batch: 7}).Round(f.ctx)
				if err != nil {
					t.Error(err)
				}
				counts <- n
			}()
		}
		if total := <-counts + <-counts; total != 40 {
			t.Errorf("the two rounds claimed %d occasions, want 40", total)
		}
		if n := storetest.Count(t, f.db, "SELECT COUNT(*) FROM survey_runs WHERE requested_by = 'trigger:sale'"); n == 0 {
			t.Error("no plan recorded")
		}
		if n := storetest.Count(t, f.db, "SELECT COUNT(*) FROM (SELECT contact_id FROM triggered GROUP BY contact_id HAVING COUNT(*) > 1) x"); n != 0 {
			t.Errorf("%d contacts claimed twice", n)
		}
	})
}

// TestTriggerRoundsReadWhatIsNew: after a process's first round, a round
// still finds a sale logged with a past date (written since) and a sale
// that came due since, and nothing twice.
func TestTriggerRoundsReadWhatIsNew(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		trigger(f.svc, "satisfaction", &domain.Trigger{After: domain.AfterSale, Days: 7})
		a, b := f.contact("Anne"), f.contact("Bruno")
		sale := func(c *domain.Contact, daysAgo int) {
			if err := f.db.AddOrder(f.ctx, &domain.Order{ContactID: c.ID, Amount: 100, Date: f.at.AddDate(0, 0, -daysAgo), Author: "U1"}); err != nil {
				t.Fatal(err)
			}
		}
		sale(a, 6) // due tomorrow
		trig := &survey.Triggerer{Service: f.svc}
		round := func(want int) {
			t.Helper()
			if n, err := trig.Round(f.ctx); err != nil || n != want {
				t.Fatalf("round claimed %d, %v; want %d", n, err, want)
			}
		}
		round(0)
		sale(b, 8) // logged today, dated 8 days ago: due already
		round(1)
		f.at = f.at.AddDate(0, 0, 1)
		round(1) // a's, come due
		round(0)
	})
}

// trigger gives questionnaire qn of svc the trigger t.
func trigger(svc *survey.Service, qn string, t *domain.Trigger) {
	for i := range svc.Questionnaires {
		if svc.Questionnaires[i].ID == qn {
			svc.Questionnaires[i].Trigger = t
		}
	}
}
