package command_test

import (
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
)

// Issue 11, item 6: a second questionnaire sent to a contact who has one
// queued is not said to leave now — the plan and `why` count the queued
// send, as the dispatcher will find the contact when its turn comes.
func TestAQueuedQuestionnaireCountsForTheNext(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 8101)
		if w := whyData(t, e, "why C1 preferences"); w.Outcome != domain.Allow {
			t.Fatalf("why before: %+v", w)
		}
		if p := e.ok(t, "survey send satisfaction to C1").Data.(*command.PlanData); p.Queued != 1 {
			t.Fatalf("first send: %+v", p)
		}
		r := e.ok(t, "survey send preferences to C1")
		p := r.Data.(*command.PlanData)
		if p.Queued != 0 || p.Decision == nil || p.Decision.Outcome != domain.Deny {
			t.Fatalf("second send: %+v %+v", p, p.Decision)
		}
		mustContain(t, "second send", r.Text(), "C1: deny", "satisfaction")
		w := whyData(t, e, "why C1 preferences")
		if w.Outcome != domain.Deny || w.NextEligible == nil {
			t.Fatalf("why after: %+v", w)
		}
		if w := whyData(t, e, "why C1 satisfaction"); w.Outcome != domain.Allow {
			t.Fatalf("why of the queued one itself: %+v", w)
		}
		if n := len(surveys(t, e.db, 1)); n != 1 {
			t.Fatalf("%d surveys queued, want the first only", n)
		}
	})
}
