package dupes

import (
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// TestCompanyPairs: four namesakes make three pairs, each with the oldest;
// a close name pairs with the namesakes' oldest once; others pair with none.
func TestCompanyPairs(t *testing.T) {
	group := []store.DupeCandidate{{ID: 7, Name: "Zoé Müller"}, {ID: 3, Name: "ZOE MULLER"}, {ID: 9, Name: "Zoe Muller"},
		{ID: 5, Name: "zoé müller"}, {ID: 4, Name: "Zoé Mûler"}, {ID: 1, Name: "Anaïs Müller"}, {ID: 2, Name: ""}}
	var got []domain.Dupe
	companyPairs(group, func(d domain.Dupe) { got = append(got, d) })
	want := []struct {
		keep, other int64
		r           domain.DupeReason
	}{{3, 5, domain.SameNameCompany}, {3, 7, domain.SameNameCompany}, {3, 9, domain.SameNameCompany}, {3, 4, domain.CloseNames}}
	if len(got) != len(want) {
		t.Fatalf("pairs %+v, want %+v", got, want)
	}
	for i, w := range want {
		if got[i].Keep != w.keep || got[i].Other != w.other || got[i].Reasons[0] != w.r {
			t.Errorf("pair %d: %+v, want %+v", i, got[i], w)
		}
	}
}
