package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/domain"
)

// idRule says what an id of a questionnaire, question or option may hold.
const idRule = "use 1 to 32 lowercase letters, digits, _ or -"

// Questionnaire returns the questionnaire in force with the given id, built
// in or from the file.
func (c *Config) Questionnaire(id string) (domain.Questionnaire, bool) {
	i := slices.IndexFunc(c.Questionnaires, func(q domain.Questionnaire) bool { return q.ID == id })
	if i < 0 {
		return domain.Questionnaire{}, false
	}
	return c.Questionnaires[i], true
}

// questionnaires returns the questionnaires in force: the built-in ones,
// then the file's.
func questionnaires(qs []Questionnaire) []domain.Questionnaire {
	out := domain.BuiltinQuestionnaires()
	for _, q := range qs {
		out = append(out, q.toDomain())
	}
	return out
}

func (q Questionnaire) toDomain() domain.Questionnaire {
	d := domain.Questionnaire{ID: q.ID, Version: q.Version, PeriodDays: q.PeriodDays, Title: domain.Text(q.Title)}
	if t := q.Trigger; t != nil {
		to := domain.Stage(t.To)
		if st, err := domain.ParseStage(t.To); err == nil {
			to = st
		}
		d.Trigger = &domain.Trigger{After: t.After, To: to, Days: t.Days, EveryDays: t.EveryDays}
	}
	for _, qu := range q.Questions {
		d.Questions = append(d.Questions, qu.toDomain())
	}
	return d
}

func (qu Question) toDomain() domain.Question {
	d := domain.Question{ID: qu.ID, Type: domain.QuestionType(qu.Type), Text: domain.Text(qu.Text), Optional: qu.Optional, Sets: qu.Sets}
	for _, o := range qu.Options {
		d.Options = append(d.Options, domain.Option{ID: o.ID, Text: domain.Text(o.Text)})
	}
	return d
}

// checkQuestionnaires checks the file's questionnaires, reporting each
// problem at its place: path is a path for locate.
func checkQuestionnaires(qs []Questionnaire, add func(msg string, path ...any)) {
	seen := map[string]bool{}
	for _, b := range domain.BuiltinQuestionnaires() {
		seen[b.ID] = true
	}
	for i, q := range qs {
		at := []any{"questionnaires", i}
		if q.ID == "" {
			add("a questionnaire needs an id", at...)
			continue
		}
		if seen[q.ID] {
			add(fmt.Sprintf("questionnaire id %q is used twice (satisfaction and preferences are built in)", q.ID), under(at, "id")...)
		}
		seen[q.ID] = true
		checkQuestionnaire(q, at, add)
	}
}

// under returns path followed by more, sharing nothing with path.
func under(path []any, more ...any) []any { return slices.Concat(path, more) }

func checkQuestionnaire(q Questionnaire, at []any, add func(string, ...any)) {
	if !domain.ValidQuestionID(q.ID) {
		add(fmt.Sprintf("questionnaire id %q: %s", q.ID, idRule), under(at, "id")...)
	}
	if q.Version < 0 {
		add(fmt.Sprintf("questionnaire %q: version cannot be negative (got %d)", q.ID, q.Version), under(at, "version")...)
	}
	if q.PeriodDays < 0 {
		add(fmt.Sprintf("questionnaire %q: period_days cannot be negative (got %d); 0 gives it no period of its own", q.ID, q.PeriodDays), under(at, "period_days")...)
	}
	if !domain.Text(q.Title).Complete() {
		add(fmt.Sprintf("questionnaire %q needs its title in French and English (title: {fr: …, en: …})", q.ID), under(at, "title")...)
	}
	if len(q.Questions) == 0 {
		add(fmt.Sprintf("questionnaire %q has no questions", q.ID), at...)
	}
	if q.Trigger != nil {
		if m := q.toDomain().Trigger.Check(); m.Format != "" {
			add(fmt.Sprintf("questionnaire %q: %s", q.ID, m), under(at, "trigger")...)
		}
	}
	ids, dq := map[string]bool{}, q.toDomain()
	for j, qu := range q.Questions {
		path := under(at, "questions", j)
		switch {
		case qu.ID == "":
			add(fmt.Sprintf("question %d of %q needs an id", j+1, q.ID), path...)
		case ids[qu.ID]:
			add(fmt.Sprintf("question id %q is used twice in %q", qu.ID, q.ID), under(path, "id")...)
		case !domain.ValidQuestionID(qu.ID):
			add(fmt.Sprintf("question id %q: %s", qu.ID, idRule), under(path, "id")...)
		}
		ids[qu.ID] = true
		checkQuestion(dq.Questions[j], path, add)
		checkButtons(dq, dq.Questions[j], path, add)
	}
}

func checkQuestion(qu domain.Question, path []any, add func(string, ...any)) {
	switch {
	case !qu.Type.Valid():
		add(fmt.Sprintf("question %q has type %q: use one of %s", qu.ID, qu.Type, typeNames()), under(path, "type")...)
	case qu.Type.TakesOptions() && len(qu.Options) < 2:
		add(fmt.Sprintf("question %q of type %s needs at least two options", qu.ID, qu.Type), path...)
	case !qu.Type.TakesOptions() && len(qu.Options) > 0:
		add(fmt.Sprintf("question %q of type %s takes no options (only choice and multi do)", qu.ID, qu.Type), under(path, "options")...)
	}
	if !qu.Text.Complete() {
		add(fmt.Sprintf("question %q needs its text in French and English (text: {fr: …, en: …})", qu.ID), under(path, "text")...)
	}
	checkOptions(qu, path, add)
	if !qu.Type.Valid() {
		return
	}
	if err := qu.CheckSets(); err != nil {
		add(fmt.Sprintf("question %q: %v", qu.ID, err), under(path, "sets")...)
	}
}

func checkOptions(qu domain.Question, path []any, add func(string, ...any)) {
	ids := map[string]bool{}
	for k, o := range qu.Options {
		at := under(path, "options", k)
		switch {
		case o.ID == "":
			add(fmt.Sprintf("option %d of question %q needs an id", k+1, qu.ID), at...)
		case ids[o.ID]:
			add(fmt.Sprintf("option id %q is used twice in question %q", o.ID, qu.ID), under(at, "id")...)
		case !domain.ValidQuestionID(o.ID):
			add(fmt.Sprintf("option id %q of question %q: %s", o.ID, qu.ID, idRule), under(at, "id")...)
		}
		ids[o.ID] = true
		if !o.Text.Complete() {
			add(fmt.Sprintf("option %q of question %q needs its text in French and English (text: {fr: …, en: …})", o.ID, qu.ID), under(at, "text")...)
		}
	}
}

// checkButtons checks that every button of the question fits in Telegram's
// callback data; ids that are not valid are reported on their own.
func checkButtons(q domain.Questionnaire, qu domain.Question, path []any, add func(string, ...any)) {
	if !domain.ValidQuestionID(q.ID) || !domain.ValidQuestionID(qu.ID) {
		return
	}
	buttons := qu.Buttons()
	if qu.Type == domain.MultiQuestion {
		buttons = append(buttons, domain.MultiDone)
	}
	for _, b := range buttons {
		if !domain.ValidQuestionID(b) && b != domain.MultiDone {
			continue
		}
		if data := q.CallbackData(qu.ID, b); len(data) > domain.MaxCallbackData {
			add(fmt.Sprintf("question %q: its button data %q is %d bytes, and Telegram allows %d: shorten the ids of the questionnaire, the question or the options",
				qu.ID, data, len(data), domain.MaxCallbackData), path...)
			return
		}
	}
}

func typeNames() string {
	names := make([]string, len(domain.QuestionTypes))
	for i, t := range domain.QuestionTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
