package personas

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// This file keeps personas over time. A persona the team names is pinned:
// its centre is kept, and the next run gives its number and name to the
// new persona whose centre is nearest to it, when one is within pinReach
// (the data allows it); a pinned persona none comes near has faded, and
// its number is not given to another. Each run makes its month's
// snapshot (size and revenue); the digest of a month's first week
// compares the last two.

// pinReach is how far a new centre may be from a pinned one and still be
// it: less than one criterion's value changed for all its members (two
// one-hot dimensions swapped are √2 apart).
const pinReach = 1.0

// identities are the personas' numbers and pinned names, by their index
// in the clustering.
type identities struct {
	numbers []int
	names   map[int]string
	pins    map[int]store.PersonaPin // the pin each matched index took
}

// identify numbers the personas of c: the pinned ones nearest to a new
// centre keep their number and name, the others take the lowest numbers
// no pin holds, the largest first. It reorders c by number.
func (s *Service) identify(ctx context.Context, enc *domain.PersonaEncoder, c *domain.Clustering) (identities, error) {
	ids := identities{numbers: make([]int, c.K), names: map[int]string{}, pins: map[int]store.PersonaPin{}}
	pins, err := s.Store.PersonaPins(ctx)
	if err != nil {
		return ids, err
	}
	type pair struct {
		pin, k int
		d      float64
	}
	var pairs []pair
	held := map[int]bool{}
	for i, p := range pins {
		held[p.Number] = true
		var named map[string]float64
		if json.Unmarshal([]byte(p.Center), &named) != nil {
			continue
		}
		at := fromNamed(enc, named)
		for k, center := range c.Centers {
			pairs = append(pairs, pair{i, k, dist(at, center)})
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(a.d, b.d) })
	taken := map[int]bool{}
	for _, pr := range pairs {
		if _, done := ids.pins[pr.k]; pr.d <= pinReach && !done && !taken[pr.pin] {
			taken[pr.pin] = true
			ids.pins[pr.k] = pins[pr.pin]
			ids.numbers[pr.k], ids.names[pr.k] = pins[pr.pin].Number, pins[pr.pin].Name
		}
	}
	next := 1
	for k := range c.K { // by size, the largest first
		if _, pinned := ids.pins[k]; pinned {
			continue
		}
		for held[next] {
			next++
		}
		ids.numbers[k], held[next] = next, true
	}
	return ids.reorder(c), nil
}

// reorder sorts c's personas, and ids with them, by number.
func (ids identities) reorder(c *domain.Clustering) identities {
	order := make([]int, c.K)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return ids.numbers[a] - ids.numbers[b] })
	rank := make([]int, c.K)
	out := identities{numbers: make([]int, c.K), names: map[int]string{}, pins: map[int]store.PersonaPin{}}
	centers, sizes := make([][]float64, c.K), make([]int, c.K)
	for i, old := range order {
		rank[old] = i
		centers[i], out.numbers[i] = c.Centers[old], ids.numbers[old]
		if len(c.Sizes) == c.K {
			sizes[i] = c.Sizes[old]
		}
		if n, ok := ids.names[old]; ok {
			out.names[i], out.pins[i] = n, ids.pins[old]
		}
	}
	for i, o := range c.Of {
		c.Of[i] = rank[o]
	}
	c.Centers, c.Sizes = centers, sizes
	return out
}

// keep moves each matched pin to its persona's new centre, so that it
// follows the persona as it drifts, and makes the month's snapshot.
func (s *Service) keep(ctx context.Context, rep *Report, enc *domain.PersonaEncoder, c domain.Clustering, ids identities, now time.Time) error {
	for k, pin := range ids.pins {
		b, err := json.Marshal(named(enc, c.Centers[k]))
		if err != nil {
			return err
		}
		pin.Center = string(b)
		if err := s.Store.SavePersonaPin(ctx, pin); err != nil {
			return err
		}
	}
	rows := make([]store.PersonaSnapshot, len(rep.Personas))
	for i, p := range rep.Personas {
		rows[i] = store.PersonaSnapshot{Number: p.Number, Name: p.Name, Customers: p.Customers, Revenue: p.Revenue, At: now}
	}
	return s.Store.SavePersonaSnapshot(ctx, s.month(now), rows)
}

// month names t's month in the team's time zone, as 2026-12.
func (s *Service) month(t time.Time) string {
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01")
}

// named writes a centre by its dimensions' names (criterion=value, #j
// for the measures), leaving out the zeros: an encoder of another run
// reads it back (fromNamed) whatever dimensions it has.
func named(enc *domain.PersonaEncoder, center []float64) map[string]float64 {
	out := map[string]float64{}
	for i, v := range center {
		if v != 0 {
			out[dimName(enc, i)] = v
		}
	}
	return out
}

func fromNamed(enc *domain.PersonaEncoder, m map[string]float64) []float64 {
	out := make([]float64, len(enc.Dims)+len(enc.Lo))
	for i := range out {
		out[i] = m[dimName(enc, i)]
	}
	return out
}

func dimName(enc *domain.PersonaEncoder, i int) string {
	if i < len(enc.Dims) {
		return strconv.Itoa(enc.Dims[i].Criterion) + "=" + enc.Dims[i].Value
	}
	return "#" + strconv.Itoa(i-len(enc.Dims))
}

func dist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}

// Name names and pins persona number of the last run: the next runs give
// its number and name to the persona nearest to it. The last run's cards
// take the name at once.
func (s *Service) Name(ctx context.Context, number int, name, author string) (*Persona, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return nil, domain.Errorf(domain.Invalid, "a persona's name has 1 to 60 characters (got %q)", name)
	}
	if _, err := s.persona(ctx, number); err != nil {
		return nil, err
	}
	m, at, err := s.lastModel(ctx)
	if err != nil {
		return nil, err
	}
	renamed := *m
	renamed.Personas = slices.Clone(m.Personas)
	i := slices.IndexFunc(renamed.Personas, func(p Persona) bool { return p.Number == number })
	renamed.Personas[i].Name, renamed.Personas[i].Pinned = name, true
	b, err := json.Marshal(named(m.Encoder, m.Centers[i]))
	if err != nil {
		return nil, err
	}
	if err := s.Store.SavePersonaPin(ctx, store.PersonaPin{Number: number, Name: name, Center: string(b), Author: author, At: s.Now()}); err != nil {
		return nil, err
	}
	return &renamed.Personas[i], s.save(ctx, renamed, at) // the same personas, made when they were
}

// Unpin lifts the pin of persona number: the next runs number and name it
// afresh, like any persona.
func (s *Service) Unpin(ctx context.Context, number int) error {
	ok, err := s.Store.DeletePersonaPin(ctx, number)
	if err == nil && !ok {
		return domain.Errorf(domain.NotFound, "persona %d is not pinned (persona name pins one)", number)
	}
	return err
}

// Change is how the personas changed from one month's snapshot to the
// next: each persona of the month with its size and revenue share, and
// their change (absent without an earlier month, or for a persona new
// this month), the personas that appeared and those that faded (by
// name).
type Change struct {
	Month    string         `json:"month"`
	Previous string         `json:"previous,omitempty"`
	Personas []MonthPersona `json:"personas"`
	Appeared []string       `json:"appeared,omitempty"`
	Faded    []string       `json:"faded,omitempty"`
}

// MonthPersona is a persona in a month's snapshot.
type MonthPersona struct {
	Number          int      `json:"number"`
	Name            string   `json:"name"`
	Customers       int      `json:"customers"`
	RevenueShare    float64  `json:"revenue_share"` // 0–1
	CustomersChange *int     `json:"customers_change,omitempty"`
	ShareChange     *float64 `json:"revenue_share_change,omitempty"` // in points of %
}

// MonthChange compares the snapshot of day's month (the last one up to
// it) with the one before. With compute, when day is in the current month
// and the month has no snapshot yet, the personas are computed first,
// which makes it. It returns nil when there is no snapshot at all.
func (s *Service) MonthChange(ctx context.Context, day time.Time, compute bool) (*Change, error) {
	m := s.month(day)
	months, err := s.Store.PersonaSnapshotMonths(ctx, m, 2)
	if err != nil {
		return nil, err
	}
	if compute && (len(months) == 0 || months[0] != m) && m == s.month(s.Now()) {
		if _, err := s.Compute(ctx); err != nil {
			return nil, err
		}
		if months, err = s.Store.PersonaSnapshotMonths(ctx, m, 2); err != nil {
			return nil, err
		}
	}
	if len(months) == 0 {
		return nil, nil
	}
	cur, err := s.Store.PersonaSnapshots(ctx, months[0])
	if err != nil {
		return nil, err
	}
	ch := &Change{Month: months[0]}
	var prev []store.PersonaSnapshot
	if len(months) > 1 {
		ch.Previous = months[1]
		if prev, err = s.Store.PersonaSnapshots(ctx, months[1]); err != nil {
			return nil, err
		}
	}
	ch.compare(cur, prev)
	return ch, nil
}

// compare fills the change from the snapshots cur and prev; a persona is
// the same in both when it has the same name.
func (ch *Change) compare(cur, prev []store.PersonaSnapshot) {
	shares := func(rows []store.PersonaSnapshot) map[string]float64 {
		var total int64
		for _, r := range rows {
			total += r.Revenue
		}
		out := map[string]float64{}
		for _, r := range rows {
			out[r.Name] = ratio(r.Revenue, total)
		}
		return out
	}
	curShare, prevShare := shares(cur), shares(prev)
	before := map[string]store.PersonaSnapshot{}
	for _, r := range prev {
		before[r.Name] = r
	}
	for _, r := range cur {
		mp := MonthPersona{Number: r.Number, Name: r.Name, Customers: r.Customers, RevenueShare: curShare[r.Name]}
		if b, ok := before[r.Name]; ok {
			dc, ds := r.Customers-b.Customers, 100*(curShare[r.Name]-prevShare[r.Name])
			mp.CustomersChange, mp.ShareChange = &dc, &ds
		} else if len(prev) > 0 {
			ch.Appeared = append(ch.Appeared, r.Name)
		}
		ch.Personas = append(ch.Personas, mp)
	}
	for _, r := range prev {
		if _, ok := curShare[r.Name]; !ok {
			ch.Faded = append(ch.Faded, r.Name)
		}
	}
}
