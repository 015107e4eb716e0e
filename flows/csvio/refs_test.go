package csvio

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmbot/crmbot/store"
)

// TestRefCacheForgetsBeforeItLooks fills the cache of emails past its
// bound, then finds a chunk that names an email found before and a new
// one: both must be found, whichever the cache forgets to stay bounded.
// (It forgot after looking, and an orders file of 10,000,000 rows saw 159
// of its emails reported unknown past its 6,515,052nd line.)
func TestRefCacheForgetsBeforeItLooks(t *testing.T) {
	ids := map[store.ContactRef]int64{}
	email := func(i int) store.ContactRef { return store.ContactRef{Email: fmt.Sprintf("p%d@example.fr", i)} }
	for i := 1; i <= maxKnown+2; i++ {
		ids[email(i)] = int64(i)
	}
	resolve := func(_ context.Context, refs []store.ContactRef) (map[store.ContactRef]int64, error) {
		out := map[store.ContactRef]int64{}
		for _, r := range refs {
			if id, ok := ids[r]; ok {
				out[r] = id
			}
		}
		return out, nil
	}
	var c refCache
	ctx := context.Background()
	var first []store.ContactRef
	for i := 1; i <= maxKnown+1; i++ {
		first = append(first, email(i))
	}
	if err := c.find(ctx, first, allValid(len(first)), resolve); err != nil {
		t.Fatal(err)
	}
	chunk := []store.ContactRef{email(1), email(maxKnown + 2), {ID: 7}}
	ids[store.ContactRef{ID: 7}] = 7
	if err := c.find(ctx, chunk, allValid(len(chunk)), resolve); err != nil {
		t.Fatal(err)
	}
	for _, r := range chunk {
		if id, ok := c.get(r); !ok || id != ids[r] {
			t.Errorf("%+v: got %d, %v; want %d", r, id, ok, ids[r])
		}
	}
	if len(c.other) > maxKnown+len(chunk) {
		t.Errorf("the cache holds %d emails and phones, more than %d", len(c.other), maxKnown+len(chunk))
	}
}

func allValid(n int) []bool {
	v := make([]bool, n)
	for i := range v {
		v[i] = true
	}
	return v
}
