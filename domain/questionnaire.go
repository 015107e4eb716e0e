package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxCallbackData is the most bytes Telegram accepts as the callback data of
// an inline button. The button for a value of a question carries
// "q:<questionnaire>:<version>:<question>:<value>" (Questionnaire.CallbackData),
// so ids stay short: the configuration check refuses a questionnaire whose
// longest button would not fit, and the built-ins fit with room to spare.
const MaxCallbackData = 64

// MultiDone is the callback value of a multi question's Done button: not
// a valid option id, so it never collides with one.
const MultiDone = "!done"

// MaxTextAnswer is the longest answer to a text question, in characters.
const MaxTextAnswer = 2000

// maxQuestionID is the longest id of a questionnaire, question or option.
const maxQuestionID = 32

// The ids of the built-in questionnaires.
const (
	SatisfactionID = "satisfaction"
	PreferencesID  = "preferences"
)

// Frequencies are the option ids of the built-in "how often may we ask
// you?" question, from the most to the least frequent; the answer is written
// into the contact's frequency field.
var Frequencies = []string{"weekly", "monthly", "quarterly", "yearly", "never"}

// Text is a text in French and English.
type Text struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// In returns the text in lang ("fr", "fr-CA", "en", …): French for a French
// language, English otherwise; when that one is missing, the other.
func (t Text) In(lang string) string {
	first, second := t.EN, t.FR
	if isFrench(lang) {
		first, second = second, first
	}
	if first != "" {
		return first
	}
	return second
}

// Complete reports whether the text exists in both languages.
func (t Text) Complete() bool {
	return strings.TrimSpace(t.FR) != "" && strings.TrimSpace(t.EN) != ""
}

func isFrench(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "fr")
}

// QuestionType is the kind of answer a question expects.
type QuestionType string

// The question types.
const (
	RatingQuestion QuestionType = "rating" // 1 to 5 (a CSAT)
	NPSQuestion    QuestionType = "nps"    // 0 to 10
	ChoiceQuestion QuestionType = "choice" // one option
	MultiQuestion  QuestionType = "multi"  // one or more options
	YesNoQuestion  QuestionType = "yesno"  // yes or no
	TextQuestion   QuestionType = "text"   // free text
)

// QuestionTypes lists every question type.
var QuestionTypes = []QuestionType{RatingQuestion, NPSQuestion, ChoiceQuestion, MultiQuestion, YesNoQuestion, TextQuestion}

// Valid reports whether t is one of QuestionTypes.
func (t QuestionType) Valid() bool { return slices.Contains(QuestionTypes, t) }

// TakesOptions reports whether a question of type t lists options.
func (t QuestionType) TakesOptions() bool { return t == ChoiceQuestion || t == MultiQuestion }

// bounds returns the range of a numeric type's answers.
func (t QuestionType) bounds() (lo, hi int) {
	if t == NPSQuestion {
		return 0, 10
	}
	return 1, 5
}

// Questionnaire is a versioned set of questions sent to customers.
type Questionnaire struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	// PeriodDays is the questionnaire's own period: once answered, it is not
	// sent again to the same contact before it; 0 gives it none.
	PeriodDays int        `json:"period_days,omitempty"`
	Title      Text       `json:"title"`
	Questions  []Question `json:"questions"`
	// Trigger, when set, makes the questionnaire ask itself.
	Trigger *Trigger `json:"trigger,omitempty"`
}

// Question is one question of a questionnaire.
type Question struct {
	ID       string       `json:"id"`
	Type     QuestionType `json:"type"`
	Text     Text         `json:"text"`
	Optional bool         `json:"optional,omitempty"`
	Options  []Option     `json:"options,omitempty"` // choice and multi only
	// Sets names the contact field (or attr.<name>) the answer writes, if
	// any: Apply.
	Sets string `json:"sets,omitempty"`
}

// Option is one choice of a choice or multi question.
type Option struct {
	ID   string `json:"id"`
	Text Text   `json:"text"`
}

// Answer is a customer's validated answer to one question. Which fields
// hold it depends on Type: Number for rating and nps, Options (option ids,
// in the question's order) for choice and multi, Yes for yesno, Text for
// text. A skipped optional question has Skipped set and nothing else.
type Answer struct {
	Question string       `json:"question"`
	Type     QuestionType `json:"type"`
	Skipped  bool         `json:"skipped,omitempty"`
	Number   int          `json:"number,omitempty"`
	Options  []string     `json:"options,omitempty"`
	Yes      bool         `json:"yes,omitempty"`
	Text     string       `json:"text,omitempty"`
}

// ValidQuestionID reports whether id is usable as the id of a questionnaire,
// a question or an option: 1 to 32 lowercase letters, digits, _ or -. No
// colon, so callback data splits cleanly; nothing else, so a transport can
// use other characters for its own buttons (a multi question's "Done").
func ValidQuestionID(id string) bool {
	if id == "" || len(id) > maxQuestionID {
		return false
	}
	return !strings.ContainsFunc(id, func(r rune) bool {
		return !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// Question returns the question with the given id.
func (q Questionnaire) Question(id string) (Question, bool) {
	i := slices.IndexFunc(q.Questions, func(qu Question) bool { return qu.ID == id })
	if i < 0 {
		return Question{}, false
	}
	return q.Questions[i], true
}

// CallbackData is the callback data of the button that answers question
// with value: "q:<questionnaire>:<version>:<question>:<value>". It must not
// exceed MaxCallbackData bytes.
func (q Questionnaire) CallbackData(question, value string) string {
	return "q:" + q.ID + ":" + strconv.Itoa(q.Version) + ":" + question + ":" + value
}

// Buttons returns the values of the buttons that answer q: the numbers of a
// rating or nps, yes and no, the option ids of a choice or multi, none for
// text. Each is an answer Parse accepts.
func (q Question) Buttons() []string {
	switch q.Type {
	case RatingQuestion, NPSQuestion:
		lo, hi := q.Type.bounds()
		var vs []string
		for n := lo; n <= hi; n++ {
			vs = append(vs, strconv.Itoa(n))
		}
		return vs
	case YesNoQuestion:
		return []string{"yes", "no"}
	}
	ids := make([]string, len(q.Options))
	for i, o := range q.Options {
		ids[i] = o.ID
	}
	return ids
}

// Value returns the answer as one line of text, the way Parse reads it back:
// the number, the option ids separated by ", ", yes or no, the text; "" when
// skipped.
func (a Answer) Value() string {
	switch {
	case a.Skipped:
		return ""
	case a.Type == RatingQuestion || a.Type == NPSQuestion:
		return strconv.Itoa(a.Number)
	case a.Type == YesNoQuestion && a.Yes:
		return "yes"
	case a.Type == YesNoQuestion:
		return "no"
	case a.Type == TextQuestion:
		return a.Text
	}
	return strings.Join(a.Options, ", ")
}

// IsDetractor reports whether the answer is a detractor's: an nps below
// npsBelow or a rating (a CSAT) below csatBelow, the thresholds of the
// throttle policy (by default 7 and 3: NPS 0–6, CSAT 1–2).
func (a Answer) IsDetractor(npsBelow, csatBelow int) bool {
	switch {
	case a.Skipped:
		return false
	case a.Type == NPSQuestion:
		return a.Number < npsBelow
	case a.Type == RatingQuestion:
		return a.Number < csatBelow
	}
	return false
}

// Parse validates a customer's answer to q, typed or from a button, and
// returns it. An empty answer skips an optional question. A wrong answer
// gives an Invalid *Error, in lang, that says what to answer.
func (q Question) Parse(input, lang string) (Answer, error) {
	in := strings.TrimSpace(input)
	a := Answer{Question: q.ID, Type: q.Type}
	if in == "" && q.Optional {
		a.Skipped = true
		return a, nil
	}
	if in == "" || !utf8.ValidString(in) {
		return a, q.invalid(lang, needsAnswer)
	}
	var err error
	switch q.Type {
	case RatingQuestion, NPSQuestion:
		a.Number, err = q.number(in, lang)
	case ChoiceQuestion, MultiQuestion:
		a.Options, err = q.choose(in, lang)
	case YesNoQuestion:
		a.Yes, err = q.yesNo(in, lang)
	case TextQuestion:
		a.Text, err = q.text(in, lang)
	default:
		return a, Errorf(Invalid, "question %q has no valid type (%q)", q.ID, q.Type)
	}
	if err != nil {
		return a, err
	}
	return a, q.probe(a, lang)
}

// Apply writes the answer into c when q sets a field (a multi answer as a
// list, which replaces the field's previous list); a skipped answer, or a
// question that sets nothing, leaves c as it is.
func (q Question) Apply(c *Contact, a Answer, now time.Time) error {
	if a.Question != q.ID || a.Type != q.Type {
		return Errorf(Invalid, "an answer to %q (%s) cannot be applied as an answer to %q (%s)", a.Question, a.Type, q.ID, q.Type)
	}
	if q.Sets == "" || a.Skipped {
		return nil
	}
	return c.Set(q.Sets, a.fieldValue(), now)
}

// fieldValue is the value Apply writes: Value, with a text's line breaks
// and runs of spaces made single spaces (a field holds one line).
func (a Answer) fieldValue() string {
	if a.Type == TextQuestion {
		return strings.Join(strings.Fields(a.Text), " ")
	}
	return a.Value()
}

// probe checks that the field q sets accepts the answer (an email, a
// date, a length), so that a wrong one is asked again rather than lost.
func (q Question) probe(a Answer, lang string) error {
	if q.Sets == "" {
		return nil
	}
	var c Contact
	if err := c.Set(q.Sets, a.fieldValue(), time.Time{}); err != nil {
		return q.invalid(lang, doesNotFit, err.Error())
	}
	return nil
}

func (q Question) number(in, lang string) (int, error) {
	lo, hi := q.Type.bounds()
	n, err := strconv.Atoi(in)
	if err != nil || n < lo || n > hi {
		return 0, q.invalid(lang, notValid, clip(in))
	}
	return n, nil
}

// choose reads one option (choice) or a list of them (multi), each by id
// or by text in either language, ignoring case.
func (q Question) choose(in, lang string) ([]string, error) {
	items := []string{in}
	if q.Type == MultiQuestion {
		items = SplitList(in)
	}
	chosen := map[string]bool{}
	for _, it := range items {
		i := slices.IndexFunc(q.Options, func(o Option) bool {
			return strings.EqualFold(o.ID, it) || strings.EqualFold(strings.TrimSpace(o.Text.FR), it) ||
				strings.EqualFold(strings.TrimSpace(o.Text.EN), it)
		})
		if i < 0 {
			return nil, q.invalid(lang, notValid, clip(it))
		}
		chosen[q.Options[i].ID] = true
	}
	if len(chosen) == 0 {
		return nil, q.invalid(lang, needsAnswer)
	}
	var ids []string
	for _, o := range q.Options {
		if chosen[o.ID] {
			ids = append(ids, o.ID)
		}
	}
	return ids, nil
}

var yesNo = map[string]bool{"yes": true, "oui": true, "no": false, "non": false}

func (q Question) yesNo(in, lang string) (bool, error) {
	yes, ok := yesNo[strings.ToLower(in)]
	if !ok {
		return false, q.invalid(lang, notValid, clip(in))
	}
	return yes, nil
}

func (q Question) text(in, lang string) (string, error) {
	if n := utf8.RuneCountInString(in); n > MaxTextAnswer {
		return "", q.invalid(lang, tooLong, n)
	}
	if strings.ContainsFunc(in, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
		return "", q.invalid(lang, controlChar)
	}
	return in, nil
}

// What went wrong with an answer; the message goes on with what to answer.
var (
	needsAnswer = Text{FR: "Cette question demande une réponse.", EN: "This question needs an answer."}
	notValid    = Text{FR: "« %s » ne convient pas.", EN: "“%s” is not a valid answer."}
	tooLong     = Text{FR: "Votre réponse est trop longue (%d caractères).", EN: "Your answer is too long (%d characters)."}
	controlChar = Text{FR: "Votre réponse contient un caractère de contrôle.", EN: "Your answer holds a control character."}
	doesNotFit  = Text{FR: "Cette réponse ne convient pas (%s).", EN: "This answer does not fit (%s)."}
)

// hints say what to answer, per question type.
var hints = map[QuestionType]Text{
	RatingQuestion: {FR: "Répondez par un nombre de 1 (le moins bien) à 5 (le mieux).", EN: "Answer with a number from 1 (worst) to 5 (best)."},
	NPSQuestion:    {FR: "Répondez par un nombre de 0 (pas du tout) à 10 (très probablement).", EN: "Answer with a number from 0 (not at all likely) to 10 (extremely likely)."},
	ChoiceQuestion: {FR: "Répondez par l'un de ces choix : %s.", EN: "Answer with one of these: %s."},
	MultiQuestion:  {FR: "Répondez par un ou plusieurs de ces choix, séparés par des virgules : %s.", EN: "Answer with one or more of these, separated by commas: %s."},
	YesNoQuestion:  {FR: "Répondez par oui ou non.", EN: "Answer yes or no."},
	TextQuestion:   {FR: "Écrivez votre réponse en un message de %d caractères au plus.", EN: "Write your answer in one message of at most %d characters."},
}

// invalid is the Invalid error of a wrong answer: what went wrong, then
// what to answer, in lang.
func (q Question) invalid(lang string, what Text, args ...any) *Error {
	return Errorf(Invalid, "%s %s", fmt.Sprintf(what.In(lang), args...), q.hint(lang))
}

// hint says what to answer to q, in lang.
func (q Question) hint(lang string) string {
	h := hints[q.Type].In(lang)
	switch q.Type {
	case ChoiceQuestion, MultiQuestion:
		texts := make([]string, len(q.Options))
		for i, o := range q.Options {
			texts[i] = o.Text.In(lang)
		}
		return fmt.Sprintf(h, strings.Join(texts, ", "))
	case TextQuestion:
		return fmt.Sprintf(h, MaxTextAnswer)
	}
	return h
}

// clip shortens what a customer typed to quote it back.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:39]) + "…"
}

// CheckSets reports whether the field q.Sets names exists and can take q's
// answers: any question may set a list field or a custom attribute
// (attr.<name>); a text field takes all but multi; a number field, a
// rating, an nps or a text; an email, phone, amount or date field, a text
// only. The stage and the owner are the team's and cannot be set.
func (q Question) CheckSets() error {
	if q.Sets == "" {
		return nil
	}
	if attr, ok := strings.CutPrefix(strings.ToLower(q.Sets), AttrPrefix); ok {
		if !ValidAttrKey(attr) {
			return Errorf(Invalid, "sets: %q is not a usable attribute name: use letters, digits, _ or -, like %sloyalty_card", attr, AttrPrefix)
		}
		return nil
	}
	f, ok := LookupField(q.Sets)
	if !ok {
		return Errorf(Invalid, "sets: %q is not a contact field. Fields: %s; or %sname for a field of your own", q.Sets, strings.Join(FieldNames(), ", "), AttrPrefix)
	}
	if f.Name == "owner" || !slices.Contains(settableBy[f.Kind], q.Type) {
		return Errorf(Invalid, "sets: a %s question cannot set %s", q.Type, f.Name)
	}
	return nil
}

// settableBy lists, per kind of field, the question types whose answers
// it takes.
var settableBy = map[FieldKind][]QuestionType{
	TextField:      {RatingQuestion, NPSQuestion, ChoiceQuestion, YesNoQuestion, TextQuestion},
	ListFieldKind:  QuestionTypes,
	IntFieldKind:   {RatingQuestion, NPSQuestion, TextQuestion},
	EmailFieldKind: {TextQuestion},
	PhoneFieldKind: {TextQuestion},
	MoneyFieldKind: {TextQuestion},
	DateFieldKind:  {TextQuestion},
}

// IsBuiltinQuestionnaire reports whether id is the id of a built-in
// questionnaire, which a configuration file cannot redefine.
func IsBuiltinQuestionnaire(id string) bool { return id == SatisfactionID || id == PreferencesID }

// BuiltinQuestionnaires returns the built-in questionnaires, complete in
// French and English: satisfaction (a CSAT rating, an NPS and an optional
// comment) and preferences (interests, product categories, preferred
// channel, tolerated contact frequency, each written into the contact).
// Each call returns new values.
func BuiltinQuestionnaires() []Questionnaire {
	return []Questionnaire{satisfaction(), preferences()}
}

func satisfaction() Questionnaire {
	return Questionnaire{ID: SatisfactionID, Version: 1, PeriodDays: 90,
		Title: Text{FR: "Votre satisfaction", EN: "Your satisfaction"},
		Questions: []Question{
			{ID: "csat", Type: RatingQuestion, Text: Text{
				FR: "Dans l'ensemble, êtes-vous satisfait de nos services ? (1 = pas du tout, 5 = très satisfait)",
				EN: "Overall, how satisfied are you with our services? (1 = not at all, 5 = very satisfied)"}},
			{ID: "nps", Type: NPSQuestion, Text: Text{
				FR: "Quelle est la probabilité que vous nous recommandiez à un proche ou à un collègue ? (0 = aucune, 10 = très probable)",
				EN: "How likely are you to recommend us to a friend or colleague? (0 = not at all, 10 = extremely likely)"}},
			{ID: "comment", Type: TextQuestion, Optional: true, Text: Text{
				FR: "Voulez-vous nous en dire plus ?",
				EN: "Would you like to tell us more?"}},
		}}
}

func preferences() Questionnaire {
	return Questionnaire{ID: PreferencesID, Version: 1, PeriodDays: 180,
		Title: Text{FR: "Vos préférences", EN: "Your preferences"},
		Questions: []Question{
			{ID: "interests", Type: MultiQuestion, Optional: true, Sets: "interests",
				Text: Text{FR: "Quels sujets vous intéressent ?", EN: "Which topics interest you?"},
				Options: []Option{opt("news", "Nouveautés", "New products"), opt("offers", "Offres et promotions", "Offers and promotions"),
					opt("events", "Événements et salons", "Events and trade shows"), opt("tips", "Conseils et tutoriels", "Tips and tutorials"),
					opt("training", "Formations", "Training")}},
			{ID: "categories", Type: MultiQuestion, Optional: true, Sets: "categories",
				Text: Text{FR: "Quelles catégories de produits vous intéressent ?", EN: "Which product categories interest you?"},
				Options: []Option{opt("products", "Produits", "Products"), opt("services", "Services", "Services"),
					opt("software", "Logiciels", "Software"), opt("equipment", "Matériel", "Equipment"),
					opt("support", "Maintenance et assistance", "Maintenance and support")}},
			{ID: "channel", Type: ChoiceQuestion, Sets: "preferred_channel",
				Text: Text{FR: "Comment préférez-vous être contacté ?", EN: "How do you prefer to be contacted?"},
				Options: []Option{opt("telegram", "Telegram", "Telegram"), opt("email", "E-mail", "Email"),
					opt("phone", "Téléphone", "Phone"), opt("sms", "SMS", "Text message"), opt("meeting", "Rendez-vous", "In person")}},
			{ID: "frequency", Type: ChoiceQuestion, Sets: "frequency",
				Text: Text{FR: "À quelle fréquence, au plus, acceptez-vous que nous vous sollicitions ?", EN: "How often, at most, may we ask for your opinion?"},
				Options: []Option{opt(Frequencies[0], "Une fois par semaine", "Once a week"), opt(Frequencies[1], "Une fois par mois", "Once a month"),
					opt(Frequencies[2], "Une fois par trimestre", "Once a quarter"), opt(Frequencies[3], "Une fois par an", "Once a year"),
					opt(Frequencies[4], "Jamais", "Never")}},
		}}
}

func opt(id, fr, en string) Option { return Option{ID: id, Text: Text{FR: fr, EN: en}} }
