package store_test

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.*.txt from the migrated databases")

// TestSchema applies every migration to a new database of each kind and
// compares the schema it leaves — the migrations recorded, each table's
// columns, keys and indexes, as the database itself describes them — with
// testdata/schema.<kind>.txt. A migration that changes the schema changes
// the file too (go test ./store -run TestSchema -update), so that the
// change is read in review; a refactoring of the migrations must leave it
// as it is, or databases migrated before it would differ from new ones.
func TestSchema(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		kind, describe := "sqlite", describeSQLite
		if db.Postgres() {
			kind, describe = "postgres", describePostgres
		}
		conn := storetest.SQL(t, db)
		var b strings.Builder
		describeMigrations(t, conn, &b)
		for _, table := range column(t, conn, tablesQuery[kind]) {
			fmt.Fprintf(&b, "\ntable %s\n", table)
			describe(t, conn, table, &b)
		}
		compareGolden(t, filepath.Join("testdata", "schema."+kind+".txt"), b.String())
	})
}

var tablesQuery = map[string]string{
	"sqlite":   `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
	"postgres": `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
}

// describeMigrations writes the versions and names of the applied
// migrations: a database records them, so they are part of the schema.
func describeMigrations(t *testing.T, conn *sql.DB, b *strings.Builder) {
	eachRow(t, conn, `SELECT version, name FROM schema_migrations ORDER BY version`, nil, func(scan func(...any) error) error {
		var v int
		var name string
		err := scan(&v, &name)
		fmt.Fprintf(b, "migration %d: %s\n", v, name)
		return err
	})
}

// describeSQLite writes a SQLite table's columns, primary key, foreign
// keys and indexes, read from its pragmas.
func describeSQLite(t *testing.T, conn *sql.DB, table string, b *strings.Builder) {
	var pk []string
	eachRow(t, conn, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`, []any{table},
		func(scan func(...any) error) error {
			var name, typ string
			var notNull bool
			var dflt sql.NullString
			var key int
			err := scan(&name, &typ, &notNull, &dflt, &key)
			if key > 0 {
				pk = append(pk, fmt.Sprintf("%d:%s", key, name))
			}
			b.WriteString(columnLine(name, typ, !notNull, dflt.String, ""))
			return err
		})
	if len(pk) > 0 {
		slices.Sort(pk) // by the column's rank in the key
		for i := range pk {
			_, pk[i], _ = strings.Cut(pk[i], ":")
		}
		fmt.Fprintf(b, "\tprimary key (%s)%s\n", strings.Join(pk, ", "), autoincrement(t, conn, table))
	}
	eachRow(t, conn, `SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, []any{table},
		func(scan func(...any) error) error {
			var from, to, toCol, onDelete string
			err := scan(&from, &to, &toCol, &onDelete)
			fmt.Fprintf(b, "\tFOREIGN KEY (%s) REFERENCES %s(%s) ON DELETE %s\n", from, to, toCol, onDelete)
			return err
		})
	eachRow(t, conn, `SELECT l.name, l."unique", l.origin, COALESCE(m.sql, '') FROM pragma_index_list(?) l
		LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name ORDER BY l.name`, []any{table},
		func(scan func(...any) error) error {
			var name, origin, def string
			var unique bool
			if err := scan(&name, &unique, &origin, &def); err != nil {
				return err
			}
			b.WriteString(indexLine(name, unique, origin == "pk", sqliteIndexColumns(t, conn, name), partialWhere(def)))
			return nil
		})
}

// autoincrement marks a table whose INTEGER PRIMARY KEY is AUTOINCREMENT
// (ids never reused), which no pragma tells.
func autoincrement(t *testing.T, conn *sql.DB, table string) string {
	def := column(t, conn, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '`+table+`'`)
	if len(def) == 1 && strings.Contains(strings.ToUpper(def[0]), "AUTOINCREMENT") {
		return " autoincrement"
	}
	return ""
}

// sqliteIndexColumns lists the key columns of a SQLite index, with their
// collation and order where not the default.
func sqliteIndexColumns(t *testing.T, conn *sql.DB, index string) string {
	var cols []string
	eachRow(t, conn, `SELECT COALESCE(name, '(expression)'), coll, "desc" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`,
		[]any{index}, func(scan func(...any) error) error {
			var name, coll string
			var desc bool
			err := scan(&name, &coll, &desc)
			if coll != "BINARY" {
				name += " COLLATE " + coll
			}
			if desc {
				name += " DESC"
			}
			cols = append(cols, name)
			return err
		})
	return strings.Join(cols, ", ")
}

// partialWhere is the condition of a partial index's CREATE INDEX.
func partialWhere(def string) string {
	if i := strings.LastIndex(strings.ToUpper(def), " WHERE "); i >= 0 {
		return strings.TrimSpace(def[i+len(" WHERE "):])
	}
	return ""
}

// describePostgres writes a PostgreSQL table's columns, foreign keys and
// indexes (its primary key among them), read from information_schema and
// the catalog.
func describePostgres(t *testing.T, conn *sql.DB, table string, b *strings.Builder) {
	eachRow(t, conn, `SELECT column_name, data_type, is_nullable = 'YES', COALESCE(column_default, ''), COALESCE(collation_name, '')
		FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, []any{table},
		func(scan func(...any) error) error {
			var name, typ, dflt, coll string
			var null bool
			err := scan(&name, &typ, &null, &dflt, &coll)
			b.WriteString(columnLine(name, typ, null, dflt, coll))
			return err
		})
	eachRow(t, conn, `SELECT pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = ('public.' || quote_ident($1))::regclass AND contype = 'f' ORDER BY conname`, []any{table},
		func(scan func(...any) error) error {
			var def string
			err := scan(&def)
			fmt.Fprintf(b, "\t%s\n", def)
			return err
		})
	eachRow(t, conn, `SELECT p.indexname, x.indisunique, x.indisprimary,
			(SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) FROM generate_series(1, x.indnkeyatts) k),
			COALESCE(pg_get_expr(x.indpred, x.indrelid, true), '')
		FROM pg_indexes p JOIN pg_index x ON x.indexrelid = ('public.' || quote_ident(p.indexname))::regclass
		WHERE p.schemaname = 'public' AND p.tablename = $1 ORDER BY p.indexname`, []any{table},
		func(scan func(...any) error) error {
			var name, cols, where string
			var unique, primary bool
			err := scan(&name, &unique, &primary, &cols, &where)
			b.WriteString(indexLine(name, unique, primary, cols, where))
			return err
		})
}

func columnLine(name, typ string, null bool, dflt, coll string) string {
	line := "\t" + name + " " + typ
	if coll != "" {
		line += " collate " + coll
	}
	if !null {
		line += " not null"
	}
	if dflt != "" {
		line += " default " + dflt
	}
	return line + "\n"
}

func indexLine(name string, unique, primary bool, cols, where string) string {
	kind := "index"
	switch {
	case primary:
		kind = "primary key index"
	case unique:
		kind = "unique index"
	}
	line := fmt.Sprintf("\t%s %s (%s)", kind, name, cols)
	if where != "" {
		line += " where " + where
	}
	return line + "\n"
}

// column returns the first column of every row of query.
func column(t *testing.T, conn *sql.DB, query string) []string {
	var out []string
	eachRow(t, conn, query, nil, func(scan func(...any) error) error {
		var s string
		err := scan(&s)
		out = append(out, s)
		return err
	})
	return out
}

// eachRow calls row with the Scan of every row of query; an error fails t.
func eachRow(t *testing.T, conn *sql.DB, query string, args []any, row func(scan func(...any) error) error) {
	t.Helper()
	rows, err := conn.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// compareGolden fails t when got is not the content of the file path, or
// writes it there under -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./store -run TestSchema -update writes it)", err)
	}
	if got == string(want) {
		return
	}
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for _, l := range wantLines {
		if !slices.Contains(gotLines, l) {
			t.Errorf("missing from the schema: %q", l)
		}
	}
	for _, l := range gotLines {
		if !slices.Contains(wantLines, l) {
			t.Errorf("not in %s: %q", path, l)
		}
	}
	t.Errorf("the migrated schema differs from %s (the lines above, or their order); if the change is meant, run go test ./store -run TestSchema -update and review the file's diff", path)
}
