package domain_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

func TestHotPolicyDecide(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	p := domain.DefaultHotPolicy
	enter := []domain.ScoreChange{{OldScore: 70, NewScore: 80, OldGrade: "B", NewGrade: "A"}}
	small := []domain.ScoreChange{{OldScore: 40, NewScore: 45, OldGrade: "C", NewGrade: "C"}}
	tests := []struct {
		name   string
		c      domain.HotCase
		want   domain.HotReason
		wanted bool
	}{
		{"enters grade A", domain.HotCase{Changes: enter, Score: 80, Grade: "A", Start: 70}, domain.EnteredGrade, true},
		{"A already: no news", domain.HotCase{Changes: []domain.ScoreChange{{OldScore: 80, NewScore: 85, OldGrade: "A", NewGrade: "A"}}, Score: 85, Grade: "A", Start: 80}, "", false},
		{"entered then fell back", domain.HotCase{Changes: enter, Score: 60, Grade: "B", Start: 70}, "", false},
		{"gains 20 in the week", domain.HotCase{Changes: small, Score: 45, Grade: "C", Start: 25}, domain.Jumped, true},
		{"gains 19", domain.HotCase{Changes: small, Score: 45, Grade: "C", Start: 26}, "", false},
		{"alerted 6 days ago", domain.HotCase{Changes: enter, Score: 80, Grade: "A", Start: 70, LastAlert: now.Add(-6 * 24 * time.Hour)}, "", false},
		{"alerted 7 days ago", domain.HotCase{Changes: enter, Score: 80, Grade: "A", Start: 70, LastAlert: now.Add(-7 * 24 * time.Hour)}, domain.EnteredGrade, true},
		{"created at grade A", domain.HotCase{Changes: []domain.ScoreChange{{OldScore: 0, NewScore: 80, NewGrade: "A"}}, Score: 80, Grade: "A", Start: 80}, "", false},
		{"snoozed", domain.HotCase{Changes: enter, Score: 80, Grade: "A", Start: 70, Snoozed: true}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := p.Decide(tt.c, now)
			if got != tt.want || ok != tt.wanted {
				t.Errorf("Decide = %q, %v; want %q, %v", got, ok, tt.want, tt.wanted)
			}
		})
	}
	off := domain.HotPolicy{Grade: "B", Every: domain.Week}
	if _, ok := off.Decide(domain.HotCase{Changes: small, Score: 45, Grade: "C"}, now); ok {
		t.Error("a policy without a jump alerted on a gain")
	}
	fromC := []domain.ScoreChange{{OldScore: 40, NewScore: 80, OldGrade: "C", NewGrade: "A"}}
	if _, ok := off.Decide(domain.HotCase{Changes: fromC, Score: 80, Grade: "A", Start: 40}, now); !ok {
		t.Error("from C to A enters B or better, and did not alert")
	}
	if _, ok := off.Decide(domain.HotCase{Changes: enter, Score: 80, Grade: "A", Start: 70}, now); ok {
		t.Error("from B to A stays within B or better, and alerted")
	}
}

func TestHotPolicyValidate(t *testing.T) {
	for _, p := range []domain.HotPolicy{{Grade: "E"}, {Grade: "a"}, {Grade: "A", Jump: -1}} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	if err := (domain.HotPolicy{Grade: "", Jump: 30}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestFactsBefore(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	week := now.Add(-domain.Week)
	f := &domain.Facts{Counts: map[domain.InteractionKind]domain.WindowCounts{domain.Form: {Total: 4, Last30: 3, Last90: 4}},
		LastInteraction: now.Add(-time.Hour), Orders: 2, Revenue: 50000, LastOrder: now.Add(-48 * time.Hour)}
	recent := []domain.Interaction{
		{Kind: domain.Form, At: now.Add(-time.Hour)}, {Kind: domain.Form, At: now.Add(-2 * time.Hour)},
		{Kind: domain.Form, At: now.AddDate(0, 0, -20)},
	}
	orders := []domain.Order{{Amount: 20000, Date: now.Add(-48 * time.Hour)}, {Amount: 30000, Date: now.AddDate(0, -2, 0)}}
	b := f.Before(week, recent, orders)
	if w := b.Counts[domain.Form]; w != (domain.WindowCounts{Total: 2, Last30: 1, Last90: 2}) {
		t.Errorf("forms before the week %+v", w)
	}
	if !b.LastInteraction.Equal(now.AddDate(0, 0, -20)) || b.Orders != 1 || b.Revenue != 30000 || !b.LastOrder.Equal(now.AddDate(0, -2, 0)) {
		t.Errorf("before %+v", b)
	}
	if f.Counts[domain.Form].Total != 4 {
		t.Error("Before changed the facts it was given")
	}
	e := domain.DefaultEngine()
	c := &domain.Contact{ID: 1, Name: "X", CreatedAt: now.AddDate(-1, 0, 0)}
	gained := domain.RulesGained(e.Score(c, b, now), e.Score(c, f, now))
	if len(gained) != 0 {
		t.Errorf("forms 20 days ago already fired the form rule, yet gained %v", gained)
	}
	none := &domain.Facts{}
	gained = domain.RulesGained(e.Score(c, none, now), e.Score(c, f, now))
	names := map[string]bool{}
	for _, g := range gained {
		names[g.Rule] = true
	}
	if !names["Filled a form (30 days)"] || !names["Contacted in the last 30 days"] {
		t.Errorf("gained %v", gained)
	}
}
