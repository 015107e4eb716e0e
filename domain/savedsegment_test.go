package domain_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/crmbot/crmbot/domain"
)

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
