package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"gorm.io/gorm"
)

// contactRow is the contacts table. Lists are stored as "|a|b|" so that a
// filter can match one item with LIKE; attributes as a JSON object.
type contactRow struct {
	ID               int64 `gorm:"primaryKey"`
	Name             string
	Email            string
	Phone            string
	City             string
	Country          string
	Language         string
	Timezone         string
	Gender           string
	BirthYear        int
	Role             string
	Company          string
	Sector           string
	Employees        int
	Capital          int64
	Product          string
	Budget           int64
	ProjectDate      *time.Time
	Source           string
	Channel          string
	Interests        string
	Categories       string
	PreferredChannel string
	Frequency        string
	Satisfaction     int
	Tags             string
	Attrs            string
	Owner            string
	Stage            string
	Score            int
	Grade            string
	Fit              string
	Engagement       int
	LastContactAt    *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (contactRow) TableName() string { return "contacts" }

func joinList(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return "|" + strings.Join(l, "|") + "|"
}

func splitList(s string) []string {
	s = strings.Trim(s, "|")
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// jsonText encodes v, a value of strings and numbers, as JSON text. Such a
// value always encodes: an error is a programmer's, and panics.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encode %T as JSON: %v", v, err))
	}
	return string(b)
}

func toRow(c *domain.Contact) *contactRow {
	attrs := ""
	if len(c.Attrs) > 0 {
		attrs = jsonText(c.Attrs)
	}
	return &contactRow{
		ID: c.ID, Name: c.Name, Email: c.Email, Phone: c.Phone,
		City: c.City, Country: c.Country, Language: c.Language, Timezone: c.TimeZone,
		Gender: c.Gender, BirthYear: c.BirthYear, Role: c.Role, Company: c.Company,
		Sector: c.Sector, Employees: c.Employees, Capital: c.Capital, Product: c.Product,
		Budget: c.Budget, ProjectDate: optTime(c.ProjectDate), Source: c.Source,
		Channel: c.Channel, Interests: joinList(c.Interests), Categories: joinList(c.Categories),
		PreferredChannel: c.PreferredChannel, Frequency: c.Frequency, Satisfaction: c.Satisfaction,
		Tags: joinList(c.Tags), Attrs: attrs, Owner: c.Owner, Stage: string(c.Stage),
		Score: c.Score, Grade: c.Grade, Fit: c.Fit, Engagement: c.Engagement, LastContactAt: optTime(c.LastContactAt),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
}

// toDomain reads every field of the row but the attributes, which
// DB.contact decodes.
func (r *contactRow) toDomain() *domain.Contact {
	return &domain.Contact{
		ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, City: r.City,
		Country: r.Country, Language: r.Language, TimeZone: r.Timezone, Gender: r.Gender,
		BirthYear: r.BirthYear, Role: r.Role, Company: r.Company, Sector: r.Sector,
		Employees: r.Employees, Capital: r.Capital, Product: r.Product, Budget: r.Budget,
		ProjectDate: derefTime(r.ProjectDate), Source: r.Source, Channel: r.Channel,
		Interests: splitList(r.Interests), Categories: splitList(r.Categories),
		PreferredChannel: r.PreferredChannel, Frequency: r.Frequency, Satisfaction: r.Satisfaction,
		Tags: splitList(r.Tags), Owner: r.Owner, Stage: domain.Stage(r.Stage),
		Score: r.Score, Grade: r.Grade, Fit: r.Fit, Engagement: r.Engagement, LastContactAt: derefTime(r.LastContactAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// contact reads a row as a contact. Its attributes are the JSON toRow
// wrote: text that does not decode (only an edit of the database by hand
// makes it) is logged with the contact's id and the cause, and the contact
// is read with the rest of its fields and whatever attributes did decode,
// rather than failing every list, digest and export that includes it —
// and the bot, which could not read the contact, could not mend it. The
// text stays in the database until the contact is next written.
func (db *DB) contact(ctx context.Context, r *contactRow) *domain.Contact {
	c := r.toDomain()
	if r.Attrs == "" {
		return c
	}
	if err := json.Unmarshal([]byte(r.Attrs), &c.Attrs); err != nil {
		db.log.WarnContext(ctx, "contact attributes are not JSON: read without them", "contact", r.ID, "err", err)
	}
	return c
}

// CreateContact inserts c and sets its id and times.
func (db *DB) CreateContact(ctx context.Context, c *domain.Contact) error {
	now := db.now().UTC()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	return db.InTx(ctx, func(ctx context.Context) error {
		row := toRow(c)
		if err := db.conn(ctx).Create(row).Error; err != nil {
			return translate(err, domain.M("a contact with this email or phone"))
		}
		c.ID = row.ID
		return db.writeWords(ctx, []*domain.Contact{c}, false)
	})
}

// UpdateContact writes every field of c.
func (db *DB) UpdateContact(ctx context.Context, c *domain.Contact) error {
	c.UpdatedAt = db.now().UTC()
	return db.InTx(ctx, func(ctx context.Context) error {
		res := db.conn(ctx).Select("*").Omit("created_at").Where("id = ?", c.ID).Updates(toRow(c))
		if res.Error != nil {
			return translate(res.Error, domain.M("a contact with this email or phone"))
		}
		if res.RowsAffected == 0 {
			return domain.Errorf(domain.NotFound, "no contact %s", c.Ref())
		}
		return db.writeWords(ctx, []*domain.Contact{c}, true)
	})
}

// SetScore stores a contact's computed score and grade.
func (db *DB) SetScore(ctx context.Context, id int64, score int, grade string) error {
	return db.setScore(ctx, id, score, grade, map[string]any{"score": score, "grade": grade})
}

// SetScoreResult stores a contact's computed score, grade, fit grade and
// engagement.
func (db *DB) SetScoreResult(ctx context.Context, id int64, r domain.ScoreResult) error {
	return db.setScore(ctx, id, r.Score, r.Grade, map[string]any{"score": r.Score, "grade": r.Grade, "fit": r.Fit, "engagement": r.Engagement})
}

// setScore logs the change of contact id's score and grade, then writes
// cols.
func (db *DB) setScore(ctx context.Context, id int64, score int, grade string, cols map[string]any) error {
	err := db.logScoreChanges(ctx, `(SELECT CAST(? AS BIGINT) AS id, CAST(? AS INTEGER) AS score, CAST(? AS TEXT) AS grade) n`, id, score, grade)
	if err != nil {
		return err
	}
	return db.conn(ctx).Model(&contactRow{}).Where("id = ?", id).UpdateColumns(cols).Error
}

// Contact returns the contact with id.
func (db *DB) Contact(ctx context.Context, id int64) (*domain.Contact, error) {
	var row contactRow
	err := db.conn(ctx).Where("id = ?", id).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.Errorf(domain.NotFound, "no contact %s", domain.ContactRef(id))
	}
	if err != nil {
		return nil, fmt.Errorf("read contact %d: %w", id, err)
	}
	return db.contact(ctx, &row), nil
}

// ContactsBy returns the contacts whose email or phone equals value
// (already normalised), at most limit.
func (db *DB) ContactsBy(ctx context.Context, field, value string, limit int) ([]*domain.Contact, error) {
	if field != "email" && field != "phone" {
		return nil, fmt.Errorf("ContactsBy: unsupported field %q", field)
	}
	// "<> ''" lets the database use the unique index, which leaves out
	// empty values.
	return db.contacts(db.conn(ctx).Where(field+" = ? AND "+field+" <> ''", value).Order("id").Limit(limit))
}

// ContactsMatching returns the contacts whose name or company has a word
// starting with each word of fragment, ignoring case and accents, at most
// limit: "dup" and "jean dup" both find Jean Dupont.
func (db *DB) ContactsMatching(ctx context.Context, fragment string, limit int) ([]*domain.Contact, error) {
	cond, args := wordsCond(fragment)
	return db.contacts(db.conn(ctx).Where(cond, args...).Order("id").Limit(limit))
}

// contacts runs q, a query of contacts, and reads them, scanned by
// database/sql straight into the fields of a contactRow: gorm's reflection
// took half the time of rescoring the customers of an orders import.
func (db *DB) contacts(q *gorm.DB) ([]*domain.Contact, error) {
	// Read under a context that cannot be cancelled (see eachRow): the
	// lists read here are bounded (a page, a chunk).
	rows, err := q.WithContext(context.WithoutCancel(q.Statement.Context)).Model(&contactRow{}).Rows()
	if err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	var r contactRow
	dest := r.scanDest(names)
	var out []*domain.Contact
	for rows.Next() {
		r = contactRow{}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("read contacts: %w", err)
		}
		out = append(out, db.contact(q.Statement.Context, &r))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindContacts returns the contacts q selects, in its order, and how many
// match in all, counted as q.Count says.
func (db *DB) FindContacts(ctx context.Context, q domain.ContactQuery) ([]*domain.Contact, int64, error) {
	where, err := db.matching(db.conn(ctx), q)
	if err != nil {
		return nil, 0, err
	}
	order := "id"
	if q.Sort != "" {
		col, err := column(q.Sort)
		if err != nil {
			return nil, 0, err
		}
		order = col
	}
	if q.Desc {
		order += " DESC"
	}
	scan := order // the order the count reads in: the page's, without ties
	if order != "id" {
		order += ", id"
	}
	page := where.Order(order).Offset(q.Offset)
	if q.Limit > 0 {
		page = page.Limit(q.Limit)
	}
	list, err := db.contacts(page)
	if err != nil {
		return nil, 0, err
	}
	total := int64(q.Offset + len(list))
	if q.Count != domain.CountNone && (len(list) == 0 || q.Limit > 0 && len(list) == q.Limit) {
		// The page does not tell how many match in all: count them.
		if total, err = db.countMatches(ctx, where, scan, q.Count); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// matching selects the contacts q's filters and ids keep, from conn; the
// result is reusable for several queries.
func (db *DB) matching(conn *gorm.DB, q domain.ContactQuery) (*gorm.DB, error) {
	where := conn.Model(&contactRow{})
	for _, f := range q.Filters {
		cond, args, err := db.filterSQL(f)
		if err != nil {
			return nil, err
		}
		where = where.Where(cond, args...)
	}
	if q.IDs != nil {
		where = where.Where(db.idsCond(q.IDs))
	}
	if q.Rotting != nil {
		cond, args := rotCond(q.Rotting, q.RotAt)
		where = where.Where(cond, args...)
	}
	return where.Session(&gorm.Session{}), nil
}

// countMatches counts the rows of where, or, with upTo > 0, at most upTo+1
// of them: the scan stops there instead of reading every match. It reads in
// the page's order, which found the page's rows first: in another order the
// filters may match late (a filter on employees matches the low scores
// seldom, as the score rewards employees), and with ties broken by id a
// whole group of equal scores would be sorted.
func (db *DB) countMatches(ctx context.Context, where *gorm.DB, order string, upTo int) (int64, error) {
	var n int64
	q := where
	if upTo > 0 {
		q = db.conn(ctx).Table("(?) AS m", where.Select("1").Order(order).Limit(upTo+1))
	}
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count contacts: %w", err)
	}
	return n, nil
}

// column maps a domain field name to its column. Every name reaching SQL
// goes through here, so no user text is ever spliced into a query.
func column(field string) (string, error) {
	switch field {
	case "created":
		return "created_at", nil
	case "last_contact":
		return "last_contact_at", nil
	case "id", "score", "grade", "satisfaction", "fit", "engagement":
		return field, nil
	}
	if f, ok := domain.LookupField(field); ok {
		return f.Name, nil
	}
	return "", domain.Errorf(domain.Invalid, "cannot sort or filter on %q", field)
}

func (db *DB) filterSQL(f domain.Filter) (string, []any, error) {
	if key, ok := strings.CutPrefix(f.Field, domain.AttrPrefix); ok {
		expr := "json_extract(NULLIF(attrs, ''), ?)"
		arg := any("$." + key)
		if db.postgres {
			expr, arg = "(NULLIF(attrs, '')::json ->> ?)", key
		}
		return db.textCond("COALESCE("+expr+", '')", f, arg)
	}
	if f.Field == "search" {
		cond, args := wordsCond(f.Arg.(string))
		if f.Op == domain.Ne {
			cond = "NOT (" + cond + ")"
		}
		return cond, args, nil
	}
	col, err := column(f.Field)
	if err != nil {
		return "", nil, err
	}
	if f.Field == "fit" { // A–D as stored: compared as is, through its index
		return fitCond(f)
	}
	switch f.Kind {
	case domain.ListFieldKind:
		v := strings.ToLower(f.Arg.(string))
		switch f.Op {
		case domain.Eq:
			return db.likeCol(col, v) + " LIKE ? ESCAPE '\\'", []any{"%|" + escapeLike(v) + "|%"}, nil
		case domain.Ne:
			return db.likeCol(col, v) + " NOT LIKE ? ESCAPE '\\'", []any{"%|" + escapeLike(v) + "|%"}, nil
		}
		return db.likeCol(col, v) + " LIKE ? ESCAPE '\\'", []any{"%" + escapeLike(v) + "%"}, nil
	case domain.TextField, domain.EmailFieldKind, domain.PhoneFieldKind:
		return db.textCond(col, f)
	case domain.DateFieldKind:
		// A day filter compares whole days: created=2026-11-20 is that day.
		day := f.Arg.(time.Time)
		next := day.AddDate(0, 0, 1)
		switch f.Op {
		case domain.Eq:
			return col + " >= ? AND " + col + " < ?", []any{day, next}, nil
		case domain.Ne:
			return "(" + col + " IS NULL OR " + col + " < ? OR " + col + " >= ?)", []any{day, next}, nil
		case domain.Gt:
			return col + " >= ?", []any{next}, nil
		case domain.Le:
			return col + " < ?", []any{next}, nil
		}
		return col + " " + string(f.Op) + " ?", []any{day}, nil
	}
	op := string(f.Op)
	if f.Op == domain.Ne {
		op = "<>"
	}
	return col + " " + op + " ?", []any{f.Arg}, nil
}

// textCond compares text without regard to case. On SQLite an ASCII value
// is compared with NOCASE or a plain LIKE, which the indexes serve and which need
// no call of our Unicode lower() per row; other values go through lower().
func (db *DB) textCond(col string, f domain.Filter, pre ...any) (string, []any, error) {
	v := strings.ToLower(f.Arg.(string))
	lc := "LOWER(" + col + ")"
	ascii := !db.postgres && isASCII(v)
	switch {
	case f.Op == domain.Eq && ascii:
		return col + " = ? COLLATE NOCASE", append(pre, v), nil
	case f.Op == domain.Ne && ascii:
		return col + " <> ? COLLATE NOCASE", append(pre, v), nil
	case f.Op == domain.Eq:
		return lc + " = ?", append(pre, v), nil
	case f.Op == domain.Ne:
		return lc + " <> ?", append(pre, v), nil
	case f.Op == domain.Contains:
		return db.likeCol(col, v) + " LIKE ? ESCAPE '\\'", append(pre, "%"+escapeLike(v)+"%"), nil
	}
	return lc + " " + string(f.Op) + " ?", append(pre, v), nil
}

// likeCol is what a LIKE with the lower-case pattern v compares: SQLite's
// LIKE ignores the case of ASCII letters by itself.
func (db *DB) likeCol(col, v string) string {
	if !db.postgres && isASCII(v) {
		return col
	}
	return "LOWER(" + col + ")"
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// StageCounts counts the contacts at each stage.
func (db *DB) StageCounts(ctx context.Context) (map[domain.Stage]int, error) {
	var rows []struct {
		Stage string
		N     int
	}
	if err := db.conn(ctx).Model(&contactRow{}).Select("stage, COUNT(*) AS n").Group("stage").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count stages: %w", err)
	}
	out := map[domain.Stage]int{}
	for _, r := range rows {
		out[domain.Stage(r.Stage)] = r.N
	}
	return out, nil
}

// CountContacts counts every contact.
func (db *DB) CountContacts(ctx context.Context) (int64, error) {
	var n int64
	err := db.conn(ctx).Model(&contactRow{}).Count(&n).Error
	return n, err
}

// fitCond compares the fit grade, which ParseFilter wrote as stored (upper
// case), with = or !=.
func fitCond(f domain.Filter) (string, []any, error) {
	if f.Op == domain.Ne {
		return "fit <> ?", []any{f.Arg}, nil
	}
	return "fit = ?", []any{f.Arg}, nil
}
