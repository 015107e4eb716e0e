package slackbot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/flows/personas"
)

// TestPersonasCard: /crm personas answers with a card a persona — its
// heading and size on one line, its fields, a divider — and a button
// listing each persona's customers, within Block Kit's limits.
func TestPersonasCard(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.exec.Personas = &personas.Service{Store: e.db, Now: clock, Seed: 1}
	kinds := []struct{ sector, city, employees, amount string }{{"btp", "Lyon", "5", "300"}, {"commerce", "Lille", "30", "1200"}, {"santé", "Nantes", "120", "5000"}}
	for i := range 30 {
		k := kinds[i%3]
		e.admin(t, fmt.Sprintf(`add "Client %d" sector=%s city=%s employees=%s`, i, k.sector, k.city, k.employees), fmt.Sprintf("sale C%d %s", i+1, k.amount))
	}
	m := e.run(t, "U0SALES", "personas")
	checkLimits(t, m.Blocks)
	all, dividers := "", 0
	for _, raw := range m.Blocks {
		all += string(raw)
		if strings.Contains(string(raw), `"type":"divider"`) {
			dividers++
		}
	}
	if dividers != 3 {
		t.Errorf("%d dividers for 3 personas:\n%s", dividers, all)
	}
	mustContain(t, "the card", all, "*Persona 1 — ", "customers 10 (33% of them) · revenue ", "*size 1-9*", "Made from 30 customers")
	var finds []string
	for _, b := range m.buttons(t) {
		finds = append(finds, b.Value)
	}
	if strings.Join(finds, ",") != "find persona=1,find persona=2,find persona=3" {
		t.Errorf("buttons: %v", finds)
	}
}

// TestPersonasCardLimits: five personas with overlong names and thirty
// fields of overlong values each stay within Block Kit's limits.
func TestPersonasCardLimits(t *testing.T) {
	r := &reply.Reply{OK: true, Title: strings.Repeat("Personas ", 30), Data: &personas.Report{}}
	for n := 1; n <= 5; n++ {
		sec := reply.Section{Heading: strings.Repeat("Persona <é> ", 40)}
		for i := range 30 {
			sec.Fields = append(sec.Fields, reply.Field{Label: fmt.Sprint("field ", i), Value: strings.Repeat("x&", 1500)})
		}
		r.Sections = append(r.Sections, sec)
		r.Actions = append(r.Actions, reply.Action{Label: strings.Repeat("Customers ", 10), Command: fmt.Sprint("find persona=", n)})
	}
	r.Sections = append(r.Sections, reply.Section{Text: strings.Repeat("How they were made. ", 300)})
	js, _, _ := drawWithinLimits(t, r)
	if !strings.Contains(js, "find persona=5") {
		t.Error("a button was lost")
	}
}
