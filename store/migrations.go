package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migration is one versioned step of the schema. Its SQL is written once for
// both dialects: {{id}}, {{ts}}, {{text}} and {{bytes}} stand for the types
// that differ.
// Applied migrations are never edited; a change is a new migration.
type migration struct {
	version int
	name    string
	sql     string
}

var ciIndex = regexp.MustCompile(`\{\{ci (\w+)\}\}`)

var migrations = []migration{
	{1, "contacts, pipeline moves, interactions and orders", `
CREATE TABLE contacts (
	id {{id}},
	name {{text}} NOT NULL,
	email {{text}} NOT NULL DEFAULT '',
	phone {{text}} NOT NULL DEFAULT '',
	city {{text}} NOT NULL DEFAULT '',
	country {{text}} NOT NULL DEFAULT '',
	language {{text}} NOT NULL DEFAULT '',
	timezone {{text}} NOT NULL DEFAULT '',
	gender {{text}} NOT NULL DEFAULT '',
	birth_year INTEGER NOT NULL DEFAULT 0,
	role {{text}} NOT NULL DEFAULT '',
	company {{text}} NOT NULL DEFAULT '',
	sector {{text}} NOT NULL DEFAULT '',
	employees INTEGER NOT NULL DEFAULT 0,
	capital BIGINT NOT NULL DEFAULT 0,
	product {{text}} NOT NULL DEFAULT '',
	budget BIGINT NOT NULL DEFAULT 0,
	project_date {{ts}},
	source {{text}} NOT NULL DEFAULT '',
	channel {{text}} NOT NULL DEFAULT '',
	interests {{text}} NOT NULL DEFAULT '',
	categories {{text}} NOT NULL DEFAULT '',
	preferred_channel {{text}} NOT NULL DEFAULT '',
	frequency {{text}} NOT NULL DEFAULT '',
	satisfaction INTEGER NOT NULL DEFAULT 0,
	tags {{text}} NOT NULL DEFAULT '',
	attrs {{text}} NOT NULL DEFAULT '',
	owner {{text}} NOT NULL DEFAULT '',
	stage {{text}} NOT NULL DEFAULT 'lead',
	score INTEGER NOT NULL DEFAULT 0,
	grade {{text}} NOT NULL DEFAULT 'D',
	last_contact_at {{ts}},
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts (email) WHERE email <> '';
CREATE UNIQUE INDEX contacts_phone ON contacts (phone) WHERE phone <> '';
CREATE INDEX contacts_stage ON contacts (stage, score);
CREATE INDEX contacts_score ON contacts (score);
CREATE INDEX contacts_owner ON contacts ({{ci owner}});
CREATE INDEX contacts_sector ON contacts ({{ci sector}});
CREATE INDEX contacts_company ON contacts ({{ci company}});
CREATE INDEX contacts_city ON contacts ({{ci city}});
CREATE INDEX contacts_created ON contacts (created_at);

CREATE TABLE contact_words (
	word {{bytes}} NOT NULL,
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	PRIMARY KEY (word, contact_id)
);
CREATE INDEX contact_words_contact ON contact_words (contact_id);

CREATE TABLE moves (
	id {{id}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	from_stage {{text}} NOT NULL,
	to_stage {{text}} NOT NULL,
	note {{text}} NOT NULL DEFAULT '',
	author {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL
);
CREATE INDEX moves_contact ON moves (contact_id, at);
CREATE INDEX moves_at ON moves (at);

CREATE TABLE interactions (
	id {{id}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	kind {{text}} NOT NULL,
	note {{text}} NOT NULL DEFAULT '',
	author {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL
);
CREATE INDEX interactions_contact ON interactions (contact_id, at);
CREATE INDEX interactions_at ON interactions (at);

CREATE TABLE orders (
	id {{id}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	amount BIGINT NOT NULL,
	date {{ts}} NOT NULL,
	note {{text}} NOT NULL DEFAULT '',
	author {{text}} NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL
);
CREATE INDEX orders_contact ON orders (contact_id, date);
CREATE INDEX orders_date ON orders (date);
`},
	{2, "claimed events: Slack deliveries applied once", `
CREATE TABLE claimed_events (
	id {{text}} PRIMARY KEY,
	claimed_at {{ts}} NOT NULL
);
CREATE INDEX claimed_events_at ON claimed_events (claimed_at);
`},
}

// register adds a migration kept in a file of its own (one per feature),
// so that features do not all edit this list. Versions must be unique.
func register(m migration) {
	migrations = append(migrations, m)
	slices.SortFunc(migrations, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(migrations); i++ {
		if migrations[i].version == migrations[i-1].version {
			panic(fmt.Sprintf("store: two migrations have version %d", migrations[i].version))
		}
	}
}

// schemaMigration records an applied migration.
type schemaMigration struct {
	Version   int `gorm:"primaryKey"`
	Name      string
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

func (db *DB) dialectSQL(sql string) string {
	types := map[string][2]string{
		"{{id}}":   {"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
		"{{ts}}":   {"DATETIME", "TIMESTAMPTZ"},
		"{{text}}": {"TEXT", "TEXT"},
		// Compared byte by byte, so that a prefix is an index range.
		"{{bytes}}": {"TEXT", `TEXT COLLATE "C"`},
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
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}

// Versions lists the versions of every migration of this build, in the
// order they apply. Features register theirs, so there may be gaps.
func Versions() []int {
	out := make([]int, len(migrations))
	for i, m := range migrations {
		out[i] = m.version
	}
	return out
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
