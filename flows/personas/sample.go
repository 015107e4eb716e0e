package personas

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// This file picks a representative sample of a persona, to ask the few
// customers whose answers describe it best: the persona's members are
// split by their values of the criteria its traits name (city, size…),
// each group gets its share of the sample (largest remainders), and
// within a group the members closest to the persona's centre are taken.
// Two streamed passes over the members, the second keeping at most the
// sample: memory grows with the sample and the groups, not the persona.

// Sample returns the ids of n customers representative of persona number
// of the last run (all of them when it has n or fewer), in id order.
func (s *Service) Sample(ctx context.Context, number, n int) ([]int64, error) {
	p, err := s.persona(ctx, number)
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, domain.Errorf(domain.Invalid, "a sample takes at least one customer")
	}
	var crit []int
	for _, t := range p.Traits {
		if !slices.Contains(crit, t.Criterion) {
			crit = append(crit, t.Criterion)
		}
	}
	now := s.Now()
	group := func(r store.PersonaRow) string {
		cat, _ := criteria(r, now)
		key := make([]string, len(crit))
		for i, c := range crit {
			key[i] = cat[c]
		}
		return strings.Join(key, "\x00")
	}
	sizes := map[string]int{}
	err = s.Store.EachPersonaMemberRow(ctx, number, 5000, func(rows []store.PersonaMemberRow) error {
		for _, r := range rows {
			sizes[group(r.PersonaRow)]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	quotas := shares(sizes, n)
	closest := map[string]*farthestFirst{}
	err = s.Store.EachPersonaMemberRow(ctx, number, 5000, func(rows []store.PersonaMemberRow) error {
		for _, r := range rows {
			g := group(r.PersonaRow)
			h := closest[g]
			if h == nil {
				h = &farthestFirst{}
				closest[g] = h
			}
			h.keep(candidate{r.ID, r.Distance}, quotas[g])
		}
		return nil
	})
	var ids []int64
	for _, h := range closest {
		for _, c := range *h {
			ids = append(ids, c.id)
		}
	}
	slices.Sort(ids)
	return ids, err
}

// shares splits n among groups in proportion to their sizes, by largest
// remainders (ties to the larger group, then by name): no more than a
// group holds, and n in all when the groups hold that many.
func shares(sizes map[string]int, n int) map[string]int {
	total := 0
	for _, sz := range sizes {
		total += sz
	}
	n = min(n, total)
	out := map[string]int{}
	type rest struct {
		group string
		frac  int // remainder of n·size/total, in 1/total
	}
	var rests []rest
	given := 0
	for g, sz := range sizes {
		out[g] = n * sz / total
		given += out[g]
		rests = append(rests, rest{g, n * sz % total})
	}
	slices.SortFunc(rests, func(a, b rest) int {
		return cmp.Or(b.frac-a.frac, sizes[b.group]-sizes[a.group], strings.Compare(a.group, b.group))
	})
	for i := 0; given < n; i = (i + 1) % len(rests) {
		if g := rests[i].group; out[g] < sizes[g] {
			out[g]++
			given++
		}
	}
	return out
}

// candidate is a member and its distance to the centre.
type candidate struct {
	id       int64
	distance float64
}

// farthestFirst is a max-heap of candidates by distance (then id): the
// kept candidate to drop first is on top.
type farthestFirst []candidate

func (h farthestFirst) Len() int { return len(h) }
func (h farthestFirst) Less(i, j int) bool {
	if h[i].distance != h[j].distance {
		return h[i].distance > h[j].distance
	}
	return h[i].id > h[j].id
}
func (h farthestFirst) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *farthestFirst) Push(x any)   { *h = append(*h, x.(candidate)) }
func (h *farthestFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// keep adds c if it is among the limit closest seen.
func (h *farthestFirst) keep(c candidate, limit int) {
	switch {
	case limit <= 0:
	case h.Len() < limit:
		heap.Push(h, c)
	case farther((*h)[0], c):
		(*h)[0] = c
		heap.Fix(h, 0)
	}
}

// farther reports whether a is farther from the centre than b.
func farther(a, b candidate) bool {
	return a.distance > b.distance || a.distance == b.distance && a.id > b.id
}
