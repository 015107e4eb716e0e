package nudge_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var start = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	t     *testing.T
	db    *store.DB
	clock *clock
	crm   *crm.Service
	n     *nudge.Service
	sent  *recorder
}

// recorder keeps what the nudges would send to Slack.
type recorder struct {
	mu       sync.Mutex
	alerts   []*nudge.AlertView
	checkins []*nudge.CheckinView
}

func (r *recorder) SendHotAlert(_ context.Context, v *nudge.AlertView) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alerts = append(r.alerts, v)
	return nil
}

func (r *recorder) SendCheckin(_ context.Context, v *nudge.CheckinView) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checkins = append(r.checkins, v)
	return nil
}

// each runs fn on SQLite and PostgreSQL, with rot days for prospects.
func each(t *testing.T, fn func(f *fixture)) {
	clk := &clock{t: start}
	storetest.Each(t, clk.Now, func(t *testing.T, db *store.DB) {
		clk.t = start
		svc := &crm.Service{Store: db, Scoring: domain.DefaultEngine(), Now: clk.Now, Loc: time.UTC,
			Rot: domain.RotPolicy{domain.Qualified: 21}}
		rec := &recorder{}
		n := &nudge.Service{Store: db, CRM: svc, Now: clk.Now, Loc: time.UTC, Sender: rec,
			Reachable: func(owner string) bool { return owner[0] == 'U' }}
		fn(&fixture{t: t, db: db, clock: clk, crm: svc, n: n, sent: rec})
	})
}

func (f *fixture) add(owner, name string, kv ...string) *domain.Contact {
	f.t.Helper()
	var set []crm.Assignment
	for i := 0; i+1 < len(kv); i += 2 {
		set = append(set, crm.Assignment{Key: kv[i], Value: kv[i+1]})
	}
	c, err := f.crm.Add(f.t.Context(), owner, name, set, true)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) log(c *domain.Contact, kind string) {
	f.t.Helper()
	if _, _, err := f.crm.Log(f.t.Context(), c.Owner, c.Ref(), kind, ""); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) round() int {
	f.t.Helper()
	n, err := f.n.AlertRound(f.t.Context())
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) owed(kind domain.OutgoingKind) int64 {
	return storetest.Count(f.t, f.db, "SELECT COUNT(*) FROM outbox WHERE kind = ?", string(kind))
}

// A decision maker at a large company of a target sector with a budget
// scores 55 (B) when added; a form and a request take it to 80 (A).
var fit = []string{"role", "CEO", "employees", "60", "sector", "btp", "budget", "15000"}

// TestHotLeadAlertedOnce: a contact that enters grade A is alerted to its
// owner once, with the rules its activity brought; more activity within
// the week alerts no more; a contact gaining 25 points without reaching A
// is alerted for the gain; a snoozed one is not; the contact of an owner
// with no Slack id is alerted, with no DM owed.
func TestHotLeadAlertedOnce(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		hot := f.add("U0SALES1", "Jeanne Martin", fit...)
		if hot.Grade != "B" {
			t.Fatalf("the fixture's lead starts at %d (%s), want grade B", hot.Score, hot.Grade)
		}
		f.round() // the contacts' creation is examined: none is hot yet
		f.log(hot, "form")
		f.log(hot, "request")
		if n := f.round(); n != 1 {
			t.Fatalf("%d alerts, want 1", n)
		}
		f.log(hot, "form")
		f.clock.Add(time.Hour)
		if n := f.round(); n != 0 {
			t.Errorf("a second alert within the week: %d", n)
		}
		if n := f.owed(nudge.HotAlertKind); n != 1 {
			t.Errorf("%d alerts owed, want 1", n)
		}
		views, total, err := f.n.Alerts(t.Context(), "U0SALES1", 10)
		if err != nil || total != 1 || len(views) != 1 {
			t.Fatalf("alerts %v %d %v", views, total, err)
		}
		v := views[0]
		if v.Alert.Reason != domain.EnteredGrade || v.Contact.ID != hot.ID || v.Next != domain.Prospect || len(v.Recent) != 3 {
			t.Errorf("alert %+v", v)
		}
		gained := map[string]bool{}
		for _, r := range v.Rules {
			gained[r.Rule] = true
		}
		if !gained["Filled a form (30 days)"] || !gained["Specific request (90 days)"] || gained["Decision maker"] {
			t.Errorf("the rules its activity brought: %v", v.Rules)
		}

		jump := f.add("U0SALES2", "Paul Petit")
		snoozed := f.add("U0SALES2", "Zoé Durand")
		local := f.add("marie", "Marie Local", fit...)
		if err := f.n.Snooze(t.Context(), snoozed, "U0SALES2", 7); err != nil {
			t.Fatal(err)
		}
		f.round()
		for _, c := range []*domain.Contact{jump, snoozed} {
			f.log(c, "request")
			f.log(c, "form")
		}
		f.log(local, "form")
		f.log(local, "request")
		if n := f.round(); n != 2 {
			t.Fatalf("%d alerts, want 2 (the jump, the local owner's lead)", n)
		}
		if n := f.owed(nudge.HotAlertKind); n != 2 {
			t.Errorf("%d alerts owed, want 2: none to the owner without a Slack id", n)
		}
		if views, _, _ := f.n.Alerts(t.Context(), "marie", 10); len(views) != 1 || views[0].Contact.ID != local.ID {
			t.Errorf("alerts of marie: %+v", views)
		}
		views, _, _ = f.n.Alerts(t.Context(), "U0SALES2", 10)
		if len(views) != 1 || views[0].Contact.ID != jump.ID || views[0].Alert.Reason != domain.Jumped || views[0].Alert.Gained < 20 {
			t.Errorf("alerts of U0SALES2: %+v", views)
		}
	})
}

// TestAlertsTwoProcesses: two processes examining the same changes at
// once record each alert once.
func TestAlertsTwoProcesses(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		for i := range 30 {
			c := f.add("U0SALES1", "Lead "+string(rune('A'+i)), fit...)
			f.log(c, "form")
			f.log(c, "request")
		}
		other := &nudge.Service{Store: f.n.Store, CRM: f.n.CRM, Now: f.n.Now, Loc: f.n.Loc, Reachable: f.n.Reachable}
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, s := range []*nudge.Service{f.n, other} {
			wg.Go(func() {
				n, err := s.AlertRound(context.Background())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		if counts[0]+counts[1] != 30 || f.owed(nudge.HotAlertKind) != 30 {
			t.Errorf("alerts %v, owed %d; want 30 in all", counts, f.owed(nudge.HotAlertKind))
		}
	})
}

// TestPrune: the examined changes are forgotten once older than the
// window and a day, at the first round of an hour.
func TestPrune(t *testing.T) {
	each(t, func(f *fixture) {
		c := f.add("U0SALES1", "Lead", fit...)
		f.log(c, "form")
		f.round()
		count := func() int64 { return storetest.Count(f.t, f.db, "SELECT COUNT(*) FROM score_changes") }
		if n := count(); n != 2 {
			f.t.Fatalf("%d changes logged, want 2 (the creation, the form)", n)
		}
		f.clock.Add(7 * 24 * time.Hour)
		f.log(c, "request")
		f.round()
		if n := count(); n != 3 {
			f.t.Errorf("%d changes after a week, want 3: none is past the window and a day", n)
		}
		f.clock.Add(2 * 24 * time.Hour)
		f.round()
		if n := count(); n != 1 {
			f.t.Errorf("%d changes after 9 days, want 1 (the request's)", n)
		}
	})
}

// TestQuietImport: score changes written under store.Quietly alert nobody.
func TestQuietImport(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := store.Quietly(f.t.Context())
		c, err := f.crm.Add(ctx, "U0SALES1", "Imported", []crm.Assignment{{Key: "role", Value: "CEO"}}, true)
		if err != nil {
			f.t.Fatal(err)
		}
		if _, _, err := f.crm.Log(ctx, "U0SALES1", c.Ref(), "request", ""); err != nil {
			f.t.Fatal(err)
		}
		if n := storetest.Count(f.t, f.db, "SELECT COUNT(*) FROM score_changes"); n != 0 {
			f.t.Errorf("%d score changes logged under Quietly", n)
		}
	})
}

// TestCheckin: each owner's check-in lists their hot leads, rotting deals
// and quiet prospects, leaves out what they snoozed and other owners'
// contacts, is made once a week whatever the rounds, and counts what the
// owner acted on.
func TestCheckin(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		ctx := t.Context()
		hot := f.add("U0SALES1", "Hot Lead", fit...)
		f.log(hot, "form")
		f.log(hot, "request")
		rotting := f.add("U0SALES1", "Rotting Deal")
		quiet := f.add("U0SALES1", "Quiet Prospect")
		snoozed := f.add("U0SALES1", "Snoozed Prospect")
		f.add("U0SALES2", "Someone Else's")
		f.add("marie", "Local Owner's", fit...)
		for c, st := range map[*domain.Contact]string{rotting: "qualified", quiet: "prospect", snoozed: "prospect"} {
			if _, _, err := f.crm.Move(ctx, "U0SALES1", c.Ref(), st, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Add(35 * 24 * time.Hour)
		if err := f.n.Snooze(ctx, snoozed, "U0SALES1", 7); err != nil {
			t.Fatal(err)
		}
		v, err := f.n.Checkin(ctx, "U0SALES1")
		if err != nil {
			t.Fatal(err)
		}
		got := map[domain.NudgeKind][]int64{}
		for _, l := range v.Lists {
			for _, c := range l.Contacts {
				got[l.Kind] = append(got[l.Kind], c.ID)
			}
			if int(l.Total) != len(l.Contacts) {
				t.Errorf("%s: total %d, listed %d", l.Kind, l.Total, len(l.Contacts))
			}
		}
		want := map[domain.NudgeKind][]int64{domain.HotLeads: {hot.ID}, domain.RottingDeals: {rotting.ID}, domain.QuietProspects: {quiet.ID}}
		for k, ids := range want {
			if len(got[k]) != 1 || got[k][0] != ids[0] {
				t.Errorf("%s: %v, want %v", k, got[k], ids)
			}
		}
		if r, ok := v.Rot[rotting.ID]; !ok || r.Idle < 35 {
			t.Errorf("rot of the rotting deal: %+v", v.Rot)
		}

		now := f.clock.Now()
		owners, err := f.n.CheckinRound(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(owners) != 1 || owners[0] != "U0SALES1" { // U0SALES2's lead waits on nothing; marie has no Slack id
			t.Errorf("check-ins owed to %v", owners)
		}
		if again, err := f.n.CheckinRound(ctx, now.Add(time.Hour)); err != nil || len(again) != 0 {
			t.Errorf("a second round owed %v (%v)", again, err)
		}
		if n := f.owed(nudge.CheckinKind); n != 1 {
			t.Errorf("%d check-ins owed, want 1", n)
		}
		f.clock.Add(time.Hour)
		if _, _, err := f.crm.Log(ctx, "U0SALES1", quiet.Ref(), "call", ""); err != nil {
			t.Fatal(err)
		}
		if err := f.n.Snooze(ctx, rotting, "U0SALES1", 7); err != nil {
			t.Fatal(err)
		}
		acted, err := f.n.Acted(ctx, domain.ISOWeek(now))
		if err != nil {
			t.Fatal(err)
		}
		var mine domain.Acted
		for _, a := range acted {
			if a.Owner == "U0SALES1" {
				mine = a
			}
		}
		if mine.Listed != 3 || mine.Acted != 2 {
			t.Errorf("acted %+v, want 2 of 3", acted)
		}
		// Next week's digest says so, and counts that week's alerts.
		d, err := digest.Build(ctx, f.db, now.AddDate(0, 0, 7), digest.Options{Loc: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.CheckedIn) != 1 || d.CheckedIn[0] != mine || d.HotAlerts != 0 {
			t.Errorf("the digest's check-ins %+v, alerts %d", d.CheckedIn, d.HotAlerts)
		}
	})
}

// TestDeliver: the owed alert and check-in reach the Sender.
func TestDeliver(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		hot := f.add("U0SALES1", "Hot Lead", fit...)
		f.log(hot, "form")
		f.log(hot, "request")
		f.round()
		if _, err := f.n.CheckinRound(t.Context(), f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		msgs, err := f.db.ClaimOutgoing(t.Context(), nudge.Kinds(), nil, f.clock.Now(), 10, "test", f.clock.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range msgs {
			if err := f.n.Deliver(t.Context(), o); err != nil {
				t.Fatal(err)
			}
		}
		if len(f.sent.alerts) != 1 || f.sent.alerts[0].Contact.ID != hot.ID || len(f.sent.checkins) != 1 || f.sent.checkins[0].Owner != "U0SALES1" {
			t.Errorf("sent %d alerts, %d check-ins", len(f.sent.alerts), len(f.sent.checkins))
		}
	})
}
