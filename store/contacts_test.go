package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// everyField is a contact with every field set, lists, attributes, dates
// and money included.
func everyField() *domain.Contact {
	return &domain.Contact{
		Name: "Hélène Dupré-Lefèvre", Email: "helene@acme.fr", Phone: "+33612345678", City: "Évry",
		Country: "France", Language: "fr", TimeZone: "Europe/Paris", Gender: "f", BirthYear: 1979,
		Role: "Gérante", Company: "Acme & Fils", Sector: "agro", Employees: 42, Capital: 1234567,
		Product: "ERP", Budget: 1200050, ProjectDate: day(2027, 3, 31), Source: "salon", Channel: "phone",
		Interests: []string{"bio", "circuits courts"}, Categories: []string{"pain", "vin"},
		PreferredChannel: "telegram", Frequency: "monthly", Satisfaction: 4,
		Tags: []string{"VIP", "export"}, Attrs: map[string]string{"card": "gold", "size-xl": "oui, « grand »"},
		Owner: "U0SALES1", Stage: domain.Qualified, Score: 81, Grade: "A",
		LastContactAt: time.Date(2026, 11, 24, 16, 30, 15, 123456000, time.UTC),
		CreatedAt:     time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC),
	}
}

func TestContactRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := everyField()
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.ID != 1 || !c.UpdatedAt.Equal(testNow) || !c.CreatedAt.Equal(day(2026, 10, 1).Add(8*time.Hour)) {
			t.Errorf("after create: id %d created %s updated %s", c.ID, c.CreatedAt, c.UpdatedAt)
		}
		want := everyField()
		want.ID, want.UpdatedAt = 1, testNow
		sameJSON(t, "read back", reload(t, db, c.ID), want)

		// A contact with nothing but a name reads back with nothing else.
		bare := create(t, db, &domain.Contact{Name: "Bare"})
		got := reload(t, db, bare.ID)
		if got.Tags != nil || got.Attrs != nil || !got.ProjectDate.IsZero() || !got.LastContactAt.IsZero() ||
			got.Stage != domain.Lead || !got.CreatedAt.Equal(testNow) {
			t.Errorf("bare contact read back as %+v", got)
		}

		// Update writes every field, clearing included.
		upd := reload(t, db, c.ID)
		upd.City, upd.Tags, upd.Attrs, upd.ProjectDate, upd.Budget = "Lyon", []string{"salon"}, nil, time.Time{}, 0
		upd.Stage, upd.Interests, upd.Employees = domain.Customer, nil, 0
		if err := db.UpdateContact(ctx, upd); err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "after update", reload(t, db, c.ID), upd)
		if got := reload(t, db, c.ID); !got.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("update changed created_at to %s", got.CreatedAt)
		}

		if err := db.SetScore(ctx, c.ID, 12, "D"); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, db, c.ID); got.Score != 12 || got.Grade != "D" || got.City != "Lyon" {
			t.Errorf("after SetScore: score %d grade %s city %s", got.Score, got.Grade, got.City)
		}

		_, err := db.Contact(ctx, 999)
		wantCode(t, "Contact(999)", err, domain.NotFound)
		err = db.UpdateContact(ctx, &domain.Contact{ID: 999, Name: "Ghost", Stage: domain.Lead})
		wantCode(t, "UpdateContact(999)", err, domain.NotFound)
		if n, err := db.CountContacts(ctx); err != nil || n != 2 {
			t.Errorf("CountContacts = %d, %v; want 2", n, err)
		}
	})
}

func TestUniqueEmailAndPhone(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "A", Email: "a@x.fr", Phone: "+33611111111"})
		b := create(t, db, &domain.Contact{Name: "B", Email: "b@x.fr", Phone: "+33622222222"})
		// Any number of contacts may have no email and no phone.
		create(t, db, &domain.Contact{Name: "C"})
		create(t, db, &domain.Contact{Name: "D"})

		for _, dup := range []*domain.Contact{
			{Name: "Same email", Email: "a@x.fr", Stage: domain.Lead},
			{Name: "Same phone", Phone: "+33622222222", Stage: domain.Lead},
		} {
			err := db.CreateContact(ctx, dup)
			wantCode(t, "create "+dup.Name, err, domain.Conflict)
		}
		b.Email = a.Email
		wantCode(t, "update to a taken email", db.UpdateContact(ctx, b), domain.Conflict)
		b.Email, b.Phone = "b@x.fr", a.Phone
		wantCode(t, "update to a taken phone", db.UpdateContact(ctx, b), domain.Conflict)
		if n, _ := db.CountContacts(ctx); n != 4 {
			t.Errorf("%d contacts after refused duplicates, want 4", n)
		}
		if got := reload(t, db, b.ID); got.Email != "b@x.fr" || got.Phone != "+33622222222" {
			t.Errorf("a refused update changed B: %s %s", got.Email, got.Phone)
		}
		byEmail, err := db.ContactsBy(ctx, "email", "a@x.fr", 5)
		if err != nil || !slices.Equal(ids(byEmail), []int64{a.ID}) {
			t.Errorf("ContactsBy email = %v, %v", ids(byEmail), err)
		}
		byPhone, err := db.ContactsBy(ctx, "phone", "+33622222222", 5)
		if err != nil || !slices.Equal(ids(byPhone), []int64{b.ID}) {
			t.Errorf("ContactsBy phone = %v, %v", ids(byPhone), err)
		}
		if _, err := db.ContactsBy(ctx, "name; DROP TABLE contacts", "x", 5); err == nil {
			t.Error("ContactsBy accepted a field other than email and phone")
		}
	})
}

func TestContactsMatching(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		helene := create(t, db, &domain.Contact{Name: "Hélène Dupré", Company: "Boulangerie Émile"})
		helena := create(t, db, &domain.Contact{Name: "HELENA Smith"})
		create(t, db, &domain.Contact{Name: "Bruno 100%_sûr"})
		for frag, want := range map[string][]int64{
			"hélène":  {helene.ID},
			"HELENE":  {helene.ID},
			"helen":   {helene.ID, helena.ID},
			"emile":   {helene.ID}, // the company counts too
			"dupre h": {helene.ID}, // each word starts a word, in any order
			"h dup":   {helene.ID},
			"lene":    nil, // words match by their start
			"100%":    {3},
			"sur":     {3},
			"%":       nil, // no word: punctuation matches nothing
			"_":       nil,
			"zzz":     nil,
		} {
			got, err := db.ContactsMatching(ctx, frag, 10)
			if err != nil || !slices.Equal(ids(got), want) {
				t.Errorf("ContactsMatching(%q) = %v, %v; want %v", frag, ids(got), err, want)
			}
		}
		if got, _ := db.ContactsMatching(ctx, "e", 1); len(got) != 1 {
			t.Errorf("the limit was not applied: %d contacts", len(got))
		}
	})
}

// findSeed stores the contacts the filter tests run on and returns them by
// first name.
func findSeed(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	seed := []*domain.Contact{
		{Name: "Alice Martin", Email: "alice@acme.fr", Phone: "+33611111111", Company: "Acme", Sector: "agro",
			Employees: 50, Budget: 1000000, City: "Lyon", Tags: []string{"vip", "salon"}, Interests: []string{"bio"},
			Attrs: map[string]string{"card": "gold"}, Stage: domain.Prospect, Score: 80, Grade: "A",
			ProjectDate: day(2026, 12, 1), LastContactAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
			CreatedAt: day(2026, 11, 1), Owner: "U1"},
		{Name: "Bruno Hélène", Email: "bruno@bat.fr", Sector: "Industrie", Employees: 5, Budget: 200000,
			City: "Évry", Tags: []string{"export"}, Attrs: map[string]string{"card": "silver", "size": "xl"},
			Stage: domain.Lead, Score: 40, Grade: "C", CreatedAt: testNow, Owner: "U2"},
		{Name: "Chloé Petit", Stage: domain.Customer, Score: 60, Grade: "B", City: "Paris",
			CreatedAt: day(2026, 10, 15), LastContactAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), Owner: "U1"},
		{Name: "Denis Roux", Phone: "+33622222222", Sector: "agro", Employees: 12, Stage: domain.Lost,
			Score: 10, Grade: "D", Tags: []string{"VIP"}, CreatedAt: time.Date(2026, 11, 24, 23, 59, 59, 0, time.UTC),
			Interests: []string{"bio-logique"}},
	}
	out := map[string]int64{}
	for _, c := range seed {
		create(t, db, c)
		out[strings.Fields(c.Name)[0]] = c.ID
	}
	return out
}

func TestFindContactsFilters(t *testing.T) {
	cases := []struct {
		filters []string
		want    []string
	}{
		{nil, []string{"Alice", "Bruno", "Chloé", "Denis"}},
		// stage
		{[]string{"stage=prospect"}, []string{"Alice"}},
		{[]string{"stage=piste"}, []string{"Bruno"}},
		{[]string{"stage!=lead"}, []string{"Alice", "Chloé", "Denis"}},
		// text, ignoring case
		{[]string{"sector=AGRO"}, []string{"Alice", "Denis"}},
		{[]string{"sector=industrie"}, []string{"Bruno"}},
		{[]string{"sector!=agro"}, []string{"Bruno", "Chloé"}},
		{[]string{"city~YO"}, []string{"Alice"}},
		{[]string{"city=évry"}, []string{"Bruno"}},
		{[]string{"city=ÉVRY"}, []string{"Bruno"}},
		{[]string{"owner=U1"}, []string{"Alice", "Chloé"}},
		{[]string{"grade=a"}, []string{"Alice"}},
		{[]string{"grade<=B"}, []string{"Alice", "Chloé"}},
		{[]string{"name~hél"}, []string{"Bruno"}},
		// email and phone
		{[]string{"email=ALICE@acme.fr"}, []string{"Alice"}},
		{[]string{"email~acme"}, []string{"Alice"}},
		{[]string{"email!=alice@acme.fr"}, []string{"Bruno", "Chloé", "Denis"}},
		{[]string{"phone=06 22 22 22 22"}, []string{"Denis"}},
		{[]string{"phone~1111"}, []string{"Alice"}},
		// whole numbers
		{[]string{"employees>=12"}, []string{"Alice", "Denis"}},
		{[]string{"employees>12"}, []string{"Alice"}},
		{[]string{"employees<12"}, []string{"Bruno", "Chloé"}},
		{[]string{"employees<=12"}, []string{"Bruno", "Chloé", "Denis"}},
		{[]string{"employees=5"}, []string{"Bruno"}},
		{[]string{"employees!=5"}, []string{"Alice", "Chloé", "Denis"}},
		{[]string{"score>=60"}, []string{"Alice", "Chloé"}},
		{[]string{"id=C2"}, []string{"Bruno"}},
		// money
		{[]string{"budget>=10000"}, []string{"Alice"}},
		{[]string{"budget>=2 000 €"}, []string{"Alice", "Bruno"}},
		{[]string{"budget<2000"}, []string{"Chloé", "Denis"}},
		// days
		{[]string{"created=2026-11-24"}, []string{"Denis"}},
		{[]string{"created=25/11/2026"}, []string{"Bruno"}},
		{[]string{"created!=2026-11-24"}, []string{"Alice", "Bruno", "Chloé"}},
		{[]string{"created>2026-11-01"}, []string{"Bruno", "Denis"}},
		{[]string{"created>=2026-11-01"}, []string{"Alice", "Bruno", "Denis"}},
		{[]string{"created<2026-11-01"}, []string{"Chloé"}},
		{[]string{"created<=2026-11-01"}, []string{"Alice", "Chloé"}},
		{[]string{"created=today"}, []string{"Bruno"}},
		{[]string{"last_contact>=2026-11-21"}, []string{"Chloé"}},
		{[]string{"last_contact=2026-11-20"}, []string{"Alice"}},
		{[]string{"last_contact!=2026-11-20"}, []string{"Bruno", "Chloé", "Denis"}}, // never contacted included
		{[]string{"project_date<2027-01-01"}, []string{"Alice"}},
		// lists: one item, any case; ~ is a part of an item
		{[]string{"tags=vip"}, []string{"Alice", "Denis"}},
		{[]string{"tags=VIP"}, []string{"Alice", "Denis"}},
		{[]string{"tags=vi"}, nil},
		{[]string{"tags!=vip"}, []string{"Bruno", "Chloé"}},
		{[]string{"tags~xpo"}, []string{"Bruno"}},
		{[]string{"interests=bio"}, []string{"Alice"}},
		{[]string{"interests~bio"}, []string{"Alice", "Denis"}},
		// custom attributes, on contacts with and without any
		{[]string{"attr.card=gold"}, []string{"Alice"}},
		{[]string{"attr.card!=gold"}, []string{"Bruno", "Chloé", "Denis"}},
		{[]string{"attr.card~L"}, []string{"Alice", "Bruno"}},
		{[]string{"attr.size=xl"}, []string{"Bruno"}},
		{[]string{"attr.nothing=x"}, nil},
		// several filters: all must hold
		{[]string{"sector=agro", "employees>=20"}, []string{"Alice"}},
		{[]string{"tags=vip", "stage!=lost", "score>50"}, []string{"Alice"}},
	}
	each(t, func(t *testing.T, db *store.DB) {
		names := findSeed(t, db)
		byID := map[int64]string{}
		for n, id := range names {
			byID[id] = n
		}
		// find name~… reaches the store as a folded match on name and company.
		search := []domain.Filter{{Field: "search", Op: domain.Contains, Value: "helene", Kind: domain.TextField, Arg: "helene"}}
		if list, n, err := db.FindContacts(t.Context(), domain.ContactQuery{Filters: search}); err != nil || n != 1 || list[0].ID != names["Bruno"] {
			t.Errorf("search~helene: %v (total %d), %v", ids(list), n, err)
		}
		for _, tc := range cases {
			q := domain.ContactQuery{Filters: parseFilters(t, tc.filters...)}
			list, total, err := db.FindContacts(t.Context(), q)
			if err != nil {
				t.Errorf("%v: %v", tc.filters, err)
				continue
			}
			var got []string
			for _, c := range list {
				got = append(got, byID[c.ID])
			}
			if !slices.Equal(got, tc.want) || total != int64(len(tc.want)) {
				t.Errorf("%v: got %v (total %d), want %v", tc.filters, got, total, tc.want)
			}
		}
	})
}

func parseFilters(t *testing.T, words ...string) []domain.Filter {
	t.Helper()
	var out []domain.Filter
	for _, w := range words {
		field, op, value, ok := domain.SplitFilter(w)
		if !ok {
			t.Fatalf("%q is not a filter", w)
		}
		f, err := domain.ParseFilter(field, op, value, testNow)
		if err != nil {
			t.Fatalf("%q: %v", w, err)
		}
		out = append(out, f)
	}
	return out
}

func TestFindContactsSortAndPages(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		scores := []int{30, 90, 30, 70, 10, 90, 50}
		for i, s := range scores {
			create(t, db, &domain.Contact{Name: fmt.Sprintf("Contact %d", i+1), Score: s, Sector: []string{"agro", "btp"}[i%2],
				CreatedAt: day(2026, 11, 1+i)})
		}
		cases := []struct {
			q     domain.ContactQuery
			want  []int64
			total int64
		}{
			{domain.ContactQuery{}, []int64{1, 2, 3, 4, 5, 6, 7}, 7},
			{domain.ContactQuery{Desc: true}, []int64{7, 6, 5, 4, 3, 2, 1}, 7},
			// Equal scores keep id order, whichever way the sort goes.
			{domain.ContactQuery{Sort: "score", Desc: true}, []int64{2, 6, 4, 7, 1, 3, 5}, 7},
			{domain.ContactQuery{Sort: "score"}, []int64{5, 1, 3, 7, 4, 2, 6}, 7},
			{domain.ContactQuery{Sort: "score", Desc: true, Limit: 3}, []int64{2, 6, 4}, 7},
			{domain.ContactQuery{Sort: "score", Desc: true, Limit: 3, Offset: 3}, []int64{7, 1, 3}, 7},
			{domain.ContactQuery{Sort: "score", Desc: true, Limit: 3, Offset: 6}, []int64{5}, 7},
			{domain.ContactQuery{Sort: "score", Desc: true, Limit: 3, Offset: 9}, []int64{}, 7},
			{domain.ContactQuery{Sort: "created", Desc: true, Limit: 2}, []int64{7, 6}, 7},
			{domain.ContactQuery{Sort: "secteur", Limit: 4}, []int64{1, 3, 5, 7}, 7},
			{domain.ContactQuery{Filters: parseFilters(t, "sector=btp"), Sort: "score", Desc: true, Limit: 2}, []int64{2, 6}, 3},
			{domain.ContactQuery{Filters: parseFilters(t, "sector=btp"), Limit: 2, Offset: 2}, []int64{6}, 3},
		}
		for _, tc := range cases {
			list, total, err := db.FindContacts(ctx, tc.q)
			if err != nil || !slices.Equal(ids(list), tc.want) || total != tc.total {
				t.Errorf("%+v: %v (total %d), %v; want %v (total %d)", tc.q, ids(list), total, err, tc.want, tc.total)
			}
		}
		_, _, err := db.FindContacts(ctx, domain.ContactQuery{Sort: "name; DROP TABLE contacts"})
		wantCode(t, "sort on an unknown field", err, domain.Invalid)
		if n, _ := db.CountContacts(ctx); n != 7 {
			t.Errorf("%d contacts left", n)
		}
	})
}

func TestStageCounts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		for i, st := range []domain.Stage{domain.Lead, domain.Lead, domain.Prospect, domain.Customer, domain.Lead, domain.Lost} {
			create(t, db, &domain.Contact{Name: fmt.Sprint("C", i), Stage: st})
		}
		got, err := db.StageCounts(t.Context())
		want := map[domain.Stage]int{domain.Lead: 3, domain.Prospect: 1, domain.Customer: 1, domain.Lost: 1}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("StageCounts = %v, %v; want %v", got, err, want)
		}
	})
}

// Attributes the store cannot read (only an edit of the database by hand
// makes them) are logged, with the contact's id and the cause, through the
// store's Logger; the contact is read with the rest of its fields, by one
// read and by lists alike.
func TestUnreadableAttrsAreLogged(t *testing.T) {
	eachLogged(t, func(t *testing.T, db *store.DB, logged *strings.Builder) {
		ctx := t.Context()
		c := everyField()
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.SQL(t, db).Exec(fmt.Sprintf(`UPDATE contacts SET attrs = '{"card": "gold"' WHERE id = %d`, c.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Contact(ctx, c.ID)
		if err != nil || got.Name != c.Name || got.Attrs != nil {
			t.Fatalf("Contact = %+v, %v; want the contact without attrs", got, err)
		}
		list, err := db.ContactsMatching(ctx, "acme", 5)
		if err != nil || len(list) != 1 || list[0].Email != c.Email {
			t.Fatalf("ContactsMatching = %v, %v", list, err)
		}
		want := fmt.Sprintf("contact=%d err=", c.ID)
		if n := strings.Count(logged.String(), want); n != 2 || !strings.Contains(logged.String(), "unexpected end of JSON input") {
			t.Errorf("%d logs name the contact and the cause, want 2:\n%s", n, logged.String())
		}
	})
}
