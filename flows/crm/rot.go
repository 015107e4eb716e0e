package crm

import (
	"context"

	"github.com/crmbot/crmbot/domain"
)

// Rot is how long a rotting contact has been idle at its stage.
type Rot struct {
	Stage domain.Stage `json:"stage"`
	Idle  int          `json:"idle_days"`
	Limit int          `json:"rot_days"`
}

// RotOf returns the rot of each of contacts that is rotting under the
// service's policy (none without one): no interaction, entry into the
// stage or creation for longer than its stage's rot days.
func (s *Service) RotOf(ctx context.Context, contacts []*domain.Contact) (map[int64]Rot, error) {
	out := map[int64]Rot{}
	if len(s.Rot) == 0 || len(contacts) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(contacts))
	for _, c := range contacts {
		if _, ok := s.Rot[c.Stage]; ok {
			ids = append(ids, c.ID)
		}
	}
	entered, err := s.Store.StageEntered(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	for _, c := range contacts {
		last := domain.Latest(c.LastContactAt, entered[c.ID], c.CreatedAt)
		if idle, rotting := s.Rot.Rot(c.Stage, last, now); rotting {
			out[c.ID] = Rot{Stage: c.Stage, Idle: idle, Limit: s.Rot[c.Stage]}
		}
	}
	return out, nil
}

// RottingQuery is q keeping only the contacts rotting now; a service
// without rot days has none to keep (Invalid, saying how to set them).
func (s *Service) RottingQuery(q domain.ContactQuery) (domain.ContactQuery, error) {
	if len(s.Rot) == 0 {
		return q, domain.Errorf(domain.Invalid, "no stage rots yet: set after how many days without an interaction a contact rots, per stage, in the configuration file (pipeline: {rot_days: {prospect: 14, qualified: 21}})")
	}
	q.Rotting, q.RotAt = s.Rot, s.Now()
	return q, nil
}
