package domain

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// Rule gives Points to every contact for which When, an expression over
// ScoreEnv's fields, is true. Points may be negative.
type Rule struct {
	Name   string `json:"name"`
	When   string `json:"when"`
	Points int    `json:"points"`
	// Axis says whether the rule measures who the contact is (fit) or
	// what it does (engagement); "" reads it from When (RuleAxis).
	Axis Axis `json:"axis,omitempty"`
	// Decay is "none" for a rule whose points never fade; "" lets them
	// fade with the age of the activity that makes the rule true, when
	// the engine decays (WithDecay).
	Decay string `json:"decay,omitempty"`
}

// Grades holds the lowest score of grades A, B and C; below C is D.
type Grades struct {
	A, B, C int
}

// DefaultGrades are the documented grade thresholds
// (docs/configuration.md, scoring).
var DefaultGrades = Grades{A: 75, B: 50, C: 25}

// Grade returns the letter of score.
func (g Grades) Grade(score int) string {
	switch {
	case score >= g.A:
		return "A"
	case score >= g.B:
		return "B"
	case score >= g.C:
		return "C"
	}
	return "D"
}

// Min returns the lowest score of grade (A, B, C or D); of no grade
// ("" or another letter), above every score.
func (g Grades) Min(grade string) int {
	switch grade {
	case "A":
		return g.A
	case "B":
		return g.B
	case "C":
		return g.C
	case "D":
		return math.MinInt32
	}
	return math.MaxInt32
}

// Validate checks that the thresholds are within 0–100 and decreasing.
func (g Grades) Validate() error {
	if g.A > 100 || g.C < 0 || g.A <= g.B || g.B <= g.C {
		return Errorf(Invalid, "grade thresholds must be 100 ≥ A > B > C ≥ 0 (got A=%d B=%d C=%d)", g.A, g.B, g.C)
	}
	return nil
}

// DefaultRules are the built-in scoring rules, drawn from the classic
// explicit (who the contact is) and behavioural (what the contact did)
// criteria of lead scoring.
var DefaultRules = []Rule{
	{Name: "Decision maker", When: `role matches "(ceo|pdg|dg|directeur|directrice|gérant|gerante|gerant|gérante|fondat|founder|président|presidente|president|owner)"`, Points: 15},
	{Name: "Company of 50 or more", When: `employees >= 50`, Points: 10},
	{Name: "Company of 10 to 49", When: `employees >= 10 && employees < 50`, Points: 5},
	{Name: "Too small for us", When: `employees > 0 && employees < 5`, Points: -10},
	{Name: "Target sector", When: `sector in ["agroalimentaire", "agro", "industrie", "btp", "commerce", "santé", "sante"]`, Points: 10},
	{Name: "Budget of 10 000 € or more", When: `budget >= 10000`, Points: 15},
	{Name: "Budget of 2 000 to 9 999 €", When: `budget >= 2000 && budget < 10000`, Points: 5},
	{Name: "Project within 3 months", When: `has_project_date && project_in_days >= 0 && project_in_days <= 90`, Points: 10},
	{Name: "Filled a form (30 days)", When: `forms_30d > 0`, Points: 10},
	{Name: "Downloaded content (90 days)", When: `downloads_90d > 0`, Points: 5},
	{Name: "Opens our emails (90 days)", When: `emails_opened_90d >= 3`, Points: 5},
	{Name: "Clicks our links (90 days)", When: `clicks_90d >= 2`, Points: 5},
	{Name: "Specific request (90 days)", When: `requests_90d > 0`, Points: 15},
	{Name: "Came by referral or trade show", When: `source in ["referral", "recommandation", "salon", "trade show"]`, Points: 10},
	{Name: "First contact by phone or site form", When: `channel in ["phone", "téléphone", "telephone", "site form", "formulaire"]`, Points: 5},
	{Name: "Contacted in the last 30 days", When: `days_since_last_contact <= 30`, Points: 5},
	{Name: "No contact for over 90 days", When: `days_since_last_contact > 90`, Points: -10},
}

// WindowCounts counts one kind of interaction over all time and over the
// last 30 and 90 days, so that old activity stops counting.
type WindowCounts struct {
	Total, Last30, Last90 int
}

// Facts is what the scoring rules know of a contact beyond its fields:
// counted from its interactions and orders.
type Facts struct {
	Counts map[InteractionKind]WindowCounts
	// LastAt is the time of the latest interaction of each kind, from
	// which a decaying rule on that kind counts its age.
	LastAt          map[InteractionKind]time.Time
	LastInteraction time.Time
	Orders          int
	Revenue         int64
	LastOrder       time.Time
}

// ScoreEnv is the set of names a scoring rule or a filter expression can use.
// Text is folded (Fold: lower case, no accents), money in euros, durations
// in whole days.
type ScoreEnv struct {
	Name             string            `expr:"name"`
	Email            string            `expr:"email"`
	City             string            `expr:"city"`
	Country          string            `expr:"country"`
	Language         string            `expr:"language"`
	Gender           string            `expr:"gender"`
	BirthYear        int               `expr:"birth_year"`
	Age              int               `expr:"age"`
	Role             string            `expr:"role"`
	Company          string            `expr:"company"`
	Sector           string            `expr:"sector"`
	Employees        int               `expr:"employees"`
	Capital          float64           `expr:"capital"`
	Product          string            `expr:"product"`
	Budget           float64           `expr:"budget"`
	HasProjectDate   bool              `expr:"has_project_date"`
	ProjectInDays    int               `expr:"project_in_days"`
	Source           string            `expr:"source"`
	Channel          string            `expr:"channel"`
	Interests        []string          `expr:"interests"`
	Categories       []string          `expr:"categories"`
	PreferredChannel string            `expr:"preferred_channel"`
	Frequency        string            `expr:"frequency"`
	Satisfaction     int               `expr:"satisfaction"`
	Tags             []string          `expr:"tags"`
	Attrs            map[string]string `expr:"attrs"`
	Stage            string            `expr:"stage"`
	Owner            string            `expr:"owner"`
	// Persona is the customer's persona in the last run of personas (1
	// to 5), 0 for none: saved segments' filters see it (persona == 2),
	// scoring rules do not (it is 0 there).
	Persona int `expr:"persona"`

	DaysSinceLastContact int     `expr:"days_since_last_contact"`
	DaysSinceCreated     int     `expr:"days_since_created"`
	Orders               int     `expr:"orders"`
	Revenue              float64 `expr:"revenue"`
	DaysSinceLastOrder   int     `expr:"days_since_last_order"`

	Calls          int `expr:"calls"`
	Calls30        int `expr:"calls_30d"`
	Calls90        int `expr:"calls_90d"`
	Meetings       int `expr:"meetings"`
	Meetings30     int `expr:"meetings_30d"`
	Meetings90     int `expr:"meetings_90d"`
	Emails         int `expr:"emails"`
	Emails30       int `expr:"emails_30d"`
	Emails90       int `expr:"emails_90d"`
	EmailsOpened   int `expr:"emails_opened"`
	EmailsOpened30 int `expr:"emails_opened_30d"`
	EmailsOpened90 int `expr:"emails_opened_90d"`
	Clicks         int `expr:"clicks"`
	Clicks30       int `expr:"clicks_30d"`
	Clicks90       int `expr:"clicks_90d"`
	Forms          int `expr:"forms"`
	Forms30        int `expr:"forms_30d"`
	Forms90        int `expr:"forms_90d"`
	Downloads      int `expr:"downloads"`
	Downloads30    int `expr:"downloads_30d"`
	Downloads90    int `expr:"downloads_90d"`
	Requests       int `expr:"requests"`
	Requests30     int `expr:"requests_30d"`
	Requests90     int `expr:"requests_90d"`
	Visits         int `expr:"visits"`
	Visits30       int `expr:"visits_30d"`
	Visits90       int `expr:"visits_90d"`
}

// neverDays stands for "never happened" in day counts, so that
// "days_since_last_order > 90" holds for a contact who never ordered.
const neverDays = 100000

// NewScoreEnv gathers what the rules can see of c at now.
func NewScoreEnv(c *Contact, f *Facts, now time.Time) *ScoreEnv {
	e := new(ScoreEnv)
	e.fill(c, f, now)
	return e
}

// fill sets every field of e; scoring reuses one ScoreEnv per goroutine so
// that scoring a contact allocates next to nothing.
func (e *ScoreEnv) fill(c *Contact, f *Facts, now time.Time) {
	*e = ScoreEnv{
		Name: Fold(c.Name), Email: c.Email, City: Fold(c.City), Country: Fold(c.Country),
		Language: Fold(c.Language), Gender: Fold(c.Gender), BirthYear: c.BirthYear,
		Role: Fold(c.Role), Company: Fold(c.Company), Sector: Fold(c.Sector),
		Employees: c.Employees, Capital: float64(c.Capital) / 100, Product: Fold(c.Product),
		Budget: float64(c.Budget) / 100, HasProjectDate: !c.ProjectDate.IsZero(),
		Source: Fold(c.Source), Channel: Fold(c.Channel),
		Interests: foldAll(c.Interests), Categories: foldAll(c.Categories),
		PreferredChannel: Fold(c.PreferredChannel), Frequency: Fold(c.Frequency),
		Satisfaction: c.Satisfaction, Tags: foldAll(c.Tags), Attrs: foldMap(c.Attrs),
		Stage: string(c.Stage), Owner: Fold(c.Owner),
		Orders: f.Orders, Revenue: float64(f.Revenue) / 100,
		DaysSinceCreated:     DaysBetween(c.CreatedAt, now),
		DaysSinceLastOrder:   neverDays,
		DaysSinceLastContact: DaysBetween(c.CreatedAt, now),
	}
	if c.BirthYear > 0 {
		e.Age = now.Year() - c.BirthYear
	}
	if e.HasProjectDate {
		e.ProjectInDays = DaysBetween(now, c.ProjectDate)
	}
	if !f.LastOrder.IsZero() {
		e.DaysSinceLastOrder = DaysBetween(f.LastOrder, now)
	}
	if last := c.LastContactAt; !last.IsZero() || !f.LastInteraction.IsZero() {
		if f.LastInteraction.After(last) {
			last = f.LastInteraction
		}
		e.DaysSinceLastContact = DaysBetween(last, now)
	}
	counts := func(k InteractionKind) (int, int, int) {
		w := f.Counts[k]
		return w.Total, w.Last30, w.Last90
	}
	e.Calls, e.Calls30, e.Calls90 = counts(Call)
	e.Meetings, e.Meetings30, e.Meetings90 = counts(Meeting)
	e.Emails, e.Emails30, e.Emails90 = counts(EmailSent)
	e.EmailsOpened, e.EmailsOpened30, e.EmailsOpened90 = counts(EmailOpened)
	e.Clicks, e.Clicks30, e.Clicks90 = counts(Click)
	e.Forms, e.Forms30, e.Forms90 = counts(Form)
	e.Downloads, e.Downloads30, e.Downloads90 = counts(Download)
	e.Requests, e.Requests30, e.Requests90 = counts(Request)
	e.Visits, e.Visits30, e.Visits90 = counts(Visit)
}

// DaysBetween counts the whole calendar days from a to b (negative when b is
// before a), by their dates in UTC.
func DaysBetween(a, b time.Time) int {
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

func foldAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Fold(s)
	}
	return out
}

// foldMap folds the values of m, and returns m itself when they are folded
// already (the usual case), so that scoring allocates nothing for them.
func foldMap(m map[string]string) map[string]string {
	folded := true
	for _, v := range m {
		folded = folded && Fold(v) == v
	}
	if folded {
		return m
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = Fold(v)
	}
	return out
}

// foldTexts folds the text literals an expression compares with: the
// operands of ==, !=, <, <=, >, >=, in, contains, startsWith and
// endsWith, and the texts of a list after in. A regular expression after
// matches is left as written.
type foldTexts struct{}

var foldedOperators = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"in": true, "contains": true, "startsWith": true, "endsWith": true}

func (foldTexts) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok || !foldedOperators[b.Operator] {
		return
	}
	for _, n := range []ast.Node{b.Left, b.Right} {
		switch n := n.(type) {
		case *ast.StringNode:
			n.Value = Fold(n.Value)
		case *ast.ArrayNode:
			for _, m := range n.Nodes {
				if s, ok := m.(*ast.StringNode); ok {
					s.Value = Fold(s.Value)
				}
			}
		}
	}
}

// CompileExpr compiles a boolean expression over ScoreEnv, the language of
// scoring rules and of saved segment filters.
//
// Text is compared as find compares it, without case or accents: the
// contact's text is folded (Fold) in ScoreEnv, and so is every text an
// expression compares it with, so that city == "Lyon" and role ==
// "gerante" hold for the city lyon and the role Gérante.
func CompileExpr(src string) (*vm.Program, error) {
	p, err := expr.Compile(src, expr.Env(ScoreEnv{}), expr.AsBool(), expr.Patch(foldTexts{}))
	if err != nil {
		return nil, Errorf(Invalid, "%s", strings.TrimSpace(err.Error()))
	}
	return p, nil
}

// Engine scores contacts with compiled rules. It is safe for concurrent use.
type Engine struct {
	rules    []Rule
	programs []*vm.Program
	meta     []ruleMeta // what each rule measures and what ages it
	grades   Grades
	// fitGrades grade the fit points (scoring.fit_grades).
	fitGrades Grades
	// halfLife is scoring.decay.half_life_days; 0: no decay.
	halfLife float64
	// engagementMax is the sum of the engagement rules' positive points:
	// what a contact doing everything they reward earns, engagement 100.
	engagementMax int
	scratch       sync.Pool // of *scratch
}

// scratch is what one scoring goroutine reuses from contact to contact.
type scratch struct {
	vm  vm.VM
	env ScoreEnv
}

// RuleError says which rule failed to compile and why.
type RuleError struct {
	Index int // 0-based position in the list of rules
	Rule  Rule
	Err   error
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("rule %d (%q): %v", e.Index+1, e.Rule.Name, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

// NewEngine compiles rules once. It reports the first bad rule as a
// *RuleError. Without options the engine does not decay, and grades fit
// on DefaultFitGrades.
func NewEngine(rules []Rule, grades Grades, opts ...EngineOption) (*Engine, error) {
	if err := grades.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{rules: rules, grades: grades, fitGrades: DefaultFitGrades,
		programs: make([]*vm.Program, len(rules)), meta: make([]ruleMeta, len(rules))}
	for _, o := range opts {
		if err := o(e); err != nil {
			return nil, err
		}
	}
	for i, r := range rules {
		if strings.TrimSpace(r.Name) == "" {
			return nil, &RuleError{Index: i, Rule: r, Err: Errorf(Invalid, "a rule needs a name")}
		}
		p, err := CompileExpr(r.When)
		if err != nil {
			return nil, &RuleError{Index: i, Rule: r, Err: err}
		}
		e.programs[i] = p
		if e.meta[i], err = newRuleMeta(r, p); err != nil {
			return nil, &RuleError{Index: i, Rule: r, Err: err}
		}
		if e.meta[i].axis == Engagement && r.Points > 0 {
			e.engagementMax += r.Points
		}
	}
	e.scratch.New = func() any { return new(scratch) }
	return e, nil
}

// DefaultEngine compiles the built-in rules and grades. Their compiling is
// tested, so a failure here is a bug in crmbot, and it panics.
func DefaultEngine() *Engine {
	e, err := NewEngine(DefaultRules, DefaultGrades)
	if err != nil {
		panic("domain: the built-in scoring rules do not compile: " + err.Error())
	}
	return e
}

// Rules returns the engine's rules.
func (e *Engine) Rules() []Rule { return e.rules }

// Grades returns the engine's grade thresholds.
func (e *Engine) Grades() Grades { return e.grades }

// Fired is a rule that gave points to a contact.
type Fired struct {
	Rule   string `json:"rule"`
	Points int    `json:"points"`
	// Decay is how the points faded, when they did (a decaying engine, a
	// rule that decays, its activity dated); nil: they count whole.
	Decay *Decay `json:"decay,omitempty"`
}

// ScoreResult is a contact's score, grade and the rules that made them.
type ScoreResult struct {
	Score int     `json:"score"`
	Grade string  `json:"grade"`
	Raw   int     `json:"raw"` // the sum (decayed, rounded once) before clamping to 0–100
	Fired []Fired `json:"fired"`
	// Fit is the fit grade A–D, from FitPoints, the sum of the fit rules'
	// points; Engagement is the engagement rules' points, decayed, as a
	// share of all the positive points they can give (0–100), so that
	// engagement reads the same whatever the rules' scale.
	Fit        string `json:"fit"`
	FitPoints  int    `json:"fit_points"`
	Engagement int    `json:"engagement"`
}

// Score evaluates every rule against c and its facts at now. A rule that
// fails at run time (a type error the compiler could not see, a memory
// budget exceeded) does not fire.
func (e *Engine) Score(c *Contact, f *Facts, now time.Time) ScoreResult {
	return e.ScoreTally(c, f, now, nil)
}

// ScoreTally is Score, and adds to failures (when not nil) every rule that
// failed at run time on c, so that a rule failing silently can be told.
func (e *Engine) ScoreTally(c *Contact, f *Facts, now time.Time, failures *RuleFailures) ScoreResult {
	s := e.scratch.Get().(*scratch)
	defer e.scratch.Put(s)
	s.env.fill(c, f, now)
	res := ScoreResult{Fired: make([]Fired, 0, 8)}
	var total, engagement float64
	for i, p := range e.programs {
		out, err := s.vm.Run(p, &s.env)
		if err != nil && failures != nil {
			failures.Add(e.rules[i].Name, c.ID, err)
		}
		if err != nil || out != true {
			continue
		}
		fired := Fired{Rule: e.rules[i].Name, Points: e.rules[i].Points}
		points := float64(fired.Points)
		if e.halfLife > 0 && e.meta[i].decays {
			if fired.Decay = e.decay(e.meta[i], c, f, now, fired.Points); fired.Decay != nil {
				points = fired.Decay.Points
			}
		}
		total += points
		if e.meta[i].axis == Engagement {
			engagement += points
		} else {
			res.FitPoints += fired.Points
		}
		res.Fired = append(res.Fired, fired)
	}
	res.Raw = int(math.Round(total))
	res.Score = min(max(res.Raw, 0), 100)
	res.Grade = e.grades.Grade(res.Score)
	res.Fit = e.fitGrades.Grade(res.FitPoints)
	if e.engagementMax > 0 {
		res.Engagement = min(max(int(math.Round(engagement*100/float64(e.engagementMax))), 0), 100)
	}
	return res
}

// RuleFailure is a rule or filter that failed at run time on contacts:
// on how many, and the first of them with its error.
type RuleFailure struct {
	Rule         string `json:"rule"`
	Contacts     int    `json:"contacts"`
	FirstContact int64  `json:"first_contact_id"`
	FirstError   string `json:"first_error"`
}

// RuleFailures tallies the run-time failures of rules over contacts, rule
// by rule, in the order they first failed. Its memory is one entry a rule.
type RuleFailures struct {
	list []RuleFailure
}

// Add counts one contact on which rule failed with err.
func (t *RuleFailures) Add(rule string, contactID int64, err error) {
	for i := range t.list {
		if t.list[i].Rule == rule {
			t.list[i].Contacts++
			return
		}
	}
	// The first line names the problem; the next ones quote the source.
	msg, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	t.list = append(t.list, RuleFailure{Rule: rule, Contacts: 1, FirstContact: contactID, FirstError: msg})
}

// List returns the failures, never nil.
func (t *RuleFailures) List() []RuleFailure { return append([]RuleFailure{}, t.list...) }
