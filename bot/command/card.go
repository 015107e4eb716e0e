package command

import (
	"fmt"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/locale"
)

// cardReply draws a contact card in p's language; full adds activity and
// the score's rules.
func cardReply(p *locale.Printer, card *crm.Card, full bool) *reply.Reply {
	c := card.Contact
	title := p.T("%s · %s · score %d (%s)", crm.Describe(c), stageName(p, c.Stage), card.Score.Score, card.Score.Grade)
	fields := reply.Section{}
	for _, f := range domain.Fields {
		if f.Name == "name" || f.Name == "stage" {
			continue
		}
		if v := c.Display(f.Name); v != "" {
			fields.Fields = append(fields.Fields, reply.Field{Label: fieldLabel(p, f.Name), Value: v})
		}
	}
	for _, k := range c.AttrKeys() {
		fields.Fields = append(fields.Fields, reply.Field{Label: domain.AttrPrefix + k, Value: c.Attrs[k]})
	}
	r := &reply.Reply{Title: title, Sections: []reply.Section{fields}, Data: card, Actions: cardActions(p, c)}
	if rot := card.Rot; rot != nil {
		r.Title = rotMark + " " + r.Title
		r.Sections = append([]reply.Section{{Text: p.N(rot.Idle, "%[1]s Rotting: no interaction for %[2]d day at %[3]s (it rots after %[4]d); a call, a meeting or a move clears it.",
			"%[1]s Rotting: no interaction for %[2]d days at %[3]s (it rots after %[4]d); a call, a meeting or a move clears it.",
			rotMark, rot.Idle, stageName(p, rot.Stage), rot.Limit)}}, r.Sections...)
	}
	if !full {
		return r
	}
	r.Sections = append(r.Sections, activity(p, card)...)
	return r
}

func activity(p *locale.Printer, card *crm.Card) []reply.Section {
	var out []reply.Section
	if len(card.Interactions) > 0 {
		s := reply.Section{Heading: p.T("Last interactions")}
		for _, i := range card.Interactions {
			s.Fields = append(s.Fields, reply.Field{Label: p.Date(i.At), Value: joinNonEmpty(kindName(p, i.Kind), by(p, i.Author), i.Note)})
		}
		out = append(out, s)
	}
	orders := reply.Section{Heading: p.T("Orders"), Text: p.T("No order yet.")}
	if card.OrderCount > 0 {
		// The totals head the list: a section's text comes after its fields.
		orders = reply.Section{Heading: p.T("Orders: %d in all, %s", card.OrderCount, domain.FormatAmount(card.Revenue))}
		for _, o := range card.Orders {
			orders.Fields = append(orders.Fields, reply.Field{Label: p.Date(o.Date), Value: joinNonEmpty(domain.FormatAmount(o.Amount), o.Note)})
		}
	}
	out = append(out, orders)
	if len(card.Moves) > 0 {
		s := reply.Section{Heading: p.T("Pipeline")}
		for _, m := range card.Moves {
			s.Fields = append(s.Fields, reply.Field{Label: p.Date(m.At), Value: joinNonEmpty(stageName(p, m.From)+" → "+stageName(p, m.To), by(p, m.Author), m.Note)})
		}
		out = append(out, s)
	}
	score := reply.Section{Heading: p.T("Score"), Text: p.T("No scoring rule fires."), Fields: axesFields(p, card.Score)}
	if len(card.Score.Fired) > 0 {
		var parts []string
		for _, f := range card.Score.Fired {
			parts = append(parts, firedText(p, f))
		}
		score.Text = strings.Join(parts, "; ")
	}
	out = append(out, score)
	return out
}

func by(p *locale.Printer, author string) string {
	if author == "" {
		return ""
	}
	return p.T("by %s", author)
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
// call, the score. Their commands stay English: crmbot reads them in any
// language.
func cardActions(p *locale.Printer, c *domain.Contact) []reply.Action {
	var out []reply.Action
	if next := c.Stage.Next(); next != "" {
		out = append(out, reply.Action{Label: p.T("Move to %s", stageName(p, next)), Command: fmt.Sprintf("move %s %s", c.Ref(), next)})
	}
	return append(out,
		reply.Action{Label: p.T("Log a call"), Command: "log " + c.Ref() + " call"},
		reply.Action{Label: p.T("Show score"), Command: "score " + c.Ref()})
}
