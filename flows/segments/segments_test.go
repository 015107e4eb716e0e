package segments_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func service(db *store.DB) *segments.Service {
	return &segments.Service{Store: db, Now: clock, Loc: time.UTC, ABC: domain.DefaultABC, Pareto: domain.DefaultPareto}
}

func noDrift(t *testing.T, db *store.DB, after string) {
	t.Helper()
	if drift, err := db.StatsDrift(t.Context()); err != nil || len(drift) > 0 {
		t.Errorf("after %s, the aggregates of %v differ from their orders (%v)", after, drift, err)
	}
}

// customersFiles returns a contacts file of n people across sectors,
// cities and sizes, and an orders file that makes most of them customers:
// orders spread over two years, a few customers buying far more often and
// far more than the rest, as RFM, ABC and Pareto need.
func customersFiles(n int) (contacts, orders string) {
	var c, o strings.Builder
	c.WriteString("name,email,sector,city,employees,role\n")
	o.WriteString("contact,amount,date\n")
	sectors, cities := []string{"agro", "btp", "retail", "services"}, []string{"Lyon", "Nantes", "Lille"}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&c, "Personne %d,p%d@example.fr,%s,%s,%d,%s\n", i, i, sectors[i%4], cities[i%3], 5+i%120, []string{"gérant", "acheteur"}[i%2])
		if i%5 == 0 {
			continue // a lead
		}
		for k := range 1 + 12/(1+i%7) {
			day := now.AddDate(0, 0, -((i*37 + k*53) % 730))
			fmt.Fprintf(&o, "C%d,%d,%s\n", i, 20+(i*k*97)%3000+map[bool]int{true: 20000}[i%11 == 0], day.Format("2006-01-02"))
		}
	}
	return c.String(), o.String()
}

// The aggregates stay right through every path that records orders: an
// orders import, a sale, another import; and the report agrees with
// itself. (The demo generator's path is checked by its own tests.)
func TestAggregatesAndReport(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		eng := domain.DefaultEngine()
		people, bought := customersFiles(400)
		for _, f := range []struct{ kind, text string }{{csvio.Contacts, people}, {csvio.Orders, bought}} {
			if _, err := csvio.Import(ctx, db, eng, now, f.kind, strings.NewReader(f.text), "alice"); err != nil {
				t.Fatal(err)
			}
		}
		noDrift(t, db, "a first orders import")
		sales := &crm.Service{Store: db, Scoring: eng, Now: clock, Loc: time.UTC}
		if _, _, err := sales.Sale(ctx, "alice", "C1", 12000, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), "sale"); err != nil {
			t.Fatal(err)
		}
		noDrift(t, db, "a sale")
		file := "contact,amount,date\nC2,100,2026-11-01\nC2,50,2026-11-02\nC3,75,2025-01-01\n"
		if _, err := csvio.Import(ctx, db, eng, now, csvio.Orders, strings.NewReader(file), "alice"); err != nil {
			t.Fatal(err)
		}
		noDrift(t, db, "an orders import")

		svc := service(db)
		rep, err := svc.Report(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, s := range rep.RFM.Segments {
			sum += s.Customers
		}
		if rep.RFM.Customers == 0 || sum != rep.RFM.Customers || rep.ABC.A.Customers+rep.ABC.B.Customers+rep.ABC.C.Customers != sum {
			t.Errorf("report: %d customers, %d in segments, ABC %+v", rep.RFM.Customers, sum, rep.ABC)
		}
		if len(rep.Pareto.Traits) == 0 || rep.Pareto.Share <= 0 || rep.Pareto.Share > 1 {
			t.Errorf("Pareto %+v", rep.Pareto)
		}
		// RFM membership: the members of each segment are its customers.
		for _, seg := range rep.RFM.Segments {
			ids, name, err := svc.Members(ctx, seg.Segment.Slug())
			if err != nil || name != string(seg.Segment) || len(ids) != seg.Customers {
				t.Errorf("members of %s: %d (%q, %v), want %d", seg.Segment, len(ids), name, err, seg.Customers)
			}
		}
	})
}

func TestSavedSegments(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for _, c := range []*domain.Contact{
			{Name: "Agro big", Sector: "Agro", Employees: 80, Tags: []string{"VIP"}},
			{Name: "Agro small", Sector: "agro", Employees: 3},
			{Name: "Other", Sector: "btp", Employees: 200},
		} {
			c.Stage = domain.Lead
			if err := db.CreateContact(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: 2, Kind: domain.Form, At: now.AddDate(0, 0, -3)}); err != nil {
			t.Fatal(err)
		}
		svc := service(db)
		for _, c := range []struct {
			name  string
			words []string
			want  int
		}{
			{"big-agro", []string{`sector == "agro" && employees >= 50`}, 1},
			{"agro", []string{"sector=agro"}, 2},
			{"vip", []string{"tags=vip", "employees>10"}, 1},
			{"formed", []string{"forms_30d", ">", "0"}, 1},
		} {
			expr, _, err := segments.ParseFilter(c.words)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if _, err := svc.Save(ctx, "boss", c.name, expr); err != nil {
				t.Fatal(err)
			}
			ids, _, err := svc.Members(ctx, c.name)
			if err != nil || len(ids) != c.want {
				t.Errorf("members of %s (%s) = %v, %v; want %d", c.name, expr, ids, err, c.want)
			}
		}
		list, err := svc.List(ctx)
		if err != nil || len(list) != 4 || list[0].Name != "agro" || list[0].Members != 2 || list[1].Members != 1 {
			t.Errorf("List = %+v, %v", list, err)
		}
		if _, err := svc.Save(ctx, "boss", "Agro", "employees > 1"); !domain.IsCode(err, domain.Conflict) {
			t.Errorf("saving a taken name (other case): %v", err)
		}
		if _, err := svc.Save(ctx, "boss", "champions", "employees > 1"); !domain.IsCode(err, domain.Invalid) {
			t.Errorf("saving an RFM segment's name: %v", err)
		}
		if err := svc.Delete(ctx, "AGRO"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Members(ctx, "agro"); !domain.IsCode(err, domain.NotFound) {
			t.Errorf("members of a deleted segment: %v", err)
		}
	})
}

func TestParseFilter(t *testing.T) {
	for _, c := range []struct {
		words []string
		want  string
		style string
		bad   string
	}{
		{[]string{`sector == "agro" && employees >= 50`}, `sector == "agro" && employees >= 50`, segments.StyleExpression, ""},
		{[]string{"employees", ">=", "50"}, "employees >= 50", segments.StyleExpression, ""},
		{[]string{"secteur=Agro", "effectif>=50"}, `sector == "agro" && employees >= 50`, segments.StyleWords, ""},
		{[]string{"tags!=vip", "city~lyon", "attr.plan=Gold"}, `!("vip" in tags) && city contains "lyon" && attrs["plan"] == "Gold"`, segments.StyleWords, ""},
		{[]string{"has_project_date=true", "budget<2000,5"}, `has_project_date == true && budget < 2000.5`, segments.StyleWords, ""},
		{nil, "", "", "needs a filter"},
		{[]string{"sector", "==", "agro"}, "", "", "Quote the whole expression"},
		{[]string{"color=red"}, "", "", `cannot use "color"`},
		{[]string{"employees>=many"}, "", "", "is a number"},
		{[]string{"tags>vip"}, "", "", "takes =, != or ~"},
		{[]string{"whatever"}, "", "", "is not a filter"},
	} {
		got, style, err := segments.ParseFilter(c.words)
		if c.bad != "" {
			if err == nil || !strings.Contains(err.Error(), c.bad) {
				t.Errorf("ParseFilter(%q) = %q, %v; want an error with %q", c.words, got, err, c.bad)
			}
			continue
		}
		if err != nil || got != c.want || style != c.style {
			t.Errorf("ParseFilter(%q) = %q, %s, %v; want %q, %s", c.words, got, style, err, c.want, c.style)
		}
	}
}
