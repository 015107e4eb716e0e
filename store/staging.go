package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/crmbot/crmbot/domain"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// Every bulk import runs in one transaction (InBulkTx), so that a failure
// anywhere keeps nothing. An import of contacts goes through staging
// tables: its rows are checked and written, chunk by chunk, to temporary
// tables; the checks that need the whole file (an id, email or phone given
// twice, or held by another contact) are set-based queries on them; and
// only a file that passed them all is moved into the real tables, by a few
// INSERT…SELECT and UPDATE…FROM statements. Temporary tables are not
// logged (neither in SQLite's WAL nor in PostgreSQL's), and the file-wide
// checks need no memory in Go that grows with the file. On PostgreSQL the
// staging tables are filled with COPY. Orders and interactions, whose
// rows can be checked one by one, are written straight to their tables
// (load.go).

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
	if !db.postgres {
		restore, err := bulkPragmas(ctx, conn)
		if err != nil {
			return err
		}
		defer db.logClose(ctx, "the settings of a bulk transaction", restore)
	}
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

// bulkPragmas sets SQLite's connection for a bulk import, until the
// returned function sets it back (SQLite cannot change foreign key checks
// inside a transaction). When the settings cannot be put back, the
// connection is discarded.
//
//   - Foreign key checks off. A bulk import checks its references itself,
//     in its transaction, which holds SQLite's one write lock: every
//     contact a row names was found a moment before and nobody can delete
//     it. The checks would look each row's contact up again, at random in
//     a table that the cache does not hold: for 3,000,000 orders, 6.4 s
//     instead of 1.1 in sqlite3.
//   - A helper thread to sort, and sorts in runs of 4 MB rather than of
//     the 16 MB cache: building the twelve indexes of 1,000,000 contacts
//     again took 6 s instead of 9.
//   - When no other connection has the database open, a rollback journal
//     instead of the write-ahead log, and full syncs (rollbackJournal).
func bulkPragmas(ctx context.Context, conn *sql.Conn) (func() error, error) {
	set := func(ctx context.Context, pragmas ...string) error {
		for _, p := range pragmas {
			if _, err := conn.ExecContext(ctx, "PRAGMA "+p); err != nil {
				return fmt.Errorf("bulk transaction: %w", err)
			}
		}
		return nil
	}
	var cache int64
	if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		return nil, fmt.Errorf("bulk transaction: %w", err)
	}
	journal, err := rollbackJournal(ctx, conn)
	if err != nil {
		return nil, err
	}
	restore := func() error {
		ctx := context.WithoutCancel(ctx)
		err := set(ctx, "foreign_keys = ON", "threads = 0", fmt.Sprintf("cache_size = %d", cache))
		err = errors.Join(err, journal(ctx))
		if err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		return err
	}
	if err := set(ctx, "foreign_keys = OFF", "threads = 1", "cache_size = -4096"); err != nil {
		return nil, errors.Join(err, restore())
	}
	return restore, nil
}

// rollbackJournal puts the database in SQLite's rollback-journal mode for
// a bulk transaction, when no other connection has it open (SQLite
// refuses the change otherwise, and the transaction keeps the write-ahead
// log), and returns the function that puts the log back. A load into the
// log writes every page twice, to the log and then, at the commit's
// checkpoint, to the database, and reads pages back through the log's
// index; with a rollback journal new pages go straight to the database
// and only the pages that were there before are copied to the journal
// (1,000,000 contacts: 20.2 s instead of 22.9). A crash leaves the journal,
// which the next connection plays back: nothing of the transaction is
// kept. synchronous is FULL meanwhile, which that mode needs to survive a
// power cut.
func rollbackJournal(ctx context.Context, conn *sql.Conn) (func(context.Context) error, error) {
	var mode string
	var wait int
	if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&wait); err != nil {
		return nil, fmt.Errorf("bulk transaction: %w", err)
	}
	// Without waiting: a connection that has the database open, idle or
	// not, makes the change fail at once or never succeed.
	_, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0")
	if err == nil {
		err = conn.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode)
	}
	switched := err == nil && mode == "delete"
	back := func(ctx context.Context) error {
		_, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL")
		if err == nil {
			err = conn.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		}
		if err == nil && mode != "wal" {
			err = fmt.Errorf("the journal stayed %s", mode)
		}
		if err != nil {
			return fmt.Errorf("bulk transaction: put the write-ahead log back: %w", err)
		}
		return nil
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", wait)); err != nil {
		err = fmt.Errorf("bulk transaction: %w", err)
		if switched {
			err = errors.Join(err, back(ctx))
		}
		return nil, err
	}
	if !switched {
		return func(context.Context) error { return nil }, nil // another connection has it open
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = FULL"); err != nil {
		return nil, errors.Join(fmt.Errorf("bulk transaction: %w", err), back(ctx))
	}
	return back, nil
}

// Staging is the staging tables of one import, of contacts or of activity
// (orders or interactions). Make it with StartStaging in an InBulkTx.
type Staging struct {
	db     *DB
	stored int64 // the highest id of contacts when staging started
	times  timeTexts
	// mu keeps Contacts, called as the next chunk is read, apart from the
	// staging of the last one on PostgreSQL: pgx's COPY cannot start while
	// a query's rows are open on the connection. (SQLite's driver takes
	// turns by itself, a statement at a time, which lets the two overlap.)
	mu sync.Mutex
}

// Contacts returns the stored contacts of ids (see ContactsByIDs), while
// rows are being staged. Ids above the highest one stored are new
// contacts, looked for in no query: a first import reads nothing.
func (s *Staging) Contacts(ctx context.Context, ids []int64) ([]*domain.Contact, error) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id > s.stored })
	if len(ids) == 0 {
		return nil, nil
	}
	if s.db.postgres {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	return s.db.ContactsByIDs(ctx, ids)
}

// stagingTables are the temporary tables of an import of contacts.
var stagingTables = []struct{ name, cols string }{
	{"import_contacts", `line INTEGER NOT NULL, file_line INTEGER NOT NULL, bad BOOLEAN NOT NULL,
	is_new BOOLEAN NOT NULL, changed BOOLEAN NOT NULL, seq BIGINT NOT NULL,
	old_stage {{text}} NOT NULL, words {{text}} NOT NULL, ` + contactColumnsDDL()},
	{"import_touched", "id BIGINT PRIMARY KEY"},
	{"import_problems", `line INTEGER NOT NULL, file_line INTEGER NOT NULL, bad BOOLEAN NOT NULL, field {{text}} NOT NULL,
	value {{text}} NOT NULL, first_line INTEGER NOT NULL, first_file_line INTEGER NOT NULL, holder BIGINT NOT NULL`},
}

// contactColumnsDDL declares the columns of contacts for a staging table:
// id may be NULL (numbered when moved in), the rest as in contacts.
func contactColumnsDDL() string {
	types := map[string]string{"id": "BIGINT", "birth_year": "INTEGER", "employees": "INTEGER", "capital": "BIGINT",
		"budget": "BIGINT", "satisfaction": "INTEGER", "score": "INTEGER", "engagement": "INTEGER", "project_date": "{{ts}}",
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

// StartStaging creates the staging tables of an import of contacts, in
// the bulk transaction of ctx.
func (db *DB) StartStaging(ctx context.Context) (*Staging, error) {
	if !inBulk(ctx) {
		return nil, errors.New("staging needs a bulk transaction (InBulkTx)")
	}
	for _, t := range stagingTables {
		if err := db.createTemp(ctx, t.name, t.cols); err != nil {
			return nil, err
		}
	}
	var stored *int64
	if err := db.conn(ctx).Raw("SELECT MAX(id) FROM contacts").Scan(&stored).Error; err != nil {
		return nil, fmt.Errorf("read the ids of contacts: %w", err)
	}
	s := &Staging{db: db, times: timeTexts{postgres: db.postgres}}
	if stored != nil {
		s.stored = *stored
	}
	return s, nil
}

// inBulk reports whether ctx carries a bulk transaction (InBulkTx).
func inBulk(ctx context.Context) bool {
	_, ok := ctx.Value(connKey{}).(*sql.Conn)
	return ok
}

// createTemp creates a temporary table of the bulk transaction; on
// PostgreSQL it is dropped when the transaction ends.
func (db *DB) createTemp(ctx context.Context, name, cols string) error {
	ddl := "CREATE TEMP TABLE " + name + " (" + cols + ")"
	if db.postgres {
		ddl += " ON COMMIT DROP"
	}
	if err := db.conn(ctx).Exec(db.dialectSQL(ddl)).Error; err != nil {
		return fmt.Errorf("create the import's table %s: %w", name, err)
	}
	return nil
}

// dropTemp drops temporary tables. PostgreSQL drops them at the end of
// the transaction by itself; SQLite keeps a connection's temporary tables
// until they are dropped (a rollback drops them).
func (db *DB) dropTemp(ctx context.Context, names ...string) error {
	if db.postgres {
		return nil
	}
	for _, t := range names {
		if err := db.conn(ctx).Exec("DROP TABLE IF EXISTS temp." + t).Error; err != nil {
			return fmt.Errorf("drop the import's table %s: %w", t, err)
		}
	}
	return nil
}

// Drop removes the staging tables.
func (s *Staging) Drop(ctx context.Context) error {
	names := make([]string, len(stagingTables))
	for i, t := range stagingTables {
		names[i] = t.name
	}
	return s.db.dropTemp(ctx, names...)
}

// copyRows writes rows to a table in a bulk transaction: COPY on
// PostgreSQL, multi-row prepared INSERTs on SQLite.
func (db *DB) copyRows(ctx context.Context, table string, cols []string, n int, row func(i int, a []any) []any) error {
	if n == 0 {
		return nil
	}
	if !db.postgres {
		return db.insertRows(ctx, table, cols, n, row)
	}
	conn := ctx.Value(connKey{}).(*sql.Conn)
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the pgx driver, not %T", dc)
		}
		src := pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i, make([]any, 0, len(cols))), nil })
		if _, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src); err != nil {
			return translate(db.driverError(fmt.Errorf("copy into %s: %w", table, err)), bulkWhat[table])
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
	if s.db.postgres {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	w := len(stagedContactCols)
	return s.db.copyRows(ctx, "import_contacts", stagedContactCols, len(rows), func(i int, a []any) []any {
		r := &rows[i]
		row := toRow(r.Contact)
		a = append(a, r.Line, r.FileLine, r.Bad, r.New, r.Changed, r.Seq, string(r.Before), jsonText(words(r.Contact)))
		a = row.appendArgs(a)
		if row.ID == 0 {
			a[len(a)-len(contactCols)] = nil
		}
		s.times.args(a[len(a)-w:])
		return a
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

// ApplyContacts moves the staged contacts into contacts: it inserts the
// new ones (numbering those without id after the highest id), updates the
// changed ones, replaces their words and records their stage changes as
// moves by author. It returns how many it created and updated; the
// changed contacts are Touched, to be rescored.
//
// It trusts the unique indexes of contacts to find what ContactProblems
// would (an id, email or phone given twice, or held by another contact),
// but for an id given twice to update a contact, which it checks: on a
// clash it undoes what it did and returns ErrClash, and ContactProblems
// tells which rows clash. A file without clash, the usual one, is then
// not checked twice (for 300,000 contacts, a second saved in eight).
func (s *Staging) ApplyContacts(ctx context.Context, author string) (created, updated int, err error) {
	if err := s.db.conn(ctx).Exec("SAVEPOINT apply_contacts").Error; err != nil {
		return 0, 0, fmt.Errorf("apply the contacts of the file: %w", err)
	}
	created, updated, err = s.applyContacts(ctx, author)
	end := "RELEASE SAVEPOINT apply_contacts"
	clash := errors.Is(err, gorm.ErrDuplicatedKey) || errors.Is(err, ErrClash)
	if clash {
		end = "ROLLBACK TO SAVEPOINT apply_contacts"
	}
	if err != nil && !clash {
		return 0, 0, err
	}
	if err := s.db.conn(ctx).Exec(end).Error; err != nil {
		return 0, 0, fmt.Errorf("apply the contacts of the file: %w", err)
	}
	if clash {
		return 0, 0, ErrClash
	}
	return created, updated, nil
}

// ErrClash is ApplyContacts' error when staged contacts clash with each
// other or with stored ones.
var ErrClash = errors.New("the contacts of the file clash with each other or with stored contacts")

func (s *Staging) applyContacts(ctx context.Context, author string) (created, updated int, err error) {
	db := s.db
	var twice int64
	err = db.conn(ctx).Raw(`SELECT COUNT(*) FROM (SELECT id FROM import_contacts WHERE changed GROUP BY id HAVING COUNT(*) > 1) x`).Scan(&twice).Error
	if err != nil {
		return 0, 0, fmt.Errorf("check the ids of the file: %w", err)
	}
	if twice > 0 {
		return 0, 0, ErrClash
	}
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
		return 0, translate(s.db.driverError(res.Error), domain.M("a contact with this email or phone"))
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
		return 0, translate(s.db.driverError(res.Error), domain.M("a contact with this email or phone"))
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
	return s.db.execEach(ctx, "store the words of the imported contacts", []string{
		`DELETE FROM contact_words WHERE contact_id IN (SELECT id FROM import_contacts WHERE changed)`,
		`INSERT INTO contact_words (word, contact_id) SELECT ` + word + `, ` + newID + ` FROM import_contacts s, ` + words + ` WHERE s.is_new OR s.changed`,
		`INSERT INTO import_touched (id) SELECT id FROM import_contacts WHERE changed`})
}

// rebuildingIndexes runs fn, which writes the staged rows into table.
// When they are at least as many as the rows already stored (and
// rebuildMin), it drops the secondary indexes of table and of also first
// and builds them again after (see dropIndexesIfWorth).
func (s *Staging) rebuildingIndexes(ctx context.Context, staged, table string, also []string, fn func() error) error {
	var fresh, stored int64
	err := s.db.conn(ctx).Raw(`SELECT (SELECT COUNT(*) FROM `+staged+`), (SELECT COUNT(*) FROM `+table+`)`).Row().Scan(&fresh, &stored)
	if err != nil {
		return fmt.Errorf("count the rows of the import: %w", err)
	}
	if fresh < rebuildMin || fresh < stored {
		return fn()
	}
	defs, err := s.db.dropIndexes(ctx, append([]string{table}, also...)...)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return s.db.buildIndexes(ctx, defs, bulkWhat[table])
}

// Touched returns, in id order, up to limit ids after after of the
// contacts the applied import changed, which need a new score.
func (s *Staging) Touched(ctx context.Context, after int64, limit int) ([]int64, error) {
	return s.db.touched(ctx, after, limit)
}

func (db *DB) touched(ctx context.Context, after int64, limit int) ([]int64, error) {
	var ids []int64
	err := db.conn(ctx).Raw("SELECT id FROM import_touched WHERE id > ? ORDER BY id LIMIT ?", after, limit).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("list the contacts of the import: %w", err)
	}
	return ids, nil
}
