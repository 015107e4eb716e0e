package csvio

import (
	"context"

	"github.com/crmbot/crmbot/store"
)

// refCache remembers the contacts an import found, so that most rows of a
// big orders file need no query. Contacts named by id are kept as one bit
// per id (125 KB for a million contacts), every one of them; those named
// by email or phone in a map of at most maxKnown entries, forgotten all at
// once when it is full.
type refCache struct {
	ids   []uint64 // bit id is set when contact id exists
	other map[store.ContactRef]int64
}

// maxKnown bounds the emails and phones an import remembers.
const maxKnown = 100_000

// get returns the contact r names, if it was found before.
func (c *refCache) get(r store.ContactRef) (int64, bool) {
	if r.ID != 0 {
		w := r.ID / 64
		return r.ID, w < int64(len(c.ids)) && c.ids[w]&(1<<(r.ID%64)) != 0
	}
	id, ok := c.other[r]
	return id, ok
}

// add remembers contacts found.
func (c *refCache) add(found map[store.ContactRef]int64) {
	for r, id := range found {
		if r.ID == 0 {
			if c.other == nil {
				c.other = map[store.ContactRef]int64{}
			}
			c.other[r] = id
			continue
		}
		w := int(r.ID / 64)
		if w >= len(c.ids) {
			c.ids = append(c.ids, make([]uint64, w+1-len(c.ids))...)
		}
		c.ids[w] |= 1 << (r.ID % 64)
	}
}

// find looks up, in one call of resolve, the valid references of a chunk
// that were not found before. When the emails and phones it remembers are
// too many, it forgets them first: forgetting after it looked would lose
// those of the chunk that it did not ask for again.
func (c *refCache) find(ctx context.Context, refs []store.ContactRef, valid []bool,
	resolve func(context.Context, []store.ContactRef) (map[store.ContactRef]int64, error)) error {
	if len(c.other) > maxKnown {
		clear(c.other)
	}
	var ask []store.ContactRef
	asked := map[store.ContactRef]bool{}
	for i, r := range refs {
		if !valid[i] || asked[r] {
			continue
		}
		if _, ok := c.get(r); !ok {
			asked[r] = true
			ask = append(ask, r)
		}
	}
	if len(ask) == 0 {
		return nil
	}
	found, err := resolve(ctx, ask)
	if err != nil {
		return err
	}
	c.add(found)
	return nil
}
