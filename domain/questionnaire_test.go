package domain_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

var questionNow = time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)

// builtinQuestion returns a question of a built-in questionnaire.
func builtinQuestion(t *testing.T, questionnaire, question string) domain.Question {
	t.Helper()
	for _, q := range domain.BuiltinQuestionnaires() {
		if qu, ok := q.Question(question); ok && q.ID == questionnaire {
			return qu
		}
	}
	t.Fatalf("no built-in question %s.%s", questionnaire, question)
	return domain.Question{}
}

func TestTextIn(t *testing.T) {
	both := domain.Text{FR: "Bonjour", EN: "Hello"}
	cases := []struct {
		text domain.Text
		lang string
		want string
	}{
		{both, "fr", "Bonjour"},
		{both, "FR-ca", "Bonjour"},
		{both, " fr ", "Bonjour"},
		{both, "en", "Hello"},
		{both, "en-GB", "Hello"},
		{both, "de", "Hello"},
		{both, "", "Hello"},
		{domain.Text{FR: "Bonjour"}, "en", "Bonjour"},
		{domain.Text{EN: "Hello"}, "fr", "Hello"},
		{domain.Text{}, "fr", ""},
	}
	for _, tc := range cases {
		if got := tc.text.In(tc.lang); got != tc.want {
			t.Errorf("%+v.In(%q) = %q, want %q", tc.text, tc.lang, got, tc.want)
		}
	}
	if !both.Complete() || (domain.Text{FR: "x", EN: "  "}).Complete() {
		t.Error("Complete is wrong")
	}
}

func TestParseAcceptsAnswers(t *testing.T) {
	csat := builtinQuestion(t, "satisfaction", "csat")
	nps := builtinQuestion(t, "satisfaction", "nps")
	comment := builtinQuestion(t, "satisfaction", "comment")
	interests := builtinQuestion(t, "preferences", "interests")
	channel := builtinQuestion(t, "preferences", "channel")
	frequency := builtinQuestion(t, "preferences", "frequency")
	yesno := domain.Question{ID: "again", Type: domain.YesNoQuestion, Text: domain.Text{FR: "Encore ?", EN: "Again?"}}
	long := strings.Repeat("é", domain.MaxTextAnswer)
	cases := []struct {
		q     domain.Question
		input string
		want  domain.Answer
	}{
		{csat, "1", domain.Answer{Number: 1}},
		{csat, " 5 ", domain.Answer{Number: 5}},
		{nps, "0", domain.Answer{Number: 0}},
		{nps, "10", domain.Answer{Number: 10}},
		{channel, "email", domain.Answer{Options: []string{"email"}}},
		{channel, "EMAIL", domain.Answer{Options: []string{"email"}}},
		{channel, "téléphone", domain.Answer{Options: []string{"phone"}}},
		{channel, "In Person", domain.Answer{Options: []string{"meeting"}}},
		{frequency, "Une fois par mois", domain.Answer{Options: []string{"monthly"}}},
		{interests, "tips, news", domain.Answer{Options: []string{"news", "tips"}}},
		{interests, "Training; événements et salons | TIPS, tips", domain.Answer{Options: []string{"events", "tips", "training"}}},
		{interests, "  ", domain.Answer{Skipped: true}},
		{yesno, "Oui", domain.Answer{Yes: true}},
		{yesno, "yes", domain.Answer{Yes: true}},
		{yesno, "NON", domain.Answer{}},
		{yesno, "no", domain.Answer{}},
		{comment, "  Très bien,\nmerci  ", domain.Answer{Text: "Très bien,\nmerci"}},
		{comment, long, domain.Answer{Text: long}},
		{comment, "", domain.Answer{Skipped: true}},
	}
	for _, tc := range cases {
		for _, lang := range []string{"fr", "en"} {
			got, err := tc.q.Parse(tc.input, lang)
			want := tc.want
			want.Question, want.Type = tc.q.ID, tc.q.Type
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s.Parse(%q, %s) = %+v, %v; want %+v", tc.q.ID, tc.input, lang, got, err, want)
			}
		}
	}
}

func TestParseRefusesWithWhatToAnswer(t *testing.T) {
	csat := builtinQuestion(t, "satisfaction", "csat")
	nps := builtinQuestion(t, "satisfaction", "nps")
	interests := builtinQuestion(t, "preferences", "interests")
	channel := builtinQuestion(t, "preferences", "channel")
	comment := builtinQuestion(t, "satisfaction", "comment")
	yesno := domain.Question{ID: "again", Type: domain.YesNoQuestion}
	email := domain.Question{ID: "mail", Type: domain.TextQuestion, Sets: "email"}
	cases := []struct {
		q      domain.Question
		input  string
		fr, en string // what the message says in each language
	}{
		{csat, "", "de 1 (le moins bien) à 5", "from 1 (worst) to 5"},
		{csat, "0", "« 0 » ne convient pas", `“0” is not a valid answer`},
		{csat, "6", "de 1 (le moins bien) à 5", "from 1 (worst) to 5"},
		{csat, "4.5", "« 4.5 »", "“4.5”"},
		{csat, "\xff", "demande une réponse", "needs an answer"},
		{nps, "11", "de 0 (pas du tout) à 10", "from 0 (not at all likely) to 10"},
		{nps, "-1", "« -1 »", "“-1”"},
		{nps, "dix", "« dix »", "“dix”"},
		{channel, "", "l'un de ces choix : Telegram, E-mail, Téléphone, SMS, Rendez-vous.", "one of these: Telegram, Email, Phone, Text message, In person."},
		{channel, "fax", "« fax » ne convient pas", "“fax” is not a valid answer"},
		{channel, "email, phone", "« email, phone »", "“email, phone”"},
		{interests, "news, cinema", "« cinema »", "“cinema”"},
		{interests, ", ;", "demande une réponse", "needs an answer"},
		{interests, "golf", "séparés par des virgules : Nouveautés, Offres", "separated by commas: New products, Offers"},
		{yesno, "maybe", "Répondez par oui ou non.", "Answer yes or no."},
		{yesno, "", "Répondez par oui ou non.", "Answer yes or no."},
		{comment, strings.Repeat("a", domain.MaxTextAnswer+1), "trop longue (2001 caractères)", "too long (2001 characters)"},
		{comment, "a\x1b[31mb", "caractère de contrôle", "control character"},
		{email, "not an email", "ne convient pas (", "does not fit ("},
		{email, "", "demande une réponse", "needs an answer"},
		{domain.Question{ID: "x", Type: "essay"}, "hi", `"essay"`, `"essay"`},
	}
	for _, tc := range cases {
		for lang, says := range map[string]string{"fr": tc.fr, "en": tc.en} {
			_, err := tc.q.Parse(tc.input, lang)
			var e *domain.Error
			if !errors.As(err, &e) || e.Code != domain.Invalid || !strings.Contains(e.Message, says) {
				t.Errorf("%s.Parse(%q, %s) = %v; want an Invalid error saying %q", tc.q.ID, tc.input, lang, err, says)
			}
		}
	}
	// A long input is quoted back shortened.
	_, err := channel.Parse(strings.Repeat("x", 100), "en")
	if err == nil || strings.Contains(err.Error(), strings.Repeat("x", 41)) || !strings.Contains(err.Error(), "…") {
		t.Errorf("long input quoted as %v", err)
	}
}

// Every button value parses, and every answer's Value parses back to the
// same answer: Value is how an answer can be stored as text.
func TestButtonsAndValuesParseBack(t *testing.T) {
	multi := builtinQuestion(t, "preferences", "categories")
	extra := []struct {
		q     domain.Question
		input string
	}{
		{domain.Question{ID: "ok", Type: domain.YesNoQuestion}, "non"},
		{builtinQuestion(t, "satisfaction", "comment"), "Parfait, merci."},
		{multi, "software, Services, produits"},
		{multi, ""},
	}
	for _, q := range domain.BuiltinQuestionnaires() {
		for _, qu := range q.Questions {
			for _, b := range qu.Buttons() {
				extra = append(extra, struct {
					q     domain.Question
					input string
				}{qu, b})
			}
		}
	}
	for _, tc := range extra {
		a, err := tc.q.Parse(tc.input, "fr")
		if err != nil {
			t.Errorf("%s.Parse(%q): %v", tc.q.ID, tc.input, err)
			continue
		}
		back, err := tc.q.Parse(a.Value(), "en")
		if err != nil || !reflect.DeepEqual(back, a) {
			t.Errorf("%s: %q read as %+v, whose value %q reads back as %+v, %v", tc.q.ID, tc.input, a, a.Value(), back, err)
		}
	}
	if got := builtinQuestion(t, "satisfaction", "comment").Buttons(); len(got) != 0 {
		t.Errorf("a text question has buttons %v", got)
	}
	if got := builtinQuestion(t, "satisfaction", "nps").Buttons(); len(got) != 11 || got[0] != "0" || got[10] != "10" {
		t.Errorf("nps buttons %v", got)
	}
}

func TestApplyWritesTheContact(t *testing.T) {
	interests := builtinQuestion(t, "preferences", "interests")
	frequency := builtinQuestion(t, "preferences", "frequency")
	channel := builtinQuestion(t, "preferences", "channel")
	csat := builtinQuestion(t, "satisfaction", "csat")
	loyalty := domain.Question{ID: "card", Type: domain.YesNoQuestion, Sets: "attr.loyalty_card"}
	hobbies := domain.Question{ID: "hobbies", Type: domain.MultiQuestion, Sets: "attr.hobbies",
		Options: []domain.Option{{ID: "golf"}, {ID: "sail"}}}
	city := domain.Question{ID: "city", Type: domain.TextQuestion, Sets: "ville"}
	size := domain.Question{ID: "size", Type: domain.TextQuestion, Sets: "employees"}
	cases := []struct {
		q     domain.Question
		input string
		field string
		want  string
	}{
		{interests, "events, news", "interests", "news, events"},
		{interests, "", "interests", "old"}, // skipped: unchanged
		{frequency, "Once a quarter", "frequency", "quarterly"},
		{channel, "Téléphone", "preferred_channel", "phone"},
		{csat, "4", "satisfaction", ""}, // sets nothing
		{loyalty, "oui", "attr.loyalty_card", "yes"},
		{hobbies, "sail, golf", "attr.hobbies", "golf, sail"},
		{city, "  Saint-Malo\n(Bretagne) ", "city", "Saint-Malo (Bretagne)"},
		{size, "1 200", "employees", "1200"},
	}
	for _, tc := range cases {
		c := domain.Contact{Name: "Zoé", Interests: []string{"old"}}
		a, err := tc.q.Parse(tc.input, "fr")
		if err != nil {
			t.Fatalf("%s.Parse(%q): %v", tc.q.ID, tc.input, err)
		}
		if err := tc.q.Apply(&c, a, questionNow); err != nil || c.Get(tc.field) != tc.want {
			t.Errorf("%s %q: %s = %q, %v; want %q", tc.q.ID, tc.input, tc.field, c.Get(tc.field), err, tc.want)
		}
	}
	c := domain.Contact{Name: "Zoé"}
	a, _ := frequency.Parse("weekly", "en")
	if err := channel.Apply(&c, a, questionNow); !domain.IsCode(err, domain.Invalid) || c.PreferredChannel != "" {
		t.Errorf("an answer to another question was applied: %v, %+v", err, c)
	}
	if a, _ := interests.Parse("news, tips", "en"); interests.Apply(&c, a, questionNow) != nil || !slices.Equal(c.Interests, []string{"news", "tips"}) {
		t.Errorf("multi answer written as %#v, want a list", c.Interests)
	}
}

func TestIsDetractor(t *testing.T) {
	cases := []struct {
		a                   domain.Answer
		npsBelow, csatBelow int
		want                bool
	}{
		{domain.Answer{Type: domain.NPSQuestion, Number: 0}, 7, 3, true},
		{domain.Answer{Type: domain.NPSQuestion, Number: 6}, 7, 3, true},
		{domain.Answer{Type: domain.NPSQuestion, Number: 7}, 7, 3, false},
		{domain.Answer{Type: domain.NPSQuestion, Number: 8}, 9, 3, true},
		{domain.Answer{Type: domain.RatingQuestion, Number: 1}, 7, 3, true},
		{domain.Answer{Type: domain.RatingQuestion, Number: 2}, 7, 3, true},
		{domain.Answer{Type: domain.RatingQuestion, Number: 3}, 7, 3, false},
		{domain.Answer{Type: domain.RatingQuestion, Number: 3}, 7, 4, true},
		{domain.Answer{Type: domain.RatingQuestion, Skipped: true}, 7, 3, false},
		{domain.Answer{Type: domain.NPSQuestion, Skipped: true}, 7, 3, false},
		{domain.Answer{Type: domain.ChoiceQuestion, Options: []string{"never"}}, 7, 3, false},
		{domain.Answer{Type: domain.TextQuestion, Text: "awful"}, 7, 3, false},
	}
	for _, tc := range cases {
		if got := tc.a.IsDetractor(tc.npsBelow, tc.csatBelow); got != tc.want {
			t.Errorf("%+v.IsDetractor(%d, %d) = %v, want %v", tc.a, tc.npsBelow, tc.csatBelow, got, tc.want)
		}
	}
}

func TestCheckSets(t *testing.T) {
	cases := []struct {
		typ  domain.QuestionType
		sets string
		says string // "" when accepted
	}{
		{domain.MultiQuestion, "", ""},
		{domain.MultiQuestion, "interests", ""},
		{domain.MultiQuestion, "tags", ""},
		{domain.MultiQuestion, "attr.hobbies", ""},
		{domain.ChoiceQuestion, "Preferred_Channel", ""},
		{domain.ChoiceQuestion, "interests", ""},
		{domain.RatingQuestion, "attr.csat", ""},
		{domain.NPSQuestion, "employees", ""},
		{domain.TextQuestion, "email", ""},
		{domain.TextQuestion, "ville", ""},
		{domain.TextQuestion, "project_date", ""},
		{domain.YesNoQuestion, "attr.newsletter", ""},
		{domain.ChoiceQuestion, "interets_", `"interets_" is not a contact field`},
		{domain.ChoiceQuestion, "satisfaction", `"satisfaction" is not a contact field`},
		{domain.ChoiceQuestion, "attr.no good", "not a usable attribute name"},
		{domain.ChoiceQuestion, "attr.", "not a usable attribute name"},
		{domain.MultiQuestion, "frequency", "a multi question cannot set frequency"},
		{domain.ChoiceQuestion, "employees", "a choice question cannot set employees"},
		{domain.RatingQuestion, "email", "a rating question cannot set email"},
		{domain.TextQuestion, "stage", "cannot set stage"},
		{domain.ChoiceQuestion, "owner", "cannot set owner"},
	}
	for _, tc := range cases {
		err := domain.Question{ID: "q", Type: tc.typ, Sets: tc.sets}.CheckSets()
		switch {
		case tc.says == "" && err != nil:
			t.Errorf("%s sets %q: %v", tc.typ, tc.sets, err)
		case tc.says != "" && (!domain.IsCode(err, domain.Invalid) || !strings.Contains(err.Error(), tc.says)):
			t.Errorf("%s sets %q: %v; want an error saying %q", tc.typ, tc.sets, err, tc.says)
		}
	}
}

func TestValidQuestionID(t *testing.T) {
	for id, want := range map[string]bool{
		"csat": true, "after_sale": true, "q-2": true, "a": true, strings.Repeat("x", 32): true,
		"": false, "Csat": false, "a:b": false, "a b": false, "é": false, "x.y": false, strings.Repeat("x", 33): false,
	} {
		if got := domain.ValidQuestionID(id); got != want {
			t.Errorf("ValidQuestionID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestQuestionTypes(t *testing.T) {
	for _, typ := range domain.QuestionTypes {
		if !typ.Valid() {
			t.Errorf("%s is not valid", typ)
		}
		if want := typ == domain.ChoiceQuestion || typ == domain.MultiQuestion; typ.TakesOptions() != want {
			t.Errorf("%s.TakesOptions() = %v", typ, !want)
		}
	}
	if domain.QuestionType("essay").Valid() || domain.QuestionType("").Valid() {
		t.Error("an unknown type is valid")
	}
}

// The built-ins are complete in both languages, well formed, and each of
// their buttons fits in Telegram's 64 bytes of callback data.
func TestBuiltinQuestionnaires(t *testing.T) {
	qs := domain.BuiltinQuestionnaires()
	var ids []string
	for _, q := range qs {
		ids = append(ids, q.ID)
		if !domain.IsBuiltinQuestionnaire(q.ID) || !domain.ValidQuestionID(q.ID) || q.Version < 1 || q.PeriodDays < 0 || !q.Title.Complete() {
			t.Errorf("questionnaire %+v", q)
		}
		checkBuiltinQuestions(t, q)
	}
	if !slices.Equal(ids, []string{domain.SatisfactionID, domain.PreferencesID}) || domain.IsBuiltinQuestionnaire("after_sale") {
		t.Errorf("built-ins %v", ids)
	}
	want := map[string]string{"satisfaction": "csat:rating: nps:nps: comment:text:", "preferences": "interests:multi:interests categories:multi:categories channel:choice:preferred_channel frequency:choice:frequency"}
	for _, q := range qs {
		var got []string
		for _, qu := range q.Questions {
			got = append(got, qu.ID+":"+string(qu.Type)+":"+qu.Sets)
		}
		if strings.Join(got, " ") != want[q.ID] {
			t.Errorf("%s: questions %v, want %s", q.ID, got, want[q.ID])
		}
	}
	frequency := builtinQuestion(t, "preferences", "frequency")
	if !slices.Equal(frequency.Buttons(), domain.Frequencies) {
		t.Errorf("frequency options %v, want %v", frequency.Buttons(), domain.Frequencies)
	}
	// The throttle reads every answer of the frequency question.
	for _, f := range domain.Frequencies {
		if _, err := domain.ParseFrequency(f); err != nil {
			t.Errorf("the throttle cannot read the frequency %q: %v", f, err)
		}
	}
	// Each call gives new values: a caller cannot change the built-ins.
	qs[0].Questions[0].Text.EN = "changed"
	qs[1].Questions[0].Options[0].ID = "changed"
	if again := domain.BuiltinQuestionnaires(); again[0].Questions[0].Text.EN == "changed" || again[1].Questions[0].Options[0].ID == "changed" {
		t.Error("the built-ins were changed through a returned value")
	}
}

func checkBuiltinQuestions(t *testing.T, q domain.Questionnaire) {
	t.Helper()
	seen := map[string]bool{}
	for _, qu := range q.Questions {
		if seen[qu.ID] || !domain.ValidQuestionID(qu.ID) || !qu.Type.Valid() || !qu.Text.Complete() || qu.CheckSets() != nil {
			t.Errorf("%s: question %+v", q.ID, qu)
		}
		seen[qu.ID] = true
		if qu.Type.TakesOptions() != (len(qu.Options) >= 2) {
			t.Errorf("%s.%s: %d options", q.ID, qu.ID, len(qu.Options))
		}
		options := map[string]bool{}
		for _, o := range qu.Options {
			if options[o.ID] || !domain.ValidQuestionID(o.ID) || !o.Text.Complete() {
				t.Errorf("%s.%s: option %+v", q.ID, qu.ID, o)
			}
			options[o.ID] = true
		}
		for _, b := range qu.Buttons() {
			if data := q.CallbackData(qu.ID, b); len(data) > domain.MaxCallbackData || strings.Count(data, ":") != 4 {
				t.Errorf("callback data %q is %d bytes, more than %d", data, len(data), domain.MaxCallbackData)
			}
		}
	}
}

func TestCallbackDataAndLookup(t *testing.T) {
	q := domain.Questionnaire{ID: "after_sale", Version: 3, Questions: []domain.Question{{ID: "csat"}, {ID: "why"}}}
	if got := q.CallbackData("csat", "4"); got != "q:after_sale:3:csat:4" {
		t.Errorf("CallbackData = %q", got)
	}
	if qu, ok := q.Question("why"); !ok || qu.ID != "why" {
		t.Errorf("Question(why) = %+v, %v", qu, ok)
	}
	if _, ok := q.Question("how"); ok {
		t.Error("Question(how) found")
	}
}
