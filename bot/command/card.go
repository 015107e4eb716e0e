package command

import (
	"fmt"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// cardReply draws a contact card; full adds activity and the score's rules.
func cardReply(card *crm.Card, full bool) *reply.Reply {
	c := card.Contact
	title := fmt.Sprintf("%s · %s · score %d (%s)", crm.Describe(c), c.Stage, card.Score.Score, card.Score.Grade)
	fields := reply.Section{}
	for _, f := range domain.Fields {
		if f.Name == "name" || f.Name == "stage" {
			continue
		}
		if v := c.Display(f.Name); v != "" {
			fields.Fields = append(fields.Fields, reply.Field{Label: f.Name, Value: v})
		}
	}
	for _, k := range c.AttrKeys() {
		fields.Fields = append(fields.Fields, reply.Field{Label: domain.AttrPrefix + k, Value: c.Attrs[k]})
	}
	r := &reply.Reply{Title: title, Sections: []reply.Section{fields}, Data: card, Actions: cardActions(c)}
	if !full {
		return r
	}
	r.Sections = append(r.Sections, activity(card)...)
	return r
}

func activity(card *crm.Card) []reply.Section {
	var out []reply.Section
	if len(card.Interactions) > 0 {
		s := reply.Section{Heading: "Last interactions"}
		for _, i := range card.Interactions {
			s.Fields = append(s.Fields, reply.Field{Label: domain.FormatDate(i.At), Value: joinNonEmpty(string(i.Kind), by(i.Author), i.Note)})
		}
		out = append(out, s)
	}
	orders := reply.Section{Heading: "Orders", Text: "No order yet."}
	if card.OrderCount > 0 {
		// The totals head the list: a section's text comes after its fields.
		orders = reply.Section{Heading: fmt.Sprintf("Orders: %d in all, %s", card.OrderCount, domain.FormatAmount(card.Revenue))}
		for _, o := range card.Orders {
			orders.Fields = append(orders.Fields, reply.Field{Label: domain.FormatDate(o.Date), Value: joinNonEmpty(domain.FormatAmount(o.Amount), o.Note)})
		}
	}
	out = append(out, orders)
	if len(card.Moves) > 0 {
		s := reply.Section{Heading: "Pipeline"}
		for _, m := range card.Moves {
			s.Fields = append(s.Fields, reply.Field{Label: domain.FormatDate(m.At), Value: joinNonEmpty(fmt.Sprintf("%s → %s", m.From, m.To), by(m.Author), m.Note)})
		}
		out = append(out, s)
	}
	score := reply.Section{Heading: "Score", Text: "No scoring rule fires."}
	if len(card.Score.Fired) > 0 {
		var parts []string
		for _, f := range card.Score.Fired {
			parts = append(parts, fmt.Sprintf("%+d %s", f.Points, f.Rule))
		}
		score.Text = strings.Join(parts, "; ")
	}
	out = append(out, score)
	return out
}

func by(author string) string {
	if author == "" {
		return ""
	}
	return "by " + author
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// cardActions are the follow-ups offered with a contact: the next stage, a
// call, the score.
func cardActions(c *domain.Contact) []reply.Action {
	var out []reply.Action
	if next := c.Stage.Next(); next != "" {
		out = append(out, reply.Action{Label: "Move to " + string(next), Command: fmt.Sprintf("move %s %s", c.Ref(), next)})
	}
	return append(out,
		reply.Action{Label: "Log a call", Command: "log " + c.Ref() + " call"},
		reply.Action{Label: "Show score", Command: "score " + c.Ref()})
}
