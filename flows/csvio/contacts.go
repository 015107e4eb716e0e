package csvio

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
)

// The contacts columns that are not fields of add.
const (
	colID      = "id"
	colScore   = "score"
	colGrade   = "grade"
	colCreated = "created_at"
	colLast    = "last_contact_at"
)

var contactSchema = csvfile.Schema{
	Resolve: func(t string) (string, bool) {
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
	Names: slices.Concat([]string{colID}, domain.FieldNames(), []string{colScore, colGrade, colCreated, colLast}),
	Extra: domain.M("and attr.<name> for a custom attribute (French names such as nom, ville or entreprise work too)"),
}

// contactImport is the state of one contacts import.
type contactImport struct {
	*env
	cols      *csvfile.Columns
	stg       *store.Staging
	p         csvfile.Problems
	fields    []domain.Field  // the field of each column of cols.List(), Name "" for others
	zones     map[string]bool // time zones already found valid
	seq       int64           // new contacts without id so far
	unchanged int
}

// contactRow is a row of a contacts file and the contact it makes.
type contactRow struct {
	rec    *csvfile.Record
	c      *domain.Contact
	isNew  bool
	before *domain.Contact // an updated contact as it was, to see changes
}

// importContacts checks every row of a contacts file and stages it, chunk
// by chunk; checks the staged rows against each other and the database;
// then creates and updates the contacts.
func importContacts(ctx context.Context, e *env, src *csvfile.Reader) (Result, error) {
	cols, err := csvfile.ReadHeader(src.Header, contactSchema)
	if err != nil {
		return Result{}, err
	}
	if !cols.Has("name") && !cols.Has(colID) {
		return Result{}, domain.Errorf(domain.Invalid, "line 1: the file has no name column: a contacts file needs at least name, as in name;email;phone (or id, to update contacts)")
	}
	stg, err := e.st.StartStaging(ctx)
	if err != nil {
		return Result{}, err
	}
	ci := &contactImport{env: e, cols: cols, stg: stg, zones: map[string]bool{}}
	for _, col := range cols.List() {
		f, _ := domain.LookupField(col.Key)
		ci.fields = append(ci.fields, f)
	}
	build := func(chunk []*csvfile.Record) ([]store.StagedContact, error) { return ci.buildChunk(ctx, chunk) }
	stage := func(rows []store.StagedContact) error { return stg.AddContacts(ctx, rows) }
	if err := eachChunkAhead(src, build, stage); err != nil {
		return Result{}, err
	}
	if ci.p.Total() == 0 {
		res := Result{Unchanged: ci.unchanged}
		res.Created, res.Updated, err = stg.ApplyContacts(ctx, e.actor)
		if err == nil {
			return res, e.finish(ctx, stg)
		}
		if !errors.Is(err, store.ErrClash) {
			return Result{}, err
		}
	}
	return Result{}, ci.problems(ctx)
}

// problems runs the file-wide checks of the staged rows and returns the
// error that lists what is wrong with the file.
func (ci *contactImport) problems(ctx context.Context) error {
	found, err := ci.stg.ContactProblems(ctx, csvfile.MaxShown)
	if err != nil {
		return err
	}
	if err := ci.addClashes(ctx, found); err != nil {
		return err
	}
	if err := ci.p.Err(); err != nil {
		return err
	}
	e := domain.Errorf(domain.Conflict, "the contacts of the file clash with stored contacts: nothing was imported")
	e.Err = store.ErrClash
	return e
}

// buildChunk makes the contacts of a chunk of rows, with those of the
// database that their ids name read in one query.
func (ci *contactImport) buildChunk(ctx context.Context, chunk []*csvfile.Record) ([]store.StagedContact, error) {
	var known map[int64]*domain.Contact
	if ci.cols.Has(colID) {
		var err error
		if known, err = ci.known(ctx, chunk); err != nil {
			return nil, err
		}
	}
	rows := make([]store.StagedContact, len(chunk))
	for i, rec := range chunk {
		rows[i] = ci.build(rec, known)
	}
	return rows, nil
}

// known reads the contacts of the database that the rows' ids name.
func (ci *contactImport) known(ctx context.Context, chunk []*csvfile.Record) (map[int64]*domain.Contact, error) {
	var ids []int64
	for _, rec := range chunk {
		if id, ok := domain.ParseContactID(ci.cols.Get(rec, colID)); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	list, err := ci.stg.Contacts(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	known := make(map[int64]*domain.Contact, len(list))
	for _, c := range list {
		known[c.ID] = c
	}
	return known, nil
}

// rowID reads the id column: 0 for a row without id. A malformed id is a
// problem; an id given twice is found once the whole file is staged.
func (ci *contactImport) rowID(rec *csvfile.Record) int64 {
	v := ci.cols.Get(rec, colID)
	if v == "" {
		return 0
	}
	id, ok := domain.ParseContactID(v)
	if !ok {
		ci.p.Add(rec, ci.cols.Title(colID), "%s", domain.M("%q is not a contact id: write it like C42 or 42, or leave the cell empty for a new contact", csvfile.Clip(v)))
	}
	return id
}

// build makes the contact of one row: the existing contact with its id,
// with the row's cells applied, or a new one.
func (ci *contactImport) build(rec *csvfile.Record, known map[int64]*domain.Contact) store.StagedContact {
	id := ci.rowID(rec)
	ci.cols.CheckWidth(rec, &ci.p)
	row := contactRow{rec: rec}
	if old, ok := known[id]; ok {
		row.c, row.before = old, clone(old)
	} else {
		now := ci.now.UTC()
		row.isNew = true
		row.c = &domain.Contact{ID: id, Stage: domain.Lead, CreatedAt: now, UpdatedAt: now}
	}
	for i, col := range ci.cols.List() {
		ci.set(&row, col, ci.fields[i], ci.cols.Cell(rec, col))
	}
	if row.isNew && row.c.Owner == "" && (id == 0 || !ci.cols.Has("owner")) {
		row.c.Owner = ci.actor
	}
	if !ci.p.Bad(rec) {
		ci.check(&row)
	}
	return ci.staged(&row)
}

// check validates a row's contact and scores a new one.
func (ci *contactImport) check(row *contactRow) {
	if row.isNew && !ci.cols.Has("name") {
		ci.p.Add(row.rec, "", "%s", domain.M("this is a new contact (no contact has this id) and the file has no name column: add a name column, or fix the id"))
	} else if err := row.c.Validate(); err != nil {
		ci.p.AddErr(row.rec, "", "", err)
	} else if row.isNew {
		// A new contact has no interactions or orders yet: it is scored
		// from its fields alone, as crm.Rescore would after the insert,
		// without reading back what was just written.
		r := ci.engine.Score(row.c, &domain.Facts{}, ci.now)
		row.c.Score, row.c.Grade, row.c.Fit, row.c.Engagement = r.Score, r.Grade, r.Fit, r.Engagement
	}
}

// staged is what a row stages: a new contact, a changed one, or one the
// file gives as it is (staged for the checks only).
func (ci *contactImport) staged(row *contactRow) store.StagedContact {
	s := store.StagedContact{Line: row.rec.Line, FileLine: row.rec.FileLine, Bad: ci.p.Bad(row.rec), Contact: row.c}
	switch {
	case s.Bad:
	case row.isNew:
		s.New = true
		if row.c.ID == 0 {
			ci.seq++
			s.Seq = ci.seq
		}
	case same(row.before, row.c):
		ci.unchanged++
	default:
		s.Changed, s.Before = true, row.before.Stage
	}
	return s
}

// set applies one cell to the row's contact; f is the column's field, if
// it is one.
func (ci *contactImport) set(row *contactRow, col csvfile.Column, f domain.Field, v string) {
	c := row.c
	switch {
	case col.Key == colID || col.Key == colScore || col.Key == colGrade:
		return // the id is read already; scores are recomputed
	case col.Key == colCreated:
		ci.setTime(row, col, v, &row.c.CreatedAt)
		return
	case col.Key == colLast:
		ci.setTime(row, col, v, &row.c.LastContactAt)
		return
	case col.Key == "name" && v == "":
		ci.p.Add(row.rec, col.Title, "%s", domain.M("the name is empty: every contact needs a name"))
		return
	case col.Key == "stage" && v == "":
		return // a new contact is a lead; an updated one keeps its stage
	case col.Key == "timezone" && ci.zones[v]:
		c.TimeZone = v // loading a zone reads a file: check each one once
		return
	}
	var err error
	if f.Name != "" {
		err = c.SetField(f, v, ci.now)
	} else {
		err = c.Set(col.Key, v, ci.now)
	}
	if err != nil {
		ci.p.AddErr(row.rec, col.Title, col.Key, err)
		return
	}
	if col.Key == "timezone" {
		ci.zones[v] = true
	}
}

// setTime reads created_at or last_contact_at into dst, which only a new
// contact takes: for one already there, its own activity says more.
func (ci *contactImport) setTime(row *contactRow, col csvfile.Column, v string, dst *time.Time) {
	if v == "" {
		return
	}
	t, err := csvfile.ParseTime(v, ci.now)
	if err != nil {
		ci.p.Add(row.rec, col.Title, "%s", domain.M("%q is not a date: write it like 2026-11-20T09:30:00Z, 2026-11-20 09:30 or 20/11/2026", csvfile.Clip(v)))
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

// addClashes words the problems of the file-wide checks: an id, email or
// phone given on two rows, or that another contact has.
func (ci *contactImport) addClashes(ctx context.Context, found store.StagedProblems) error {
	holders, err := ci.holders(ctx, found.List)
	if err != nil {
		return err
	}
	for _, f := range found.List {
		rec := &csvfile.Record{Line: f.Line, FileLine: f.FileLine}
		col := ci.cols.Title(f.Field)
		switch {
		case f.FirstLine > 0 && f.Field == colID:
			id, _ := domain.ParseContactID(f.Value)
			first := csvfile.Record{Line: f.FirstLine, FileLine: f.FirstFileLine}
			ci.p.AddLate(rec, col, "%s", domain.M("%s is already on %s: a contact takes one row of the file", domain.ContactRef(id), first.Where()))
		case f.FirstLine > 0:
			first := csvfile.Record{Line: f.FirstLine, FileLine: f.FirstFileLine}
			ci.p.AddLate(rec, col, "%s", domain.M("%s is already on %s: two contacts cannot share one %s; merge the rows or correct one", f.Value, first.Where(), crm.FieldWord(f.Field)))
		default:
			h := holders[f.Holder]
			ci.p.AddLate(rec, col, "%s", domain.M("%s already has the %s %s: remove it from this row, or put %s in the id column to update that contact",
				crm.Describe(h), crm.FieldWord(f.Field), f.Value, h.Ref()))
		}
	}
	ci.p.Count(found.Total, found.NewRows)
	return nil
}

// holders reads the contacts that hold an email or phone of the rows.
func (ci *contactImport) holders(ctx context.Context, list []store.StagedProblem) (map[int64]*domain.Contact, error) {
	var ids []int64
	for _, f := range list {
		if f.Holder != 0 {
			ids = append(ids, f.Holder)
		}
	}
	slices.Sort(ids)
	cs, err := ci.st.ContactsByIDs(ctx, slices.Compact(ids))
	out := make(map[int64]*domain.Contact, len(cs))
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, err
}
