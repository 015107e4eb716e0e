package command_test

import (
	"fmt"
	"testing"

	"github.com/crmbot/crmbot/domain"
)

// TestFindCountsLazily: past 200 matches beyond its page, find says "more
// than" instead of counting every match (a million contacts cost far more
// to count than a page); nearer the end it gives the exact total.
func TestFindCountsLazily(t *testing.T) {
	e := newEnv(t)
	cs := make([]*domain.Contact, 260)
	for i := range cs {
		cs[i] = &domain.Contact{Name: fmt.Sprintf("Client %d", i+1), Sector: "agro", Stage: domain.Customer,
			Score: i % 50, Grade: "D", CreatedAt: start, UpdatedAt: start}
	}
	if err := e.db.InsertContacts(ctx(t), cs); err != nil {
		t.Fatal(err)
	}
	r := e.ok(t, "find sector=agro sort=-score")
	data := r.Data.(map[string]any)
	if r.Title != "Contacts 1–20 of more than 220" || data["total"] != nil || data["more_than"] != 220 || len(r.Actions) != 1 {
		t.Errorf("first page: %q %v %v, actions %+v", r.Title, data["total"], data["more_than"], r.Actions)
	}
	r = e.ok(t, "find sector=agro sort=-score page=12")
	if r.Title != "Contacts 221–240 of 260" || r.Data.(map[string]any)["total"] != int64(260) {
		t.Errorf("page 12: %q", r.Title)
	}
	r = e.ok(t, "find sector=agro page=14")
	if r.Title != "260 contacts match; page 14 is past the end." {
		t.Errorf("past the end: %q", r.Title)
	}
	if r := e.ok(t, "top 3 sector=agro"); r.Title != "Top 3 scores" {
		t.Errorf("top: %q", r.Title)
	}
}
