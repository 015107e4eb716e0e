package command_test

import (
	"testing"

	"github.com/crmbot/crmbot/domain"
)

const (
	addUsage  = "add <name> [key=value…]"
	editUsage = "edit <contact> key=value…"
	moveUsage = "move <contact> <stage> [note]"
	logUsage  = "log <contact> <kind> [note]"
	saleUsage = "sale <contact> <amount> [date] [note]"
)

// Every mutating command given a wrong contact, field, stage, kind, amount
// or date says what was wrong and the right usage, and changes nothing.
func TestBadInputChangesNothing(t *testing.T) {
	tests := []struct {
		line  string
		code  domain.Code
		usage string
		words []string // the message says these
	}{
		// add
		{"add", domain.Invalid, addUsage, []string{"needs the contact's name"}},
		{"add city=Lyon email=x@y.fr", domain.Invalid, addUsage, []string{"needs the contact's name"}},
		{"add Bob email=not-an-email", domain.Invalid, addUsage, []string{"email", `"not-an-email" is not an email address`}},
		{"add Bob phone=12", domain.Invalid, addUsage, []string{"phone", `"12" is not a phone number`}},
		{"add Bob employees=many", domain.Invalid, addUsage, []string{"employees", `"many" is not a whole number`}},
		{"add Bob employees=-3", domain.Invalid, addUsage, []string{"employees", "whole number"}},
		{"add Bob budget=lots", domain.Invalid, addUsage, []string{"budget", `"lots" is not an amount`}},
		{"add Bob project_date=32/13/2026", domain.Invalid, addUsage, []string{"project_date", `"32/13/2026" is not a date`}},
		{"add Bob stage=nowhere", domain.Invalid, addUsage, []string{"stage", `"nowhere" is not a pipeline stage`, "lead, prospect"}},
		{"add Bob timezone=Mars/Olympus", domain.Invalid, addUsage, []string{"Mars/Olympus", "not a time zone"}},
		{"add Bob birth_year=1800", domain.Invalid, addUsage, []string{"birth_year 1800 is out of range"}},
		{"add Bob cuty=Lyon", domain.Invalid, addUsage, []string{`"cuty" is not a contact field`, "city", "attr.cuty=value"}},
		{"add Bob attr.=x", domain.Invalid, addUsage, []string{"not a usable attribute name"}},
		{"add Bob city=Lyon email=JEANNE@martin.fr", domain.Conflict, addUsage, []string{"C1 Jeanne Martin", "already has the email jeanne@martin.fr", "nothing was created"}},
		// edit
		{"edit Zorro city=Lyon", domain.NotFound, editUsage, []string{`no contact matches "Zorro"`}},
		{"edit C99 city=Lyon", domain.NotFound, editUsage, []string{"no contact C99"}},
		{"edit Martin city=Paris", domain.Conflict, editUsage, []string{"matches several contacts", "C1 Jeanne Martin", "C3 Paul Martin"}},
		{"edit city=Lyon", domain.Invalid, editUsage, []string{"needs a contact"}},
		{"edit C1", domain.Invalid, editUsage, []string{"nothing to change"}},
		{"edit C1 city=Paris cuty=Lyon", domain.Invalid, editUsage, []string{`"cuty" is not a contact field`}},
		{"edit C1 city=Paris employees=douze", domain.Invalid, editUsage, []string{"employees", `"douze" is not a whole number`}},
		{"edit C1 email=helene@oreal.fr", domain.Conflict, editUsage, []string{"C2 Hélène Dupré", "already has the email"}},
		{"edit C1 phone=06.12", domain.Invalid, editUsage, []string{"phone", "not a phone number"}},
		{"edit C1 name=", domain.Invalid, editUsage, []string{"needs a name"}},
		{"edit C1 stage=won", domain.Invalid, editUsage, []string{`"won" is not a pipeline stage`}},
		{"edit C1 project_date=yesterdy", domain.Invalid, editUsage, []string{`"yesterdy" is not a date`}},
		// move
		{"move", domain.Invalid, moveUsage, []string{"needs a contact and a stage"}},
		{"move C1", domain.Invalid, moveUsage, []string{"needs a contact and a stage"}},
		{"move C1 won", domain.Invalid, moveUsage, []string{`"won" is not a pipeline stage`, "lead, prospect, qualified, customer or lost"}},
		{"move Jeanne Martin prospekt", domain.Invalid, moveUsage, []string{"“Martin prospekt”", "is a pipeline stage", "lead, prospect"}},
		{"move Zorro prospect", domain.NotFound, moveUsage, []string{`no contact matches "Zorro"`}},
		{"move Martin prospect", domain.Conflict, moveUsage, []string{"matches several contacts"}},
		{"move C1 lead", domain.Conflict, moveUsage, []string{"already at stage lead", "nothing was changed"}},
		{"move C1 piste note", domain.Conflict, moveUsage, []string{"already at stage lead"}},
		// log
		{"log", domain.Invalid, logUsage, []string{"needs a contact and a kind"}},
		{"log C1 dance", domain.Invalid, logUsage, []string{`"dance" is not an interaction kind`, "call, meeting"}},
		{"log Jeanne Martin danced all night", domain.Invalid, logUsage, []string{"is an interaction kind", "call, meeting"}},
		{"log Zorro call", domain.NotFound, logUsage, []string{`no contact matches "Zorro"`}},
		{"log C42 call", domain.NotFound, logUsage, []string{"no contact C42"}},
		{"log nobody@example.fr call", domain.NotFound, logUsage, []string{"nobody@example.fr"}},
		// sale
		{"sale", domain.Invalid, saleUsage, []string{"needs a contact and an amount"}},
		{"sale C1", domain.Invalid, saleUsage, []string{"needs a contact and an amount"}},
		{"sale C1 lots", domain.Invalid, saleUsage, []string{`"lots" is not an amount`}},
		{`sale C1 "1 2OO,50 €"`, domain.Invalid, saleUsage, []string{`"1 2OO,50 €" is not an amount`}},
		{"sale Jeanne Martin lots of cheese", domain.Invalid, saleUsage, []string{"none of the words after the contact", "is an amount"}},
		{"sale Zorro 100", domain.NotFound, saleUsage, []string{`no contact matches "Zorro"`}},
		{"sale C42 100", domain.NotFound, saleUsage, []string{"no contact C42"}},
		{"sale Martin 100", domain.Conflict, saleUsage, []string{"matches several contacts"}},
		{"sale C1 0", domain.Invalid, saleUsage, []string{"more than 0"}},
		{"sale C1 -50", domain.Invalid, saleUsage, []string{`"-50" is negative`}},
		{"sale C1 99999999999999", domain.Invalid, saleUsage, []string{`"99999999999999" is not an amount`}},
		{"sale C1 1.2.3.4,5,6", domain.Invalid, saleUsage, []string{"is not an amount"}},
		{"sale C1 1200 32/13/2026", domain.Invalid, saleUsage, []string{`"32/13/2026" is not a date`, "20/11/2026"}},
		{"sale C1 1 200,50 € 2026-13-01 note", domain.Invalid, saleUsage, []string{`"2026-13-01" is not a date`}},
		{"sale C1 1200 31.02.2026", domain.Invalid, saleUsage, []string{`"31.02.2026" is not a date`}},
		{"sale C1 1200 2027-01-01", domain.Invalid, saleUsage, []string{"2027-01-01 is in the future"}},
		{"sale C1 1200 20/11/1850", domain.Invalid, saleUsage, []string{"is not a date"}},
	}
	e := seeded(t)
	e.ok(t, "log C1 call")
	e.ok(t, "sale C2 300 yesterday")
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			before := e.snapshot(t)
			r := e.fail(t, tt.line, tt.code)
			if r.Error.Usage != tt.usage {
				t.Errorf("usage %q, want %q", r.Error.Usage, tt.usage)
			}
			if r.Data != nil || r.Title != "" {
				t.Errorf("a failed reply carries data %v title %q", r.Data, r.Title)
			}
			mustContain(t, "the message", r.Error.Message, tt.words...)
			mustContain(t, "the text", r.Text(), r.Error.Message, "\nUsage: "+tt.usage)
			e.unchanged(t, tt.line, before)
		})
	}
}
