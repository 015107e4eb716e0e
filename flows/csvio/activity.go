package csvio

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

var orderSchema = schema{
	resolve: aliases(map[string]string{
		"contact": "contact", "client": "contact", "customer": "contact",
		"amount": "amount", "montant": "amount",
		"date": "date",
		"note": "note", "notes": "note", "comment": "note", "commentaire": "note",
	}),
	names:    []string{"contact", "amount", "date", "note"},
	required: []string{"contact", "amount", "date"},
}

var interactionSchema = schema{
	resolve: aliases(map[string]string{
		"contact": "contact", "client": "contact", "customer": "contact",
		"kind": "kind", "type": "kind",
		"date": "date", "at": "date",
		"note": "note", "notes": "note", "comment": "note", "commentaire": "note",
	}),
	names:    []string{"contact", "kind", "date", "note"},
	required: []string{"contact", "kind", "date"},
}

func aliases(m map[string]string) func(string) (string, bool) {
	return func(t string) (string, bool) {
		k, ok := m[t]
		return k, ok
	}
}

// ref is how a row names its contact: by id, email or phone.
type ref struct {
	id           int64
	email, phone string
}

// parseRef reads the contact cell of an orders or interactions row, as
// crm.Resolve reads a reference: ten digits starting with 0 are a phone
// number, not an id.
func parseRef(v string) (ref, bool) {
	if v != "" && (v[0] == 'C' || v[0] == 'c') {
		// No phone number starts with a letter: the error of reading an
		// id such as C42 as a phone need not be made.
		if id, ok := domain.ParseContactID(v); ok {
			return ref{id: id}, true
		}
	}
	phone, perr := domain.NormalizePhone(v)
	if id, ok := domain.ParseContactID(v); ok && perr != nil {
		return ref{id: id}, true
	}
	if strings.Contains(v, "@") {
		if email, err := domain.NormalizeEmail(v); err == nil {
			return ref{email: email}, true
		}
		return ref{}, false
	}
	if perr == nil {
		return ref{phone: phone}, true
	}
	return ref{}, false
}

func (r ref) String() string {
	switch {
	case r.id != 0:
		return domain.ContactRef(r.id)
	case r.email != "":
		return "email " + r.email
	}
	return "phone " + r.phone
}

// fillFunc reads the cells of an orders or interactions row other than
// the contact into a, reporting problems to p.
type fillFunc func(e *env, rec *record, cols *columns, p *problems, a *store.StagedActivity)

// stageActivity checks every row of an orders or interactions file and
// stages it, chunk by chunk, then finds the contacts the rows name. It
// returns the staging tables of a file without problems.
func (e *env) stageActivity(ctx context.Context, src *source, s schema, fill fillFunc) (*store.Staging, error) {
	cols, err := readHeader(src.Header, s)
	if err != nil {
		return nil, err
	}
	stg, err := e.st.StartStaging(ctx, store.StageActivity)
	if err != nil {
		return nil, err
	}
	var p problems
	read := func(chunk []*record) ([]store.StagedActivity, error) {
		rows := make([]store.StagedActivity, 0, len(chunk))
		for _, rec := range chunk {
			if a, ok := e.readActivity(rec, cols, &p, fill); ok {
				rows = append(rows, a)
			}
		}
		return rows, nil
	}
	err = eachChunkAhead(src, read, func(rows []store.StagedActivity) error { return stg.AddActivity(ctx, rows) })
	if err != nil {
		return nil, err
	}
	found, err := stg.ResolveActivity(ctx, maxShown)
	if err != nil {
		return nil, err
	}
	for _, f := range found.List {
		p.addLate(&record{Line: f.Line, FileLine: f.FileLine}, cols.title("contact"), "no contact has the %s: import the contacts first, or correct the reference", stagedRef(f))
	}
	p.count(found.Total, found.NewRows)
	return stg, p.err()
}

// stagedRef is the reference that a file-wide problem names.
func stagedRef(f store.StagedProblem) ref {
	switch f.Field {
	case "id":
		id, _ := domain.ParseContactID(f.Value)
		return ref{id: id}
	case "email":
		return ref{email: f.Value}
	}
	return ref{phone: f.Value}
}

// readActivity reads one row; ok is false when its contact cannot be read
// (nothing to stage).
func (e *env) readActivity(rec *record, cols *columns, p *problems, fill fillFunc) (a store.StagedActivity, ok bool) {
	cols.checkWidth(rec, p)
	v := cols.get(rec, "contact")
	r, ok := parseRef(v)
	switch {
	case v == "":
		p.add(rec, cols.title("contact"), "the contact is empty: give its id (C42), email or phone")
	case !ok:
		p.add(rec, cols.title("contact"), "%q names no contact: give its id (C42), email or phone (a name could match several contacts)", clip(v))
	}
	fill(e, rec, cols, p, &a)
	a.Line, a.FileLine, a.Bad = rec.Line, rec.FileLine, p.bad(rec)
	a.RefID, a.RefEmail, a.RefPhone = r.id, r.email, r.phone
	return a, ok && v != ""
}

// readDay reads the date cell of a row, which must not be in the future.
// withTime accepts a time of day too.
func readDay(rec *record, cols *columns, now time.Time, withTime bool, p *problems) time.Time {
	v := cols.get(rec, "date")
	if v == "" {
		p.add(rec, cols.title("date"), "the date is empty: write it like 2026-11-20, 20/11/2026 or today")
		return time.Time{}
	}
	parse := func(v string) (time.Time, error) { return domain.ParseDate(v, now) }
	if withTime {
		parse = func(v string) (time.Time, error) { return parseTime(v, now) }
	}
	t, err := parse(v)
	if err != nil {
		hint := "2026-11-20, 20/11/2026 or today"
		if withTime {
			hint = "2026-11-20, 2026-11-20 14:30, 20/11/2026 or today"
		}
		p.add(rec, cols.title("date"), "%q is not a date: write it like %s", clip(v), hint)
		return time.Time{}
	}
	y, m, d := now.Date()
	if !t.Before(time.Date(y, m, d+2, 0, 0, 0, 0, time.UTC)) {
		p.add(rec, cols.title("date"), "%s is in the future: give the day it happened", domain.FormatDate(t))
	}
	return t
}

// importOrders records the orders of a file, adds them to their
// customers' aggregates and makes their contacts customers, as a sale does.
func importOrders(ctx context.Context, e *env, src *source) (Result, error) {
	stg, err := e.stageActivity(ctx, src, orderSchema, fillOrder)
	if err != nil {
		return Result{}, err
	}
	made, err := stg.ApplyOrders(ctx, e.actor)
	if err != nil {
		return Result{}, err
	}
	return Result{Created: src.rows, Customers: made}, e.finish(ctx, stg)
}

func fillOrder(e *env, rec *record, cols *columns, p *problems, a *store.StagedActivity) {
	a.At = readDay(rec, cols, e.now, false, p)
	a.Note = readNote(rec, cols, p)
	a.Amount = readAmount(rec, cols, p)
}

// maxNote bounds the note of an order or interaction, in characters.
const maxNote = 2000

func readNote(rec *record, cols *columns, p *problems) string {
	v := cols.get(rec, "note")
	if n := utf8.RuneCountInString(v); n > maxNote {
		p.add(rec, cols.title("note"), "the note is too long (%d characters, %d at most): shorten it", n, maxNote)
	}
	return v
}

func readAmount(rec *record, cols *columns, p *problems) int64 {
	v := cols.get(rec, "amount")
	if v == "" {
		p.add(rec, cols.title("amount"), "the amount is empty: write it like 1200, 1200.50 or 1 200,50 €")
		return 0
	}
	n, err := domain.ParseAmount(v)
	if err != nil {
		p.addErr(rec, cols.title("amount"), "", err)
	} else if n == 0 {
		p.add(rec, cols.title("amount"), "the amount is 0: an order is worth more than 0, as in 1200")
	}
	return n
}

// importInteractions records the interactions of a file and moves their
// contacts' last contact time forward.
func importInteractions(ctx context.Context, e *env, src *source) (Result, error) {
	stg, err := e.stageActivity(ctx, src, interactionSchema, fillInteraction)
	if err != nil {
		return Result{}, err
	}
	if err := stg.ApplyInteractions(ctx, e.actor); err != nil {
		return Result{}, err
	}
	return Result{Created: src.rows}, e.finish(ctx, stg)
}

func fillInteraction(e *env, rec *record, cols *columns, p *problems, a *store.StagedActivity) {
	a.At = readDay(rec, cols, e.now, true, p)
	a.Note = readNote(rec, cols, p)
	kind, err := domain.ParseInteractionKind(cols.get(rec, "kind"))
	if err != nil {
		p.addErr(rec, cols.title("kind"), "", err)
	}
	a.Kind = string(kind)
}
