package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
)

// schemaMigration records an applied migration.
type schemaMigration struct {
	Version   int `gorm:"primaryKey"`
	Name      string
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

var ciIndex = regexp.MustCompile(`\{\{ci (\w+)\}\}`)

// dialectSQL writes the SQL of a migration for the database's dialect.
func (db *DB) dialectSQL(sql string) string {
	types := map[string][2]string{
		"{{id}}":   {"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
		"{{ts}}":   {"DATETIME", "TIMESTAMPTZ"},
		"{{text}}": {"TEXT", "TEXT"},
		// Compared byte by byte, so that a prefix is an index range.
		"{{bytes}}": {"TEXT", `TEXT COLLATE "C"`},
		// 256 random bits as hex, from the database's strong source
		// (PostgreSQL's v4 UUIDs carry 122 random bits each).
		"{{random_hex}}": {"lower(hex(randomblob(32)))", "replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', '')"},
	}
	i := 0
	if db.postgres {
		i = 1
	}
	for k, v := range types {
		sql = strings.ReplaceAll(sql, k, v[i])
	}
	// {{ci col}} indexes col for the case-insensitive comparisons of
	// textCond.
	ci := "$1 COLLATE NOCASE"
	if db.postgres {
		ci = "LOWER($1)"
	}
	return ciIndex.ReplaceAllString(sql, ci)
}

// Migrate applies, in order and each in its own transaction, the migrations
// the database has not seen yet. It returns the versions it applied.
// Concurrent callers are safe: on PostgreSQL an advisory lock serialises
// them, on SQLite the immediate transaction does.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	// Even the table of migrations is made under the lock: two processes
	// starting on a new database would both try to create it.
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := db.migrationLock(tx); err != nil {
			return err
		}
		return tx.AutoMigrate(&schemaMigration{})
	})
	if err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	var applied []int
	for _, m := range migrations {
		done := false
		err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := db.migrationLock(tx); err != nil {
				return err
			}
			var n int64
			if err := tx.Model(&schemaMigration{}).Where("version = ?", m.version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(db.dialectSQL(m.sql)) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%s: %w", firstLine(stmt), err)
				}
			}
			done = true
			return tx.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: db.now().UTC()}).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if done {
			applied = append(applied, m.version)
		}
	}
	return applied, nil
}

// migrationLock serialises migrations until the end of tx: an advisory lock
// on PostgreSQL; on SQLite the immediate transaction already does.
func (db *DB) migrationLock(tx *gorm.DB) error {
	if !db.postgres {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(424242)").Error
}

// SchemaVersion returns the highest applied migration, 0 for a new database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v *int
	err := db.gorm.WithContext(ctx).Model(&schemaMigration{}).Select("MAX(version)").Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// Versions lists the versions of every migration of this build, in the
// order they apply; there may be gaps (see migrations).
func Versions() []int {
	out := make([]int, len(migrations))
	for i, m := range migrations {
		out[i] = m.version
	}
	return out
}

// Fingerprint is a digest of every migration's version, name and SQL: two
// builds with the same fingerprint migrate a database to the same schema.
// Tests keep it beside the migrated databases they reuse.
func Fingerprint() string {
	h := sha256.New()
	for _, m := range migrations {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", m.version, m.name, m.sql)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// LatestVersion is the schema version this build expects.
func LatestVersion() int { return migrations[len(migrations)-1].version }

func splitStatements(sql string) []string {
	var out []string
	for _, s := range strings.Split(sql, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
