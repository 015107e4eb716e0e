package store_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// testNow is the store's clock in every test: Wednesday 25 November 2026.
var testNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// each runs fn on a fresh SQLite database and a fresh PostgreSQL one.
func each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	storetest.Each(t, clock, fn)
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// create stores c, failing the test on error.
func create(t *testing.T, db *store.DB, c *domain.Contact) *domain.Contact {
	t.Helper()
	if c.Stage == "" {
		c.Stage = domain.Lead
	}
	if err := db.CreateContact(t.Context(), c); err != nil {
		t.Fatalf("create %s: %v", c.Name, err)
	}
	return c
}

// reload reads contact id back.
func reload(t *testing.T, db *store.DB, id int64) *domain.Contact {
	t.Helper()
	c, err := db.Contact(t.Context(), id)
	if err != nil {
		t.Fatalf("read C%d: %v", id, err)
	}
	return c
}

// sameJSON fails t unless got and want encode alike: every field, times
// compared as instants in UTC.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func wantCode(t *testing.T, what string, err error, code domain.Code) {
	t.Helper()
	if !domain.IsCode(err, code) {
		t.Errorf("%s: error %v (code %s), want code %s", what, err, domain.ErrorCode(err), code)
	}
}

func ids(list []*domain.Contact) []int64 {
	out := make([]int64, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}

// eachLogged is each, with the store logging as text into logged.
func eachLogged(t *testing.T, fn func(t *testing.T, db *store.DB, logged *strings.Builder)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			logged := &strings.Builder{}
			fn(t, storetest.OpenWith(t, kind, store.Options{Now: clock, Logger: slog.New(slog.NewTextHandler(logged, nil))}), logged)
		})
	}
}
