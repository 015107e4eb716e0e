package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// phonePlan is a country's mobile numbers: prefix, then one of heads, then
// digits more digits. Numbers grow with contact ids (see number).
type phonePlan struct {
	prefix string
	heads  []string
	digits int
	first  uint64 // the number of contact 0
	step   uint64 // how much numbers grow from one id to the next
}

var (
	frMobile = phonePlan{"+33", []string{"6", "7"}, 8, 12_345_678, 4}
	beMobile = phonePlan{"+324", []string{"5", "6", "7", "8", "9"}, 7, 2_345_678, 1}
	chMobile = phonePlan{"+417", []string{"5", "6", "7", "8", "9"}, 7, 2_345_678, 1}
	caMobile = phonePlan{"+1", canadaHeads(), 6, 2_345_678, 1}
)

// canadaHeads are Quebec's area codes, each followed by an exchange's first
// digit (2 to 9).
func canadaHeads() []string {
	var out []string
	for _, area := range []string{"418", "438", "450", "514", "581", "819"} {
		for d := '2'; d <= '9'; d++ {
			out = append(out, area+string(d))
		}
	}
	return out
}

// number returns the plan's number for contact id. Ids go by blocks of
// 1000, each with numbers of its own; within a block, they are shuffled
// (379 is prime to 1000) and spaced by step, plus jitter (below step).
// Numbers thus never collide, up to 45 million contacts, and look drawn at
// random, while the phone index takes new contacts near its end rather than
// at random places.
func (p phonePlan) number(id int64, jitter uint64) string {
	unit := uint64(math.Pow10(p.digits))
	block, i := uint64(id)/1000, uint64(id)%1000
	n := p.first + (block*1000+i*379%1000)*p.step + jitter%p.step
	n %= unit * uint64(len(p.heads))
	rest := strconv.FormatUint(n%unit, 10)
	return p.prefix + p.heads[n/unit] + strings.Repeat("0", p.digits-len(rest)) + rest
}

// emailDomains are reserved for examples (RFC 2606): demo addresses reach
// no one.
var emailDomains = []string{"example.com", "example.org", "example.net"}

// email derives an address from the name and the contact id, so that
// addresses never collide: helene.dupre.42@example.com.
func email(first, last name, id int64) string {
	return first.slug + "." + last.slug + "." + strconv.FormatInt(id, 10) + "@" + emailDomains[id%3]
}

// newContact draws who contact id is: person, company and origin. Its
// pipeline and activity come later (see history).
func newContact(r *rand.Rand, id int64, owners choice[string], now time.Time) *domain.Contact {
	c := &domain.Contact{ID: id, Owner: owners.pick(r)}
	first, last := person(r, c, now)
	company(r, c, first, last)
	c.Source = sources.pick(r)
	c.Channel = firstChannels[c.Source].pick(r)
	return c
}

// person sets the socio-demographic fields and returns the names it chose.
func person(r *rand.Rand, c *domain.Contact, now time.Time) (first, last name) {
	first, c.Gender = menNames.pick(r), "M"
	if r.IntN(2) == 0 {
		first, c.Gender = womenNames.pick(r), "F"
	}
	last = lastNames.pick(r)
	c.Name = first.text + " " + last.text
	c.Email = email(first, last, c.ID)
	p := countries.pick(r).pick(r)
	c.City, c.Country, c.TimeZone = p.city, p.country, p.tz
	c.Phone = p.phone.number(c.ID, r.Uint64())
	c.Language = "fr"
	if r.IntN(100) < p.english {
		c.Language = "en"
	}
	c.BirthYear = now.Year() - 23 - r.IntN(45)
	return first, last
}

// company sets the firmographic fields: sector, size, capital, company name
// and the contact's role in it.
func company(r *rand.Rand, c *domain.Contact, first, last name) {
	s := sectors.pick(r)
	c.Sector = s.name
	c.Employees = employees(r)
	roles := largeRoles
	if c.Employees < 10 {
		roles = smallRoles
	}
	ro := roles.pick(r)
	c.Role = ro.m
	if c.Gender == "F" {
		c.Role = ro.f
	}
	owner := lastNames.pick(r).text
	if c.Employees < 10 && r.IntN(2) == 0 {
		owner = last.text // a family business bears the contact's name
	}
	c.Company = companyName(s.companies.pick(r), owner, first.text, c.City)
	if strings.HasPrefix(c.Company, "EI ") {
		c.Employees = 1 // a sole trader, without share capital
		return
	}
	c.Capital = capital(r, c.Employees)
}

// companyName fills a shape of company name: {L} is the owner's last name,
// {F} a first name, {C} the city.
func companyName(shape, last, first, city string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(shape, '{')
		if i < 0 || i+2 >= len(shape) {
			b.WriteString(shape)
			return b.String()
		}
		b.WriteString(shape[:i])
		switch shape[i+1] {
		case 'L':
			b.WriteString(last)
		case 'F':
			b.WriteString(first)
		case 'C':
			b.WriteString(city)
		}
		shape = shape[i+3:]
	}
}

// employees draws a company size: most are very small, few have 50 or more.
func employees(r *rand.Rand) int {
	bands := [...][3]int{{1, 9, 60}, {10, 49, 27}, {50, 249, 10}, {250, 2000, 3}}
	n := r.IntN(100)
	for _, b := range bands {
		if n < b[2] {
			return logUniform(r, b[0], b[1])
		}
		n -= b[2]
	}
	return 1
}

// logUniform draws an integer in [lo, hi], small ones more often.
func logUniform(r *rand.Rand, lo, hi int) int {
	v := float64(lo) * math.Exp(r.Float64()*math.Log(float64(hi+1)/float64(lo)))
	return min(hi, int(v))
}

// capital draws a share capital in cents that grows with the company, in
// whole hundreds of euros, from 1 000 €.
func capital(r *rand.Rand, employees int) int64 {
	euros := 3000 * math.Pow(float64(employees), 0.9) * math.Exp(r.NormFloat64())
	euros = max(1000, min(euros, 50_000_000))
	return int64(euros/100) * 100 * 100
}

// budget draws a project budget in cents, in whole hundreds of euros, with a
// median of median euros.
func budget(r *rand.Rand, median float64) int64 {
	euros := median * math.Exp(0.9*r.NormFloat64())
	euros = max(300, min(euros, 150_000))
	return int64(euros/100) * 100 * 100
}
