package domain

import (
	"math"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// This file splits the rules on two axes, fit and engagement, and makes
// the points of behavioural rules fade with the age of the activity that
// makes them true (score decay, issue 13).

// Axis is what a rule measures: who the contact is (Fit: sector, size,
// role, budget) or what it does (Engagement: forms, clicks, meetings,
// orders).
type Axis string

// The two axes.
const (
	Fit        Axis = "fit"
	Engagement Axis = "engagement"
)

// DefaultFitGrades are the documented fit grade thresholds, on the fit
// points (docs/configuration.md, scoring.fit_grades): the built-in fit
// rules give at most 75, a decision maker of a large company in a target
// sector reaches A.
var DefaultFitGrades = Grades{A: 40, B: 25, C: 10}

// EngineOption sets what NewEngine does beyond rules and grades.
type EngineOption func(*Engine) error

// WithDecay makes the points of behavioural rules fade with the age of
// their activity, halving every halfLifeDays days (scoring.decay); 0 turns
// decay off.
func WithDecay(halfLifeDays int) EngineOption {
	return func(e *Engine) error {
		if halfLifeDays < 0 {
			return Errorf(Invalid, "the decay's half-life takes a number of days above 0 (got %d)", halfLifeDays)
		}
		e.halfLife = float64(halfLifeDays)
		return nil
	}
}

// WithFitGrades grades the fit points on g (scoring.fit_grades).
func WithFitGrades(g Grades) EngineOption {
	return func(e *Engine) error {
		if err := g.Validate(); err != nil {
			return err
		}
		e.fitGrades = g
		return nil
	}
}

// HalfLife returns the decay's half-life in days, 0 when scores do not
// decay.
func (e *Engine) HalfLife() int { return int(e.halfLife) }

// FitGrades returns the thresholds of the fit grades.
func (e *Engine) FitGrades() Grades { return e.fitGrades }

// Axis returns the axis of the rule named name (fit when there is none).
func (e *Engine) Axis(name string) Axis {
	for i, r := range e.rules {
		if r.Name == name {
			return e.meta[i].axis
		}
	}
	return Fit
}

// Decay is how a rule's points faded: the age in days of the activity
// that makes the rule true, the factor 0.5^(age/half-life) and the points
// after it, unrounded (the total is rounded once).
type Decay struct {
	AgeDays int     `json:"age_days"`
	Factor  float64 `json:"factor"`
	Points  float64 `json:"points"`
}

// ruleMeta is what a rule's expression names, read once when it compiles.
type ruleMeta struct {
	axis Axis
	// decays says whether its points fade (a behavioural rule, not
	// decay: none, not a penalty); they fade from the latest of the
	// interactions of kinds, of the last order (orders) and of the last
	// contact (contact).
	decays          bool
	kinds           []InteractionKind
	orders, contact bool
}

// kindFields names the interaction kind of each family of counts: forms,
// forms_30d and forms_90d count Form.
var kindFields = map[string]InteractionKind{
	"calls": Call, "meetings": Meeting, "emails": EmailSent, "emails_opened": EmailOpened, "clicks": Click,
	"forms": Form, "downloads": Download, "requests": Request, "visits": Visit,
}

// orderFields and contactFields are the other behavioural fields, aged
// from the last order and from the last contact.
var (
	orderFields   = map[string]bool{"orders": true, "revenue": true, "days_since_last_order": true}
	contactFields = map[string]bool{"days_since_last_contact": true}
)

// identifiers collects the names an expression reads.
type identifiers map[string]bool

func (ids identifiers) Visit(node *ast.Node) {
	if n, ok := (*node).(*ast.IdentifierNode); ok {
		ids[n.Value] = true
	}
}

// newRuleMeta reads from r's compiled expression p which behavioural
// fields it names: a rule naming any is engagement unless its axis says
// otherwise, and decays unless it says decay: none. A rule taking points
// away never decays: a penalty for being idle must not fade as the
// idleness lasts.
func newRuleMeta(r Rule, p *vm.Program) (ruleMeta, error) {
	ids := identifiers{}
	node := p.Node()
	ast.Walk(&node, ids)
	var m ruleMeta
	for id := range ids {
		family := strings.TrimSuffix(strings.TrimSuffix(id, "_30d"), "_90d")
		if k, ok := kindFields[family]; ok {
			m.kinds = append(m.kinds, k)
		}
		m.orders = m.orders || orderFields[id]
		m.contact = m.contact || contactFields[id]
	}
	behavioural := len(m.kinds) > 0 || m.orders || m.contact
	switch r.Axis {
	case Fit, Engagement:
		m.axis = r.Axis
	case "":
		m.axis = Fit
		if behavioural {
			m.axis = Engagement
		}
	default:
		return m, Errorf(Invalid, "axis is fit or engagement (got %q)", string(r.Axis))
	}
	switch r.Decay {
	case "", "none":
	default:
		return m, Errorf(Invalid, "decay is none or left out (got %q)", r.Decay)
	}
	m.decays = behavioural && r.Decay != "none" && r.Points > 0
	return m, nil
}

// RuleAxis returns the axis r measures: its own, or engagement when its
// expression names a behavioural field (interaction counts, orders,
// revenue, the days since the last contact or order), fit otherwise.
func RuleAxis(r Rule) (Axis, error) {
	p, err := CompileExpr(r.When)
	if err != nil {
		return "", err
	}
	m, err := newRuleMeta(r, p)
	return m.axis, err
}

// DecayFactor is 0.5^(ageDays/halfLifeDays): 1 at 0 days, ½ at one
// half-life, ¼ at two.
func DecayFactor(ageDays int, halfLifeDays float64) float64 {
	if ageDays <= 0 || halfLifeDays <= 0 {
		return 1
	}
	return math.Exp2(-float64(ageDays) / halfLifeDays)
}

// decay returns how the points of the fired rule m faded at now: from the
// latest activity the rule names, or nil when none is dated.
func (e *Engine) decay(m ruleMeta, c *Contact, f *Facts, now time.Time, points int) *Decay {
	var last time.Time
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, k := range m.kinds {
		later(f.LastAt[k])
	}
	if m.orders {
		later(f.LastOrder)
	}
	if m.contact {
		// As days_since_last_contact reads it: the last contact or
		// interaction, else the creation.
		later(c.LastContactAt)
		later(f.LastInteraction)
		if last.IsZero() {
			later(c.CreatedAt)
		}
	}
	if last.IsZero() {
		return nil
	}
	age := max(DaysBetween(last, now), 0)
	factor := DecayFactor(age, e.halfLife)
	return &Decay{AgeDays: age, Factor: factor, Points: float64(points) * factor}
}

// FitMatrix counts contacts by fit grade (rows A, B, C, D) and engagement
// quartile (columns 0–24, 25–49, 50–74, 75–100).
type FitMatrix [4][4]int

// FitRows are the fit grades of the matrix's rows, and EngagementColumns
// the engagement ranges of its columns.
var (
	FitRows           = []string{"A", "B", "C", "D"}
	EngagementColumns = []string{"0–24", "25–49", "50–74", "75–100"}
)

// Add counts n contacts of grade fit in engagement quartile q (0–3); a
// grade other than A–C counts as D.
func (m *FitMatrix) Add(fit string, q, n int) {
	row := 3
	for i, g := range FitRows[:3] {
		if fit == g {
			row = i
		}
	}
	m[row][min(max(q, 0), 3)] += n
}
