// Package csvio is the spreadsheet round trip: it imports contacts, orders
// and interactions from CSV files and exports contacts as CSV or JSON. What
// Export writes, Import reads back.
//
// An import is all or nothing: every row is checked first, every bad row is
// reported with its line as a spreadsheet numbers it (the header is line 1),
// and only a file without problems is written, in one transaction, with the
// scores of the contacts it touched recomputed in that same transaction.
//
// Memory does not grow with the file: it is read in chunks of rows, each
// checked and staged in temporary tables of the store (see
// store.Staging); the checks that need the whole file (a value given
// twice, references to resolve) are queries on the staged rows, which keep
// the first problems by line and count the others; and a good file is
// moved into the real tables by set-based statements, then its contacts
// rescored chunk by chunk.
//
// How a file is written (separator, encoding, quotes, line numbers, header
// matching, the list of problems) is package csvfile's; this package says
// what each kind of file holds and what its rows do to the database.
package csvio

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
)

// Store is what imports need of the database; *store.DB satisfies it.
type Store interface {
	ExportStore
	crm.BulkStore
	InBulkTx(ctx context.Context, fn func(ctx context.Context) error) error
	Tidy(ctx context.Context, tables ...string) error
	StartStaging(ctx context.Context) (*store.Staging, error)
	StartOrders(ctx context.Context) (*store.ActivityLoad, error)
	StartInteractions(ctx context.Context) (*store.ActivityLoad, error)
}

// ExportStore is what Export needs of the database.
type ExportStore interface {
	EachContact(ctx context.Context, batch int, fn func([]*domain.Contact) error) error
}

// The kinds of file Import reads.
const (
	Contacts     = "contacts"
	Orders       = "orders"
	Interactions = "interactions"
)

// Result counts what an import did.
type Result struct {
	Kind      string `json:"kind"`      // contacts, orders or interactions
	Rows      int    `json:"rows"`      // data rows read; empty rows are skipped
	Created   int    `json:"created"`   // contacts, orders or interactions created
	Updated   int    `json:"updated"`   // contacts changed (contacts files)
	Unchanged int    `json:"unchanged"` // contacts the file gives as they are
	Customers int    `json:"customers"` // contacts an orders file made customers
}

// String says what was imported, in English, as in "120 contacts (100
// created, 20 updated)".
func (r Result) String() string { return r.Msg().String() }

// Msg says what was imported, for a printer to write in its reader's
// language: every count a plural of its own, since French agrees the
// words with each ("1 créé", "2 créés").
func (r Result) Msg() domain.Msg {
	switch r.Kind {
	case Contacts:
		created := domain.Countf(r.Created, "%d created", "%d created", r.Created)
		updated := domain.Countf(r.Updated, "%d updated", "%d updated", r.Updated)
		changes := domain.M("%s, %s", created, updated)
		if r.Unchanged > 0 {
			changes = domain.M("%s, %s, %s", created, updated, domain.Countf(r.Unchanged, "%d unchanged", "%d unchanged", r.Unchanged))
		}
		return domain.Countf(r.Rows, "%d contact (%s)", "%d contacts (%s)", r.Rows, changes)
	case Orders:
		became := domain.Countf(r.Customers, "%d contact became a customer", "%d contacts became customers", r.Customers)
		return domain.Countf(r.Created, "%d order (%s)", "%d orders (%s)", r.Created, became)
	}
	return domain.Countf(r.Created, "%d interaction", "%d interactions", r.Created)
}

// env is what one import works with.
type env struct {
	st     Store
	engine *domain.Engine
	now    time.Time
	actor  string
}

// Import reads a CSV file of kind contacts, orders or interactions from r
// and writes it in one transaction, as actor (the author of what it
// records and the default owner of new contacts). now resolves dates such
// as "today" and stamps what is created. A file with any problem is not
// imported at all: the *domain.Error (code Invalid) lists each bad row with
// its line, its column, what is wrong and how to write it.
//
// Contacts: the columns are the fields of add (French names work too),
// attr.<name> for custom attributes, and id, score, grade and created_at as
// Export writes them (score and grade are recomputed). A row with an empty
// id is a new contact (stage lead and owner actor unless the row says
// otherwise); with the id of an existing contact it updates the columns
// the file has (an empty cell clears a field); with an unknown id it
// creates the contact with that id. Orders: contact (an id such as C42, an
// email or a phone), amount, date, optional note; the contact becomes a
// customer. Interactions: contact, kind, date, optional note; the
// contact's last contact time follows.
func Import(ctx context.Context, st Store, engine *domain.Engine, now time.Time, kind string, r io.Reader, actor string) (Result, error) {
	var run func(context.Context, *env, *csvfile.Reader) (Result, error)
	kind = strings.ToLower(strings.TrimSpace(kind))
	switch kind {
	case Contacts:
		run = importContacts
	case Orders:
		run = importOrders
	case Interactions:
		run = importInteractions
	default:
		return Result{}, domain.Errorf(domain.Invalid, "cannot import %q: the kinds of file are contacts, orders and interactions", kind)
	}
	src, err := csvfile.NewReader(r)
	if err != nil {
		return Result{}, err
	}
	e := &env{st: st, engine: engine, now: now, actor: actor}
	var res Result
	err = st.InBulkTx(ctx, func(ctx context.Context) error {
		var err error
		res, err = run(ctx, e, src)
		return err
	})
	if err != nil {
		return Result{}, err
	}
	res.Kind, res.Rows = kind, src.Rows()
	if res.Rows >= tidyMin {
		if err := st.Tidy(ctx, tidied[kind]...); err != nil {
			return res, fmt.Errorf("the import is written, but tidying after it failed: %w", err)
		}
	}
	return res, nil
}

// tidyMin is the fewest rows of an import after which the tables it wrote
// are tidied (Store.Tidy): a big load leaves PostgreSQL's statistics and
// visibility map behind, and the digest's reads of the covering indexes
// went back to the table for every row until autovacuum came (2.7 s
// instead of 1.3 for the digest after 10,000,000 orders).
const tidyMin = 50_000

// tidied are the tables an import of each kind writes many rows of.
var tidied = map[string][]string{
	Contacts:     {"contacts", "contact_words", "moves"},
	Orders:       {"orders", "customer_stats", "contacts", "moves"},
	Interactions: {"interactions", "contacts"},
}

// rescoreChunk bounds the contacts one crm.Rescore call reads and scores
// at once, as EachContact does for a rescore of everything.
const rescoreChunk = 5000

// applied is an import written to the database, whose contacts need a
// new score.
type applied interface {
	Touched(ctx context.Context, after int64, limit int) ([]int64, error)
	Drop(ctx context.Context) error
}

// finish rescores, chunk by chunk, the contacts that the applied import
// changed, and drops its temporary tables.
func (e *env) finish(ctx context.Context, stg applied) error {
	var after int64
	for {
		ids, err := stg.Touched(ctx, after, rescoreChunk)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return stg.Drop(ctx)
		}
		if _, err := crm.Rescore(ctx, e.st, e.engine, e.now, ids...); err != nil {
			return fmt.Errorf("rescore imported contacts: %w", err)
		}
		after = ids[len(ids)-1]
	}
}
