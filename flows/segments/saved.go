package segments

import (
	"context"
	"strings"

	"github.com/crmbot/crmbot/domain"
)

// This file is the saved segments: named filters over contact fields,
// stored, listed with their members and deleted.

// Saved is a saved segment and its number of members.
type Saved struct {
	domain.SavedSegment
	Members int `json:"members"`
	// Failures, from Save, is the filter failing at run time on contacts
	// (which then are not members): on how many, and the first error.
	Failures []domain.RuleFailure `json:"failures,omitempty"`
	Contacts int                  `json:"contacts,omitempty"` // from Save: the contacts the filter was tried on
}

// Save checks and stores a saved segment under name (folded to lower
// case), with filter an expression of the scoring language. It counts the
// members, and the contacts on which the filter fails at run time, so that
// a filter that matches nobody because it fails is told, not kept silently.
func (s *Service) Save(ctx context.Context, actor, name, filter string) (*Saved, error) {
	seg := domain.SavedSegment{Name: strings.ToLower(name), Filter: strings.TrimSpace(filter), Author: actor}
	if err := seg.Validate(); err != nil {
		return nil, err
	}
	f, err := seg.Compile()
	if err != nil {
		return nil, err
	}
	out := &Saved{}
	var failures domain.RuleFailures
	err = s.eachEnv(ctx, usesPersona(seg.Filter), func(id int64, env *domain.ScoreEnv) {
		out.Contacts++
		ok, err := f.MatchErr(env)
		if err != nil {
			failures.Add(seg.Name, id, err)
		}
		if ok {
			out.Members++
		}
	})
	if err != nil {
		return nil, err
	}
	if err := s.Store.SaveSegment(ctx, &seg); err != nil {
		return nil, err
	}
	out.SavedSegment, out.Failures = seg, failures.List()
	return out, nil
}

// Delete removes the saved segment name.
func (s *Service) Delete(ctx context.Context, name string) error {
	return s.Store.DeleteSegment(ctx, strings.ToLower(name))
}

// List returns the saved segments with their member counts, by name. It
// reads every contact once, whatever the number of segments.
func (s *Service) List(ctx context.Context) ([]Saved, error) {
	segs, err := s.Store.SavedSegments(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Saved, len(segs))
	filters := make([]*domain.SegmentFilter, len(segs))
	for i, seg := range segs {
		out[i].SavedSegment = seg
		// A filter that no longer compiles (a renamed field) has no members.
		filters[i], _ = seg.Compile()
	}
	if len(segs) == 0 {
		return out, nil
	}
	srcs := make([]string, len(segs))
	for i, seg := range segs {
		srcs[i] = seg.Filter
	}
	err = s.eachEnv(ctx, usesPersona(srcs...), func(_ int64, env *domain.ScoreEnv) {
		for i, f := range filters {
			if f != nil && f.Match(env) {
				out[i].Members++
			}
		}
	})
	return out, err
}
