package domain_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

func TestRot(t *testing.T) {
	p := domain.RotPolicy{domain.Prospect: 14, domain.Qualified: 21}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		stage   domain.Stage
		daysAgo int
		idle    int
		rotting bool
	}{
		{domain.Prospect, 13, 13, false},
		{domain.Prospect, 14, 14, false}, // the 14th day is not yet rot
		{domain.Prospect, 15, 15, true},
		{domain.Qualified, 15, 15, false},
		{domain.Qualified, 22, 22, true},
		{domain.Lead, 400, 0, false}, // a stage without rot days never rots
		{domain.Customer, 400, 0, false},
	} {
		idle, rotting := p.Rot(c.stage, now.AddDate(0, 0, -c.daysAgo), now)
		if idle != c.idle || rotting != c.rotting {
			t.Errorf("%s idle %d days: %d, %v; want %d, %v", c.stage, c.daysAgo, idle, rotting, c.idle, c.rotting)
		}
	}
	if got := domain.Latest(now.AddDate(0, 0, -3), time.Time{}, now.AddDate(0, 0, -1)); !got.Equal(now.AddDate(0, 0, -1)) {
		t.Errorf("Latest = %v", got)
	}
}
