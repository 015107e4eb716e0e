package store_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// TestDueTriggers finds each kind of occasion in its window, once claimed
// no more, on both databases: a sale 7 days before, a move to lost a day
// before, an answer a year before with nothing sent since.
func TestDueTriggers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "A"})
		b := create(t, db, &domain.Contact{Name: "B"})
		now := testNow
		if err := db.AddOrder(ctx, &domain.Order{ContactID: a.ID, Amount: 100, Date: day(2026, 11, 18), Author: "U1"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddOrder(ctx, &domain.Order{ContactID: b.ID, Amount: 100, Date: day(2026, 11, 24), Author: "U1"}); err != nil {
			t.Fatal(err) // due on 1 December: not yet
		}
		if err := db.AddMove(ctx, &domain.Move{ContactID: b.ID, From: domain.Prospect, To: domain.Lost, Author: "U1", At: now.Add(-25 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		answered := now.AddDate(-1, 0, -1)
		if err := db.CreateSurvey(ctx, &domain.Survey{ContactID: a.ID, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyAnswered,
			RequestedAt: answered, SentAt: answered, AnsweredAt: answered}); err != nil {
			t.Fatal(err)
		}
		week := now.AddDate(0, 0, -7)
		for _, c := range []struct {
			trigger domain.Trigger
			contact int64
			key     string
		}{
			{domain.Trigger{After: domain.AfterSale, Days: 7}, a.ID, "sale:1"},
			{domain.Trigger{After: domain.AfterMove, To: domain.Lost, Days: 1}, b.ID, "move:1"},
			{domain.Trigger{EveryDays: 365}, a.ID, "answer:1"},
		} {
			q := domain.Questionnaire{ID: "satisfaction", Trigger: &c.trigger}
			due, err := db.DueTriggers(ctx, q, domain.TriggerWindow{From: week, Until: now, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(due) != 1 || due[0].ContactID != c.contact || due[0].Key != c.key || due[0].Due.After(now) {
				t.Fatalf("%+v: due %+v, want %s of C%d", c.trigger, due, c.key, c.contact)
			}
			for i, want := range []int{1, 0} {
				if got, err := db.ClaimTriggers(ctx, due, now); err != nil || len(got) != want {
					t.Errorf("%+v: claim %d = %v, %v", c.trigger, i+1, got, err)
				}
			}
			if due, err := db.DueTriggers(ctx, q, domain.TriggerWindow{From: week, Until: now, Limit: 10}); err != nil || len(due) != 0 {
				t.Errorf("%+v: due once claimed: %+v %v", c.trigger, due, err)
			}
		}
	})
}
