package domain_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
)

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
