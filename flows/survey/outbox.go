package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Deliverer delivers the messages crmbot owes from the outbox, where the
// conversation writes them in the transaction of the answer that owes them:
// a crash at any moment leaves them owed, and they leave after the restart
// (at least once: a message whose delivery was cut short may come twice).
// Each chat's messages leave in order, one at a time; many chats are served
// at once, so that a chat with many messages waiting (Telegram allows one a
// second per chat) holds up no other. Detractor alerts go the same way, to
// the Service's Alerter.
type Deliverer struct {
	Service *Service
	// Sender delivers Telegram messages; nil leaves them to a process
	// that has one (only alerts are delivered).
	Sender Sender
	// Claimer names this process in claims.
	Claimer string
	// Workers is how many queues (chats) are served at once (default 16),
	// Lease how long a claim on a message holds without renewal (default
	// 10 s: a crashed process's messages are taken over that soon),
	// MaxAttempts how often one message is tried (default 8).
	Workers     int
	Lease       time.Duration
	MaxAttempts int
	// More delivers the other kinds of owed messages (an owner's alerts
	// and check-ins), by kind.
	More map[domain.OutgoingKind]func(context.Context, domain.Outgoing) error

	once sync.Once
	wake chan struct{}
}

// errClaimLost is a delivery stopped because another process took the
// message over (this one's claim had lapsed).
var errClaimLost = errors.New("the claim on the message lapsed")

func (d *Deliverer) init() { d.once.Do(func() { d.wake = make(chan struct{}, 1) }) }

func (d *Deliverer) lease() time.Duration { return orDefault(d.Lease, defaultLease) }

// kinds are the kinds of messages this deliverer can deliver.
func (d *Deliverer) kinds() []domain.OutgoingKind {
	kinds := []domain.OutgoingKind{domain.DetractorAlert}
	if d.Sender != nil {
		kinds = append(kinds, domain.ToTelegram)
	}
	return append(kinds, slices.Sorted(maps.Keys(d.More))...)
}

// Wake tells a running deliverer that messages are owed now.
func (d *Deliverer) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers owed messages until ctx is done: when woken, and every
// interval for those another process owed or that wait for a retry.
func (d *Deliverer) Run(ctx context.Context, every time.Duration) {
	d.init()
	t := time.NewTicker(every)
	defer t.Stop()
	slots := make(chan struct{}, orDefault(d.Workers, 16))
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		d.fill(ctx, slots, &wg)
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-t.C:
		}
	}
}

// fill starts serving as many due queues as there are free slots.
func (d *Deliverer) fill(ctx context.Context, slots chan struct{}, wg *sync.WaitGroup) {
	free := cap(slots) - len(slots)
	if free == 0 || ctx.Err() != nil {
		return
	}
	heads, err := d.claim(ctx, d.kinds(), nil, free)
	if err != nil {
		if ctx.Err() == nil {
			d.Service.log().Error("outbox", "err", err)
		}
		return
	}
	for _, o := range heads {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots; d.Wake() }()
			d.serve(ctx, o)
		})
	}
}

// Round delivers every message due now and returns how many it delivered
// or gave up: what tests and one-shot runs use instead of Run.
func (d *Deliverer) Round(ctx context.Context) (int, error) {
	total := 0
	for {
		heads, err := d.claim(ctx, d.kinds(), nil, orDefault(d.Workers, 16))
		if err != nil || len(heads) == 0 {
			return total, err
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, o := range heads {
			wg.Go(func() {
				n := d.serve(ctx, o)
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

func (d *Deliverer) claim(ctx context.Context, kinds []domain.OutgoingKind, chat *int64, limit int) ([]domain.Outgoing, error) {
	now := d.Service.now()
	return d.Service.Store.ClaimOutgoing(ctx, kinds, chat, now, limit, d.Claimer, now.Add(d.lease()))
}

// serve delivers o, then the next messages of its queue while there are
// some due, and returns how many left the queue.
func (d *Deliverer) serve(ctx context.Context, o domain.Outgoing) int {
	n := 0
	for {
		if d.deliver(ctx, o) {
			n++
		}
		if ctx.Err() != nil {
			return n
		}
		next, err := d.claim(ctx, []domain.OutgoingKind{o.Kind}, &o.ChatID, 1)
		if err != nil {
			d.Service.log().Error("outbox", "chat", o.ChatID, "err", err)
		}
		if len(next) == 0 {
			return n
		}
		o = next[0]
	}
}

// deliver tries o once and records the outcome; it reports whether o left
// the outbox (delivered, or given up).
func (d *Deliverer) deliver(ctx context.Context, o domain.Outgoing) bool {
	s := d.Service
	var err error
	switch o.Kind {
	case domain.ToTelegram:
		err = d.sendMessage(ctx, o)
	case domain.DetractorAlert:
		err = d.sendAlert(ctx, o)
	default:
		err = fmt.Errorf("unknown kind of owed message %q", o.Kind)
		if deliver := d.More[o.Kind]; deliver != nil {
			err = deliver(ctx, o)
		}
	}
	rec := context.WithoutCancel(ctx)
	switch {
	case errors.Is(err, errClaimLost):
		return false
	case err == nil:
		return d.done(rec, o)
	case errors.Is(err, ErrUnreachable):
		s.log().Info("a customer blocked the bot: message dropped", "chat", o.ChatID, "err", err)
		if uerr := d.unreachable(rec, o.ChatID); uerr != nil {
			s.log().Error("outbox", "chat", o.ChatID, "err", uerr)
		}
		return d.done(rec, o)
	case ctx.Err() != nil:
		// Stopping: whoever runs next delivers it.
		d.retry(rec, o, o.Attempts, s.now())
		return false
	case o.Attempts+1 >= orDefault(d.MaxAttempts, 8):
		s.log().Error("owed message given up after repeated failures", "kind", o.Kind, "chat", o.ChatID, "attempts", o.Attempts+1, "err", err)
		return d.done(rec, o)
	}
	wait := min(time.Minute, time.Second<<o.Attempts)
	s.log().Warn("owed message not delivered; it will be tried again", "kind", o.Kind, "chat", o.ChatID, "retry_in", wait, "err", err)
	d.retry(rec, o, o.Attempts+1, s.now().Add(wait))
	return false
}

func (d *Deliverer) done(ctx context.Context, o domain.Outgoing) bool {
	if err := d.Service.Store.DeliveredOutgoing(ctx, o.ID); err != nil {
		d.Service.log().Error("outbox", "chat", o.ChatID, "err", err)
		return false
	}
	return true
}

func (d *Deliverer) retry(ctx context.Context, o domain.Outgoing, attempts int, at time.Time) {
	if err := d.Service.Store.RetryOutgoing(ctx, o.ID, attempts, at); err != nil {
		d.Service.log().Error("outbox", "chat", o.ChatID, "err", err)
	}
}

// sendMessage sends a Telegram message, renewing its claim just before the
// request leaves: a process whose claim lapsed while it waited for its
// turn, and was taken over, leaves the message to the one that took it.
func (d *Deliverer) sendMessage(ctx context.Context, o domain.Outgoing) error {
	var m Message
	if err := json.Unmarshal([]byte(o.Body), &m); err != nil {
		return fmt.Errorf("owed message %d: %w", o.ID, err)
	}
	s := d.Service
	ready := func(ctx context.Context) error {
		ok, err := s.Store.RenewOutgoing(ctx, o.ID, d.Claimer, s.now().Add(d.lease()))
		if err == nil && !ok {
			err = errClaimLost
		}
		return err
	}
	_, err := d.Sender.Send(ctx, m, ready)
	return err
}

func (d *Deliverer) unreachable(ctx context.Context, chat int64) error {
	s := d.Service
	return s.Store.InTx(ctx, func(ctx context.Context) error {
		r, err := s.Store.RespondentByChat(ctx, chat)
		if err != nil || r == nil {
			return err
		}
		r.UnreachableAt = s.now()
		return s.Store.SaveRespondent(ctx, r)
	})
}

// owe writes msgs to the outbox in the transaction of ctx.
func (s *Service) owe(ctx context.Context, msgs []Message) error {
	out := make([]domain.Outgoing, len(msgs))
	for i, m := range msgs {
		body, err := json.Marshal(m)
		if err != nil {
			return err
		}
		out[i] = domain.Outgoing{Kind: domain.ToTelegram, ChatID: m.ChatID, Body: string(body)}
	}
	return s.Store.AddOutgoing(ctx, out)
}

// wake tells the deliverer that messages are owed.
func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// ended writes sv, which has just ended (answered, expired or cancelled
// by the customer), and owes the alert its answers call for.
func (s *Service) ended(ctx context.Context, sv *domain.Survey) error {
	if err := s.Store.UpdateSurvey(ctx, sv); err != nil {
		return err
	}
	return s.oweAlert(ctx, sv)
}

// oweAlert owes the owner of sv's contact an alert when sv, now ended
// (answered, expired or cancelled), holds detractor answers: one alert per
// questionnaire, with every bad answer and the comments.
func (s *Service) oweAlert(ctx context.Context, sv *domain.Survey) error {
	answers, err := s.Store.Answers(ctx, 0, sv.ID)
	if err != nil {
		return err
	}
	th := s.Policy.Detractor
	for _, a := range answers {
		if a.IsDetractor(th.NPSBelow, th.CSATBelow) {
			return s.Store.AddOutgoing(ctx, []domain.Outgoing{{Kind: domain.DetractorAlert, SurveyID: sv.ID}})
		}
	}
	return nil
}

// sendAlert tells the owner about the detractor answers of an ended
// survey. An alert about a contact erased since is dropped.
func (d *Deliverer) sendAlert(ctx context.Context, o domain.Outgoing) error {
	s := d.Service
	a, err := s.alertOf(ctx, o.SurveyID)
	if err != nil || a == nil {
		return err
	}
	if s.Alerter == nil {
		s.log().Warn("detractor answer: no Slack to alert the owner", "contact", a.Contact.Ref(), "owner", a.Contact.Owner)
		return nil
	}
	return s.Alerter.DetractorAlert(ctx, *a)
}

// alertOf builds the alert about survey id: nil when its contact is gone.
func (s *Service) alertOf(ctx context.Context, id int64) (*Alert, error) {
	sv, err := s.Store.Survey(ctx, id)
	if domain.ErrorCode(err) == domain.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := s.Store.Contact(ctx, sv.ContactID)
	if domain.ErrorCode(err) == domain.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	answers, err := s.Store.Answers(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	q, err := s.questionnaireOf(sv)
	if err != nil {
		// The owner still hears of the detractor: the alert names the
		// questionnaire by its id, and each question by its id.
		s.log().Warn("detractor alert without its questionnaire's texts", "survey", sv.ID, "contact", c.Ref(), "questionnaire", sv.Questionnaire, "err", err)
		q = domain.Questionnaire{ID: sv.Questionnaire, Version: sv.Version}
	}
	a := &Alert{Contact: c, Questionnaire: q}
	th := s.Policy.Detractor
	for _, an := range answers {
		switch {
		case an.IsDetractor(th.NPSBelow, th.CSATBelow):
			qu, ok := q.Question(an.Question)
			if !ok { // a question removed since: named by its id
				qu = domain.Question{ID: an.Question, Type: an.Type}
			}
			a.Bad = append(a.Bad, BadAnswer{Question: qu, Answer: an.Answer})
		case an.Type == domain.TextQuestion && an.Text != "":
			a.Comments = append(a.Comments, an.Text)
		}
	}
	return a, nil
}
