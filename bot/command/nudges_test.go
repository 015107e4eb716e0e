package command_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/locale"
)

// TestAlertsAndCheckinInTheConsole: without Slack, alerts makes the alerts
// due and lists them — why, the rules the activity brought, the buttons —
// checkin lists the owner's week, a snooze takes a contact out of both,
// and each answers in French too.
func TestAlertsAndCheckinInTheConsole(t *testing.T) {
	e := newEnv(t)
	c := e.add(t, `add "Jeanne Martin" role=CEO employees=60 sector=btp budget=15000`)
	e.ok(t, "log C1 form")
	e.ok(t, "log C1 request")
	r := e.ok(t, "alerts")
	text := r.Text()
	for _, want := range []string{"1 hot-lead alert this week", "C1 Jeanne Martin reached grade A: score 80 (A), lead · 2026-11-25 10:00 CET",
		"What its recent activity brought", "+10 Filled a form (30 days)", "+15 Specific request (90 days)", "request · by alice"} {
		if !strings.Contains(text, want) {
			t.Errorf("alerts lacks %q:\n%s", want, text)
		}
	}
	var buttons []string
	for _, s := range r.Sections {
		for _, a := range s.Actions {
			buttons = append(buttons, a.Command)
		}
	}
	if strings.Join(buttons, "|") != "log C1 call|move C1 prospect|alerts snooze C1|show C1" {
		t.Errorf("the alert's buttons: %v", buttons)
	}
	if r := e.ok(t, "checkin"); !strings.Contains(r.Text(), "🔥 1 hot lead") || !strings.Contains(r.Text(), "C1 Jeanne Martin") {
		t.Errorf("checkin:\n%s", r.Text())
	}
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, "alertes reporter C1 3")
	if !fr.OK || !strings.Contains(fr.Title, "est reporté de 3 jours") {
		t.Errorf("alertes reporter:\n%s", fr.Text())
	}
	if r := e.ok(t, "checkin"); !strings.Contains(r.Text(), "nothing waits for you") {
		t.Errorf("checkin after the snooze:\n%s", r.Text())
	}
	if r := e.exec.Run(ctx(t), e.actor, "alerts mute"); r.OK || r.Error == nil || !strings.Contains(r.Error.Usage, "alerts mute <contact>") {
		t.Errorf("alerts mute without a contact: %+v", r.Error)
	}
	if r := e.ok(t, "alerts unmute "+c.Ref()); !strings.Contains(r.Title, "back in your alerts") {
		t.Errorf("alerts unmute: %s", r.Title)
	}
}
