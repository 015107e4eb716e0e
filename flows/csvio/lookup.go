package csvio

import (
	"context"
	"slices"

	"github.com/crmbot/crmbot/domain"
)

// known holds the contacts of the database that a file refers to, one
// value per contact however it was found.
type known struct {
	byID    map[int64]*domain.Contact
	byEmail map[string]*domain.Contact
	byPhone map[string]*domain.Contact
}

// wanted lists what a file refers to: ids, and emails and phones
// (normalised) each with the first row that gives it.
type wanted struct {
	ids    map[int64]bool
	emails map[string]*record
	phones map[string]*record
}

func newWanted(rows int) *wanted {
	return &wanted{ids: map[int64]bool{}, emails: make(map[string]*record, rows), phones: make(map[string]*record, rows)}
}

// pointCost is how many contacts a scan reads in the time of one indexed
// query by email or phone (measured: about 6 on SQLite, 9 on PostgreSQL):
// below that ratio, looking values up one by one is cheaper than reading
// every contact once.
const pointCost = 8

func newKnown() *known {
	return &known{byID: map[int64]*domain.Contact{}, byEmail: map[string]*domain.Contact{}, byPhone: map[string]*domain.Contact{}}
}

// loadIDs reads, in bulk, the contacts with the wanted ids.
func (k *known) loadIDs(ctx context.Context, st Store, w *wanted) error {
	if len(w.ids) == 0 {
		return nil
	}
	list, err := st.ContactsByIDs(ctx, sortedIDs(w.ids))
	if err != nil {
		return err
	}
	for _, c := range list {
		k.byID[c.ID] = c
	}
	return nil
}

// loadHolders finds the contacts that hold the wanted emails and phones in
// the database. The store has no query for many emails or phones at once,
// so it either asks for each value (a few values in a large database) or
// reads every contact once (many values).
func (k *known) loadHolders(ctx context.Context, st Store, w *wanted) error {
	values := len(w.emails) + len(w.phones)
	if values == 0 {
		return nil
	}
	total, err := st.CountContacts(ctx)
	if err != nil || total == 0 {
		return err
	}
	if int64(values)*pointCost < total {
		return k.pointLookups(ctx, st, w)
	}
	return st.EachContact(ctx, 5000, func(list []*domain.Contact) error {
		for _, c := range list {
			if w.emails[c.Email] != nil || w.phones[c.Phone] != nil {
				k.add(c)
			}
		}
		return nil
	})
}

func (k *known) pointLookups(ctx context.Context, st Store, w *wanted) error {
	for _, f := range []struct {
		field  string
		values map[string]*record
	}{{"email", w.emails}, {"phone", w.phones}} {
		for v := range f.values {
			list, err := st.ContactsBy(ctx, f.field, v, 1)
			if err != nil {
				return err
			}
			for _, c := range list {
				k.add(c)
			}
		}
	}
	return nil
}

// add records c, as read from the database, under its email and phone.
// When its id is known already, that value stands for the contact, so that
// each contact is one value however rows name it.
func (k *known) add(c *domain.Contact) {
	canon, ok := k.byID[c.ID]
	if !ok {
		canon = c
		k.byID[c.ID] = c
	}
	if c.Email != "" {
		k.byEmail[c.Email] = canon
	}
	if c.Phone != "" {
		k.byPhone[c.Phone] = canon
	}
}

func sortedIDs(set map[int64]bool) []int64 {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
