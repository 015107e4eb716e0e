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
)

// digest previews this week's digest, or posts it now.
func (e *Executor) digest(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	const usage = "digest [preview|post]"
	sub := "preview"
	if len(args) > 0 {
		sub = strings.ToLower(args[0])
	}
	if len(args) > 1 || (sub != "preview" && sub != "post") {
		return nil, usageError(usage, "digest takes preview (the default) or post")
	}
	if e.Digests == nil {
		return nil, domain.Errorf(domain.Unavailable, "the digest is not set up in this process")
	}
	if sub == "preview" {
		d, err := e.Digests.ThisWeek(ctx, e.now())
		if err != nil {
			return nil, err
		}
		return DigestReply(d), nil
	}
	if !e.Digests.CanPost() {
		return nil, domain.Errorf(domain.Unavailable, "%s; digest preview shows it here", digest.ErrCannotPost.Message)
	}
	d, posted, err := e.Digests.Post(ctx, e.now())
	if err != nil {
		return nil, err
	}
	r := DigestReply(d)
	if len(posted) == 0 {
		r.Title = "The digest of " + d.Week + " was already posted to every configured channel"
		r.Sections = nil
	} else {
		r.Title = fmt.Sprintf("Posted the digest of %s to %s", d.Week, strings.Join(posted, ", "))
	}
	return r, nil
}

// DigestReply draws the digest as a reply: the console and the CLI print
// its text, Slack draws it as Block Kit, and its data is the digest.
func DigestReply(d *digest.Digest) *reply.Reply {
	r := &reply.Reply{OK: true, Command: "digest", Title: fmt.Sprintf("Weekly digest, %s (as of %s)", d.Week, d.AsOf), Data: d}
	r.Sections = append(r.Sections, pipelineSections(d.Pipeline)...)
	r.Sections = append(r.Sections, reply.Section{Heading: "This week", Fields: []reply.Field{
		{Label: "new contacts", Value: strconv.FormatInt(d.NewContacts, 10)},
		{Label: "revenue", Value: revenueText(d.Revenue)},
	}})
	r.Sections = append(r.Sections, rfmSection(d.RFM), movesSection(d.RFM))
	if d.RFM.NewlyAtRisk != nil && d.RFM.NewlyCantLose != nil {
		r.Sections = append(r.Sections,
			peopleSection("Newly at risk", *d.RFM.NewlyAtRisk),
			peopleSection("Newly can't lose them", *d.RFM.NewlyCantLose))
	}
	a := d.ABC
	r.Sections = append(r.Sections, reply.Section{Heading: "ABC and Pareto", Fields: []reply.Field{
		{Label: "A", Value: abcText(a.A, a.Total)},
		{Label: "B", Value: abcText(a.B, a.Total)},
		{Label: "C", Value: abcText(a.C, a.Total)},
		{Label: "Pareto", Value: fmt.Sprintf("%.1f %% of customers make the A revenue", a.Pareto*100)},
	}})
	top := &reply.Table{Columns: []string{"contact", "score", "grade", "week"}}
	for _, s := range d.TopScores {
		top.Rows = append(top.Rows, []string{s.Name, strconv.Itoa(s.Score), s.Grade, change(s.Change)})
	}
	r.Sections = append(r.Sections, reply.Section{Heading: "Top scores", Table: top},
		peopleSection(fmt.Sprintf("Prospects with no interaction for %d days", 30), d.QuietProspects),
		reply.Section{Heading: "Questionnaires", Text: questionnairesText(d.Questionnaires)})
	return r
}

// questionnairesText writes the week's questionnaire figures.
func questionnairesText(q digest.Questionnaires) string {
	text := fmt.Sprintf("%d sent, %d answered (response rate %.0f %%).", q.Sent, q.Answered, q.ResponseRate)
	if q.Ratings > 0 {
		text += fmt.Sprintf(" CSAT %.0f %% (%s).", q.CSAT, domain.Count(q.Ratings, "rating"))
	}
	if q.NPSCount > 0 {
		text += fmt.Sprintf(" NPS %+.0f (%s).", q.NPS, domain.Count(q.NPSCount, "answer"))
	}
	for _, part := range []struct {
		what   string
		counts map[string]int
	}{{"Deferred", q.Deferred}, {"Held back", q.Denied}} {
		if len(part.counts) == 0 {
			continue
		}
		codes := slices.Sorted(maps.Keys(part.counts))
		items := make([]string, len(codes))
		for i, c := range codes {
			items[i] = fmt.Sprintf("%s %d", strings.ReplaceAll(c, "_", " "), part.counts[c])
		}
		text += " " + part.what + ": " + strings.Join(items, ", ") + "."
	}
	return text
}

func revenueText(r digest.Revenue) string {
	s := fmt.Sprintf("%s (same days last week: %s", domain.FormatAmount(r.ThisWeek), domain.FormatAmount(r.PreviousWeek))
	if r.ChangePct != nil {
		s += fmt.Sprintf(", %+.1f %%", *r.ChangePct)
	}
	return s + ")"
}

func rfmSection(r digest.RFM) reply.Section {
	sec := reply.Section{Heading: fmt.Sprintf("RFM segments (%s)", domain.Count(r.Customers, "customer"))}
	for _, s := range r.Segments {
		v := strconv.Itoa(s.Customers)
		if s.Change != nil {
			v += " (" + change(s.Change) + ")"
		}
		sec.Fields = append(sec.Fields, reply.Field{Label: string(s.Segment), Value: v})
	}
	return sec
}

func movesSection(r digest.RFM) reply.Section {
	sec := reply.Section{Heading: "Moves between segments"}
	switch {
	case r.ComparedWith == "":
		sec.Text = "No snapshot of last week to compare with."
	case len(r.Moves) == 0:
		sec.Text = "No customer changed segment since " + r.ComparedWith + "."
	}
	// The largest moves first (the digest sorts them); the data has all.
	for _, m := range r.Moves[:min(len(r.Moves), shownMoves)] {
		sec.Fields = append(sec.Fields, reply.Field{Label: fmt.Sprintf("%s → %s", m.From, m.To), Value: strconv.Itoa(m.Count)})
	}
	if more := len(r.Moves) - shownMoves; more > 0 {
		sec.Text = fmt.Sprintf("and %d smaller moves", more)
	}
	return sec
}

// shownMoves is how many moves between segments the digest's text shows.
const shownMoves = 10

func peopleSection(heading string, p digest.People) reply.Section {
	sec := reply.Section{Heading: fmt.Sprintf("%s: %d", heading, p.Count)}
	var names []string
	for _, c := range p.Contacts {
		names = append(names, c.Name)
	}
	if more := p.Count - int64(len(p.Contacts)); more > 0 {
		names = append(names, fmt.Sprintf("and %d more", more))
	}
	sec.Text = strings.Join(names, "\n")
	return sec
}

func abcText(g domain.ABCGroup, total int64) string {
	share := 0.0
	if total > 0 {
		share = float64(g.Revenue) * 100 / float64(total)
	}
	return fmt.Sprintf("%s, %s (%.1f %%)", domain.Count(g.Customers, "customer"), domain.FormatAmount(g.Revenue), share)
}

// change writes a weekly change: +3, -2, 0, or "new" when unknown.
func change(c *int) string {
	if c == nil {
		return "–"
	}
	return fmt.Sprintf("%+d", *c)
}
