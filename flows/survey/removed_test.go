package survey_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
)

// withVisit adds a questionnaire "visit" (the satisfaction questions) to
// the service, and returns the log the service writes from now on.
func (f *fixture) withVisit() *bytes.Buffer {
	visit := domain.BuiltinQuestionnaires()[0]
	visit.ID, visit.Title = "visit", domain.Text{EN: "Your visit", FR: "Votre visite"}
	f.svc.Questionnaires = append(domain.BuiltinQuestionnaires(), visit)
	var log bytes.Buffer
	f.svc.Log = slog.New(slog.NewTextHandler(&log, nil))
	return &log
}

// visitQueued links a new contact named name on chat and queues "visit"
// for them; it returns the contact and the service's log.
func (f *fixture) visitQueued(name string, chat int64) (*domain.Contact, *bytes.Buffer) {
	f.t.Helper()
	log := f.withVisit()
	c := f.contact(name)
	f.link(c, chat)
	f.send("visit", c.ID)
	return c, log
}

// removeVisit takes "visit" out of the configuration, as a restart with a
// configuration file that no longer has it does.
func (f *fixture) removeVisit() { f.svc.Questionnaires = domain.BuiltinQuestionnaires() }

// cancelledAsRemoved checks that c's only survey was cancelled because its
// questionnaire is gone, and that the log says which and why.
func (f *fixture) cancelledAsRemoved(c *domain.Contact, log *bytes.Buffer) {
	f.t.Helper()
	list := f.surveys(c)
	if len(list) != 1 || list[0].Status != domain.SurveyCancelled || list[0].Reason != survey.QuestionnaireRemoved {
		f.t.Fatalf("surveys: %+v, want one cancelled as %s", list, survey.QuestionnaireRemoved)
	}
	if !strings.Contains(log.String(), `questionnaire=visit`) || !strings.Contains(log.String(), "no longer") {
		f.t.Errorf("the log does not say which questionnaire is gone:\n%s", log)
	}
}

// A survey queued for a questionnaire the configuration no longer has is
// not sent (it was, with no title and "0 short questions"): the dispatcher
// cancels it and logs why.
func TestQueuedSurveyOfARemovedQuestionnaireIsCancelled(t *testing.T) {
	each(t, func(f *fixture) {
		c, log := f.visitQueued("Anne Morel", 2100)
		f.removeVisit()
		f.round()
		if f.out.count() != 0 {
			f.t.Fatalf("sent %+v", f.out.sent)
		}
		f.cancelledAsRemoved(c, log)
	})
}

// A customer who taps Start on the invitation of a questionnaire removed
// since is told it has closed (they were thanked for answers they never
// gave, and the survey counted as answered).
func TestOpenSurveyOfARemovedQuestionnaireCloses(t *testing.T) {
	each(t, func(f *fixture) {
		c, log := f.visitQueued("Marc Blanc", 2200)
		f.round()
		inv := f.out.sent[0]
		f.removeVisit()
		r := f.tap(2200, 1001, button(inv, ":start"))
		if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "has closed") {
			f.t.Fatalf("reply: %+v", r)
		}
		f.cancelledAsRemoved(c, log)
	})
}

// A started survey whose questionnaire is removed closes at the next typed
// answer, and a detractor answer it held still reaches the owner, naming
// the questionnaire by its id.
func TestStartedSurveyOfARemovedQuestionnaireStillAlerts(t *testing.T) {
	each(t, func(f *fixture) {
		log := f.withVisit()
		c := f.contact("Julie Faure")
		q := last(f.started(c, 2300, "visit"))
		f.tap(2300, 1002, button(q, ":1"))
		f.removeVisit()
		r := f.text(2300, "8")
		if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "has closed") {
			f.t.Fatalf("reply: %+v", r)
		}
		f.cancelledAsRemoved(c, log)
		if len(f.alerts.got) != 1 || f.alerts.got[0].Questionnaire.ID != "visit" || len(f.alerts.got[0].Bad) != 1 {
			f.t.Fatalf("alerts: %+v", f.alerts.got)
		}
		// /mydata still shows the answer, as its value.
		r = f.text(2300, "/mydata")
		if !strings.Contains(last(r).Text, "visit/csat: 1") {
			f.t.Fatalf("/mydata: %+v", r)
		}
	})
}

// In the console, a queued survey of a removed questionnaire is cancelled
// rather than shown with no title.
func TestConsoleSkipsAQueuedSurveyOfARemovedQuestionnaire(t *testing.T) {
	each(t, func(f *fixture) {
		c, log := f.visitQueued("Paul Roux", 2400)
		f.removeVisit()
		r, err := f.svc.Resume(f.ctx, survey.Chat{ContactID: c.ID})
		if err != nil || len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "no questionnaire waiting") {
			f.t.Fatalf("resume: %+v %v", r, err)
		}
		f.cancelledAsRemoved(c, log)
	})
}
