package command

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

const (
	personasUsage = "personas"
	personaUsage  = "persona name <number> <name> | persona unpin <number>"
)

// criterionNames are the personas' criteria as the cards name them.
var criterionNames = []string{locale.Key("sector"), locale.Key("size"), locale.Key("role"), locale.Key("age"), locale.Key("city"),
	locale.Key("source"), locale.Key("channel")}

func (e *Executor) personas(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	if e.Personas == nil {
		return nil, domain.Errorf(domain.Unavailable, "personas are not set up in this crmbot process")
	}
	if len(args) > 0 {
		return nil, usageError(personasUsage, "personas takes no other word (got %s)", quote(strings.Join(args, " ")))
	}
	rep, err := e.Personas.Compute(ctx)
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	if len(rep.Personas) == 0 {
		return &reply.Reply{Title: p.T("Not enough customers for personas yet: they come from the customers' criteria and orders."), Data: rep}, nil
	}
	r := &reply.Reply{Title: p.N(len(rep.Personas), "%d persona from %d customers", "%d personas from %d customers", len(rep.Personas), rep.Customers), Data: rep}
	for _, ps := range rep.Personas {
		sec := reply.Section{Heading: p.T("Persona %d — %s", ps.Number, ps.Name), Fields: []reply.Field{
			{Label: p.T("customers"), Value: p.T("%d (%s of them)", ps.Customers, p.Percent(ps.Share*100, 0))},
			{Label: p.T("revenue"), Value: p.T("%s of it", p.Percent(ps.RevenueShare*100, 0))},
			{Label: p.T("buying"), Value: p.T("last order %d days ago, %d orders, %s (medians)", ps.RecencyDays, ps.Orders, domain.FormatAmount(ps.Spend))},
		}}
		for _, t := range ps.Traits {
			sec.Fields = append(sec.Fields, reply.Field{Label: p.T(criterionNames[t.Criterion]) + " " + t.Value,
				Value: p.T("%s of them, %s of all customers (×%s)", p.Percent(t.Share*100, 0), p.Percent(t.Overall*100, 0), p.Decimal(t.Lift, 1))})
		}
		sec.Fields = append(sec.Fields, cardFields(p, ps.Card, e.Loc)...)
		r.Sections = append(r.Sections, sec)
		r.Actions = append(r.Actions, reply.Action{Label: p.T("Persona %d's customers", ps.Number), Command: "find persona=" + strconv.Itoa(ps.Number)})
	}
	r.Sections = append(r.Sections, reply.Section{Text: p.T("Made from %d customers' sector, size, role, age, city, source, first channel and orders; the number of personas is the one that separates them best.", rep.Sample)})
	return r, nil
}

// personaFilter restricts q to the customers of persona number in the
// last run of personas: find persona=2.
func (e *Executor) personaFilter(ctx context.Context, q *domain.ContactQuery, op domain.Op, value, usage string) error {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if op != domain.Eq || err != nil {
		return usageError(usage, "persona= takes a persona's number, as in persona=2 (personas lists them)")
	}
	if e.Personas == nil {
		return domain.Errorf(domain.Unavailable, "personas are not set up in this crmbot process")
	}
	ids, err := e.Personas.Members(ctx, n)
	if err != nil {
		return withUsage(err, usage)
	}
	if q.IDs != nil {
		ids = intersect(q.IDs, ids)
	}
	q.IDs = ids
	return nil
}

// cardFields write what a persona's card says of its members' path and
// answers, leaving out what is unknown.
func cardFields(p *locale.Printer, c personas.Card, loc *time.Location) []reply.Field {
	var out []reply.Field
	add := func(label, value string) { out = append(out, reply.Field{Label: p.T(label), Value: value}) }
	if c.Path.Customers > 0 {
		add(locale.Key("path"), p.N(c.Path.Interactions, "%[2]d days from first contact to first order, %[1]d interaction before it (medians)",
			"%[2]d days from first contact to first order, %[1]d interactions before it (medians)", c.Path.Interactions, c.Path.MedianDays))
	}
	if len(c.Path.Moves) > 0 {
		moves := make([]string, len(c.Path.Moves))
		for i, m := range c.Path.Moves {
			moves[i] = p.T("%s → %s (%d)", p.T(m.From), p.T(m.To), m.Count)
		}
		add(locale.Key("stage moves"), strings.Join(moves, ", "))
	}
	for _, v := range []struct {
		label  string
		values []personas.ValueShare
	}{{locale.Key("interests"), c.Interests}, {locale.Key("categories"), c.Categories}, {locale.Key("channels"), c.Channels}} {
		if len(v.values) > 0 {
			parts := make([]string, len(v.values))
			for i, x := range v.values {
				parts[i] = x.Value + " " + p.Percent(x.Share*100, 0)
			}
			add(v.label, strings.Join(parts, ", "))
		}
	}
	st := c.Satisfaction
	if st.Answers == 0 {
		add(locale.Key("answers"), p.T("none yet"))
		return out
	}
	add(locale.Key("answers"), p.T("%d answers to %d questionnaires, %s to %s", st.Answers, st.Questionnaires, p.Date(st.First.In(loc)), p.Date(st.Last.In(loc))))
	var sat []string
	if st.CSAT != nil {
		sat = append(sat, p.T("CSAT %s (%d ratings)", p.Percent(*st.CSAT, 0), st.Ratings))
	}
	if st.NPS != nil {
		sat = append(sat, p.T("NPS %s (%d answers)", p.Decimal(*st.NPS, 0), st.NPSAnswers))
	}
	if len(sat) > 0 {
		add(locale.Key("satisfaction"), strings.Join(sat, ", "))
	}
	for _, w := range []struct {
		label string
		words []domain.WordCount
	}{{locale.Key("motivations"), c.Motivations}, {locale.Key("brakes"), c.Brakes}} {
		if len(w.words) > 0 {
			parts := make([]string, len(w.words))
			for i, x := range w.words {
				parts[i] = p.T("%s (%d)", x.Word, x.Count)
			}
			add(w.label, strings.Join(parts, ", "))
		}
	}
	return out
}

// sampleAudience reads persona=N sample=M (persona:N as survey send
// writes it): M customers representative of persona N, ok false without
// a sample= word.
func (e *Executor) sampleAudience(ctx context.Context, words []string) (survey.Audience, bool, error) {
	size, number := 0, 0
	for _, w := range words {
		field, op, value, ok := domain.SplitFilter(w)
		if !ok || op != domain.Eq {
			continue
		}
		n, err := strconv.Atoi(value)
		switch keyword(field) {
		case "sample":
			if err != nil || n < 1 || n > 10000 {
				return nil, true, usageError(sendUsage, "sample= takes a number from 1 to 10000, as in sample=50 (got %s)", quote(w))
			}
			size = n
		case "persona":
			number = n
		}
	}
	if size == 0 {
		return nil, false, nil
	}
	if number == 0 || len(words) != 2 {
		return nil, true, usageError(sendUsage, "sample= goes with persona:N alone, as in survey send preferences to persona:2 sample=50")
	}
	if e.Personas == nil {
		return nil, true, domain.Errorf(domain.Unavailable, "personas are not set up in this crmbot process")
	}
	ids, err := e.Personas.Sample(ctx, number, size)
	if err != nil {
		return nil, true, withUsage(err, sendUsage)
	}
	return survey.IDs(ids), true, nil
}

// persona answers persona name <number> <name>, which names and pins a
// persona of the last run, and persona unpin <number>.
func (e *Executor) persona(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	if e.Personas == nil {
		return nil, domain.Errorf(domain.Unavailable, "personas are not set up in this crmbot process")
	}
	if len(args) > 0 && keyword(args[0]) == "unpin" {
		return e.unpinPersona(ctx, args[1:])
	}
	if len(args) < 3 || keyword(args[0]) != "name" {
		return nil, usageError(personaUsage, `persona name takes a persona's number and its name, as in persona name 2 "Artisans BTP"`)
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		return nil, usageError(personaUsage, "persona name takes a persona's number, as in persona name 2 (got %s)", quote(args[1]))
	}
	ps, err := e.Personas.Name(ctx, n, strings.Join(args[2:], " "), a.ID)
	if err != nil {
		return nil, withUsage(err, personaUsage)
	}
	p := locale.From(ctx)
	return &reply.Reply{Title: p.T("Persona %d is now %s, pinned: the next runs of personas keep its number and name while a persona stays near it.", ps.Number, ps.Name),
		Data: ps, Actions: []reply.Action{{Label: p.T("Persona %d's customers", ps.Number), Command: "find persona=" + strconv.Itoa(ps.Number)}}}, nil
}

// unpinPersona answers persona unpin <number>.
func (e *Executor) unpinPersona(ctx context.Context, args []string) (*reply.Reply, error) {
	n, err := strconv.Atoi(strings.Join(args, " "))
	if err != nil {
		return nil, usageError(personaUsage, "persona unpin takes a persona's number, as in persona unpin 2")
	}
	if err := e.Personas.Unpin(ctx, n); err != nil {
		return nil, withUsage(err, personaUsage)
	}
	p := locale.From(ctx)
	return &reply.Reply{Title: p.T("Persona %d is no longer pinned: the next run of personas numbers and names it afresh.", n)}, nil
}

// personasMonthSection draws the personas of the month in the digest of
// its first week: each one's size and revenue share with their change
// since the month before, and the personas that appeared or faded.
func personasMonthSection(p *locale.Printer, ch *personas.Change) reply.Section {
	t := &reply.Table{Columns: []string{p.T("persona"), p.T("customers"), p.T("change"), p.T("share of revenue"), p.T("change")}}
	for _, mp := range ch.Personas {
		share := "–"
		if mp.ShareChange != nil {
			share = p.T("%s pts", signed(p.Decimal(*mp.ShareChange, 1)))
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(mp.Number) + " " + mp.Name, strconv.Itoa(mp.Customers), change(mp.CustomersChange),
			pct(p, 100*mp.RevenueShare, 1), share})
	}
	var notes []string
	switch {
	case ch.Previous == "":
		notes = append(notes, p.T("No earlier month to compare with."))
	default:
		notes = append(notes, p.T("Compared with %s.", ch.Previous))
	}
	if len(ch.Appeared) > 0 {
		notes = append(notes, p.T("New: %s.", strings.Join(ch.Appeared, "; ")))
	}
	if len(ch.Faded) > 0 {
		notes = append(notes, p.T("Faded: %s.", strings.Join(ch.Faded, "; ")))
	}
	return reply.Section{Heading: p.T("Personas of %s", ch.Month), Table: t, Text: strings.Join(notes, " ")}
}

// signed puts a + before a number written without a sign.
func signed(s string) string {
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return s
	}
	return "+" + s
}
