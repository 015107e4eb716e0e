package store_test

import (
	"slices"
	"testing"

	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

func TestMigrationsAreVersionedAndIdempotent(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			db, err := store.Open(ctx, storetest.DSN(t, kind), store.Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if v, err := db.SchemaVersion(ctx); err == nil && v != 0 {
				t.Errorf("a new database is at version %d, want 0", v)
			}
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatalf("first migration: %v", err)
			}
			if want := store.Versions(); !slices.Equal(applied, want) {
				t.Errorf("first Migrate applied %v, want %v", applied, want)
			}
			for range 2 {
				again, err := db.Migrate(ctx)
				if err != nil || len(again) != 0 {
					t.Errorf("Migrate on a migrated database applied %v, %v; want nothing", again, err)
				}
			}
			v, err := db.SchemaVersion(ctx)
			if err != nil || v != store.LatestVersion() || v < 1 {
				t.Errorf("SchemaVersion = %d, %v; want LatestVersion %d", v, err, store.LatestVersion())
			}
			if db.Postgres() != (kind == "postgres") {
				t.Errorf("Postgres() = %v on %s", db.Postgres(), kind)
			}
			// The schema works after the repeated runs.
			if n, err := db.CountContacts(ctx); err != nil || n != 0 {
				t.Errorf("CountContacts = %d, %v", n, err)
			}
		})
	}
}

func TestIsPostgresAndRedact(t *testing.T) {
	for dsn, pg := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://u@h/db": true, "crmbot.db": false, "/tmp/postgres.db": false,
	} {
		if store.IsPostgres(dsn) != pg {
			t.Errorf("IsPostgres(%q) = %v", dsn, !pg)
		}
	}
	if got := store.Redact("postgres://crm:s3cret@db:5432/crm"); got != "postgres://crm:xxxxx@db:5432/crm" {
		t.Errorf("Redact = %q", got)
	}
	if got := store.Redact("crmbot.db"); got != "crmbot.db" {
		t.Errorf("Redact of a file = %q", got)
	}
}

// Migrate applies the migrations in the order of their list: the list must
// be in increasing version, each version once.
func TestMigrationsAreListedInVersionOrder(t *testing.T) {
	v := store.Versions()
	for i := 1; i < len(v); i++ {
		if v[i] <= v[i-1] {
			t.Errorf("migration %d is listed after migration %d", v[i], v[i-1])
		}
	}
	if len(v) == 0 || store.LatestVersion() != v[len(v)-1] {
		t.Errorf("LatestVersion = %d, versions %v", store.LatestVersion(), v)
	}
}
