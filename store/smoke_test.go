package store_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

func TestSmoke(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) }
	storetest.Each(t, now, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := &domain.Contact{Name: "Hélène Dupré", Email: "h@d.fr", Stage: domain.Lead, Tags: []string{"vip"}, Attrs: map[string]string{"card": "gold"}}
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: c.ID, Kind: domain.Form, At: now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		f, err := db.Facts(ctx, c.ID, now())
		if err != nil || f.Counts[domain.Form].Last30 != 1 || f.LastInteraction.IsZero() {
			t.Fatalf("facts %+v %v", f, err)
		}
		list, err := db.ContactsMatching(ctx, "helene", 5)
		if err != nil || len(list) != 1 {
			t.Fatalf("matching %v %v", list, err)
		}
		for _, w := range []string{"tags=vip", "attr.card=gold", "created=2026-11-25", "stage=lead"} {
			fl, op, v, _ := domain.SplitFilter(w)
			flt, err := domain.ParseFilter(fl, op, v, now())
			if err != nil {
				t.Fatal(err)
			}
			got, n, err := db.FindContacts(ctx, domain.ContactQuery{Filters: []domain.Filter{flt}})
			if err != nil || n != 1 || len(got) != 1 {
				t.Fatalf("%s: %v %d %v", w, got, n, err)
			}
		}
		if err := db.InsertContacts(ctx, []*domain.Contact{{Name: "A", Stage: domain.Lead}, {Name: "B", Stage: domain.Lead}}); err != nil {
			t.Fatal(err)
		}
		d := &domain.Contact{Name: "Z", Stage: domain.Lead}
		if err := db.CreateContact(ctx, d); err != nil || d.ID != 4 {
			t.Fatalf("after bulk: id %d %v", d.ID, err)
		}
	})
}

func TestSQLitePathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%d")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "crm.db")
	db, err := store.Open(t.Context(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where it was asked: %v", err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("WAL mode was not applied: %v", err)
	}
}

// TestSQLitePageSize: a new database is made with 16 KiB pages, before
// the write-ahead log fixes its page size; one made earlier with SQLite's
// default of 4 KiB keeps it and opens as before.
func TestSQLitePageSize(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.db")
	raw, err := sql.Open("sqlite3", old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for path, want := range map[string]string{filepath.Join(dir, "new.db"): "16384 wal", old: "4096 wal"} {
		db, err := store.Open(t.Context(), path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		var size int
		var mode string
		conn := storetest.SQL(t, db)
		if err := conn.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(size, " ", mode); got != want {
			t.Errorf("%s: page size and journal %q, want %q", filepath.Base(path), got, want)
		}
		db.Close()
	}
}
