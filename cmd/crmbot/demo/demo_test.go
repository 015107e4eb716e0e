package demo_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/cmd/crmbot/demo"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// now has a fraction of a second and a time zone on purpose: scores and
// windows must agree with the store's whatever the clock.
var now = time.Date(2026, 11, 25, 10, 30, 15, 123456789, time.FixedZone("CET", 3600))

func clock() time.Time { return now }

func engine(t testing.TB) *domain.Engine {
	t.Helper()
	return domain.DefaultEngine()
}

var owners = []string{"alice", "bruno", "chloe"}

// dump is everything a test reads back from the database.
type dump struct {
	db       *store.DB
	contacts []*domain.Contact
	facts    map[int64]*domain.Facts
	moves    map[int64][]domain.Move
	orders   map[int64][]domain.Order
}

func read(t *testing.T, db *store.DB) *dump {
	t.Helper()
	ctx := context.Background()
	d := &dump{db: db, moves: map[int64][]domain.Move{}, orders: map[int64][]domain.Order{}}
	err := db.EachContact(ctx, 1000, func(list []*domain.Contact) error {
		d.contacts = append(d.contacts, list...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.facts, err = db.AllFacts(ctx, now); err != nil {
		t.Fatal(err)
	}
	moves, err := db.MovesBetween(ctx, time.Time{}, now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range moves {
		d.moves[m.ContactID] = append(d.moves[m.ContactID], m)
	}
	for id, f := range d.facts {
		if f.Orders > 0 {
			if d.orders[id], err = db.RecentOrders(ctx, id, 1000); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d
}

func (d *dump) count(t *testing.T, table string) int {
	t.Helper()
	return int(storetest.Count(t, d.db, "SELECT COUNT(*) FROM "+table))
}

func (d *dump) facts0(id int64) *domain.Facts {
	if f := d.facts[id]; f != nil {
		return f
	}
	return &domain.Facts{}
}

func TestGenerate(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var progress []int
		opt := demo.Options{Contacts: 300, Seed: 7, Now: now, Owners: owners, Batch: 120,
			Progress: func(done, total int) {
				if total != 300 {
					t.Errorf("progress total %d, want 300", total)
				}
				progress = append(progress, done)
			}}
		st, err := demo.Generate(ctx, db, engine(t), opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s", st)
		if !slices.Equal(progress, []int{120, 240, 300}) {
			t.Errorf("progress %v, want [120 240 300]", progress)
		}
		if drift, err := db.StatsDrift(ctx); err != nil || len(drift) > 0 {
			t.Errorf("the customers' aggregates of %v differ from their orders (%v)", drift, err)
		}
		// Every questionnaire the demo sent rests on a consent in force
		// in the ledger: 100 %.
		if st.Surveys == 0 || storetest.UnprovenSends(t, db) != 0 {
			t.Errorf("%d of %d questionnaires sent without a consent in force in the ledger", storetest.UnprovenSends(t, db), st.Surveys)
		}
		d := read(t, db)
		t.Run("counts match the stats", func(t *testing.T) { checkCounts(t, d, st) })
		t.Run("contacts", func(t *testing.T) { checkContacts(t, d) })
		t.Run("pipeline", func(t *testing.T) { checkPipeline(t, d) })
		t.Run("activity", func(t *testing.T) { checkActivity(t, d) })
		t.Run("revenue is Pareto-like", func(t *testing.T) { checkPareto(t, d) })
		t.Run("customer side", func(t *testing.T) { checkCustomerSide(t, d) })
		t.Run("scores are Rescore's", func(t *testing.T) {
			changed, err := crm.Rescore(ctx, db, engine(t), now)
			if err != nil || changed != 0 {
				t.Fatalf("Rescore after Generate changed %d scores (err %v), want 0", changed, err)
			}
		})
	})
}

func checkCounts(t *testing.T, d *dump, st demo.Stats) {
	var interactions, orders, moves int
	var revenue int64
	for _, f := range d.facts {
		for _, w := range f.Counts {
			interactions += w.Total
		}
		orders += f.Orders
		revenue += f.Revenue
	}
	for _, ms := range d.moves {
		moves += len(ms)
	}
	got := demo.Stats{Contacts: len(d.contacts), Orders: orders, Interactions: interactions, Moves: moves, Revenue: revenue,
		Respondents: d.count(t, "respondents"), Surveys: d.count(t, "surveys"), Answers: d.count(t, "answers"), Duration: st.Duration}
	if got != st || st.Contacts != 300 {
		t.Fatalf("database holds %+v, Generate said %+v", got, st)
	}
	if st.Orders == 0 || st.Interactions < st.Contacts || st.Moves == 0 || st.Respondents == 0 || st.Surveys < st.Respondents || st.Answers < st.Surveys ||
		st.Rows() != st.Contacts+st.Orders+st.Interactions+st.Moves+st.Respondents+st.Surveys+st.Answers {
		t.Fatalf("implausible stats %+v", st)
	}
}

func checkContacts(t *testing.T, d *dump) {
	for i, c := range d.contacts[1:] {
		if c.CreatedAt.Before(d.contacts[i].CreatedAt) {
			t.Errorf("%s was created at %s, before %s at %s: ids should follow creation", c.Ref(), c.CreatedAt, d.contacts[i].Ref(), d.contacts[i].CreatedAt)
		}
	}
	emails, phones := map[string]bool{}, map[string]bool{}
	countries, languages, sizes := map[string]int{}, map[string]int{}, map[bool]int{}
	for _, c := range d.contacts {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Ref(), err)
		}
		if e, err := domain.NormalizeEmail(c.Email); err != nil || e != c.Email || emails[e] {
			t.Errorf("%s: email %q is invalid or repeated (%v)", c.Ref(), c.Email, err)
		}
		if p, err := domain.NormalizePhone(c.Phone); err != nil || p != c.Phone || phones[p] {
			t.Errorf("%s: phone %q is invalid or repeated (%v)", c.Ref(), c.Phone, err)
		}
		emails[c.Email], phones[c.Phone] = true, true
		if c.Company == "" || c.Sector == "" || c.Role == "" || c.City == "" || c.Source == "" || c.Channel == "" || c.BirthYear == 0 || c.Gender == "" {
			t.Errorf("%s lacks a field: %+v", c.Ref(), c)
		}
		if !slices.Contains(owners, c.Owner) {
			t.Errorf("%s: owner %q is not one of %v", c.Ref(), c.Owner, owners)
		}
		if c.TimeZone != "" {
			if _, err := time.LoadLocation(c.TimeZone); err != nil {
				t.Errorf("%s: %v", c.Ref(), err)
			}
		}
		countries[c.Country]++
		languages[c.Language]++
		sizes[c.Employees >= 50]++
	}
	n := len(d.contacts)
	if countries["FR"] < n*3/4 || countries["FR"] == n || languages["fr"] < n*3/4 || languages["en"] == 0 {
		t.Errorf("countries %v, languages %v: want mostly French, not only", countries, languages)
	}
	if sizes[true] == 0 || sizes[true] > n/4 {
		t.Errorf("%d of %d companies have 50 employees or more: want a few", sizes[true], n)
	}
}

// checkPipeline: every stage is represented; leads never moved; the others
// got to their stage from lead by moves in order, authored by an owner,
// between the contact's creation and now; customers' last move is their
// first sale.
func checkPipeline(t *testing.T, d *dump) {
	stages := map[domain.Stage]int{}
	for _, c := range d.contacts {
		stages[c.Stage]++
		ms := d.moves[c.ID]
		if c.Stage == domain.Lead {
			if len(ms) > 0 {
				t.Errorf("lead %s has moves %v", c.Ref(), ms)
			}
			continue
		}
		if len(ms) == 0 || ms[len(ms)-1].To != c.Stage || ms[0].From != domain.Lead {
			t.Errorf("%s at stage %s has moves %v", c.Ref(), c.Stage, ms)
			continue
		}
		for i, m := range ms {
			if i > 0 && (m.From != ms[i-1].To || m.At.Before(ms[i-1].At)) || m.At.Before(c.CreatedAt) || m.At.After(now) || !slices.Contains(owners, m.Author) {
				t.Errorf("%s: move %d %+v is out of order", c.Ref(), i, m)
			}
		}
		if c.Stage == domain.Customer {
			first := d.orders[c.ID][len(d.orders[c.ID])-1]
			if !ms[len(ms)-1].At.Truncate(24 * time.Hour).Equal(first.Date) {
				t.Errorf("%s became a customer on %s, first ordered on %s", c.Ref(), ms[len(ms)-1].At, first.Date)
			}
		}
	}
	for _, s := range domain.Stages {
		if stages[s] == 0 {
			t.Errorf("no contact at stage %s: %v", s, stages)
		}
	}
}

// checkActivity: every contact has interactions, its last contact is the
// latest of them, within two years; customers, and only they, have orders,
// within two years, of 50 € to 20,000 €.
func checkActivity(t *testing.T, d *dump) {
	twoYears := now.AddDate(-2, 0, -1)
	hot := 0
	for _, c := range d.contacts {
		f := d.facts0(c.ID)
		if f.LastInteraction.IsZero() || !f.LastInteraction.Equal(c.LastContactAt) || c.LastContactAt.After(now) || c.CreatedAt.Before(twoYears) {
			t.Errorf("%s: created %s, last contact %s, latest interaction %s", c.Ref(), c.CreatedAt, c.LastContactAt, f.LastInteraction)
		}
		if (f.Orders > 0) != (c.Stage == domain.Customer) {
			t.Errorf("%s at stage %s has %d orders", c.Ref(), c.Stage, f.Orders)
		}
		for _, o := range d.orders[c.ID] {
			if o.Amount < 5000 || o.Amount > 2_000_000 || o.Date.Before(twoYears) || o.Date.After(now) || o.Author != c.Owner {
				t.Errorf("%s: order %+v", c.Ref(), o)
			}
		}
		if c.Stage != domain.Customer && c.Stage != domain.Lost && f.Counts[domain.Form].Last30+f.Counts[domain.Request].Last30+f.Counts[domain.Download].Last30 > 0 {
			hot++
		}
	}
	if hot == 0 {
		t.Error("no open lead showed interest in the last 30 days")
	}
}

// checkPareto: the top 20 % of customers make 60 to 90 % of revenue.
func checkPareto(t *testing.T, d *dump) {
	var revenues []int64
	var total, top int64
	for _, f := range d.facts {
		if f.Orders > 0 {
			revenues = append(revenues, f.Revenue)
			total += f.Revenue
		}
	}
	slices.Sort(revenues)
	slices.Reverse(revenues)
	n := len(revenues) / 5
	for _, r := range revenues[:n] {
		top += r
	}
	share := float64(top) / float64(total)
	t.Logf("%d customers; the top %d make %.0f %% of %s", len(revenues), n, 100*share, domain.FormatAmount(total))
	if share < 0.6 || share > 0.9 {
		t.Errorf("the top 20 %% of customers make %.0f %% of revenue, want 60–90 %%", 100*share)
	}
}

// TestDeterministic: the same seed makes the same data whatever the batch
// size; another seed makes other data.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	gen := func(seed int64, batch int) (demo.Stats, []*domain.Contact) {
		db := storetest.Open(t, "sqlite", clock)
		st, err := demo.Generate(ctx, db, engine(t), demo.Options{Contacts: 200, Seed: seed, Now: now, Owners: owners, Batch: batch})
		if err != nil {
			t.Fatal(err)
		}
		st.Duration = 0
		list, _, err := db.FindContacts(ctx, domain.ContactQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return st, list
	}
	st1, c1 := gen(42, 50)
	st2, c2 := gen(42, 5000)
	if st1 != st2 || !reflect.DeepEqual(c1, c2) {
		t.Fatalf("seed 42 made different data: %+v vs %+v\n%+v\n%+v", st1, st2, c1[0], c2[0])
	}
	st3, c3 := gen(43, 5000)
	if st3 == st1 || c3[0].Name == c1[0].Name && c3[1].Name == c1[1].Name && c3[2].Name == c1[2].Name {
		t.Fatalf("seeds 42 and 43 made the same data: %+v", st3)
	}
}

// TestAddsAfterExistingContacts: a second run adds contacts after the first
// ones, with ids, emails and phones of their own.
func TestAddsAfterExistingContacts(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 2 {
			if _, err := demo.Generate(ctx, db, nil, demo.Options{Contacts: 40, Seed: 1, Now: now}); err != nil {
				t.Fatal(err)
			}
		}
		d := read(t, db)
		if len(d.contacts) != 80 || d.contacts[79].ID != 80 {
			t.Fatalf("%d contacts, the last C%d; want 80", len(d.contacts), d.contacts[len(d.contacts)-1].ID)
		}
		if !slices.Contains(demo.DefaultOwners, d.contacts[0].Owner) {
			t.Errorf("owner %q is not a default owner", d.contacts[0].Owner)
		}
	})
}

// TestCancel: cancelling stops Generate after the batch being written; the
// batches written stay and the error says why.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := storetest.Open(t, "sqlite", clock)
	opt := demo.Options{Contacts: 100, Batch: 20, Now: now, Progress: func(done, _ int) {
		if done == 40 {
			cancel()
		}
	}}
	st, err := demo.Generate(ctx, db, nil, opt)
	if !errors.Is(err, context.Canceled) || st.Contacts != 40 {
		t.Fatalf("got %+v, %v; want 40 contacts and context.Canceled", st, err)
	}
	if n, err := db.CountContacts(context.Background()); err != nil || n != 40 {
		t.Fatalf("the database holds %d contacts (%v), want 40", n, err)
	}
}

func TestRejectsNegativeCount(t *testing.T) {
	_, err := demo.Generate(context.Background(), nil, nil, demo.Options{Contacts: -1})
	if !domain.IsCode(err, domain.Invalid) {
		t.Fatalf("got %v, want an Invalid error", err)
	}
}

func TestOrderScaleMultipliesOrders(t *testing.T) {
	orders := func(scale float64) int {
		db := storetest.Open(t, "sqlite", clock)
		st, err := demo.Generate(t.Context(), db, nil, demo.Options{Contacts: 400, Seed: 3, Now: now, OrderScale: scale})
		if err != nil {
			t.Fatal(err)
		}
		return st.Orders
	}
	one, ten := orders(1), orders(10)
	if one == 0 || ten < 6*one || ten > 14*one {
		t.Fatalf("orders at scale 1: %d, at scale 10: %d; want about ten times as many", one, ten)
	}
}
