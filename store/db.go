// Package store keeps crmbot's data in SQLite or PostgreSQL through gorm. It
// is the only package that knows gorm and SQL; it takes and returns the
// types of package domain.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DB is a crmbot database. Its methods run inside the transaction that ctx
// carries, if any (see InTx).
type DB struct {
	gorm     *gorm.DB
	postgres bool
	now      func() time.Time
	log      *slog.Logger
	// secret is the suppression list's key, read once (suppressionSecret).
	secretMu sync.Mutex
	secret   []byte
}

// Options tune Open.
type Options struct {
	// Now is the clock used for the times the store sets itself; nil means
	// time.Now. Times are always stored in UTC.
	Now func() time.Time
	// Logger receives what the store meets but does not return as an
	// error: a contact whose attributes it cannot read, a connection or
	// statement that fails to close after its work is done. nil means
	// slog.Default().
	Logger *slog.Logger
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or else the path of a SQLite file
// (created if missing). SQLite is opened in WAL mode with foreign keys on and
// a busy timeout, and its write transactions take the lock at once, so that
// a console and a crmbot exec can write at the same time.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	cfg := &gorm.Config{
		NowFunc:                func() time.Time { return now().UTC() },
		TranslateError:         true,
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
		PrepareStmt:            false,
	}
	var dialector gorm.Dialector
	pg := IsPostgres(dsn)
	if pg {
		dialector = postgres.Open(dsn)
	} else {
		dialector = sqlite.New(sqlite.Config{DriverName: sqliteDriver(), DSN: sqliteDSN(dsn)})
	}
	g, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	if !pg {
		// One writer at a time is SQLite's rule anyway; a few connections
		// let readers run beside it in WAL mode.
		sqlDB.SetMaxOpenConns(4)
	} else {
		sqlDB.SetMaxOpenConns(16)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	return &DB{gorm: g, postgres: pg, now: now, log: log}, nil
}

var registerSQLite sync.Once

// sqliteDriver registers, once, the SQLite driver crmbot uses. Each
// connection:
//   - makes a new database with pages of 16 KiB rather than 4: a bulk
//     import and the digest read whole tables, in a quarter of the calls
//     (1,000,000 contacts imported in 19.6 s instead of 20.8, median of
//     four). The page size is set before the write-ahead log, which fixes
//     it; a database made earlier keeps its own.
//   - overwrites with zeros what a deletion or an update frees in the
//     database file (secure_delete), so that an erased person's data is
//     not left in free space; the temporary tables of an import, which
//     no file keeps, are spared the cost.
//   - lowers every letter in lower(), as PostgreSQL does: SQLite's own
//     changes ASCII letters only, so that "Évry" and "évry" would not
//     match in a filter.
func sqliteDriver() string {
	const name = "sqlite3_crmbot"
	registerSQLite.Do(func() {
		sql.Register(name, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			for _, p := range []string{"PRAGMA page_size = 16384", "PRAGMA journal_mode = WAL",
				"PRAGMA main.secure_delete = ON", "PRAGMA temp.secure_delete = OFF"} {
				if _, err := c.Exec(p, nil); err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
			}
			return c.RegisterFunc("lower", strings.ToLower, true)
		}})
	})
	return name
}

// sqliteDSN makes a file: URI of path. The characters that end or escape a
// URI's path are percent-encoded, so that a # or ? in a folder name opens
// that very file, with our settings.
//
// Each connection's page cache is 16 MB (of 4 connections): the operating
// system caches the file as well, and a 64 MB cache a connection took a
// digest over 10 million orders past 400 MB for no gain in time.
func sqliteDSN(path string) string {
	params := "_foreign_keys=on&_busy_timeout=15000&_txlock=immediate&_synchronous=NORMAL&_cache_size=-16384"
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped + "?" + params
}

// Redact hides the password of a database URL, for logs and messages.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}

// Close closes the connections.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// logClose calls close and logs its error: for the release of a
// connection or a statement whose work is done, where no caller could act
// on the error, but it is not hidden.
func (db *DB) logClose(ctx context.Context, what string, close func() error) {
	if err := close(); err != nil {
		db.log.WarnContext(ctx, "could not close "+what, "err", err)
	}
}

// Postgres reports whether the database is PostgreSQL.
func (db *DB) Postgres() bool { return db.postgres }

// SQLForTests returns the pool of connections under the store, for package
// storetest alone: tests look through it at what the store wrote, and at
// the schema, with SQL of their own. Everything else goes through the
// store's methods, which are the only code that knows the tables.
func (db *DB) SQLForTests() (*sql.DB, error) { return db.gorm.DB() }

type txKey struct{}

// InTx runs fn in one transaction: every store call fn makes with the ctx it
// is given takes part in it, and nothing is kept if fn returns an error.
// Nested calls join the outer transaction.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// conn returns the transaction ctx carries, or the pool.
func (db *DB) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return db.gorm.WithContext(ctx)
}

// translate gives database errors a domain code, and a message that names
// what (a noun, kept as a message for the transport to translate).
func translate(err error, what domain.Msg) error {
	var e *domain.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		e = domain.Errorf(domain.NotFound, "%s not found", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		e = domain.Errorf(domain.Conflict, "%s already exists", what)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		e = domain.Errorf(domain.NotFound, "the contact of this %s does not exist", what)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
	e.Err = err
	return e
}

// PoolStats is the state of the connection pool.
type PoolStats struct {
	MaxOpen, Open, InUse, Idle int
	// WaitCount is how many times a connection was waited for, and
	// WaitDuration how long in all, since the pool was opened.
	WaitCount    int64
	WaitDuration time.Duration
}

// PoolStats returns the state of the connection pool.
func (db *DB) PoolStats() PoolStats {
	pool, err := db.gorm.DB()
	if err != nil {
		return PoolStats{}
	}
	s := pool.Stats()
	return PoolStats{MaxOpen: s.MaxOpenConnections, Open: s.OpenConnections, InUse: s.InUse, Idle: s.Idle,
		WaitCount: s.WaitCount, WaitDuration: s.WaitDuration}
}
