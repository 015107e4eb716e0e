package csvio

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
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

// activityRow is a row of an orders or interactions file.
type activityRow struct {
	rec *record
	ref ref
	c   *domain.Contact
}

// readActivity checks the header and the contact cell of every row, and
// finds the contacts the rows name.
func readActivity(ctx context.Context, e *env, t *table, s schema, p *problems) (*columns, []activityRow, error) {
	cols, err := readHeader(t.Header, s)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]activityRow, len(t.Rows))
	w := newWanted(len(t.Rows))
	for i := range t.Rows {
		rec := &t.Rows[i]
		cols.checkWidth(rec, p)
		rows[i].rec = rec
		v := cols.get(rec, "contact")
		r, ok := parseRef(v)
		switch {
		case v == "":
			p.add(rec, cols.title("contact"), "the contact is empty: give its id (C42), email or phone")
		case !ok:
			p.add(rec, cols.title("contact"), "%q names no contact: give its id (C42), email or phone (a name could match several contacts)", clip(v))
		default:
			rows[i].ref = r
			w.add(r, rec)
		}
	}
	k := newKnown()
	if err := k.loadIDs(ctx, e.st, w); err != nil {
		return nil, nil, err
	}
	if err := k.loadHolders(ctx, e.st, w); err != nil {
		return nil, nil, err
	}
	for i := range rows {
		r := &rows[i]
		if r.ref == (ref{}) {
			continue
		}
		if r.c = k.find(r.ref); r.c == nil {
			p.add(r.rec, cols.title("contact"), "no contact has the %s: import the contacts first, or correct the reference", r.ref)
		}
	}
	return cols, rows, nil
}

func (w *wanted) add(r ref, rec *record) {
	switch {
	case r.id != 0:
		w.ids[r.id] = true
	case r.email != "" && w.emails[r.email] == nil:
		w.emails[r.email] = rec
	case r.phone != "" && w.phones[r.phone] == nil:
		w.phones[r.phone] = rec
	}
}

func (k *known) find(r ref) *domain.Contact {
	switch {
	case r.id != 0:
		return k.byID[r.id]
	case r.email != "":
		return k.byEmail[r.email]
	}
	return k.byPhone[r.phone]
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

// importOrders records the orders of a file and makes their contacts
// customers, as a sale does.
func importOrders(ctx context.Context, e *env, t *table) (Result, error) {
	var p problems
	cols, rows, err := readActivity(ctx, e, t, orderSchema, &p)
	if err != nil {
		return Result{}, err
	}
	orders := make([]domain.Order, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		o := domain.Order{Date: readDay(r.rec, cols, e.now, false, &p), Note: readNote(r.rec, cols, &p), Author: e.actor, CreatedAt: e.now.UTC()}
		o.Amount = readAmount(r.rec, cols, &p)
		if r.c != nil {
			o.ContactID = r.c.ID
		}
		orders = append(orders, o)
	}
	if err := p.err(); err != nil {
		return Result{}, err
	}
	if err := e.st.InsertOrders(ctx, orders); err != nil {
		return Result{}, err
	}
	made, err := e.makeCustomers(ctx, rows)
	if err != nil {
		return Result{}, err
	}
	return Result{Created: len(orders), Customers: made}, e.rescore(ctx, contactIDs(rows))
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

// makeCustomers moves the contacts of the rows that are not customers yet
// to that stage, recording the moves with the note "import".
func (e *env) makeCustomers(ctx context.Context, rows []activityRow) (int, error) {
	var moves []domain.Move
	for i := range rows {
		c := rows[i].c
		if c.Stage == domain.Customer {
			continue
		}
		moves = append(moves, domain.Move{ContactID: c.ID, From: c.Stage, To: domain.Customer, Note: "import", Author: e.actor, At: e.now.UTC()})
		c.Stage = domain.Customer
		if err := e.st.UpdateContact(ctx, c); err != nil {
			return 0, err
		}
	}
	return len(moves), e.st.InsertMoves(ctx, moves)
}

// importInteractions records the interactions of a file and moves their
// contacts' last contact time forward.
func importInteractions(ctx context.Context, e *env, t *table) (Result, error) {
	var p problems
	cols, rows, err := readActivity(ctx, e, t, interactionSchema, &p)
	if err != nil {
		return Result{}, err
	}
	list := make([]domain.Interaction, 0, len(rows))
	last := map[int64]time.Time{}
	for i := range rows {
		r := &rows[i]
		x := domain.Interaction{At: readDay(r.rec, cols, e.now, true, &p), Note: readNote(r.rec, cols, &p), Author: e.actor}
		kind, err := domain.ParseInteractionKind(cols.get(r.rec, "kind"))
		if err != nil {
			p.addErr(r.rec, cols.title("kind"), "", err)
		}
		x.Kind = kind
		if r.c != nil {
			x.ContactID = r.c.ID
			if x.At.After(last[x.ContactID]) {
				last[x.ContactID] = x.At
			}
		}
		list = append(list, x)
	}
	if err := p.err(); err != nil {
		return Result{}, err
	}
	if err := e.st.InsertInteractions(ctx, list); err != nil {
		return Result{}, err
	}
	if err := e.st.UpdateContactsLastContact(ctx, last); err != nil {
		return Result{}, err
	}
	return Result{Created: len(list)}, e.rescore(ctx, contactIDs(rows))
}

// contactIDs lists the ids of the rows' contacts, each once, sorted.
func contactIDs(rows []activityRow) []int64 {
	set := map[int64]bool{}
	for _, r := range rows {
		set[r.c.ID] = true
	}
	return sortedIDs(set)
}
