package dupes

import (
	"context"
	"strings"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// ImportStore is what checking an import's new contacts needs.
type ImportStore interface {
	Store
	NewDupeCandidates(ctx context.Context, after int64, limit int) ([]store.DupeCandidate, error)
	CompanyDupeCandidates(ctx context.Context, company string, limit int) ([]store.DupeCandidate, error)
}

// ImportCheckMax is the most new contacts an import is checked for
// duplicates of: each of their companies is one read, so beyond it dupes
// (one pass over every contact) is the faster way.
const ImportCheckMax = 10000

// Sure is the confidence from which an import's --merge merges a pair: the
// same email, or the same name and company; names a typo apart (Paul,
// Paula) are listed for a person to decide.
const Sure = 0.9

// Imported is what the check of an import found.
type Imported struct {
	// Pairs are the likely duplicates among the new contacts and between
	// them and the others, each kept the older.
	Pairs []Pair
	// TooMany is set when the import created more than ImportCheckMax
	// contacts, which were not checked.
	TooMany bool
}

// AmongNew finds the likely duplicates of the contacts above id after (an
// import's new contacts): with the contacts of their companies and the
// contacts of their emails without a +tag. It reads the new contacts and
// each of their companies, never the whole table.
func (s *Service) AmongNew(ctx context.Context, st ImportStore, after int64) (*Imported, error) {
	fresh, err := st.NewDupeCandidates(ctx, after, ImportCheckMax)
	if err != nil {
		return nil, err
	}
	if len(fresh) > ImportCheckMax {
		return &Imported{TooMany: true}, nil
	}
	found := map[[2]int64]*domain.Dupe{}
	add := func(d domain.Dupe) {
		if d.Other <= after && d.Keep <= after {
			return // two contacts the import did not add: dupes's to list
		}
		k := [2]int64{d.Keep, d.Other}
		if have, ok := found[k]; ok {
			for _, r := range d.Reasons {
				have.Add(r, d.Distance)
			}
			return
		}
		found[k] = &d
	}
	seen := map[string]bool{}
	for _, c := range fresh {
		key := strings.ToLower(c.Company)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		group, err := st.CompanyDupeCandidates(ctx, c.Company, groupMax)
		if err != nil {
			return nil, err
		}
		companyPairs(group, add)
	}
	if err := s.pairTagged(ctx, fresh, add); err != nil {
		return nil, err
	}
	var top topPairs
	top.limit = len(found)
	for _, d := range found {
		top.add(*d)
	}
	rep, err := s.report(ctx, &top)
	if err != nil {
		return nil, err
	}
	return &Imported{Pairs: rep.Pairs}, nil
}
