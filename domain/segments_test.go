package domain_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

var rfmAsOf = day(2026, 11, 20)

// customer is an RFM input with all-history aggregates only.
func customer(id int64, daysAgo, orders int, euros int64) domain.RFMInput {
	return domain.RFMInput{ContactID: id, LastOrder: rfmAsOf.AddDate(0, 0, -daysAgo), Orders: orders, Amount: euros * 100}
}

// rfmOf runs RFM with no window and fails the test on an error.
func rfmOf(t *testing.T, in ...domain.RFMInput) []domain.RFMScore {
	t.Helper()
	out, err := domain.RFM(in, rfmAsOf, 0)
	if err != nil {
		t.Fatalf("RFM: %v", err)
	}
	return out
}

// rfm is an expected score: R, F, M and segment.
type rfm struct {
	r, f, m int
	seg     domain.RFMSegment
}

func checkRFM(t *testing.T, got []domain.RFMScore, want []rfm) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d scores, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.R != w.r || g.F != w.f || g.M != w.m || g.Segment != w.seg {
			t.Errorf("C%d: R%d F%d M%d %q, want R%d F%d M%d %q", g.ContactID, g.R, g.F, g.M, g.Segment, w.r, w.f, w.m, w.seg)
		}
	}
}

func TestRFMByHand(t *testing.T) {
	// n = 5, so a score is 1 + the number of customers strictly worse.
	got := rfmOf(t,
		customer(1, 0, 5, 500),
		customer(2, 10, 3, 100),
		customer(3, 10, 3, 300),
		customer(4, 30, 1, 100),
		customer(5, 365, 2, 1000),
	)
	checkRFM(t, got, []rfm{
		{5, 5, 4, domain.RFMChampions},
		{3, 3, 1, domain.RFMNeedAttention},
		{3, 3, 3, domain.RFMNeedAttention},
		{2, 1, 1, domain.RFMHibernating},
		{1, 2, 5, domain.RFMHibernating},
	})
	want := domain.RFMScore{ContactID: 5, R: 1, F: 2, M: 5, Recency: 365, Frequency: 2, Monetary: 100000, Segment: domain.RFMHibernating}
	if got[4] != want {
		t.Errorf("C5 = %+v, want %+v", got[4], want)
	}
}

func TestRFMQuintileArithmetic(t *testing.T) {
	freq := func(fs ...int) []int {
		in := make([]domain.RFMInput, len(fs))
		for i, f := range fs {
			in[i] = customer(int64(i+1), 1, f, 10)
		}
		var out []int
		for _, s := range rfmOf(t, in...) {
			out = append(out, s.F)
		}
		return out
	}
	cases := []struct {
		name string
		f    []int
		want []int
	}{
		{"one customer", []int{4}, []int{1}},
		{"all equal", []int{3, 3, 3, 3}, []int{1, 1, 1, 1}},
		{"floor of 5·(k−1)/3", []int{1, 2, 3}, []int{1, 2, 4}},
		{"ten distinct values", []int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, []int{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}},
		{"a large tie", []int{1, 1, 1, 1, 2, 2, 9}, []int{1, 1, 1, 1, 3, 3, 5}},
		{"ties at the top", []int{7, 1, 7, 2, 7}, []int{3, 1, 3, 2, 3}},
	}
	for _, c := range cases {
		if got := freq(c.f...); !slices.Equal(got, c.want) {
			t.Errorf("%s: F scores of %v = %v, want %v", c.name, c.f, got, c.want)
		}
	}
}

func TestRFMRecencyAndWindow(t *testing.T) {
	in := []domain.RFMInput{
		{ContactID: 1, LastOrder: rfmAsOf, Orders: 9, Amount: 90000, WindowOrders: 0, WindowAmount: 0},
		{ContactID: 2, LastOrder: rfmAsOf.AddDate(0, 0, -40), Orders: 1, Amount: 100, WindowOrders: 1, WindowAmount: 100},
	}
	// As of 00:30 in Paris, which is still the day before in UTC: the as-of
	// day is read where it is given, so the last order of C1 is 0 days old.
	asOf := time.Date(2026, 11, 20, 0, 30, 0, 0, paris(t))
	all, err := domain.RFM(in, asOf, 0)
	if err != nil {
		t.Fatal(err)
	}
	win, err := domain.RFM(in, asOf, 90)
	if err != nil {
		t.Fatal(err)
	}
	if all[0].Recency != 0 || all[1].Recency != 40 || win[0].Recency != 0 {
		t.Errorf("recency %d and %d (window: %d), want 0 and 40", all[0].Recency, all[1].Recency, win[0].Recency)
	}
	// With n = 2, a score is 1 or 1 + floor(5/2) = 3.
	if all[0].Frequency != 9 || all[0].Monetary != 90000 || all[0].R != 3 || all[0].F != 3 || all[0].M != 3 {
		t.Errorf("all history: C1 = %+v, want F=9, M=90000, scores R3 F3 M3", all[0])
	}
	if win[0].Frequency != 0 || win[0].Monetary != 0 || win[0].R != 3 || win[0].F != 1 || win[1].F != 3 {
		t.Errorf("window: C1 = %+v and C2 = %+v, want C1 with F=0, M=0, scores R3 F1, and C2 F3", win[0], win[1])
	}
}

func TestRFMRefusesBadInput(t *testing.T) {
	ok := customer(1, 3, 2, 10)
	cases := []struct {
		name   string
		in     domain.RFMInput
		window int
	}{
		{"no order", customer(2, 3, 0, 0), 0},
		{"order after the as-of day", customer(2, -1, 1, 10), 0},
		{"no last order date", domain.RFMInput{ContactID: 2, Orders: 1, Amount: 10}, 0},
		{"more orders in the window than in all", domain.RFMInput{ContactID: 2, LastOrder: rfmAsOf, Orders: 1, WindowOrders: 2}, 30},
		{"negative window", ok, -1},
	}
	for _, c := range cases {
		_, err := domain.RFM([]domain.RFMInput{ok, c.in}, rfmAsOf, c.window)
		wantInvalid(t, c.name, err)
	}
	if out, err := domain.RFM(nil, rfmAsOf, 0); err != nil || len(out) != 0 {
		t.Errorf("RFM of nobody = %v, %v; want nothing", out, err)
	}
}

func TestInRFMWindow(t *testing.T) {
	cases := []struct {
		daysAgo, window int
		want            bool
	}{
		{0, 0, true}, {700, 0, true}, {-1, 0, false},
		{0, 1, true}, {1, 1, false},
		{29, 30, true}, {30, 30, false}, {-1, 30, false},
	}
	for _, c := range cases {
		if got := domain.InRFMWindow(rfmAsOf.AddDate(0, 0, -c.daysAgo), rfmAsOf.Add(15*time.Hour), c.window); got != c.want {
			t.Errorf("order %d days before, window %d: %v, want %v", c.daysAgo, c.window, got, c.want)
		}
	}
	// Before 1970 too: days are whole days, not truncated seconds.
	if !domain.InRFMWindow(day(1969, 12, 31), day(1970, 1, 1), 2) || domain.InRFMWindow(day(1969, 12, 31), day(1970, 1, 1), 1) {
		t.Errorf("1969-12-31 is 1 day before 1970-01-01")
	}
}

func TestRFMSegmentTable(t *testing.T) {
	const (
		ch, lo, pl, nw, pr = domain.RFMChampions, domain.RFMLoyal, domain.RFMPotentialLoyalist, domain.RFMNew, domain.RFMPromising
		na, as, ar, cl, hi = domain.RFMNeedAttention, domain.RFMAboutToSleep, domain.RFMAtRisk, domain.RFMCantLoseThem, domain.RFMHibernating
	)
	// PRODUCT.md's table, rows R 5 down to 1, columns F 1 to 5.
	table := [5][5]domain.RFMSegment{
		{nw, pl, pl, ch, ch},
		{pr, pl, pl, lo, lo},
		{as, as, na, lo, lo},
		{hi, hi, ar, ar, cl},
		{hi, hi, ar, ar, cl},
	}
	for i, row := range table {
		for f, want := range row {
			if got := domain.RFMSegmentOf(5-i, f+1); got != want {
				t.Errorf("R%d F%d: %q, want %q", 5-i, f+1, got, want)
			}
		}
	}
	for _, rf := range [][2]int{{0, 3}, {6, 3}, {3, 0}, {3, 6}} {
		if got := domain.RFMSegmentOf(rf[0], rf[1]); got != "" {
			t.Errorf("R%d F%d: %q, want none", rf[0], rf[1], got)
		}
	}
}

func TestParseRFMSegment(t *testing.T) {
	cases := map[string]domain.RFMSegment{
		"champions": domain.RFMChampions, "Champions": domain.RFMChampions,
		"potential-loyalist": domain.RFMPotentialLoyalist, "Potential loyalist": domain.RFMPotentialLoyalist,
		"cant-lose-them": domain.RFMCantLoseThem, "Can't lose them": domain.RFMCantLoseThem, "can’t_lose_them": domain.RFMCantLoseThem,
		"new": domain.RFMNew, "at_risk": domain.RFMAtRisk, "à risque": domain.RFMAtRisk, "fidèles": domain.RFMLoyal,
		"hibernants": domain.RFMHibernating, "about-to-sleep": domain.RFMAboutToSleep,
	}
	for in, want := range cases {
		if got, err := domain.ParseRFMSegment(in); err != nil || got != want {
			t.Errorf("ParseRFMSegment(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, seg := range domain.RFMSegments {
		if got, err := domain.ParseRFMSegment(seg.Slug()); err != nil || got != seg {
			t.Errorf("ParseRFMSegment(%q) = %q, %v; want %q", seg.Slug(), got, err, seg)
		}
	}
	_, err := domain.ParseRFMSegment("vip")
	wantInvalid(t, "ParseRFMSegment(vip)", err)
	if err != nil && !strings.Contains(err.Error(), "cant-lose-them") {
		t.Errorf("the error %q does not list the segments", err)
	}
}

func TestRFMReport(t *testing.T) {
	rep := domain.NewRFMReport(rfmOf(t,
		customer(1, 0, 5, 500), customer(2, 10, 3, 100), customer(3, 10, 3, 300),
		customer(4, 30, 1, 100), customer(5, 365, 2, 1000),
	))
	if rep.Customers != 5 || rep.R != [5]int{1, 1, 2, 0, 1} || rep.F != [5]int{1, 1, 2, 0, 1} || rep.M != [5]int{2, 0, 1, 1, 1} {
		t.Errorf("report %+v", rep)
	}
	sizes := map[domain.RFMSegment]int{domain.RFMChampions: 1, domain.RFMNeedAttention: 2, domain.RFMHibernating: 2}
	if len(rep.Segments) != len(domain.RFMSegments) {
		t.Fatalf("%d segments in the report, want all %d", len(rep.Segments), len(domain.RFMSegments))
	}
	for i, s := range rep.Segments {
		if s.Segment != domain.RFMSegments[i] || s.Customers != sizes[s.Segment] || rep.Size(s.Segment) != s.Customers {
			t.Errorf("segment %d: %+v, want %q with %d", i, s, domain.RFMSegments[i], sizes[domain.RFMSegments[i]])
		}
	}
}

// spend is the revenue of one customer for ABC.
func spend(id, cents int64) domain.RFMScore { return domain.RFMScore{ContactID: id, Monetary: cents} }

func abcOf(t *testing.T, th domain.ABCThresholds, scores ...domain.RFMScore) (string, domain.ABCResult) {
	t.Helper()
	res, err := domain.ABC(scores, th)
	if err != nil {
		t.Fatalf("ABC: %v", err)
	}
	var b strings.Builder
	for _, e := range res.Ranked {
		fmt.Fprintf(&b, "C%d:%s ", e.ContactID, e.Class)
	}
	return strings.TrimSpace(b.String()), res
}

func TestABCByHand(t *testing.T) {
	big := int64(1) << 60
	cases := []struct {
		name   string
		th     domain.ABCThresholds
		scores []domain.RFMScore
		want   string
		pareto float64
	}{
		// Revenue before: 0, 50, 80 (not below 80 %), 90, 95 (not below 95 %);
		// equal revenue ranks the lower id first.
		{"boundaries at exactly 80 and 95 %", domain.DefaultABC,
			[]domain.RFMScore{spend(7, 5), spend(1, 50), spend(3, 5), spend(2, 30), spend(4, 10)},
			"C1:A C2:A C4:B C3:B C7:C", 0.4},
		{"one customer", domain.DefaultABC, []domain.RFMScore{spend(9, 1)}, "C9:A", 1},
		{"four equal", domain.DefaultABC, []domain.RFMScore{spend(4, 25), spend(3, 25), spend(2, 25), spend(1, 25)}, "C1:A C2:A C3:A C4:A", 1},
		{"five equal", domain.DefaultABC, []domain.RFMScore{spend(1, 20), spend(2, 20), spend(3, 20), spend(4, 20), spend(5, 20)}, "C1:A C2:A C3:A C4:A C5:B", 0.8},
		{"no revenue at all", domain.DefaultABC, []domain.RFMScore{spend(1, 0), spend(2, 0)}, "C1:C C2:C", 0},
		// 7 is not below 70 % of 10, though 7 < 0.7 × 10 in floating point.
		{"exact where floats are not", domain.ABCThresholds{A: 70, B: 95}, []domain.RFMScore{spend(1, 4), spend(2, 3), spend(3, 2), spend(4, 1)}, "C1:A C2:A C3:B C4:B", 0.5},
		{"thresholds to 0.01 %", domain.ABCThresholds{A: 80.5, B: 95}, []domain.RFMScore{spend(1, 805), spend(2, 195)}, "C1:A C2:B", 0.5},
		{"below 80.5 %", domain.ABCThresholds{A: 80.5, B: 95}, []domain.RFMScore{spend(1, 804), spend(2, 196)}, "C1:A C2:A", 1},
		// Products beyond int64: 3·2⁶⁰ × 10 000.
		{"huge revenues, 75 % before", domain.ABCThresholds{A: 70, B: 95}, []domain.RFMScore{spend(1, 3*big), spend(2, big)}, "C1:A C2:B", 0.5},
		{"huge revenues, 80 % threshold", domain.DefaultABC, []domain.RFMScore{spend(1, 3*big), spend(2, big)}, "C1:A C2:A", 1},
	}
	for _, c := range cases {
		got, res := abcOf(t, c.th, c.scores...)
		if got != c.want || res.Pareto != c.pareto {
			t.Errorf("%s: %s (Pareto %g), want %s (Pareto %g)", c.name, got, res.Pareto, c.want, c.pareto)
		}
	}
}

func TestABCGroups(t *testing.T) {
	_, res := abcOf(t, domain.DefaultABC, spend(7, 5), spend(1, 50), spend(3, 5), spend(2, 30), spend(4, 10))
	want := domain.ABCResult{Total: 100, A: domain.ABCGroup{Customers: 2, Revenue: 80}, B: domain.ABCGroup{Customers: 2, Revenue: 15},
		C: domain.ABCGroup{Customers: 1, Revenue: 5}, Pareto: 0.4}
	if ids := res.ContactIDs(); !slices.Equal(ids, []int64{1, 2, 4, 3, 7}) {
		t.Errorf("ContactIDs() = %v, want [1 2 4 3 7]", ids)
	}
	res.Ranked = nil
	if fmt.Sprint(res) != fmt.Sprint(want) {
		t.Errorf("ABC = %+v, want %+v", res, want)
	}
	if _, empty := abcOf(t, domain.DefaultABC); empty.Pareto != 0 || empty.Total != 0 || len(empty.Ranked) != 0 {
		t.Errorf("ABC of nobody = %+v", empty)
	}
}

func TestABCRefusesBadInput(t *testing.T) {
	for _, th := range []domain.ABCThresholds{{A: 0, B: 95}, {A: 80, B: 80}, {A: 95, B: 80}, {A: 80, B: 100}, {A: -5, B: 50}} {
		_, err := domain.ABC([]domain.RFMScore{spend(1, 10)}, th)
		wantInvalid(t, fmt.Sprintf("ABC with %+v", th), err)
	}
	_, err := domain.ABC([]domain.RFMScore{spend(1, 10), spend(2, -1)}, domain.DefaultABC)
	wantInvalid(t, "ABC with a negative revenue", err)
}

// traitList reads "k=v" pairs.
func traitList(pairs ...string) []domain.Trait {
	out := make([]domain.Trait, len(pairs))
	for i, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		out[i] = domain.Trait{Key: k, Value: v}
	}
	return out
}

func liftsOf(t *testing.T, ranked []int64, traits domain.CustomerTraits, opt domain.ParetoOptions) string {
	t.Helper()
	got, err := domain.ParetoTraits(ranked, traits, opt)
	if err != nil {
		t.Fatalf("ParetoTraits: %v", err)
	}
	var parts []string
	for _, l := range got {
		if math.Abs(l.Lift-l.ShareTop/l.ShareAll) > 1e-12 || l.Lift <= 1 {
			t.Errorf("%+v: the lift is not share in top ÷ share overall, above 1", l)
		}
		parts = append(parts, fmt.Sprintf("%s=%s %d/%d %.2f", l.Key, l.Value, l.Top, l.All, l.Lift))
	}
	return strings.Join(parts, "; ")
}

func TestParetoTraits(t *testing.T) {
	ranked := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} // the top 20 %: C1 and C2
	traits := domain.CustomerTraits{
		1:  traitList("sector=agro", "source=salon", "city=Lyon", "city=lyon"),
		2:  traitList("sector=Agro", "source=web", "city=Paris"),
		3:  traitList("sector=agro", "city= LYON"),
		4:  traitList("sector=btp", "source=web"),
		5:  traitList("sector=btp", "source=web", "tags="),
		6:  traitList("sector=btp", "source=web"),
		7:  traitList("sector=btp", "source=web"),
		99: traitList("city=paris"), // not a ranked customer
	}
	cases := []struct {
		support float64
		want    string
	}{
		{10, "city=paris 1/1 5.00; source=salon 1/1 5.00; sector=agro 2/3 3.33; city=lyon 1/2 2.50"},
		{50, "city=paris 1/1 5.00; source=salon 1/1 5.00; sector=agro 2/3 3.33; city=lyon 1/2 2.50"},
		{60, "sector=agro 2/3 3.33"},
	}
	for _, c := range cases {
		if got := liftsOf(t, ranked, traits, domain.ParetoOptions{TopPercent: 20, MinSupport: c.support}); got != c.want {
			t.Errorf("support %g %%:\n got %s\nwant %s", c.support, got, c.want)
		}
	}
}

func TestParetoTraitsEdges(t *testing.T) {
	eleven := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	// 20 % of 11 customers rounds up to 3, so C3 is in the top.
	if got := liftsOf(t, eleven, domain.CustomerTraits{3: traitList("city=nice")}, domain.DefaultPareto); got != "city=nice 1/1 3.67" {
		t.Errorf("top of 11: %s", got)
	}
	if got := liftsOf(t, eleven, domain.CustomerTraits{4: traitList("city=nice")}, domain.DefaultPareto); got != "" {
		t.Errorf("C4 of 11 is not in the top: %s", got)
	}
	if got := liftsOf(t, []int64{1}, domain.CustomerTraits{1: traitList("city=nice")}, domain.DefaultPareto); got != "" {
		t.Errorf("one customer: a lift of 1 is not over-represented: %s", got)
	}
	if got := liftsOf(t, nil, nil, domain.DefaultPareto); got != "" {
		t.Errorf("nobody: %s", got)
	}
	for _, opt := range []domain.ParetoOptions{{TopPercent: 0, MinSupport: 10}, {TopPercent: 101}, {TopPercent: 20, MinSupport: -1}, {TopPercent: 20, MinSupport: 101}} {
		_, err := domain.ParetoTraits(eleven, nil, opt)
		wantInvalid(t, fmt.Sprintf("ParetoTraits with %+v", opt), err)
	}
}

func TestContactTraits(t *testing.T) {
	c := &domain.Contact{
		Sector: "Agroalimentaire", Source: "salon", City: "Lyon", Role: "Gérante", Employees: 12,
		Interests: []string{"Bio", "bio", "export"}, Tags: []string{"VIP"},
		Attrs: map[string]string{"zone": "Sud", "card": "gold"},
	}
	var got []string
	for _, tr := range domain.ContactTraits(c) {
		got = append(got, tr.Key+"="+tr.Value)
	}
	want := []string{"sector=agroalimentaire", "source=salon", "city=lyon", "role=gérante", "employees=10-49",
		"interests=bio", "interests=export", "tags=vip", "attr.card=gold", "attr.zone=sud"}
	if !slices.Equal(got, want) {
		t.Errorf("ContactTraits =\n %v\nwant\n %v", got, want)
	}
	bands := map[int]string{-1: "", 0: "", 1: "1-4", 4: "1-4", 5: "5-9", 9: "5-9", 10: "10-49", 49: "10-49", 50: "50-249", 249: "50-249", 250: "250+", 9000: "250+"}
	for n, want := range bands {
		if got := domain.EmployeesBand(n); got != want {
			t.Errorf("EmployeesBand(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestValidSegmentName(t *testing.T) {
	for _, name := range []string{"big-agro", "vip_2026", "a", "clients-fidèles-Lyon", strings.Repeat("x", 40), "Éte"} {
		if err := domain.ValidSegmentName(name); err != nil {
			t.Errorf("ValidSegmentName(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", strings.Repeat("x", 41), "big agro", "a.b", "segment:x", "champions", "At-Risk", "cant_lose_them"} {
		wantInvalid(t, fmt.Sprintf("ValidSegmentName(%q)", name), domain.ValidSegmentName(name))
	}
}

func TestSavedSegment(t *testing.T) {
	seg := domain.SavedSegment{Name: "big-agro", Filter: ` sector == "agroalimentaire" && employees >= 50 `}
	f, err := seg.Compile()
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	if f.String() != `sector == "agroalimentaire" && employees >= 50` {
		t.Errorf("String() = %q", f.String())
	}
	env := func(sector string, employees int) *domain.ScoreEnv {
		return domain.NewScoreEnv(&domain.Contact{Sector: sector, Employees: employees}, &domain.Facts{}, rfmAsOf)
	}
	cases := []struct {
		env  *domain.ScoreEnv
		want bool
	}{
		{env("Agroalimentaire", 60), true}, {env("agroalimentaire", 50), true},
		{env("agroalimentaire", 49), false}, {env("btp", 200), false},
	}
	for i, c := range cases {
		if got := f.Match(c.env); got != c.want {
			t.Errorf("case %d: Match = %v, want %v", i, got, c.want)
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 200 {
				if c := cases[i%len(cases)]; f.Match(c.env) != c.want {
					t.Errorf("concurrent Match of case %d is wrong", i%len(cases))
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSavedSegmentRefusesBadFilters(t *testing.T) {
	cases := []struct{ filter, says string }{
		{`sector = "agro"`, `sector == "agro"`},
		{`colour == "red"`, "unknown name colour"},
		{`employees`, "bool"},
		{`   `, "needs a filter"},
	}
	for _, c := range cases {
		err := domain.SavedSegment{Name: "ok", Filter: c.filter}.Validate()
		wantInvalid(t, fmt.Sprintf("filter %q", c.filter), err)
		if err != nil && !strings.Contains(err.Error(), c.says) {
			t.Errorf("filter %q: error %q does not say %q", c.filter, err, c.says)
		}
	}
	wantInvalid(t, "a bad name", domain.SavedSegment{Name: "bad name", Filter: "orders > 0"}.Validate())
	if _, err := domain.CompileSegment(`"bio" in interests || attrs["zone"] == "sud"`); err != nil {
		t.Errorf("CompileSegment: %v", err)
	}
}

// genOrder is a generated order.
type genOrder struct {
	contact int64
	date    time.Time
	cents   int64
}

// generateOrders makes up to five orders for each of n customers, with few
// distinct dates and amounts so that R, F and M tie often; some orders come
// after the as-of day and some customers only have such orders.
func generateOrders(seed uint64, n int, scale int64) []genOrder {
	rng := rand.New(rand.NewPCG(seed, seed*31+7))
	amounts := []int64{5000, 10000, 15000, 20000}
	var orders []genOrder
	for i := range n {
		id := int64(i)*7 + 3
		for range rng.IntN(6) {
			daysAgo := rng.IntN(125)*6 - 12
			orders = append(orders, genOrder{id, rfmAsOf.AddDate(0, 0, -daysAgo), amounts[rng.IntN(len(amounts))] * scale})
		}
	}
	rng.Shuffle(len(orders), func(i, j int) { orders[i], orders[j] = orders[j], orders[i] })
	return orders
}

// aggregate does the caller's part: the aggregates of the orders dated on
// or before the as-of day, for the customers that have some.
func aggregate(orders []genOrder, window int) []domain.RFMInput {
	byID := map[int64]*domain.RFMInput{}
	for _, o := range orders {
		if !domain.InRFMWindow(o.date, rfmAsOf, 0) {
			continue
		}
		in := byID[o.contact]
		if in == nil {
			in = &domain.RFMInput{ContactID: o.contact}
			byID[o.contact] = in
		}
		in.Orders++
		in.Amount += o.cents
		if o.date.After(in.LastOrder) {
			in.LastOrder = o.date
		}
		if domain.InRFMWindow(o.date, rfmAsOf, window) {
			in.WindowOrders++
			in.WindowAmount += o.cents
		}
	}
	out := make([]domain.RFMInput, 0, len(byID))
	for _, in := range byID {
		out = append(out, *in)
	}
	slices.SortFunc(out, func(a, b domain.RFMInput) int { return cmp.Compare(b.ContactID, a.ContactID) })
	return out
}

// naiveMeasures reads PRODUCT.md literally: the population is every contact
// with an order dated on or before the as-of day; R is the whole days from
// the last such order; F and M count the orders of the last window days
// (all of them when window is 0).
func naiveMeasures(orders []genOrder, window int) map[int64]*domain.RFMScore {
	out := map[int64]*domain.RFMScore{}
	for _, o := range orders {
		days := int(rfmAsOf.Sub(o.date).Hours() / 24)
		if days < 0 {
			continue
		}
		c := out[o.contact]
		if c == nil {
			c = &domain.RFMScore{ContactID: o.contact, Recency: days}
			out[o.contact] = c
		}
		c.Recency = min(c.Recency, days)
		if window == 0 || days < window {
			c.Frequency++
			c.Monetary += o.cents
		}
	}
	return out
}

// naiveRFM scores in O(n²): k = 1 + the number of customers with a strictly
// worse value, score = 1 + floor(5·(k−1)/n).
func naiveRFM(orders []genOrder, window int) map[int64]*domain.RFMScore {
	cs := naiveMeasures(orders, window)
	n := len(cs)
	for _, a := range cs {
		var r, f, m int
		for _, b := range cs {
			r += b2i(b.Recency > a.Recency)
			f += b2i(b.Frequency < a.Frequency)
			m += b2i(b.Monetary < a.Monetary)
		}
		a.R, a.F, a.M = 1+5*r/n, 1+5*f/n, 1+5*m/n
		a.Segment = naiveSegment(a.R, a.F)
	}
	return cs
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// naiveSegment is PRODUCT.md's table, cell by cell.
func naiveSegment(r, f int) domain.RFMSegment {
	switch {
	case r == 5 && f == 1:
		return "New"
	case r == 5 && f <= 3, r == 4 && f >= 2 && f <= 3:
		return "Potential loyalist"
	case r == 5:
		return "Champions"
	case r == 4 && f == 1:
		return "Promising"
	case r >= 3 && f >= 4:
		return "Loyal"
	case r == 3 && f <= 2:
		return "About to sleep"
	case r == 3:
		return "Need attention"
	case f <= 2:
		return "Hibernating"
	case f <= 4:
		return "At risk"
	}
	return "Can't lose them"
}

// naiveABC ranks in O(n²): the revenue before a customer is that of every
// customer with a higher M, or an equal M and a lower id.
func naiveABC(cs map[int64]*domain.RFMScore, a, b int64) map[int64]domain.ABCClass {
	var total int64
	for _, c := range cs {
		total += c.Monetary
	}
	out := map[int64]domain.ABCClass{}
	for _, x := range cs {
		var before int64
		for _, y := range cs {
			if y.Monetary > x.Monetary || y.Monetary == x.Monetary && y.ContactID < x.ContactID {
				before += y.Monetary
			}
		}
		switch {
		case before*100 < total*a:
			out[x.ContactID] = domain.ClassA
		case before*100 < total*b:
			out[x.ContactID] = domain.ClassB
		default:
			out[x.ContactID] = domain.ClassC
		}
	}
	return out
}

func TestRFMAndABCAgreeWithNaive(t *testing.T) {
	cases := []struct {
		seed   uint64
		window int
		scale  int64 // ×100 000 makes M span more than 2³² cents
		a, b   int64
	}{
		{1, 0, 1, 80, 95},
		{2, 90, 1, 80, 95},
		{3, 0, 100_000, 80, 95},
		{4, 365, 1, 70, 90},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("seed %d window %d scale %d", c.seed, c.window, c.scale), func(t *testing.T) {
			orders := generateOrders(c.seed, 3000, c.scale)
			in := aggregate(orders, c.window)
			got, err := domain.RFM(in, rfmAsOf, c.window)
			if err != nil {
				t.Fatal(err)
			}
			want := naiveRFM(orders, c.window)
			checkTies(t, want)
			compareRFM(t, got, want)
			abc, err := domain.ABC(got, domain.ABCThresholds{A: float64(c.a), B: float64(c.b)})
			if err != nil {
				t.Fatal(err)
			}
			compareABC(t, abc, naiveABC(want, c.a, c.b))
		})
	}
}

// checkTies makes sure the data is the hard case: most customers share
// their F and their M with others.
func checkTies(t *testing.T, cs map[int64]*domain.RFMScore) {
	t.Helper()
	fs, ms := map[int]bool{}, map[int64]bool{}
	for _, c := range cs {
		fs[c.Frequency], ms[c.Monetary] = true, true
	}
	if len(cs) < 2000 || len(fs) > 10 || len(ms) > len(cs)/10 {
		t.Fatalf("%d customers with %d distinct F and %d distinct M: not enough ties", len(cs), len(fs), len(ms))
	}
}

func compareRFM(t *testing.T, got []domain.RFMScore, want map[int64]*domain.RFMScore) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d customers scored, the naive count is %d", len(got), len(want))
	}
	sizes := map[domain.RFMSegment]int{}
	for _, g := range got {
		if w := want[g.ContactID]; w == nil || g != *w {
			t.Fatalf("C%d: %+v, the naive computation gives %+v", g.ContactID, g, w)
		}
		sizes[g.Segment]++
	}
	rep := domain.NewRFMReport(got)
	for _, s := range rep.Segments {
		if s.Customers != sizes[s.Segment] {
			t.Errorf("report: %d in %q, want %d", s.Customers, s.Segment, sizes[s.Segment])
		}
	}
}

func compareABC(t *testing.T, got domain.ABCResult, want map[int64]domain.ABCClass) {
	t.Helper()
	counts := map[domain.ABCClass]int{}
	for _, e := range got.Ranked {
		if want[e.ContactID] != e.Class {
			t.Fatalf("C%d is %s, the naive computation says %s", e.ContactID, e.Class, want[e.ContactID])
		}
		counts[e.Class]++
	}
	if got.A.Customers != counts["A"] || got.B.Customers != counts["B"] || got.C.Customers != counts["C"] || got.A.Customers == 0 || got.C.Customers == 0 {
		t.Errorf("groups %+v %+v %+v, classes counted %v", got.A, got.B, got.C, counts)
	}
	if want := float64(counts["A"]) / float64(len(got.Ranked)); got.Pareto != want {
		t.Errorf("Pareto %g, want %g", got.Pareto, want)
	}
}
