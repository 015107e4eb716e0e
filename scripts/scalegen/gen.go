package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

var (
	contactHeader = []string{"id", "name", "email", "phone", "company", "role", "sector", "employees", "capital",
		"city", "country", "language", "timezone", "gender", "birth_year", "product", "budget", "project_date",
		"source", "channel", "interests", "tags", "stage", "owner", "created_at", "attr.fidelite"}
	orderHeader       = []string{"contact", "amount", "date", "note"}
	interactionHeader = []string{"contact", "kind", "date", "note"}
)

// Streams of the generator: each file draws from its own, so that adding
// interactions does not change the orders.
const (
	streamOrders = 1<<62 + iota
	streamInteractions
)

// gen makes the rows. A contact's fields are a function of the seed and
// its id alone, so that an order can name its contact by email without
// the contacts being kept in memory.
type gen struct {
	cfg    config
	orders *rand.Rand
	acts   *rand.Rand
	zipfO  *rand.Zipf // the ranks of the customers of skewed orders
	zipfA  *rand.Zipf
	stride uint64 // maps a rank to an id: rank*stride mod N is a permutation
	first  time.Time
	last   time.Time
}

func newGen(cfg config) *gen {
	g := &gen{cfg: cfg, stride: coprimeStride(uint64(cfg.contacts))}
	g.orders = rand.New(rand.NewPCG(cfg.seed, streamOrders))
	g.acts = rand.New(rand.NewPCG(cfg.seed, streamInteractions))
	// s=1.1, v=5: the first hundred customers hold about a fifth of the
	// skewed orders, a few thousand hold half.
	g.zipfO = rand.NewZipf(g.orders, 1.1, 5, uint64(cfg.contacts-1))
	g.zipfA = rand.NewZipf(g.acts, 1.1, 5, uint64(cfg.contacts-1))
	return g
}

// coprimeStride returns a large step coprime with n, so that multiplying
// ranks by it spreads the best customers over the whole id range.
func coprimeStride(n uint64) uint64 {
	s := n*618/1000 + 1
	for gcd(s, n) != 1 {
		s++
	}
	return s
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// customer draws the id of an order's or interaction's contact: uniform
// shape, any contact; otherwise four draws in five from the Zipf ranks,
// one from all contacts (the long tail of one-off buyers).
func (g *gen) customer(r *rand.Rand, z *rand.Zipf) int64 {
	n := uint64(g.cfg.contacts)
	if g.cfg.shape == "uniform" || r.IntN(5) == 0 {
		return int64(r.Uint64N(n)) + 1
	}
	return int64(z.Uint64()*g.stride%n) + 1
}

// daysAgo draws how many days before -now an order was placed.
func (g *gen) daysAgo(r *rand.Rand) int {
	switch g.cfg.shape {
	case "recent":
		return r.IntN(7)
	case "skewed":
		u := r.Float64()
		return int(float64(g.cfg.days) * u * u * u) // leans toward recent days
	}
	return r.IntN(g.cfg.days)
}

// day writes a day as 2026-11-20, or one time in six as 20/11/2026.
func day(r *rand.Rand, t time.Time) string {
	if r.IntN(6) == 0 {
		return t.Format("02/01/2006")
	}
	return t.Format(time.DateOnly)
}

func (g *gen) orderRow(_ int, cells []string) {
	r := g.orders
	id := g.customer(r, g.zipfO)
	t := g.cfg.now.AddDate(0, 0, -g.daysAgo(r))
	g.seen(t)
	cells[0] = g.ref(r, id)
	cells[1] = amount(r, math.Exp(4.6+1.1*r.NormFloat64())+1)
	cells[2] = day(r, t)
	cells[3] = note(r)
}

func (g *gen) interactionRow(_ int, cells []string) {
	r := g.acts
	id := g.customer(r, g.zipfA)
	t := g.cfg.now.AddDate(0, 0, -g.daysAgo(r))
	cells[0] = g.ref(r, id)
	cells[1] = kinds[r.IntN(len(kinds))]
	if r.IntN(2) == 0 {
		cells[2] = t.Add(time.Duration(8*60+r.IntN(600)) * time.Minute).Format("2006-01-02 15:04")
	} else {
		cells[2] = day(r, t)
	}
	cells[3] = note(r)
}

// seen keeps the first and last order days for the summary.
func (g *gen) seen(t time.Time) {
	if g.first.IsZero() || t.Before(g.first) {
		g.first = t
	}
	if t.After(g.last) {
		g.last = t
	}
}

// ref names a contact as a file would: C42 mostly, sometimes 42, and one
// time in twenty its email when it has one.
func (g *gen) ref(r *rand.Rand, id int64) string {
	switch n := r.IntN(20); {
	case n == 0:
		if c := g.contact(id); c.email != "" {
			return c.email
		}
	case n < 5:
		return strconv.FormatInt(id, 10)
	}
	return domain.ContactRef(id)
}

// amount writes euros in one of the forms import accepts: 1234, 1234.5,
// 1234,50, 1 234,50 €, 1.234,50, 1,234.50, €1234.
func amount(r *rand.Rand, euros float64) string {
	cents := int64(euros * 100)
	u, c := cents/100, cents%100
	switch r.IntN(10) {
	case 0:
		return fmt.Sprintf("%s,%02d €", group(u, " "), c)
	case 1:
		return fmt.Sprintf("%s,%02d", group(u, "."), c)
	case 2:
		return fmt.Sprintf("%s.%02d", group(u, ","), c)
	case 3:
		return fmt.Sprintf("€%d", u)
	case 4, 5:
		return fmt.Sprintf("%d,%02d", u, c)
	case 6, 7:
		return fmt.Sprintf("%d.%02d", u, c)
	}
	return strconv.FormatInt(u, 10)
}

// group writes n with sep between groups of three digits.
func group(n int64, sep string) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// note is empty two times in three, else a few words, quotes and commas
// included.
func note(r *rand.Rand) string {
	if r.IntN(3) != 0 {
		return ""
	}
	n := 1 + r.IntN(3)
	words := make([]string, n)
	for i := range words {
		words[i] = noteWords[r.IntN(len(noteWords))]
	}
	return strings.Join(words, ", ")
}

func (g *gen) writeSummary(path string) error {
	s := fmt.Sprintf("CONTACTS=%d\nORDERS=%d\nINTERACTIONS=%d\nSHAPE=%s\nSEED=%d\nNOW=%s\nFIRST_ORDER=%s\nLAST_ORDER=%s\n",
		g.cfg.contacts, g.cfg.orders, g.cfg.interactions, g.cfg.shape, g.cfg.seed,
		g.cfg.now.Format(time.DateOnly), dayOrNone(g.first), dayOrNone(g.last))
	return os.WriteFile(path, []byte(s), 0o644)
}

func dayOrNone(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
