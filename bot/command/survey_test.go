package command_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// surveyEnv is seeded(t) on a database of kind, with the survey service of
// the built-in questionnaires and the default throttle in Paris time, and a
// Telegram bot named crmbot_test_bot.
func surveyEnv(t *testing.T, kind string) (*env, *survey.Service) {
	t.Helper()
	e := newEnvOn(t, kind)
	for _, l := range seedLines {
		e.add(t, l)
	}
	pol := domain.DefaultPolicy
	pol.Zone = paris
	svc := &survey.Service{Store: e.db, Policy: pol, Questionnaires: domain.BuiltinQuestionnaires(), Now: e.clock.Now,
		Language: "en", Log: slog.New(slog.NewTextHandler(e.logs, nil))}
	e.exec.Surveys = svc
	e.exec.BotName = func(ctx context.Context) (string, error) { return "crmbot_test_bot", nil }
	return e, svc
}

// eachDB runs fn on SQLite and, when configured, PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, e *env, svc *survey.Service)) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			e, svc := surveyEnv(t, kind)
			fn(t, e, svc)
		})
	}
}

// link invites contact ref, opens the link on chat and consents.
func link(t *testing.T, e *env, svc *survey.Service, ref string, chat int64) {
	t.Helper()
	token := inviteToken(t, e, ref)
	c := survey.Chat{ID: chat, Language: "en"}
	owed(t, svc) // what earlier steps owed
	_, err := svc.Text(ctx(t), "start:"+token, c, "/start "+token)
	msgs := owed(t, svc)
	if err != nil || len(msgs) != 1 || len(msgs[0].Buttons) != 1 {
		t.Fatalf("/start: %+v, %v", msgs, err)
	}
	if msgs[0].Buttons[0][0].Data != "c:yes" {
		t.Fatalf("consent buttons %+v", msgs[0].Buttons)
	}
	if _, err := svc.Tap(ctx(t), "tap:"+token, c, 1, "c:yes"); err != nil {
		t.Fatalf("consent: %v", err)
	}
}

// owed delivers the messages the outbox owes Telegram chats, and returns
// them.
func owed(t *testing.T, svc *survey.Service) []survey.Message {
	t.Helper()
	var sent chatMessages
	d := &survey.Deliverer{Service: svc, Sender: &sent, Claimer: "test"}
	if _, err := d.Round(ctx(t)); err != nil {
		t.Fatal(err)
	}
	return sent
}

// chatMessages is a Sender that keeps the messages it is given.
type chatMessages []survey.Message

func (c *chatMessages) Send(ctx context.Context, m survey.Message, ready func(context.Context) error) (int64, error) {
	if err := ready(ctx); err != nil {
		return 0, err
	}
	*c = append(*c, m)
	return int64(len(*c)), nil
}

func inviteToken(t *testing.T, e *env, ref string) string {
	t.Helper()
	r := e.ok(t, "invite "+ref)
	link := r.Data.(map[string]any)["link"].(string)
	token, ok := strings.CutPrefix(link, "https://t.me/crmbot_test_bot?start=")
	if !ok || !domain.ValidInviteToken(token) {
		t.Fatalf("invite link %q", link)
	}
	return token
}

func whyData(t *testing.T, e *env, line string) *command.WhyData {
	t.Helper()
	r := e.ok(t, line)
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"outcome"`, `"reason_codes"`, `"next_eligible"`, `"telegram_linked"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("%s: JSON without %s:\n%s", line, k, b)
		}
	}
	return r.Data.(*command.WhyData)
}

func surveys(t *testing.T, db *store.DB, id int64) []domain.Survey {
	t.Helper()
	list, err := db.SurveysOf(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestInviteLinksAndConsent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		r := e.ok(t, "invite Jeanne Martin")
		mustContain(t, "invite", r.Text(), "https://t.me/crmbot_test_bot?start=", "works once", "expires after 30 days", "2026-12-25")
		card := e.ok(t, "show C1")
		mustContain(t, "card before", card.Text(), "Consent\nQuestionnaires: none recorded; no Telegram chat linked — invite C1 makes a link.")
		if cs := card.Data.(*command.Card).Consent; cs == nil || cs.State != "none" || cs.TelegramLinked {
			t.Errorf("consent data %+v", cs)
		}
		w := whyData(t, e, "why C1")
		if w.Outcome != domain.Deny || w.NextEligible != nil || len(w.ReasonCodes) != 1 || w.ReasonCodes[0] != domain.NoConsent || w.TelegramLinked {
			t.Errorf("why before consent: %+v", w)
		}
		mustContain(t, "why before consent", e.ok(t, "why C1").Text(), "no consent recorded", "only when the customer consents", "invite C1 makes a link")

		// The token of the first invite links a chat; consent by a tap.
		token := r.Data.(map[string]any)["token"].(string)
		chat := survey.Chat{ID: 7001, Language: "en"}
		_, err := svc.Text(ctx(t), "u1", chat, "/start "+token)
		if msgs := owed(t, svc); err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Do you agree?") {
			t.Fatalf("/start: %+v %v", msgs, err)
		}
		if _, err := svc.Tap(ctx(t), "u2", chat, 1, "c:yes"); err != nil {
			t.Fatal(err)
		}
		// It works once.
		owed(t, svc)
		_, err = svc.Text(ctx(t), "u3", survey.Chat{ID: 7002, Language: "en"}, "/start "+token)
		if msgs := owed(t, svc); err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Text, "not valid any more") {
			t.Fatalf("second use: %+v %v", msgs, err)
		}
		mustContain(t, "card after", e.ok(t, "show C1").Text(), "Questionnaires: given on 2026-11-25; Telegram linked.")
		w = whyData(t, e, "why C1 satisfaction")
		if !w.Allowed || w.NextEligible == nil || !w.TelegramLinked || len(w.Reasons) != 0 || w.Questionnaire != "satisfaction" {
			t.Errorf("why after consent: %+v", w)
		}
		mustContain(t, "why after", e.ok(t, "why Jeanne Martin satisfaction").Text(), "C1 Jeanne Martin (Fromagerie Martin) may be sent satisfaction now")

		// Errors, and nothing made.
		e.fail(t, "invite", domain.Invalid)
		e.fail(t, "invite nobody-here", domain.NotFound)
		e.fail(t, "why C99", domain.NotFound)
		e.exec.BotName = nil
		mustContain(t, "no bot", e.fail(t, "invite C2", domain.Unavailable).Error.Message, "TELEGRAM_BOT_TOKEN")
	})
}

// TestSurveySend: one contact for sales, a filter for managers only,
// counts per outcome and reason, a dry run that queues nothing, clear
// errors.
func TestSurveySend(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 8001)
		e.ok(t, "move C1 customer")
		e.ok(t, "move C2 customer")
		sales := command.Actor{ID: "sam", Roles: []command.Role{command.Sales}}
		manager := command.Actor{ID: "maria", Roles: []command.Role{command.Manager}}

		e.actor = sales
		r := e.fail(t, "survey send satisfaction to stage=customer", domain.Forbidden)
		mustContain(t, "sales to many", r.Error.Message, "survey send to more than one contact needs the manager role")
		// A segment with nobody in it: nothing to send, whoever asks.
		e.fail(t, "survey send satisfaction to segment:champions", domain.Invalid)
		if n := len(surveys(t, e.db, 1)); n != 0 {
			t.Fatalf("refused send queued %d", n)
		}

		e.actor = manager
		r = e.ok(t, "survey send satisfaction to stage=customer dry-run")
		p := r.Data.(*command.PlanData)
		if !p.DryRun || p.Audience != 2 || p.Queued != 1 || p.Outcomes["allow"] != 1 || p.Outcomes["deny"] != 1 || p.Reasons[domain.NoConsent] != 1 {
			t.Errorf("dry run plan %+v", p)
		}
		mustContain(t, "dry run", r.Text(), "Dry run: satisfaction would be queued for 1 of 2 contacts; nothing was queued",
			"allowed now", "denied", "no_consent")
		if n := len(surveys(t, e.db, 1)); n != 0 {
			t.Fatalf("dry run queued %d", n)
		}

		r = e.ok(t, "survey send satisfaction to stage=customer")
		p = r.Data.(*command.PlanData)
		if p.DryRun || p.Audience != 2 || p.Queued != 1 || p.Outcomes["allow"] != 1 || p.Outcomes["deny"] != 1 {
			t.Errorf("plan %+v", p)
		}
		mustContain(t, "send", r.Text(), "Queued satisfaction for 1 of 2 contacts")
		if list := surveys(t, e.db, 1); len(list) != 1 || list[0].Status != domain.SurveyQueued || list[0].RequestedBy != "maria" {
			t.Fatalf("queued %+v", list)
		}
		if n := len(surveys(t, e.db, 2)); n != 0 {
			t.Fatalf("C2 without consent got %d surveys", n)
		}

		// Sales may send to one contact; already queued is counted apart.
		e.actor = sales
		r = e.ok(t, "survey send satisfaction to Jeanne Martin")
		if p := r.Data.(*command.PlanData); p.Outcomes[survey.AlreadyQueued] != 1 || p.Queued != 0 || p.Contact != "C1" {
			t.Errorf("again: %+v", p)
		}
		mustContain(t, "again", r.Text(), "already queued or open", "C1 already has satisfaction queued or open")
		r = e.ok(t, "survey send preferences to C2")
		p = r.Data.(*command.PlanData)
		if p.Decision == nil || p.Decision.Outcome != domain.Deny || p.Decision.NextEligible != nil || p.Decision.ReasonCodes[0] != domain.NoConsent {
			t.Errorf("C2 decision %+v", p.Decision)
		}
		mustContain(t, "C2", r.Text(), "C2: deny", "no consent recorded", "No date: only when the customer consents")

		// Errors say what is wrong, with the usage, and queue nothing.
		e.actor = manager
		for _, tt := range []struct {
			line  string
			code  domain.Code
			words []string
		}{
			{"survey send nope to C1", domain.NotFound, []string{`no questionnaire "nope"`, "satisfaction, preferences"}},
			{"survey send satisfaction C1", domain.Invalid, []string{"needs to before the audience"}},
			{"survey send satisfaction to", domain.Invalid, []string{"to whom"}},
			{"survey send", domain.Invalid, []string{"needs a questionnaire", "satisfaction, preferences"}},
			{"survey send satisfaction to stage=lost", domain.Invalid, []string{"no contact matches", "find stage=lost"}},
			{"survey send satisfaction to segment:nope", domain.NotFound, []string{"no segment"}},
			{"survey send satisfaction to stage=customer limit=1", domain.Invalid, []string{"limit= does not apply"}},
			{"survey send satisfaction to Martin", domain.Conflict, []string{"several contacts"}},
			{"survey frobnicate", domain.Invalid, []string{"list, send, results or triggers"}},
			{"survey results", domain.Invalid, []string{"one questionnaire", "satisfaction, preferences"}},
			{"survey results nope", domain.NotFound, []string{"satisfaction, preferences"}},
		} {
			r := e.fail(t, tt.line, tt.code)
			mustContain(t, tt.line, r.Error.Message, tt.words...)
			if !strings.HasPrefix(r.Error.Usage, "survey") {
				t.Errorf("%s: usage %q", tt.line, r.Error.Usage)
			}
		}
		if n := len(surveys(t, e.db, 1)) + len(surveys(t, e.db, 2)); n != 1 {
			t.Fatalf("errors queued surveys: %d in all", n)
		}

		r = e.ok(t, "survey list")
		mustContain(t, "list", r.Text(), "satisfaction — Your satisfaction", "preferences — Your preferences", "90 days", "180 days")
		list := r.Data.([]command.SurveySummary)
		if list[0].ID != "satisfaction" || list[0].Questions != 3 || list[0].Counts[domain.SurveyQueued] != 1 || list[0].Sent != 0 {
			t.Errorf("list %+v", list)
		}
	})
}

// answerAll plays contact id in the console's chat: delivers the queued
// survey, starts it and answers each question with answers.
func answerAll(t *testing.T, svc *survey.Service, id int64, answers ...string) {
	t.Helper()
	chat := survey.Chat{ContactID: id}
	r, err := svc.Resume(ctx(t), chat)
	if err != nil || len(r.Messages) != 1 || len(r.Messages[0].Buttons) == 0 {
		t.Fatalf("resume: %+v %v", r, err)
	}
	if _, err := svc.Tap(ctx(t), "", chat, 0, r.Messages[0].Buttons[0][0].Data); err != nil {
		t.Fatal(err)
	}
	for _, a := range answers {
		if _, err := svc.Text(ctx(t), "", chat, a); err != nil {
			t.Fatalf("answer %q: %v", a, err)
		}
	}
}

func TestHandledLiftsTheDetractorPause(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 9001)
		e.ok(t, "survey send satisfaction to C1")
		e.fail(t, "handled C1", domain.Invalid)
		answerAll(t, svc, 1, "1", "2", "Late delivery")

		w := whyData(t, e, "why C1")
		if w.Outcome != domain.Deny || w.NextEligible != nil || len(w.WaitsFor) != 1 || w.WaitsFor[0] != "owner" {
			t.Errorf("why paused: %+v", w)
		}
		mustContain(t, "why paused", e.ok(t, "why C1").Text(), "detractor_pause", "only when the owner marks the detractor answer handled (handled C1)")
		card := e.ok(t, "show C1")
		mustContain(t, "card paused", card.Text(), "detractor pause since 2026-11-25 — handled C1 lifts it",
			"Last answers (satisfaction, 2026-11-25): csat 1 · nps 2 · comment Late delivery")
		if got := actionLabels(card); got[len(got)-1] != "Handled" {
			t.Errorf("card actions %v", got)
		}

		e.clock.Set(start.Add(time.Hour))
		r := e.ok(t, "handled Jeanne Martin called back, new delivery Monday")
		mustContain(t, "handled", r.Text(), "Marked the detractor answer of C1 Jeanne Martin (Fromagerie Martin) as handled", "called back, new delivery Monday")
		res, err := e.db.Respondent(ctx(t), 1)
		if err != nil || res.Paused() || res.HandledBy != "alice" || res.HandledNote != "called back, new delivery Monday" {
			t.Fatalf("respondent %+v %v", res, err)
		}
		w = whyData(t, e, "why C1")
		for _, c := range w.ReasonCodes {
			if c == domain.DetractorPaused {
				t.Errorf("still paused: %+v", w)
			}
		}
		mustNotContain(t, "card handled", e.ok(t, "show C1").Text(), "detractor pause")
		e.fail(t, "handled C1", domain.Invalid)
	})
}

// TestWhyAndResults: a queued survey delivered and open holds the contact
// back until it expires; answered, the recontact window and the
// questionnaire's period hold, with their dates; the results aggregate the
// answers.
func TestWhyAndResults(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env, svc *survey.Service) {
		link(t, e, svc, "C1", 9101)
		link(t, e, svc, "C2", 9102)
		e.ok(t, "survey send satisfaction to C1")
		e.ok(t, "survey send satisfaction to C2")
		chat := survey.Chat{ContactID: 1}
		if _, err := svc.Resume(ctx(t), chat); err != nil {
			t.Fatal(err)
		}
		w := whyData(t, e, "why C1")
		if w.Outcome != domain.Deny || w.NextEligible == nil || !slices.Equal(w.ReasonCodes, []domain.ReasonCode{domain.RecontactWindow, domain.OpenQuestionnaire}) {
			t.Fatalf("why open: %+v", w)
		}
		mustContain(t, "why open", e.ok(t, "why C1").Text(), `"satisfaction" is still open: until it expires on 2026-12-02 10:00 CET`,
			"first date 2026-12-25 10:00 CET")

		answerAll(t, svc, 2, "5", "10", "Lovely cheese")
		e.clock.Set(start.Add(time.Minute))
		if _, err := svc.Tap(ctx(t), "", chat, 0, "s:"+strconv.FormatInt(surveys(t, e.db, 1)[0].ID, 10)+":start"); err != nil {
			t.Fatal(err)
		}
		for _, a := range []string{"4", "9", "/skip"} {
			if _, err := svc.Text(ctx(t), "", chat, a); err != nil {
				t.Fatal(err)
			}
		}
		r := e.ok(t, "why C1 satisfaction")
		w = r.Data.(*command.WhyData)
		if w.Outcome != domain.Deny || w.NextEligible == nil || !w.NextEligible.Equal(start.AddDate(0, 0, 90).Add(time.Minute)) {
			t.Errorf("why answered: %+v", w)
		}
		mustContain(t, "why answered", r.Text(), "recontact_window", "questionnaire_period", "first date 2027-02-23 10:01 CET")

		r = e.ok(t, "survey results satisfaction")
		mustContain(t, "results", r.Text(), "2 answered of 2 sent (response rate 100.0 %)", "average  4.50", "CSAT     100.0 %",
			"NPS      +100", "Lovely cheese", "4: 1 · 5: 1")
		mustNotContain(t, "results", r.Text(), "comment (")
		b, _ := r.JSON()
		var doc struct {
			Data struct {
				Answered  int `json:"answered"`
				Questions []struct {
					ID   string   `json:"id"`
					CSAT *float64 `json:"csat_pct"`
					NPS  *float64 `json:"nps"`
				} `json:"questions"`
				Comments []struct{ Text string } `json:"comments"`
			} `json:"data"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		d := doc.Data
		if d.Answered != 2 || len(d.Questions) != 2 || d.Questions[0].CSAT == nil || *d.Questions[0].CSAT != 100 ||
			d.Questions[1].NPS == nil || *d.Questions[1].NPS != 100 || len(d.Comments) != 1 || d.Comments[0].Text != "Lovely cheese" {
			t.Errorf("results data %s", b)
		}
		e.ok(t, "survey results preferences")
	})
}

// TestCardConsentHistory: the card shows the consent ledger, step by step,
// after a consent and a /stop.
func TestCardConsentHistory(t *testing.T) {
	e, svc := surveyEnv(t, "sqlite")
	link(t, e, svc, "C1", 501)
	if _, err := svc.Text(ctx(t), "stop-1", survey.Chat{ID: 501, Language: "en"}, "/stop"); err != nil {
		t.Fatal(err)
	}
	r := e.ok(t, "show C1")
	if !strings.Contains(r.Text(), "Consent history (2 entries, the last shown): given 2026-11-25 (telegram) → withdrawn 2026-11-25 (telegram)") {
		t.Errorf("the card has no consent history:\n%s", r.Text())
	}
	if card := r.Data.(*command.Card); len(card.Consent.History) != 2 || card.Consent.History[1].Kind != domain.ConsentWithdrawn {
		t.Errorf("the card's data: %+v", card.Consent.History)
	}
}

// TestSurveyTriggers: survey triggers says what asks itself and lists what
// is due in the coming 7 days, and why; in French too.
func TestSurveyTriggers(t *testing.T) {
	e, svc := surveyEnv(t, "sqlite")
	if r := e.ok(t, "survey triggers"); !strings.HasPrefix(r.Title, "No questionnaire asks itself") {
		t.Errorf("without triggers: %s", r.Text())
	}
	for i := range svc.Questionnaires {
		if svc.Questionnaires[i].ID == "satisfaction" {
			svc.Questionnaires[i].Trigger = &domain.Trigger{After: domain.AfterSale, Days: 7}
		}
	}
	e.ok(t, "sale C1 1200 today")
	e.ok(t, "sale C2 80 2026-11-01") // due long ago: passed over
	r := e.ok(t, "survey triggers")
	if r.Title != "1 questionnaire due to ask itself in the coming 7 days" || !strings.Contains(r.Text(), "satisfaction (7 days after a sale)") ||
		!strings.Contains(r.Text(), "2026-12-02 01:00 CET C1      satisfaction  sale of 1 200 € on 2026-11-25") {
		t.Errorf("survey triggers:\n%s", r.Text())
	}
	fr := e.exec.Run(locale.With(ctx(t), locale.For(locale.French)), e.actor, "questionnaire déclencheurs")
	if !fr.OK || !strings.Contains(fr.Text(), "vente de 1 200 € le 25/11/2026") || !strings.Contains(fr.Text(), "7 jours après une vente") {
		t.Errorf("questionnaire déclencheurs:\n%s", fr.Text())
	}
}
