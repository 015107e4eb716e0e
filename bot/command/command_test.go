package command_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// The seeded contacts, C1 to C4 in this order.
var seedLines = []string{
	`add "Jeanne Martin" email=jeanne@martin.fr tel="06 12 34 56 78" company="Fromagerie Martin" sector=agroalimentaire employees=12 role=gérante city=Lyon`,
	`add Hélène Dupré email=helene@oreal.fr company=l'Oréal sector=cosmétique employees=200 city=Paris tags=vip budget=15000 attr.card=gold`,
	`add "Paul Martin" company="Martin BTP" sector=btp employees=3 city=Lyon`,
	`add Seán O'Neil email=sean@oneil.ie country=Ireland source=salon`,
}

// seeded returns an env holding the seed contacts.
func seeded(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	for i, l := range seedLines {
		if c := e.add(t, l); c.ID != int64(i+1) {
			t.Fatalf("seed contact %d got id %d", i+1, c.ID)
		}
	}
	return e
}

// ids returns the contact refs of a find or top reply's table.
func ids(t *testing.T, r *reply.Reply) []string {
	t.Helper()
	var out []string
	for _, s := range r.Sections {
		if s.Table != nil {
			for _, row := range s.Table.Rows {
				out = append(out, row[0])
			}
		}
	}
	return out
}

func TestHelp(t *testing.T) {
	e := newEnv(t)
	for _, line := range []string{"help", "", "   ", "HELP", "aide", "?"} {
		r := e.ok(t, line)
		if r.Command != "help" || r.Title != "crmbot commands" {
			t.Fatalf("%q: command %q title %q", line, r.Command, r.Title)
		}
		var rows [][]string
		for _, s := range r.Sections {
			if s.Table != nil {
				rows = s.Table.Rows
			}
		}
		want := []string{"help", "add", "edit", "show", "find", "move", "log", "sale", "score", "top", "pipeline",
			"segments", "segment", "why", "handled", "invite", "survey", "forget", "dupes", "merge", "suppressed", "personas", "persona", "alerts", "checkin", "digest"}
		if len(rows) != len(want) {
			t.Fatalf("%q: %d rows, want %d", line, len(rows), len(want))
		}
		for i, w := range want {
			if first, _, _ := strings.Cut(rows[i][0], " "); first != w {
				t.Errorf("row %d starts %q, want %q", i, first, w)
			}
		}
		if rows[1][0] != "add <name> [key=value…]" || strings.Contains(r.Text(), "coming soon") {
			t.Errorf("rows: add %q, why %q", rows[1], rows[13])
		}
		mustContain(t, "help", r.Text(), "1 200,50 €", "20/11/2026", "attr.<name>", "birth_year")
	}
}

func TestHelpCommand(t *testing.T) {
	e := newEnv(t)
	for _, line := range []string{"help sale", "help vente", "aide SALE"} {
		r := e.ok(t, line)
		if r.Title != "sale — order; makes the contact a customer" {
			t.Errorf("%s: title %q", line, r.Title)
		}
		f := r.Sections[0].Fields
		if f[0] != (reply.Field{Label: "usage", Value: "sale <contact> <amount> [date] [note]"}) {
			t.Errorf("%s: first field %+v", line, f[0])
		}
		if !slices.Contains(f, reply.Field{Label: "example", Value: "sale C42 1 200,50 € 20/11/2026 spring order"}) {
			t.Errorf("%s: no example with a spaced amount in %+v", line, f)
		}
	}
	r := e.ok(t, "help survey")
	mustContain(t, "help survey", r.Text(), "survey send satisfaction to C42", "survey results satisfaction")
	mustNotContain(t, "help survey", r.Text(), "not available")
	if r := e.ok(t, "help add"); r.Sections[0].Text != "" {
		t.Errorf("help add says %q", r.Sections[0].Text)
	}
	r = e.fail(t, "help frobnicate", domain.Invalid)
	mustContain(t, "help frobnicate", r.Error.Message, "no command", "frobnicate")
	if r.Error.Usage != "help [command]" {
		t.Errorf("usage %q", r.Error.Usage)
	}
}

func TestAdd(t *testing.T) {
	e := newEnv(t)
	r := e.ok(t, `ajouter "Jeanne Martin" mail=Jeanne@Martin.fr tel="06 12 34 56 78" entreprise="Fromagerie Martin" secteur=agroalimentaire effectif=12 poste=gérante ville=Lyon pays=France langue=FR budget="12 000 €" expected_date=20/12/2026 origine=salon tag="vip, fromage" attr.carte_fidelite=or`)
	if r.Command != "add" || !strings.HasPrefix(r.Title, "Added C1 Jeanne Martin (Fromagerie Martin) · lead · score ") {
		t.Errorf("command %q title %q", r.Command, r.Title)
	}
	c := e.contact(t, 1)
	got := map[string]string{}
	for _, f := range domain.FieldNames() {
		if v := c.Get(f); v != "" {
			got[f] = v
		}
	}
	want := map[string]string{
		"name": "Jeanne Martin", "email": "jeanne@martin.fr", "phone": "+33612345678", "company": "Fromagerie Martin",
		"sector": "agroalimentaire", "employees": "12", "role": "gérante", "city": "Lyon", "country": "France",
		"language": "fr", "budget": "12000", "project_date": "2026-12-20", "source": "salon", "tags": "vip, fromage",
		"stage": "lead", "owner": "alice",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields set: %v, want %v", got, want)
	}
	if c.Attrs["carte_fidelite"] != "or" || len(c.Attrs) != 1 {
		t.Errorf("attributes %v", c.Attrs)
	}
	// Decision maker 15, 10 to 49 employees 5, target sector 10, budget
	// 15, project within 3 months 10, trade show 10, contacted 5.
	if c.Score != 70 || c.Grade != "B" {
		t.Errorf("score %d %s, want 70 B", c.Score, c.Grade)
	}
	mustContain(t, "the card", r.Text(), "  budget               12 000 €\n", "  attr.carte_fidelite  or")

	// owner= overrides the actor; a name can be unquoted words.
	e.ok(t, "add Hélène Dupré owner=bob")
	if c := e.contact(t, 2); c.Name != "Hélène Dupré" || c.Owner != "bob" || c.Stage != domain.Lead {
		t.Errorf("C2 %q owner %q stage %q", c.Name, c.Owner, c.Stage)
	}
}

func TestAddDuplicate(t *testing.T) {
	e := seeded(t)
	for _, line := range []string{
		"add Jeanne Bis email=JEANNE@martin.fr",
		`add Jeanne Bis phone="+33 6 12 34 56 78"`,
		"add Jeanne Bis tel=0612345678 city=Paris",
	} {
		before := e.snapshot(t)
		r := e.fail(t, line, domain.Conflict)
		mustContain(t, line, r.Error.Message, "C1 Jeanne Martin (Fromagerie Martin)", "nothing was created", "show C1")
		e.unchanged(t, line, before)
	}
}

func TestEdit(t *testing.T) {
	e := seeded(t)
	r := e.ok(t, `modifier C1 ville=Paris phone= attr.vip=yes employees="1 500" project_date=""`)
	if r.Title != "Updated C1 Jeanne Martin (Fromagerie Martin)" {
		t.Errorf("title %q", r.Title)
	}
	want := fields("city", "Paris", "phone", "(cleared)", "attr.vip", "yes", "employees", "1500", "project_date", "(cleared)")
	if !slices.Equal(r.Sections[0].Fields, want) {
		t.Errorf("changed fields %+v, want %+v", r.Sections[0].Fields, want)
	}
	c := e.contact(t, 1)
	if c.City != "Paris" || c.Phone != "" || c.Attrs["vip"] != "yes" || c.Employees != 1500 || c.Email != "jeanne@martin.fr" {
		t.Errorf("C1 after edit: %+v", c)
	}
	// 1500 employees: 50 or more (10) instead of 10 to 49 (5).
	if c.Score != 40 || r.Sections[1].Text != "Score 40 (C)" {
		t.Errorf("score %d, reply %q", c.Score, r.Sections[1].Text)
	}

	// attr.x= removes the attribute; stage= records a move.
	e.ok(t, "edit jeanne@martin.fr attr.vip= étape=prospect")
	c = e.contact(t, 1)
	if len(c.Attrs) != 0 || c.Stage != domain.Prospect {
		t.Errorf("attributes %v stage %s", c.Attrs, c.Stage)
	}
	moves, err := e.db.RecentMoves(ctx(t), 1, 10)
	if err != nil || len(moves) != 1 || moves[0].From != domain.Lead || moves[0].To != domain.Prospect || moves[0].Author != "alice" {
		t.Errorf("moves %+v %v", moves, err)
	}
}

func TestEditUnknownField(t *testing.T) {
	e := seeded(t)
	before := e.snapshot(t)
	r := e.fail(t, "edit C1 city=Paris cuty=Lyon", domain.Invalid)
	mustContain(t, "the message", r.Error.Message, `"cuty" is not a contact field`, "name, email, phone, company", "attr.cuty=value")
	if r.Error.Usage != "edit <contact> key=value…" {
		t.Errorf("usage %q", r.Error.Usage)
	}
	e.unchanged(t, "edit with a bad field", before)
}

func TestShow(t *testing.T) {
	e := seeded(t)
	refs := map[string]int64{
		"C1": 1, "c1": 1, "1": 1, "jeanne@martin.fr": 1, "Jeanne@Martin.FR": 1,
		"06 12 34 56 78": 1, "06.12.34.56.78": 1, "0612345678": 1, "+33612345678": 1, "+33 6 12 34 56 78": 1,
		"Jeanne": 1, "jeanne martin": 1, "Fromagerie": 1,
		"Hélène": 2, "helene": 2, "HÉLÈNE": 2, "Helene Dupre": 2, "dupré": 2, "l'Oréal": 2, "oreal": 2,
		"Paul": 3, "btp": 3, "O'Neil": 4, "Seán": 4, "sean": 4,
	}
	for ref, id := range refs {
		for _, line := range []string{"show " + ref, "voir " + ref, "fiche " + quoteArg(ref)} {
			r := e.ok(t, line)
			card := r.Data.(*command.Card)
			if card.Contact.ID != id {
				t.Errorf("%s: got %s, want C%d", line, card.Contact.Ref(), id)
			}
		}
	}
	r := e.ok(t, "show C1")
	if r.Title != "C1 Jeanne Martin (Fromagerie Martin) · lead · score 35 (C)" {
		t.Errorf("title %q", r.Title)
	}
	mustContain(t, "the card", r.Text(), "email      jeanne@martin.fr", "phone      +33612345678", "Orders\nNo order yet.",
		"+15 Decision maker; +5 Company of 10 to 49; +10 Target sector; +5 Contacted in the last 30 days", "Consent")
	if labels := actionLabels(r); !slices.Equal(labels, []string{"Move to prospect", "Log a call", "Show score"}) {
		t.Errorf("actions %v", labels)
	}

	e.ok(t, "log C1 call asked for a quote")
	e.ok(t, "sale C1 1 200,50 € yesterday spring order")
	r = e.ok(t, "show C1")
	mustContain(t, "the card after a sale", r.Text(), "Last interactions\n  2026-11-25  call · by alice · asked for a quote",
		"Orders: 1 in all, 1 200,50 €\n  2026-11-24  1 200,50 € · spring order\n\nPipeline", "lead → customer · by alice · sale of 1 200,50 €")
	if labels := actionLabels(r); !slices.Equal(labels, []string{"Log a call", "Show score"}) {
		t.Errorf("a customer's actions %v", labels)
	}
}

// fields makes reply fields from labels and values.
func fields(labelValue ...string) []reply.Field {
	var out []reply.Field
	for i := 0; i+1 < len(labelValue); i += 2 {
		out = append(out, reply.Field{Label: labelValue[i], Value: labelValue[i+1]})
	}
	return out
}

// quoteArg quotes a reference of several words.
func quoteArg(s string) string {
	if strings.Contains(s, " ") {
		return `"` + s + `"`
	}
	return s
}

func actionLabels(r *reply.Reply) []string {
	var out []string
	for _, a := range r.Actions {
		out = append(out, a.Label)
	}
	return out
}

func TestShowAmbiguousAndMissing(t *testing.T) {
	e := seeded(t)
	r := e.fail(t, "show Martin", domain.Conflict)
	mustContain(t, "the message", r.Error.Message, "matches several contacts", "C1 Jeanne Martin (Fromagerie Martin)", "C3 Paul Martin (Martin BTP)", "Use the id")
	mustNotContain(t, "the message", r.Error.Message, "Hélène")
	if r.Error.Usage != "show <contact>" {
		t.Errorf("usage %q", r.Error.Usage)
	}
	for _, line := range []string{"show Zorro", "show C99", "show 99", "show nobody@example.fr", "show 07 00 00 00 00"} {
		r := e.fail(t, line, domain.NotFound)
		mustContain(t, line, r.Error.Message, "no contact")
	}
	r = e.fail(t, "show", domain.Invalid)
	mustContain(t, "show", r.Error.Message, "needs a contact")
}

func TestFind(t *testing.T) {
	e := seeded(t)
	e.ok(t, "move C1 prospect")
	e.ok(t, "log C4 form")
	tests := []struct {
		line string
		want []string
	}{
		{"find", []string{"C1", "C2", "C3", "C4"}},
		{"list city=Lyon", []string{"C1", "C3"}},
		{"chercher ville=lyon", []string{"C1", "C3"}},
		{"find city!=Lyon", []string{"C2", "C4"}},
		{"find company~martin", []string{"C1", "C3"}},
		{"find tags=vip", []string{"C2"}},
		{"find tags!=vip", []string{"C1", "C3", "C4"}},
		{"find employees>=12", []string{"C1", "C2"}},
		{"find employees>0 employees<5", []string{"C3"}},
		{"find budget>=10000", []string{"C2"}},
		{`find budget>="9 999,99 €"`, []string{"C2"}},
		{"find created=today", []string{"C1", "C2", "C3", "C4"}},
		{"find created<2026-11-25", nil},
		{"find stage=prospect", []string{"C1"}},
		{"find étape=piste", []string{"C2", "C3", "C4"}},
		{"find score>=30", []string{"C1", "C2"}},
		{"find score<30", []string{"C3", "C4"}},
		{"find grade=C", []string{"C1", "C2", "C4"}},
		{"find grade!=c", []string{"C3"}},
		{"find id=C3", []string{"C3"}},
		{"find email=JEANNE@martin.fr", []string{"C1"}},
		{"find attr.card=gold", []string{"C2"}},
		{"find country=ireland", []string{"C4"}},
		{"find city=Lyon sector=btp", []string{"C3"}},
		{"find Martin", []string{"C1", "C3"}},
		{"find helene", []string{"C2"}},
		{"find martin city=Lyon employees>10", []string{"C1"}},
		{"find sort=-employees", []string{"C2", "C1", "C3", "C4"}},
		{"find sort=name", []string{"C2", "C1", "C3", "C4"}},
		{"find city=Lyon sort=-Score", []string{"C1", "C3"}},
		{"find sort=-score limit=2", []string{"C1", "C2"}},
		{"find sort=score limit=2", []string{"C3", "C4"}},
		{"find LIMIT=1", []string{"C1"}},
		{"find limit=3 page=2", []string{"C4"}},
		{"find Zorro", nil},
	}
	for _, tt := range tests {
		r := e.ok(t, tt.line)
		if got := ids(t, r); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.line, got, tt.want)
		}
		if r.Command != "find" {
			t.Errorf("%s: command %q", tt.line, r.Command)
		}
	}
	if r := e.ok(t, "find Zorro"); r.Title != "No contact matches." {
		t.Errorf("title %q", r.Title)
	}
}

func TestFindPages(t *testing.T) {
	e := newEnv(t)
	for i := range 45 {
		e.ok(t, fmt.Sprintf(`add "Client %02d" company="Acme Corp" city=Lyon`, i+1))
	}
	e.ok(t, `add "Other" company="Acme"`)
	pages := []struct {
		line, title, more string
		first, n          int
	}{
		{`find company="Acme Corp"`, "Contacts 1–20 of 45", `find company="Acme Corp" page=2`, 1, 20},
		{`find company="Acme Corp" page=2`, "Contacts 21–40 of 45", `find company="Acme Corp" page=3`, 21, 20},
		{`find page=3 company="Acme Corp"`, "Contacts 41–45 of 45", "", 41, 5},
		{`find company="Acme Corp" page=4`, "45 contacts match; page 4 is past the end.", "", 0, 0},
		{`find company="Acme Corp" limit=10 page=2`, "Contacts 11–20 of 45", `find company="Acme Corp" limit=10 page=3`, 11, 10},
		{`find city=Lyon sort=-name limit=44`, "Contacts 1–44 of 45", `find city=Lyon sort=-name limit=44 page=2`, 45, 44},
	}
	for _, p := range pages {
		r := e.ok(t, p.line)
		if r.Title != p.title {
			t.Errorf("%s: title %q, want %q", p.line, r.Title, p.title)
		}
		got := ids(t, r)
		if len(got) != p.n {
			t.Fatalf("%s: %d rows, want %d", p.line, len(got), p.n)
		}
		if p.n > 0 && got[0] != fmt.Sprintf("C%d", p.first) {
			t.Errorf("%s: first row %s, want C%d", p.line, got[0], p.first)
		}
		data := r.Data.(map[string]any)
		if data["total"] != int64(45) {
			t.Errorf("%s: total %v", p.line, data["total"])
		}
		last := r.Sections[len(r.Sections)-1]
		if p.more == "" {
			if len(r.Actions) != 0 || strings.HasPrefix(last.Text, "More:") {
				t.Errorf("%s: offers more: %q %+v", p.line, last.Text, r.Actions)
			}
			continue
		}
		if last.Text != "More: "+p.more || len(r.Actions) != 1 || r.Actions[0] != (reply.Action{Label: "Next page", Command: p.more}) {
			t.Errorf("%s: more %q actions %+v, want %q", p.line, last.Text, r.Actions, p.more)
		}
		// The next page action runs as it is and gives the next rows.
		next := e.ok(t, r.Actions[0].Command)
		if n := ids(t, next); len(n) == 0 || slices.Contains(got, n[0]) {
			t.Errorf("%s: next page starts with %v", p.more, n)
		}
	}
}

// The More line and the Next page action quote the words of a find so that
// they split back to the same words.
func TestQuoteWordRoundTrip(t *testing.T) {
	words := []string{
		"plain", "", "two words", "city=Lyon", "company=Fromagerie Martin", "tab\tinside",
		"non\u00a0breaking", `say "hi"`, "it's", "l'Oréal", `both " and '`, `key=both " and ' in it`,
		"'", `"`, "”", "«x»", " padded ", "line\nbreak", "O'Neil", "trailing'", "'leading",
		`a"b'c"d'e`, "=x", "é=1 2",
	}
	for _, w := range words {
		q := command.QuoteWord(w)
		got, err := command.Split("find " + q)
		if err != nil || !slices.Equal(got, []string{"find", w}) {
			t.Errorf("QuoteWord(%q) = %s, which splits to %q (%v)", w, q, got, err)
		}
		if !strings.ContainsAny(w, " \t\n\u00a0'\"”«") && w != "" && q != w {
			t.Errorf("QuoteWord(%q) = %s, want it as it is", w, q)
		}
	}
}

func TestMove(t *testing.T) {
	e := seeded(t)
	r := e.ok(t, "move Jeanne Martin prospect first call went well")
	if r.Title != "Moved C1 Jeanne Martin (Fromagerie Martin) from lead to prospect" {
		t.Errorf("title %q", r.Title)
	}
	m := r.Data.(*domain.Move)
	if m.ContactID != 1 || m.From != domain.Lead || m.To != domain.Prospect || m.Note != "first call went well" || m.Author != "alice" || !m.At.Equal(start) {
		t.Errorf("move %+v", m)
	}
	aliases := []struct {
		word string
		want domain.Stage
	}{
		{"prospect-assuré", domain.Qualified}, {"client", domain.Customer}, {"perdu", domain.Lost},
		{"piste", domain.Lead}, {"assuré", domain.Qualified}, {"PROSPECT", domain.Prospect},
		{"qualified", domain.Qualified}, {"customer", domain.Customer}, {"lost", domain.Lost}, {"lead", domain.Lead},
	}
	from := domain.Prospect
	for _, a := range aliases {
		line := "déplacer Hélène Dupré " + a.word
		if a.want == e.contact(t, 2).Stage {
			t.Fatalf("test table: %s would not move", line)
		}
		e.ok(t, line)
		if got := e.contact(t, 2).Stage; got != a.want {
			t.Errorf("%s: stage %s, want %s", line, got, a.want)
		}
		from = a.want
	}
	moves, err := e.db.RecentMoves(ctx(t), 2, 100)
	if err != nil || len(moves) != len(aliases) || moves[0].To != from {
		t.Errorf("moves of C2: %d %v, want %d", len(moves), err, len(aliases))
	}

	before := e.snapshot(t)
	r = e.fail(t, "move C1 prospect", domain.Conflict)
	mustContain(t, "same stage", r.Error.Message, "C1 Jeanne Martin", "already at stage prospect", "nothing was changed")
	e.unchanged(t, "move to the same stage", before)
}

func TestLog(t *testing.T) {
	e := seeded(t)
	kinds := []struct {
		word string
		want domain.InteractionKind
	}{
		{"call", domain.Call}, {"appel", domain.Call}, {"meeting", domain.Meeting}, {"rdv", domain.Meeting},
		{"email", domain.EmailSent}, {"email-opened", domain.EmailOpened}, {"click", domain.Click}, {"clic", domain.Click},
		{"form", domain.Form}, {"formulaire", domain.Form}, {"download", domain.Download}, {"téléchargement", domain.Download},
		{"request", domain.Request}, {"demande", domain.Request}, {"visit", domain.Visit}, {"visite", domain.Visit},
	}
	for i, k := range kinds {
		e.clock.Set(start.Add(time.Duration(i) * time.Minute))
		r := e.ok(t, fmt.Sprintf("noter Paul Martin %s note %d", k.word, i))
		got := r.Data.(*domain.Interaction)
		if got.Kind != k.want || got.Note != fmt.Sprintf("note %d", i) || got.ContactID != 3 || got.Author != "alice" {
			t.Errorf("%s: %+v", k.word, got)
		}
		if !strings.HasPrefix(r.Title, "Logged "+string(k.want)+" with C3 Paul Martin (Martin BTP) — score ") {
			t.Errorf("%s: title %q", k.word, r.Title)
		}
	}
	is, err := e.db.RecentInteractions(ctx(t), 3, 100)
	if err != nil || len(is) != len(kinds) || is[0].Kind != domain.Visit || is[0].Note != "note 15" {
		t.Fatalf("interactions of C3: %+v %v", is, err)
	}
	if c := e.contact(t, 3); !c.LastContactAt.Equal(start.Add(15 * time.Minute)) {
		t.Errorf("last contact %v", c.LastContactAt)
	}
	r := e.ok(t, "log C3 call")
	if r.Data.(*domain.Interaction).Note != "" {
		t.Errorf("note %q, want none", r.Data.(*domain.Interaction).Note)
	}
}

func TestSale(t *testing.T) {
	tests := []struct {
		line   string
		amount int64
		day    string
		note   string
	}{
		{"sale C1 1200", 120000, "2026-11-25", ""},
		{"sale C1 1200.50", 120050, "2026-11-25", ""},
		{"sale C1 1200,5", 120050, "2026-11-25", ""},
		{"sale C1 1 200,50 €", 120050, "2026-11-25", ""},
		{"sale C1 1\u00a0200,50\u00a0€", 120050, "2026-11-25", ""},
		{"sale C1 1 200 000 euros", 120000000, "2026-11-25", ""},
		{"sale C1 €350", 35000, "2026-11-25", ""},
		{"sale C1 350€ hier", 35000, "2026-11-24", ""},
		{"sale C1 1 200,50 € 20/11/2026 spring order", 120050, "2026-11-20", "spring order"},
		{"vente Jeanne Martin 1200.50 yesterday", 120050, "2026-11-24", ""},
		{"sale jeanne@martin.fr 99 2026-01-31 first order", 9900, "2026-01-31", "first order"},
		{"sale C1 1200 20.11.2026", 120000, "2026-11-20", ""},
		{"sale C1 1200 3 boxes of comté", 120000, "2026-11-25", "3 boxes of comté"},
		{"sale C1 12 today", 1200, "2026-11-25", ""},
		{"sale C1 9999999999999", 999999999999900, "2026-11-25", ""},
		// Issue 11 item 1: a quoted amount is one word with its spaces.
		{`sale C1 "1 200,50 €" yesterday`, 120050, "2026-11-24", ""},
		{`sale C1 "1200,50 €"`, 120050, "2026-11-25", ""},
		{`sale C1 "1.200,50 €" spring order`, 120050, "2026-11-25", "spring order"},
		{`sale Jeanne Martin « 1 200 € » hier`, 120000, "2026-11-24", ""},
	}
	for _, tt := range tests {
		// Quoted, the names of the subtests differ in their spaces too.
		t.Run(strconv.Quote(tt.line), func(t *testing.T) {
			e := seeded(t)
			r := e.ok(t, tt.line)
			o := r.Data.(*domain.Order)
			if o.Amount != tt.amount || domain.FormatDate(o.Date) != tt.day || o.Note != tt.note || o.ContactID != 1 || o.Author != "alice" {
				t.Errorf("order %+v, want %d cents on %s note %q", o, tt.amount, tt.day, tt.note)
			}
			orders, err := e.db.RecentOrders(ctx(t), 1, 10)
			if err != nil || len(orders) != 1 || orders[0].Amount != tt.amount {
				t.Errorf("stored orders %+v %v", orders, err)
			}
			c := e.contact(t, 1)
			if c.Stage != domain.Customer {
				t.Errorf("stage %s, want customer", c.Stage)
			}
			want := fmt.Sprintf("Recorded a sale of %s on %s for C1 Jeanne Martin (Fromagerie Martin) — now customer, score %d (%s)",
				domain.FormatAmount(tt.amount), tt.day, c.Score, c.Grade)
			if r.Title != want {
				t.Errorf("title %q\nwant  %q", r.Title, want)
			}
		})
	}
}

func TestSaleOfACustomer(t *testing.T) {
	e := seeded(t)
	e.ok(t, "sale C1 100")
	e.ok(t, "sale C1 200 note")
	moves, err := e.db.RecentMoves(ctx(t), 1, 10)
	if err != nil || len(moves) != 1 || moves[0].To != domain.Customer || moves[0].Note != "sale of 100 €" {
		t.Errorf("a second sale moved again: %+v %v", moves, err)
	}
	card := e.ok(t, "show C1").Data.(*command.Card)
	if card.OrderCount != 2 || card.Revenue != 30000 {
		t.Errorf("orders %d revenue %d", card.OrderCount, card.Revenue)
	}
}

func TestScore(t *testing.T) {
	e := seeded(t)
	r := e.ok(t, "score C1")
	if r.Title != "Score of C1 Jeanne Martin (Fromagerie Martin): 35 (C)" {
		t.Errorf("title %q", r.Title)
	}
	want := [][]string{{"+15", "Decision maker"}, {"+5", "Company of 10 to 49"}, {"+10", "Target sector"}, {"+5", "Contacted in the last 30 days"}}
	if got := r.Sections[0].Table.Rows; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rules %q, want %q", got, want)
	}
	if r.Sections[1].Text != "Total 35." {
		t.Errorf("total %q", r.Sections[1].Text)
	}

	// Activity fires behavioural rules; the score follows.
	e.ok(t, "log C1 form")
	e.ok(t, "log C1 request")
	r = e.ok(t, "score jeanne@martin.fr")
	rep := r.Data.(*crm.ScoreReport)
	var fired []string
	for _, f := range rep.Result.Fired {
		fired = append(fired, fmt.Sprintf("%+d %s", f.Points, f.Rule))
	}
	wantFired := []string{"+15 Decision maker", "+5 Company of 10 to 49", "+10 Target sector", "+10 Filled a form (30 days)",
		"+15 Specific request (90 days)", "+5 Contacted in the last 30 days"}
	if !slices.Equal(fired, wantFired) || rep.Result.Score != 60 || rep.Result.Grade != "B" {
		t.Errorf("fired %q score %d %s, want %q 60 B", fired, rep.Result.Score, rep.Result.Grade, wantFired)
	}
	if c := e.contact(t, 1); c.Score != 60 || c.Grade != "B" {
		t.Errorf("stored score %d %s", c.Score, c.Grade)
	}

	// A negative total is clamped and says so.
	e.ok(t, "add Tiny employees=2")
	e.clock.Set(start.AddDate(0, 6, 0))
	r = e.ok(t, "score Tiny")
	if r.Sections[1].Text != "Total -20, clamped to 0." || !strings.HasSuffix(r.Title, ": 0 (D)") {
		t.Errorf("clamped: %q %q", r.Title, r.Sections[1].Text)
	}
	e.clock.Set(start)
	e.ok(t, "edit Tiny employees=")
	e.clock.Set(start.AddDate(0, 2, 0))
	if r := e.ok(t, "score Tiny"); r.Sections[0].Text != "No rule fired." || r.Sections[1].Text != "Total 0." {
		t.Errorf("no rule: %+v", r.Sections)
	}
}

func TestTop(t *testing.T) {
	e := seeded(t)
	tests := []struct {
		line string
		want []string
	}{
		{"top", []string{"C1", "C2", "C4", "C3"}},
		{"top 2", []string{"C1", "C2"}},
		{"top 5 city=Lyon", []string{"C1", "C3"}},
		{"top city=Paris", []string{"C2"}},
		{"top 1 sector=btp", []string{"C3"}},
	}
	for _, tt := range tests {
		r := e.ok(t, tt.line)
		if got := ids(t, r); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.line, got, tt.want)
		}
		if r.Title != "Top "+domain.Count(len(tt.want), "score") {
			t.Errorf("%s: title %q", tt.line, r.Title)
		}
	}
	for _, line := range []string{"top 0", "top 201", "top -3"} {
		r := e.fail(t, line, domain.Invalid)
		mustContain(t, line, r.Error.Message, "from 1 to 200")
		if r.Error.Usage != "top [N] [field=value…]" {
			t.Errorf("%s: usage %q", line, r.Error.Usage)
		}
	}
}

func TestPipeline(t *testing.T) {
	e := seeded(t)
	// A move last week is not counted in this week's moves.
	e.clock.Set(start.AddDate(0, 0, -7))
	e.ok(t, "move C4 perdu")
	e.clock.Set(start)
	e.ok(t, "move C1 prospect")
	e.ok(t, "move C2 prospect")
	e.ok(t, "move C2 qualified")
	e.ok(t, "sale C3 500")
	r := e.ok(t, "pipeline")
	if r.Title != "Pipeline, week of 2026-11-23" {
		t.Errorf("title %q", r.Title)
	}
	wantSections := []reply.Section{
		{Heading: "Contacts per stage", Fields: fields("lead", "0", "prospect", "1", "qualified", "1", "customer", "1", "lost", "1")},
		{Heading: "Moves this week", Fields: fields("lead → prospect", "2", "prospect → qualified", "1", "lead → customer", "1")},
		{Heading: "Conversion this week", Fields: fields(
			"lead → prospect", "66.7 % (2 of 3)", "prospect → qualified", "50.0 % (1 of 2)", "qualified → customer", "0.0 % (0 of 1)")},
	}
	for i, want := range wantSections {
		got := r.Sections[i]
		if got.Heading != want.Heading || !slices.Equal(got.Fields, want.Fields) {
			t.Errorf("section %d: %+v\nwant %+v", i, got, want)
		}
	}
	p := r.Data.(*crm.Pipeline)
	if p.Counts[domain.Lost] != 1 || len(p.Moves) != 3 {
		t.Errorf("data %+v", p)
	}

	fresh := newEnv(t)
	r = fresh.ok(t, "pipeline")
	if r.Sections[1].Text != "No move this week." {
		t.Errorf("empty pipeline: %+v", r.Sections[1])
	}
}

func TestUnknownCommand(t *testing.T) {
	e := newEnv(t)
	for _, line := range []string{"frobnicate C42", "ad Jeanne", `"" C42`, "C42"} {
		r := e.fail(t, line, domain.Invalid)
		mustContain(t, line, r.Error.Message, "unknown command", "Type help")
		if r.Error.Usage != "help [command]" {
			t.Errorf("%s: usage %q", line, r.Error.Usage)
		}
	}
}

// Without a survey service (no Telegram questionnaires in this process),
// the questionnaire commands say so, with their usage, and change nothing.
func TestQuestionnairesNotSetUp(t *testing.T) {
	e := seeded(t)
	// A manager may run every one of them (roles_test.go shows a sales
	// member refused the manager's ones).
	e.actor = command.Actor{ID: "maria", Roles: []command.Role{command.Manager}}
	tests := []struct{ line, command, usage string }{
		{"why C1", "why", "why <contact> [questionnaire]"},
		{"handled C1 called back", "handled", "handled <contact> [note]"},
		{"invite C1", "invite", "invite <contact>"},
		{"survey list", "survey", "survey list | survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run] | survey results <questionnaire> | survey triggers"},
		{"survey send satisfaction to C1 dry-run", "survey", "survey list | survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run] | survey results <questionnaire> | survey triggers"},
		{"survey results satisfaction", "survey", "survey list | survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run] | survey results <questionnaire> | survey triggers"},
	}
	before := e.snapshot(t)
	for _, tt := range tests {
		r := e.fail(t, tt.line, domain.Unavailable)
		if r.Command != tt.command || r.Error.Usage != tt.usage {
			t.Errorf("%s: command %q usage %q", tt.line, r.Command, r.Error.Usage)
		}
		mustContain(t, tt.line, r.Error.Message, "Telegram questionnaires are not set up")
	}
	e.unchanged(t, "questionnaire commands without a survey service", before)
	mustContain(t, "show C1", e.ok(t, "show C1").Text(), "Consent\nTelegram questionnaires are not set up")
}

func TestActorHas(t *testing.T) {
	tests := []struct {
		roles []command.Role
		has   map[command.Role]bool
	}{
		{nil, map[command.Role]bool{command.Sales: false, command.Manager: false, command.Admin: false}},
		{[]command.Role{command.Sales}, map[command.Role]bool{command.Sales: true, command.Manager: false, command.Admin: false}},
		{[]command.Role{command.Manager}, map[command.Role]bool{command.Sales: true, command.Manager: true, command.Admin: false}},
		{[]command.Role{command.Admin}, map[command.Role]bool{command.Sales: true, command.Manager: true, command.Admin: true}},
		{[]command.Role{command.Sales, command.Admin}, map[command.Role]bool{command.Sales: true, command.Manager: true, command.Admin: true}},
		{[]command.Role{"intern"}, map[command.Role]bool{command.Sales: false, command.Manager: false, command.Admin: false}},
		{command.AllRoles, map[command.Role]bool{command.Sales: true, command.Manager: true, command.Admin: true}},
	}
	for _, tt := range tests {
		a := command.Actor{ID: "U1", Roles: tt.roles}
		for role, want := range tt.has {
			if got := a.Has(role); got != want {
				t.Errorf("roles %v: Has(%s) = %v, want %v", tt.roles, role, got, want)
			}
		}
	}
	// Every command available today runs for a sales member, with the
	// member recorded as the author (roles_test.go shows the refusals).
	e := seeded(t)
	e.actor = command.Actor{ID: "sam", Roles: []command.Role{command.Sales}}
	e.ok(t, "show C1")
	e.ok(t, "move C1 prospect")
	if m, _ := e.db.RecentMoves(ctx(t), 1, 1); len(m) != 1 || m[0].Author != "sam" {
		t.Errorf("move author %+v", m)
	}
}

// JSON replies carry the English names of stages and fields.
func TestJSON(t *testing.T) {
	e := seeded(t)
	e.ok(t, "move C1 prospect-assuré")
	tests := []struct {
		line string
		want []string
	}{
		{"show C1", []string{`"ok": true`, `"command": "show"`, `"stage": "qualified"`, `"email": "jeanne@martin.fr"`, `"company": "Fromagerie Martin"`, `"employees": 12`, `"fired": [`}},
		{"move C1 client", []string{`"command": "move"`, `"from": "qualified"`, `"to": "customer"`, `"author": "alice"`}},
		{"pipeline", []string{`"counts": {`, `"customer": 1`, `"lead": 3`}},
		{"log C2 appel", []string{`"kind": "call"`}},
		{"sale C2 1 200,50 €", []string{`"amount_cents": 120050`, `"date": "2026-11-25T00:00:00Z"`}},
		{"find stage=client", []string{`"total": 2`, `"stage": "customer"`}},
		{"show Martin", []string{`"ok": false`, `"command": "show"`, `"code": "conflict"`, `"usage": "show <contact>"`}},
	}
	for _, tt := range tests {
		b, err := e.run(t, tt.line).JSON()
		if err != nil {
			t.Fatalf("%s: %v", tt.line, err)
		}
		mustContain(t, tt.line, string(b), tt.want...)
		mustNotContain(t, tt.line, string(b), `"client"`, `"piste"`, `"prospect-assuré"`)
	}
}

// A command cancelled by its context, or failing on the database, says so
// without details, logs the cause and changes nothing.
func TestRunFailures(t *testing.T) {
	e := seeded(t)
	before := e.snapshot(t)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, line := range []string{"add Bob", "move C1 prospect", "show C1"} {
		r := e.exec.Run(cancelled, e.actor, line)
		if r.OK || r.Error.Code != string(domain.Unavailable) {
			t.Fatalf("%s with a cancelled context: %s", line, describeReply(r))
		}
		mustContain(t, line, r.Error.Message, "cancelled", "nothing was changed")
	}
	e.unchanged(t, "cancelled commands", before)

	e.db.Close()
	r := e.exec.Run(t.Context(), e.actor, "show C1")
	if r.OK || r.Error.Code != string(domain.Internal) || r.Command != "show" || r.Error.Usage != "show <contact>" {
		t.Fatalf("show on a closed database: %s", describeReply(r))
	}
	mustContain(t, "the message", r.Error.Message, "something went wrong on our side", "logged")
	mustNotContain(t, "the message", r.Error.Message, "sql", "closed")
	mustContain(t, "the log", e.logs.String(), "command failed", "command=show", "database is closed")
}
