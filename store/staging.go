package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// A bulk import goes through staging tables: its rows are checked and
// written, chunk by chunk, to temporary tables; the checks that need the
// whole file (a value given twice, references to resolve) are set-based
// queries on them; and only a file that passed them all is moved into the
// real tables, by a few INSERT…SELECT and UPDATE…FROM statements. All of it
// runs in one transaction (InBulkTx), so that a failure anywhere keeps
// nothing.
//
// Staging rather than writing each chunk as it is read: nothing of the real
// tables is touched before the whole file is known to be good; temporary
// tables are not logged (neither in SQLite's WAL nor in PostgreSQL's), so
// a failed import costs no log and a good one logs each page of the real
// tables about once; and the file-wide checks need no memory in Go that
// grows with the file. On PostgreSQL the staging tables are filled with
// COPY.

type connKey struct{}

// InBulkTx is InTx on a connection of its own, as a bulk import needs: its
// staging tables are temporary tables of that connection, and COPY is a
// command of PostgreSQL's connection that database/sql does not offer.
// Nested calls join the outer bulk transaction.
func (db *DB) InBulkTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if _, ok := ctx.Value(connKey{}).(*sql.Conn); ok {
		return fn(ctx)
	}
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return errors.New("a bulk transaction cannot start inside another transaction")
	}
	pool, err := db.gorm.DB()
	if err != nil {
		return err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("bulk transaction: %w", err)
	}
	defer db.logClose(ctx, "the connection of a bulk transaction", conn.Close)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk transaction: %w", err)
	}
	// After a commit there is nothing to roll back: sql.ErrTxDone.
	defer db.logClose(ctx, "a bulk transaction (roll back)", func() error {
		if err := tx.Rollback(); !errors.Is(err, sql.ErrTxDone) {
			return err
		}
		return nil
	})
	g := db.gorm.WithContext(ctx)
	g.Statement.ConnPool = tx
	ctx = context.WithValue(context.WithValue(ctx, txKey{}, g), connKey{}, conn)
	ctx = context.WithValue(ctx, stmtsKey{}, &stmtCache{stmts: map[string]*sql.Stmt{}})
	if err := fn(ctx); err != nil {
		return err
	}
	return tx.Commit()
}

// Staging is the staging tables of one import, of contacts or of activity
// (orders or interactions). Make it with StartStaging in an InBulkTx.
type Staging struct {
	db      *DB
	tables  []string
	created bool
}

// The kinds of staging.
const (
	StageContacts = "contacts"
	StageActivity = "activity"
)

var stagingSQL = map[string]string{
	StageContacts: `CREATE TEMP TABLE import_contacts (
	line INTEGER NOT NULL, file_line INTEGER NOT NULL, bad BOOLEAN NOT NULL,
	is_new BOOLEAN NOT NULL, changed BOOLEAN NOT NULL, seq BIGINT NOT NULL,
	old_stage {{text}} NOT NULL, words {{text}} NOT NULL,
	%s)`,
	StageActivity: `CREATE TEMP TABLE import_activity (
	line INTEGER NOT NULL, file_line INTEGER NOT NULL, bad BOOLEAN NOT NULL,
	ref_id BIGINT NOT NULL, ref_email {{text}} NOT NULL, ref_phone {{text}} NOT NULL,
	amount BIGINT NOT NULL, kind {{text}} NOT NULL, at {{ts}} NOT NULL, note {{text}} NOT NULL)`,
	"refs": `CREATE TEMP TABLE import_refs (
	ref_id BIGINT NOT NULL, ref_email {{text}} NOT NULL, ref_phone {{text}} NOT NULL, contact_id BIGINT,
	PRIMARY KEY (ref_id, ref_email, ref_phone))`,
	"touched": `CREATE TEMP TABLE import_touched (id BIGINT PRIMARY KEY)`,
	"problems": `CREATE TEMP TABLE import_problems (
	line INTEGER NOT NULL, file_line INTEGER NOT NULL, bad BOOLEAN NOT NULL, field {{text}} NOT NULL,
	value {{text}} NOT NULL, first_line INTEGER NOT NULL, first_file_line INTEGER NOT NULL, holder BIGINT NOT NULL)`,
}

// contactColumnsDDL declares the columns of contacts for a staging table:
// id may be NULL (numbered when moved in), the rest as in contacts.
func contactColumnsDDL() string {
	types := map[string]string{"id": "BIGINT", "birth_year": "INTEGER", "employees": "INTEGER", "capital": "BIGINT",
		"budget": "BIGINT", "satisfaction": "INTEGER", "score": "INTEGER", "project_date": "{{ts}}",
		"last_contact_at": "{{ts}}", "created_at": "{{ts}} NOT NULL", "updated_at": "{{ts}} NOT NULL"}
	parts := make([]string, len(contactCols))
	for i, c := range contactCols {
		t, ok := types[c]
		if !ok {
			t = "{{text}} NOT NULL"
		}
		parts[i] = c + " " + t
	}
	return strings.Join(parts, ", ")
}

// StartStaging creates the staging tables of an import of kind
// (StageContacts or StageActivity), in the bulk transaction of ctx.
func (db *DB) StartStaging(ctx context.Context, kind string) (*Staging, error) {
	if _, ok := ctx.Value(connKey{}).(*sql.Conn); !ok {
		return nil, errors.New("staging needs a bulk transaction (InBulkTx)")
	}
	s := &Staging{db: db}
	for _, name := range []string{kind, "refs", "touched", "problems"} {
		if name == "refs" && kind != StageActivity {
			continue
		}
		ddl := stagingSQL[name]
		if name == StageContacts {
			ddl = fmt.Sprintf(ddl, contactColumnsDDL())
		}
		if db.postgres {
			ddl += " ON COMMIT DROP"
		}
		if err := db.conn(ctx).Exec(db.dialectSQL(ddl)).Error; err != nil {
			return nil, fmt.Errorf("create staging table for %s: %w", kind, err)
		}
		s.tables = append(s.tables, strings.Fields(ddl)[3])
	}
	return s, nil
}

// Drop removes the staging tables. PostgreSQL drops them at the end of
// the transaction by itself; SQLite keeps a connection's temporary tables
// until they are dropped, and a rollback drops them.
func (s *Staging) Drop(ctx context.Context) error {
	if s.db.postgres {
		return nil
	}
	for _, t := range s.tables {
		if err := s.db.conn(ctx).Exec("DROP TABLE IF EXISTS temp." + t).Error; err != nil {
			return fmt.Errorf("drop staging table %s: %w", t, err)
		}
	}
	return nil
}

// stageRows writes rows to a staging table: COPY on PostgreSQL, multi-row
// prepared INSERTs on SQLite.
func (s *Staging) stageRows(ctx context.Context, table string, cols []string, n int, row func(i int, a []any) []any) error {
	if n == 0 {
		return nil
	}
	if !s.db.postgres {
		return s.db.insertRows(ctx, table, cols, n, row)
	}
	conn := ctx.Value(connKey{}).(*sql.Conn)
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the pgx driver, not %T", dc)
		}
		src := pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i, make([]any, 0, len(cols))), nil })
		if _, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src); err != nil {
			return fmt.Errorf("copy into %s: %w", table, err)
		}
		return nil
	})
}

// StagedContact is a row of a contacts file and the contact it makes.
type StagedContact struct {
	Line, FileLine int  // as a spreadsheet and as a text editor number it
	Bad            bool // the row has a problem already: staged for the file-wide checks only
	Contact        *domain.Contact
	// New contacts are inserted: with their id, or, without one (ID 0),
	// numbered after the highest id, in the order of Seq.
	New bool
	Seq int64
	// Changed is an existing contact that the row changes; Before is its
	// stage before the import, for the pipeline's moves.
	Changed bool
	Before  domain.Stage
}

var stagedContactCols = append([]string{"line", "file_line", "bad", "is_new", "changed", "seq", "old_stage", "words"}, contactCols...)

// AddContacts stages rows of a contacts file.
func (s *Staging) AddContacts(ctx context.Context, rows []StagedContact) error {
	return s.stageRows(ctx, "import_contacts", stagedContactCols, len(rows), func(i int, a []any) []any {
		r := &rows[i]
		row := toRow(r.Contact)
		a = append(a, r.Line, r.FileLine, r.Bad, r.New, r.Changed, r.Seq, string(r.Before), jsonText(words(r.Contact)))
		a = row.appendArgs(a)
		if row.ID == 0 {
			a[len(a)-len(contactCols)] = nil
		}
		return a
	})
}

// StagedActivity is a row of an orders or interactions file: the contact
// it names (by id, email or phone, normalised) and what it records.
type StagedActivity struct {
	Line, FileLine int
	Bad            bool
	RefID          int64
	RefEmail       string
	RefPhone       string
	Amount         int64  // orders
	Kind           string // interactions
	At             time.Time
	Note           string
}

var stagedActivityCols = []string{"line", "file_line", "bad", "ref_id", "ref_email", "ref_phone", "amount", "kind", "at", "note"}

// AddActivity stages rows of an orders or interactions file, and the
// contact references they make that were not staged yet.
func (s *Staging) AddActivity(ctx context.Context, rows []StagedActivity) error {
	err := s.stageRows(ctx, "import_activity", stagedActivityCols, len(rows), func(i int, a []any) []any {
		r := &rows[i]
		return append(a, r.Line, r.FileLine, r.Bad, r.RefID, r.RefEmail, r.RefPhone, r.Amount, r.Kind, r.At.UTC(), r.Note)
	})
	if err != nil {
		return err
	}
	return s.addRefs(ctx, rows)
}

// addRefs stages the distinct references of rows, each once in the whole
// file: gathering them chunk by chunk, a few per chunk when a few
// customers make most orders, costs far less than one DISTINCT over the
// rows of the file at the end (23 s of CPU for 10,000,000 orders).
func (s *Staging) addRefs(ctx context.Context, rows []StagedActivity) error {
	type key struct {
		id           int64
		email, phone string
	}
	seen := make(map[key]bool, len(rows)/4)
	refs := make([]key, 0, len(rows)/4)
	for i := range rows {
		k := key{rows[i].RefID, rows[i].RefEmail, rows[i].RefPhone}
		if !seen[k] {
			seen[k] = true
			refs = append(refs, k)
		}
	}
	cols := []string{"ref_id", "ref_email", "ref_phone"}
	return s.db.writeRows(ctx, "import_refs", cols, " ON CONFLICT DO NOTHING", len(refs), func(i int, a []any) []any {
		return append(a, refs[i].id, refs[i].email, refs[i].phone)
	})
}

// StagedProblem is a problem that only the whole file shows. Field is
// id, email or phone and Value its value. With FirstLine, an earlier row
// of the file gives the same value; with Holder, that contact of the
// database has it; with neither (activity), no contact has it.
type StagedProblem struct {
	Line, FileLine           int
	Bad                      bool // the row had a problem already
	Field, Value             string
	FirstLine, FirstFileLine int
	Holder                   int64
}

// StagedProblems is the first problems of the staged rows, by line, and
// how many there are in all.
type StagedProblems struct {
	List    []StagedProblem
	Total   int // problems
	NewRows int // rows that had no problem before
}

const problemCols = "line, file_line, bad, field, value, first_line, first_file_line, holder"

// ContactProblems checks the staged contacts against each other and the
// database: an id, email or phone given on two rows, an email or phone
// that another contact has. It returns the first limit problems.
func (s *Staging) ContactProblems(ctx context.Context, limit int) (StagedProblems, error) {
	for _, f := range []string{"id", "email", "phone"} {
		q := `INSERT INTO import_problems (` + problemCols + `)
			SELECT line, file_line, bad, '` + f + `', v, first_line, first_file_line, 0 FROM (
				SELECT line, file_line, bad, CAST(` + f + ` AS TEXT) AS v,
					FIRST_VALUE(line) OVER w AS first_line, FIRST_VALUE(file_line) OVER w AS first_file_line
				FROM import_contacts WHERE ` + f + ` IS NOT NULL AND CAST(` + f + ` AS TEXT) <> ''
				WINDOW w AS (PARTITION BY ` + f + ` ORDER BY line)) x
			WHERE line > first_line`
		if err := s.db.conn(ctx).Exec(q).Error; err != nil {
			return StagedProblems{}, fmt.Errorf("check the %ss of the file: %w", f, err)
		}
	}
	for _, f := range []string{"email", "phone"} {
		q := `INSERT INTO import_problems (` + problemCols + `)
			SELECT s.line, s.file_line, s.bad, '` + f + `', s.` + f + `, 0, 0, c.id
			FROM import_contacts s JOIN contacts c ON c.` + f + ` = s.` + f + ` AND c.` + f + ` <> ''
			WHERE s.` + f + ` <> '' AND c.id <> COALESCE(s.id, 0)`
		if err := s.db.conn(ctx).Exec(q).Error; err != nil {
			return StagedProblems{}, fmt.Errorf("check the %ss of the file against the contacts: %w", f, err)
		}
	}
	return s.problems(ctx, limit)
}

// refJoin matches a staged row to its resolved reference.
const refJoin = `JOIN import_refs r ON r.ref_id = a.ref_id AND r.ref_email = a.ref_email AND r.ref_phone = a.ref_phone`

// ResolveActivity finds the contacts the staged rows name, each distinct
// reference once (see addRefs), and returns the first limit rows that name
// no contact.
func (s *Staging) ResolveActivity(ctx context.Context, limit int) (StagedProblems, error) {
	stmts := []string{
		`UPDATE import_refs SET contact_id = CASE
			WHEN ref_id <> 0 THEN (SELECT c.id FROM contacts c WHERE c.id = import_refs.ref_id)
			WHEN ref_email <> '' THEN (SELECT c.id FROM contacts c WHERE c.email = import_refs.ref_email AND c.email <> '')
			ELSE (SELECT c.id FROM contacts c WHERE c.phone = import_refs.ref_phone AND c.phone <> '') END`,
	}
	if err := s.exec(ctx, "resolve the contacts of the file", stmts...); err != nil {
		return StagedProblems{}, err
	}
	var missing int64
	if err := s.db.conn(ctx).Raw("SELECT COUNT(*) FROM import_refs WHERE contact_id IS NULL").Scan(&missing).Error; err != nil {
		return StagedProblems{}, fmt.Errorf("resolve the contacts of the file: %w", err)
	}
	if missing > 0 {
		q := `INSERT INTO import_problems (` + problemCols + `)
			SELECT a.line, a.file_line, a.bad,
				CASE WHEN a.ref_id <> 0 THEN 'id' WHEN a.ref_email <> '' THEN 'email' ELSE 'phone' END,
				CASE WHEN a.ref_id <> 0 THEN CAST(a.ref_id AS TEXT) WHEN a.ref_email <> '' THEN a.ref_email ELSE a.ref_phone END,
				0, 0, 0
			FROM import_activity a ` + refJoin + ` WHERE r.contact_id IS NULL`
		if err := s.exec(ctx, "list the unknown contacts of the file", q); err != nil {
			return StagedProblems{}, err
		}
	}
	return s.problems(ctx, limit)
}

// problems reads the first limit problems found, by line, and counts them.
func (s *Staging) problems(ctx context.Context, limit int) (StagedProblems, error) {
	var out StagedProblems
	err := s.db.conn(ctx).Raw(`SELECT COUNT(*), COUNT(DISTINCT CASE WHEN bad THEN NULL ELSE line END) FROM import_problems`).
		Row().Scan(&out.Total, &out.NewRows)
	if err != nil || out.Total == 0 {
		return out, err
	}
	rows, err := s.db.conn(ctx).Raw(`SELECT `+problemCols+` FROM import_problems ORDER BY line, field LIMIT ?`, limit).Rows()
	if err != nil {
		return out, fmt.Errorf("read the problems of the file: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p StagedProblem
		if err := rows.Scan(&p.Line, &p.FileLine, &p.Bad, &p.Field, &p.Value, &p.FirstLine, &p.FirstFileLine, &p.Holder); err != nil {
			return out, err
		}
		out.List = append(out.List, p)
	}
	return out, rows.Err()
}

func (s *Staging) exec(ctx context.Context, what string, stmts ...string) error {
	for _, q := range stmts {
		if err := s.db.conn(ctx).Exec(q).Error; err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// ApplyContacts moves the staged contacts into contacts: it inserts the
// new ones (numbering those without id after the highest id), updates the
// changed ones, replaces their words and records their stage changes as
// moves by author. It returns how many it created and updated; the
// changed contacts are Touched, to be rescored.
func (s *Staging) ApplyContacts(ctx context.Context, author string) (created, updated int, err error) {
	db := s.db
	var base *int64
	err = db.conn(ctx).Raw(`SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM contacts UNION ALL SELECT MAX(id) FROM import_contacts WHERE is_new) x`).Scan(&base).Error
	if err != nil {
		return 0, 0, fmt.Errorf("number the new contacts: %w", err)
	}
	if base == nil {
		base = new(int64)
	}
	newID := fmt.Sprintf("COALESCE(s.id, %d + s.seq)", *base)
	err = s.rebuildingIndexes(ctx, "import_contacts WHERE is_new", "contacts", []string{"contact_words"}, func() error {
		if created, err = s.insertContacts(ctx, newID); err != nil {
			return err
		}
		if updated, err = s.updateContacts(ctx); err != nil {
			return err
		}
		return s.writeWords(ctx, newID)
	})
	if err != nil {
		return 0, 0, err
	}
	err = db.conn(ctx).Exec(`INSERT INTO moves (contact_id, from_stage, to_stage, note, author, at)
		SELECT id, old_stage, stage, 'import', ?, ? FROM import_contacts WHERE changed AND old_stage <> stage ORDER BY line`, author, db.now().UTC()).Error
	if err != nil {
		return 0, 0, fmt.Errorf("record the stage changes of the import: %w", err)
	}
	return created, updated, db.syncSequence(ctx, "contacts")
}

// insertContacts inserts the new staged contacts, with the ids newID
// gives them.
func (s *Staging) insertContacts(ctx context.Context, newID string) (int, error) {
	cols := strings.Join(contactCols[1:], ", ")
	res := s.db.conn(ctx).Exec(`INSERT INTO contacts (id, ` + cols + `) SELECT ` + newID + `, ` + cols + ` FROM import_contacts s WHERE is_new`)
	if res.Error != nil {
		return 0, translate(s.db.driverError(res.Error), "a contact with this email or phone")
	}
	return int(res.RowsAffected), nil
}

// updateContacts writes the changed staged contacts over the stored ones,
// all but their creation time.
func (s *Staging) updateContacts(ctx context.Context) (int, error) {
	sets := make([]string, 0, len(contactCols))
	for _, c := range contactCols {
		if c != "id" && c != "created_at" && c != "updated_at" {
			sets = append(sets, c+" = s."+c)
		}
	}
	res := s.db.conn(ctx).Exec(`UPDATE contacts SET `+strings.Join(sets, ", ")+`, updated_at = ?
		FROM import_contacts s WHERE contacts.id = s.id AND s.changed`, s.db.now().UTC())
	if res.Error != nil {
		return 0, translate(s.db.driverError(res.Error), "a contact with this email or phone")
	}
	return int(res.RowsAffected), nil
}

// writeWords replaces the words of the changed contacts and writes those
// of the new ones (their ids from newID).
func (s *Staging) writeWords(ctx context.Context, newID string) error {
	words, word := "json_each(s.words) AS w", "w.value"
	if s.db.postgres {
		words, word = "jsonb_array_elements_text(s.words::jsonb) AS w(word)", "w.word"
	}
	return s.exec(ctx, "store the words of the imported contacts",
		`DELETE FROM contact_words WHERE contact_id IN (SELECT id FROM import_contacts WHERE changed)`,
		`INSERT INTO contact_words (word, contact_id) SELECT `+word+`, `+newID+` FROM import_contacts s, `+words+` WHERE s.is_new OR s.changed`,
		`INSERT INTO import_touched (id) SELECT id FROM import_contacts WHERE changed`)
}

// rebuildMin is the fewest new rows for which rebuildingIndexes rebuilds
// the indexes, below which it is not worth it.
const rebuildMin = 50_000

// rebuildingIndexes runs fn, which writes the staged rows into table. When
// they are at least as many as the rows already stored (and rebuildMin),
// it drops the secondary indexes of table and of also first and builds
// them again after: building an index once from every row costs less
// than inserting each row into it at random (for a million contacts into
// an empty database, 12.3 s of CPU instead of 19.4), and the WAL gets each
// page of the new index once instead of every page the cache could not
// hold, again and again. On SQLite only: PostgreSQL's DROP INDEX would
// keep every reader off the table until the import ends, whereas SQLite's
// readers go on with the indexes of their snapshot.
func (s *Staging) rebuildingIndexes(ctx context.Context, staged, table string, also []string, fn func() error) error {
	if s.db.postgres {
		return fn()
	}
	var fresh, stored int64
	err := s.db.conn(ctx).Raw(`SELECT (SELECT COUNT(*) FROM `+staged+`), (SELECT COUNT(*) FROM `+table+`)`).Row().Scan(&fresh, &stored)
	if err != nil {
		return fmt.Errorf("count the rows of the import: %w", err)
	}
	if fresh < rebuildMin || fresh < stored {
		return fn()
	}
	tables := append([]string{table}, also...)
	var defs []struct{ Name, SQL string }
	err = s.db.conn(ctx).Raw(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ? AND sql IS NOT NULL`, tables).Scan(&defs).Error
	if err != nil {
		return fmt.Errorf("read the indexes of %s: %w", strings.Join(tables, ", "), err)
	}
	for _, d := range defs {
		if err := s.exec(ctx, "drop an index for the import", "DROP INDEX "+d.Name); err != nil {
			return err
		}
	}
	if err := fn(); err != nil {
		return err
	}
	for _, d := range defs {
		if err := s.exec(ctx, "rebuild an index after the import", d.SQL); err != nil {
			return translate(s.db.driverError(err), bulkWhat[table])
		}
	}
	return nil
}

// ApplyOrders moves the staged orders into orders, adds them to their
// customers' aggregates, and makes their contacts customers (moves by
// author with the note "import"). It returns how many contacts became
// customers; every contact of the file is Touched, to be rescored.
func (s *Staging) ApplyOrders(ctx context.Context, author string) (int, error) {
	db := s.db
	now := db.now().UTC()
	err := s.rebuildingIndexes(ctx, "import_activity", "orders", nil, func() error {
		err := db.conn(ctx).Exec(`INSERT INTO orders (contact_id, amount, date, note, author, created_at)
			SELECT r.contact_id, a.amount, a.at, a.note, ?, ? FROM import_activity a `+refJoin+byContact, author, now).Error
		return translate(db.driverError(err), "order")
	})
	if err != nil {
		return 0, err
	}
	err = db.conn(ctx).Exec(`INSERT INTO customer_stats (contact_id, first_order, last_order, orders, amount)
		SELECT r.contact_id, MIN(a.at), MAX(a.at), COUNT(*), SUM(a.amount) FROM import_activity a ` + refJoin + `
		WHERE true GROUP BY r.contact_id` + statsUpsert).Error
	if err != nil {
		return 0, fmt.Errorf("add the imported orders to the customers' aggregates: %w", err)
	}
	if err := s.touchRefs(ctx); err != nil {
		return 0, err
	}
	err = db.conn(ctx).Exec(`INSERT INTO moves (contact_id, from_stage, to_stage, note, author, at)
		SELECT id, stage, ?, 'import', ?, ? FROM contacts WHERE id IN (SELECT id FROM import_touched) AND stage <> ? ORDER BY id`,
		string(domain.Customer), author, now, string(domain.Customer)).Error
	if err != nil {
		return 0, fmt.Errorf("record the new customers of the import: %w", err)
	}
	res := db.conn(ctx).Exec(`UPDATE contacts SET stage = ?, updated_at = ? WHERE id IN (SELECT id FROM import_touched) AND stage <> ?`,
		string(domain.Customer), now, string(domain.Customer))
	if res.Error != nil {
		return 0, fmt.Errorf("make the contacts of the import customers: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// ApplyInteractions moves the staged interactions into interactions and
// raises their contacts' last contact times; every contact of the file is
// Touched, to be rescored.
func (s *Staging) ApplyInteractions(ctx context.Context, author string) error {
	db := s.db
	err := s.rebuildingIndexes(ctx, "import_activity", "interactions", nil, func() error {
		err := db.conn(ctx).Exec(`INSERT INTO interactions (contact_id, kind, note, author, at)
			SELECT r.contact_id, a.kind, a.note, ?, a.at FROM import_activity a `+refJoin+byContact, author).Error
		return translate(db.driverError(err), "interaction")
	})
	if err != nil {
		return err
	}
	err = db.conn(ctx).Exec(`UPDATE contacts SET last_contact_at = m.at
		FROM (SELECT r.contact_id, MAX(a.at) AS at FROM import_activity a ` + refJoin + ` GROUP BY r.contact_id) AS m
		WHERE contacts.id = m.contact_id AND (contacts.last_contact_at IS NULL OR contacts.last_contact_at < m.at)`).Error
	if err != nil {
		return fmt.Errorf("update the last contact times of the import: %w", err)
	}
	return s.touchRefs(ctx)
}

// byContact is the order in which staged orders and interactions are
// inserted: by contact then date, so that the (contact_id, date) index is
// written in order, page after page, rather than at random (40 % less
// time for a million orders into a million).
const byContact = ` ORDER BY r.contact_id, a.at`

func (s *Staging) touchRefs(ctx context.Context) error {
	return s.exec(ctx, "list the contacts of the import",
		`INSERT INTO import_touched (id) SELECT DISTINCT contact_id FROM import_refs WHERE contact_id IS NOT NULL`)
}

// Touched returns, in id order, up to limit ids after after of the
// contacts the applied import changed, which need a new score.
func (s *Staging) Touched(ctx context.Context, after int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.conn(ctx).Raw("SELECT id FROM import_touched WHERE id > ? ORDER BY id LIMIT ?", after, limit).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("list the contacts of the import: %w", err)
	}
	return ids, nil
}
