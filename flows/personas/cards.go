package personas

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// This file is what a persona's card says beyond its traits: how its
// members came to buy, what their answers set (interests, categories,
// preferred channel), their satisfaction and the words of their comments.
// The fields are counted in the pass that assigns the customers; the
// rest is aggregated in SQL over the members kept, a few rows a persona.

// Card is the part of a persona's card made from its members' path and
// answers.
type Card struct {
	Path         Path               `json:"buying_path"`
	Interests    []ValueShare       `json:"interests,omitempty"`
	Categories   []ValueShare       `json:"categories,omitempty"`
	Channels     []ValueShare       `json:"preferred_channels,omitempty"`
	Satisfaction Satisfaction       `json:"satisfaction"`
	Motivations  []domain.WordCount `json:"motivations,omitempty"` // words of satisfied comments
	Brakes       []domain.WordCount `json:"brakes,omitempty"`      // words of dissatisfied ones
}

// Path is how the members came to buy: the median days from their
// creation to their first order (over the Customers created before
// buying: an imported customer's record is younger than its orders), the
// median interactions before the first order's day, and the stage moves
// most made.
type Path struct {
	Customers    int    `json:"customers"`
	MedianDays   int    `json:"median_days_to_first_order"`
	Interactions int    `json:"median_interactions_before_first_order"`
	Moves        []Move `json:"stage_moves,omitempty"`
}

// Move is a stage move and how many times members made it.
type Move struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

// ValueShare is a value and the members holding it (Share of the persona,
// 0–1).
type ValueShare struct {
	Value     string  `json:"value"`
	Customers int     `json:"customers"`
	Share     float64 `json:"share"`
}

// Satisfaction is what the members' answers say: how many answers (to
// how many questionnaires), given from First to Last; the CSAT (share of
// ratings of 4 or 5, in %) and the NPS (promoters minus detractors, in
// points), nil without such answers.
type Satisfaction struct {
	Answers        int        `json:"answers"`
	Questionnaires int        `json:"questionnaires"`
	First          *time.Time `json:"first,omitempty"`
	Last           *time.Time `json:"last,omitempty"`
	Ratings        int        `json:"csat_answers"`
	CSAT           *float64   `json:"csat,omitempty"`
	NPSAnswers     int        `json:"nps_answers"`
	NPS            *float64   `json:"nps,omitempty"`
}

// shown is how many values, moves and words a card lists of each kind.
const shown = 3

// tally counts, in the assigning pass, what the cards need of each
// persona's members.
type tally struct {
	counts                          []map[domain.PersonaDim]int
	overall                         map[domain.PersonaDim]int
	sizes                           []int
	revenue                         []int64
	total                           int64
	days                            []map[int]int // days from creation to first order
	dated                           []int         // customers created before buying
	interests, categories, channels []map[string]int
}

func newTally(k int) *tally {
	t := &tally{overall: map[domain.PersonaDim]int{}, sizes: make([]int, k), revenue: make([]int64, k), dated: make([]int, k)}
	maps := func() []map[string]int {
		m := make([]map[string]int, k)
		for i := range m {
			m[i] = map[string]int{}
		}
		return m
	}
	t.interests, t.categories, t.channels = maps(), maps(), maps()
	for range k {
		t.counts = append(t.counts, map[domain.PersonaDim]int{})
		t.days = append(t.days, map[int]int{})
	}
	return t
}

// add counts customer r, of persona k, whose criteria are cat.
func (t *tally) add(k int, r store.PersonaRow, cat []string) {
	t.sizes[k]++
	t.revenue[k] += r.Amount
	t.total += r.Amount
	for j, v := range cat {
		if v != "" {
			t.counts[k][domain.PersonaDim{Criterion: j, Value: v}]++
			t.overall[domain.PersonaDim{Criterion: j, Value: v}]++
		}
	}
	if d := domain.DaysBetween(r.Created, r.FirstOrder); !r.Created.IsZero() && d >= 0 {
		t.days[k][d]++
		t.dated[k]++
	}
	for _, v := range r.Interests {
		t.interests[k][v]++
	}
	for _, v := range r.Categories {
		t.categories[k][v]++
	}
	if v := strings.TrimSpace(r.PreferredChannel); v != "" {
		t.channels[k][v]++
	}
}

// card fills what the pass counted of persona k.
func (t *tally) card(k int, p *Persona) {
	p.Path.Customers = t.dated[k]
	p.Path.MedianDays = domain.HistogramMedian(t.days[k], t.dated[k])
	p.Interests = topValues(t.interests[k], t.sizes[k])
	p.Categories = topValues(t.categories[k], t.sizes[k])
	p.Channels = topValues(t.channels[k], t.sizes[k])
}

// topValues returns the values most held among size members.
func topValues(counts map[string]int, size int) []ValueShare {
	var out []ValueShare
	for v, n := range counts {
		out = append(out, ValueShare{Value: v, Customers: n, Share: ratio(int64(n), int64(size))})
	}
	slices.SortFunc(out, func(a, b ValueShare) int {
		if a.Customers != b.Customers {
			return b.Customers - a.Customers
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out[:min(shown, len(out))]
}

// enrich adds to the cards what SQL aggregates over the members kept:
// interactions before the first order, stage moves, answers and comments.
func (s *Service) enrich(ctx context.Context, rep *Report) error {
	of := func(number int) *Persona {
		if i := rep.index(number); i >= 0 {
			return &rep.Personas[i]
		}
		return nil
	}
	inter, err := s.Store.PersonaInteractionsBeforeFirstOrder(ctx)
	if err != nil {
		return err
	}
	hist := make([]map[int]int, len(rep.Personas))
	for i := range hist {
		hist[i] = map[int]int{}
	}
	for _, c := range inter {
		if i := rep.index(c.Persona); i >= 0 {
			hist[i][c.N] += c.Count
		}
	}
	for i := range rep.Personas {
		p := &rep.Personas[i]
		with := 0
		for _, n := range hist[i] {
			with += n
		}
		hist[i][0] += p.Customers - with
		p.Path.Interactions = domain.HistogramMedian(hist[i], p.Customers)
	}
	moves, err := s.Store.PersonaMoves(ctx)
	if err != nil {
		return err
	}
	for _, m := range moves {
		if p := of(m.Persona); p != nil {
			from, to, _ := strings.Cut(m.Value, ">")
			p.Path.Moves = append(p.Path.Moves, Move{From: from, To: to, Count: m.Count})
		}
	}
	for i := range rep.Personas {
		mv := rep.Personas[i].Path.Moves
		slices.SortFunc(mv, func(a, b Move) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.From+">"+a.To, b.From+">"+b.To)
		})
		rep.Personas[i].Path.Moves = mv[:min(shown, len(mv))]
	}
	if err := s.satisfaction(ctx, of); err != nil {
		return err
	}
	return s.comments(ctx, rep)
}

// satisfaction fills each card's answers, CSAT and NPS.
func (s *Service) satisfaction(ctx context.Context, of func(int) *Persona) error {
	spans, err := s.Store.PersonaAnswerSpans(ctx)
	if err != nil {
		return err
	}
	for _, sp := range spans {
		if p := of(sp.Persona); p != nil {
			first, last := sp.First, sp.Last
			p.Satisfaction.Answers, p.Satisfaction.Questionnaires = sp.Answers, sp.Surveys
			p.Satisfaction.First, p.Satisfaction.Last = &first, &last
		}
	}
	scores, err := s.Store.PersonaScores(ctx)
	if err != nil {
		return err
	}
	type tallies struct{ ratings, satisfied, nps, promoters, detractors int }
	by := map[int]*tallies{}
	for _, c := range scores {
		t := by[c.Persona]
		if t == nil {
			t = &tallies{}
			by[c.Persona] = t
		}
		switch {
		case c.Value == string(domain.RatingQuestion):
			t.ratings += c.Count
			if c.N >= 4 {
				t.satisfied += c.Count
			}
		case c.Value == string(domain.NPSQuestion):
			t.nps += c.Count
			if c.N >= 9 {
				t.promoters += c.Count
			} else if c.N <= 6 {
				t.detractors += c.Count
			}
		}
	}
	for number, t := range by {
		p := of(number)
		if p == nil {
			continue
		}
		p.Satisfaction.Ratings, p.Satisfaction.NPSAnswers = t.ratings, t.nps
		if t.ratings > 0 {
			v := 100 * float64(t.satisfied) / float64(t.ratings)
			p.Satisfaction.CSAT = &v
		}
		if t.nps > 0 {
			v := 100 * float64(t.promoters-t.detractors) / float64(t.nps)
			p.Satisfaction.NPS = &v
		}
	}
	return nil
}

// comments counts the words of each persona's satisfied and dissatisfied
// comments, as they stream.
func (s *Service) comments(ctx context.Context, rep *Report) error {
	pos, neg := make([]map[string]int, len(rep.Personas)), make([]map[string]int, len(rep.Personas))
	for i := range pos {
		pos[i], neg[i] = map[string]int{}, map[string]int{}
	}
	err := s.Store.EachPersonaComment(ctx, func(persona int, text string, tone int) {
		i := rep.index(persona)
		if i < 0 || tone == 0 {
			return
		}
		counts := pos[i]
		if tone < 0 {
			counts = neg[i]
		}
		for _, w := range domain.CommentWords(text) {
			counts[w]++
		}
	})
	if err != nil {
		return err
	}
	for i := range rep.Personas {
		rep.Personas[i].Motivations, rep.Personas[i].Brakes = domain.TopWords(pos[i], shown), domain.TopWords(neg[i], shown)
	}
	return nil
}

// index returns the place of persona number among the report's, -1 for
// none.
func (r *Report) index(number int) int {
	return slices.IndexFunc(r.Personas, func(p Persona) bool { return p.Number == number })
}
