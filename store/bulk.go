package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
	"gorm.io/gorm"
)

// insertRows writes rows with multi-row INSERTs straight to the connection
// (or the transaction of ctx): imports and demo data write hundreds of
// thousands of rows, where gorm's per-row reflection would dominate. The
// statement of a full chunk is prepared once and reused.
func (db *DB) insertRows(ctx context.Context, table string, cols []string, n int, row func(i int, args []any) []any) error {
	return db.writeRows(ctx, table, cols, "", n, row)
}

// writeRows is insertRows with suffix after each statement's VALUES, such
// as an ON CONFLICT clause.
func (db *DB) writeRows(ctx context.Context, table string, cols []string, suffix string, n int, row func(i int, args []any) []any) error {
	const maxVars = 30000 // under SQLite's 32766 and PostgreSQL's 65535
	per := max(1, min(500, maxVars/len(cols)))
	pool := db.conn(ctx).Statement.ConnPool
	var full *sql.Stmt
	if n >= 2*per {
		var err error
		var done func()
		if full, done, err = db.prepareFull(ctx, pool, table, cols, per, suffix); err != nil {
			return fmt.Errorf("prepare insert into %s: %w", table, err)
		}
		defer done()
	}
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		var err error
		if full != nil && end-start == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = pool.ExecContext(ctx, db.insertSQL(table, cols, end-start)+suffix, args...)
		}
		if err != nil {
			return translate(db.driverError(err), bulkWhat[table])
		}
	}
	return nil
}

// prepareFull prepares the statement of a full chunk of writeRows, and
// returns the function that releases it. In a bulk transaction (InBulkTx)
// the statement is prepared once and kept until the transaction ends:
// database/sql keeps every statement prepared in a transaction until then,
// closed or not, so that preparing one per call would grow with the file.
func (db *DB) prepareFull(ctx context.Context, pool gorm.ConnPool, table string, cols []string, per int, suffix string) (*sql.Stmt, func(), error) {
	cache, _ := ctx.Value(stmtsKey{}).(*stmtCache)
	key := fmt.Sprint(table, cols, per, suffix)
	if st := cache.get(key); st != nil {
		return st, func() {}, nil
	}
	st, err := pool.PrepareContext(ctx, db.insertSQL(table, cols, per)+suffix)
	if err != nil {
		return nil, nil, err
	}
	if cache == nil {
		return st, func() { db.logClose(ctx, "a prepared insert", st.Close) }, nil
	}
	cache.put(key, st)
	return st, func() {}, nil
}

type stmtsKey struct{}

// stmtCache holds the statements prepared in a bulk transaction.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) get(key string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[key]
}

func (c *stmtCache) put(key string, st *sql.Stmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts[key] = st
}

// insertSQL is an INSERT of rows rows into table.
func (db *DB) insertSQL(table string, cols []string, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	n := 0
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			n++
			if db.postgres {
				b.WriteString("$" + strconv.Itoa(n))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// bulkWhat names a table's rows in error messages.
var bulkWhat = map[string]domain.Msg{
	"contacts": domain.M("a contact with this email or phone"), "orders": domain.M("order"), "interactions": domain.M("interaction"),
	"moves": domain.M("move"), "respondents": domain.M("respondent"), "surveys": domain.M("survey"), "answers": domain.M("answer"),
}

// driverError gives an error of the driver, which gorm has not seen, the
// gorm meaning (duplicate key, foreign key) that translate reads.
func (db *DB) driverError(err error) error {
	if tr, ok := db.gorm.Dialector.(gorm.ErrorTranslator); ok {
		if t := tr.Translate(err); t != err {
			return fmt.Errorf("%w (%w)", t, err)
		}
	}
	return err
}

var contactCols = []string{"id", "name", "email", "phone", "city", "country", "language", "timezone", "gender",
	"birth_year", "role", "company", "sector", "employees", "capital", "product", "budget", "project_date", "source",
	"channel", "interests", "categories", "preferred_channel", "frequency", "satisfaction", "tags", "attrs", "owner",
	"stage", "score", "grade", "fit", "engagement", "last_contact_at", "created_at", "updated_at"}

// fields returns pointers to r's fields, in the order of contactCols.
func (r *contactRow) fields() []any {
	return []any{&r.ID, &r.Name, &r.Email, &r.Phone, &r.City, &r.Country, &r.Language, &r.Timezone, &r.Gender,
		&r.BirthYear, &r.Role, &r.Company, &r.Sector, &r.Employees, &r.Capital, &r.Product, &r.Budget, &r.ProjectDate, &r.Source,
		&r.Channel, &r.Interests, &r.Categories, &r.PreferredChannel, &r.Frequency, &r.Satisfaction, &r.Tags, &r.Attrs, &r.Owner,
		&r.Stage, &r.Score, &r.Grade, &r.Fit, &r.Engagement, &r.LastContactAt, &r.CreatedAt, &r.UpdatedAt}
}

// appendArgs appends the values of r's columns, in the order of
// contactCols.
func (r *contactRow) appendArgs(a []any) []any {
	for _, p := range r.fields() {
		switch v := p.(type) {
		case *int64:
			a = append(a, *v)
		case *int:
			a = append(a, *v)
		case *string:
			a = append(a, *v)
		case *time.Time:
			a = append(a, *v)
		case **time.Time:
			a = append(a, *v)
		}
	}
	return a
}

// scanDest returns where rows.Scan puts each of the columns names: r's
// fields, and a throwaway value for a column r does not have.
func (r *contactRow) scanDest(names []string) []any {
	at := make(map[string]any, len(contactCols))
	for i, p := range r.fields() {
		at[contactCols[i]] = p
	}
	dest := make([]any, len(names))
	for i, n := range names {
		if dest[i] = at[n]; dest[i] == nil {
			dest[i] = new(any)
		}
	}
	return dest
}

// InsertContacts writes many new contacts at once and sets their ids. A
// contact that already has an id keeps it. It joins the transaction of ctx
// or makes its own.
func (db *DB) InsertContacts(ctx context.Context, cs []*domain.Contact) error {
	if len(cs) == 0 {
		return nil
	}
	return db.InTx(ctx, func(ctx context.Context) error { return db.insertContacts(ctx, cs) })
}

func (db *DB) insertContacts(ctx context.Context, cs []*domain.Contact) error {
	next, err := db.reserveIDs(ctx, "contacts")
	if err != nil {
		return err
	}
	now := db.now().UTC()
	taken := map[int64]bool{} // explicit ids of this batch: new ids skip them
	for _, c := range cs {
		taken[c.ID] = c.ID != 0
	}
	for _, c := range cs {
		if c.ID == 0 {
			next++
			for taken[next] {
				next++
			}
			c.ID = next
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = now
		}
	}
	err = db.insertRows(ctx, "contacts", contactCols, len(cs), func(i int, a []any) []any {
		return toRow(cs[i]).appendArgs(a)
	})
	if err != nil {
		return err
	}
	if err := db.writeWords(ctx, cs, false); err != nil {
		return err
	}
	return db.syncSequence(ctx, "contacts")
}

// reserveIDs locks table against other writers until the transaction ends
// and returns its highest id, so that the caller can number new rows.
func (db *DB) reserveIDs(ctx context.Context, table string) (int64, error) {
	if db.postgres {
		if err := db.conn(ctx).Exec("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE").Error; err != nil {
			return 0, fmt.Errorf("lock %s: %w", table, err)
		}
	}
	var maxID *int64
	if err := db.conn(ctx).Raw("SELECT MAX(id) FROM " + table).Scan(&maxID).Error; err != nil {
		return 0, fmt.Errorf("read ids of %s: %w", table, err)
	}
	if maxID == nil {
		return 0, nil
	}
	return *maxID, nil
}

// syncSequence moves PostgreSQL's id sequence past ids written explicitly;
// SQLite's AUTOINCREMENT follows them by itself.
func (db *DB) syncSequence(ctx context.Context, table string) error {
	if !db.postgres {
		return nil
	}
	q := "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), GREATEST((SELECT MAX(id) FROM " + table + "), 1))"
	return db.conn(ctx).Exec(q).Error
}

// InsertOrders writes many orders at once and, in the same transaction,
// adds them to their customers' aggregates (customer_stats).
func (db *DB) InsertOrders(ctx context.Context, os []domain.Order) error {
	if len(os) == 0 {
		return nil
	}
	now := db.now().UTC()
	cols := []string{"contact_id", "amount", "date", "note", "author", "created_at"}
	return db.InTx(ctx, func(ctx context.Context) error {
		err := db.insertRows(ctx, "orders", cols, len(os), func(i int, a []any) []any {
			o := &os[i]
			created := o.CreatedAt
			if created.IsZero() {
				created = now
			}
			return append(a, o.ContactID, o.Amount, o.Date.UTC(), o.Note, o.Author, created.UTC())
		})
		if err != nil {
			return err
		}
		return db.addToStats(ctx, os)
	})
}

// InsertInteractions writes many interactions at once. Unlike
// AddInteraction it leaves the contacts' last contact times to the caller
// (UpdateContactsLastContact, or the contacts it inserts), who knows them
// already.
func (db *DB) InsertInteractions(ctx context.Context, is []domain.Interaction) error {
	cols := []string{"contact_id", "kind", "note", "author", "at"}
	return db.insertRows(ctx, "interactions", cols, len(is), func(i int, a []any) []any {
		x := &is[i]
		return append(a, x.ContactID, string(x.Kind), x.Note, x.Author, x.At.UTC())
	})
}

// InsertMoves writes many pipeline moves at once.
func (db *DB) InsertMoves(ctx context.Context, ms []domain.Move) error {
	cols := []string{"contact_id", "from_stage", "to_stage", "note", "author", "at"}
	return db.insertRows(ctx, "moves", cols, len(ms), func(i int, a []any) []any {
		m := &ms[i]
		return append(a, m.ContactID, string(m.From), string(m.To), m.Note, m.Author, m.At.UTC())
	})
}

// UpdateContactsLastContact raises each contact's last contact time to the
// given one where it is later.
func (db *DB) UpdateContactsLastContact(ctx context.Context, last map[int64]time.Time) error {
	for id, t := range last {
		err := db.conn(ctx).Exec("UPDATE contacts SET last_contact_at = ? WHERE id = ? AND (last_contact_at IS NULL OR last_contact_at < ?)", t.UTC(), id, t.UTC()).Error
		if err != nil {
			return fmt.Errorf("update last contact of %d: %w", id, err)
		}
	}
	return nil
}

// EachContact calls fn with every contact, in id order, batch by batch.
func (db *DB) EachContact(ctx context.Context, batch int, fn func([]*domain.Contact) error) error {
	var after int64
	for {
		list, err := db.contacts(db.conn(ctx).Where("id > ?", after).Order("id").Limit(batch))
		if err != nil || len(list) == 0 {
			return err
		}
		if err := fn(list); err != nil {
			return err
		}
		after = list[len(list)-1].ID
	}
}

// SetScores stores many scores at once (score, grade, fit grade and
// engagement): one UPDATE per 5,000 contacts, the scores given as one JSON
// parameter.
func (db *DB) SetScores(ctx context.Context, scores map[int64]domain.ScoreResult) error {
	q := `UPDATE contacts SET score = j.value ->> 1, grade = j.value ->> 2, fit = j.value ->> 3, engagement = j.value ->> 4
		FROM json_each(?) AS j WHERE contacts.id = j.value ->> 0`
	if db.postgres {
		q = `UPDATE contacts SET score = (j.value ->> 1)::int, grade = j.value ->> 2, fit = j.value ->> 3, engagement = (j.value ->> 4)::int
			FROM jsonb_array_elements(?::jsonb) AS j(value) WHERE contacts.id = (j.value ->> 0)::bigint`
	}
	part := make([][5]any, 0, min(len(scores), 5000))
	flush := func() error {
		if len(part) == 0 {
			return nil
		}
		batch := jsonText(part)
		part = part[:0]
		if err := db.logScoreChanges(ctx, db.scoreBatch(), batch); err != nil {
			return err
		}
		if err := db.conn(ctx).Exec(q, batch).Error; err != nil {
			return fmt.Errorf("store scores: %w", err)
		}
		return nil
	}
	for id, s := range scores {
		part = append(part, [5]any{id, s.Score, s.Grade, s.Fit, s.Engagement})
		if len(part) == cap(part) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// ContactsByIDs returns the contacts with the given ids, in id order.
func (db *DB) ContactsByIDs(ctx context.Context, ids []int64) ([]*domain.Contact, error) {
	var out []*domain.Contact
	for start := 0; start < len(ids); start += 5000 {
		part, err := db.contacts(db.conn(ctx).Where("id IN ?", ids[start:min(len(ids), start+5000)]).Order("id"))
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return out, nil
}
