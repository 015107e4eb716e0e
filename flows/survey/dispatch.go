package survey

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Dispatcher delivers queued invitations and reminders when they are due.
// Each survey is claimed by one dispatcher (several processes may share a
// database), decided by the throttle at that moment — the one chokepoint —
// and recorded as sending before the message leaves, so that it leaves at
// most once even across a crash.
type Dispatcher struct {
	Service *Service
	Sender  Sender
	// Claimer names this process in claims.
	Claimer string
	// Batch is how many surveys are claimed at once (default 100), Workers
	// how many are sent concurrently (default 8; the Sender holds the
	// rates), Lease how long a claim holds without renewal (default 10 s:
	// the surveys a crashed process had claimed go out that much later).
	// The dispatcher renews its batch's claims every fifth of Lease while
	// it works through it.
	Batch   int
	Workers int
	Lease   time.Duration
	// MaxAttempts bounds the retries of a message Telegram refused
	// (default 5).
	MaxAttempts int
}

// retryAfter is how long a refused message waits before it is tried again.
const retryAfter = time.Minute

func (d *Dispatcher) batch() int   { return orDefault(d.Batch, 100) }
func (d *Dispatcher) workers() int { return orDefault(d.Workers, 8) }

// orDefault is n, or def when n is not set (zero or less).
func orDefault[T int | time.Duration](n, def T) T {
	if n <= 0 {
		return def
	}
	return n
}

// Run calls Round every interval until ctx is done.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.Round(ctx); err != nil && ctx.Err() == nil {
			d.Service.log().Error("dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Round delivers everything due now and returns how many surveys it
// looked at.
func (d *Dispatcher) Round(ctx context.Context) (int, error) {
	s := d.Service
	if err := d.recoverStale(ctx); err != nil {
		return 0, err
	}
	total := 0
	for {
		now := s.now()
		due, err := s.Store.ClaimDue(ctx, now, d.batch(), d.Claimer, now.Add(d.lease()))
		if err != nil || len(due) == 0 {
			return total, err
		}
		d.processAll(ctx, due)
		total += len(due)
		if len(due) < d.batch() || ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

func (d *Dispatcher) lease() time.Duration { return orDefault(d.Lease, defaultLease) }

// defaultLease is how long a claim of the dispatcher's or the deliverer's
// holds without renewal when they are given no Lease.
const defaultLease = 10 * time.Second

func (d *Dispatcher) processAll(ctx context.Context, due []domain.Survey) {
	stop := d.keepClaims(ctx, due)
	defer stop()
	work := make(chan int64)
	var wg sync.WaitGroup
	for range min(d.workers(), len(due)) {
		wg.Go(func() {
			for id := range work {
				if err := d.process(ctx, id); err != nil && ctx.Err() == nil {
					d.Service.log().Error("dispatch survey", "survey", id, "err", err)
				}
			}
		})
	}
	for _, sv := range due {
		work <- sv.ID
	}
	close(work)
	wg.Wait()
}

// keepClaims renews the claims on due every fifth of the lease until the
// function it returns is called: surveys waiting for their turn behind a
// long queue stay this dispatcher's while it lives, and those of one that
// crashed lapse a lease after its last renewal.
func (d *Dispatcher) keepClaims(ctx context.Context, due []domain.Survey) (stop func()) {
	ids := make([]int64, len(due))
	for i, sv := range due {
		ids[i] = sv.ID
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(d.lease() / 5)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			err := d.Service.Store.RenewSurveyClaims(ctx, ids, d.Claimer, d.Service.now().Add(d.lease()))
			if err != nil && ctx.Err() == nil {
				d.Service.log().Warn("could not renew the claims on surveys", "err", err)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// recoverStale settles the surveys a stopped sender left in sending: the
// message may have left, so they count as sent (unconfirmed) and are never
// sent again.
func (d *Dispatcher) recoverStale(ctx context.Context) error {
	s := d.Service
	stale, err := s.Store.StaleSending(ctx, s.now())
	if err != nil {
		return err
	}
	for _, sv := range stale {
		err := s.Store.InTx(ctx, func(ctx context.Context) error {
			cur, err := s.Store.LockSurvey(ctx, sv.ID)
			if err != nil || cur.Status != domain.SurveySending {
				return err
			}
			cur.Status, cur.Reason = domain.SurveyOpen, "unconfirmed"
			if err := s.Store.UpdateSurvey(ctx, cur); err != nil {
				return err
			}
			return s.Store.ReleaseSurvey(ctx, cur.ID)
		})
		if err != nil {
			return err
		}
		s.log().Warn("a send was interrupted: counted as sent, not sent again", "survey", sv.ID, "contact", domain.ContactRef(sv.ContactID))
	}
	return nil
}

// process decides one claimed survey and, when allowed, sends it. The
// survey is recorded as leaving only once its message has its turn under
// the rate limits, just before the request (Sender's ready): a crash while
// it waits loses nothing, the claim lapses and the survey is sent after the
// restart. Only a request in flight at the crash may be lost.
func (d *Dispatcher) process(ctx context.Context, id int64) error {
	s := d.Service
	var msg *Message
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		var err error
		msg, _, err = d.decide(ctx, id, s.now(), false)
		return err
	})
	if err != nil || msg == nil {
		return err
	}
	reminder, left := false, false
	ready := func(ctx context.Context) error {
		return s.Store.InTx(ctx, func(ctx context.Context) error {
			m, r, err := d.decide(ctx, id, s.now(), true)
			if err == nil && m == nil {
				err = errHeld
			}
			reminder, left = r, err == nil
			return err
		})
	}
	messageID, sendErr := d.Sender.Send(ctx, *msg, ready)
	if !left {
		// Held back at its turn (recorded then), or never had it.
		if errors.Is(sendErr, errHeld) {
			return nil
		}
		return errors.Join(sendErr, s.Store.ReleaseSurvey(context.WithoutCancel(ctx), id))
	}
	return s.Store.InTx(context.WithoutCancel(ctx), func(ctx context.Context) error {
		return d.record(ctx, id, reminder, messageID, sendErr)
	})
}

// errHeld is a send the throttle held back at the last moment.
var errHeld = errors.New("held back by the throttle")

// decide applies the throttle to survey id at now. When the send is
// allowed it returns the message; with commit it also records the survey
// as sending (or reminded), keeping the claim, and otherwise leaves the
// survey as it is. A denial or deferral, an expiry, or a questionnaire
// the configuration no longer has (the survey is cancelled) is recorded
// and the claim released either way.
func (d *Dispatcher) decide(ctx context.Context, id int64, now time.Time, commit bool) (*Message, bool, error) {
	s := d.Service
	sv, err := s.Store.LockSurvey(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if (sv.Status != domain.SurveyQueued && sv.Status != domain.SurveyOpen) || sv.NextAt.IsZero() || sv.NextAt.After(now) {
		if commit {
			return nil, false, nil // taken over by another sender
		}
		return nil, false, s.Store.ReleaseSurvey(ctx, id)
	}
	reminder := sv.Status == domain.SurveyOpen
	if reminder && !sv.ExpiresAt.IsZero() && !now.Before(sv.ExpiresAt) {
		sv.Status, sv.NextAt = domain.SurveyExpired, time.Time{}
		return nil, false, d.end(ctx, sv)
	}
	q, err := s.questionnaireOf(sv)
	if err != nil {
		return nil, false, d.end(ctx, s.dropRemoved(sv, err))
	}
	if valid, err := s.stillValid(ctx, sv, q); err != nil || !valid {
		if err != nil {
			return nil, false, err
		}
		sv.Status, sv.NextAt, sv.Reason = domain.SurveyCancelled, time.Time{}, "trigger_void"
		return nil, false, d.end(ctx, sv)
	}
	dec, err := s.decide(ctx, sv.ContactID, ask(q, reminder), now)
	if err != nil {
		return nil, false, err
	}
	if commit || dec.Outcome != domain.Allow {
		s.acted(dec) // an allowed look is decided again, committed
	}
	r, err := s.Store.Respondent(ctx, sv.ContactID)
	if err != nil {
		return nil, false, err
	}
	switch {
	case dec.Outcome == domain.Deny && reminder:
		sv.NextAt, sv.Reason = sv.ExpiresAt, reasons(dec)
	case dec.Outcome == domain.Deny:
		sv.Status, sv.NextAt, sv.Reason = domain.SurveyDenied, time.Time{}, reasons(dec)
	case dec.Outcome == domain.Defer:
		sv.NextAt, sv.Reason = dec.NextEligible, reasons(dec)
	case r == nil || r.ChatID == 0:
		// Consent given in the console only: nothing to send it through
		// but the console (`as <contact>`); look again tomorrow.
		sv.NextAt, sv.Reason = now.Add(24*time.Hour), "no_chat"
	default:
		msg, err := s.invitation(ctx, sv, q, r, reminder)
		if err != nil || !commit {
			return msg, reminder, err
		}
		if reminder {
			sv.RemindedAt, sv.NextAt = now, sv.ExpiresAt
		} else if err := s.markSent(ctx, sv, q, now, "telegram"); err != nil {
			return nil, false, err
		}
		return msg, reminder, d.save(ctx, sv, false)
	}
	return nil, false, d.save(ctx, sv, true)
}

// end writes sv, which ended unsent (expired, or cancelled), releases its
// claim and owes the owner the alert of its detractor answers.
func (d *Dispatcher) end(ctx context.Context, sv *domain.Survey) error {
	if err := d.save(ctx, sv, true); err != nil {
		return err
	}
	return d.Service.oweAlert(ctx, sv)
}

// save writes sv, releasing its claim unless a send is under way.
func (d *Dispatcher) save(ctx context.Context, sv *domain.Survey, release bool) error {
	if err := d.Service.Store.UpdateSurvey(ctx, sv); err != nil || !release {
		return err
	}
	return d.Service.Store.ReleaseSurvey(ctx, sv.ID)
}

// record writes what became of a send.
func (d *Dispatcher) record(ctx context.Context, id int64, reminder bool, messageID int64, sendErr error) error {
	s := d.Service
	sv, err := s.Store.LockSurvey(ctx, id)
	if err != nil {
		return err
	}
	now := s.now()
	switch {
	case sendErr == nil:
		if sv.Status == domain.SurveySending {
			sv.Status = domain.SurveyOpen
		}
		sv.MessageID = messageID
	case errors.Is(sendErr, ErrUnreachable):
		if err := d.unreachable(ctx, sv.ContactID, now); err != nil {
			return err
		}
		if !reminder {
			sv.Status, sv.NextAt, sv.Reason = domain.SurveyFailed, time.Time{}, string(domain.Unreachable)
		}
	case errors.Is(sendErr, ErrNotSent) && sv.Attempts+1 < orDefault(d.MaxAttempts, 5):
		sv.Attempts++
		sv.NextAt, sv.Reason = now.Add(retryAfter), "retry: "+clip(sendErr.Error())
		if reminder {
			sv.RemindedAt = time.Time{}
		} else {
			sv.Status, sv.SentAt, sv.ExpiresAt = domain.SurveyQueued, time.Time{}, time.Time{}
		}
	case !errors.Is(sendErr, ErrNotSent):
		// The request may have reached Telegram (a connection reset, a
		// timeout): the invitation counts as sent, as after a crash,
		// and is never sent again.
		s.log().Warn("an invitation may not have been delivered: counted as sent, not sent again", "survey", id, "reminder", reminder, "err", sendErr)
		if !reminder {
			sv.Status, sv.Reason = domain.SurveyOpen, "unconfirmed: "+clip(sendErr.Error())
		}
	default:
		s.log().Error("invitation not delivered", "survey", id, "reminder", reminder, "err", sendErr)
		if !reminder {
			sv.Status, sv.NextAt, sv.Reason = domain.SurveyFailed, time.Time{}, "send_failed: "+clip(sendErr.Error())
		}
	}
	return d.save(ctx, sv, true)
}

func (d *Dispatcher) unreachable(ctx context.Context, contactID int64, now time.Time) error {
	r, err := d.Service.Store.Respondent(ctx, contactID)
	if err != nil || r == nil {
		return err
	}
	r.UnreachableAt = now
	return d.Service.Store.SaveRespondent(ctx, r)
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

// reasons writes a decision's reason codes for the survey's record.
func reasons(dec domain.Decision) string {
	codes := dec.Codes()
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = string(c)
	}
	return strings.Join(parts, ",")
}

// markSent records sv, a survey of q, as leaving now through via, in q's
// current version: it counts as sent from this moment, expires after the
// policy's open days, and may be reminded after its reminder delay.
func (s *Service) markSent(ctx context.Context, sv *domain.Survey, q domain.Questionnaire, now time.Time, via string) error {
	relied, ok, err := s.Store.LatestConsent(ctx, sv.ContactID)
	if err != nil {
		return err
	}
	if ok && relied.Kind == domain.ConsentGiven {
		sv.ConsentEventID = relied.ID // the proof the send relied on
	}
	sv.Status, sv.SentAt, sv.Via, sv.Reason = domain.SurveySending, now, via, ""
	sv.Version = q.Version
	sv.ExpiresAt = time.Time{}
	if s.Policy.OpenDays > 0 {
		sv.ExpiresAt = now.AddDate(0, 0, s.Policy.OpenDays)
	}
	sv.NextAt = now.AddDate(0, 0, s.Policy.ReminderAfterDays)
	if via != "telegram" || !sv.ExpiresAt.IsZero() && !sv.NextAt.Before(sv.ExpiresAt) {
		// Reminders go through Telegram only: one delivered in the
		// console is only looked at again to expire it.
		sv.NextAt = sv.ExpiresAt
	}
	return nil
}

// invitation is the message that invites r to answer sv, a survey of q
// (or reminds them).
func (s *Service) invitation(ctx context.Context, sv *domain.Survey, q domain.Questionnaire, r *domain.Respondent, reminder bool) (*Message, error) {
	c, err := s.Store.Contact(ctx, sv.ContactID)
	if err != nil {
		return nil, err
	}
	cv := &conv{s: s, lang: s.lang(c, r.Language)}
	return &Message{ChatID: r.ChatID, Text: cv.invitationText(q, reminder), Buttons: invitationButtons(cv.lang, sv.ID)}, nil
}
