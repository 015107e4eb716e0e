package domain_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

func TestDecayFactor(t *testing.T) {
	for _, tc := range []struct {
		age  int
		want float64
	}{
		{0, 1}, {30, 0.5}, {60, 0.25}, {90, 0.125}, {365, math.Pow(0.5, 365.0/30)}, {-3, 1},
	} {
		if got := domain.DecayFactor(tc.age, 30); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("DecayFactor(%d, 30) = %v, want %v", tc.age, got, tc.want)
		}
	}
}

// withForm gives the contact a form filled days ago.
func withForm(days int) func(*domain.Contact, *domain.Facts) {
	return lastOf(domain.Form, days)
}

func lastOf(k domain.InteractionKind, days int) func(*domain.Contact, *domain.Facts) {
	return func(_ *domain.Contact, f *domain.Facts) {
		if f.Counts == nil {
			f.Counts = map[domain.InteractionKind]domain.WindowCounts{}
			f.LastAt = map[domain.InteractionKind]time.Time{}
		}
		w := domain.WindowCounts{Total: 1}
		if days <= 30 {
			w.Last30 = 1
		}
		if days <= 90 {
			w.Last90 = 1
		}
		f.Counts[k] = w
		f.LastAt[k] = daysAgo(days)
	}
}

func decayEngine(t *testing.T, halfLife int, rules ...domain.Rule) *domain.Engine {
	t.Helper()
	e, err := domain.NewEngine(rules, domain.DefaultGrades, domain.WithDecay(halfLife))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var (
	formRule  = domain.Rule{Name: "form filled", When: "forms > 0", Points: 10}
	clickRule = domain.Rule{Name: "clicked", When: "clicks > 0", Points: 10}
)

func TestDecayHalfLife(t *testing.T) {
	for _, tc := range []struct {
		days       int
		factor     float64
		decayed    float64
		score      int
		engagement int // the share of the rule's 10 points the decayed ones are
		halfLife   int
		wantDecay  bool
	}{
		{days: 0, factor: 1, decayed: 10, score: 10, engagement: 100, halfLife: 30, wantDecay: true},
		{days: 30, factor: 0.5, decayed: 5, score: 5, engagement: 50, halfLife: 30, wantDecay: true},
		{days: 60, factor: 0.25, decayed: 2.5, score: 3, engagement: 25, halfLife: 30, wantDecay: true}, // 2.5 rounds half away from zero
		{days: 365, factor: math.Pow(0.5, 365.0/30), decayed: 10 * math.Pow(0.5, 365.0/30), score: 0, engagement: 0, halfLife: 30, wantDecay: true},
		{days: 60, score: 10, engagement: 100, halfLife: 0}, // decay off: the points count whole
	} {
		c, f := quiet()
		withForm(tc.days)(c, f)
		r := decayEngine(t, tc.halfLife, formRule).Score(c, f, scoreNow)
		if len(r.Fired) != 1 || r.Score != tc.score || r.Engagement != tc.engagement {
			t.Errorf("%d days, half-life %d: score %d, engagement %d, fired %+v; want score %d, engagement %d", tc.days, tc.halfLife, r.Score, r.Engagement, r.Fired, tc.score, tc.engagement)
			continue
		}
		d := r.Fired[0].Decay
		if (d != nil) != tc.wantDecay {
			t.Fatalf("%d days: decay %+v, want one: %v", tc.days, d, tc.wantDecay)
		}
		if d != nil && (d.AgeDays != tc.days || math.Abs(d.Factor-tc.factor) > 1e-12 || math.Abs(d.Points-tc.decayed) > 1e-9 || r.Fired[0].Points != 10) {
			t.Errorf("%d days: decay %+v (points %d), want age %d factor %v points %v", tc.days, d, r.Fired[0].Points, tc.days, tc.factor, tc.decayed)
		}
	}
}

// Two rules of 2.5 points each make 5: the total is rounded once, not
// each rule (3 + 3 or 2 + 2).
func TestDecayRoundsOnceAtTheTotal(t *testing.T) {
	c, f := quiet()
	withForm(60)(c, f)
	lastOf(domain.Click, 60)(c, f)
	r := decayEngine(t, 30, formRule, clickRule).Score(c, f, scoreNow)
	if r.Raw != 5 || r.Score != 5 || r.Engagement != 25 { // 5 of the 20 points the two rules give
		t.Errorf("raw %d score %d engagement %d, want 5, 5 and 25", r.Raw, r.Score, r.Engagement)
	}
}

func TestDecayExemptions(t *testing.T) {
	fit := domain.Rule{Name: "big", When: "employees >= 50", Points: 20}
	none := domain.Rule{Name: "form, never fading", When: "forms > 0", Points: 10, Decay: "none"}
	penalty := domain.Rule{Name: "quiet", When: "days_since_last_contact > 90", Points: -10}
	e := decayEngine(t, 30, fit, none, penalty)
	c, f := quiet()
	c.Employees = 80
	c.CreatedAt = daysAgo(400)
	withForm(200)(c, f)
	f.LastInteraction = daysAgo(200)
	r := e.Score(c, f, scoreNow)
	if len(r.Fired) != 3 {
		t.Fatalf("fired %+v, want the three rules", r.Fired)
	}
	for _, fr := range r.Fired {
		if fr.Decay != nil {
			t.Errorf("%s decayed (%+v): fit rules, decay: none and penalties keep their points", fr.Rule, fr.Decay)
		}
	}
	if r.Score != 20 || r.FitPoints != 20 || r.Fit != "C" || r.Engagement != 0 {
		t.Errorf("score %d, fit %d (%s), engagement %d; want 20, 20 (C), 0", r.Score, r.FitPoints, r.Fit, r.Engagement)
	}
}

// A rule ages from the latest activity its expression names: the last
// order for orders and revenue, the last contact for
// days_since_last_contact, the latest of several kinds.
func TestDecayAgesFromTheActivityNamed(t *testing.T) {
	orders := domain.Rule{Name: "buyer", When: "orders >= 1 && revenue > 0", Points: 8}
	contacted := domain.Rule{Name: "contacted", When: "days_since_last_contact <= 400", Points: 8}
	either := domain.Rule{Name: "form or click", When: "forms > 0 || clicks > 0", Points: 8}
	e := decayEngine(t, 30, orders, contacted, either)
	c, f := quiet()
	f.Orders, f.Revenue, f.LastOrder = 2, 50000, daysAgo(30)
	c.LastContactAt = daysAgo(60)
	withForm(90)(c, f)
	lastOf(domain.Click, 30)(c, f)
	f.LastInteraction = daysAgo(30)
	r := e.Score(c, f, scoreNow)
	want := map[string]int{"buyer": 30, "contacted": 30, "form or click": 30}
	for _, fr := range r.Fired {
		if fr.Decay == nil || fr.Decay.AgeDays != want[fr.Rule] {
			t.Errorf("%s: decay %+v, want age %d", fr.Rule, fr.Decay, want[fr.Rule])
		}
	}
	// Without interactions, days_since_last_contact counts from the
	// creation, and so does its decay.
	c2, f2 := quiet()
	r = decayEngine(t, 30, contacted).Score(c2, f2, scoreNow)
	if len(r.Fired) != 1 || r.Fired[0].Decay == nil || r.Fired[0].Decay.AgeDays != 60 {
		t.Errorf("fired %+v, want contacted aged 60 days (its creation)", r.Fired)
	}
}

func TestAxisSplit(t *testing.T) {
	want := map[string]domain.Axis{
		"Decision maker": domain.Fit, "Company of 50 or more": domain.Fit, "Company of 10 to 49": domain.Fit,
		"Too small for us": domain.Fit, "Target sector": domain.Fit, "Budget of 10 000 € or more": domain.Fit,
		"Budget of 2 000 to 9 999 €": domain.Fit, "Project within 3 months": domain.Fit,
		"Came by referral or trade show": domain.Fit, "First contact by phone or site form": domain.Fit,
		"Filled a form (30 days)": domain.Engagement, "Downloaded content (90 days)": domain.Engagement,
		"Opens our emails (90 days)": domain.Engagement, "Clicks our links (90 days)": domain.Engagement,
		"Specific request (90 days)": domain.Engagement, "Contacted in the last 30 days": domain.Engagement,
		"No contact for over 90 days": domain.Engagement,
	}
	e := defaultEngine(t)
	for _, r := range domain.DefaultRules {
		if got := e.Axis(r.Name); got != want[r.Name] {
			t.Errorf("%s: axis %s, want %s", r.Name, got, want[r.Name])
		}
	}
	for _, tc := range []struct {
		rule domain.Rule
		want domain.Axis
	}{
		{domain.Rule{Name: "r", When: "revenue > 1000", Points: 1}, domain.Engagement},
		{domain.Rule{Name: "r", When: "days_since_last_order < 30", Points: 1}, domain.Engagement},
		{domain.Rule{Name: "r", When: "meetings_30d > 0", Points: 1}, domain.Engagement},
		{domain.Rule{Name: "r", When: `city == "Lyon"`, Points: 1}, domain.Fit},
		{domain.Rule{Name: "r", When: "meetings_30d > 0", Points: 1, Axis: domain.Fit}, domain.Fit},
		{domain.Rule{Name: "r", When: `sector == "btp"`, Points: 1, Axis: domain.Engagement}, domain.Engagement},
	} {
		if got, err := domain.RuleAxis(tc.rule); err != nil || got != tc.want {
			t.Errorf("%s (axis %q): %s %v, want %s", tc.rule.When, tc.rule.Axis, got, err, tc.want)
		}
	}
}

func TestFitAndEngagement(t *testing.T) {
	e := defaultEngine(t)
	c, f := quiet()
	c.Role, c.Employees, c.Sector, c.Budget = "CEO", 80, "BTP", 1500000 // 15 + 10 + 10 + 15 = 50: A
	c.LastContactAt = daysAgo(3)                                        // +5 engagement
	counts(domain.Form, 1, 1, 1)(c, f)                                  // +10
	counts(domain.Request, 1, 0, 1)(c, f)                               // +15
	r := e.Score(c, f, scoreNow)
	if r.FitPoints != 50 || r.Fit != "A" || r.Engagement != 67 || r.Score != 80 { // 30 of the 45 engagement points
		t.Errorf("fit %d (%s), engagement %d, score %d; want 50 (A), 67, 80", r.FitPoints, r.Fit, r.Engagement, r.Score)
	}
	// Engagement is clamped at 0: a penalty alone gives 0, not -10.
	c2, f2 := quiet()
	c2.CreatedAt = daysAgo(200)
	if r := e.Score(c2, f2, scoreNow); r.Engagement != 0 || r.Fit != "D" {
		t.Errorf("engagement %d fit %s, want 0 and D", r.Engagement, r.Fit)
	}
}

func TestBadAxisOrDecay(t *testing.T) {
	for _, r := range []domain.Rule{
		{Name: "r", When: "forms > 0", Points: 1, Axis: "behaviour"},
		{Name: "r", When: "forms > 0", Points: 1, Decay: "fast"},
	} {
		_, err := domain.NewEngine([]domain.Rule{r}, domain.DefaultGrades)
		var re *domain.RuleError
		if !errors.As(err, &re) || !domain.IsCode(err, domain.Invalid) {
			t.Errorf("%+v: %v, want an invalid rule", r, err)
		}
	}
	if _, err := domain.NewEngine(nil, domain.DefaultGrades, domain.WithFitGrades(domain.Grades{A: 10, B: 20, C: 5})); err == nil {
		t.Error("fit grades out of order were accepted")
	}
	if _, err := domain.NewEngine(nil, domain.DefaultGrades, domain.WithDecay(-1)); err == nil {
		t.Error("a negative half-life was accepted")
	}
}
