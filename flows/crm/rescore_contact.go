package crm

import (
	"context"

	"github.com/crmbot/crmbot/domain"
)

// Rescore recomputes c's score from its fields and activity and stores it,
// for a use case that changed them otherwise than through this service (a
// merge of duplicates).
func (s *Service) Rescore(ctx context.Context, c *domain.Contact) error { return s.rescore(ctx, c) }
