package command_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
)

// forget C1 asks first and changes nothing; forget C1 confirm erases the
// contact's personal data, cancels its questionnaires under way and
// records who asked; a salesperson may not; a word other than confirm is
// refused with the usage.
func TestAdminForget(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		ctx := t.Context()
		e.actor = command.Actor{ID: "U0ADMIN", Roles: []command.Role{command.Admin}}
		link(t, e, svc, "C1", 4242)
		if p := e.ok(t, "survey send satisfaction to C1"); !strings.Contains(p.Text(), "Queued satisfaction for 1 of 1") {
			t.Fatalf("send: %s", p.Text())
		}
		e.ok(t, `edit C1 email=jeanne@martin.fr phone="06 11 22 33 44" city=Rennes`)
		e.ok(t, "log C1 call Jeanne prefers mornings")
		before, _ := e.db.Contact(ctx, 1)

		ask := e.ok(t, "forget C1")
		if !strings.Contains(ask.Text(), "forget C1 confirm") || len(ask.Actions) != 1 || ask.Actions[0].Command != "forget C1 confirm" {
			t.Fatalf("forget without confirm: %s", ask.Text())
		}
		if c, _ := e.db.Contact(ctx, 1); c.Email != before.Email || c.Name != before.Name {
			t.Fatalf("asking erased: %+v", c)
		}
		if r := e.fail(t, "forget C1 now", domain.Invalid); !strings.Contains(r.Error.Message, "forget C1 confirm") {
			t.Errorf("a wrong word: %s", r.Error.Message)
		}
		e.actor = command.Actor{ID: "U0SALES", Roles: []command.Role{command.Sales}}
		e.fail(t, "forget C1 confirm", domain.Forbidden)
		e.actor = command.Actor{ID: "U0ADMIN", Roles: []command.Role{command.Admin}}

		e.ok(t, "forget C1 confirm")
		c, err := e.db.Contact(ctx, 1)
		if err != nil || c.Email != "" || c.Phone != "" || c.City != "" || strings.Contains(c.Name, before.Name) {
			t.Fatalf("after forget: %+v %v", c, err)
		}
		if card := e.ok(t, "show C1").Text(); strings.Contains(card, "mornings") {
			t.Errorf("the note survived:\n%s", card)
		}
		list, _ := e.db.SurveysOf(ctx, 1)
		if len(list) != 1 {
			t.Fatalf("surveys: %+v", list)
		}
		if r, _ := e.db.Respondent(ctx, 1); r != nil {
			t.Errorf("the Telegram link survived: %+v", r)
		}
		for _, sv := range list {
			if sv.Status != domain.SurveyCancelled || sv.Reason != "forgotten" {
				t.Errorf("survey %d after forget: %s %q", sv.ID, sv.Status, sv.Reason)
			}
		}
		er, err := e.db.Erasures(ctx, 1)
		if err != nil || len(er) != 1 || er[0].RequestedBy != "U0ADMIN" || !er[0].At.Equal(start) {
			t.Errorf("erasures recorded: %+v %v", er, err)
		}
	})
}
