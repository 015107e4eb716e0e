// Package crm holds the sales team's use cases: adding and editing contacts,
// pipeline moves, interactions, sales, scoring and the pipeline report. Each
// command's writes happen in one transaction, so a failed command changes
// nothing.
package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
)

// Store is what the use cases need of the database.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	CreateContact(ctx context.Context, c *domain.Contact) error
	UpdateContact(ctx context.Context, c *domain.Contact) error
	Contact(ctx context.Context, id int64) (*domain.Contact, error)
	ContactsBy(ctx context.Context, field, value string, limit int) ([]*domain.Contact, error)
	ContactsMatching(ctx context.Context, fragment string, limit int) ([]*domain.Contact, error)
	FindContacts(ctx context.Context, q domain.ContactQuery) ([]*domain.Contact, int64, error)
	EachContactID(ctx context.Context, q domain.ContactQuery, chunk int, fn func(ids []int64) error) error
	SetScore(ctx context.Context, id int64, score int, grade string) error
	// SetScoreResult stores a score with its fit grade and engagement.
	SetScoreResult(ctx context.Context, id int64, r domain.ScoreResult) error
	AddMove(ctx context.Context, m *domain.Move) error
	AddInteraction(ctx context.Context, i *domain.Interaction) error
	AddOrder(ctx context.Context, o *domain.Order) error
	RecentMoves(ctx context.Context, contactID int64, limit int) ([]domain.Move, error)
	RecentInteractions(ctx context.Context, contactID int64, limit int) ([]domain.Interaction, error)
	RecentOrders(ctx context.Context, contactID int64, limit int) ([]domain.Order, error)
	MoveCounts(ctx context.Context, from, to time.Time) (domain.MoveCounts, error)
	Facts(ctx context.Context, id int64, now time.Time) (*domain.Facts, error)
	StageCounts(ctx context.Context) (map[domain.Stage]int, error)
	// StageEntered returns when contacts last moved to their stage;
	// RotCounts counts the rotting ones, by stage or by owner.
	StageEntered(ctx context.Context, ids []int64) (map[int64]time.Time, error)
	RotCounts(ctx context.Context, p domain.RotPolicy, now time.Time, byOwner bool) (map[string]int, error)
}

// Service runs the sales team's commands.
type Service struct {
	Store   Store
	Scoring *domain.Engine
	Now     func() time.Time
	Loc     *time.Location // the team's time zone: "today", weeks
	// Rot says after how many days without an interaction a contact at a
	// stage is rotting (pipeline.rot_days); nil: never.
	Rot domain.RotPolicy
}

// Assignment is one key=value of a command.
type Assignment struct {
	Key, Value string
}

func (s *Service) now() time.Time { return s.Now().In(s.Loc) }

// Resolve finds the one contact ref names: an id (C42 or 42), an email, a
// phone number, or a fragment of a name or company that matches exactly one
// contact. Several matches give a Conflict error that lists them.
func (s *Service) Resolve(ctx context.Context, ref string) (*domain.Contact, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, domain.Errorf(domain.Invalid, "which contact? Give an id (C42), an email, a phone number or a part of the name")
	}
	// A phone number typed without spaces (0612345678) is all digits too:
	// it is a phone when it reads as one, an id otherwise.
	phone, perr := domain.NormalizePhone(ref)
	if id, ok := domain.ParseContactID(ref); ok && perr != nil {
		return s.Store.Contact(ctx, id)
	}
	var list []*domain.Contact
	var err error
	if strings.Contains(ref, "@") {
		list, err = s.Store.ContactsBy(ctx, "email", strings.ToLower(ref), 2)
	} else if perr == nil {
		list, err = s.Store.ContactsBy(ctx, "phone", phone, 2)
	} else {
		list, err = s.Store.ContactsMatching(ctx, ref, 6)
	}
	if err != nil {
		return nil, err
	}
	switch len(list) {
	case 0:
		return nil, domain.Errorf(domain.NotFound, "no contact matches %q: try find %s, or an id such as C42", ref, firstWord(ref))
	case 1:
		return list[0], nil
	}
	var names []string
	for i, c := range list {
		if i == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, describe(c))
	}
	return nil, domain.Errorf(domain.Conflict, "%q matches several contacts: %s. Use the id, for example %s.", ref, strings.Join(names, "; "), list[0].Ref())
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return "name~" + f[0]
	}
	return ""
}

// DayArgs returns the year, month and day of t, written as in 2026-11-20,
// as the arguments of a message that writes the date "%s-%s-%s": its
// parts rather than domain.FormatDate's text, so that a French catalog
// writes "%[3]s/%[2]s/%[1]s" (20/11/2026).
func DayArgs(t time.Time) []any {
	return []any{fmt.Sprintf("%04d", t.Year()), fmt.Sprintf("%02d", int(t.Month())), fmt.Sprintf("%02d", t.Day())}
}

// FieldWord names a contact field that identifies a contact (email,
// phone) in a message, in the reader's language; another field keeps its
// name.
func FieldWord(field string) any {
	switch field {
	case "email":
		return domain.M("email")
	case "phone":
		return domain.M("phone")
	}
	return field
}

func describe(c *domain.Contact) string {
	d := c.Ref() + " " + c.Name
	if c.Company != "" {
		d += " (" + c.Company + ")"
	}
	return d
}

// apply sets every assignment on c, stopping at the first bad one.
func (s *Service) apply(c *domain.Contact, set []Assignment) error {
	for _, a := range set {
		if err := c.Set(a.Key, a.Value, s.now()); err != nil {
			return err
		}
	}
	return c.Validate()
}

// Add creates a contact at stage lead, owned by actor unless owner= says
// otherwise. A contact with the same email or phone is not duplicated: the
// Conflict error names it.
//
// A contact with the same name and company (ignoring case and accents) is
// a likely duplicate: unless force, Add refuses with a *LikelyDuplicate.
func (s *Service) Add(ctx context.Context, actor, name string, set []Assignment, force bool) (*domain.Contact, error) {
	c := &domain.Contact{Name: strings.TrimSpace(name), Stage: domain.Lead, Owner: actor}
	if err := s.apply(c, set); err != nil {
		return nil, err
	}
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkDuplicate(ctx, c); err != nil {
			return err
		}
		if !force {
			if err := s.checkLikelyDuplicate(ctx, c); err != nil {
				return err
			}
		}
		if err := s.Store.CreateContact(ctx, c); err != nil {
			return err
		}
		return s.rescore(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) checkDuplicate(ctx context.Context, c *domain.Contact) error {
	for _, f := range []struct{ field, value string }{{"email", c.Email}, {"phone", c.Phone}} {
		if f.value == "" {
			continue
		}
		list, err := s.Store.ContactsBy(ctx, f.field, f.value, 2)
		if err != nil {
			return err
		}
		for _, other := range list {
			if other.ID != c.ID {
				return domain.Errorf(domain.Conflict, "%s already has the %s %s: nothing was created. See it with show %s, or change it with edit %s.",
					describe(other), FieldWord(f.field), f.value, other.Ref(), other.Ref())
			}
		}
	}
	return nil
}

// LikelyDuplicate is the error of an add whose name and company are those
// of an existing contact, Of.
type LikelyDuplicate struct {
	Err *domain.Error // a Conflict that names Of
	Of  *domain.Contact
}

func (e *LikelyDuplicate) Error() string { return e.Err.Error() }

func (e *LikelyDuplicate) Unwrap() error { return e.Err }

// duplicateCandidates bounds the contacts whose name words start as the
// new one's that are compared with it.
const duplicateCandidates = 200

// checkLikelyDuplicate refuses c when a contact has its name and company,
// folded: most often the same person typed twice.
func (s *Service) checkLikelyDuplicate(ctx context.Context, c *domain.Contact) error {
	list, err := s.Store.ContactsMatching(ctx, c.Name, duplicateCandidates)
	if err != nil {
		return err
	}
	for _, other := range list {
		if domain.Fold(other.Name) == domain.Fold(c.Name) && domain.Fold(other.Company) == domain.Fold(c.Company) {
			return &LikelyDuplicate{Of: other, Err: domain.Errorf(domain.Conflict,
				"%s has the same name and company: it is likely the same contact, so nothing was created. See it with show %s; to add this one anyway, add force at the end of the command.",
				describe(other), other.Ref())}
		}
	}
	return nil
}

// Edit changes fields of the contact ref names. Changing the stage here
// records a move, as move does.
func (s *Service) Edit(ctx context.Context, actor, ref string, set []Assignment) (*domain.Contact, error) {
	if len(set) == 0 {
		return nil, domain.Errorf(domain.Invalid, "nothing to change: give key=value pairs, as in edit C42 city=Lyon employees=12 (key= clears a field)")
	}
	var c *domain.Contact
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.Resolve(ctx, ref); err != nil {
			return err
		}
		before := c.Stage
		if err := s.apply(c, set); err != nil {
			return err
		}
		if err := s.checkDuplicate(ctx, c); err != nil {
			return err
		}
		if c.Stage != before {
			// Notes are the team's text, stored as written: this one in
			// the language of who made the change.
			m := &domain.Move{ContactID: c.ID, From: before, To: c.Stage, Author: actor, At: s.Now().UTC(), Note: locale.From(ctx).T("edit")}
			if err := s.Store.AddMove(ctx, m); err != nil {
				return err
			}
		}
		if err := s.Store.UpdateContact(ctx, c); err != nil {
			return err
		}
		return s.rescore(ctx, c)
	})
	if err != nil {
		return nil, err // c may hold the refused changes: never hand it out
	}
	return c, nil
}

// Move moves a contact to stage and records who, when, from, to and why.
func (s *Service) Move(ctx context.Context, actor, ref, stage, note string) (*domain.Contact, *domain.Move, error) {
	to, err := domain.ParseStage(stage)
	if err != nil {
		return nil, nil, err
	}
	var c *domain.Contact
	var m *domain.Move
	err = s.Store.InTx(ctx, func(ctx context.Context) error {
		if c, err = s.Resolve(ctx, ref); err != nil {
			return err
		}
		if c.Stage == to {
			return domain.Errorf(domain.Conflict, "%s is already at stage %s: nothing was changed", describe(c), to)
		}
		m, err = s.moveTo(ctx, actor, c, to, note)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

func (s *Service) moveTo(ctx context.Context, actor string, c *domain.Contact, to domain.Stage, note string) (*domain.Move, error) {
	m := &domain.Move{ContactID: c.ID, From: c.Stage, To: to, Note: note, Author: actor, At: s.Now().UTC()}
	if err := s.Store.AddMove(ctx, m); err != nil {
		return nil, err
	}
	c.Stage = to
	if err := s.Store.UpdateContact(ctx, c); err != nil {
		return nil, err
	}
	return m, s.rescore(ctx, c)
}

// Log records an interaction with the contact, now.
func (s *Service) Log(ctx context.Context, actor, ref, kind, note string) (*domain.Contact, *domain.Interaction, error) {
	k, err := domain.ParseInteractionKind(kind)
	if err != nil {
		return nil, nil, err
	}
	var c *domain.Contact
	i := &domain.Interaction{Kind: k, Note: note, Author: actor, At: s.Now().UTC()}
	err = s.Store.InTx(ctx, func(ctx context.Context) error {
		if c, err = s.Resolve(ctx, ref); err != nil {
			return err
		}
		i.ContactID = c.ID
		if err := s.Store.AddInteraction(ctx, i); err != nil {
			return err
		}
		c.LastContactAt = i.At // AddInteraction stored it; the score reads it
		return s.rescore(ctx, c)
	})
	if err != nil {
		return nil, nil, err
	}
	return c, i, nil
}

// Sale records an order of amount cents on day (midnight UTC) and makes the
// contact a customer, recording that move too.
func (s *Service) Sale(ctx context.Context, actor, ref string, amount int64, day time.Time, note string) (*domain.Contact, *domain.Order, error) {
	if amount <= 0 {
		return nil, nil, domain.Errorf(domain.Invalid, "the amount must be more than 0, as in sale C42 1200")
	}
	// Days are midnight UTC of the date; today is the team's date.
	if y, m, d := s.now().Date(); day.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return nil, nil, domain.Errorf(domain.Invalid, "the sale date %s-%s-%s is in the future: give today's date or an earlier one", DayArgs(day)...)
	}
	var c *domain.Contact
	o := &domain.Order{Amount: amount, Date: day, Note: note, Author: actor}
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.Resolve(ctx, ref); err != nil {
			return err
		}
		o.ContactID = c.ID
		if err := s.Store.AddOrder(ctx, o); err != nil {
			return err
		}
		if c.Stage != domain.Customer {
			_, err = s.moveTo(ctx, actor, c, domain.Customer, locale.From(ctx).T("sale of %s", domain.FormatAmount(amount)))
			return err
		}
		return s.rescore(ctx, c)
	})
	if err != nil {
		return nil, nil, err
	}
	return c, o, nil
}

// rescore recomputes c's score from its fields and activity and stores it.
func (s *Service) rescore(ctx context.Context, c *domain.Contact) error {
	f, err := s.Store.Facts(ctx, c.ID, s.Now())
	if err != nil {
		return err
	}
	r := s.Scoring.Score(c, f, s.Now())
	c.Score, c.Grade, c.Fit, c.Engagement = r.Score, r.Grade, r.Fit, r.Engagement
	return s.Store.SetScoreResult(ctx, c.ID, r)
}

// Card is everything show tells about a contact.
type Card struct {
	Contact      *domain.Contact      `json:"contact"`
	Score        domain.ScoreResult   `json:"score"`
	Facts        *domain.Facts        `json:"-"`
	Interactions []domain.Interaction `json:"interactions"`
	Orders       []domain.Order       `json:"orders"`
	Moves        []domain.Move        `json:"moves"`
	OrderCount   int                  `json:"order_count"`
	Revenue      int64                `json:"revenue_cents"`
	// Rot is set while the contact is rotting at its stage.
	Rot *Rot `json:"rot,omitempty"`
}

// Show gathers the contact card of ref.
func (s *Service) Show(ctx context.Context, ref string) (*Card, error) {
	c, err := s.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	card := &Card{Contact: c}
	if card.Facts, err = s.Store.Facts(ctx, c.ID, s.Now()); err != nil {
		return nil, err
	}
	card.Score = s.Scoring.Score(c, card.Facts, s.Now())
	card.OrderCount, card.Revenue = card.Facts.Orders, card.Facts.Revenue
	if card.Interactions, err = s.Store.RecentInteractions(ctx, c.ID, 5); err != nil {
		return nil, err
	}
	if card.Orders, err = s.Store.RecentOrders(ctx, c.ID, 5); err != nil {
		return nil, err
	}
	if card.Moves, err = s.Store.RecentMoves(ctx, c.ID, 5); err != nil {
		return nil, err
	}
	rots, err := s.RotOf(ctx, []*domain.Contact{c})
	if err != nil {
		return nil, err
	}
	if r, ok := rots[c.ID]; ok {
		card.Rot = &r
	}
	return card, nil
}

// Find lists contacts.
func (s *Service) Find(ctx context.Context, q domain.ContactQuery) ([]*domain.Contact, int64, error) {
	return s.Store.FindContacts(ctx, q)
}

// EachID calls fn with the ids of the contacts q's filters select, in id
// order, up to chunk at a time, without reading the contacts themselves:
// the audience of a send may be every contact.
func (s *Service) EachID(ctx context.Context, q domain.ContactQuery, chunk int, fn func(ids []int64) error) error {
	return s.Store.EachContactID(ctx, q, chunk, fn)
}

// WeekStart returns the Monday 00:00 (team time) of the ISO week of t.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	back := (int(t.Weekday()) + 6) % 7
	y, m, d := t.Date()
	return time.Date(y, m, d-back, 0, 0, 0, 0, loc)
}

// Pipeline is the pipeline report: contacts per stage, and this week's
// moves with the conversion rate out of each stage.
type Pipeline struct {
	Counts map[domain.Stage]int `json:"counts"`
	// Rotting counts the contacts rotting at each stage that rots.
	Rotting     map[domain.Stage]int `json:"rotting,omitempty"`
	WeekStart   time.Time            `json:"week_start"`
	Moves       []Transition         `json:"moves"`
	Conversions []Conversion         `json:"conversions"`
}

// Transition counts this week's moves from one stage to another.
type Transition = domain.StageMove

// Conversion is the share of the contacts that were at a stage this week
// (there now, or moved out of it this week) that moved on to the next one.
type Conversion struct {
	From    domain.Stage `json:"from"`
	To      domain.Stage `json:"to"`
	Moved   int          `json:"moved"`
	Base    int          `json:"base"`
	RatePct float64      `json:"rate_pct"`
}

// PipelineReport computes the pipeline report for the week of now.
func (s *Service) PipelineReport(ctx context.Context) (*Pipeline, error) {
	counts, err := s.Store.StageCounts(ctx)
	if err != nil {
		return nil, err
	}
	start := WeekStart(s.Now(), s.Loc)
	moves, err := s.Store.MoveCounts(ctx, start, start.AddDate(0, 0, 7))
	if err != nil {
		return nil, err
	}
	p := BuildPipeline(counts, start, moves)
	if len(s.Rot) > 0 {
		rot, err := s.Store.RotCounts(ctx, s.Rot, s.Now(), false)
		if err != nil {
			return nil, err
		}
		p.Rotting = map[domain.Stage]int{}
		for st := range s.Rot {
			p.Rotting[st] = rot[string(st)]
		}
	}
	return p, nil
}

// BuildPipeline derives the report from stage counts and the week's moves,
// counted.
func BuildPipeline(counts map[domain.Stage]int, start time.Time, moves domain.MoveCounts) *Pipeline {
	p := &Pipeline{Counts: counts, WeekStart: start, Moves: moves.Pairs}
	for _, st := range []domain.Stage{domain.Lead, domain.Prospect, domain.Qualified} {
		c := Conversion{From: st, To: st.Next(), Moved: moves.Forward[st], Base: counts[st] + moves.Left[st]}
		if c.Base > 0 {
			c.RatePct = float64(c.Moved) * 100 / float64(c.Base)
		}
		p.Conversions = append(p.Conversions, c)
	}
	return p
}

// ScoreReport is a contact's score, explained.
type ScoreReport struct {
	Contact *domain.Contact    `json:"contact"`
	Result  domain.ScoreResult `json:"result"`
	// History is the contact's weekly snapshots, the latest week first.
	History []domain.ScoreSnapshot `json:"history,omitempty"`
}

// Score explains the score of ref, rule by rule.
func (s *Service) Score(ctx context.Context, ref string) (*ScoreReport, error) {
	c, err := s.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	f, err := s.Store.Facts(ctx, c.ID, s.Now())
	if err != nil {
		return nil, err
	}
	hist, err := s.ScoreHistory(ctx, c.ID, historyWeeks)
	if err != nil {
		return nil, err
	}
	res := s.Scoring.Score(c, f, s.Now())
	return &ScoreReport{Contact: c, Result: res, History: withCurrentWeek(hist, c.ID, res, domain.ISOWeek(s.Now().In(s.Loc)))}, nil
}

// Describe names a contact for messages: C42 Jeanne Martin (Acme).
func Describe(c *domain.Contact) string { return describe(c) }
