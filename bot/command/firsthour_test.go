package command_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/survey"
)

// Tests of issue 11, "the first hour with crmbot", item by item.

// withQuietHours puts the default policy in force with quiet hours from
// start to end (minutes after midnight), on or off. How a configuration
// file's quiet_hours become these is cmd/crmbot/config's to test
// (TestPartialQuietHoursKeepThemOn there).
func withQuietHours(svc *survey.Service, on bool, start, end domain.Clock) {
	p := domain.DefaultPolicy
	p.QuietHours = domain.QuietHours{Enabled: on, Start: start, End: end}
	p.Zone = paris
	svc.Policy = p
}

// Item 2: quiet hours given by their start and end are on unless the file
// says enabled: false; why tells them.
func TestPartialQuietHoursKeepThemOn(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 9101)
		withQuietHours(svc, true, 21*60, 8*60)
		e.clock.Set(time.Date(2026, 11, 25, 21, 34, 0, 0, paris))
		w := whyData(t, e, "why C1")
		if w.Allowed || !slices.Contains(w.ReasonCodes, domain.QuietHoursNow) {
			t.Errorf("at 21:34 with quiet hours 21:00–08:00: %+v", w.DecisionData)
		}
		e.clock.Set(time.Date(2026, 11, 25, 20, 30, 0, 0, paris))
		if w := whyData(t, e, "why C1"); !w.Allowed {
			t.Errorf("at 20:30, before the quiet hours written: %+v", w.DecisionData)
		}
		withQuietHours(svc, false, 21*60, 8*60)
		e.clock.Set(time.Date(2026, 11, 25, 21, 34, 0, 0, paris))
		if w := whyData(t, e, "why C1"); !w.Allowed {
			t.Errorf("quiet hours turned off: %+v", w.DecisionData)
		}
	})
}

// Item 4: a quoted expression is saved as written, or refused with what is
// wrong in it; it is never read as one field=value word.
func TestSegmentSaveQuotedExpression(t *testing.T) {
	e := seeded(t)
	e.actor.Roles = []command.Role{command.Manager}
	r := e.ok(t, `segment save t1 'city == "lyon" && employees >= 10'`)
	var saved struct {
		Segment struct {
			Filter  string `json:"filter"`
			Members int    `json:"members"`
		} `json:"segment"`
		Style string `json:"style"`
	}
	dataOf(t, r, &saved)
	if saved.Segment.Filter != `city == "lyon" && employees >= 10` || saved.Style != "expression" {
		t.Errorf("saved %+v", saved)
	}
	if got := ids(t, e.ok(t, "find segment=t1")); !slices.Equal(got, []string{"C1"}) {
		t.Errorf("members of t1: %v", got)
	}
	r = e.fail(t, `segment save t2 'city == "lyon" && score >= 40'`, domain.Invalid)
	mustContain(t, "an expression that does not compile", r.Error.Message, "score")
	mustNotContain(t, "an expression that does not compile", r.Error.Message, `\"lyon\"`)
	mustContain(t, "segment list", e.ok(t, "segment list").Text(), "t1")
	mustNotContain(t, "segment list", e.ok(t, "segment list").Text(), "t2")
}

// Item 5: an expression compares text as find does, without case or
// accents, in saved segments as in scoring rules.
func TestExpressionsFoldTextAsFind(t *testing.T) {
	e := seeded(t)
	e.actor.Roles = []command.Role{command.Manager}
	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{`'city == "Lyon"'`, []string{"C1", "C3"}},
		{`'city in ["LYON", "paris"] && role == "Gerante"'`, []string{"C1"}},
		{`'company contains "OREAL"'`, []string{"C2"}},
		{`'name startsWith "helene"'`, []string{"C2"}},
		{`'attrs["card"] == "Gold"'`, []string{"C2"}},
		{`'"VIP" in tags'`, []string{"C2"}},
		{`city=LYON`, []string{"C1", "C3"}},
	} {
		e.ok(t, "segment save s "+tt.filter)
		find := ids(t, e.ok(t, "find segment=s"))
		if !slices.Equal(find, tt.want) {
			t.Errorf("segment %s: %v, want %v", tt.filter, find, tt.want)
		}
		e.ok(t, "segment delete s")
	}
	if got := ids(t, e.ok(t, "find city=LYON")); !slices.Equal(got, []string{"C1", "C3"}) {
		t.Errorf("find city=LYON: %v", got)
	}
	eng, err := domain.NewEngine([]domain.Rule{{Name: "Agro in Lyon", When: `sector == "Agroalimentaire" && city == "LYON" && role == "gerante"`, Points: 30}}, domain.DefaultGrades)
	if err != nil {
		t.Fatal(err)
	}
	e.crm.Scoring = eng
	if r := e.ok(t, "score C1"); !strings.HasSuffix(r.Title, ": 30 (C)") {
		t.Errorf("a scoring rule with capitals and no accents: %s", r.Text())
	}
}

// Item 7: segment save says on how many contacts its expression fails at
// run time, with the first error, and how many members it has.
func TestSegmentSaveReportsFailures(t *testing.T) {
	e := seeded(t)
	e.actor.Roles = []command.Role{command.Manager}
	r := e.ok(t, `segment save lyon 'city == "lyon"'`)
	mustContain(t, "a sound segment", r.Text(), "2 members")
	mustNotContain(t, "a sound segment", r.Text(), "fails")

	r = e.ok(t, `segment save broken 'int(city) > 3'`)
	mustContain(t, "a segment that fails on every contact", r.Text(), "0 members", "fails on 4 of 4 contacts", "first on C1")
	var saved struct {
		Segment struct {
			Members  int `json:"members"`
			Failures []struct {
				Rule       string `json:"rule"`
				Contacts   int    `json:"contacts"`
				FirstError string `json:"first_error"`
			} `json:"failures"`
		} `json:"segment"`
	}
	dataOf(t, r, &saved)
	if f := saved.Segment.Failures; len(f) != 1 || f[0].Contacts != 4 || f[0].FirstError == "" {
		t.Errorf("failures %+v", saved)
	}
	r = e.ok(t, `segment save huge 'len(map(1..2000000, #)) > 0'`)
	mustContain(t, "a segment out of budget", r.Text(), "fails on 4 of 4 contacts", "memory budget")
}

// Item 8: the current week's row of the score history is the current
// score, even after the week's snapshot was taken.
func TestScoreHistoryShowsTheCurrentWeekNow(t *testing.T) {
	e := newEnv(t)
	e.add(t, `add "Big Agro" sector=agroalimentaire employees=80 role=CEO`)
	for _, week := range []string{"2026-W47", "2026-W48"} { // the tests' now is in W48
		if _, err := e.db.SnapshotScores(ctx(t), week); err != nil {
			t.Fatal(err)
		}
	}
	before := e.contact(t, 1).Score
	e.ok(t, "edit C1 employees=2")
	r := e.ok(t, "score C1")
	rep := r.Data.(*crm.ScoreReport)
	if rep.Result.Score == before {
		t.Fatalf("the edit did not change the score (%d)", before)
	}
	h := rep.History
	if len(h) != 2 || h[0].Week != "2026-W48" || h[0].Score != rep.Result.Score || h[0].Grade != rep.Result.Grade ||
		h[1].Week != "2026-W47" || h[1].Score != before {
		t.Errorf("score %d, history %+v", rep.Result.Score, h)
	}
	rows := r.Sections[len(r.Sections)-1].Table.Rows
	if rows[0][1] != strconv.Itoa(rep.Result.Score) {
		t.Errorf("history rows %v", rows)
	}
}

// Item 10: why says that the customer refused consent, and when.
func TestWhySaysConsentWasRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		mustContain(t, "why, never linked", e.ok(t, "why C2").Text(), "no consent recorded")
		token := inviteToken(t, e, "C1")
		c := survey.Chat{ID: 9101, Language: "en"}
		if _, err := svc.Text(ctx(t), "start:"+token, c, "/start "+token); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(start.Add(time.Hour))
		if _, err := svc.Tap(ctx(t), "tap:"+token, c, 1, "c:no"); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(start.Add(48 * time.Hour))
		r := e.ok(t, "why C1")
		mustContain(t, "why, refused", r.Text(), "consent refused on 2026-11-25 11:00 CET")
		mustNotContain(t, "why, refused", r.Text(), "no consent recorded")
	})
}

// Item 12: segments pareto says its figure first, then the traits under
// a heading of their own; no line ends in a dangling colon.
func TestParetoSummaryComesFirst(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 10; i++ {
		sector, amount := "btp", "100"
		if i <= 2 {
			sector, amount = "agroalimentaire", "5000"
		}
		e.ok(t, fmt.Sprintf("add Client%d sector=%s", i, sector))
		e.ok(t, fmt.Sprintf("sale C%d %s", i, amount))
	}
	text := e.ok(t, "segments pareto").Text()
	summary := strings.Index(text, "of customers (")
	trait := strings.Index(text, "sector=agroalimentaire")
	if summary < 0 || trait < 0 || summary > trait {
		t.Errorf("the summary should come before the traits:\n%s", text)
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.HasSuffix(strings.TrimSpace(l), ":") {
			t.Errorf("a line ends with a colon: %q\n%s", l, text)
		}
	}
	mustContain(t, "segments pareto", text, "What the top 20 % have in common")
}

// Item 14: edit's reply writes money as everywhere else.
func TestEditFormatsMoney(t *testing.T) {
	e := seeded(t)
	text := e.ok(t, "edit C1 budget=1200,50 capital=2500000").Text()
	mustContain(t, "edit's reply", text, "budget   1 200,50 €", "capital  2 500 000 €")
	mustNotContain(t, "edit's reply", text, "1200.5")
}

// Item 15: a mistyped command, field, stage, kind or questionnaire name is
// answered with the nearest one.
func TestDidYouMean(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, _ *survey.Service) {
		for _, tt := range []struct {
			line, want string
		}{
			{"shwo C1", "did you mean show?"},
			{"pipelin", "did you mean pipeline?"},
			{"help shwo", "did you mean show?"},
			{"edit C1 employes=12", "did you mean employees?"},
			{"add Bob cuty=Lyon", "did you mean city?"},
			{"find citi=Lyon", "did you mean city?"},
			{"move C1 prospekt", "did you mean prospect?"},
			{"move C1 custommer", "did you mean customer?"},
			{"log C1 meetng", "did you mean meeting?"},
			{"log C1 apel", "did you mean appel?"},
			{"survey send satisfacton to C1", "did you mean satisfaction?"},
			{"survey results preferenses", "did you mean preferences?"},
			{"why C1 satisfction", "did you mean satisfaction?"},
		} {
			r := e.run(t, tt.line)
			if r.OK {
				t.Errorf("%s: succeeded", tt.line)
				continue
			}
			mustContain(t, tt.line, r.Error.Message, tt.want)
		}
		// Too far from anything: no guess.
		r := e.run(t, "zzzzzz")
		mustNotContain(t, "zzzzzz", r.Error.Message, "did you mean")
	})
}

// Item 16: one table of French words, every one of which works through the
// command language, with or without its accents, and which the README lists.
func TestFrenchWords(t *testing.T) {
	e := seeded(t)
	e.actor.Roles = []command.Role{command.Manager}
	for word, name := range domain.French.Commands {
		for _, w := range []string{word, strings.ToUpper(word)} {
			if r := e.ok(t, "help "+w); !strings.HasPrefix(r.Title, name+" — ") {
				t.Errorf("help %s: %q, want the help of %s", w, r.Title, name)
			}
		}
	}
	for word, stage := range domain.French.Stages {
		r := e.ok(t, "edit C1 stage="+word)
		if c := r.Data.(*domain.Contact); c.Stage != stage {
			t.Errorf("stage=%s: %s, want %s", word, c.Stage, stage)
		}
	}
	for word, kind := range domain.French.Kinds {
		if i := e.ok(t, "log C2 "+word).Data.(*domain.Interaction); i.Kind != kind {
			t.Errorf("log C2 %s: %s, want %s", word, i.Kind, kind)
		}
	}
	// The words the issue names, and accents typed or not.
	for line, want := range map[string]string{
		"cherche Martin": "find", "chercher Lyon": "find", "voir C1": "show", "ajoute Zoé": "add",
		"log C1 rendez-vous": "meeting", "log C1 rdv": "meeting", "log C1 courriel": "email", "log C1 appel": "call",
		"move C4 gagné": "customer", "move C2 GAGNE": "customer", "move C3 qualifie": "qualified",
	} {
		r := e.ok(t, line)
		if !strings.Contains(r.Title+r.Command, want) {
			t.Errorf("%s: %s %q, want %s", line, r.Command, r.Title, want)
		}
	}
	// Complete: every command, stage and kind has a French word, unless
	// French writes it the same.
	same := []string{"score", "top", "pipeline", "segments", "segment", "prospect"}
	has := map[string]bool{}
	for _, v := range domain.French.Commands {
		has[v] = true
	}
	for _, v := range domain.French.Stages {
		has[string(v)] = true
	}
	for _, v := range domain.French.Kinds {
		has[string(v)] = true
	}
	all := []string{"help", "add", "edit", "show", "find", "move", "log", "sale", "score", "top", "pipeline",
		"segments", "segment", "why", "handled", "invite", "survey", "digest"}
	for _, s := range domain.Stages {
		all = append(all, string(s))
	}
	for _, k := range domain.InteractionKinds {
		all = append(all, string(k))
	}
	for _, name := range all {
		if !has[name] && !slices.Contains(same, name) {
			t.Errorf("%s has no French word", name)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []map[string]string{domain.French.Commands, stringsOf(domain.French.Stages), stringsOf(domain.French.Kinds)} {
		for word := range table {
			if !strings.Contains(string(readme), "`"+word+"`") {
				t.Errorf("the README does not list the French word %q", word)
			}
		}
	}
}

func stringsOf[V ~string](m map[string]V) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

// Item 19: add warns of a likely duplicate (same name and company, in any
// case and accents), names it and adds nothing; force adds anyway, and
// Slack offers it as a button.
func TestAddWarnsOfALikelyDuplicate(t *testing.T) {
	e := seeded(t)
	before := e.snapshot(t)
	r := e.fail(t, `add "Jeanne Martin" company="Fromagerie Martin" city=Lyon`, domain.Conflict)
	mustContain(t, "a likely duplicate", r.Error.Message, "C1 Jeanne Martin (Fromagerie Martin)", "same name and company", "force")
	e.unchanged(t, "add of a duplicate", before)
	if len(r.Actions) != 1 || r.Actions[0].Command != `add "Jeanne Martin" company="Fromagerie Martin" city=Lyon force` {
		t.Errorf("actions %+v", r.Actions)
	}
	if blocks, _ := slackbot.Draw(r); len(blocks) < 2 || blocks[len(blocks)-1].BlockType() != "actions" {
		t.Errorf("Slack draws no button for add anyway: %+v", blocks)
	}
	e.fail(t, `add "JEANNE MARTIN" company="fromagerie martin"`, domain.Conflict)
	c := e.add(t, r.Actions[0].Command)
	if c.Name != "Jeanne Martin" || c.Company != "Fromagerie Martin" || c.City != "Lyon" {
		t.Errorf("added with force: %+v", c)
	}
	e.add(t, `add "Jeanne Martin" company="Martin & Fils"`) // another company: another person
	e.add(t, `add Force`)                                   // a name, not the word force
}

// Item 20: Slack keeps help's table as it is, one row a line.
func TestSlackKeepsHelpsLayout(t *testing.T) {
	e := newEnv(t)
	blocks, _ := slackbot.Draw(e.ok(t, "help"))
	b, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), `\n`) {
		if strings.Contains(line, "survey list |") && strings.Contains(line, "questionnaires: their figures, sends through the throttle") {
			return
		}
	}
	t.Errorf("help in Slack: the row of survey is not one line:\n%s", b)
}

// The README's console example runs as written (issue 11 item 1: its sale
// was refused): every crm> line of "Try it" succeeds on twelve contacts.
func TestReadmeConsoleExample(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 12; i++ {
		e.ok(t, fmt.Sprintf("add Contact%d stage=prospect", i))
	}
	e.readmeExamples(t, "## Try it")
}

// readmeExamples runs, each as it must succeed, every crm> line of the
// README's section that starts with heading (up to the next section).
func (e *env) readmeExamples(t *testing.T, heading string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), heading)
	section, _, _ = strings.Cut(section, "\n## ")
	n := 0
	for _, l := range strings.Split(section, "\n") {
		if line, ok := strings.CutPrefix(l, "crm> "); ok {
			e.ok(t, line)
			n++
		}
	}
	if n < 5 {
		t.Fatalf("found %d example lines in the README's %s", n, heading)
	}
}
