package csvio

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
)

var orderSchema = csvfile.Schema{
	Resolve: aliases(map[string]string{
		"contact": "contact", "client": "contact", "customer": "contact",
		"amount": "amount", "montant": "amount",
		"date": "date",
		"note": "note", "notes": "note", "comment": "note", "commentaire": "note",
	}),
	Names:    []string{"contact", "amount", "date", "note"},
	Required: []string{"contact", "amount", "date"},
}

var interactionSchema = csvfile.Schema{
	Resolve: aliases(map[string]string{
		"contact": "contact", "client": "contact", "customer": "contact",
		"kind": "kind", "type": "kind",
		"date": "date", "at": "date",
		"note": "note", "notes": "note", "comment": "note", "commentaire": "note",
	}),
	Names:    []string{"contact", "kind", "date", "note"},
	Required: []string{"contact", "kind", "date"},
}

func aliases(m map[string]string) func(string) (string, bool) {
	return func(t string) (string, bool) {
		k, ok := m[t]
		return k, ok
	}
}

// parseRef reads the contact cell of an orders or interactions row, as
// crm.Resolve reads a reference: ten digits starting with 0 are a phone
// number, not an id.
func parseRef(v string) (store.ContactRef, bool) {
	if v != "" && (v[0] == 'C' || v[0] == 'c') {
		// No phone number starts with a letter: the error of reading an
		// id such as C42 as a phone need not be made.
		if id, ok := domain.ParseContactID(v); ok {
			return store.ContactRef{ID: id}, true
		}
	}
	phone, perr := domain.NormalizePhone(v)
	if id, ok := domain.ParseContactID(v); ok && perr != nil {
		return store.ContactRef{ID: id}, true
	}
	if strings.Contains(v, "@") {
		if email, err := domain.NormalizeEmail(v); err == nil {
			return store.ContactRef{Email: email}, true
		}
		return store.ContactRef{}, false
	}
	if perr == nil {
		return store.ContactRef{Phone: phone}, true
	}
	return store.ContactRef{}, false
}

// activityRow is a row of an orders or interactions file: the contact it
// names and what it records.
type activityRow struct {
	rec     *csvfile.Record
	contact int64
	amount  int64  // orders
	kind    string // interactions
	at      time.Time
	note    string
}

// fillFunc reads the cells of an orders or interactions row other than
// the contact into a, reporting problems to p.
type fillFunc func(e *env, rec *csvfile.Record, cols *csvfile.Columns, p *csvfile.Problems, a *activityRow)

// activityImport is the state of one orders or interactions import.
type activityImport struct {
	*env
	load  *store.ActivityLoad
	cols  *csvfile.Columns
	fill  fillFunc
	p     csvfile.Problems
	known refCache
}

// loadActivity checks every row of an orders or interactions file and
// finds the contacts the rows name, chunk by chunk, and has write write
// each chunk of good rows; once a row has a problem nothing more is
// written (the transaction will not be committed) and the rest of the
// file is checked, so that the error lists the first problems and counts
// them all.
func loadActivity[T any](ctx context.Context, e *env, load *store.ActivityLoad, src *csvfile.Reader, s csvfile.Schema, fill fillFunc, row func(*activityRow, int64) T, write func([]T) error) error {
	cols, err := csvfile.ReadHeader(src.Header, s)
	if err != nil {
		return err
	}
	ai := &activityImport{env: e, load: load, cols: cols, fill: fill}
	build := func(chunk []*csvfile.Record) ([]T, error) {
		rows, err := ai.readChunk(ctx, chunk)
		if err != nil || ai.p.Total() > 0 {
			return nil, err
		}
		out := make([]T, len(rows))
		for i := range rows {
			out[i] = row(&rows[i], rows[i].contact)
		}
		return out, nil
	}
	if err := eachChunkAhead(src, build, write); err != nil {
		return err
	}
	return ai.p.Err()
}

// readChunk reads the rows of a chunk, after finding the contacts they
// name; a row whose contact is unknown is a problem.
func (ai *activityImport) readChunk(ctx context.Context, chunk []*csvfile.Record) ([]activityRow, error) {
	refs := make([]store.ContactRef, len(chunk))
	valid := make([]bool, len(chunk))
	for i, rec := range chunk {
		refs[i], valid[i] = parseRef(ai.cols.Get(rec, "contact"))
	}
	if err := ai.known.find(ctx, refs, valid, ai.load.ResolveRefs); err != nil {
		return nil, err
	}
	rows := make([]activityRow, 0, len(chunk))
	for i, rec := range chunk {
		if a, ok := ai.readActivity(rec, refs[i], valid[i]); ok {
			rows = append(rows, a)
		}
	}
	return rows, nil
}

// refText names a reference in a message.
func refText(r store.ContactRef) any {
	switch {
	case r.ID != 0:
		return domain.ContactRef(r.ID)
	case r.Email != "":
		return domain.M("email %s", r.Email)
	}
	return domain.M("phone %s", r.Phone)
}

// readActivity reads one row, whose contact cell reads as r (when
// valid); ok is false when the row names no known contact.
func (ai *activityImport) readActivity(rec *csvfile.Record, r store.ContactRef, valid bool) (a activityRow, ok bool) {
	cols, p := ai.cols, &ai.p
	cols.CheckWidth(rec, p)
	v := cols.Get(rec, "contact")
	contact, known := ai.known.get(r)
	switch {
	case v == "":
		p.Add(rec, cols.Title("contact"), "%s", domain.M("the contact is empty: give its id (C42), email or phone"))
	case !valid:
		p.Add(rec, cols.Title("contact"), "%s", domain.M("%q names no contact: give its id (C42), email or phone (a name could match several contacts)", csvfile.Clip(v)))
	case !known:
		p.Add(rec, cols.Title("contact"), "%s", domain.M("no contact has the %s: import the contacts first, or correct the reference", refText(r)))
	}
	ai.fill(ai.env, rec, cols, p, &a)
	a.rec, a.contact = rec, contact
	return a, valid && known && v != ""
}

// readDay reads the date cell of a row, which must not be in the future.
// withTime accepts a time of day too.
func readDay(rec *csvfile.Record, cols *csvfile.Columns, now time.Time, withTime bool, p *csvfile.Problems) time.Time {
	v := cols.Get(rec, "date")
	if v == "" {
		p.Add(rec, cols.Title("date"), "%s", domain.M("the date is empty: write it like 2026-11-20, 20/11/2026 or today"))
		return time.Time{}
	}
	parse := func(v string) (time.Time, error) { return domain.ParseDate(v, now) }
	if withTime {
		parse = func(v string) (time.Time, error) { return csvfile.ParseTime(v, now) }
	}
	t, err := parse(v)
	if err != nil {
		hint := domain.M("2026-11-20, 20/11/2026 or today")
		if withTime {
			hint = domain.M("2026-11-20, 2026-11-20 14:30, 20/11/2026 or today")
		}
		p.Add(rec, cols.Title("date"), "%s", domain.M("%q is not a date: write it like %s", csvfile.Clip(v), hint))
		return time.Time{}
	}
	y, m, d := now.Date()
	if !t.Before(time.Date(y, m, d+2, 0, 0, 0, 0, time.UTC)) {
		p.Add(rec, cols.Title("date"), "%s", domain.M("%s-%s-%s is in the future: give the day it happened", crm.DayArgs(t)...))
	}
	return t
}

// importOrders records the orders of a file, adds them to their
// customers' aggregates and makes their contacts customers, as a sale does.
func importOrders(ctx context.Context, e *env, src *csvfile.Reader) (Result, error) {
	load, err := e.st.StartOrders(ctx)
	if err != nil {
		return Result{}, err
	}
	order := func(a *activityRow, contact int64) domain.Order {
		return domain.Order{ContactID: contact, Amount: a.amount, Date: a.at, Note: a.note, Author: e.actor}
	}
	write := func(os []domain.Order) error { return load.AddOrders(ctx, os) }
	if err := loadActivity(ctx, e, load, src, orderSchema, fillOrder, order, write); err != nil {
		return Result{}, err
	}
	made, err := load.FinishOrders(ctx, e.actor)
	if err != nil {
		return Result{}, err
	}
	return Result{Created: src.Rows(), Customers: made}, e.finish(ctx, load)
}

func fillOrder(e *env, rec *csvfile.Record, cols *csvfile.Columns, p *csvfile.Problems, a *activityRow) {
	a.at = readDay(rec, cols, e.now, false, p)
	a.note = readNote(rec, cols, p)
	a.amount = readAmount(rec, cols, p)
}

// maxNote bounds the note of an order or interaction, in characters.
const maxNote = 2000

func readNote(rec *csvfile.Record, cols *csvfile.Columns, p *csvfile.Problems) string {
	v := cols.Get(rec, "note")
	if n := utf8.RuneCountInString(v); n > maxNote {
		p.Add(rec, cols.Title("note"), "%s", domain.M("the note is too long (%d characters, %d at most): shorten it", n, maxNote))
	}
	return v
}

func readAmount(rec *csvfile.Record, cols *csvfile.Columns, p *csvfile.Problems) int64 {
	v := cols.Get(rec, "amount")
	if v == "" {
		p.Add(rec, cols.Title("amount"), "%s", domain.M("the amount is empty: write it like 1200, 1200.50 or 1 200,50 €"))
		return 0
	}
	n, err := domain.ParseAmount(v)
	if err != nil {
		p.AddErr(rec, cols.Title("amount"), "", err)
	} else if n == 0 {
		p.Add(rec, cols.Title("amount"), "%s", domain.M("the amount is 0: an order is worth more than 0, as in 1200"))
	}
	return n
}

// importInteractions records the interactions of a file and moves their
// contacts' last contact time forward.
func importInteractions(ctx context.Context, e *env, src *csvfile.Reader) (Result, error) {
	load, err := e.st.StartInteractions(ctx)
	if err != nil {
		return Result{}, err
	}
	interaction := func(a *activityRow, contact int64) domain.Interaction {
		return domain.Interaction{ContactID: contact, Kind: domain.InteractionKind(a.kind), Note: a.note, Author: e.actor, At: a.at}
	}
	write := func(is []domain.Interaction) error { return load.AddInteractions(ctx, is) }
	if err := loadActivity(ctx, e, load, src, interactionSchema, fillInteraction, interaction, write); err != nil {
		return Result{}, err
	}
	if err := load.FinishInteractions(ctx); err != nil {
		return Result{}, err
	}
	return Result{Created: src.Rows()}, e.finish(ctx, load)
}

func fillInteraction(e *env, rec *csvfile.Record, cols *csvfile.Columns, p *csvfile.Problems, a *activityRow) {
	a.at = readDay(rec, cols, e.now, true, p)
	a.note = readNote(rec, cols, p)
	kind, err := domain.ParseInteractionKind(cols.Get(rec, "kind"))
	if err != nil {
		p.AddErr(rec, cols.Title("kind"), "", err)
	}
	a.kind = string(kind)
}
