package config_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/domain"
)

// TestScoringDecayAndAxes reads scoring.decay, scoring.fit_grades and a
// rule's axis and decay, and points at what is wrong.
func TestScoringDecayAndAxes(t *testing.T) {
	c, err := config.Parse([]byte(`scoring:
  decay: {half_life_days: 30}
  fit_grades: {A: 30, B: 20, C: 10}
  rules:
    - {name: Big, when: employees >= 50, points: 20}
    - {name: Met us, when: meetings > 0, points: 10, axis: fit, decay: none}
    - {name: Form, when: forms > 0, points: 10}
`), "crmbot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.HalfLifeDays != 30 || c.Scoring.HalfLife() != 30 || c.Scoring.FitGrades() != (domain.Grades{A: 30, B: 20, C: 10}) {
		t.Errorf("half-life %d (engine %d), fit grades %+v", c.HalfLifeDays, c.Scoring.HalfLife(), c.Scoring.FitGrades())
	}
	for name, want := range map[string]domain.Axis{"Big": domain.Fit, "Met us": domain.Fit, "Form": domain.Engagement} {
		if got := c.Scoring.Axis(name); got != want {
			t.Errorf("%s: axis %s, want %s", name, got, want)
		}
	}
	if d := config.Default(); d.HalfLifeDays != 0 || d.Scoring.HalfLife() != 0 || d.FitGrades != domain.DefaultFitGrades {
		t.Errorf("defaults: half-life %d, fit grades %+v; want no decay", d.HalfLifeDays, d.FitGrades)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"scoring:\n  decay: {half_life_days: 0}\n", "crmbot.yaml:2:27: scoring.decay.half_life_days takes a number of days above 0"},
		{"scoring:\n  fit_grades: {A: 10, B: 20, C: 5}\n", "crmbot.yaml:2:3: scoring.fit_grades: grade thresholds"},
		{"scoring:\n  rules:\n    - {name: X, when: forms > 0, points: 5, axis: behaviour}\n", `scoring rule 1 ("X"): axis is fit or engagement`},
		{"scoring:\n  rules:\n    - {name: X, when: forms > 0, points: 5, decay: fast}\n", `scoring rule 1 ("X"): decay is none or left out`},
	} {
		_, err := config.Parse([]byte(tc.yaml), "crmbot.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
