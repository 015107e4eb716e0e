package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/crmbot/crmbot/store"
)

// This file keeps the migrated PostgreSQL databases that Open hands out.
// Creating, migrating and dropping a database for each test writes and
// removes a few hundred files on the server: most of the suite's time on
// PostgreSQL. So the databases are kept and reused: crmbot_test_pool_0,
// _1, … Each is held by one test at a time, through a session advisory
// lock (a test process that dies lets go of its databases), and emptied
// when it is taken: every table's rows deleted, every sequence restarted.
// A database migrated by another build, or whose schema a test changed, is
// dropped and made anew.

// poolKey is the advisory lock key of pooled database 0; database k's is
// poolKey+k.
const poolKey = 770000

// pooled is a pooled database held by a test: its name, and the admin
// connection that holds its lock.
type pooled struct {
	name string
	key  int // of the advisory lock
	lock *sql.Conn
}

// takePooled returns a migrated, empty database of the pool, held until
// release.
func takePooled(t testing.TB) *pooled {
	t.Helper()
	ctx := context.Background()
	admin := adminPool(t)
	for k := 0; ; k++ {
		conn, err := admin.Conn(ctx)
		if err != nil {
			t.Fatalf("connect to CRMBOT_TEST_POSTGRES: %v", err)
		}
		var mine bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", poolKey+k).Scan(&mine); err != nil {
			conn.Close()
			t.Fatalf("lock a pooled database: %v", err)
		}
		if !mine {
			conn.Close()
			continue
		}
		p := &pooled{name: "crmbot_test_pool_" + strconv.Itoa(k), key: poolKey + k, lock: conn}
		if err := p.ready(ctx); err != nil {
			p.release()
			t.Fatalf("pooled database %s: %v", p.name, err)
		}
		return p
	}
}

// release lets the next test take the database.
func (p *pooled) release() {
	p.lock.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", p.key)
	p.lock.Close()
}

// dsn is the database's address.
func (p *pooled) dsn() (string, error) { return withDatabase(p.name) }

// ready makes the database migrated and empty: emptied when it holds this
// build's schema as it was migrated, else made anew.
func (p *pooled) ready(ctx context.Context) error {
	var note sql.NullString
	err := p.lock.QueryRowContext(ctx, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", p.name).Scan(&note)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if note.Valid && strings.HasPrefix(note.String, "crmbot "+store.Fingerprint()+" ") {
		ok, err := p.empty(ctx, strings.TrimPrefix(note.String, "crmbot "+store.Fingerprint()+" "))
		if err != nil || ok {
			return err
		}
	}
	return p.remake(ctx)
}

// remake drops the database, creates and migrates it, and notes its
// build's fingerprint and how many relations its schema has.
func (p *pooled) remake(ctx context.Context) error {
	for _, q := range []string{"DROP DATABASE IF EXISTS " + p.name + " WITH (FORCE)", "CREATE DATABASE " + p.name + " TEMPLATE template0"} {
		if _, err := p.lock.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	dsn, err := p.dsn()
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	n, err := migrateAndCount(ctx, db)
	if err = errors.Join(err, db.Close()); err != nil {
		return err
	}
	_, err = p.lock.ExecContext(ctx, fmt.Sprintf("COMMENT ON DATABASE %s IS 'crmbot %s %d'", p.name, store.Fingerprint(), n))
	return err
}

// migrateAndCount migrates db and counts the relations of its schema.
func migrateAndCount(ctx context.Context, db *store.DB) (int, error) {
	if _, err := db.Migrate(ctx); err != nil {
		return 0, err
	}
	pool, err := db.SQLForTests()
	if err != nil {
		return 0, err
	}
	return relationsOf(ctx, pool)
}

func (p *pooled) open() (*sql.DB, error) {
	dsn, err := p.dsn()
	if err != nil {
		return nil, err
	}
	return sql.Open("pgx", dsn)
}

// empty deletes every row but the schema's versions and settings (made by
// the migrations, as the suppression list's secret) and restarts every
// sequence, and reports whether the schema still has the relations
// noted when it was migrated (want).
func (p *pooled) empty(ctx context.Context, want string) (bool, error) {
	db, err := p.open()
	if err != nil {
		return false, err
	}
	defer db.Close()
	if n, err := relationsOf(ctx, db); err != nil || strconv.Itoa(n) != want {
		return false, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var reset string
	err = conn.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT string_agg(format('DELETE FROM %I', tablename), '; ') FROM pg_tables
			WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', 'settings')), '') || '; ' ||
		COALESCE((SELECT string_agg(format('SELECT setval(%L, 1, false)', c.oid::regclass), '; ') FROM pg_class c
			WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace), '')`).Scan(&reset)
	if err != nil {
		return false, err
	}
	// Without triggers, rows go whatever their foreign keys: this needs a
	// superuser; for a role that is not one the database is made anew.
	if _, err := conn.ExecContext(ctx, "SET session_replication_role = replica"); err != nil {
		return false, nil
	}
	_, err = conn.ExecContext(ctx, reset)
	return err == nil, err
}

func relationsOf(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").Scan(&n)
	return n, err
}

// admin is the one pool of connections to CRMBOT_TEST_POSTGRES's database
// that creates and drops the tests' databases, opened at first use.
var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

func adminPool(t testing.TB) *sql.DB {
	t.Helper()
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", os.Getenv("CRMBOT_TEST_POSTGRES"))
	})
	if admin.err != nil {
		t.Fatalf("connect to CRMBOT_TEST_POSTGRES: %v", admin.err)
	}
	return admin.db
}
