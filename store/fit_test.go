package store_test

import (
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// TestFitAndEngagement stores each contact's fit grade and engagement by
// every path that writes a score (a new contact, SetScoreResult,
// SetScores), filters on them (fit=A engagement>=50) and sorts by
// engagement, on both databases; the facts date each kind's latest
// interaction, from which decay ages a rule.
func TestFitAndEngagement(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		create(t, db, &domain.Contact{Name: "Fresh", Stage: domain.Lead, Fit: "D"})
		a := create(t, db, &domain.Contact{Name: "Ada", Stage: domain.Lead, Fit: "A", Engagement: 60, Score: 90, Grade: "A"})
		b := create(t, db, &domain.Contact{Name: "Bea", Stage: domain.Lead})
		c := create(t, db, &domain.Contact{Name: "Cid", Stage: domain.Lead})
		if err := db.SetScoreResult(ctx, b.ID, domain.ScoreResult{Score: 40, Grade: "C", Fit: "A", Engagement: 45}); err != nil {
			t.Fatal(err)
		}
		err := db.SetScores(ctx, map[int64]domain.ScoreResult{c.ID: {Score: 70, Grade: "B", Fit: "B", Engagement: 80}})
		if err != nil {
			t.Fatal(err)
		}
		if got := reload(t, db, c.ID); got.Fit != "B" || got.Engagement != 80 || got.Score != 70 {
			t.Errorf("after SetScores: %+v", got)
		}
		find := func(args ...string) []string {
			t.Helper()
			q := domain.ContactQuery{}
			for _, w := range args {
				field, op, value, _ := domain.SplitFilter(w)
				if field == "sort" {
					q.Sort, q.Desc = "engagement", true
					continue
				}
				f, err := domain.ParseFilter(field, op, value, testNow)
				if err != nil {
					t.Fatal(err)
				}
				q.Filters = append(q.Filters, f)
			}
			list, _, err := db.FindContacts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return names(list)
		}
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"fit=A", "engagement>=50"}, "[Ada]"},
			{[]string{"fit=a"}, "[Ada Bea]"},
			{[]string{"fit!=D", "engagement<50"}, "[Bea]"},
			{[]string{"sort=-engagement"}, "[Cid Ada Bea Fresh]"},
			{[]string{"engagement>=45", "sort=-engagement"}, "[Cid Ada Bea]"},
		} {
			if got := fmtList(find(tc.args...)); got != tc.want {
				t.Errorf("find %v = %s, want %s", tc.args, got, tc.want)
			}
		}
		if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: a.ID, Kind: domain.Form, Author: "U1", At: testNow.AddDate(0, 0, -60)}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: a.ID, Kind: domain.Form, Author: "U1", At: testNow.AddDate(0, 0, -10)}); err != nil {
			t.Fatal(err)
		}
		f, err := db.Facts(ctx, a.ID, testNow)
		if err != nil || !f.LastAt[domain.Form].Equal(testNow.AddDate(0, 0, -10)) {
			t.Errorf("the latest form of Ada: %v (%v), want 10 days ago", f.LastAt, err)
		}
	})
}

func fmtList(l []string) string {
	out := "["
	for i, s := range l {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out + "]"
}
