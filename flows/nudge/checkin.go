package nudge

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// Shown is how many contacts a check-in shows of each list: each has
// three buttons, and a Slack message holds 50 blocks.
const Shown = 5

// List is one list of a check-in: the first contacts and how many it holds.
type List struct {
	Kind     domain.NudgeKind  `json:"kind"`
	Contacts []*domain.Contact `json:"contacts"`
	Total    int64             `json:"total"`
}

// CheckinView is an owner's check-in: their hot leads, rotting deals and
// quiet prospects, the best first.
type CheckinView struct {
	Owner string `json:"owner"`
	Week  string `json:"week"`
	Lists []List `json:"lists"`
	// Grade is the grade of hot leads.
	Grade string `json:"hot_grade"`
	// Rot says how long each rotting contact listed has been idle.
	Rot map[int64]crm.Rot `json:"-"`
}

// Empty reports whether the check-in lists nobody.
func (v *CheckinView) Empty() bool {
	for _, l := range v.Lists {
		if l.Total > 0 {
			return false
		}
	}
	return true
}

// Checkin gathers owner's check-in as of now.
func (s *Service) Checkin(ctx context.Context, owner string) (*CheckinView, error) {
	now := s.Now()
	p := domain.NudgeParams{Now: now, Hot: s.hot(), Rot: s.CRM.Rot, Owner: owner}
	p.HotScore = s.CRM.Scoring.Grades().Min(p.Hot.Grade)
	v := &CheckinView{Owner: owner, Week: domain.ISOWeek(now.In(s.loc())), Grade: p.Hot.Grade, Rot: map[int64]crm.Rot{}}
	for _, kind := range domain.NudgeKinds {
		if kind == domain.RottingDeals && len(p.Rot) == 0 {
			continue
		}
		list, n, err := s.Store.NudgeList(ctx, kind, p, Shown)
		if err != nil {
			return nil, err
		}
		v.Lists = append(v.Lists, List{Kind: kind, Contacts: list, Total: n})
		if kind == domain.RottingDeals {
			rot, err := s.CRM.RotOf(ctx, list)
			if err != nil {
				return nil, err
			}
			v.Rot = rot
		}
	}
	return v, nil
}

func (s *Service) loc() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

// CheckinRound makes the check-in of now's week of every owner who has
// none yet and can be reached: each is claimed, its contacts recorded and
// its message owed in one transaction. An owner with nothing to list is
// claimed and sent nothing. It returns the owners it owes a message. An
// alert round goes first, so that the leads just turned hot are listed.
func (s *Service) CheckinRound(ctx context.Context, now time.Time) ([]string, error) {
	if _, err := s.AlertRound(ctx); err != nil {
		return nil, err
	}
	owners, err := s.Store.Owners(ctx)
	if err != nil {
		return nil, err
	}
	week := domain.ISOWeek(now.In(s.loc()))
	var sent []string
	for _, owner := range owners {
		if !s.reachable(owner) {
			continue
		}
		owed, err := s.checkinOf(ctx, owner, week, now)
		if err != nil {
			return sent, err
		}
		if owed {
			sent = append(sent, owner)
		}
	}
	if len(sent) > 0 {
		s.wake()
	}
	return sent, nil
}

func (s *Service) checkinOf(ctx context.Context, owner, week string, now time.Time) (bool, error) {
	owed := false
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		claimed, err := s.Store.ClaimCheckin(ctx, owner, week, now)
		if err != nil || !claimed {
			return err
		}
		v, err := s.Checkin(ctx, owner)
		if err != nil || v.Empty() {
			return err
		}
		items := map[int64]domain.NudgeKind{}
		for _, l := range v.Lists {
			for _, c := range l.Contacts {
				if _, ok := items[c.ID]; !ok {
					items[c.ID] = l.Kind
				}
			}
		}
		if err := s.Store.AddCheckinItems(ctx, owner, week, items); err != nil {
			return err
		}
		owed = true
		return s.Store.AddOutgoing(ctx, []domain.Outgoing{owe(CheckinKind, checkinBody{Owner: owner, Week: week})})
	})
	return owed, err
}

// Acted returns, per owner, how many contacts of their check-in of week
// they acted on.
func (s *Service) Acted(ctx context.Context, week string) ([]domain.Acted, error) {
	return s.Store.CheckinActed(ctx, week)
}
