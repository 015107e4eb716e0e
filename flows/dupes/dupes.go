// Package dupes finds contacts that are likely one person and merges them:
// the same email once its +tag is dropped, the same name at the same
// company (case and accents aside), or names a typo apart at one company.
package dupes

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// Store is what finding and merging duplicates need of the database.
type Store interface {
	EachCompanyGroup(ctx context.Context, max int, fn func([]store.DupeCandidate) error) error
	EachTaggedEmail(ctx context.Context, fn func(id int64, email string) error) error
	ContactIDsByEmail(ctx context.Context, emails []string) (map[string]int64, error)
	ContactsByIDs(ctx context.Context, ids []int64) ([]*domain.Contact, error)
}

// Service finds and merges duplicates.
type Service struct {
	Store Store
}

// Report is the surest pairs found, and how many there are in all.
type Report struct {
	Pairs []Pair `json:"pairs"`
	Total int    `json:"total"`
}

// Pair is a likely duplicate with both contacts.
type Pair struct {
	domain.Dupe
	Kept      *domain.Contact `json:"kept"`
	Duplicate *domain.Contact `json:"duplicate"`
}

// groupMax bounds the contacts of one company held at once; window is how
// many other names (in their order) each name is compared with: names a
// typo apart mostly sort near each other.
const (
	groupMax = 5000
	window   = 8
)

// Find returns the limit surest likely duplicate pairs and their number.
// Memory holds one company's contacts, the pairs of tagged emails (few)
// and the pairs kept, never the table.
func (s *Service) Find(ctx context.Context, limit int) (*Report, error) {
	top := &topPairs{limit: limit}
	byEmail := map[[2]int64]*domain.Dupe{}
	err := s.taggedEmails(ctx, func(d domain.Dupe) { byEmail[[2]int64{d.Keep, d.Other}] = &d })
	if err != nil {
		return nil, err
	}
	err = s.Store.EachCompanyGroup(ctx, groupMax, func(group []store.DupeCandidate) error {
		companyPairs(group, func(d domain.Dupe) {
			if e, ok := byEmail[[2]int64{d.Keep, d.Other}]; ok {
				e.Add(d.Reasons[0], d.Distance) // one pair, two reasons
				return
			}
			top.add(d)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, d := range byEmail {
		top.add(*d)
	}
	return s.report(ctx, top)
}

// companyPairs finds the pairs among the contacts of one company. Contacts
// with one name key are a run, each paired with the run's oldest (the one
// a merge keeps): k namesakes make k-1 pairs, the merges they need. Runs
// whose names are close pair their oldest, each run compared with the
// window of runs that follow it in the order of names.
func companyPairs(group []store.DupeCandidate, add func(domain.Dupe)) {
	type named struct {
		id   int64
		name string
	}
	byName := make([]named, 0, len(group))
	for _, c := range group {
		if k := domain.NameKey(c.Name); k != "" {
			byName = append(byName, named{c.ID, k})
		}
	}
	slices.SortFunc(byName, func(a, b named) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	var runs []named // the oldest of each run
	for i, c := range byName {
		if i > 0 && c.name == byName[i-1].name {
			d := domain.NewDupe(runs[len(runs)-1].id, c.id)
			d.Add(domain.SameNameCompany, 0)
			add(d)
			continue
		}
		runs = append(runs, c)
	}
	for i, a := range runs {
		for _, b := range runs[i+1 : min(len(runs), i+1+window)] {
			if dist, ok := domain.NamesClose(a.name, b.name); ok {
				d := domain.NewDupe(a.id, b.id)
				d.Add(domain.CloseNames, dist)
				add(d)
			}
		}
	}
}

// taggedEmails pairs each contact whose email has a +tag with the contact
// of the address without it, 5,000 tagged contacts at a time.
func (s *Service) taggedEmails(ctx context.Context, add func(domain.Dupe)) error {
	var batch []store.DupeCandidate
	err := s.Store.EachTaggedEmail(ctx, func(id int64, email string) error {
		batch = append(batch, store.DupeCandidate{ID: id, Email: email})
		if len(batch) == 5000 {
			err := s.pairTagged(ctx, batch, add)
			batch = batch[:0]
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.pairTagged(ctx, batch, add)
}

// pairTagged pairs each of contacts whose email has a +tag with the
// contact of the address without it; the others are passed over.
func (s *Service) pairTagged(ctx context.Context, contacts []store.DupeCandidate, add func(domain.Dupe)) error {
	var keys []string
	byKey := map[string][]int64{}
	for _, c := range contacts {
		if k := domain.EmailKey(c.Email); c.Email != "" && k != strings.ToLower(c.Email) {
			keys = append(keys, k)
			byKey[k] = append(byKey[k], c.ID)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	ids, err := s.Store.ContactIDsByEmail(ctx, slices.Compact(keys))
	if err != nil {
		return err
	}
	for k, other := range ids {
		for _, id := range byKey[k] {
			if id != other {
				d := domain.NewDupe(id, other)
				d.Add(domain.SameEmail, 0)
				add(d)
			}
		}
	}
	return nil
}

// report loads the contacts of the pairs kept.
func (s *Service) report(ctx context.Context, top *topPairs) (*Report, error) {
	pairs := top.sorted()
	var ids []int64
	for _, p := range pairs {
		ids = append(ids, p.Keep, p.Other)
	}
	slices.Sort(ids)
	list, err := s.Store.ContactsByIDs(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*domain.Contact, len(list))
	for _, c := range list {
		byID[c.ID] = c
	}
	r := &Report{Total: top.total}
	for _, p := range pairs {
		r.Pairs = append(r.Pairs, Pair{Dupe: p, Kept: byID[p.Keep], Duplicate: byID[p.Other]})
	}
	return r, nil
}

// topPairs keeps the limit surest pairs seen, and counts them all.
type topPairs struct {
	limit int
	total int
	pairs []domain.Dupe
}

func (t *topPairs) add(d domain.Dupe) {
	t.total++
	t.pairs = append(t.pairs, d)
	if len(t.pairs) >= 4*t.limit+64 {
		t.trim()
	}
}

func (t *topPairs) trim() {
	slices.SortFunc(t.pairs, domain.CompareDupes)
	t.pairs = t.pairs[:min(len(t.pairs), t.limit)]
}

func (t *topPairs) sorted() []domain.Dupe {
	t.trim()
	return t.pairs
}
