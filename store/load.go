package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// An import of orders or interactions writes its rows straight into their
// table, chunk by chunk, inside the import's bulk transaction (InBulkTx):
// each row is checked and its contact found before it is written, so no
// file-wide check remains and the rows need not be written twice (to a
// staging table, then to the real one). A file with a problem is never
// committed. What the rows change elsewhere (the customers' aggregates,
// stages, last contact times, scores) is then done in a few set-based
// statements over the rows of the load: those numbered after the highest
// id found at its start (the table is locked against other writers for
// the transaction, as SQLite's one writer is anyway).

// ActivityLoad is one import of orders or interactions. Make it with
// StartOrders or StartInteractions in an InBulkTx.
type ActivityLoad struct {
	// mu keeps ResolveRefs, called as the next chunk is read, apart from
	// the writing of the last one: pgx's COPY cannot start while a query's
	// rows are open on the connection, and SQLite refuses to drop an index
	// while a statement of the connection is running.
	mu      sync.Mutex
	db      *DB
	table   string
	first   int64 // the highest id before the load: the load's rows are after it
	written int
	dropped []indexDef // secondary indexes dropped for the load, to build again
	times   timeTexts
}

// timeTexts writes times for SQLite as its driver does (the text of
// sqliteTime), each distinct time formatted once: most rows of a file
// share their day with many others, and formatting a time costs more
// than writing the row. It keeps at most 1,024 of them. On PostgreSQL it
// keeps times as they are.
type timeTexts struct {
	postgres bool
	texts    map[time.Time]string
}

// sqliteTime is the layout in which the SQLite driver writes a time.Time.
const sqliteTime = "2006-01-02 15:04:05.999999999-07:00"

// arg returns t as a load writes it.
func (tt *timeTexts) arg(t time.Time) any {
	if tt.postgres {
		return t
	}
	s, ok := tt.texts[t]
	if !ok {
		if len(tt.texts) >= 1024 || tt.texts == nil {
			tt.texts = map[time.Time]string{}
		}
		s = t.Format(sqliteTime)
		tt.texts[t] = s
	}
	return s
}

// args writes the times among a as arg does, a *time.Time as nil or its
// time.
func (tt *timeTexts) args(a []any) {
	for i, v := range a {
		switch v := v.(type) {
		case time.Time:
			a[i] = tt.arg(v)
		case *time.Time:
			if v == nil {
				a[i] = nil
			} else {
				a[i] = tt.arg(*v)
			}
		}
	}
}

// indexDef is an index or key that a load dropped: how it was dropped and
// how to make it again.
type indexDef struct{ DropSQL, CreateSQL string }

// StartOrders starts an import of orders.
func (db *DB) StartOrders(ctx context.Context) (*ActivityLoad, error) {
	return db.startLoad(ctx, "orders")
}

// StartInteractions starts an import of interactions.
func (db *DB) StartInteractions(ctx context.Context) (*ActivityLoad, error) {
	return db.startLoad(ctx, "interactions")
}

func (db *DB) startLoad(ctx context.Context, table string) (*ActivityLoad, error) {
	if !inBulk(ctx) {
		return nil, fmt.Errorf("an import of %s needs a bulk transaction (InBulkTx)", table)
	}
	first, err := db.reserveIDs(ctx, table)
	if err != nil {
		return nil, err
	}
	l := &ActivityLoad{db: db, table: table, first: first, times: timeTexts{postgres: db.postgres}}
	return l, db.createTemp(ctx, "import_touched", "id BIGINT PRIMARY KEY")
}

// ContactRef is how a row of a file names its contact: by id, or by its
// email or phone (normalised); one of the three is set.
type ContactRef struct {
	ID           int64
	Email, Phone string
}

// ResolveRefs returns the ids of the contacts that refs name; a reference
// that names no contact is not in the map. It reads the contacts in one
// query per kind of reference.
func (l *ActivityLoad) ResolveRefs(ctx context.Context, refs []ContactRef) (map[ContactRef]int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.db.resolveRefs(ctx, refs)
}

func (db *DB) resolveRefs(ctx context.Context, refs []ContactRef) (map[ContactRef]int64, error) {
	var ids []int64
	var emails, phones []string
	for _, r := range refs {
		switch {
		case r.ID != 0:
			ids = append(ids, r.ID)
		case r.Email != "":
			emails = append(emails, r.Email)
		case r.Phone != "":
			phones = append(phones, r.Phone)
		}
	}
	out := make(map[ContactRef]int64, len(refs))
	type found struct {
		ID  int64
		Key string
	}
	queries := []struct {
		keys []string
		sql  string
		ref  func(string) ContactRef
	}{
		{nil, "", nil}, // ids, below
		{emails, "SELECT id, email AS key FROM contacts WHERE email IN ? AND email <> ''", func(k string) ContactRef { return ContactRef{Email: k} }},
		{phones, "SELECT id, phone AS key FROM contacts WHERE phone IN ? AND phone <> ''", func(k string) ContactRef { return ContactRef{Phone: k} }},
	}
	if len(ids) > 0 {
		var got []int64
		if err := db.conn(ctx).Raw("SELECT id FROM contacts WHERE id IN ?", ids).Scan(&got).Error; err != nil {
			return nil, fmt.Errorf("find the contacts of the file: %w", err)
		}
		for _, id := range got {
			out[ContactRef{ID: id}] = id
		}
	}
	for _, q := range queries[1:] {
		if len(q.keys) == 0 {
			continue
		}
		var got []found
		if err := db.conn(ctx).Raw(q.sql, q.keys).Scan(&got).Error; err != nil {
			return nil, fmt.Errorf("find the contacts of the file: %w", err)
		}
		for _, f := range got {
			out[q.ref(f.Key)] = f.ID
		}
	}
	return out, nil
}

// AddOrders writes orders of the load (their CreatedAt is ignored: the
// load stamps them).
func (l *ActivityLoad) AddOrders(ctx context.Context, os []domain.Order) error {
	now := l.times.arg(l.db.now().UTC())
	cols := []string{"contact_id", "amount", "date", "note", "author", "created_at"}
	return l.add(ctx, cols, len(os), func(i int, a []any) []any {
		o := &os[i]
		return append(a, o.ContactID, o.Amount, l.times.arg(o.Date.UTC()), o.Note, o.Author, now)
	})
}

// AddInteractions writes interactions of the load.
func (l *ActivityLoad) AddInteractions(ctx context.Context, is []domain.Interaction) error {
	cols := []string{"contact_id", "kind", "note", "author", "at"}
	return l.add(ctx, cols, len(is), func(i int, a []any) []any {
		x := &is[i]
		return append(a, x.ContactID, string(x.Kind), x.Note, x.Author, l.times.arg(x.At.UTC()))
	})
}

func (l *ActivityLoad) add(ctx context.Context, cols []string, n int, row func(i int, a []any) []any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.dropIndexesIfWorth(ctx, n); err != nil {
		return err
	}
	l.written += n
	return l.db.copyRows(ctx, l.table, cols, n, row)
}

// rebuildMin is the fewest new rows for which a load drops the secondary
// indexes of its table, to build them again at its end, below which it is
// not worth it.
const rebuildMin = 50_000

// dropIndexesIfWorth drops the secondary indexes of the load's table once
// the load has written as many rows as the table held (and rebuildMin):
// building an index once from every row costs less than inserting each
// row into it at random (for a million contacts into an empty database,
// 12.3 s of CPU instead of 19.4 on SQLite; for 3,000,000 orders on
// PostgreSQL, 8 s instead of 42), and the log gets each page of the new
// index once instead of every page the cache could not hold, again and
// again. SQLite's readers go on with the indexes of their snapshot;
// PostgreSQL's wait for the import to end, which is why only a load at
// least as big as the table (a first import, mostly) drops them.
func (l *ActivityLoad) dropIndexesIfWorth(ctx context.Context, more int) error {
	n := int64(l.written + more)
	if l.dropped != nil || n < rebuildMin || n < l.first {
		return nil
	}
	defs, err := l.db.dropIndexes(ctx, l.table)
	l.dropped = defs
	return err
}

// dropIndexes drops the secondary indexes of tables (not those of a
// primary key or constraint) and, on PostgreSQL, their foreign keys, and
// returns how to make them again. SQLite's bulk transaction does not
// check foreign keys (bulkPragmas); PostgreSQL checks each row's
// reference as it is written, a lookup of contacts per row: 2,000,000
// orders took 11.7 s with the key, 1.4 s without it and 0.8 s more to
// add it back, which checks every row in one join. Dropping the key
// locks contacts against writers until the commit, as the import does.
func (db *DB) dropIndexes(ctx context.Context, tables ...string) ([]indexDef, error) {
	return db.dropDefs(ctx, true, tables)
}

// dropKeys drops the foreign keys of tables on PostgreSQL (see dropIndexes)
// and returns how to add them again; on SQLite it does nothing.
func (db *DB) dropKeys(ctx context.Context, tables ...string) ([]indexDef, error) {
	if !db.postgres {
		return nil, nil
	}
	return db.dropDefs(ctx, false, tables)
}

// Queries of the indexes and foreign keys of tables, as indexDefs.
const (
	sqliteIndexes = `SELECT 'DROP INDEX ' || name AS drop_sql, sql AS create_sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name IN @tables AND sql IS NOT NULL`
	postgresIndexes = `SELECT 'DROP INDEX ' || indexname AS drop_sql, indexdef AS create_sql FROM pg_indexes i
		WHERE schemaname = current_schema() AND tablename IN @tables
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`
	postgresKeys = `SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', t.relname, c.conname) AS drop_sql,
		format('ALTER TABLE %I ADD CONSTRAINT %I %s', t.relname, c.conname, pg_get_constraintdef(c.oid)) AS create_sql
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname IN @tables`
)

// dropDefs drops the foreign keys of tables (PostgreSQL), and their
// secondary indexes too with indexes, and returns how to make them again:
// indexes first, then keys.
func (db *DB) dropDefs(ctx context.Context, indexes bool, tables []string) ([]indexDef, error) {
	var qs []string
	switch {
	case !db.postgres:
		qs = []string{sqliteIndexes}
	case indexes:
		qs = []string{postgresIndexes, postgresKeys}
	default:
		qs = []string{postgresKeys}
	}
	var defs []indexDef
	for _, q := range qs {
		var part []indexDef
		if err := db.conn(ctx).Raw(q, sql.Named("tables", tables)).Scan(&part).Error; err != nil {
			return nil, fmt.Errorf("read the indexes of %s: %w", strings.Join(tables, ", "), err)
		}
		defs = append(defs, part...)
	}
	for _, d := range defs {
		if err := db.conn(ctx).Exec(d.DropSQL).Error; err != nil {
			return nil, fmt.Errorf("drop an index for the import: %w", err)
		}
	}
	return defs, nil
}

// buildIndexes makes again the indexes and keys dropIndexes dropped.
func (db *DB) buildIndexes(ctx context.Context, defs []indexDef, what domain.Msg) error {
	for _, d := range defs {
		if err := db.conn(ctx).Exec(d.CreateSQL).Error; err != nil {
			return translate(db.driverError(err), what)
		}
	}
	return nil
}

// finish builds the dropped indexes again and gathers, per contact, what
// the load's rows add up to (agg, over the load's rows r) into the
// temporary table import_agg; the contacts are Touched.
func (l *ActivityLoad) finish(ctx context.Context, aggDDL, agg string) error {
	db := l.db
	if err := db.buildIndexes(ctx, l.dropped, bulkWhat[l.table]); err != nil {
		return err
	}
	from := l.table + " r"
	if l.dropped != nil && !db.postgres {
		// Every row or nearly is the load's: reading them in the order
		// of the (contact_id, date) index needs no sort to group them.
		from += " INDEXED BY " + l.table + "_contact"
	}
	if err := db.createTemp(ctx, "import_agg", "contact_id BIGINT PRIMARY KEY, "+aggDDL); err != nil {
		return err
	}
	return db.execEach(ctx, "sum up the imported "+l.table, []string{
		fmt.Sprintf("INSERT INTO import_agg SELECT r.contact_id, %s FROM %s WHERE r.id > %d GROUP BY r.contact_id", agg, from, l.first),
		"INSERT INTO import_touched (id) SELECT contact_id FROM import_agg",
	})
}

// FinishOrders ends a load of orders: it adds them to their customers'
// aggregates and makes their contacts customers (moves by author with the
// note "import"). It returns how many contacts became customers; every
// contact of the load is Touched, to be rescored.
func (l *ActivityLoad) FinishOrders(ctx context.Context, author string) (int, error) {
	db := l.db
	err := l.finish(ctx, "first_order {{ts}} NOT NULL, last_order {{ts}} NOT NULL, orders BIGINT NOT NULL, amount BIGINT NOT NULL",
		"MIN(r.date), MAX(r.date), COUNT(*), SUM(r.amount)")
	if err != nil {
		return 0, err
	}
	var keys []indexDef
	if l.dropped != nil {
		// As many customers' aggregates and moves to write as the load is
		// big: their references are checked once, after.
		if keys, err = db.dropKeys(ctx, "customer_stats", "moves"); err != nil {
			return 0, err
		}
	}
	n, err := l.customers(ctx, author)
	if err != nil {
		return 0, err
	}
	return n, db.buildIndexes(ctx, keys, bulkWhat[l.table])
}

// customers adds the aggregates of the load to its customers' and makes
// them customers.
func (l *ActivityLoad) customers(ctx context.Context, author string) (int, error) {
	db := l.db
	err := db.conn(ctx).Exec(`INSERT INTO customer_stats (contact_id, first_order, last_order, orders, amount)
		SELECT contact_id, first_order, last_order, orders, amount FROM import_agg WHERE true` + statsUpsert).Error
	if err != nil {
		return 0, fmt.Errorf("add the imported orders to the customers' aggregates: %w", err)
	}
	now := db.now().UTC()
	err = db.conn(ctx).Exec(`INSERT INTO moves (contact_id, from_stage, to_stage, note, author, at)
		SELECT id, stage, ?, 'import', ?, ? FROM contacts WHERE id IN (SELECT contact_id FROM import_agg) AND stage <> ? ORDER BY id`,
		string(domain.Customer), author, now, string(domain.Customer)).Error
	if err != nil {
		return 0, fmt.Errorf("record the new customers of the import: %w", err)
	}
	res := db.conn(ctx).Exec(`UPDATE contacts SET stage = ?, updated_at = ? WHERE id IN (SELECT contact_id FROM import_agg) AND stage <> ?`,
		string(domain.Customer), now, string(domain.Customer))
	if res.Error != nil {
		return 0, fmt.Errorf("make the contacts of the import customers: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// FinishInteractions ends a load of interactions: it raises their
// contacts' last contact times; every contact of the load is Touched, to
// be rescored.
func (l *ActivityLoad) FinishInteractions(ctx context.Context) error {
	if err := l.finish(ctx, "at {{ts}} NOT NULL", "MAX(r.at)"); err != nil {
		return err
	}
	err := l.db.conn(ctx).Exec(`UPDATE contacts SET last_contact_at = m.at FROM import_agg AS m
		WHERE contacts.id = m.contact_id AND (contacts.last_contact_at IS NULL OR contacts.last_contact_at < m.at)`).Error
	if err != nil {
		return fmt.Errorf("update the last contact times of the import: %w", err)
	}
	return nil
}

// Touched returns, in id order, up to limit ids after after of the
// contacts the load changed, which need a new score.
func (l *ActivityLoad) Touched(ctx context.Context, after int64, limit int) ([]int64, error) {
	return l.db.touched(ctx, after, limit)
}

// Drop removes the load's temporary tables. PostgreSQL drops them at the
// end of the transaction by itself; SQLite keeps a connection's temporary
// tables until they are dropped, and a rollback drops them.
func (l *ActivityLoad) Drop(ctx context.Context) error {
	return l.db.dropTemp(ctx, "import_agg", "import_touched")
}

// clusteredBy are the tables Tidy keeps in the order of an index, and that
// index. The digest reads every customer's aggregates in contact order: in
// the order of an import's upserts they came back shuffled, and sorting a
// million of them took a quarter of the digest's time.
var clusteredBy = map[string]string{"customer_stats": "customer_stats_pkey"}

// Tidy brings the statistics and visibility map of tables up to date
// after a bulk import, outside its transaction: PostgreSQL's VACUUM
// (ANALYZE), without which its planner knows nothing of the new rows and
// every read of a covering index goes back to the table until autovacuum
// comes. A table of clusteredBy is first rewritten in the order of its
// index (CLUSTER). On SQLite it does nothing: its planner has no
// statistics to go stale (crmbot never runs ANALYZE), an index is always
// enough, and a table keyed by an integer is stored in its order.
func (db *DB) Tidy(ctx context.Context, tables ...string) error {
	if !db.postgres {
		return nil
	}
	for _, t := range tables {
		if ix, ok := clusteredBy[t]; ok {
			if err := db.gorm.WithContext(ctx).Exec("CLUSTER " + t + " USING " + ix).Error; err != nil {
				return fmt.Errorf("cluster %s: %w", t, err)
			}
		}
		if err := db.gorm.WithContext(ctx).Exec("VACUUM (ANALYZE) " + t).Error; err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	return nil
}
