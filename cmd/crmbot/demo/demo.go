// Package demo fills a database with realistic sample data for a French
// small business: contacts with their companies, pipeline moves,
// interactions over the last two years, two years of orders whose revenue
// follows the 80/20 rule, scores, and the customer's side: for about 40 %
// of the customers and some prospects, a linked Telegram chat with its
// consent, and the questionnaires they were sent (within the default
// throttle policy) with their answers, which set their preferences.
//
// Data is made and written in streaming batches (5,000 contacts with all
// their activity by default), each in its own transaction, so that memory
// stays flat however many contacts are asked for. A failure or a
// cancellation keeps the batches already written: demo data needs no
// all-or-nothing, and one transaction over millions of rows would hold the
// database's write lock for minutes.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Store is what Generate needs of the database; *store.DB provides it.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	FindContacts(ctx context.Context, q domain.ContactQuery) ([]*domain.Contact, int64, error)
	InsertContacts(ctx context.Context, cs []*domain.Contact) error
	InsertMoves(ctx context.Context, ms []domain.Move) error
	InsertInteractions(ctx context.Context, is []domain.Interaction) error
	InsertOrders(ctx context.Context, os []domain.Order) error
	InsertRespondents(ctx context.Context, rs []domain.Respondent) error
	InsertSentSurveys(ctx context.Context, ss []domain.Survey) error
	InsertAnswers(ctx context.Context, as []domain.StoredAnswer) error
	InsertScoreSnapshots(ctx context.Context, snaps []domain.ScoreSnapshot) error
	// BackfillConsentLedger writes the consent ledger of the respondents
	// and sends written in bulk.
	BackfillConsentLedger(ctx context.Context) error
}

// Options tune Generate. The zero value makes 500 contacts with seed 0 at
// the current time.
type Options struct {
	// Contacts is how many contacts to make; 0 means 500.
	Contacts int
	// Seed makes the data: the same seed, time and owners make the same
	// contacts with the same activity.
	Seed int64
	// Now is the day the data leads up to; the zero time means time.Now().
	// Scores are computed at Now.
	Now time.Time
	// Owners are the team members who follow the contacts and log their
	// activity; none means alice, bruno and chloe.
	Owners []string
	// Batch is how many contacts (with their activity) each transaction
	// writes; 0 means 5,000.
	Batch int
	// Progress, when set, is called after each batch with the number of
	// contacts written so far and the number asked for.
	Progress func(done, total int)
	// OrderScale multiplies how many orders each customer makes (about
	// 3.6 on average at 1), for databases with many orders; 0 means 1.
	OrderScale float64
	// PastWeeks is how many weeks before Now's get the score snapshots
	// their digests would have recorded (PastSnapshotTimes), each contact
	// scored as it stood then, so that the first digest shows weekly
	// changes and score a history; 0 means none. Each week costs about a
	// scoring and a snapshot row per contact.
	PastWeeks int
}

// DefaultOwners follow the contacts when Options.Owners is empty.
var DefaultOwners = []string{"alice", "bruno", "chloe"}

// Stats counts what Generate wrote. Revenue is in cents.
type Stats struct {
	Contacts     int   `json:"contacts"`
	Orders       int   `json:"orders"`
	Interactions int   `json:"interactions"`
	Moves        int   `json:"moves"`
	Revenue      int64 `json:"revenue_cents"`
	// Respondents are the contacts with a linked chat, Surveys the
	// questionnaires sent to them, Answers their answers (one a question).
	Respondents int           `json:"respondents"`
	Surveys     int           `json:"surveys"`
	Answers     int           `json:"answers"`
	Duration    time.Duration `json:"duration"`
}

// Rows is the number of rows written, in every table.
func (s Stats) Rows() int {
	return s.Contacts + s.Orders + s.Interactions + s.Moves + s.Respondents + s.Surveys + s.Answers
}

// String is the summary crmbot demo prints, without the database's name.
func (s Stats) String() string {
	return fmt.Sprintf("%d contacts, %d orders, %d interactions, %d pipeline moves, %d respondents, %d questionnaires sent and %d answers",
		s.Contacts, s.Orders, s.Interactions, s.Moves, s.Respondents, s.Surveys, s.Answers)
}

// Generate adds opt.Contacts sample contacts, with their pipeline moves,
// interactions and orders, after the contacts the database already holds.
// Every contact is scored by engine (the built-in rules when nil) at
// opt.Now, from the very facts it is written with, so the stored scores are
// those that crm.Rescore would compute at that time.
//
// Emails and phone numbers are derived from contact ids, so that they never
// collide with each other (phones up to 45 million contacts); one typed by
// a user could, which fails that batch. Generate numbers contacts after the
// highest id it sees at the start: another writer adding contacts while it
// runs makes it fail with a conflict. Batches already written stay (see
// the package comment); the Stats returned count them.
func Generate(ctx context.Context, st Store, engine *domain.Engine, opt Options) (Stats, error) {
	start := time.Now()
	g, err := newGenerator(opt, engine)
	if err != nil {
		return Stats{}, err
	}
	last, _, err := st.FindContacts(ctx, domain.ContactQuery{Sort: "id", Desc: true, Limit: 1})
	if err != nil {
		return Stats{}, fmt.Errorf("demo: read the last contact id: %w", err)
	}
	if len(last) > 0 {
		g.base = last[0].ID
	}
	stats, err := g.run(ctx, st)
	stats.Duration = time.Since(start)
	return stats, err
}

// generator makes the contacts of one Generate call. Contact k (from 0) is
// drawn from its own random stream, seeded by the seed and k, so that what
// it gets does not depend on batches.
type generator struct {
	opt    Options
	engine *domain.Engine
	owners choice[string]
	base   int64 // contact k gets id base+1+k
	pcg    *rand.PCG
	r      *rand.Rand
	// pcg2 and r2 draw the customer's side, from a stream of its own.
	pcg2 *rand.PCG
	r2   *rand.Rand
	past []time.Time // PastSnapshotTimes(opt.Now, opt.PastWeeks)
}

// newGenerator checks opt and fills in its defaults.
func newGenerator(opt Options, engine *domain.Engine) (*generator, error) {
	switch {
	case opt.Contacts < 0:
		return nil, domain.Errorf(domain.Invalid, "cannot make %d sample contacts: give a positive number", opt.Contacts)
	case opt.Contacts == 0:
		opt.Contacts = 500
	}
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	if opt.OrderScale <= 0 {
		opt.OrderScale = 1
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	var owners []string
	for _, o := range opt.Owners {
		if o = strings.TrimSpace(o); o != "" {
			owners = append(owners, o)
		}
	}
	if len(owners) == 0 {
		owners = DefaultOwners
	}
	if engine == nil {
		engine = domain.DefaultEngine()
	}
	pcg, pcg2 := rand.NewPCG(0, 0), rand.NewPCG(0, 0)
	return &generator{opt: opt, engine: engine, owners: uniform(owners...), pcg: pcg, r: rand.New(pcg),
		pcg2: pcg2, r2: rand.New(pcg2), past: PastSnapshotTimes(opt.Now, opt.PastWeeks)}, nil
}

// batch is the contacts of one transaction with all their activity.
type batch struct {
	contacts     []*domain.Contact
	moves        []domain.Move
	interactions []domain.Interaction
	orders       []domain.Order
	revenue      int64
	respondents  []domain.Respondent
	surveys      []domain.Survey
	// answers' SurveyID is the index of their survey in surveys until
	// write numbers the surveys.
	answers []domain.StoredAnswer
	// snapshots are the contacts' scores of the past weeks (PastWeeks).
	snapshots []domain.ScoreSnapshot
}

// run makes batches in one goroutine while it writes the previous one in
// this one, so that generating and scoring overlap the database's work.
func (g *generator) run(ctx context.Context, st Store) (Stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *batch, 1)
	go g.produce(ctx, batches)
	var stats Stats
	for b := range batches {
		if err := write(ctx, st, b); err != nil {
			cancel()
			for range batches { // let the producer finish
			}
			return stats, err
		}
		stats.Contacts += len(b.contacts)
		stats.Moves += len(b.moves)
		stats.Interactions += len(b.interactions)
		stats.Orders += len(b.orders)
		stats.Revenue += b.revenue
		stats.Respondents += len(b.respondents)
		stats.Surveys += len(b.surveys)
		stats.Answers += len(b.answers)
		if g.opt.Progress != nil {
			g.opt.Progress(stats.Contacts, g.opt.Contacts)
		}
	}
	if err := ctx.Err(); err != nil && stats.Contacts < g.opt.Contacts {
		return stats, fmt.Errorf("demo: stopped after %d contacts: %w", stats.Contacts, context.Cause(ctx))
	}
	return stats, nil
}

// produce sends the batches in order and closes out when done or when ctx
// ends.
func (g *generator) produce(ctx context.Context, out chan<- *batch) {
	defer close(out)
	for from := 0; from < g.opt.Contacts; from += g.opt.Batch {
		b := g.batch(from, min(g.opt.Contacts, from+g.opt.Batch))
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
	}
}

// batch makes contacts from to to-1.
func (g *generator) batch(from, to int) *batch {
	b := &batch{contacts: make([]*domain.Contact, 0, to-from)}
	for k := from; k < to; k++ {
		h := g.contact(k)
		b.contacts = append(b.contacts, h.c)
		b.moves = append(b.moves, h.moves...)
		b.interactions = append(b.interactions, h.interactions...)
		b.orders = append(b.orders, h.orders...)
		b.revenue += h.revenue
		if h.respondent != nil {
			b.respondents = append(b.respondents, *h.respondent)
		}
		b.snapshots = append(b.snapshots, h.snapshots...)
		off := int64(len(b.surveys))
		b.surveys = append(b.surveys, h.surveys...)
		for _, a := range h.answers {
			a.SurveyID += off
			b.answers = append(b.answers, a)
		}
	}
	b.sortByTime()
	return b
}

// sortByTime orders the batch's activity by time. The indexes on times then
// take the batch's rows in one sweep instead of at random places, which
// makes SQLite write several times fewer pages; ids follow time too, as when
// the team logs day after day.
func (b *batch) sortByTime() {
	// Stable: a contact's moves may share a time, and must keep their order.
	slices.SortStableFunc(b.moves, func(x, y domain.Move) int { return x.At.Compare(y.At) })
	slices.SortFunc(b.interactions, func(x, y domain.Interaction) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.ContactID, y.ContactID))
	})
	slices.SortFunc(b.orders, func(x, y domain.Order) int {
		return cmp.Or(x.Date.Compare(y.Date), cmp.Compare(x.ContactID, y.ContactID))
	})
	// Surveys by sending time, their answers following them.
	order := make([]int, len(b.surveys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		sx, sy := &b.surveys[x], &b.surveys[y]
		return cmp.Or(sx.SentAt.Compare(sy.SentAt), cmp.Compare(sx.ContactID, sy.ContactID), cmp.Compare(x, y))
	})
	sorted, place := make([]domain.Survey, len(order)), make([]int64, len(order))
	for to, from := range order {
		sorted[to], place[from] = b.surveys[from], int64(to)
	}
	b.surveys = sorted
	for i := range b.answers {
		b.answers[i].SurveyID = place[b.answers[i].SurveyID]
	}
	slices.SortStableFunc(b.answers, func(x, y domain.StoredAnswer) int { return cmp.Compare(x.SurveyID, y.SurveyID) })
}

// contact makes contact k with its history, and scores it.
func (g *generator) contact(k int) *history {
	g.pcg.Seed(mix(uint64(g.opt.Seed)), mix(uint64(k)^0x5bd1e995))
	c := newContact(g.r, g.base+1+int64(k), g.owners, g.opt.Now)
	h := newHistory(g.r, c, g.opt.Now, (float64(k)+g.r.Float64())/float64(g.opt.Contacts), g.opt.OrderScale)
	if h.linked {
		g.pcg2.Seed(mix(uint64(g.opt.Seed)^0x632be59bd9b4e019), mix(uint64(k)^0x2545f4914f6cdd1d))
		h.respond(g.r2, g.opt.Now)
	}
	res := g.engine.Score(c, h.facts(g.opt.Now), g.opt.Now)
	c.Score, c.Grade, c.Fit, c.Engagement = res.Score, res.Grade, res.Fit, res.Engagement
	h.snapshots = g.pastScores(h)
	return h
}

// PastSnapshotTimes returns when the snapshots of the weeks weeks before
// now's would have been taken: Monday 09:00 of each, in now's location
// (the digest's default time), the oldest first.
func PastSnapshotTimes(now time.Time, weeks int) []time.Time {
	y, m, d := now.Date()
	monday := time.Date(y, m, d-(int(now.Weekday())+6)%7, 9, 0, 0, 0, now.Location())
	out := make([]time.Time, max(weeks, 0))
	for i := range out {
		out[i] = monday.AddDate(0, 0, -7*(weeks-i))
	}
	return out
}

// pastScores scores h's contact at each past snapshot time it existed at:
// its stage and activity as they were then, its other fields as now.
func (g *generator) pastScores(h *history) []domain.ScoreSnapshot {
	var out []domain.ScoreSnapshot
	for _, t := range g.past {
		if h.c.CreatedAt.After(t) {
			continue
		}
		c := *h.c
		c.Stage = h.stageAt(t)
		if c.LastContactAt.After(t) {
			c.LastContactAt = time.Time{}
		}
		res := g.engine.Score(&c, h.facts(t), t)
		out = append(out, domain.ScoreSnapshot{ContactID: c.ID, Week: domain.ISOWeek(t), Score: res.Score, Grade: res.Grade})
	}
	return out
}

// mix is SplitMix64's finaliser: neighbouring inputs give unrelated seeds.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// write stores one batch in one transaction.
func write(ctx context.Context, st Store, b *batch) error {
	err := st.InTx(ctx, func(ctx context.Context) error {
		if err := st.InsertContacts(ctx, b.contacts); err != nil {
			return fmt.Errorf("contacts: %w", err)
		}
		if err := st.InsertMoves(ctx, b.moves); err != nil {
			return fmt.Errorf("pipeline moves: %w", err)
		}
		if err := st.InsertInteractions(ctx, b.interactions); err != nil {
			return fmt.Errorf("interactions: %w", err)
		}
		if err := st.InsertOrders(ctx, b.orders); err != nil {
			return fmt.Errorf("orders: %w", err)
		}
		if err := st.InsertRespondents(ctx, b.respondents); err != nil {
			return fmt.Errorf("respondents: %w", err)
		}
		if err := st.InsertSentSurveys(ctx, b.surveys); err != nil {
			return fmt.Errorf("surveys: %w", err)
		}
		for i := range b.answers {
			b.answers[i].SurveyID = b.surveys[b.answers[i].SurveyID].ID
		}
		if err := st.InsertAnswers(ctx, b.answers); err != nil {
			return fmt.Errorf("answers: %w", err)
		}
		if err := st.InsertScoreSnapshots(ctx, b.snapshots); err != nil {
			return fmt.Errorf("past scores: %w", err)
		}
		return st.BackfillConsentLedger(ctx)
	})
	if err != nil {
		first, last := b.contacts[0].ID, b.contacts[len(b.contacts)-1].ID
		return fmt.Errorf("demo: write contacts %s to %s: %w", domain.ContactRef(first), domain.ContactRef(last), err)
	}
	return nil
}
