package command_test

import (
	"strings"
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

// Issue 11, items 9 and 17: a list of contacts is an audience (more than
// one needs the manager role), and a sales member may send to a filter
// that matches exactly one contact.
func TestSendToAListAndToAFilterOfOne(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 8201)
		link(t, e, svc, "C2", 8202)
		e.actor = command.Actor{ID: "maria", Roles: []command.Role{command.Manager}}
		p := e.ok(t, "survey send satisfaction to C1 C2 dry-run").Data.(*command.PlanData)
		if p.Audience != 2 || p.Outcomes["allow"] != 2 {
			t.Fatalf("a list of two: %+v", p)
		}
		e.actor = command.Actor{ID: "sam", Roles: []command.Role{command.Sales}}
		r := e.fail(t, "survey send satisfaction to C1 C2", domain.Forbidden)
		mustContain(t, "sales to two", r.Error.Message, "needs the manager role")
		email := e.ok(t, "show C1").Data.(*command.Card).Contact.Email
		p = e.ok(t, "survey send satisfaction to email="+email).Data.(*command.PlanData)
		if p.Audience != 1 || p.Queued != 1 || p.Contact != "C1" {
			t.Fatalf("sales to a filter of one: %+v", p)
		}
		e.fail(t, "survey send satisfaction to stage=lead", domain.Forbidden)
	})
}

// Issue 11, item 18: a send to many says which contacts were held back
// and why — every one in the JSON reply, the first 20 in the text.
func TestPlanListsTheContactsHeldBack(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 8301)
		e.actor = command.Actor{ID: "maria", Roles: []command.Role{command.Manager}}
		r := e.ok(t, "survey send satisfaction to C1 C2 dry-run")
		p := r.Data.(*command.PlanData)
		if got := p.Held[string(domain.NoConsent)]; len(got) != 1 || got[0] != 2 || len(p.Held) != 1 {
			t.Fatalf("held %+v", p.Held)
		}
		if b, err := r.JSON(); err != nil || !strings.Contains(strings.Join(strings.Fields(string(b)), ""), `"held":{"no_consent":["C2"]}`) {
			t.Fatalf("JSON %s %v", b, err)
		}
		mustContain(t, "text", r.Text(), "Held back (1)", "C2", "no_consent")
		e.ok(t, "survey send satisfaction to C1 C2")
		p = e.ok(t, "survey send satisfaction to C1 C2 dry-run").Data.(*command.PlanData)
		if got := p.Held[survey.AlreadyQueued]; len(got) != 1 || got[0] != 1 {
			t.Fatalf("held after the send %+v", p.Held)
		}
	})
}
