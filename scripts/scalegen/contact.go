package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// contact is what a contacts row says of one contact.
type contact struct {
	id              int64
	first, last     string
	email, phone    string
	place           place
	sector, company string
	employees       int
	r               *rand.Rand // draws the rest of the row
}

// contact makes the contact with id, from the seed and the id alone.
func (g *gen) contact(id int64) contact {
	r := rand.New(rand.NewPCG(g.cfg.seed, uint64(id)))
	c := contact{id: id, r: r,
		first: firstNames[r.IntN(len(firstNames))],
		last:  lastNames[r.IntN(len(lastNames))],
		place: places[r.IntN(len(places))],
	}
	if r.IntN(100) < 82 {
		c.email = email(r, c.first, c.last, id)
	}
	if r.IntN(100) < 65 {
		c.phone = phone(r, c.place, g.suffix(id))
	}
	c.sector = pick(r, sectors, sectorWeights)
	if r.IntN(10) > 0 {
		shape := companyShapes[r.IntN(len(companyShapes))]
		c.company = strings.ReplaceAll(strings.ReplaceAll(shape, "{L}", c.last), "{F}", c.first)
	}
	if r.IntN(100) < 85 {
		c.employees = int(math.Exp(2.5+1.6*r.NormFloat64())) + 1 // most small, a few large
	}
	g.duplicate(&c)
	return c
}

// duplicate makes c, for -dupes per thousand of the ids, the previous
// contact typed again: the same name and company in capitals, the first
// name with a letter dropped, or (when it has one) its email with a +tag.
// It draws from its own source, so that -dupes 0 writes what it always did.
func (g *gen) duplicate(c *contact) {
	if g.cfg.dupes == 0 || c.id == 1 {
		return
	}
	r := rand.New(rand.NewPCG(g.cfg.seed^0x9e3779b97f4a7c15, uint64(c.id)))
	if r.IntN(1000) >= g.cfg.dupes {
		return
	}
	base := g.contact(c.id - 1)
	c.first, c.last, c.company = base.first, base.last, base.company
	switch r.IntN(3) {
	case 0:
		c.first, c.last = strings.ToUpper(c.first), strings.ToUpper(c.last)
	case 1:
		if runes := []rune(c.first); len(runes) > 3 {
			c.first = string(runes[:2]) + string(runes[3:])
		}
	default:
		if at := strings.IndexByte(base.email, '@'); at > 0 {
			c.email = base.email[:at] + "+crm" + base.email[at:]
		}
	}
}

// suffix gives each id its own eight phone digits: ids below 10^8 never
// share them, so no two contacts share a phone.
func (g *gen) suffix(id int64) string {
	return fmt.Sprintf("%08d", (uint64(id)*48271+12345)%100_000_000)
}

var domains = []string{"gmail.com", "orange.fr", "web.de", "yahoo.es", "free.fr", "outlook.com", "laposte.net"}

func email(r *rand.Rand, first, last string, id int64) string {
	local := slugs[first] + "." + slugs[last] + strconv.FormatInt(id, 10)
	if r.IntN(8) == 0 {
		local = strings.ToUpper(local[:1]) + local[1:] // import lower-cases emails
	}
	return local + "@" + domains[r.IntN(len(domains))]
}

// phone writes a mobile number in a form of the place: 06 12 34 56 78 in
// France, else +CC, 00CC or +33 (0)6 forms.
func phone(r *rand.Rand, p place, digits string) string {
	spaced := digits[:2] + " " + digits[2:4] + " " + digits[4:6] + " " + digits[6:]
	if p.cc == "33" {
		switch r.IntN(3) {
		case 0:
			return "0" + p.mobile + " " + spaced
		case 1:
			return "+33 (0)" + p.mobile + " " + spaced
		}
		return "0" + p.mobile + digits
	}
	if r.IntN(3) == 0 {
		return "00" + p.cc + " " + p.mobile + " " + spaced
	}
	return "+" + p.cc + " " + p.mobile + " " + spaced
}

// slugs holds the slug of every first and last name: folding accents
// costs more than the rest of a row.
var slugs = func() map[string]string {
	m := map[string]string{}
	for _, n := range append(append([]string{}, firstNames...), lastNames...) {
		m[n] = slug(n)
	}
	return m
}()

// slug folds a name to the lower-case ASCII letters of an email address.
func slug(s string) string {
	var b strings.Builder
	for _, r := range domain.Fold(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// pick draws one of items with the given weights.
func pick(r *rand.Rand, items []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return items[i]
		}
		n -= w
	}
	return items[len(items)-1]
}

// maybe returns v for pct percent of rows; the others leave the cell
// empty, as real files do.
func maybe(r *rand.Rand, pct int, v func() string) string {
	if r.IntN(100) >= pct {
		return ""
	}
	return v()
}

func (g *gen) contactRow(i int, cells []string) {
	c := g.contact(int64(i) + 1)
	r := c.r
	cells[0] = domain.ContactRef(c.id)
	if r.IntN(4) == 0 {
		cells[0] = strconv.FormatInt(c.id, 10)
	}
	cells[1] = c.first + " " + c.last
	cells[2], cells[3], cells[4] = c.email, c.phone, c.company
	cells[5] = maybe(r, 60, func() string { return roles[r.IntN(len(roles))] })
	cells[6] = c.sector
	if c.employees > 0 {
		cells[7] = strconv.Itoa(c.employees)
	}
	cells[8] = maybe(r, 30, func() string { return amount(r, float64(1000*(1+r.IntN(500)))) })
	cells[9], cells[10] = c.place.city, c.place.country
	cells[11] = maybe(r, 50, func() string { return c.place.lang })
	cells[12] = maybe(r, 20, func() string { return c.place.tz })
	cells[13] = maybe(r, 40, func() string { return genders[r.IntN(len(genders))] })
	cells[14] = maybe(r, 25, func() string { return strconv.Itoa(1945 + r.IntN(60)) })
	cells[15] = maybe(r, 45, func() string { return products[r.IntN(len(products))] })
	cells[16] = maybe(r, 20, func() string { return amount(r, math.Exp(8+r.NormFloat64())) })
	cells[17] = maybe(r, 10, func() string { return day(r, g.cfg.now.AddDate(0, 0, r.IntN(200)-30)) })
	cells[18] = maybe(r, 70, func() string { return sources[r.IntN(len(sources))] })
	cells[19] = maybe(r, 50, func() string { return channels[r.IntN(len(channels))] })
	cells[20] = maybe(r, 15, func() string { return products[r.IntN(len(products))] + ", " + products[r.IntN(len(products))] })
	cells[21] = maybe(r, 35, func() string { return tagWords[r.IntN(len(tagWords))] + "; " + tagWords[r.IntN(len(tagWords))] })
	cells[22] = maybe(r, 90, func() string { return pick(r, stageWords, stageWeights) })
	cells[23] = maybe(r, 60, func() string { return g.cfg.owners[r.IntN(len(g.cfg.owners))] })
	cells[24] = maybe(r, 70, func() string { return g.created(r) })
	cells[25] = maybe(r, 10, func() string { return []string{"or", "argent", "bronze"}[r.IntN(3)] })
}

// created writes when the contact entered the old system, before -now,
// as a day or a day and time.
func (g *gen) created(r *rand.Rand) string {
	t := g.cfg.now.AddDate(0, 0, -7-r.IntN(3*g.cfg.days)).Add(time.Duration(r.IntN(86400)) * time.Second)
	if r.IntN(2) == 0 {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format(time.DateOnly)
}
