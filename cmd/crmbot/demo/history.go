package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/crmbot/crmbot/domain"
)

const day = 24 * time.Hour

// history is one contact with everything that happened to it.
type history struct {
	c            *domain.Contact
	moves        []domain.Move
	interactions []domain.Interaction
	orders       []domain.Order
	revenue      int64
	// linked contacts have the customer's side: a respondent record, and
	// surveys with their answers, whose SurveyID is the index of the survey
	// in surveys until they are written.
	linked     bool
	respondent *domain.Respondent
	surveys    []domain.Survey
	answers    []domain.StoredAnswer
	// snapshots are its scores of the past weeks, as their digests would
	// have recorded them.
	snapshots []domain.ScoreSnapshot
}

// story holds the dates that shape a contact's history, all in UTC and in
// whole seconds: activity runs from created to end (now, unless the contact
// went cold, was lost or stopped buying).
type story struct {
	r          *rand.Rand
	now        time.Time
	created    time.Time
	end        time.Time
	firstOrder time.Time // customers only
	value      float64   // a customer's weight in revenue, 1 for the median
	hot        bool      // an open lead showing interest these days
	orderScale float64   // Options.OrderScale
}

// between returns a time in [a, b], in whole seconds.
func (s *story) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(s.r.Int64N(int64(b.Sub(a)) + 1))).Truncate(time.Second)
}

// workHours moves t to a time of its day between 07:00 and 18:00 UTC (office
// hours in France), as long as it stays within [a, b].
func (s *story) workHours(t, a, b time.Time) time.Time {
	d := t.Truncate(day).Add(7*time.Hour + time.Duration(s.r.IntN(11*3600))*time.Second)
	if d.Before(a) || d.After(b) {
		return t
	}
	return d
}

// after returns a time between from and limit, later than from by an
// exponential delay of mean days cut at limit, in office hours if it can:
// so moves come soon after the contact arrives, as the stages drawn by
// stageAt imply, and each week of the two years sees about as many.
func (s *story) after(from time.Time, mean float64, limit time.Time) time.Time {
	if !limit.After(from) {
		return from
	}
	span := limit.Sub(from).Hours() / 24
	delay := -mean * math.Log(1-s.r.Float64()*(1-math.Exp(-span/mean)))
	t := from.Add(time.Duration(delay * float64(day))).Truncate(time.Second)
	if t.After(limit) {
		t = limit
	}
	return s.workHours(t, from, limit)
}

// ago returns the time days before now, in whole seconds.
func (s *story) ago(days float64) time.Time {
	return s.now.Add(-time.Duration(days * float64(day))).Truncate(time.Second)
}

// newHistory draws the stage, pipeline, interactions and orders of c, the
// contact at place pos in [0, 1) among those of the run.
func newHistory(r *rand.Rand, c *domain.Contact, now time.Time, pos, orderScale float64) *history {
	s := &story{r: r, now: now.UTC().Truncate(time.Second), orderScale: orderScale}
	h := &history{c: c}
	c.Stage = s.plan(pos)
	c.CreatedAt = s.created
	h.pipeline(s)
	if c.Stage == domain.Customer {
		h.buy(s)
	}
	h.interact(s)
	h.project(s)
	h.preferences(s)
	h.labels(s)
	return h
}

// horizon is how many days of history the data covers: contacts are
// created over the two years up to yesterday.
const horizon = 730

// plan draws when the contact was created, its stage given its age, and the
// dates of its history. pos, in [0, 1), is the contact's place among those
// of the run: creation times follow it, so that ids follow creation as in a
// real CRM, spread evenly over the days, in office hours (07:00 to 18:00
// UTC).
func (s *story) plan(pos float64) domain.Stage {
	r := s.r
	x := pos * horizon
	d := math.Floor(x)
	start := s.now.Truncate(day).AddDate(0, 0, -horizon)
	s.created = start.Add(time.Duration(d)*day + 7*time.Hour + time.Duration((x-d)*float64(11*time.Hour))).Truncate(time.Second)
	st := stageAt(r, s.now.Sub(s.created).Hours()/24)
	span := s.now.Sub(s.created)
	s.end = s.now
	switch st {
	case domain.Customer:
		s.firstOrder = s.after(s.created, toCustomer, s.now)
		// Lognormal, without its farthest tails: steadier than Pareto in small
		// samples, and no single customer outweighs all the others.
		s.value = math.Exp(1.5 * max(-2.5, min(r.NormFloat64(), 2.5)))
		if r.IntN(100) < 35 {
			s.end = s.between(s.firstOrder, s.firstOrder.Add(time.Duration(0.7*float64(s.now.Sub(s.firstOrder)))))
		}
	case domain.Lost:
		s.end = s.after(s.created, toLost, s.now)
	default:
		s.hot = r.IntN(100) < 30
		if !s.hot {
			s.end = s.created.Add(time.Duration((0.3 + 0.7*r.Float64()) * float64(span))).Truncate(time.Second)
		}
	}
	return st
}

// The mean delays, in days, of the pipeline's moves: to prospect after
// creation, to qualified after prospect, to customer or lost after creation.
const (
	toProspect  = 20
	toQualified = 25
	toCustomer  = 90
	toLost      = 60
)

// stageAt draws the stage of a contact created age days ago: recent ones
// are mostly leads; older ones have become customers, or been lost, or
// stay in the pipeline, after delays of the means above. Over two years:
// about a quarter of leads, a quarter of customers, a fifth of prospects,
// a tenth qualified, an eighth lost.
func stageAt(r *rand.Rand, age float64) domain.Stage {
	grown := func(days float64) float64 { return 1 - math.Exp(-age/days) }
	w := [...]float64{15 + 80*math.Exp(-age/60), 20 * grown(toProspect), 10 * grown(toProspect+toQualified), 25 * grown(toCustomer), 12 * grown(toLost)}
	x := r.Float64() * (w[0] + w[1] + w[2] + w[3] + w[4])
	for i, v := range w {
		if x < v {
			return [...]domain.Stage{domain.Lead, domain.Prospect, domain.Qualified, domain.Customer, domain.Lost}[i]
		}
		x -= v
	}
	return domain.Lead
}

// paths lists the stages a contact went through to reach its stage, with
// how often each path is taken.
var paths = map[domain.Stage]choice[[]domain.Stage]{
	domain.Lead:      uniform([]domain.Stage{}),
	domain.Prospect:  uniform([]domain.Stage{domain.Prospect}),
	domain.Qualified: uniform([]domain.Stage{domain.Prospect, domain.Qualified}),
	domain.Customer: weighted([][]domain.Stage{
		{domain.Prospect, domain.Qualified, domain.Customer}, {domain.Prospect, domain.Customer}, {domain.Customer},
	}, 65, 25, 10),
	domain.Lost: weighted([][]domain.Stage{
		{domain.Prospect, domain.Lost}, {domain.Prospect, domain.Qualified, domain.Lost}, {domain.Lost},
	}, 60, 25, 15),
}

// pipeline records the moves from lead to the contact's stage, by its
// owner, in order. The last move of a customer is its first sale; of a lost
// contact, the end of its activity.
func (h *history) pipeline(s *story) {
	path := paths[h.c.Stage].pick(s.r)
	limit := s.end
	if h.c.Stage == domain.Customer {
		limit = s.firstOrder
	}
	from, at := domain.Lead, s.created
	for _, to := range path {
		switch to {
		case domain.Prospect:
			at = s.after(at, toProspect, limit)
		case domain.Qualified:
			at = s.after(at, toQualified, limit)
		default: // customer or lost: the date plan drew
			at = limit
		}
		m := domain.Move{ContactID: h.c.ID, From: from, To: to, Author: h.c.Owner, At: at}
		switch to {
		case domain.Lost:
			m.Note = lostReasons.pick(s.r)
		case domain.Qualified:
			m.Note = "devis accepté sur le principe"
		}
		h.moves = append(h.moves, m)
		from = to
	}
}

// buy records a customer's orders, from its first sale to the end of its
// activity: valuable customers order more often and for more, so that a
// fifth of the customers make about four fifths of the revenue (60 to 90 %
// in samples of 80 customers).
func (h *history) buy(s *story) {
	r := s.r
	active := float64(s.end.Sub(s.firstOrder)) / float64(horizon*day)
	n := 1 + int(s.orderScale*6*math.Pow(s.value, 0.6)*max(0.05, active)*(0.5+r.Float64()))
	days := []time.Time{s.firstOrder}
	for range min(n, int(150*s.orderScale)) - 1 {
		days = append(days, s.workHours(s.between(s.firstOrder, s.end), s.firstOrder, s.end))
	}
	slices.SortFunc(days, time.Time.Compare)
	for i, t := range days {
		euros := 200 * math.Sqrt(s.value) * math.Exp(0.5*r.NormFloat64())
		o := domain.Order{
			ContactID: h.c.ID, Amount: int64(max(50, min(euros, 20000)) * 100),
			Date: t.Truncate(day), Author: h.c.Owner, CreatedAt: t, Note: products.pick(r),
		}
		if i == 0 {
			h.c.Product = o.Note
			h.moves[len(h.moves)-1].Note = "sale of " + domain.FormatAmount(o.Amount)
		}
		h.orders = append(h.orders, o)
		h.revenue += o.Amount
	}
}

// firstKinds is the interaction that first-contact channels make.
var firstKinds = map[string]domain.InteractionKind{
	"phone": domain.Call, "site form": domain.Form, "ads": domain.Click, "email": domain.EmailSent,
}

// exchanges gives, by stage, the fewest interactions after the first
// contact and how many more there may be (customers also get one for every
// second order).
var exchanges = map[domain.Stage][2]int{
	domain.Lead: {0, 4}, domain.Prospect: {1, 6}, domain.Qualified: {3, 8}, domain.Customer: {1, 5}, domain.Lost: {1, 5},
}

// interact records the interactions: the first contact, then exchanges
// over the contact's active time, more for contacts further along, and a
// burst of recent signals for hot leads.
func (h *history) interact(s *story) {
	r := s.r
	h.add(s, firstKinds[h.c.Channel], s.created)
	e := exchanges[h.c.Stage]
	n := e[0] + r.IntN(e[1])
	if h.c.Stage == domain.Customer {
		n += min(len(h.orders)/2, 30)
	}
	for range n {
		at := s.workHours(s.between(s.created, s.end), s.created, s.end)
		h.add(s, kindsFor(h.c.Stage, at, s).pick(r), at)
	}
	if s.hot {
		from := s.ago(25)
		if from.Before(s.created) {
			from = s.created
		}
		for range 2 + r.IntN(3) {
			h.add(s, hotKinds.pick(r), s.between(from, s.now))
		}
	}
	slices.SortStableFunc(h.interactions, func(a, b domain.Interaction) int { return a.At.Compare(b.At) })
}

// kindsFor is the mix of interactions of a contact at stage st, at time at.
func kindsFor(st domain.Stage, at time.Time, s *story) choice[domain.InteractionKind] {
	switch {
	case st == domain.Lead:
		return leadKinds
	case st == domain.Customer && !at.Before(s.firstOrder):
		return customerKinds
	}
	return dealKinds
}

// add records one interaction by the contact's owner.
func (h *history) add(s *story, k domain.InteractionKind, at time.Time) {
	h.interactions = append(h.interactions, domain.Interaction{
		ContactID: h.c.ID, Kind: k, Note: notes[k].pick(s.r), Author: h.c.Owner, At: s.offEdges(at),
	})
}

// offEdges moves t a second later when it falls on the first second of the
// 30- or 90-day windows of the scoring facts: there, PostgreSQL (which keeps
// microseconds) and SQLite (nanoseconds) could disagree on whether t is in
// the window when the clock has a fraction of a microsecond.
func (s *story) offEdges(t time.Time) time.Time {
	for _, d := range []int{-30, -90} {
		if t.Equal(s.now.AddDate(0, 0, d)) {
			return t.Add(time.Second)
		}
	}
	return t
}

// budgetMedians are the median budgets in euros by stage: the further
// along, the bigger the project.
var budgetMedians = map[domain.Stage]float64{
	domain.Lead: 2500, domain.Prospect: 4000, domain.Qualified: 7000, domain.Lost: 3000, domain.Customer: 3000,
}

// project sets what a lead wants, its budget and when; customers keep the
// product of their first order.
func (h *history) project(s *story) {
	r, c := s.r, h.c
	if c.Product == "" && r.IntN(100) < 85 {
		c.Product = products.pick(r)
	}
	withBudget := 80
	if c.Stage == domain.Customer {
		withBudget = 30
	}
	if r.IntN(100) < withBudget {
		c.Budget = budget(r, budgetMedians[c.Stage])
	}
	if r.IntN(100) >= 70 {
		return
	}
	switch c.Stage {
	case domain.Lead:
		c.ProjectDate = s.now.AddDate(0, 0, 10+r.IntN(290)).Truncate(day)
	case domain.Prospect:
		c.ProjectDate = s.now.AddDate(0, 0, r.IntN(200)).Truncate(day)
	case domain.Qualified:
		c.ProjectDate = s.now.AddDate(0, 0, r.IntN(125)-5).Truncate(day)
	case domain.Lost:
		c.ProjectDate = s.end.AddDate(0, 0, r.IntN(120)-60).Truncate(day)
	}
}

// preferences draws whether the contact linked a Telegram chat and answers
// questionnaires: mostly customers do, some prospects. What they answered,
// and so their preferences, comes from a stream of its own (see respond).
func (h *history) preferences(s *story) {
	h.linked = s.r.IntN(100) < respondentShare[h.c.Stage]
}

// sample returns n different items of list, in the list's order.
func sample(r *rand.Rand, list []string, n int) []string {
	idx := r.Perm(len(list))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, j := range idx {
		out[i] = list[j]
	}
	return out
}

// labels sets tags and custom attributes, then the contact's last contact
// and update times.
func (h *history) labels(s *story) {
	r, c := s.r, h.c
	if c.Stage == domain.Customer && s.value >= vip {
		c.Tags = append(c.Tags, "vip")
	}
	if c.Source == "salon" {
		c.Tags = append(c.Tags, "salon-"+strconv.Itoa(c.CreatedAt.Year()))
	}
	if c.Country != "FR" {
		c.Tags = append(c.Tags, "export")
	}
	if r.IntN(100) < 30 {
		c.Tags = append(c.Tags, "newsletter")
	}
	if c.Stage != domain.Lost && s.end.Before(s.now.AddDate(0, 0, -60)) {
		c.Tags = append(c.Tags, "à-relancer")
	}
	if card := fidelityCard(r, c.Stage, s.value); card != "" {
		c.Attrs = map[string]string{"carte_fidelite": card}
	}
	if c.Source == "referral" {
		if c.Attrs == nil {
			c.Attrs = map[string]string{}
		}
		c.Attrs["parrain"] = womenNames.pick(r).text + " " + lastNames.pick(r).text
	}
	c.LastContactAt = h.interactions[len(h.interactions)-1].At // they are in order
	c.UpdatedAt = c.LastContactAt
	if n := len(h.moves); n > 0 && h.moves[n-1].At.After(c.UpdatedAt) {
		c.UpdatedAt = h.moves[n-1].At
	}
}

// vip is the value from which a customer is among the best tenth.
const vip = 7

// fidelityCard gives most customers a loyalty card, gold for the best.
func fidelityCard(r *rand.Rand, st domain.Stage, value float64) string {
	switch {
	case st != domain.Customer:
		return ""
	case value >= vip:
		return "or"
	case value >= 2:
		return "argent"
	case r.IntN(2) == 0:
		return "bronze"
	}
	return ""
}

// stageAt is the contact's stage at t: where its last move before t took
// it, or where its first move started.
func (h *history) stageAt(t time.Time) domain.Stage {
	st := h.c.Stage
	if len(h.moves) > 0 {
		st = h.moves[0].From
	}
	for _, m := range h.moves {
		if !m.At.After(t) {
			st = m.To
		}
	}
	return st
}

// facts counts what the scoring rules see of the history at now, as the
// store counts it from the rows: windows of 30 and 90 days back from now in
// UTC, the latest interaction, and the orders.
func (h *history) facts(now time.Time) *domain.Facts {
	now = now.UTC()
	d30, d90 := now.AddDate(0, 0, -30), now.AddDate(0, 0, -90)
	f := &domain.Facts{Counts: make(map[domain.InteractionKind]domain.WindowCounts, 8), LastAt: make(map[domain.InteractionKind]time.Time, 8)}
	for _, i := range h.interactions {
		if i.At.After(now) { // a past week's facts (pastScores)
			continue
		}
		w := f.Counts[i.Kind]
		w.Total++
		if !i.At.Before(d30) {
			w.Last30++
		}
		if !i.At.Before(d90) {
			w.Last90++
		}
		f.Counts[i.Kind] = w
		if i.At.After(f.LastAt[i.Kind]) {
			f.LastAt[i.Kind] = i.At
		}
		if i.At.After(f.LastInteraction) {
			f.LastInteraction = i.At
		}
	}
	for _, o := range h.orders {
		if o.Date.After(now) {
			continue
		}
		f.Orders++
		f.Revenue += o.Amount
		if o.Date.After(f.LastOrder) {
			f.LastOrder = o.Date
		}
	}
	return f
}
