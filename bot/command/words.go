package command

import (
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
)

// The words of the data a reply shows (stages, kinds, field names) in the
// reader's language. Stages and kinds are written in French as the team
// types them (the words of domain.French), so that what a card shows can be
// typed back; fields as the catalog names them.

// frenchStages and frenchKinds are the French word shown for each stage
// and interaction kind, one of the words domain.French reads as it (a
// test checks it).
var (
	frenchStages = map[domain.Stage]string{
		domain.Lead: "piste", domain.Prospect: "prospect", domain.Qualified: "qualifié",
		domain.Customer: "client", domain.Lost: "perdu",
	}
	frenchKinds = map[domain.InteractionKind]string{
		domain.Call: "appel", domain.Meeting: "rdv", domain.EmailSent: "courriel", domain.EmailOpened: "courriel-ouvert",
		domain.Click: "clic", domain.Form: "formulaire", domain.Download: "téléchargement", domain.Request: "demande",
		domain.Visit: "visite",
	}
)

// stageName writes a pipeline stage in p's language.
func stageName(p *locale.Printer, s domain.Stage) string {
	if w, ok := frenchStages[s]; ok && p.French() {
		return w
	}
	return string(s)
}

// kindName writes an interaction kind in p's language.
func kindName(p *locale.Printer, k domain.InteractionKind) string {
	if w, ok := frenchKinds[k]; ok && p.French() {
		return w
	}
	return string(k)
}

// fieldLabels marks the names of the contact fields, and the other column
// names of contact tables, for the catalog: a card's labels are p.T(name).
var fieldLabels = []string{
	locale.Key("name"), locale.Key("email"), locale.Key("phone"), locale.Key("company"), locale.Key("role"),
	locale.Key("sector"), locale.Key("employees"), locale.Key("capital"), locale.Key("city"), locale.Key("country"),
	locale.Key("language"), locale.Key("timezone"), locale.Key("gender"), locale.Key("birth_year"), locale.Key("product"),
	locale.Key("budget"), locale.Key("project_date"), locale.Key("source"), locale.Key("channel"), locale.Key("interests"),
	locale.Key("categories"), locale.Key("preferred_channel"), locale.Key("frequency"), locale.Key("stage"), locale.Key("tags"),
	locale.Key("owner"),
}

// fieldLabel writes the name of a contact field in p's language; a custom
// attribute (attr.card) keeps its name.
func fieldLabel(p *locale.Printer, name string) string {
	if _, ok := domain.LookupField(name); !ok {
		return name
	}
	return p.T(name)
}

// typedField writes the name of field as the reader may type it: its
// French label when the parser reads it as that field, else its name.
func typedField(p *locale.Printer, name string) string {
	label := fieldLabel(p, name)
	if f, ok := domain.LookupField(label); ok && f.Name == name {
		return label
	}
	return name
}

// percent writes a percentage with digits decimals, as crmbot always
// wrote it in English ("12.5 %") and with a decimal comma and a no-break
// space in French ("12,5 %").
func pct(p *locale.Printer, v float64, digits int) string {
	if p.French() {
		return p.Percent(v, digits)
	}
	return fmt.Sprintf("%.*f %%", digits, v)
}

// stamp writes an instant in loc: 2026-11-20 09:30 CET, 20/11/2026 09:30
// CET in French.
func stamp(p *locale.Printer, t time.Time, loc *time.Location) string {
	return p.DateTime(t.In(loc))
}

// keyword reads a subcommand or keyword typed in English or French as its
// English word (domain.Keyword).
func keyword(w string) string { return domain.Keyword(w) }

// outcomeHeadings head a contact's throttle decision: C42: deny.
var outcomeHeadings = map[domain.Outcome]string{
	domain.Allow: locale.Key("%s: allow"), domain.Defer: locale.Key("%s: defer"), domain.Deny: locale.Key("%s: deny"),
}

// day writes a day kept as YYYY-MM-DD (a report's as-of day) in p's
// convention; another text as it is.
func day(p *locale.Printer, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return p.Date(t)
}

// ruleName writes a scoring rule's name in p's language: the built-in
// rules' names are in the catalog; a team's own rules keep theirs.
func ruleName(p *locale.Printer, name string) string {
	if locale.Has(p.Lang(), name) {
		return p.T(name)
	}
	return name
}
