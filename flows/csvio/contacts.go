package csvio

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// The contacts columns that are not fields of add.
const (
	colID      = "id"
	colScore   = "score"
	colGrade   = "grade"
	colCreated = "created_at"
	colLast    = "last_contact_at"
)

var contactSchema = schema{
	resolve: func(t string) (string, bool) {
		switch t {
		case colID, colScore, colGrade, colCreated, colLast:
			return t, true
		case "created":
			return colCreated, true
		}
		if key, ok := strings.CutPrefix(t, domain.AttrPrefix); ok {
			return t, domain.ValidAttrKey(key)
		}
		if f, ok := domain.LookupField(t); ok {
			return f.Name, true
		}
		return "", false
	},
	names: slices.Concat([]string{colID}, domain.FieldNames(), []string{colScore, colGrade, colCreated, colLast}),
	extra: "and attr.<name> for a custom attribute (French names such as nom, ville or entreprise work too)",
}

// contactRow is a row of a contacts file and the contact it makes.
type contactRow struct {
	rec    *record
	c      *domain.Contact
	isNew  bool
	before *domain.Contact // an updated contact as it was, to see changes
}

// importContacts checks every row of a contacts file, then creates and
// updates the contacts.
func importContacts(ctx context.Context, e *env, t *table) (Result, error) {
	cols, err := readHeader(t.Header, contactSchema)
	if err != nil {
		return Result{}, err
	}
	if !cols.has("name") && !cols.has(colID) {
		return Result{}, errInvalid("line 1: the file has no name column: a contacts file needs at least name, as in name;email;phone (or id, to update contacts)")
	}
	var p problems
	ids := rowIDs(t, cols, &p)
	k := newKnown()
	if err := k.loadIDs(ctx, e.st, &wanted{ids: setOf(ids)}); err != nil {
		return Result{}, err
	}
	rows := buildAll(e, t, cols, ids, k, &p)
	if err := e.checkDuplicates(ctx, rows, cols, k, &p); err != nil {
		return Result{}, err
	}
	if err := p.err(); err != nil {
		return Result{}, err
	}
	return e.writeContacts(ctx, rows)
}

// rowIDs reads the id column: 0 for a row without id. A malformed id or
// one given twice is a problem.
func rowIDs(t *table, cols *columns, p *problems) []int64 {
	ids := make([]int64, len(t.Rows))
	if !cols.has(colID) {
		return ids
	}
	seen := map[int64]*record{}
	for i := range t.Rows {
		rec := &t.Rows[i]
		v := cols.get(rec, colID)
		if v == "" {
			continue
		}
		id, ok := domain.ParseContactID(v)
		if !ok {
			p.add(rec, cols.title(colID), "%q is not a contact id: write it like C42 or 42, or leave the cell empty for a new contact", clip(v))
			continue
		}
		if first, dup := seen[id]; dup {
			p.add(rec, cols.title(colID), "%s is already on %s: a contact takes one row of the file", domain.ContactRef(id), first.where())
			continue
		}
		seen[id] = rec
		ids[i] = id
	}
	return ids
}

func setOf(ids []int64) map[int64]bool {
	set := map[int64]bool{}
	for _, id := range ids {
		if id != 0 {
			set[id] = true
		}
	}
	return set
}

// buildAll makes the contacts of every row, on several cores: once the
// contacts they update are loaded, rows are independent (an id appears in
// one row at most).
func buildAll(e *env, t *table, cols *columns, ids []int64, k *known, p *problems) []contactRow {
	rows := make([]contactRow, len(t.Rows))
	workers := max(1, min(runtime.GOMAXPROCS(0), 4, len(rows)/2000))
	per := (len(rows) + workers - 1) / workers
	found := make([]problems, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			b := &builder{env: e, cols: cols, known: k, p: &found[w], pre: p, zones: map[string]bool{}}
			for i := w * per; i < min(len(rows), (w+1)*per); i++ {
				rows[i] = b.build(&t.Rows[i], ids[i])
			}
		})
	}
	wg.Wait()
	for i := range found {
		p.merge(&found[i])
	}
	return rows
}

// builder turns rows into contacts.
type builder struct {
	*env
	cols  *columns
	known *known
	p     *problems       // what this builder finds
	pre   *problems       // what was found before, read only
	zones map[string]bool // time zones already found valid
}

// bad reports whether rec has a problem already.
func (b *builder) bad(rec *record) bool { return b.p.bad(rec) || b.pre.bad(rec) }

// build makes the contact of one row: the existing contact with id, with
// the row's cells applied, or a new one.
func (b *builder) build(rec *record, id int64) contactRow {
	b.cols.checkWidth(rec, b.p)
	row := contactRow{rec: rec}
	if old, ok := b.known.byID[id]; ok {
		row.c, row.before = old, clone(old)
	} else {
		now := b.now.UTC()
		row.isNew = true
		row.c = &domain.Contact{ID: id, Stage: domain.Lead, CreatedAt: now, UpdatedAt: now}
	}
	for _, col := range b.cols.list {
		b.set(&row, col, b.cols.get(rec, col.Key))
	}
	if row.isNew && row.c.Owner == "" && (id == 0 || !b.cols.has("owner")) {
		row.c.Owner = b.actor
	}
	if b.bad(rec) {
		return row
	}
	if row.isNew && !b.cols.has("name") {
		b.p.add(rec, "", "this is a new contact (no contact has this id) and the file has no name column: add a name column, or fix the id")
	} else if err := row.c.Validate(); err != nil {
		b.p.addErr(rec, "", "", err)
	} else if row.isNew {
		// A new contact has no interactions or orders yet: it is scored
		// from its fields alone, as crm.Rescore would after the insert,
		// without reading back what was just written.
		r := b.engine.Score(row.c, &domain.Facts{}, b.now)
		row.c.Score, row.c.Grade = r.Score, r.Grade
	}
	return row
}

// set applies one cell to the row's contact.
func (b *builder) set(row *contactRow, col column, v string) {
	c := row.c
	switch {
	case col.Key == colID || col.Key == colScore || col.Key == colGrade:
		return // the id is read already; scores are recomputed
	case col.Key == colCreated:
		b.setTime(row, col, v, &row.c.CreatedAt)
		return
	case col.Key == colLast:
		b.setTime(row, col, v, &row.c.LastContactAt)
		return
	case col.Key == "name" && v == "":
		b.p.add(row.rec, col.Title, "the name is empty: every contact needs a name")
		return
	case col.Key == "stage" && v == "":
		return // a new contact is a lead; an updated one keeps its stage
	case col.Key == "timezone" && b.zones[v]:
		c.TimeZone = v // loading a zone reads a file: check each one once
		return
	}
	if err := c.Set(col.Key, v, b.now); err != nil {
		b.p.addErr(row.rec, col.Title, col.Key, err)
		return
	}
	if col.Key == "timezone" {
		b.zones[v] = true
	}
}

// setTime reads created_at or last_contact_at into dst, which only a new
// contact takes: for one already there, its own activity says more.
func (b *builder) setTime(row *contactRow, col column, v string, dst *time.Time) {
	if v == "" {
		return
	}
	t, err := parseTime(v, b.now)
	if err != nil {
		b.p.add(row.rec, col.Title, "%q is not a date: write it like 2026-11-20T09:30:00Z, 2026-11-20 09:30 or 20/11/2026", clip(v))
		return
	}
	if row.isNew {
		*dst = t
	}
}

// clone copies a contact deeply enough to compare it after Set.
func clone(c *domain.Contact) *domain.Contact {
	d := *c
	d.Attrs = maps.Clone(c.Attrs)
	return &d
}

// same reports whether a and b agree on everything a file can set.
func same(a, b *domain.Contact) bool {
	for _, f := range domain.Fields {
		if a.Get(f.Name) != b.Get(f.Name) {
			return false
		}
	}
	return maps.Equal(a.Attrs, b.Attrs)
}

// checkDuplicates refuses an email or phone given twice in the file, or
// that another contact of the database already has.
func (e *env) checkDuplicates(ctx context.Context, rows []contactRow, cols *columns, k *known, p *problems) error {
	w := newWanted(len(rows))
	for i := range rows {
		r := &rows[i]
		for _, f := range []struct {
			name, value string
			first       map[string]*record
		}{{"email", r.c.Email, w.emails}, {"phone", r.c.Phone, w.phones}} {
			if f.value == "" {
				continue
			}
			if at, dup := f.first[f.value]; dup {
				p.add(r.rec, cols.title(f.name), "%s is already on %s: two contacts cannot share an %s; merge the rows or correct one", f.value, at.where(), f.name)
				continue
			}
			f.first[f.value] = r.rec
		}
	}
	if err := k.loadHolders(ctx, e.st, w); err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		checkHolder(r, "email", r.c.Email, k.byEmail, cols, p)
		checkHolder(r, "phone", r.c.Phone, k.byPhone, cols, p)
	}
	return nil
}

func checkHolder(r *contactRow, field, value string, holders map[string]*domain.Contact, cols *columns, p *problems) {
	h := holders[value]
	if value == "" || h == nil || h.ID == r.c.ID {
		return
	}
	p.add(r.rec, cols.title(field), "%s already has the %s %s: remove it from this row, or put %s in the id column to update that contact",
		crm.Describe(h), field, value, h.Ref())
}

// writeContacts stores the checked rows and rescores what changed.
func (e *env) writeContacts(ctx context.Context, rows []contactRow) (Result, error) {
	var withID, fresh []*domain.Contact
	var moves []domain.Move
	var res Result
	var rescore []int64
	for i := range rows {
		r := &rows[i]
		switch {
		case r.isNew && r.c.ID != 0:
			withID = append(withID, r.c)
		case r.isNew:
			fresh = append(fresh, r.c)
		case same(r.before, r.c):
			res.Unchanged++
		default:
			if err := e.st.UpdateContact(ctx, r.c); err != nil {
				return res, err
			}
			if r.before.Stage != r.c.Stage {
				moves = append(moves, domain.Move{ContactID: r.c.ID, From: r.before.Stage, To: r.c.Stage, Note: "import", Author: e.actor, At: e.now.UTC()})
			}
			res.Updated++
			rescore = append(rescore, r.c.ID)
		}
	}
	// New contacts are scored already (see build). Those with their own
	// ids go first: the store numbers the others after the highest id it
	// holds, which must include those.
	for _, list := range [][]*domain.Contact{withID, fresh} {
		if err := e.st.InsertContacts(ctx, list); err != nil {
			return res, err
		}
		res.Created += len(list)
	}
	if err := e.st.InsertMoves(ctx, moves); err != nil {
		return res, err
	}
	slices.Sort(rescore)
	return res, e.rescore(ctx, rescore)
}
