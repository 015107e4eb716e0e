package survey

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Triggerer queues the questionnaires that ask themselves (a trigger: a
// week after a sale, a day after a move to lost, a year after the last
// answer) when their occasion is due. Each occasion is claimed once in the
// transaction that queues its send, so a restart or a second process
// never queues it twice; the send goes through the throttle like any.
type Triggerer struct {
	Service *Service
	// Lookback is how long a due occasion stays worth a send: one due
	// longer ago (crmbot was stopped, or the trigger was just configured
	// over old data) is passed over. 0 means 7 days.
	Lookback time.Duration
	// Batch is how many occasions a questionnaire's round claims and
	// queues in one transaction; 0 means 5,000.
	Batch int

	mu    sync.Mutex
	marks map[string]mark // by questionnaire, what the last round read
	full  time.Time       // when a round last read the whole window
}

// triggeredBy marks the surveys a trigger queued (their requested_by: the
// kind of occasion, trigger:sale), so that the digest counts them apart
// and the dispatcher knows a move's to check.
const triggeredBy = "trigger:"

func (t *Triggerer) lookback() time.Duration { return orDefault(t.Lookback, 7*24*time.Hour) }

// Run queues what is due every every until ctx is done.
func (t *Triggerer) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if _, err := t.Round(ctx); err != nil && ctx.Err() == nil {
			t.Service.log().Error("triggers", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Round queues every occasion due now and not claimed yet, and returns how
// many it claimed. A process's first round reads the whole lookback
// window; the next ones only what came due or was written since the last
// (see TriggerWindow), so that a round a minute stays cheap whatever the
// window holds.
func (t *Triggerer) Round(ctx context.Context) (int, error) {
	s, n := t.Service, 0
	t.mu.Lock()
	defer t.mu.Unlock()
	// Once an hour a round reads the whole window again: a row another
	// transaction wrote under an id below the last round's high-water
	// mark, committed after it (PostgreSQL's sequences allow it), is
	// found then.
	if now := s.now(); t.marks == nil || now.Sub(t.full) >= time.Hour {
		t.marks, t.full = map[string]mark{}, now
	}
	for _, q := range s.Questionnaires {
		if q.Trigger == nil {
			continue
		}
		now := s.now()
		high, err := s.Store.TriggerHighWater(ctx, q)
		if err != nil {
			return n, err
		}
		w := domain.TriggerWindow{From: now.Add(-t.lookback()), Until: now, Limit: t.batch()}
		if m, ok := t.marks[q.ID]; ok {
			w.Since, w.SinceID = m.until, m.high
		}
		for {
			due, err := s.Store.DueTriggers(ctx, q, w)
			if err != nil {
				return n, err
			}
			fired, err := t.fire(ctx, q, due, now)
			if n += fired; err != nil {
				return n, err
			}
			if len(due) < t.batch() || ctx.Err() != nil {
				break
			}
			w.After = due[len(due)-1].Ref
		}
		t.marks[q.ID] = mark{until: w.Until, high: high}
	}
	return n, ctx.Err()
}

// mark is how far a questionnaire's last round read: occasions due until
// until, and the rows written up to id high.
type mark struct {
	until time.Time
	high  int64
}

func (t *Triggerer) batch() int { return orDefault(t.Batch, 5000) }

// fire claims causes and queues q for the contacts of those still free
// through the throttle, in one transaction (the plan of a send: histories
// read 5,000 contacts at a time), and returns how many it claimed.
func (t *Triggerer) fire(ctx context.Context, q domain.Questionnaire, causes []domain.TriggerCause, now time.Time) (int, error) {
	if len(causes) == 0 {
		return 0, nil
	}
	s, fired := t.Service, 0
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		claimed, err := s.Store.ClaimTriggers(ctx, causes, now)
		if err != nil || len(claimed) == 0 {
			return err
		}
		fired = len(claimed)
		ids := make([]int64, len(claimed))
		for i, c := range claimed {
			ids[i] = c.ContactID
		}
		slices.Sort(ids)
		kind, _, _ := strings.Cut(claimed[0].Key, ":")
		_, err = s.SendTo(ctx, q.ID, IDs(slices.Compact(ids)), triggeredBy+kind, false)
		return err
	})
	return fired, err
}

// Upcoming returns the occasions due until until that no process claimed
// yet (those due now are queued at the next round): what `survey
// triggers` shows for the coming days.
func (t *Triggerer) Upcoming(ctx context.Context, until time.Time, limit int) ([]domain.TriggerCause, error) {
	var out []domain.TriggerCause
	now := t.Service.now()
	for _, q := range t.Service.Questionnaires {
		if q.Trigger == nil {
			continue
		}
		due, err := t.Service.Store.DueTriggers(ctx, q, domain.TriggerWindow{From: now.Add(-t.lookback()), Until: until, Limit: limit})
		if err != nil {
			return nil, err
		}
		out = append(out, due...)
	}
	return out, nil
}

// stillValid reports whether the trigger that queued sv still holds when
// it is about to leave: a questionnaire after a move to lost is not sent
// to a contact who has since moved elsewhere.
func (s *Service) stillValid(ctx context.Context, sv *domain.Survey, q domain.Questionnaire) (bool, error) {
	if q.Trigger == nil || q.Trigger.After != domain.AfterMove || sv.RequestedBy != triggeredBy+domain.AfterMove {
		return true, nil
	}
	c, err := s.Store.Contact(ctx, sv.ContactID)
	if err != nil {
		return false, err
	}
	return c.Stage == q.Trigger.To, nil
}
