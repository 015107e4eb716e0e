// Package nudge tells owners what to do next: a direct message when a lead
// turns hot, and a weekly check-in with their hot leads, rotting deals and
// quiet prospects. Each alert and check-in is recorded with the message it
// owes in one transaction (the outbox), so that neither a restart nor a
// second process sends one twice.
package nudge

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// Store is what the nudges need of the database.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	AddOutgoing(ctx context.Context, msgs []domain.Outgoing) error

	UncheckedScoreChanges(ctx context.Context, limit int) ([]domain.ScoreChange, error)
	CheckScoreChanges(ctx context.Context, ids []int64) (bool, error)
	PruneScoreChanges(ctx context.Context, before time.Time) error
	HotCases(ctx context.Context, ids []int64, since, now time.Time) (map[int64]*domain.HotCase, error)
	AddHotAlerts(ctx context.Context, alerts []domain.HotAlert) ([]domain.HotAlert, error)
	HotAlert(ctx context.Context, id int64) (domain.HotAlert, error)
	HotAlerts(ctx context.Context, owner string, since time.Time, limit int) ([]domain.HotAlert, int64, error)
	Snooze(ctx context.Context, id int64, owner string, until time.Time, muted bool) error
	Unsnooze(ctx context.Context, id int64, owner string) (bool, error)

	NudgeList(ctx context.Context, kind domain.NudgeKind, p domain.NudgeParams, limit int) ([]*domain.Contact, int64, error)
	Owners(ctx context.Context) ([]string, error)
	ClaimCheckin(ctx context.Context, owner, week string, at time.Time) (bool, error)
	AddCheckinItems(ctx context.Context, owner, week string, items map[int64]domain.NudgeKind) error
	CheckinActed(ctx context.Context, week string) ([]domain.Acted, error)

	RecentInteractions(ctx context.Context, id int64, limit int) ([]domain.Interaction, error)
	RecentOrders(ctx context.Context, id int64, limit int) ([]domain.Order, error)
}

// Sender delivers what the nudges owe: Slack's direct messages.
type Sender interface {
	SendHotAlert(ctx context.Context, v *AlertView) error
	SendCheckin(ctx context.Context, v *CheckinView) error
}

// The kinds of owed messages the nudges write in the outbox.
const (
	HotAlertKind domain.OutgoingKind = "hot"
	CheckinKind  domain.OutgoingKind = "checkin"
)

// Service computes and sends alerts and check-ins.
type Service struct {
	Store Store
	CRM   *crm.Service
	// Hot says when a lead is hot (domain.DefaultHotPolicy when zero).
	Hot domain.HotPolicy
	Now func() time.Time
	// Loc is the team's time zone, which weeks are counted in.
	Loc *time.Location
	// Reachable reports whether an owner can receive a direct message
	// (a Slack user id, with Slack configured); nil reaches everyone.
	// Alerts are recorded for every owner; only those reached are sent,
	// and only they get a check-in.
	Reachable func(owner string) bool
	// Sender delivers the messages; Wake (when set) is called once some
	// are owed, to deliver them at once.
	Sender Sender
	Wake   func()
	Log    *slog.Logger

	mu     sync.Mutex
	pruned time.Time // when the examined changes were last pruned
}

// Policy is the hot-lead policy in force.
func (s *Service) Policy() domain.HotPolicy { return s.hot() }

func (s *Service) hot() domain.HotPolicy {
	if s.Hot == (domain.HotPolicy{}) {
		return domain.DefaultHotPolicy
	}
	return s.Hot
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) reachable(owner string) bool {
	return owner != "" && (s.Reachable == nil || s.Reachable(owner))
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// batch is how many score changes an alert round examines in one
// transaction.
const batch = 1000

// errTaken stops a transaction whose changes another process examined.
var errTaken = errors.New("another process examined these score changes")

// AlertRound examines every score change not examined yet, records an
// alert for each contact of an owner that turned hot (with the message it
// owes to the owner, when a DM reaches them), and returns how many it
// recorded. Once an hour it forgets the
// changes older than the window, which only gains within the window need.
func (s *Service) AlertRound(ctx context.Context) (int, error) {
	total := 0
	for {
		changes, err := s.Store.UncheckedScoreChanges(ctx, batch)
		if err != nil {
			return total, err
		}
		if len(changes) == 0 {
			break
		}
		n, err := s.alertBatch(ctx, changes)
		if err != nil && !errors.Is(err, errTaken) {
			return total, err
		}
		total += n
	}
	if total > 0 {
		s.wake()
	}
	return total, s.prune(ctx)
}

// pruneEvery is how often the examined changes older than the window are
// forgotten: their delete reads the whole log, not worth doing each minute.
const pruneEvery = time.Hour

// prune forgets the examined changes that only gains within the window
// needed, at most once per pruneEvery.
func (s *Service) prune(ctx context.Context) error {
	now := s.Now()
	s.mu.Lock()
	due := now.Sub(s.pruned) >= pruneEvery
	if due {
		s.pruned = now
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.Store.PruneScoreChanges(ctx, now.Add(-s.hot().Window-24*time.Hour))
}

// alertBatch examines changes in one transaction, which first marks them
// examined, so that two processes never both alert on one.
func (s *Service) alertBatch(ctx context.Context, changes []domain.ScoreChange) (int, error) {
	now, p := s.Now(), s.hot()
	byContact := map[int64][]domain.ScoreChange{}
	ids := make([]int64, 0, len(changes))
	var changeIDs []int64
	for _, c := range changes {
		if _, ok := byContact[c.ContactID]; !ok {
			ids = append(ids, c.ContactID)
		}
		byContact[c.ContactID] = append(byContact[c.ContactID], c)
		changeIDs = append(changeIDs, c.ID)
	}
	n := 0
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		n = 0
		ok, err := s.Store.CheckScoreChanges(ctx, changeIDs)
		if err != nil || !ok {
			return cmp.Or(err, errTaken)
		}
		cases, err := s.Store.HotCases(ctx, ids, now.Add(-p.Window), now)
		if err != nil {
			return err
		}
		var alerts []domain.HotAlert
		for _, id := range ids {
			c := cases[id]
			if c == nil || c.Owner == "" {
				continue
			}
			c.Changes = byContact[id]
			if reason, hot := p.Decide(*c, now); hot {
				alerts = append(alerts, domain.HotAlert{ContactID: id, Owner: c.Owner, At: now,
					Reason: reason, Score: c.Score, Gained: c.Score - c.Start})
			}
		}
		alerts, err = s.Store.AddHotAlerts(ctx, alerts)
		if err != nil {
			return err
		}
		// Every alert is recorded (alerts lists it); a DM is owed to the
		// owners a DM reaches.
		var owed []domain.Outgoing
		for _, a := range alerts {
			if s.reachable(a.Owner) {
				owed = append(owed, owe(HotAlertKind, alertBody{Alert: a.ID}))
			}
		}
		n = len(alerts)
		return s.Store.AddOutgoing(ctx, owed)
	})
	return n, err
}

// alertBody is the outbox body of an alert: the alert's id; what it shows
// is read when it is delivered.
type alertBody struct {
	Alert int64 `json:"alert"`
}

// checkinBody is the outbox body of a check-in.
type checkinBody struct {
	Owner string `json:"owner"`
	Week  string `json:"week"`
}

func owe(kind domain.OutgoingKind, body any) domain.Outgoing {
	b, _ := json.Marshal(body) // of our own plain structs: cannot fail
	return domain.Outgoing{Kind: kind, Body: string(b)}
}

// RunAlerts runs an alert round every every until ctx is done, and calls
// done (when not nil) after each.
func (s *Service) RunAlerts(ctx context.Context, every time.Duration, done func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.AlertRound(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("hot-lead alerts", "err", err)
		}
		if done != nil {
			done()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// AlertView is what an alert shows: the contact, why it is hot, the rules
// its recent activity brought, its last interactions, and the stage a
// move would take it to.
type AlertView struct {
	Alert   domain.HotAlert      `json:"alert"`
	Contact *domain.Contact      `json:"contact"`
	Policy  domain.HotPolicy     `json:"-"`
	Rules   []domain.Fired       `json:"rules"`
	Recent  []domain.Interaction `json:"recent"`
	Next    domain.Stage         `json:"next_stage,omitempty"`
}

// recentShown is how many interactions an alert shows.
const recentShown = 3

// Alert gathers the view of the alert of id.
func (s *Service) Alert(ctx context.Context, id int64) (*AlertView, error) {
	a, err := s.Store.HotAlert(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a)
}

func (s *Service) view(ctx context.Context, a domain.HotAlert) (*AlertView, error) {
	card, err := s.CRM.Show(ctx, domain.ContactRef(a.ContactID))
	if err != nil {
		return nil, err
	}
	recent, err := s.Store.RecentInteractions(ctx, a.ContactID, 50)
	if err != nil {
		return nil, err
	}
	orders, err := s.Store.RecentOrders(ctx, a.ContactID, 50)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	a.At = a.At.In(s.loc()) // shown in the team's time zone
	before := s.CRM.Scoring.Score(card.Contact, card.Facts.Before(a.At.Add(-s.hot().Window), recent, orders), now)
	v := &AlertView{Alert: a, Contact: card.Contact, Policy: s.hot(), Rules: domain.RulesGained(before, card.Score),
		Recent: recent[:min(len(recent), recentShown)]}
	v.Next = card.Contact.Stage.Next()
	return v, nil
}

// WeekAlerts counts the alerts of owner's contacts of the last week.
func (s *Service) WeekAlerts(ctx context.Context, owner string) (int64, error) {
	_, n, err := s.Store.HotAlerts(ctx, owner, s.Now().Add(-s.hot().Every), 1)
	return n, err
}

// Alerts returns the views of the alerts of the last week, of owner's
// contacts only when owner is not empty, newest first, up to limit, and
// how many there are.
func (s *Service) Alerts(ctx context.Context, owner string, limit int) ([]*AlertView, int64, error) {
	list, n, err := s.Store.HotAlerts(ctx, owner, s.Now().Add(-s.hot().Every), limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*AlertView, 0, len(list))
	for _, a := range list {
		v, err := s.view(ctx, a)
		if domain.IsCode(err, domain.NotFound) {
			continue // erased or merged since
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, n, nil
}

// Snooze keeps c out of owner's alerts and check-ins for days days, or for
// good when days is 0 (a mute).
func (s *Service) Snooze(ctx context.Context, c *domain.Contact, owner string, days int) error {
	until := s.Now().AddDate(0, 0, days)
	return s.Store.Snooze(ctx, c.ID, owner, until, days == 0)
}

// Unsnooze lifts owner's snooze or mute of c.
func (s *Service) Unsnooze(ctx context.Context, c *domain.Contact, owner string) error {
	ok, err := s.Store.Unsnooze(ctx, c.ID, owner)
	if err == nil && !ok {
		return domain.Errorf(domain.NotFound, "%s is neither snoozed nor muted", c.Ref())
	}
	return err
}

// Deliver delivers an owed alert or check-in through the Sender.
func (s *Service) Deliver(ctx context.Context, o domain.Outgoing) error {
	if s.Sender == nil {
		return errors.New("nudges: no Slack to send them through")
	}
	switch o.Kind {
	case HotAlertKind:
		var b alertBody
		if err := json.Unmarshal([]byte(o.Body), &b); err != nil {
			return fmt.Errorf("owed alert %d: %w", o.ID, err)
		}
		v, err := s.Alert(ctx, b.Alert)
		if domain.IsCode(err, domain.NotFound) {
			return nil // the contact was erased: nothing to tell
		}
		if err != nil {
			return err
		}
		return s.Sender.SendHotAlert(ctx, v)
	case CheckinKind:
		var b checkinBody
		if err := json.Unmarshal([]byte(o.Body), &b); err != nil {
			return fmt.Errorf("owed check-in %d: %w", o.ID, err)
		}
		v, err := s.Checkin(ctx, b.Owner)
		if err != nil {
			return err
		}
		v.Week = b.Week
		return s.Sender.SendCheckin(ctx, v)
	}
	return fmt.Errorf("nudges: no such owed message %q", o.Kind)
}

// Kinds are the kinds of owed messages Deliver delivers.
func Kinds() []domain.OutgoingKind {
	return slices.Clone([]domain.OutgoingKind{HotAlertKind, CheckinKind})
}
