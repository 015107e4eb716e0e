// Package personas derives three to five buyer personas from the
// customers: their criteria (sector, size, role, age, city, source, first
// channel) and their orders (recency, count, spend), grouped by
// domain.ClusterPersonas on a sample, every customer then given its
// nearest persona in one streamed pass.
package personas

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// Store is what personas read.
type Store interface {
	CountCustomers(ctx context.Context) (int64, error)
	EachPersonaRow(ctx context.Context, batch int, fn func([]store.PersonaRow) error) error
	SamplePersonaRows(ctx context.Context, every int) ([]store.PersonaRow, error)
	ReplacePersonaMembers(ctx context.Context, fill func(put func([]store.PersonaMember) error) error) error
	PersonaMemberIDs(ctx context.Context, persona int) ([]int64, error)
	EachPersonaMemberRow(ctx context.Context, persona, batch int, fn func([]store.PersonaMemberRow) error) error
	PersonaInteractionsBeforeFirstOrder(ctx context.Context) ([]store.PersonaCount, error)
	PersonaMoves(ctx context.Context) ([]store.PersonaCount, error)
	PersonaScores(ctx context.Context) ([]store.PersonaCount, error)
	PersonaAnswerSpans(ctx context.Context) ([]store.PersonaAnswerSpan, error)
	EachPersonaComment(ctx context.Context, fn func(persona int, text string, tone int)) error
	PersonaPins(ctx context.Context) ([]store.PersonaPin, error)
	SavePersonaPin(ctx context.Context, p store.PersonaPin) error
	DeletePersonaPin(ctx context.Context, number int) (bool, error)
	SavePersonaSnapshot(ctx context.Context, month string, rows []store.PersonaSnapshot) error
	PersonaSnapshots(ctx context.Context, month string) ([]store.PersonaSnapshot, error)
	PersonaSnapshotMonths(ctx context.Context, month string, n int) ([]string, error)
	SavePersonaModel(ctx context.Context, at time.Time, model string) error
	LatestPersonaModel(ctx context.Context) (id int64, model string, at time.Time, ok bool, err error)
	LatestPersonaModelID(ctx context.Context) (int64, error)
}

// Service computes the personas.
type Service struct {
	Store Store
	Now   func() time.Time
	// Loc is the team's time zone, which months are read in (UTC when
	// nil).
	Loc *time.Location
	// Count fixes the number of personas (personas.count); 0 lets the
	// data choose from 3 to 5.
	Count int
	// Seed makes the clustering: the same data and seed, the same
	// personas.
	Seed uint64

	mu       sync.Mutex
	cached   *model // the last model kept, decoded; cachedID its id
	cachedID int64
	cachedAt time.Time
}

// Criteria name the categorical criteria, in the encoder's order.
var Criteria = []string{"sector", "size", "role", "age", "city", "source", "channel"}

// sampleMax is the most customers the clustering is fitted on.
const sampleMax = 20000

// Persona is one persona's identity card.
type Persona struct {
	Number       int                   `json:"number"` // 1, 2… by size
	Name         string                `json:"name"`
	Customers    int                   `json:"customers"`
	Share        float64               `json:"share"` // of the customers, 0–1
	Revenue      int64                 `json:"revenue_cents"`
	RevenueShare float64               `json:"revenue_share"`    // of the revenue, 0–1
	Pinned       bool                  `json:"pinned,omitempty"` // named by the team, kept across runs
	Traits       []domain.PersonaTrait `json:"traits"`
	// Medians of the persona's customers in the sample.
	RecencyDays int   `json:"median_recency_days"`
	Orders      int   `json:"median_orders"`
	Spend       int64 `json:"median_spend_cents"`
	Card
}

// Report is the personas and what they rest on.
type Report struct {
	Customers  int       `json:"customers"`
	Sample     int       `json:"sample"`
	Silhouette float64   `json:"silhouette"`
	Personas   []Persona `json:"personas"`
}

// Compute makes the personas: a sample of at most 20,000 customers, spread
// evenly over their ids, fits the encoder and the clustering; a second
// pass gives every customer its persona, for the sizes, the revenue and
// the traits.
func (s *Service) Compute(ctx context.Context) (*Report, error) {
	n, err := s.Store.CountCustomers(ctx)
	if err != nil || n < 3 {
		return &Report{Customers: int(n)}, err
	}
	now := s.Now()
	rows, err := s.Store.SamplePersonaRows(ctx, max(1, int(n)/sampleMax))
	if err != nil {
		return nil, err
	}
	cats, nums, spends := make([][]string, len(rows)), make([][]float64, len(rows)), make([]int64, len(rows))
	for i, r := range rows {
		cats[i], nums[i] = criteria(r, now)
		spends[i] = r.Amount
	}
	enc := domain.FitPersonaEncoder(cats, nums)
	points := make([][]float64, len(cats))
	for i := range cats {
		points[i] = enc.Encode(cats[i], nums[i])
	}
	kMin, kMax := 3, 5
	if s.Count > 0 {
		kMin, kMax = s.Count, s.Count
	}
	c := domain.ClusterPersonas(points, kMin, kMax, s.Seed)
	rep := &Report{Sample: len(points), Silhouette: c.Silhouette}
	if c.K == 0 {
		return rep, nil
	}
	ids, err := s.identify(ctx, enc, &c)
	if err != nil {
		return nil, err
	}
	if err := s.assign(ctx, rep, enc, c, ids, sample{nums, spends}, now); err != nil {
		return nil, err
	}
	if err := s.keep(ctx, rep, enc, c, ids, now); err != nil {
		return nil, err
	}
	return rep, s.save(ctx, model{Encoder: enc, Centers: c.Centers, Personas: rep.Personas}, now)
}

// model is what a run keeps for the cards: the encoding, the centres and
// the personas' cards.
type model struct {
	Encoder  *domain.PersonaEncoder `json:"encoder"`
	Centers  [][]float64            `json:"centers"`
	Personas []Persona              `json:"personas"`
}

func (s *Service) save(ctx context.Context, m model, now time.Time) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.Store.SavePersonaModel(ctx, now, string(b))
}

// Closest is the persona a contact is closest to, by the last run of
// personas.
type Closest struct {
	Persona Persona   `json:"persona"`
	Of      time.Time `json:"of"` // when the personas were made
}

// ClosestTo returns the persona of the last run closest to contact c,
// whose orders count, spend and last order are given (none for a
// prospect: it is placed by who it is); nil before the first run.
func (s *Service) ClosestTo(ctx context.Context, c *domain.Contact, orders int, spend int64, lastOrder time.Time) (*Closest, error) {
	m, at, err := s.lastModel(ctx)
	if err != nil || m == nil {
		return nil, err
	}
	r := store.PersonaRow{Sector: c.Sector, Role: c.Role, City: c.City, Source: c.Source, Channel: c.Channel,
		Employees: c.Employees, BirthYear: c.BirthYear, Orders: orders, Amount: spend, LastOrder: lastOrder}
	if lastOrder.IsZero() {
		r.LastOrder = s.Now() // no order yet: as recent as can be, it does not count against it
	}
	cat, num := criteria(r, s.Now())
	k := domain.NearestPersona(m.Encoder.Encode(cat, num), domain.Clustering{K: len(m.Centers), Centers: m.Centers})
	return &Closest{Persona: m.Personas[k], Of: at}, nil
}

// sample is the measures of the sampled customers, and their spends.
type sample struct {
	nums   [][]float64
	spends []int64
}

// assign streams every customer to its persona, keeping each one's
// persona, and fills the cards.
func (s *Service) assign(ctx context.Context, rep *Report, enc *domain.PersonaEncoder, c domain.Clustering, ids identities, sm sample, now time.Time) error {
	t := newTally(c.K)
	err := s.Store.ReplacePersonaMembers(ctx, func(put func([]store.PersonaMember) error) error {
		return s.Store.EachPersonaRow(ctx, 5000, func(rows []store.PersonaRow) error {
			members := make([]store.PersonaMember, len(rows))
			for i, r := range rows {
				cat, num := criteria(r, now)
				p := enc.Encode(cat, num)
				k := domain.NearestPersona(p, c)
				members[i] = store.PersonaMember{ContactID: r.ID, Persona: ids.numbers[k], Distance: domain.PersonaDistance(p, c, k)}
				t.add(k, r, cat)
			}
			return put(members)
		})
	})
	if err != nil {
		return err
	}
	for _, sz := range t.sizes {
		rep.Customers += sz
	}
	for k := range c.K {
		p := Persona{Number: ids.numbers[k], Customers: t.sizes[k], Share: ratio(int64(t.sizes[k]), int64(rep.Customers)),
			Revenue: t.revenue[k], RevenueShare: ratio(t.revenue[k], t.total),
			Traits: domain.PersonaTraits(t.counts[k], t.sizes[k], t.overall, rep.Customers, 0.3, 5)}
		p.Name = name(p.Traits)
		if pinned, ok := ids.names[k]; ok {
			p.Name, p.Pinned = pinned, true
		}
		p.RecencyDays, p.Orders, p.Spend = medians(sm, c.Of, k)
		t.card(k, &p)
		rep.Personas = append(rep.Personas, p)
	}
	return s.enrich(ctx, rep)
}

// criteria reads a customer's criteria: its categorical values, in the
// order of Criteria, and its measures (days since the last order, orders,
// spend on a log scale, which spreads the many small spenders).
func criteria(r store.PersonaRow, now time.Time) ([]string, []float64) {
	t := strings.TrimSpace
	cat := []string{t(r.Sector), sizeBand(r.Employees), t(r.Role), ageBand(r.BirthYear, now), t(r.City), t(r.Source), t(r.Channel)}
	recency := now.Sub(r.LastOrder).Hours() / 24
	return cat, []float64{recency, float64(r.Orders), math.Log1p(float64(r.Amount) / 100)}
}

func sizeBand(employees int) string {
	switch {
	case employees <= 0:
		return ""
	case employees < 10:
		return "1-9"
	case employees < 50:
		return "10-49"
	case employees < 250:
		return "50-249"
	}
	return "250+"
}

func ageBand(born int, now time.Time) string {
	if born <= 0 {
		return ""
	}
	switch age := now.Year() - born; {
	case age < 30:
		return "<30"
	case age < 45:
		return "30-44"
	case age < 60:
		return "45-59"
	}
	return "60+"
}

// name is a persona's generated name: its three strongest traits.
func name(traits []domain.PersonaTrait) string {
	var parts []string
	for _, t := range traits[:min(3, len(traits))] {
		parts = append(parts, t.Value)
	}
	return strings.Join(parts, " · ")
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// medians returns persona k's median recency, orders and spend among the
// sampled customers (personas in of).
func medians(sm sample, of []int, k int) (int, int, int64) {
	var rec, ord, spend []float64
	for i, o := range of {
		if o == k {
			rec, ord, spend = append(rec, sm.nums[i][0]), append(ord, sm.nums[i][1]), append(spend, float64(sm.spends[i]))
		}
	}
	return int(median(rec)), int(median(ord)), int64(median(spend))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// lastModel returns the last model kept, decoded once, and when its
// personas were made.
func (s *Service) lastModel(ctx context.Context) (*model, time.Time, error) {
	id, err := s.Store.LatestPersonaModelID(ctx)
	if err != nil || id == 0 {
		return nil, time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached != nil && s.cachedID == id {
		return s.cached, s.cachedAt, nil
	}
	id, raw, at, ok, err := s.Store.LatestPersonaModel(ctx)
	if err != nil || !ok {
		return nil, at, err
	}
	var m model
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m.Encoder == nil || len(m.Centers) != len(m.Personas) {
		return nil, at, fmt.Errorf("read the personas' model of %s: %v", at.Format(time.DateOnly), err)
	}
	m.Encoder.Reindex()
	s.cached, s.cachedID, s.cachedAt = &m, id, at
	return &m, at, nil
}

// Members returns the ids of persona number's customers in the last run,
// in id order: what find persona=2 and top persona=2 keep.
func (s *Service) Members(ctx context.Context, number int) ([]int64, error) {
	if _, err := s.persona(ctx, number); err != nil {
		return nil, err
	}
	return s.Store.PersonaMemberIDs(ctx, number)
}

// persona returns persona number's card of the last run, or an error
// that says why there is none.
func (s *Service) persona(ctx context.Context, number int) (*Persona, error) {
	m, _, err := s.lastModel(ctx)
	switch {
	case err != nil:
		return nil, err
	case m == nil:
		return nil, domain.Errorf(domain.NotFound, "there are no personas yet: personas makes them")
	}
	for i := range m.Personas {
		if m.Personas[i].Number == number {
			return &m.Personas[i], nil
		}
	}
	numbers := make([]string, len(m.Personas))
	for i, p := range m.Personas {
		numbers[i] = strconv.Itoa(p.Number)
	}
	return nil, domain.Errorf(domain.Invalid, "there is no persona %d: the last personas are %s", number, strings.Join(numbers, ", "))
}
