package slackbot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/access"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/locale"
)

// speaks sets the Slack locale users.info answers for user.
func (f *fakeSlack) speaks(user, loc string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.locales == nil {
		f.locales = map[string]string{}
	}
	f.locales[user] = loc
}

// replyAfter waits for the next message on a response_url, past the calls
// to the Web API methods skip (which a failing method records).
func (e *env) replyAfter(t *testing.T, skip ...string) message {
	t.Helper()
	for {
		c := e.slack.next(t)
		if c.Method == "response" {
			var m message
			if err := json.Unmarshal(c.Body, &m); err != nil {
				t.Fatalf("response body %s: %v", c.Body, err)
			}
			return m
		}
		if !strings.Contains(" "+strings.Join(skip, " ")+" ", " "+c.Method+" ") {
			t.Fatalf("want a response_url message, got %s", c.Method)
		}
	}
}

// Through the Slack HTTP endpoint, each member reads the reply in their
// Slack locale: fr-FR in French (the message and the usage Draw writes),
// en-US in English; a member whose locale Slack cannot tell reads the
// team's language.
func TestRepliesInEachMembersLanguage(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.slack.speaks("U0FR", "fr-FR")
	e.slack.speaks("U0EN", "en-US")

	fr := e.run(t, "U0FR", "frobnicate")
	mustContain(t, "fr-FR reply", fr.Text, "commande inconnue “frobnicate”", "Tapez aide", "Usage : aide [commande]")
	mustContain(t, "fr-FR blocks", string(mustJSON(t, fr.Blocks)), ":warning: commande inconnue", "Usage : aide [commande]")
	en := e.run(t, "U0EN", "frobnicate")
	mustContain(t, "en-US reply", en.Text, "unknown command “frobnicate”", "Usage: help [command]")
	mustContain(t, "en-US blocks", string(mustJSON(t, en.Blocks)), ":warning: unknown command", "Usage: help [command]")
	if strings.Contains(en.Text, "commande") || strings.Contains(fr.Text, "unknown") {
		t.Errorf("languages mixed:\n%s\n%s", en.Text, fr.Text)
	}

	team := newEnv(t, "sqlite", func(c *slackbot.Config) { c.TeamLanguage = locale.French })
	team.slack.fail("users.info", "user_not_found")
	team.slash(t, "U0GHOST", "frobnicate")
	m := team.replyAfter(t, "users.info")
	mustContain(t, "team-language reply", m.Text, "commande inconnue", "Usage : aide [commande]")
	mustContain(t, "logs", team.logs.String(), "could not read a Slack member's locale")
}

// A failure of the transport itself (here Slack's user groups, needed for
// the roles) is told in the member's language.
func TestTransportFailureInTheMembersLanguage(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *slackbot.Config) {
		c.Roles = &access.Members{Sales: []string{"S0SALES"}}
	})
	e.slack.speaks("U0FR", "fr_FR")
	e.slack.fail("usergroups.users.list", "ratelimited")
	e.slash(t, "U0FR", "show C1")
	m := e.replyAfter(t, "usergroups.users.list")
	mustContain(t, "failure", m.Text, "crmbot n'a pas pu exécuter la commande", "rien n'a été modifié")
}

// The add form and its errors are in the member's language; so is the
// answer when Slack cannot open the form.
func TestAddFormInTheMembersLanguage(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.slack.speaks("U0FR", "fr-FR")
	req := e.openForm(t, e.slashForm("U0FR", "ajouter"))
	if v := req.View; v.Title.Text != "Nouveau contact" || v.Submit.Text != "Ajouter" || v.Close.Text != "Annuler" {
		t.Errorf("form %q, %q, %q", v.Title.Text, v.Submit.Text, v.Close.Text)
	}
	for _, s := range []string{req.View.Title.Text, req.View.Submit.Text, req.View.Close.Text} {
		if utf8.RuneCountInString(s) > 24 {
			t.Errorf("%q: Slack takes 24 characters", s)
		}
	}
	mustContain(t, "form", string(req.Body), `"Nom"`, `"Année de naissance"`, `"Canal préféré"`, "En euros : 1200, 1 200,50 €", "aujourd'hui", "Séparés par des virgules")
	if strings.Contains(string(req.Body), "Birth year") {
		t.Error("the French form has English labels")
	}
	submit := func(values map[string]string) ack { return e.submit(t, req, "U0FR", values) }
	mustContain(t, "no name", submit(map[string]string{"city": "Lyon"}).Body, "Un contact doit avoir un nom.")
	mustContain(t, "name with =", submit(map[string]string{"name": "a=b"}).Body, "Un nom ne peut pas contenir")

	e.slack.fail("views.open", "expired_trigger_id")
	e.slash(t, "U0FR", "add")
	m := e.replyAfter(t, "views.open")
	mustContain(t, "form refused", m.Text, "Slack n'a pas pu ouvrir le formulaire", "Usage : ajouter <nom> [clé=valeur…]")
}

// A detractor alert reaches its owner's DM in the owner's language, the
// digest channels in the team's.
func TestDetractorAlertInEachReadersLanguage(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *slackbot.Config) { c.TeamLanguage = locale.French; c.DigestChannels = []string{"C0SALES"} })
	e.slack.speaks("U0FR", "fr-FR")
	e.slack.speaks("U0EN", "en-GB")
	a := e.detractor(t, "U0FR")
	if err := e.bot.DetractorAlert(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	e.slack.next(t) // conversations.open
	m := posted(t, e.slack.next(t), "DU0FR")
	mustContain(t, "French DM", blockText(t, m), "Avis détracteur de Jeanne Martin (C1)", "*Questionnaire :* Satisfaction",
		"*Question :* Êtes-vous satisfait ?", "*Réponse :* 2 / 5 (CSAT)", "*Commentaires*",
		"Les questionnaires automatiques envoyés à C1 sont suspendus")
	mustContain(t, "French DM text", m.Text, "Avis détracteur de Jeanne Martin (C1) au questionnaire Satisfaction", "Tapez traité C1")
	handled, show := alertButtons(t, m)
	if handled.Text.Text != "Traité" || handled.Value != "handled C1" || show.Text.Text != "Voir la fiche" || show.Value != "show C1" {
		t.Errorf("buttons %+v %+v", handled, show)
	}

	a.Contact.Owner = "U0EN"
	if err := e.bot.DetractorAlert(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	e.slack.next(t) // conversations.open
	m = posted(t, e.slack.next(t), "DU0EN")
	mustContain(t, "English DM", blockText(t, m), "Detractor answer from Jeanne Martin (C1)", "How satisfied are you with us?")

	a.Contact.Owner = "pierre"
	if err := e.bot.DetractorAlert(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	m = posted(t, e.slack.next(t), "C0SALES")
	mustContain(t, "channel", blockText(t, m), "Avis détracteur de Jeanne Martin (C1)", "Publié ici car le responsable de C1 (pierre) n'a pas d'identifiant Slack.")

	a.Contact.Owner = "U0EN"
	e.slack.fail("conversations.open", "user_disabled")
	if err := e.bot.DetractorAlert(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	e.slack.next(t) // conversations.open
	m = posted(t, e.slack.next(t), "C0SALES")
	mustContain(t, "channel after the DM failed", blockText(t, m), "Avis détracteur", "n'a pas pu être joint directement")
	e.slack.none(t)
}

// Draw writes its own words in the reply's language: the usage of a
// failure, the note of what did not fit.
func TestDrawInFrench(t *testing.T) {
	r := reply.Failure("move", "invalid", "il manque l'étape", "déplacer <contact> <étape>")
	r.Lang = locale.French
	blocks, _ := slackbot.Draw(r)
	mustContain(t, "error", string(mustJSON(t, blocks)), "Usage : déplacer")

	table := &reply.Table{Columns: []string{"id"}}
	for i := range 5000 {
		table.Rows = append(table.Rows, []string{strings.Repeat(fmt.Sprint(i), 40)})
	}
	blocks, _ = slackbot.Draw(&reply.Reply{OK: true, Lang: locale.French, Sections: []reply.Section{{Table: table}}})
	all := string(mustJSON(t, blocks))
	mustContain(t, "cut", all, "lignes de plus ne tiennent pas dans un seul message Slack")
	if strings.Contains(all, "do not fit") {
		t.Error("the French note is in English")
	}
}

// bigDigest is a digest with all it can show at its largest: every
// segment and move between them, long names, a thousand people in each
// list, every throttle reason.
func bigDigest(lang locale.Lang) *digest.Digest {
	name := func(i int) string {
		return fmt.Sprintf("Établissements Dupont-Martin & Fils <%d> ", i) + strings.Repeat("é", 150)
	}
	people := func(n int64) *digest.People {
		p := &digest.People{Count: n}
		for i := range 10 {
			p.Contacts = append(p.Contacts, digest.Person{ID: int64(i + 1), Name: name(i)})
		}
		return p
	}
	moves := domain.MoveCounts{Left: map[domain.Stage]int{}, Forward: map[domain.Stage]int{}}
	counts := map[domain.Stage]int{}
	for i, from := range domain.Stages {
		counts[from] = 1234567 * (i + 1)
		moves.Left[from], moves.Forward[from] = 99999, 12345
		for _, to := range domain.Stages {
			if to != from {
				moves.Pairs = append(moves.Pairs, domain.StageMove{From: from, To: to, Count: 4321})
			}
		}
	}
	d := &digest.Digest{AsOf: "2026-11-25", Week: "2026-W48", Lang: lang, NewContacts: 123456,
		Pipeline: crm.BuildPipeline(counts, now, moves), Revenue: digest.Revenue{ThisWeek: 123456789012, PreviousWeek: 98765432101, ChangePct: new(24.99)}}
	d.RFM = digest.RFM{Customers: 1000000, ComparedWith: "2026-W47", NewlyAtRisk: people(54321), NewlyCantLose: people(12345)}
	for i, s := range domain.RFMSegments {
		d.RFM.Segments = append(d.RFM.Segments, digest.SegmentChange{Segment: s, Customers: 100000 + i, Change: new(-1000 + i)})
		for _, to := range domain.RFMSegments {
			if to != s {
				d.RFM.Moves = append(d.RFM.Moves, digest.SegmentMove{From: s, To: to, Count: 1000 - i})
			}
		}
	}
	d.ABC = domain.ABCResult{Total: 999999999, A: domain.ABCGroup{Customers: 200000, Revenue: 800000000},
		B: domain.ABCGroup{Customers: 300000, Revenue: 150000000}, C: domain.ABCGroup{Customers: 500000, Revenue: 49999999}, Pareto: 0.2}
	for i := range 10 {
		d.TopScores = append(d.TopScores, digest.ScoredContact{Person: digest.Person{ID: int64(i + 1), Name: name(i)}, Score: 100 - i, Grade: "A", Change: new(i - 5)})
	}
	d.QuietProspects = *people(77777)
	w := domain.QuestionnaireWeek{Sent: 100000, Answered: 54321, Deferred: map[string]int{}, Denied: map[string]int{},
		Ratings: 40000, Satisfied: 30000, NPSCount: 20000, Promoters: 9000, Detractor: 4000}
	for i := range 40 {
		w.Deferred[fmt.Sprintf("reason_number_%d_of_a_long_list", i)] = 1000 + i
		w.Denied[fmt.Sprintf("no_consent_%d", i)] = 2000 + i
	}
	d.Questionnaires = digest.Questionnaires{QuestionnaireWeek: w, ResponseRate: w.ResponseRate(), CSAT: w.CSAT(), NPS: w.NPS()}
	return d
}

// The digest, French and English, with as much data as it can show, stays
// within every Block Kit limit Slack sets (see checkLimits), and so does
// its fallback text; posted, its chart's title is in the team's language.
func TestDigestWithinSlackLimitsInEveryLanguage(t *testing.T) {
	for _, lang := range locale.Langs {
		t.Run(string(lang), func(t *testing.T) {
			d := bigDigest(lang)
			r := command.DigestReply(d)
			r.Lang = d.Lang
			js, raw, text := drawWithinLimits(t, r)
			if len(raw) < 20 {
				t.Errorf("only %d blocks: the digest lost its content", len(raw))
			}
			if n := utf8.RuneCountInString(text); n > 3000 {
				t.Errorf("fallback of %d characters", n)
			}
			if lang == locale.French && strings.Contains(js, "do not fit") {
				t.Error("the French digest has an English note")
			}
		})
	}

	e := newEnv(t, "sqlite")
	d := bigDigest(locale.French)
	r := command.DigestReply(d)
	r.Lang = locale.French
	chart, err := d.Chart()
	if err != nil {
		t.Fatal(err)
	}
	to, err := e.bot.PostDigest(t.Context(), []string{"C0SALES"}, slackbot.Digest{Week: d.Week, Reply: r, Chart: chart}, e.db.ClaimDigestPost)
	if err != nil || len(to) != 1 {
		t.Fatalf("posted to %v, %v", to, err)
	}
	checkLimits(t, posted(t, e.slack.next(t), "C0SALES").Blocks)
	e.slack.next(t) // files.getUploadURLExternal
	e.slack.next(t) // upload
	c := e.slack.next(t)
	if c.Method != "files.completeUploadExternal" {
		t.Fatalf("call %s, want files.completeUploadExternal", c.Method)
	}
	mustContain(t, "upload", c.Form.Get("files"), "Bilan hebdomadaire 2026-W48")
}
