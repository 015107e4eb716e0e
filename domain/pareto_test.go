package domain_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
)

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
