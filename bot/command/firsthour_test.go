package command_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/config"
	"github.com/crmbot/crmbot/flows/survey"
)

// Tests of issue 11, "the first hour with crmbot", item by item.

// withPolicy parses a configuration file and puts its throttle policy in
// force, as cmd/crmbot does.
func withPolicy(t *testing.T, svc *survey.Service, yaml string) {
	t.Helper()
	c, err := config.Parse([]byte(yaml), "crmbot.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	c.Policy.Zone = paris
	svc.Policy = c.Policy
}

// Item 2: quiet hours given by their start and end are on unless the file
// says enabled: false.
func TestPartialQuietHoursKeepThemOn(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 9101)
		withPolicy(t, svc, "throttle: {quiet_hours: {start: \"21:00\", end: \"08:00\"}}\n")
		e.clock.Set(time.Date(2026, 11, 25, 21, 34, 0, 0, paris))
		w := whyData(t, e, "why C1")
		if w.Allowed || !slices.Contains(w.ReasonCodes, domain.QuietHoursNow) {
			t.Errorf("at 21:34 with quiet hours 21:00–08:00: %+v", w.DecisionData)
		}
		e.clock.Set(time.Date(2026, 11, 25, 20, 30, 0, 0, paris))
		if w := whyData(t, e, "why C1"); !w.Allowed {
			t.Errorf("at 20:30, before the quiet hours written: %+v", w.DecisionData)
		}
		withPolicy(t, svc, "throttle: {quiet_hours: {enabled: false, start: \"21:00\", end: \"08:00\"}}\n")
		e.clock.Set(time.Date(2026, 11, 25, 21, 34, 0, 0, paris))
		if w := whyData(t, e, "why C1"); !w.Allowed {
			t.Errorf("quiet hours turned off: %+v", w.DecisionData)
		}
	})
}
