package domain_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

var scoreNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return scoreNow.AddDate(0, 0, -n) }

// quiet is a contact that no default rule scores: created 60 days ago,
// never contacted since, nothing known about it.
func quiet() (*domain.Contact, *domain.Facts) {
	return &domain.Contact{ID: 1, Name: "Quiet", Stage: domain.Lead, CreatedAt: daysAgo(60)}, &domain.Facts{}
}

func counts(k domain.InteractionKind, total, last30, last90 int) func(*domain.Contact, *domain.Facts) {
	return func(_ *domain.Contact, f *domain.Facts) {
		if f.Counts == nil {
			f.Counts = map[domain.InteractionKind]domain.WindowCounts{}
		}
		f.Counts[k] = domain.WindowCounts{Total: total, Last30: last30, Last90: last90}
	}
}

func contact(set func(*domain.Contact)) func(*domain.Contact, *domain.Facts) {
	return func(c *domain.Contact, _ *domain.Facts) { set(c) }
}

func defaultEngine(t *testing.T) *domain.Engine {
	t.Helper()
	e, err := domain.NewEngine(domain.DefaultRules, domain.DefaultGrades)
	if err != nil {
		t.Fatalf("the default rules do not compile: %v", err)
	}
	return e
}

func rulePoints(t *testing.T, name string) int {
	t.Helper()
	i := slices.IndexFunc(domain.DefaultRules, func(r domain.Rule) bool { return r.Name == name })
	if i < 0 {
		t.Fatalf("no default rule %q", name)
	}
	return domain.DefaultRules[i].Points
}

func TestDefaultRules(t *testing.T) {
	const (
		decision  = "Decision maker"
		big       = "Company of 50 or more"
		mid       = "Company of 10 to 49"
		small     = "Too small for us"
		sector    = "Target sector"
		budgetBig = "Budget of 10 000 € or more"
		budgetMid = "Budget of 2 000 to 9 999 €"
		project   = "Project within 3 months"
		form      = "Filled a form (30 days)"
		download  = "Downloaded content (90 days)"
		opens     = "Opens our emails (90 days)"
		clicks    = "Clicks our links (90 days)"
		request   = "Specific request (90 days)"
		origin    = "Came by referral or trade show"
		channel   = "First contact by phone or site form"
		recent    = "Contacted in the last 30 days"
		stale     = "No contact for over 90 days"
	)
	cases := []struct {
		name  string
		setup func(*domain.Contact, *domain.Facts)
		fired []string
	}{
		{"nothing known", func(*domain.Contact, *domain.Facts) {}, nil},
		{"CEO", contact(func(c *domain.Contact) { c.Role = "CEO" }), []string{decision}},
		{"gérante, any case", contact(func(c *domain.Contact) { c.Role = "Gérante" }), []string{decision}},
		{"directeur commercial", contact(func(c *domain.Contact) { c.Role = "Directeur commercial" }), []string{decision}},
		{"assistant", contact(func(c *domain.Contact) { c.Role = "assistant" }), nil},
		{"50 employees", contact(func(c *domain.Contact) { c.Employees = 50 }), []string{big}},
		{"49 employees", contact(func(c *domain.Contact) { c.Employees = 49 }), []string{mid}},
		{"10 employees", contact(func(c *domain.Contact) { c.Employees = 10 }), []string{mid}},
		{"9 employees", contact(func(c *domain.Contact) { c.Employees = 9 }), nil},
		{"5 employees", contact(func(c *domain.Contact) { c.Employees = 5 }), nil},
		{"4 employees", contact(func(c *domain.Contact) { c.Employees = 4 }), []string{small}},
		{"1 employee", contact(func(c *domain.Contact) { c.Employees = 1 }), []string{small}},
		{"agro", contact(func(c *domain.Contact) { c.Sector = "Agro" }), []string{sector}},
		{"santé", contact(func(c *domain.Contact) { c.Sector = "santé" }), []string{sector}},
		{"banking", contact(func(c *domain.Contact) { c.Sector = "banque" }), nil},
		{"budget 10 000 €", contact(func(c *domain.Contact) { c.Budget = 1000000 }), []string{budgetBig}},
		{"budget 9 999,99 €", contact(func(c *domain.Contact) { c.Budget = 999999 }), []string{budgetMid}},
		{"budget 2 000 €", contact(func(c *domain.Contact) { c.Budget = 200000 }), []string{budgetMid}},
		{"budget 1 999,99 €", contact(func(c *domain.Contact) { c.Budget = 199999 }), nil},
		{"project today", contact(func(c *domain.Contact) { c.ProjectDate = day(2026, 11, 20) }), []string{project}},
		{"project in 90 days", contact(func(c *domain.Contact) { c.ProjectDate = day(2027, 2, 18) }), []string{project}},
		{"project in 91 days", contact(func(c *domain.Contact) { c.ProjectDate = day(2027, 2, 19) }), nil},
		{"project passed", contact(func(c *domain.Contact) { c.ProjectDate = day(2026, 11, 19) }), nil},
		{"form this month", counts(domain.Form, 1, 1, 1), []string{form}},
		{"form long ago", counts(domain.Form, 4, 0, 0), nil},
		{"form 60 days ago", counts(domain.Form, 1, 0, 1), nil},
		{"download in 90 days", counts(domain.Download, 1, 0, 1), []string{download}},
		{"download long ago", counts(domain.Download, 9, 0, 0), nil},
		{"3 emails opened", counts(domain.EmailOpened, 3, 0, 3), []string{opens}},
		{"2 emails opened", counts(domain.EmailOpened, 10, 2, 2), nil},
		{"2 clicks", counts(domain.Click, 2, 0, 2), []string{clicks}},
		{"1 click", counts(domain.Click, 5, 1, 1), nil},
		{"a request", counts(domain.Request, 1, 0, 1), []string{request}},
		{"an old request", counts(domain.Request, 1, 0, 0), nil},
		{"referral", contact(func(c *domain.Contact) { c.Source = "Referral" }), []string{origin}},
		{"salon", contact(func(c *domain.Contact) { c.Source = "salon" }), []string{origin}},
		{"web", contact(func(c *domain.Contact) { c.Source = "web" }), nil},
		{"by phone", contact(func(c *domain.Contact) { c.Channel = "téléphone" }), []string{channel}},
		{"by site form", contact(func(c *domain.Contact) { c.Channel = "Site form" }), []string{channel}},
		{"by ads", contact(func(c *domain.Contact) { c.Channel = "ads" }), nil},
		{"contacted 30 days ago", contact(func(c *domain.Contact) { c.LastContactAt = daysAgo(30) }), []string{recent}},
		{"contacted 31 days ago", contact(func(c *domain.Contact) { c.LastContactAt = daysAgo(31) }), nil},
		{"new contact", contact(func(c *domain.Contact) { c.CreatedAt = daysAgo(2) }), []string{recent}},
		{"interaction 3 days ago", func(_ *domain.Contact, f *domain.Facts) { f.LastInteraction = daysAgo(3) }, []string{recent}},
		{"contacted 90 days ago", contact(func(c *domain.Contact) { c.LastContactAt = daysAgo(90) }), nil},
		{"contacted 91 days ago", contact(func(c *domain.Contact) { c.LastContactAt = daysAgo(91) }), []string{stale}},
		{"created a year ago, never contacted", contact(func(c *domain.Contact) { c.CreatedAt = daysAgo(365) }), []string{stale}},
		{"old contact, recent interaction", func(c *domain.Contact, f *domain.Facts) {
			c.LastContactAt, f.LastInteraction = daysAgo(200), daysAgo(10)
		}, []string{recent}},
	}
	e := defaultEngine(t)
	seen := map[string]bool{}
	for _, tc := range cases {
		c, f := quiet()
		tc.setup(c, f)
		res := e.Score(c, f, scoreNow)
		var names []string
		raw := 0
		for _, fr := range res.Fired {
			names = append(names, fr.Rule)
			if fr.Points != rulePoints(t, fr.Rule) {
				t.Errorf("%s: rule %q gave %d points, its rule says %d", tc.name, fr.Rule, fr.Points, rulePoints(t, fr.Rule))
			}
		}
		for _, n := range tc.fired {
			raw += rulePoints(t, n)
			seen[n] = true
		}
		if !slices.Equal(names, tc.fired) {
			t.Errorf("%s: fired %q, want %q", tc.name, names, tc.fired)
		}
		want := min(max(raw, 0), 100)
		if res.Raw != raw || res.Score != want || res.Grade != domain.DefaultGrades.Grade(want) {
			t.Errorf("%s: raw %d score %d grade %s; want raw %d score %d", tc.name, res.Raw, res.Score, res.Grade, raw, want)
		}
	}
	for _, r := range domain.DefaultRules {
		if !seen[r.Name] {
			t.Errorf("no case shows default rule %q firing", r.Name)
		}
	}
}

func TestScoreClampsAndExplains(t *testing.T) {
	e := defaultEngine(t)
	c, f := quiet()
	c.Role, c.Employees, c.Sector, c.Budget = "PDG", 120, "industrie", 5000000
	c.ProjectDate, c.Source, c.Channel, c.LastContactAt = day(2026, 12, 15), "salon", "phone", daysAgo(1)
	for _, k := range []domain.InteractionKind{domain.Form, domain.Download, domain.EmailOpened, domain.Click, domain.Request} {
		counts(k, 3, 3, 3)(c, f)
	}
	hot := e.Score(c, f, scoreNow)
	if hot.Raw != 120 || hot.Score != 100 || hot.Grade != "A" || len(hot.Fired) != 13 {
		t.Errorf("a hot lead: raw %d score %d grade %s, %d rules; want 120, 100, A, 13", hot.Raw, hot.Score, hot.Grade, len(hot.Fired))
	}

	c, f = quiet()
	c.Employees, c.LastContactAt = 2, daysAgo(400)
	cold := e.Score(c, f, scoreNow)
	want := []domain.Fired{{Rule: "Too small for us", Points: -10}, {Rule: "No contact for over 90 days", Points: -10}}
	if cold.Raw != -20 || cold.Score != 0 || cold.Grade != "D" || !slices.Equal(cold.Fired, want) {
		t.Errorf("a cold contact: %+v; want raw -20, score 0, grade D, fired %v", cold, want)
	}
}

func TestCustomRules(t *testing.T) {
	rules := []domain.Rule{
		{Name: "Big", When: `employees >= 50`, Points: 40},
		{Name: "Out of target", When: `employees < 5`, Points: -25},
		{Name: "Lyon", When: `city == "lyon"`, Points: 30},
		{Name: "Loyal", When: `attrs["card"] == "gold"`, Points: 20},
		{Name: "Tagged VIP", When: `"vip" in tags`, Points: 15},
		{Name: "Ever filled a form", When: `forms > 0`, Points: 1},
		{Name: "Form this month", When: `forms_30d > 0`, Points: 2},
		{Name: "Never ordered", When: `orders == 0 && days_since_last_order > 90`, Points: 3},
		{Name: "Good customer", When: `revenue >= 1000 && orders >= 2 && days_since_last_order <= 30`, Points: 50},
		{Name: "Forties", When: `age >= 40 && age < 50`, Points: 4},
	}
	e, err := domain.NewEngine(rules, domain.Grades{A: 90, B: 60, C: 30})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		setup func(*domain.Contact, *domain.Facts)
		score int
		grade string
		fired []string
	}{
		{"nothing", func(*domain.Contact, *domain.Facts) {}, 0, "D", []string{"Out of target", "Never ordered"}},
		{"big in Lyon", contact(func(c *domain.Contact) { c.Employees, c.City = 80, "LYON" }), 73, "B", []string{"Big", "Lyon", "Never ordered"}},
		{"gold card, VIP", contact(func(c *domain.Contact) {
			c.Employees, c.Attrs, c.Tags = 10, map[string]string{"card": "gold"}, []string{"VIP"}
		}), 38, "C", []string{"Loyal", "Tagged VIP", "Never ordered"}},
		{"old forms only count in total", func(c *domain.Contact, f *domain.Facts) {
			c.Employees = 10
			counts(domain.Form, 5, 0, 2)(c, f)
		}, 4, "D", []string{"Ever filled a form", "Never ordered"}},
		{"a recent form", func(c *domain.Contact, f *domain.Facts) {
			c.Employees = 10
			counts(domain.Form, 5, 1, 2)(c, f)
		}, 6, "D", []string{"Ever filled a form", "Form this month", "Never ordered"}},
		{"good customer", func(c *domain.Contact, f *domain.Facts) {
			c.Employees, c.BirthYear = 60, 1980
			f.Orders, f.Revenue, f.LastOrder = 3, 150000, day(2026, 11, 1)
		}, 94, "A", []string{"Big", "Good customer", "Forties"}},
		{"customer gone quiet", func(c *domain.Contact, f *domain.Facts) {
			c.Employees = 60
			f.Orders, f.Revenue, f.LastOrder = 3, 150000, day(2026, 9, 1)
		}, 40, "C", []string{"Big"}},
	}
	for _, tc := range cases {
		c, f := quiet()
		tc.setup(c, f)
		res := e.Score(c, f, scoreNow)
		var names []string
		for _, fr := range res.Fired {
			names = append(names, fr.Rule)
		}
		if res.Score != tc.score || res.Grade != tc.grade || !slices.Equal(names, tc.fired) {
			t.Errorf("%s: score %d grade %s fired %q; want %d %s %q", tc.name, res.Score, res.Grade, names, tc.score, tc.grade, tc.fired)
		}
	}
	if !slices.Equal(e.Rules(), rules) || e.Grades() != (domain.Grades{A: 90, B: 60, C: 30}) {
		t.Errorf("the engine does not report its rules and grades")
	}
}

func TestNewEngineRefusesBadRules(t *testing.T) {
	good := domain.Rule{Name: "Good", When: "employees > 3", Points: 1}
	cases := []struct {
		name string
		bad  domain.Rule
	}{
		{"syntax", domain.Rule{Name: "Broken", When: "employees >=", Points: 1}},
		{"unknown name", domain.Rule{Name: "Typo", When: "employes >= 50", Points: 1}},
		{"not a condition", domain.Rule{Name: "Sum", When: "employees + 1", Points: 1}},
		{"type mismatch", domain.Rule{Name: "Mixed", When: `sector > 3`, Points: 1}},
		{"empty", domain.Rule{Name: "Empty", When: "", Points: 1}},
		{"no name", domain.Rule{Name: " ", When: "employees > 1", Points: 1}},
	}
	for _, tc := range cases {
		for index := range 3 {
			rules := []domain.Rule{good, good, good}
			rules[index] = tc.bad
			e, err := domain.NewEngine(rules, domain.DefaultGrades)
			var re *domain.RuleError
			if e != nil || !errors.As(err, &re) {
				t.Errorf("%s at %d: engine %v, error %v; want a *RuleError", tc.name, index, e, err)
				continue
			}
			if re.Index != index || re.Rule != tc.bad || re.Err == nil || !domain.IsCode(re.Err, domain.Invalid) {
				t.Errorf("%s at %d: %+v", tc.name, index, re)
			}
		}
	}
	var re *domain.RuleError
	_, err := domain.NewEngine([]domain.Rule{good, {Name: "Typo", When: "employes >= 50"}}, domain.DefaultGrades)
	if !errors.As(err, &re) || !strings.HasPrefix(re.Error(), `rule 2 ("Typo"): `) {
		t.Errorf("the message does not number the rule from 1 and name it: %v", err)
	}
}

func TestGrades(t *testing.T) {
	g := domain.DefaultGrades
	for score, want := range map[int]string{100: "A", 75: "A", 74: "B", 50: "B", 49: "C", 25: "C", 24: "D", 0: "D"} {
		if got := g.Grade(score); got != want {
			t.Errorf("Grade(%d) = %s, want %s", score, got, want)
		}
	}
	custom := domain.Grades{A: 90, B: 40, C: 10}
	for score, want := range map[int]string{90: "A", 89: "B", 40: "B", 39: "C", 10: "C", 9: "D"} {
		if got := custom.Grade(score); got != want {
			t.Errorf("custom Grade(%d) = %s, want %s", score, got, want)
		}
	}
	for _, ok := range []domain.Grades{g, {A: 100, B: 50, C: 0}, {A: 3, B: 2, C: 1}} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	for _, bad := range []domain.Grades{{A: 101, B: 50, C: 25}, {A: 75, B: 50, C: -1}, {A: 50, B: 50, C: 25},
		{A: 75, B: 25, C: 25}, {A: 25, B: 50, C: 75}, {}} {
		wantInvalid(t, "Grades.Validate", bad.Validate())
		if _, err := domain.NewEngine(domain.DefaultRules, bad); !domain.IsCode(err, domain.Invalid) {
			t.Errorf("NewEngine with grades %+v: %v", bad, err)
		}
	}
}

func TestScoreEnv(t *testing.T) {
	c := &domain.Contact{Name: "Jeanne", Role: "CEO", Sector: "AGRO", BirthYear: 1980, CreatedAt: daysAgo(40),
		ProjectDate: day(2026, 12, 20), Tags: []string{"VIP"}, Budget: 250050, Stage: domain.Prospect}
	f := &domain.Facts{Counts: map[domain.InteractionKind]domain.WindowCounts{domain.Call: {Total: 4, Last30: 1, Last90: 2}}}
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	env := domain.NewScoreEnv(c, f, scoreNow)
	check("days_since_last_contact, never contacted", env.DaysSinceLastContact, 40)
	check("days_since_created", env.DaysSinceCreated, 40)
	check("days_since_last_order, never ordered", env.DaysSinceLastOrder > 90, true)
	check("project_in_days", env.ProjectInDays, 30)
	check("age", env.Age, 46)
	check("sector", env.Sector, "agro")
	check("budget", env.Budget, 2500.5)
	check("stage", env.Stage, "prospect")
	check("calls", env.Calls, 4)
	check("calls_30d", env.Calls30, 1)
	check("calls_90d", env.Calls90, 2)
	check("meetings", env.Meetings, 0)
	check("tags", env.Tags[0], "vip")

	c.LastContactAt = daysAgo(12)
	check("days_since_last_contact, contacted", domain.NewScoreEnv(c, f, scoreNow).DaysSinceLastContact, 12)
	f.LastInteraction = daysAgo(3)
	check("days_since_last_contact, later interaction", domain.NewScoreEnv(c, f, scoreNow).DaysSinceLastContact, 3)
	f.LastInteraction = daysAgo(30)
	check("days_since_last_contact, earlier interaction", domain.NewScoreEnv(c, f, scoreNow).DaysSinceLastContact, 12)
	f.LastOrder = day(2026, 11, 13)
	check("days_since_last_order", domain.NewScoreEnv(c, f, scoreNow).DaysSinceLastOrder, 7)
}

func TestDaysBetween(t *testing.T) {
	loc := paris(t)
	for _, c := range []struct {
		a, b time.Time
		want int
	}{
		{day(2026, 11, 20), day(2026, 11, 20), 0},
		{day(2026, 11, 20), day(2026, 11, 21), 1},
		{day(2026, 11, 21), day(2026, 11, 20), -1},
		{time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 1, 0, 0, time.UTC), 1},
		{day(2026, 1, 1), day(2027, 1, 1), 365},
		{day(2028, 2, 28), day(2028, 3, 1), 2},
		// Across the change to summer time, whole days still count as days.
		{time.Date(2026, 3, 28, 12, 0, 0, 0, loc), time.Date(2026, 3, 30, 12, 0, 0, 0, loc), 2},
	} {
		if got := domain.DaysBetween(c.a, c.b); got != c.want {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestEngineConcurrentUse(t *testing.T) {
	e := defaultEngine(t)
	c, f := quiet()
	c.Role, c.Employees = "CEO", 60
	want := e.Score(c, f, scoreNow)
	var wg sync.WaitGroup
	results := make([]domain.ScoreResult, 8)
	for i := range results {
		wg.Go(func() {
			for range 50 {
				results[i] = e.Score(c, f, scoreNow)
			}
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.Score != want.Score || !slices.Equal(r.Fired, want.Fired) {
			t.Errorf("goroutine %d scored %+v, want %+v", i, r, want)
		}
	}
}

func TestCompileExpr(t *testing.T) {
	for _, src := range []string{`stage == "customer"`, `"bio" in interests && satisfaction >= 4`, `revenue > 100 || orders > 2`} {
		if _, err := domain.CompileExpr(src); err != nil {
			t.Errorf("CompileExpr(%q): %v", src, err)
		}
	}
	for _, src := range []string{`stage ==`, `colour == "red"`, `orders`} {
		_, err := domain.CompileExpr(src)
		wantInvalid(t, "CompileExpr("+src+")", err)
	}
}
