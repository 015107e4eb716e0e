// Package storetest gives tests real databases: a SQLite file in the test's
// temporary folder, and an empty PostgreSQL database on the server that
// CRMBOT_TEST_POSTGRES names (a postgres:// URL of a role that may create
// databases; as a superuser, the migrated databases are reused from test to
// test, see pool.go). With CRMBOT_REQUIRE_POSTGRES=1, as CI sets it, a missing
// server fails the tests instead of skipping the PostgreSQL half.
package storetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store"
	_ "github.com/jackc/pgx/v5/stdlib" // the driver of the admin connection
)

// Kinds are the database kinds Each runs on.
var Kinds = []string{"sqlite", "postgres"}

// Each runs fn once per database kind, each on a fresh migrated database.
func Each(t *testing.T, now func() time.Time, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			fn(t, Open(t, kind, now))
		})
	}
}

// Open returns a fresh migrated database of kind, closed at the end of t.
func Open(t testing.TB, kind string, now func() time.Time) *store.DB {
	t.Helper()
	return OpenWith(t, kind, store.Options{Now: now})
}

// OpenWith is Open with the store's options: a test that reads what the
// store logs gives it a Logger.
func OpenWith(t testing.TB, kind string, opt store.Options) *store.DB {
	t.Helper()
	dsn := migratedDSN(t, kind)
	db, err := store.Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatalf("open %s: %v", kind, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close %s: %v", kind, err)
		}
	})
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", kind, err)
	}
	return db
}

// migratedDSN is DSN, but a PostgreSQL database comes migrated and empty,
// from the pool (pool.go), until the end of t. Open still calls Migrate,
// which then has nothing to do.
func migratedDSN(t testing.TB, kind string) string {
	t.Helper()
	if kind == "sqlite" {
		return DSN(t, kind)
	}
	needServer(t)
	p := takePooled(t)
	t.Cleanup(p.release) // after the store's Close, registered later
	dsn, err := p.dsn()
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// DSN returns the address of a fresh, empty database of kind ("sqlite" or
// "postgres"), removed at the end of t. It skips t when PostgreSQL is not
// configured and not required.
func DSN(t testing.TB, kind string) string {
	t.Helper()
	if kind == "sqlite" {
		return filepath.Join(t.TempDir(), "crmbot.db")
	}
	needServer(t)
	admin := adminPool(t)
	name := "crmbot_test_" + strings.ToLower(rand.Text())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	dsn, err := withDatabase(name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// needServer skips t, or fails it when CI requires PostgreSQL, when no
// server is configured.
func needServer(t testing.TB) {
	t.Helper()
	if os.Getenv("CRMBOT_TEST_POSTGRES") == "" {
		if os.Getenv("CRMBOT_REQUIRE_POSTGRES") == "1" {
			t.Fatal("CRMBOT_TEST_POSTGRES is not set but CRMBOT_REQUIRE_POSTGRES=1: start PostgreSQL (see .ci/run)")
		}
		t.Skip("CRMBOT_TEST_POSTGRES is not set: skipping the PostgreSQL run (.ci/run starts a server)")
	}
}

// withDatabase returns the address of CRMBOT_TEST_POSTGRES's server with
// its database set to name.
func withDatabase(name string) (string, error) {
	u, err := url.Parse(os.Getenv("CRMBOT_TEST_POSTGRES"))
	if err != nil {
		return "", fmt.Errorf("CRMBOT_TEST_POSTGRES: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}
