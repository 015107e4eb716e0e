package domain

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Contact is a person the team follows, optionally in a company. Money is in
// cents; a zero time means "not set".
type Contact struct {
	ID int64 `json:"id"`

	// Socio-demographic and firmographic criteria.
	Name        string    `json:"name"`
	Email       string    `json:"email,omitempty"`
	Phone       string    `json:"phone,omitempty"`
	City        string    `json:"city,omitempty"`
	Country     string    `json:"country,omitempty"`
	Language    string    `json:"language,omitempty"`
	TimeZone    string    `json:"timezone,omitempty"`
	Gender      string    `json:"gender,omitempty"`
	BirthYear   int       `json:"birth_year,omitempty"`
	Role        string    `json:"role,omitempty"`
	Company     string    `json:"company,omitempty"`
	Sector      string    `json:"sector,omitempty"`
	Employees   int       `json:"employees,omitempty"`
	Capital     int64     `json:"capital,omitempty"`
	Product     string    `json:"product,omitempty"`
	Budget      int64     `json:"budget,omitempty"`
	ProjectDate time.Time `json:"project_date,omitzero"`

	// Behavioural criteria that are not counted from interactions and orders.
	Source  string `json:"source,omitempty"`
	Channel string `json:"channel,omitempty"`

	// Psychographic criteria and preferences, mostly set by questionnaires.
	Interests        []string `json:"interests,omitempty"`
	Categories       []string `json:"categories,omitempty"`
	PreferredChannel string   `json:"preferred_channel,omitempty"`
	Frequency        string   `json:"frequency,omitempty"`
	Satisfaction     int      `json:"satisfaction,omitempty"`

	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attributes,omitempty"`
	Owner string            `json:"owner,omitempty"`
	Stage Stage             `json:"stage"`
	Score int               `json:"score"`
	Grade string            `json:"grade"`
	// Fit is the fit grade A–D and Engagement the engagement score 0–100
	// (ScoreResult's), stored beside the score.
	Fit        string `json:"fit"`
	Engagement int    `json:"engagement"`

	LastContactAt time.Time `json:"last_contact_at,omitzero"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Ref is the short reference of a contact, as users type it: C42.
func (c *Contact) Ref() string { return ContactRef(c.ID) }

// ContactRef formats a contact id as users type it.
func ContactRef(id int64) string { return "C" + strconv.FormatInt(id, 10) }

// HasTag reports whether the contact carries tag, ignoring case.
func (c *Contact) HasTag(tag string) bool {
	return slices.ContainsFunc(c.Tags, func(t string) bool { return strings.EqualFold(t, tag) })
}

// Stage is a step of the sales pipeline.
type Stage string

// The pipeline stages, in order, plus Lost.
const (
	Lead      Stage = "lead"
	Prospect  Stage = "prospect"
	Qualified Stage = "qualified"
	Customer  Stage = "customer"
	Lost      Stage = "lost"
)

// Stages lists every stage in pipeline order.
var Stages = []Stage{Lead, Prospect, Qualified, Customer, Lost}

// stageAliases reads a stage by its name or a word of French.Stages,
// folded.
var stageAliases = folded(map[string]Stage{
	"lead": Lead, "prospect": Prospect, "qualified": Qualified, "customer": Customer, "lost": Lost,
}, French.Stages)

// ParseStage reads a stage by its English name or French alias.
func ParseStage(s string) (Stage, error) {
	if st, ok := stageAliases[Fold(strings.TrimSpace(s))]; ok {
		return st, nil
	}
	return "", Errorf(Invalid, "%q is not a pipeline stage: use lead, prospect, qualified, customer or lost (French: piste, prospect, qualifié, client or gagné, perdu).%s", s, DidYouMean(s, slices.Sorted(maps.Keys(stageAliases))))
}

// Next returns the stage that follows s in the pipeline, or "" at the end.
func (s Stage) Next() Stage {
	switch s {
	case Lead:
		return Prospect
	case Prospect:
		return Qualified
	case Qualified:
		return Customer
	}
	return ""
}

// Move is a recorded pipeline move.
type Move struct {
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	From      Stage     `json:"from"`
	To        Stage     `json:"to"`
	Note      string    `json:"note,omitempty"`
	Author    string    `json:"author"`
	At        time.Time `json:"at"`
}

// InteractionKind is the kind of a logged interaction.
type InteractionKind string

// The interaction kinds.
const (
	Call        InteractionKind = "call"
	Meeting     InteractionKind = "meeting"
	EmailSent   InteractionKind = "email"
	EmailOpened InteractionKind = "email-opened"
	Click       InteractionKind = "click"
	Form        InteractionKind = "form"
	Download    InteractionKind = "download"
	Request     InteractionKind = "request"
	Visit       InteractionKind = "visit"
)

// InteractionKinds lists every kind, in the order help shows them.
var InteractionKinds = []InteractionKind{Call, Meeting, EmailSent, EmailOpened, Click, Form, Download, Request, Visit}

// kindAliases reads a kind by its name, an English alias or a word of
// French.Kinds, folded.
var kindAliases = folded(map[string]InteractionKind{
	"call": Call, "phone": Call, "meeting": Meeting, "email": EmailSent, "mail": EmailSent,
	"email-opened": EmailOpened, "opened": EmailOpened, "open": EmailOpened, "click": Click,
	"form": Form, "download": Download, "request": Request, "visit": Visit,
}, French.Kinds)

// ParseInteractionKind reads an interaction kind, English or French.
func ParseInteractionKind(s string) (InteractionKind, error) {
	if k, ok := kindAliases[Fold(strings.TrimSpace(s))]; ok {
		return k, nil
	}
	return "", Errorf(Invalid, "%q is not an interaction kind: use call, meeting, email, email-opened, click, form, download, request or visit (French: appel, rdv, courriel…).%s", s, DidYouMean(s, slices.Sorted(maps.Keys(kindAliases))))
}

// IsSales reports whether the kind is a contact made by the sales team (as
// opposed to something the contact did alone, such as opening an email).
func (k InteractionKind) IsSales() bool {
	return k == Call || k == Meeting || k == EmailSent || k == Visit
}

// Interaction is a logged exchange with a contact.
type Interaction struct {
	ID        int64           `json:"id"`
	ContactID int64           `json:"contact_id"`
	Kind      InteractionKind `json:"kind"`
	Note      string          `json:"note,omitempty"`
	Author    string          `json:"author"`
	At        time.Time       `json:"at"`
}

// Order is a sale. Date is the calendar day of the order, at midnight UTC.
type Order struct {
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	Amount    int64     `json:"amount_cents"`
	Date      time.Time `json:"date"`
	Note      string    `json:"note,omitempty"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}
