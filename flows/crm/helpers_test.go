package crm_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// start is the clock of every test: Wednesday 25 November 2026, 16:00 in
// Paris.
var start = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

// fixture is a CRM service on a real database, with a clock the test sets.
type fixture struct {
	t   *testing.T
	db  *store.DB
	svc *crm.Service
	at  time.Time
}

func (f *fixture) now() time.Time { return f.at }

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// each runs fn on SQLite and on PostgreSQL, on a fresh database each time.
func each(t *testing.T, fn func(f *fixture)) {
	t.Helper()
	engine := domain.DefaultEngine()
	f := &fixture{}
	storetest.Each(t, f.now, func(t *testing.T, db *store.DB) {
		*f = fixture{t: t, db: db, at: start}
		f.svc = &crm.Service{Store: db, Scoring: engine, Now: f.now, Loc: paris(t)}
		fn(f)
	})
}

func set(kv ...string) []crm.Assignment {
	var out []crm.Assignment
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, crm.Assignment{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

// add creates a contact as U1, failing the test on error.
func (f *fixture) add(name string, kv ...string) *domain.Contact {
	f.t.Helper()
	c, err := f.svc.Add(f.t.Context(), "U1", name, set(kv...), false)
	if err != nil {
		f.t.Fatalf("add %s: %v", name, err)
	}
	f.scoresCurrent("add " + name)
	return c
}

func (f *fixture) reload(id int64) *domain.Contact {
	f.t.Helper()
	c, err := f.db.Contact(f.t.Context(), id)
	if err != nil {
		f.t.Fatalf("read C%d: %v", id, err)
	}
	return c
}

func (f *fixture) count() int64 {
	f.t.Helper()
	n, err := f.db.CountContacts(f.t.Context())
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// scoresCurrent checks that every stored score is what the rules give now:
// a full rescore finds nothing to change.
func (f *fixture) scoresCurrent(after string) {
	f.t.Helper()
	n, err := crm.Rescore(f.t.Context(), f.db, f.svc.Scoring, f.now())
	if err != nil || n != 0 {
		f.t.Errorf("after %s, Rescore changed %d scores (%v): a stored score was stale", after, n, err)
	}
}

// snapshot is everything stored about a contact, to show that a refused
// command changed nothing.
func (f *fixture) snapshot(id int64) string {
	f.t.Helper()
	ctx := f.t.Context()
	c := f.reload(id)
	moves, err1 := f.db.RecentMoves(ctx, id, 100)
	is, err2 := f.db.RecentInteractions(ctx, id, 100)
	os, err3 := f.db.RecentOrders(ctx, id, 100)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			f.t.Fatal(err)
		}
	}
	b, err := json.Marshal([]any{c, moves, is, os})
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

// unchanged fails unless the contact is stored as before was taken.
func (f *fixture) unchanged(what string, id int64, before string) {
	f.t.Helper()
	if after := f.snapshot(id); after != before {
		f.t.Errorf("%s changed the database:\nbefore %s\nafter  %s", what, before, after)
	}
}

func wantCode(t *testing.T, what string, err error, code domain.Code) {
	t.Helper()
	if !domain.IsCode(err, code) {
		t.Errorf("%s: error %v (code %s), want code %s", what, err, domain.ErrorCode(err), code)
	}
}
