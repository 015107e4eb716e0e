package csvio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var _ csvio.Store = (*store.DB)(nil)

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func engine(t testing.TB) *domain.Engine {
	t.Helper()
	return domain.DefaultEngine()
}

// imp imports text as actor "alice" and fails the test on error.
func imp(t *testing.T, db *store.DB, kind, text string) csvio.Result {
	t.Helper()
	res, err := csvio.Import(context.Background(), db, engine(t), now, kind, strings.NewReader(text), "alice")
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	return res
}

// impErr imports text, expects an Invalid error and returns its message.
func impErr(t *testing.T, db *store.DB, kind, text string) string {
	t.Helper()
	_, err := csvio.Import(context.Background(), db, engine(t), now, kind, strings.NewReader(text), "alice")
	if !domain.IsCode(err, domain.Invalid) {
		t.Fatalf("import %s: want an Invalid error, got %v", kind, err)
	}
	t.Logf("the error reads:\n%s", err)
	return err.Error()
}

func count(t *testing.T, db *store.DB) int64 {
	t.Helper()
	n, err := db.CountContacts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func contact(t *testing.T, db *store.DB, id int64) *domain.Contact {
	t.Helper()
	c, err := db.Contact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func contains(t *testing.T, msg string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("message lacks %q:\n%s", w, msg)
		}
	}
}

const bom = "\uFEFF"

func TestImportFrenchSpreadsheet(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		file := bom + "Nom;E-mail;Téléphone;Entreprise;Effectif;Capital;Ville;Étape;Tags;ATTR.Carte;Secteur;Poste\r\n" +
			"Hélène Dupré;Helene@Dupre.FR;06 12 34 56 78;\"Dupré; fils et cie\";120;1 200,50 €;Lyon;client;vip, salon;or;agro;PDG\r\n" +
			"Marc Petit;;;;3;\"1.000.000,5 EUR\";Nantes;;;;;\r\n" +
			";;;;;;;;;;;\r\n"
		res := imp(t, db, csvio.Contacts, file)
		if res != (csvio.Result{Kind: "contacts", Rows: 2, Created: 2}) {
			t.Fatalf("result %+v", res)
		}
		if got := res.String(); got != "2 contacts (2 created, 0 updated)" {
			t.Errorf("String() = %q", got)
		}
		h := contact(t, db, 1)
		if h.Name != "Hélène Dupré" || h.Email != "helene@dupre.fr" || h.Phone != "+33612345678" ||
			h.Company != "Dupré; fils et cie" || h.Employees != 120 || h.Capital != 120050 || h.City != "Lyon" ||
			h.Stage != domain.Customer || h.Owner != "alice" || h.Attrs["carte"] != "or" ||
			strings.Join(h.Tags, "|") != "vip|salon" || !h.CreatedAt.Equal(now) {
			t.Errorf("first contact: %+v", h)
		}
		// Decision maker 15, company of 50 or more 10, target sector 10,
		// contacted in the last 30 days 5 (it was created today).
		if h.Score != 40 || h.Grade != "C" {
			t.Errorf("first contact scored %d %s, want 40 C", h.Score, h.Grade)
		}
		m := contact(t, db, 2)
		if m.Name != "Marc Petit" || m.Capital != 100000050 || m.Stage != domain.Lead || m.Email != "" || m.Owner != "alice" {
			t.Errorf("second contact: %+v", m)
		}
		// Too small for us -10, contacted in the last 30 days 5: clamped to 0.
		if m.Score != 0 || m.Grade != "D" {
			t.Errorf("second contact scored %d %s, want 0 D", m.Score, m.Grade)
		}
	})
}

func TestUnknownColumnIsRefusedByName(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		msg := impErr(t, db, csvio.Contacts, "name,emial,city,attr.bad key\nJeanne,j@x.fr,Lyon,1\n")
		contains(t, msg, `line 1, column 2 ("emial"): "emial" is not a column of this kind of file: did you mean email?`,
			"Columns: id, name, email, phone,", "attr.<name>", `column 4 ("attr.bad key"): "bad key" is not a usable attribute name`)
		if strings.Contains(msg, "column 3") {
			t.Errorf("a known column is reported:\n%s", msg)
		}
		if n := count(t, db); n != 0 {
			t.Errorf("%d contacts kept", n)
		}
		msg = impErr(t, db, csvio.Orders, "contact;montant\nC1;12\n")
		contains(t, msg, "the file has no date column: it needs contact, amount, date")
	})
}

func TestBadRowsAreAllNamedAndNothingIsKept(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		imp(t, db, csvio.Contacts, "name,email\nAlready There,there@x.fr\n")
		before := count(t, db)
		file := "name,email,role,employees\n" + // line 1
			"Good One,good@x.fr,Directrice,12\n" + // line 2
			"Good Two,two@x.fr,,\n" + // line 3
			"Bad Mail,bad@,,\n" + // line 4
			"\n" + // line 5, empty
			",noname@x.fr,,\n" + // line 6
			"Bad Count,count@x.fr,,douze\n" // line 7
		msg := impErr(t, db, csvio.Contacts, file)
		contains(t, msg, "3 rows of the file need fixing",
			`line 4, column email: "bad@" is not an email address: write it like jeanne@example.fr`,
			"line 6, column name: the name is empty",
			`line 7, column employees: "douze" is not a whole number`)
		if strings.Contains(msg, "line 2") || strings.Contains(msg, "line 3") {
			t.Errorf("a good row is reported:\n%s", msg)
		}
		if n := count(t, db); n != before {
			t.Errorf("%d contacts after a failed import, want %d", n, before)
		}
		if list, _ := db.ContactsBy(context.Background(), "email", "good@x.fr", 1); len(list) != 0 {
			t.Errorf("a good row of a failed file was kept: %+v", list[0])
		}
	})
}

func TestMultiLineCellsCountAsOneLine(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		imp(t, db, csvio.Contacts, "name,email\nJeanne,jeanne@x.fr\n")
		imp(t, db, csvio.Interactions, "contact,kind,date\nC1,call,2026-11-01\n")
		file := "contact;kind;date;note\n" + // line 1
			"C1;meeting;2026-11-20;\"Agenda:\n- prix\n- délais\"\n" + // line 2, three lines of the file
			"C1;email;2026-11-21;\"envoyé\"\n" + // line 3
			"C1;fax;2026-11-22;\"two\r\nlines\"\n" + // line 4, bad
			"C1;call;2026-11-23;\n" + // line 5
			"C2;call;2026-11-23;\n" // line 6, bad
		msg := impErr(t, db, csvio.Interactions, file)
		contains(t, msg, "2 rows of the file need fixing",
			`line 4 (line 6 in a text editor), column kind: "fax" is not an interaction kind`,
			"line 6 (line 9 in a text editor), column contact: no contact has the C2")
		list, err := db.RecentInteractions(ctx, 1, 10)
		if err != nil || len(list) != 1 || list[0].Kind != domain.Call {
			t.Errorf("interactions after a failed import: %+v %v", list, err)
		}
		if c := contact(t, db, 1); !c.LastContactAt.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("last contact moved by a failed import: %v", c.LastContactAt)
		}
		imp(t, db, csvio.Interactions, strings.NewReplacer("fax", "visit", "C2", "C1").Replace(file))
		list, _ = db.RecentInteractions(ctx, 1, 10)
		if len(list) != 6 || list[len(list)-2].Note != "Agenda:\n- prix\n- délais" {
			t.Errorf("interactions: %+v", list)
		}
	})
}

func TestManyBadRowsAreCapped(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		file := "name,employees\n" + strings.Repeat("X,many\n", 25)
		msg := impErr(t, db, csvio.Contacts, file)
		contains(t, msg, "25 rows of the file need fixing", "line 21, column employees", "… and 5 more problems")
		if strings.Contains(msg, "line 22,") {
			t.Errorf("more than 20 problems shown:\n%s", msg)
		}
	})
}

func TestSyntaxErrorNamesItsLine(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		file := "name;role\n\"A\";\"two\nlines\"\nB;\"never closed\nC;x\n"
		msg := impErr(t, db, csvio.Contacts, file)
		contains(t, msg, "line 3 (line 4 in a text editor): the file cannot be read", "in double quotes")
		if n := count(t, db); n != 0 {
			t.Errorf("%d contacts kept", n)
		}
	})
}

func TestDuplicateEmailOrPhoneIsRefused(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		// Enough other contacts that the emails and phones of the file are
		// looked up one by one rather than by reading every contact.
		var b strings.Builder
		b.WriteString("name,email,phone,company\nJeanne Martin,jeanne@martin.fr,0611223344,Acme\n")
		for i := range 100 {
			fmt.Fprintf(&b, "Filler %d,filler%d@x.fr,,\n", i, i)
		}
		imp(t, db, csvio.Contacts, b.String())
		file := "name,email,phone\n" +
			"Jeanne Bis,JEANNE@martin.fr,\n" + // line 2: in the database
			"Paul,paul@x.fr,+33 6 99 88 77 66\n" + // line 3
			"Paul Bis,paul@x.fr,\n" + // line 4: same as line 3
			"Other,,06.11.22.33.44\n" // line 5: phone in the database
		msg := impErr(t, db, csvio.Contacts, file)
		contains(t, msg, "3 rows of the file need fixing",
			"line 2, column email: C1 Jeanne Martin (Acme) already has the email jeanne@martin.fr",
			"put C1 in the id column to update that contact",
			"line 4, column email: paul@x.fr is already on line 3",
			"line 5, column phone: C1 Jeanne Martin (Acme) already has the phone +33611223344")
		if n := count(t, db); n != 101 {
			t.Errorf("%d contacts, want 101", n)
		}
	})
}

func TestUpdateByIDAndCreateWithID(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		imp(t, db, csvio.Contacts, "name,email,city,owner\nJeanne,jeanne@x.fr,Lyon,bruno\nPaul,paul@x.fr,Lille,\n")
		// A new row without id comes first: it must not take id 7.
		file := "name,id,city,stage,email\n" +
			"Newcomer,,Brest,,\n" +
			"Jeanne Martin,C1,Paris,prospect,jeanne@x.fr\n" +
			"Paul,2,Lille,,paul@x.fr\n" +
			"Seven,7,Metz,qualified,\n"
		res := imp(t, db, csvio.Contacts, file)
		if res.Created != 2 || res.Updated != 1 || res.Unchanged != 1 || res.Rows != 4 {
			t.Fatalf("result %+v", res)
		}
		j := contact(t, db, 1)
		if j.Name != "Jeanne Martin" || j.City != "Paris" || j.Stage != domain.Prospect || j.Owner != "bruno" {
			t.Errorf("updated contact: %+v", j)
		}
		moves, err := db.RecentMoves(ctx, 1, 5)
		if err != nil || len(moves) != 1 || moves[0].From != domain.Lead || moves[0].To != domain.Prospect || moves[0].Note != "import" || moves[0].Author != "alice" {
			t.Errorf("moves of C1: %+v %v", moves, err)
		}
		if s := contact(t, db, 7); s.Name != "Seven" || s.Stage != domain.Qualified || s.City != "Metz" {
			t.Errorf("C7: %+v", s)
		}
		if n := contact(t, db, 8); n.Name != "Newcomer" || n.Owner != "alice" || n.Stage != domain.Lead {
			t.Errorf("C8: %+v", n)
		}
		msg := impErr(t, db, csvio.Contacts, "id,city\nC1,Nice\nC1,Nancy\nX9,Metz\n99,Rome\n")
		contains(t, msg, "line 3, column id: C1 is already on line 2", `line 4, column id: "X9" is not a contact id`,
			"line 5: this is a new contact (no contact has this id) and the file has no name column")
		if strings.Count(msg, "this is a new contact") != 1 {
			t.Errorf("a row with a bad id is also reported as a new contact:\n%s", msg)
		}
		if c := contact(t, db, 1); c.City != "Paris" {
			t.Errorf("C1 changed by a failed import: %+v", c)
		}
	})
}

func TestOrdersMakeCustomers(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		imp(t, db, csvio.Contacts, "name,email,phone,stage\nJeanne,jeanne@x.fr,,prospect\nPaul,,06 11 22 33 44,\nCléo,cleo@x.fr,,client\n")
		file := bom + "Contact;Montant;Date;Note\n" +
			"C1;1 200,50 €;20/11/2026;first\n" +
			"JEANNE@x.fr;300;2026-11-21;\n" +
			"0611223344;\"2.500,00 EUR\";yesterday;\n" +
			"3;99.90;2026-01-05;\n"
		res := imp(t, db, csvio.Orders, file)
		if res.Created != 4 || res.Customers != 2 || res.Rows != 4 {
			t.Fatalf("result %+v", res)
		}
		for id, want := range map[int64][]int64{1: {30000, 120050}, 2: {250000}, 3: {9990}} {
			c := contact(t, db, id)
			if c.Stage != domain.Customer {
				t.Errorf("C%d is %s, want customer", id, c.Stage)
			}
			orders, err := db.RecentOrders(ctx, id, 10)
			if err != nil || len(orders) != len(want) {
				t.Fatalf("orders of C%d: %+v %v", id, orders, err)
			}
			for i, o := range orders {
				if o.Amount != want[i] || o.Author != "alice" {
					t.Errorf("order %d of C%d: %+v, want %d cents", i, id, o, want[i])
				}
			}
		}
		o, _ := db.RecentOrders(ctx, 2, 1)
		if !o[0].Date.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("yesterday's order is dated %v", o[0].Date)
		}
		moves, _ := db.RecentMoves(ctx, 1, 5)
		if len(moves) != 1 || moves[0].From != domain.Prospect || moves[0].To != domain.Customer || moves[0].Note != "import" {
			t.Errorf("moves of C1: %+v", moves)
		}
		if moves, _ := db.RecentMoves(ctx, 3, 5); len(moves) != 0 {
			t.Errorf("a customer was moved again: %+v", moves)
		}
	})
}

func TestBadOrdersKeepNothing(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		imp(t, db, csvio.Contacts, "name,email\nJeanne,jeanne@x.fr\n")
		file := "contact,amount,date\n" +
			"C1,100,2026-11-20\n" +
			"nobody@x.fr,100,2026-11-20\n" +
			"Jeanne,100,2026-11-20\n" +
			"C1,0,2026-11-20\n" +
			"C1,douze,2026-11-20\n" +
			"C1,100,2027-01-01\n" +
			"C1,100,\n"
		msg := impErr(t, db, csvio.Orders, file)
		contains(t, msg, "6 rows of the file need fixing",
			"line 3, column contact: no contact has the email nobody@x.fr",
			`line 4, column contact: "Jeanne" names no contact: give its id (C42), email or phone`,
			"line 5, column amount: the amount is 0",
			`line 6, column amount: "douze" is not an amount`,
			"line 7, column date: 2027-01-01 is in the future",
			"line 8, column date: the date is empty")
		if orders, _ := db.RecentOrders(ctx, 1, 10); len(orders) != 0 {
			t.Errorf("orders kept: %+v", orders)
		}
		if c := contact(t, db, 1); c.Stage != domain.Lead {
			t.Errorf("C1 became %s", c.Stage)
		}
	})
}

func TestInteractionsSetLastContact(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		imp(t, db, csvio.Contacts, "name,email,created_at\nJeanne,jeanne@x.fr,2025-01-10T08:00:00Z\n")
		if c := contact(t, db, 1); c.Score != 0 {
			t.Fatalf("score before: %d", c.Score)
		}
		res := imp(t, db, csvio.Interactions, "contact,type,date,note\njeanne@x.fr,formulaire,2026-11-20 14:30,devis\nC1,call,2026-10-01,\n")
		if res.Created != 2 || res.String() != "2 interactions" {
			t.Fatalf("result %+v", res)
		}
		c := contact(t, db, 1)
		last := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
		if !c.LastContactAt.Equal(last) {
			t.Errorf("last contact %v, want %v", c.LastContactAt, last)
		}
		// Filled a form (30 days) 10, contacted in the last 30 days 5.
		if c.Score != 15 || c.Grade != "D" {
			t.Errorf("score %d %s, want 15 D", c.Score, c.Grade)
		}
		list, err := db.RecentInteractions(ctx, 1, 5)
		if err != nil || len(list) != 2 || list[0].Kind != domain.Form || list[0].Note != "devis" || list[1].Kind != domain.Call || list[0].Author != "alice" {
			t.Errorf("interactions: %+v %v", list, err)
		}
		msg := impErr(t, db, csvio.Interactions, "contact,kind,date\nC1,lunch,2026-11-20\n")
		contains(t, msg, `line 2, column kind: "lunch" is not an interaction kind: use call, meeting`)
	})
}

func TestRoundTrip(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		file := "name,email,phone,company,role,sector,employees,capital,budget,project_date,tags,interests,stage,owner,attr.card,attr.z-size,city\n" +
			"\"Hélène \"\"Léna\"\" Dupré\",h@d.fr,0612345678,\"Dupré, fils\",PDG,agro,120,\"1 200,50\",15000,2027-01-15,\"vip, salon\",golf,client,bruno,gold,,\"Lyon; 3e\"\n" +
			"Marc,,,,,,,,,,,,,,,XL,\n" +
			"Zoé,zoe@x.fr,,,,,,0.07,,,,,perdu,,,,\n"
		imp(t, db, csvio.Contacts, file)
		var first bytes.Buffer
		if err := csvio.Export(ctx, db, "csv", &first); err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(first.String(), "\n", 2)
		wantHeader := "id,name,email,phone,company,role,sector,employees,capital,city,country,language,timezone,gender,birth_year," +
			"product,budget,project_date,source,channel,interests,categories,preferred_channel,frequency,stage,tags,owner," +
			"score,grade,created_at,last_contact_at,attr.card,attr.z-size"
		if lines[0] != wantHeader {
			t.Errorf("header\n%s\nwant\n%s", lines[0], wantHeader)
		}
		contains(t, first.String(), `C1,"Hélène ""Léna"" Dupré",h@d.fr,+33612345678,"Dupré, fils",PDG,agro,120,1200.5,Lyon; 3e,`,
			",gold,\n", "C2,Marc,", ",XL\n", "0.07", ",2026-11-25T10:00:00Z,")

		kind := path.Base(t.Name())
		fresh := storetest.Open(t, kind, clock)
		res, err := csvio.Import(ctx, fresh, engine(t), now, csvio.Contacts, bytes.NewReader(first.Bytes()), "someone")
		if err != nil || res.Created != 3 {
			t.Fatalf("import the export: %+v %v", res, err)
		}
		var second bytes.Buffer
		if err := csvio.Export(ctx, fresh, "csv", &second); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Errorf("export → import → export differs:\n%s\n----\n%s", first.String(), second.String())
		}
		res, err = csvio.Import(ctx, db, engine(t), now, csvio.Contacts, bytes.NewReader(first.Bytes()), "someone")
		if err != nil || res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 {
			t.Errorf("re-import of the export into its own database: %+v %v", res, err)
		}

		var js bytes.Buffer
		if err := csvio.Export(ctx, db, "json", &js); err != nil {
			t.Fatal(err)
		}
		var list []domain.Contact
		if err := json.Unmarshal(js.Bytes(), &list); err != nil {
			t.Fatalf("JSON export: %v\n%s", err, js.String())
		}
		if len(list) != 3 || list[0].Name != `Hélène "Léna" Dupré` || list[0].Capital != 120050 || list[0].Attrs["card"] != "gold" ||
			list[1].Attrs["z-size"] != "XL" || list[2].Stage != domain.Lost || list[2].Capital != 7 {
			t.Errorf("JSON export: %+v", list)
		}
	})
}

func TestExportEmptyDatabase(t *testing.T) {
	db := storetest.Open(t, "sqlite", clock)
	var js, cs bytes.Buffer
	if err := csvio.Export(context.Background(), db, "json", &js); err != nil || js.String() != "[]\n" {
		t.Errorf("JSON of nothing: %q %v", js.String(), err)
	}
	if err := csvio.Export(context.Background(), db, "csv", &cs); err != nil || strings.Count(cs.String(), "\n") != 1 {
		t.Errorf("CSV of nothing: %q %v", cs.String(), err)
	}
	if err := csvio.Export(context.Background(), db, "xml", &cs); !domain.IsCode(err, domain.Invalid) {
		t.Errorf("xml: %v", err)
	}
}

func TestLargeFileReportsEveryPartInLineOrder(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		var b strings.Builder
		b.WriteString("name,email,employees\n")
		for i := range 6000 {
			line := i + 2
			switch line {
			case 10, 3500, 5999:
				fmt.Fprintf(&b, "Row %d,row%d@x.fr,lots\n", line, line)
			case 4000:
				fmt.Fprintf(&b, "Row %d,row10@x.fr,1\n", line)
			default:
				fmt.Fprintf(&b, "Row %d,row%d@x.fr,%d\n", line, line, i%100)
			}
		}
		msg := impErr(t, db, csvio.Contacts, b.String())
		i10 := strings.Index(msg, "line 10, column employees")
		i3500 := strings.Index(msg, "line 3500, column employees")
		i4000 := strings.Index(msg, "line 4000, column email: row10@x.fr is already on line 10")
		i5999 := strings.Index(msg, "line 5999, column employees")
		if i10 < 0 || i3500 < i10 || i4000 < i3500 || i5999 < i4000 {
			t.Errorf("problems missing or out of order:\n%s", msg)
		}
		if n := count(t, db); n != 0 {
			t.Errorf("%d contacts kept", n)
		}
		res := imp(t, db, csvio.Contacts, strings.ReplaceAll(strings.ReplaceAll(b.String(), "lots", "7"), "Row 4000,row10@", "Row 4000,row4000@"))
		if res.Created != 6000 || count(t, db) != 6000 {
			t.Fatalf("result %+v", res)
		}
		if c := contact(t, db, 5998); c.Name != "Row 5999" || c.Employees != 7 || c.Grade != "D" || c.Owner != "alice" {
			t.Errorf("C5998: %+v", c)
		}
	})
}

func TestExcelSeparatorLine(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		file := bom + "sep=;\r\nname;company;employees\r\nA;\"X, Y\";1\r\nB;Z;x\r\n"
		msg := impErr(t, db, csvio.Contacts, file)
		contains(t, msg, "line 3 (line 4 in a text editor), column employees")
		res := imp(t, db, csvio.Contacts, strings.Replace(file, ";x", ";2", 1))
		if res.Created != 2 {
			t.Fatalf("result %+v", res)
		}
		if c := contact(t, db, 1); c.Company != "X, Y" || c.Employees != 1 {
			t.Errorf("C1: %+v", c)
		}
	})
}
