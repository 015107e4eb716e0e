package command_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/locale"
)

// TestRottingDeals: a prospect idle past its stage's rot days is rotting:
// find rotting lists it, marked, its card says so, pipeline counts it; an
// interaction clears it. A stage left out of the policy never rots.
func TestRottingDeals(t *testing.T) {
	e := newEnv(t)
	e.fail(t, "find rotting", domain.Invalid) // no rot days configured
	e.crm.Rot = domain.RotPolicy{domain.Prospect: 14, domain.Qualified: 21}
	e.clock.Set(start.AddDate(0, 0, -20))
	e.ok(t, `add "Idle Prospect" stage=prospect`)
	e.ok(t, `add "Busy Prospect" stage=prospect`)
	e.ok(t, `add "Idle Lead"`)
	e.clock.Set(start.AddDate(0, 0, -3))
	e.ok(t, "log C2 call")
	e.clock.Set(start)
	r := e.ok(t, "find rotting")
	if !strings.Contains(r.Text(), "Contacts 1–1 of 1") || !strings.Contains(r.Text(), "🟥 prospect, 20 days idle") || strings.Contains(r.Text(), "Busy") {
		t.Errorf("find rotting:\n%s", r.Text())
	}
	if r := e.ok(t, "show C1"); !strings.HasPrefix(r.Title, "🟥 C1 Idle Prospect") || !strings.Contains(r.Text(), "no interaction for 20 days at prospect (it rots after 14)") {
		t.Errorf("show C1:\n%s", r.Text())
	}
	if r := e.ok(t, "find stage=prospect"); !strings.Contains(r.Text(), "🟥") || strings.Count(r.Text(), "🟥") != 1 {
		t.Errorf("the list does not mark the rotting one once:\n%s", r.Text())
	}
	if r := e.ok(t, "pipeline"); !strings.Contains(r.Text(), "2 (🟥 1 rotting)") {
		t.Errorf("pipeline:\n%s", r.Text())
	}
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, "chercher dormants")
	if !fr.OK || !strings.Contains(fr.Text(), "🟥 prospect, 20 jours sans suite") {
		t.Errorf("chercher dormants:\n%s", fr.Text())
	}
	e.exec.Digests = &digest.Service{Store: e.db, Options: digest.Options{Loc: paris, Rot: e.crm.Rot}}
	if r := e.ok(t, "digest"); !strings.Contains(r.Text(), "🟥 Rotting deals per owner") || !strings.Contains(r.Text(), "alice  1") {
		t.Errorf("digest:\n%s", r.Text())
	} else if d := r.Data.(*digest.Digest); len(d.Rotting) != 1 || d.Pipeline.Rotting[domain.Prospect] != 1 {
		t.Errorf("digest data: %+v %+v", d.Rotting, d.Pipeline.Rotting)
	}
	e.ok(t, "log C1 meeting")
	if r := e.ok(t, "find rotting"); !strings.Contains(r.Title, "No contact matches") {
		t.Errorf("after a meeting:\n%s", r.Text())
	}
	e.ok(t, "move C2 qualified") // entering a stage starts its clock anew
	if r := e.ok(t, "show C2"); strings.Contains(r.Title, "🟥") {
		t.Errorf("C2 rots just after its move:\n%s", r.Text())
	}
}
