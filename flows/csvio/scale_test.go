package csvio_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// These tests import files of tens of thousands of rows, on SQLite and
// PostgreSQL, and check what the import wrote with SQL of their own
// rather than through the store.

// openRaw returns a fresh migrated database of kind and a plain
// database/sql handle on it, for checks that do not go through the store.
func openRaw(t *testing.T, kind string) (*store.DB, *sql.DB) {
	t.Helper()
	dsn := storetest.DSN(t, kind)
	db, err := store.Open(context.Background(), dsn, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	driver := map[string]string{"sqlite": "sqlite3", "postgres": "pgx"}[kind]
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

// eachRaw runs fn on a fresh database of each kind, with its raw handle.
func eachRaw(t *testing.T, fn func(t *testing.T, db *store.DB, raw *sql.DB)) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			db, raw := openRaw(t, kind)
			fn(t, db, raw)
		})
	}
}

func queryInts(t *testing.T, raw *sql.DB, q string) []int64 {
	t.Helper()
	rows, err := raw.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []int64
	for rows.Next() {
		vals := make([]int64, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, vals...)
	}
	return out
}

// fingerprint sums up everything an import may write.
func fingerprint(t *testing.T, raw *sql.DB) string {
	t.Helper()
	return fmt.Sprint(queryInts(t, raw, `SELECT
		(SELECT COUNT(*) FROM contacts), (SELECT COALESCE(SUM(score), 0) FROM contacts),
		(SELECT COUNT(*) FROM contacts WHERE stage = 'customer'), (SELECT COUNT(*) FROM contact_words),
		(SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM moves), (SELECT COUNT(*) FROM interactions),
		(SELECT COUNT(*) FROM customer_stats), (SELECT COALESCE(SUM(amount), 0) FROM customer_stats),
		(SELECT COUNT(*) FROM contacts WHERE last_contact_at IS NOT NULL)`))
}

// people writes a contacts file of n new contacts, each with an email and
// a phone derived from its number i (1..n), which becomes its id in an
// empty database.
func people(n int) string {
	var b strings.Builder
	b.WriteString("name,email,phone,company,role,employees,stage\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Personne %d,p%d@example.fr,06%08d,Société %d,%s,%d,%s\n",
			i, i, i, i%97, []string{"PDG", "acheteur", ""}[i%3], i%300, []string{"lead", "prospect", "", "client"}[i%4])
	}
	return b.String()
}

// orderRef names contact i in one of the ways a file may: C42, 42, its
// email in capitals, its phone in national or international form.
func orderRef(i, row int) string {
	switch row % 5 {
	case 0:
		return fmt.Sprintf("C%d", i)
	case 1:
		return fmt.Sprint(i)
	case 2:
		return fmt.Sprintf("P%d@EXAMPLE.FR", i)
	case 3:
		return fmt.Sprintf("06 %08d", i)
	}
	return fmt.Sprintf("+336%08d", i)
}

// orderFile writes n orders over contacts 1..customers, most to the first
// few, and adds each to want (contact → [orders, cents]).
func orderFile(n, customers, seed int, want map[int64][2]int64) string {
	var b strings.Builder
	b.WriteString("contact;amount;date\n")
	for row := range n {
		k := (row*7919 + seed) % (customers * 4)
		i := 1 + k%customers
		if k%4 != 0 { // three orders in four to the first tenth
			i = 1 + k%max(1, customers/10)
		}
		cents := int64(100 + (row*37+seed)%90000)
		fmt.Fprintf(&b, "%s;%d,%02d;2026-%02d-%02d\n", orderRef(i, row+seed), cents/100, cents%100, 1+row%10, 1+row%28)
		w := want[int64(i)]
		want[int64(i)] = [2]int64{w[0] + 1, w[1] + cents}
	}
	return b.String()
}

// TestBadRowDeepInABigFileKeepsNothing imports files of 30,000 rows with
// one problem far down, of each kind the checks find: while reading (a
// bad amount), when resolving references (an unknown email), between rows
// (an email twice) and against the database (an email already held).
func TestBadRowDeepInABigFileKeepsNothing(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		imp(t, db, csvio.Contacts, people(2000))
		imp(t, db, csvio.Orders, orderFile(5000, 2000, 1, map[int64][2]int64{}))
		before := fingerprint(t, raw)
		orders := strings.Split(orderFile(30_000, 2000, 2, map[int64][2]int64{}), "\n")
		contacts := strings.Split(people(32_000), "\n")[2001:] // new ones, for an empty id column
		contacts = append([]string{"name,email,phone,company,role,employees,stage"}, contacts...)
		cases := []struct {
			kind    string
			lines   []string
			line    int // 1 is the header
			bad     string
			message string
		}{
			{csvio.Orders, orders, 23_457, "C5;douze;2026-11-01", `line 23457, column amount: "douze" is not an amount`},
			{csvio.Orders, orders, 29_001, "nobody@example.fr;12;2026-11-01", "line 29001, column contact: no contact has the email nobody@example.fr"},
			{csvio.Contacts, contacts, 27_777, "Twice,p2002@example.fr,,,,,", "line 27777, column email: p2002@example.fr is already on line 3"},
			{csvio.Contacts, contacts, 20_000, "Taken,p17@example.fr,,,,,", "line 20000, column email: C17 Personne 17 (Société 17) already has the email p17@example.fr"},
		}
		for _, c := range cases {
			lines := append([]string(nil), c.lines...)
			lines[c.line-1] = c.bad
			msg := impErr(t, db, c.kind, strings.Join(lines, "\n"))
			contains(t, msg, "1 row of the file needs fixing", c.message)
			if after := fingerprint(t, raw); after != before {
				t.Errorf("a failed import of %s changed the database:\n%s\n%s", c.kind, before, after)
			}
		}
		// The failures left nothing behind on the connections either: the
		// same files, fixed, import.
		if res := imp(t, db, csvio.Orders, strings.Join(orders, "\n")); res.Created != 30_000 {
			t.Errorf("orders: %+v", res)
		}
		if res := imp(t, db, csvio.Contacts, strings.Join(contacts, "\n")); res.Created != 30_000 {
			t.Errorf("contacts: %+v", res)
		}
	})
}

// TestClashesFoundWhenWritten covers the clashes that a good-looking file
// meets only when it is written (ApplyContacts trusts the unique indexes):
// an email twice in a file big enough that the indexes are built again
// after it is written, and a contact updated twice. Each is named by its
// line and keeps nothing.
func TestClashesFoundWhenWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 60,000 contacts")
	}
	eachRaw(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		imp(t, db, csvio.Contacts, people(2000))
		before := fingerprint(t, raw)
		big := strings.Split(people(62_000), "\n")[2001:]
		big = append([]string{"name,email,phone,company,role,employees,stage"}, big...)
		big[55_554] = "Twice,p2002@example.fr,,,,,"
		msg := impErr(t, db, csvio.Contacts, strings.Join(big, "\n"))
		contains(t, msg, "1 row of the file needs fixing", "line 55555, column email: p2002@example.fr is already on line 3")
		msg = impErr(t, db, csvio.Contacts, "id,city\nC5,Lyon\nC6,Nantes\nC5,Brest\n")
		contains(t, msg, "line 4, column id: C5 is already on line 2: a contact takes one row of the file")
		if after := fingerprint(t, raw); after != before {
			t.Errorf("a failed import changed the database:\n%s\n%s", before, after)
		}
	})
}

// TestImportedAggregatesMatchTheOrders imports contacts, interactions and
// two files of orders naming their contacts every way a file may, then
// checks each customer's orders against what the files meant, the
// maintained aggregates and stages against the orders themselves, and the
// scores against a rescore of every contact one by one.
func TestImportedAggregatesMatchTheOrders(t *testing.T) {
	eachRaw(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		const n = 3000
		imp(t, db, csvio.Contacts, people(n))
		var inter strings.Builder
		inter.WriteString("contact,kind,date\n")
		for i := 1; i <= n; i += 7 {
			fmt.Fprintf(&inter, "%s,%s,2026-11-%02d 10:30\n", orderRef(i, i), []string{"call", "meeting", "form"}[i%3], 1+i%24)
		}
		imp(t, db, csvio.Interactions, inter.String())
		want := map[int64][2]int64{}
		first := imp(t, db, csvio.Orders, orderFile(20_000, n, 3, want))
		second := imp(t, db, csvio.Orders, orderFile(10_000, n/2, 11, want))

		got := map[int64][2]int64{}
		for r := queryInts(t, raw, "SELECT contact_id, COUNT(*), SUM(amount) FROM orders GROUP BY contact_id"); len(r) > 0; r = r[3:] {
			got[r[0]] = [2]int64{r[1], r[2]}
		}
		if len(got) != len(want) {
			t.Errorf("%d customers have orders, want %d", len(got), len(want))
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("C%d has %v (orders, cents), want %v", id, got[id], w)
			}
		}
		stats := `SELECT contact_id, first_order, last_order, orders, amount FROM customer_stats`
		agg := `SELECT contact_id, MIN(date), MAX(date), COUNT(*), SUM(amount) FROM orders GROUP BY contact_id`
		if d := queryInts(t, raw, "SELECT (SELECT COUNT(*) FROM ("+agg+" EXCEPT "+stats+") x), (SELECT COUNT(*) FROM ("+stats+" EXCEPT "+agg+") y)"); d[0]+d[1] != 0 {
			t.Errorf("customer_stats differs from the orders on %v rows", d)
		}
		d := queryInts(t, raw, `SELECT
			(SELECT COUNT(*) FROM contacts WHERE stage <> 'customer' AND id IN (SELECT contact_id FROM orders)),
			(SELECT COUNT(*) FROM moves WHERE to_stage = 'customer' AND note = 'import'),
			(SELECT COUNT(*) FROM contacts c JOIN (SELECT contact_id, MAX(at) AS m FROM interactions GROUP BY contact_id) i
				ON i.contact_id = c.id WHERE c.last_contact_at IS NULL OR c.last_contact_at < i.m)`)
		if d[0] != 0 || d[1] != int64(first.Customers+second.Customers) || d[2] != 0 {
			t.Errorf("customers not made so: %d; moves to customer: %d, want %d; last contacts behind: %d",
				d[0], d[1], first.Customers+second.Customers, d[2])
		}
		if changed, err := crm.Rescore(ctx, db, engine(t), now); err != nil || changed != 0 {
			t.Errorf("a rescore of every contact changed %d scores (%v): the import left them stale", changed, err)
		}
	})
}

// TestImportMemoryDoesNotGrowWithTheFile imports files of 10,000 and
// 100,000 rows, in chunks of 1,000 so that both reach the steady state of
// a few chunks in flight, and compares the most heap they kept live
// (measured after each chunk): a path that held the whole file would keep
// ten times more, megabytes more. The bound allows 1 MiB of slack: which
// chunks are in flight when the heap is read moves it by half a megabyte
// from one run to the next.
func TestImportMemoryDoesNotGrowWithTheFile(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 220,000 rows")
	}
	defer csvio.SetChunkRows(1000)()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			for _, k := range []struct {
				kind string
				file func(n int) string
			}{
				{csvio.Contacts, people},
				{csvio.Orders, func(n int) string { return orderFile(n, 1000, 5, map[int64][2]int64{}) }},
			} {
				small := peakHeap(t, kind, k.kind, k.file(10_000))
				big := peakHeap(t, kind, k.kind, k.file(100_000))
				t.Logf("%s: most live heap above the start, 10,000 rows: %d KiB; 100,000 rows: %d KiB", k.kind, small>>10, big>>10)
				if big > 2*small+1<<20 {
					t.Errorf("%s: importing 10 times more rows kept %.1f times more heap", k.kind, float64(big)/float64(small))
				}
			}
		})
	}
}

// peakHeap imports text, from a file, of kind into a fresh database (with
// 1,000 contacts for orders) and returns the most live heap it held above
// what was live before.
func peakHeap(t *testing.T, dbKind, kind, text string) uint64 {
	t.Helper()
	db, raw := openRaw(t, dbKind)
	if kind == csvio.Orders {
		imp(t, db, csvio.Contacts, people(1000))
	}
	path := filepath.Join(t.TempDir(), kind+".csv")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	indexes := fmt.Sprint(queryInts(t, raw, indexCount[dbKind]))
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	text = ""
	start := live()
	var peak uint64
	defer csvio.SetAfterChunk(func() { peak = max(peak, live()) })()
	res, err := csvio.Import(context.Background(), db, engine(t), now, kind, f, "alice")
	if err != nil || res.Rows < 10_000 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if after := fmt.Sprint(queryInts(t, raw, indexCount[dbKind])); after != indexes {
		t.Errorf("indexes (and keys) before the import %s, after %s", indexes, after)
	}
	return max(peak, start) - start
}

// indexCount counts the indexes of the database (and PostgreSQL's foreign
// keys), which an import may drop and make again but must leave as they
// were.
var indexCount = map[string]string{
	"sqlite": "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'",
	"postgres": `SELECT (SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()),
		(SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace)`,
}
