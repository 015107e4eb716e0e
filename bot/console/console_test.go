package console_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/console"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// setup is a database of kind with one contact, C1, and an executor with
// the built-in questionnaires; now is Wednesday 25 November 2026, 10:00 in
// Paris.
func setup(t *testing.T, kind string) (*store.DB, *command.Executor) {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, paris) }
	db := storetest.Open(t, kind, now)
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	svc := &crm.Service{Store: db, Scoring: domain.DefaultEngine(), Now: now, Loc: paris}
	if _, err := svc.Add(t.Context(), "alice", "Jeanne Martin", []crm.Assignment{{Key: "language", Value: "en"}}, false); err != nil {
		t.Fatal(err)
	}
	pol := domain.DefaultPolicy
	pol.Zone = paris
	surveys := &survey.Service{Store: db, Policy: pol, Questionnaires: domain.BuiltinQuestionnaires(), Now: now, Language: "en", Log: log}
	return db, &command.Executor{CRM: svc, Now: now, Loc: paris, Logger: log, Surveys: surveys}
}

func run(t *testing.T, exec *command.Executor, input string) string {
	t.Helper()
	var out bytes.Buffer
	c := &console.Console{Exec: exec, Actor: command.Actor{ID: "alice", Roles: command.AllRoles}, In: strings.NewReader(input), Out: &out}
	if err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestAsAnswersTheWholeQuestionnaire plays C1 in the console: consent by
// its button's number, the queued satisfaction questionnaire started,
// answered by a number, a label and a typed text, thanked; the answers are
// in the database and why then says when C1 may be asked again.
func TestAsAnswersTheWholeQuestionnaire(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			db, exec := setup(t, kind)
			out := run(t, exec, strings.Join([]string{
				"as C1",
				"1", // Yes, I agree
				"end",
				"survey send satisfaction to C1",
				"as Jeanne",
				"start",  // the invitation's Start, by its label
				"4",      // csat: the button labelled 4
				"banana", // not an answer: asked again
				"9",      // nps
				"Lovely cheese, slow delivery",
				"hello", // nothing open any more
				"as",
				"why C1 satisfaction",
				"quit",
				"show C1", // never run
			}, "\n"))
			for _, want := range []string{
				"You are now C1 Jeanne Martin",
				"Do you agree?",
				"[1] Yes, I agree  [2] No, thanks",
				"Thank you! You will hear from us only rarely.",
				"There is no questionnaire waiting for you.",
				"Back to the sales commands as alice (you were C1).",
				"Queued satisfaction for 1 of 1 contact",
				"No Telegram chat is linked to C1",
				"Your satisfaction\n3 short questions, about a minute. Shall we start?\n[1] Start\n[2] Not now  [3] Never",
				"Your satisfaction — 1/3\nOverall, how satisfied are you",
				"[1]  [2]  [3]  [4]  [5]",
				"Your satisfaction — 2/3",
				"[0]  [1]  [2]  [3]  [4]  [5]\n[6]  [7]  [8]  [9]  [10]",
				"Your satisfaction — 3/3\nWould you like to tell us more?\nType your answer.\n(optional: /skip to pass)",
				"Thank you for your answers!",
				"may not be sent satisfaction now: first date 2027-02-23 10:00 CET",
			} {
				// A long line is wrapped to the terminal's 80 columns.
				if !strings.Contains(out, want) && !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
					t.Errorf("the console did not print %q:\n%s", want, out)
				}
			}
			if strings.Count(out, "Your satisfaction — 2/3") != 2 {
				t.Errorf("banana did not ask the question again:\n%s", out)
			}
			if strings.Contains(out, "Consent\n") {
				t.Errorf("a line after quit ran:\n%s", out)
			}
			answers, err := db.Answers(context.Background(), 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, a := range answers {
				got[a.Question] = a.Value()
			}
			if len(answers) != 3 || got["csat"] != "4" || got["nps"] != "9" || got["comment"] != "Lovely cheese, slow delivery" {
				t.Errorf("answers %+v", answers)
			}
			list, err := db.SurveysOf(context.Background(), 1)
			if err != nil || len(list) != 1 || list[0].Status != domain.SurveyAnswered || list[0].Via != "console" {
				t.Errorf("surveys %+v %v", list, err)
			}
		})
	}
}

// TestAsCommands: /help, /mydata and /stop reach the conversation; an
// unknown contact, a missing survey service and as alone are answered.
func TestAsCommands(t *testing.T) {
	db, exec := setup(t, "sqlite")
	out := run(t, exec, "as C1\n2\n/help\n/mydata\n/stop\nas C9\nend\nas\nhelp as\nhelp\n")
	for _, want := range []string{
		"Understood: we will send you no questionnaire.",
		"/stop — no more questionnaires",
		"What we keep about you:\n• name: Jeanne Martin",
		"Done: you will receive no more questionnaires.",
		"no contact C9\nUsage: as <contact>",
		"Back to the sales commands",
		"as <contact> speaks as that customer",
		"In this console: as <contact> speaks as that customer",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the console did not print %q:\n%s", want, out)
		}
	}
	r, err := db.Respondent(context.Background(), 1)
	if err != nil || r == nil || !r.OptedOut() {
		t.Errorf("respondent after /stop: %+v %v", r, err)
	}
	exec.Surveys = nil
	if out := run(t, exec, "as C1\nshow C1\n"); !strings.Contains(out, "Telegram questionnaires are not set up") || !strings.Contains(out, "C1 Jeanne Martin · lead") {
		t.Errorf("without questionnaires:\n%s", out)
	}
}

// TestFrench runs the console in French: its own words (comme, fin,
// quitter) and messages, with the command language's replies in French.
func TestFrench(t *testing.T) {
	_, exec := setup(t, "sqlite")
	var out bytes.Buffer
	var missing []string
	p := locale.For(locale.French).OnMissing(func(id string) { missing = append(missing, id) })
	c := &console.Console{Exec: exec, Actor: command.Actor{ID: "alice", Roles: command.AllRoles}, Printer: p,
		In: strings.NewReader("comme C1\nfin\naide comme\nquitter\nvoir C1\n"), Out: &out}
	if err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Vous êtes maintenant C1 Jeanne Martin", "Retour aux commandes commerciales en tant que alice (vous étiez C1).",
		"comme <contact> parle au nom de ce client"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the console wrote no %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Fiche") || strings.Count(out.String(), "Jeanne Martin") > 1 {
		t.Errorf("voir C1 ran after quitter:\n%s", out.String())
	}
	if len(missing) > 0 {
		t.Errorf("messages without French: %q", missing)
	}
}
