package domain_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
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
	// As of half past midnight an hour east of UTC, the as-of day is
	// already the next one: its orders count, whatever their time of day.
	east := time.Date(2026, 11, 21, 0, 30, 0, 0, time.FixedZone("UTC+1", 3600))
	for _, c := range []struct {
		date   time.Time
		window int
		want   bool
	}{
		{day(2026, 11, 21).Add(23 * time.Hour), 1, true}, {day(2026, 11, 22), 0, false},
		{day(2026, 11, 20).Add(23 * time.Hour), 1, false}, {day(2026, 11, 20), 2, true},
	} {
		if got := domain.InRFMWindow(c.date, east, c.window); got != c.want {
			t.Errorf("order at %s, as of %s, window %d: %v, want %v", c.date, east, c.window, got, c.want)
		}
	}
	if start, end := domain.RFMBounds(east, 2); !start.Equal(day(2026, 11, 20)) || !end.Equal(day(2026, 11, 22)) || end.Location() != time.UTC {
		t.Errorf("RFMBounds(%s, 2) = %s, %s; want the 20th and the 22nd at midnight UTC", east, start, end)
	}
}

func TestRFMSegmentTable(t *testing.T) {
	const (
		ch, lo, pl, nw, pr = domain.RFMChampions, domain.RFMLoyal, domain.RFMPotentialLoyalist, domain.RFMNew, domain.RFMPromising
		na, as, ar, cl, hi = domain.RFMNeedAttention, domain.RFMAboutToSleep, domain.RFMAtRisk, domain.RFMCantLoseThem, domain.RFMHibernating
	)
	// The table of docs/segments.md, rows R 5 down to 1, columns F 1 to 5.
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

// naiveMeasures reads docs/segments.md literally: the population is every contact
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

// naiveSegment is the table of docs/segments.md, cell by cell.
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
