package command

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/locale"
)

// digest previews this week's digest, or posts it now.
func (e *Executor) digest(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	const usage = "digest [preview|post]"
	sub := "preview"
	if len(args) > 0 {
		sub = keyword(args[0])
	}
	if len(args) > 1 || (sub != "preview" && sub != "post") {
		return nil, usageError(usage, "digest takes preview (the default) or post")
	}
	if e.Digests == nil {
		return nil, domain.Errorf(domain.Unavailable, "the digest is not set up in this process")
	}
	p := locale.From(ctx)
	if sub == "preview" {
		d, err := e.Digests.ThisWeek(ctx, e.now())
		if err != nil {
			return nil, err
		}
		return DigestReplyIn(p, d), nil
	}
	if !e.Digests.CanPost() {
		return nil, domain.Errorf(domain.Unavailable, "%s; digest preview shows it here", digest.ErrCannotPost)
	}
	d, posted, err := e.Digests.Post(ctx, e.now())
	if err != nil {
		return nil, err
	}
	r := DigestReplyIn(p, d)
	if len(posted) == 0 {
		r.Title = p.T("The digest of %s was already posted to every configured channel", d.Week)
		r.Sections = nil
	} else {
		r.Title = p.T("Posted the digest of %s to %s", d.Week, strings.Join(posted, ", "))
	}
	return r, nil
}

// DigestReply draws the digest as a reply in the language it was built in
// (d.Lang): the console and the CLI print its text, Slack draws it as
// Block Kit, and its data is the digest.
func DigestReply(d *digest.Digest) *reply.Reply { return DigestReplyIn(locale.For(d.Lang), d) }

// DigestReplyIn draws the digest as a reply in p's language.
func DigestReplyIn(p *locale.Printer, d *digest.Digest) *reply.Reply {
	r := &reply.Reply{OK: true, Command: "digest", Title: p.T("Weekly digest, %s (as of %s)", d.Week, day(p, d.AsOf)), Data: d, Lang: p.Lang()}
	r.Sections = append(r.Sections, pipelineSections(p, d.Pipeline)...)
	if len(d.Rotting) > 0 {
		rot := reply.Section{Heading: p.T("%s Rotting deals per owner", rotMark)}
		for _, o := range d.Rotting {
			owner := o.Owner
			if owner == "" {
				owner = p.T("(no owner)")
			}
			rot.Fields = append(rot.Fields, reply.Field{Label: owner, Value: strconv.Itoa(o.Count)})
		}
		r.Sections = append(r.Sections, rot)
	}
	if len(d.CheckedIn) > 0 {
		acted := reply.Section{Heading: p.T("Last week's check-ins: what each owner acted on")}
		for _, a := range d.CheckedIn {
			acted.Fields = append(acted.Fields, reply.Field{Label: reply.Person(a.Owner), Value: p.T("%d of %d", a.Acted, a.Listed)})
		}
		r.Sections = append(r.Sections, acted)
	}
	r.Sections = append(r.Sections, reply.Section{Heading: p.T("This week"), Fields: []reply.Field{
		{Label: p.T("new contacts"), Value: strconv.FormatInt(d.NewContacts, 10)},
		{Label: p.T("revenue"), Value: revenueText(p, d.Revenue)},
		{Label: p.T("hot-lead alerts"), Value: strconv.FormatInt(d.HotAlerts, 10)},
	}})
	r.Sections = append(r.Sections, rfmSection(p, d.RFM), movesSection(p, d.RFM))
	if d.RFM.NewlyAtRisk != nil && d.RFM.NewlyCantLose != nil {
		r.Sections = append(r.Sections,
			peopleSection(p, p.T("Newly at risk: %d", d.RFM.NewlyAtRisk.Count), *d.RFM.NewlyAtRisk),
			peopleSection(p, p.T("Newly can't lose them: %d", d.RFM.NewlyCantLose.Count), *d.RFM.NewlyCantLose))
	}
	a := d.ABC
	r.Sections = append(r.Sections, reply.Section{Heading: p.T("ABC and Pareto"), Fields: []reply.Field{
		{Label: "A", Value: abcText(p, a.A, a.Total)},
		{Label: "B", Value: abcText(p, a.B, a.Total)},
		{Label: "C", Value: abcText(p, a.C, a.Total)},
		{Label: "Pareto", Value: p.T("%s of customers make the A revenue", pct(p, a.Pareto*100, 1))},
	}})
	top := &reply.Table{Columns: []string{p.T("contact"), p.T("score"), p.T("grade"), p.T("week")}}
	for _, s := range d.TopScores {
		top.Rows = append(top.Rows, []string{s.Name, strconv.Itoa(s.Score), s.Grade, change(s.Change)})
	}
	r.Sections = append(r.Sections, reply.Section{Heading: p.T("Top scores"), Table: top}, fitEngagementSection(p, d.FitEngagement),
		peopleSection(p, p.T("Prospects with no interaction for %d days: %d", 30, d.QuietProspects.Count), d.QuietProspects),
		reply.Section{Heading: p.T("Questionnaires"), Text: questionnairesText(p, d.Questionnaires)})
	if d.Personas != nil {
		r.Sections = append(r.Sections, personasMonthSection(p, d.Personas))
	}
	return r
}

// throttleCounts names the deferred and held-back counts of the digest's
// questionnaires, by their codes.
var throttleCounts = []string{locale.Key("Deferred: %s."), locale.Key("Held back: %s.")}

// questionnairesText writes the week's questionnaire figures.
func questionnairesText(p *locale.Printer, q digest.Questionnaires) string {
	text := p.T("%d sent, %d answered (response rate %s).", q.Sent, q.Answered, pct(p, q.ResponseRate, 0))
	if q.TriggeredSent > 0 || q.TriggeredAnswered > 0 {
		text += " " + p.T("Of which asked by their triggers: %d sent, %d answered; by hand: %d sent, %d answered.",
			q.TriggeredSent, q.TriggeredAnswered, q.Sent-q.TriggeredSent, q.Answered-q.TriggeredAnswered)
	}
	if q.Ratings > 0 {
		text += " " + p.T("CSAT %s (%s).", pct(p, q.CSAT, 0), p.N(q.Ratings, "%d rating", "%d ratings", q.Ratings))
	}
	if q.NPSCount > 0 {
		text += " " + p.T("NPS %s (%s).", fmt.Sprintf("%+.0f", q.NPS), p.N(q.NPSCount, "%d answer", "%d answers", q.NPSCount))
	}
	for i, counts := range []map[string]int{q.Deferred, q.Denied} {
		if len(counts) == 0 {
			continue
		}
		codes := slices.Sorted(maps.Keys(counts))
		items := make([]string, len(codes))
		for j, c := range codes {
			items[j] = fmt.Sprintf("%s %d", strings.ReplaceAll(c, "_", " "), counts[c])
		}
		text += " " + p.T(throttleCounts[i], strings.Join(items, ", "))
	}
	return text
}

func revenueText(p *locale.Printer, r digest.Revenue) string {
	if r.ChangePct != nil {
		return p.T("%s (same days last week: %s, %s)", domain.FormatAmount(r.ThisWeek), domain.FormatAmount(r.PreviousWeek), signedPct(p, *r.ChangePct))
	}
	return p.T("%s (same days last week: %s)", domain.FormatAmount(r.ThisWeek), domain.FormatAmount(r.PreviousWeek))
}

// signedPct writes a change in percent with its sign: +12.5 %.
func signedPct(p *locale.Printer, v float64) string {
	s := pct(p, v, 1)
	if v >= 0 && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

func rfmSection(p *locale.Printer, r digest.RFM) reply.Section {
	sec := reply.Section{Heading: p.T("RFM segments (%s)", p.N(r.Customers, "%d customer", "%d customers", r.Customers))}
	for _, s := range r.Segments {
		v := strconv.Itoa(s.Customers)
		if s.Change != nil {
			v += " (" + change(s.Change) + ")"
		}
		sec.Fields = append(sec.Fields, reply.Field{Label: p.T(string(s.Segment)), Value: v})
	}
	return sec
}

func movesSection(p *locale.Printer, r digest.RFM) reply.Section {
	sec := reply.Section{Heading: p.T("Moves between segments")}
	switch {
	case r.ComparedWith == "":
		sec.Text = p.T("No snapshot of last week to compare with.")
	case len(r.Moves) == 0:
		sec.Text = p.T("No customer changed segment since %s.", r.ComparedWith)
	}
	// The largest moves first (the digest sorts them); the data has all.
	for _, m := range r.Moves[:min(len(r.Moves), shownMoves)] {
		sec.Fields = append(sec.Fields, reply.Field{Label: p.T(string(m.From)) + " → " + p.T(string(m.To)), Value: strconv.Itoa(m.Count)})
	}
	if more := len(r.Moves) - shownMoves; more > 0 {
		sec.Text = p.N(more, "and %d smaller moves", "and %d smaller moves", more)
	}
	return sec
}

// shownMoves is how many moves between segments the digest's text shows.
const shownMoves = 10

// peopleSection lists the names of people under heading (which says how
// many they are).
func peopleSection(p *locale.Printer, heading string, people digest.People) reply.Section {
	sec := reply.Section{Heading: heading}
	var names []string
	for _, c := range people.Contacts {
		names = append(names, c.Name)
	}
	if more := people.Count - int64(len(people.Contacts)); more > 0 {
		names = append(names, p.N(int(more), "and %d more", "and %d more", more))
	}
	sec.Text = strings.Join(names, "\n")
	return sec
}

func abcText(p *locale.Printer, g domain.ABCGroup, total int64) string {
	share := 0.0
	if total > 0 {
		share = float64(g.Revenue) * 100 / float64(total)
	}
	return p.T("%s, %s (%s)", p.N(g.Customers, "%d customer", "%d customers", g.Customers), domain.FormatAmount(g.Revenue), pct(p, share, 1))
}

// change writes a weekly change: +3, -2, 0, or "new" when unknown.
func change(c *int) string {
	if c == nil {
		return "–"
	}
	return fmt.Sprintf("%+d", *c)
}
