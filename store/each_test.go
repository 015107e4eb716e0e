package store_test

import (
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// TestEachMoveAndAnswer reads every move and every answer batch by batch,
// in key order, each exactly once, across batch boundaries.
func TestEachMoveAndAnswer(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := create(t, db, &domain.Contact{Name: "Jeanne Martin"})
		for _, to := range []domain.Stage{domain.Prospect, domain.Qualified, domain.Customer} {
			if err := db.AddMove(ctx, &domain.Move{ContactID: c.ID, From: domain.Lead, To: to, Author: "U1", At: testNow}); err != nil {
				t.Fatal(err)
			}
		}
		var want []string
		for range 3 {
			s := &domain.Survey{ContactID: c.ID, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyAnswered, RequestedAt: testNow}
			if err := db.CreateSurvey(ctx, s); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"nps", "csat"} {
				if err := db.SaveAnswer(ctx, domain.StoredAnswer{SurveyID: s.ID, ContactID: c.ID, Questionnaire: "satisfaction",
					Answer: domain.Answer{Question: q, Type: domain.RatingQuestion, Number: 4}, At: testNow}); err != nil {
					t.Fatal(err)
				}
			}
			want = append(want, domain.ContactRef(s.ID)+"csat", domain.ContactRef(s.ID)+"nps")
		}
		var moves []domain.Stage
		if err := db.EachMove(ctx, 2, func(ms []domain.Move) error {
			for _, m := range ms {
				moves = append(moves, m.To)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(moves) != 3 || moves[2] != domain.Customer {
			t.Errorf("moves %v", moves)
		}
		var got []string
		if err := db.EachAnswer(ctx, 4, func(as []domain.StoredAnswer) error {
			for _, a := range as {
				got = append(got, domain.ContactRef(a.SurveyID)+a.Question)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("answers %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("answer %d: %s, want %s", i, got[i], want[i])
			}
		}
	})
}
