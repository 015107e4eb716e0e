package config_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/domain"
)

// visitYAML is a valid questionnaire in block style; the tests change one
// line of it at a time (line numbers in the comments).
const visitYAML = `questionnaires:
  - id: visit
    version: 2
    period_days: 30
    title: {fr: "Visite", en: "Visit"}
    questions:
      - id: mood
        type: choice
        text: {fr: "Humeur ?", en: "Mood?"}
        sets: attr.mood
        options:
          - {id: good, text: {fr: Bien, en: Good}}
          - {id: bad, text: {fr: Mal, en: Bad}}
      - id: topics
        type: multi
        optional: true
        sets: interests
        text: {fr: "Sujets ?", en: "Topics?"}
        options:
          - {id: golf, text: {fr: Golf, en: Golf}}
          - {id: sail, text: {fr: Voile, en: Sailing}}
      - id: note
        type: rating
        text: {fr: "Note ?", en: "Rating?"}
`

func TestQuestionnairesInForce(t *testing.T) {
	c, err := config.Parse([]byte(visitYAML), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.Questionnaire{ID: "visit", Version: 2, PeriodDays: 30, Title: domain.Text{FR: "Visite", EN: "Visit"},
		Questions: []domain.Question{
			{ID: "mood", Type: domain.ChoiceQuestion, Text: domain.Text{FR: "Humeur ?", EN: "Mood?"}, Sets: "attr.mood",
				Options: []domain.Option{{ID: "good", Text: domain.Text{FR: "Bien", EN: "Good"}}, {ID: "bad", Text: domain.Text{FR: "Mal", EN: "Bad"}}}},
			{ID: "topics", Type: domain.MultiQuestion, Optional: true, Sets: "interests", Text: domain.Text{FR: "Sujets ?", EN: "Topics?"},
				Options: []domain.Option{{ID: "golf", Text: domain.Text{FR: "Golf", EN: "Golf"}}, {ID: "sail", Text: domain.Text{FR: "Voile", EN: "Sailing"}}}},
			{ID: "note", Type: domain.RatingQuestion, Text: domain.Text{FR: "Note ?", EN: "Rating?"}},
		}}
	if ids := questionnaireIDs(c); ids != "satisfaction preferences visit" {
		t.Errorf("questionnaires in force: %s", ids)
	}
	if got, ok := c.Questionnaire("visit"); !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("visit = %+v, %v\nwant %+v", got, ok, want)
	}
	if got, ok := c.Questionnaire("preferences"); !ok || !reflect.DeepEqual(got, domain.BuiltinQuestionnaires()[1]) {
		t.Errorf("preferences = %+v, %v", got, ok)
	}
	if _, ok := c.Questionnaire("nope"); ok {
		t.Error("an unknown questionnaire was found")
	}

	full, err := config.Load(fullPath)
	if err != nil {
		t.Fatal(err)
	}
	if q, ok := full.Questionnaire("after_sale"); questionnaireIDs(full) != "satisfaction preferences after_sale" || !ok ||
		q.PeriodDays != 7 || q.Title.In("en") != "Your purchase" || len(q.Questions) != 2 ||
		q.Questions[0].Type != domain.RatingQuestion || !q.Questions[1].Optional || q.Questions[1].Type != domain.TextQuestion {
		t.Errorf("the example's questionnaires: %+v", full.Questionnaires)
	}
	for name, c := range map[string]*config.Config{"Default()": config.Default(), "no questionnaires": mustParse(t, "questionnaires:\n")} {
		if ids := questionnaireIDs(c); ids != "satisfaction preferences" {
			t.Errorf("%s: questionnaires %s, want the built-ins", name, ids)
		}
	}
}

func questionnaireIDs(c *config.Config) string {
	var ids []string
	for _, q := range c.Questionnaires {
		ids = append(ids, q.ID)
	}
	return strings.Join(ids, " ")
}

func mustParse(t *testing.T, text string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(text), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQuestionnaireProblemsPointAtTheirLine(t *testing.T) {
	cases := []struct {
		name     string
		line     int // the line changed
		text     string
		reported int // the line the problem is reported on
		says     string
	}{
		{"unknown type", 23, "        type: stars", 23, `type "stars": use one of rating, nps, choice, multi, yesno, text`},
		{"choice with one option", 13, "", 7, `"mood" of type choice needs at least two options`},
		{"multi with one option", 21, "", 14, `"topics" of type multi needs at least two options`},
		{"duplicate option id", 13, "          - {id: good, text: {fr: Mal, en: Bad}}", 13, `option id "good" is used twice`},
		{"options on a type that takes none", 8, "        type: yesno", 11, `"mood" of type yesno takes no options`},
		{"option without an id", 12, "          - {text: {fr: Bien, en: Good}}", 12, `option 1 of question "mood" needs an id`},
		{"option id not usable", 12, `          - {id: "très bien", text: {fr: Bien, en: Good}}`, 12, `option id "très bien"`},
		{"option without English", 20, "          - {id: golf, text: {fr: Golf}}", 20, `option "golf" of question "topics" needs its text in French and English`},
		{"option without text", 21, "          - {id: sail}", 21, `option "sail" of question "topics" needs its text`},
		{"question without French", 24, `        text: {en: "Rating?"}`, 24, `question "note" needs its text in French and English`},
		{"question without text", 24, "", 22, `question "note" needs its text`},
		{"question id not usable", 7, "      - id: Mood", 7, `question id "Mood": use 1 to 32 lowercase`},
		{"title without English", 5, `    title: {fr: "Visite"}`, 5, `"visit" needs its title in French and English`},
		{"no title", 5, "", 2, `"visit" needs its title`},
		{"questionnaire id not usable", 2, "  - id: visit:2", 2, `questionnaire id "visit:2": use 1 to 32 lowercase`},
		{"built-in id", 2, "  - id: preferences", 2, "built in"},
		{"negative version", 3, "    version: -1", 3, "version cannot be negative"},
		{"negative period", 4, "    period_days: -7", 4, "period_days cannot be negative"},
		{"trigger after what", 4, "    trigger: {after: visit, days: 3}", 4, "a trigger is {after: sale, days: 7}"},
		{"move trigger without a stage", 4, "    trigger: {after: move, days: 1}", 4, "a move trigger needs the stage it follows"},
		{"trigger both ways", 4, "    trigger: {after: sale, days: 7, every_days: 30}", 4, "either after a sale or a move"},
		{"sets an unknown field", 17, "        sets: interets_", 17, `"interets_" is not a contact field`},
		{"sets a bad attribute", 10, "        sets: attr.the mood", 10, "not a usable attribute name"},
		{"multi sets a text field", 17, "        sets: frequency", 17, "a multi question cannot set frequency"},
		{"sets the stage", 10, "        sets: stage", 10, "cannot set stage"},
	}
	for _, tc := range cases {
		_, err := config.Parse([]byte(withLine(t, visitYAML, tc.line, tc.text)), "crmbot.yaml")
		ps := problems(t, err)
		if len(ps) != 1 || ps[0].Line != tc.reported || ps[0].Column == 0 || !strings.Contains(ps[0].Message, tc.says) {
			t.Errorf("%s: problems\n%s\nwant one, on line %d, saying %q", tc.name, ps.Error(), tc.reported, tc.says)
		}
	}

	// Valid ids, each of at most 32 bytes, that make a button's callback
	// data longer than Telegram's 64 bytes.
	long := strings.Repeat("v", 32)
	text := withLine(t, withLine(t, visitYAML, 2, "  - id: "+long), 14, "      - id: topics_of_interest_to_us")
	ps := problems(t, mustFail(config.Parse([]byte(text), "crmbot.yaml")))
	says := `"topics_of_interest_to_us": its button data "q:` + long + `:2:topics_of_interest_to_us:golf" is 66 bytes, and Telegram allows 64`
	if len(ps) != 1 || ps[0].Line != 14 || !strings.Contains(ps[0].Message, says) {
		t.Errorf("long ids: problems\n%s\nwant one, on line 14, saying %q", ps.Error(), says)
	}
}

func mustFail(_ *config.Config, err error) error { return err }

func TestEveryQuestionnaireProblemIsReported(t *testing.T) {
	text := withLine(t, visitYAML, 3, "    version: -2")
	text = withLine(t, text, 13, "          - {id: good, text: {fr: Mal}}")
	text = withLine(t, text, 17, "        sets: nowhere")
	text = withLine(t, text, 23, "        type: essay")
	_, err := config.Parse([]byte(text), "x.yaml")
	ps := problems(t, err)
	want := []struct {
		line int
		says string
	}{{3, "version"}, {13, "used twice"}, {13, "French and English"}, {17, `"nowhere"`}, {23, `"essay"`}}
	if len(ps) != len(want) {
		t.Fatalf("problems:\n%s", ps.Error())
	}
	for i, w := range want {
		if ps[i].Line != w.line || !strings.Contains(ps[i].Message, w.says) {
			t.Errorf("problem %d = %s; want line %d saying %q", i, ps[i], w.line, w.says)
		}
	}
}

// TestQuestionnaireTrigger: a trigger reads stages in French too.
func TestQuestionnaireTrigger(t *testing.T) {
	c, err := config.Parse([]byte(withLine(t, visitYAML, 4, "    trigger: {after: move, to: perdu, days: 1}")), "crmbot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	q, ok := c.Questionnaire("visit")
	if !ok || q.Trigger == nil || *q.Trigger != (domain.Trigger{After: domain.AfterMove, To: domain.Lost, Days: 1}) {
		t.Errorf("trigger %+v", q.Trigger)
	}
}
