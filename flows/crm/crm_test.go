package crm_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

func TestAdd(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		c := f.add("  Jeanne Martin ", "email", "Jeanne@Example.FR", "phone", "06 12 34 56 78", "role", "CEO",
			"employees", "60", "tags", "vip, salon")
		got := f.reload(c.ID)
		if got.Name != "Jeanne Martin" || got.Owner != "U1" || got.Stage != domain.Lead || got.Email != "jeanne@example.fr" ||
			got.Phone != "+33612345678" || got.Employees != 60 || !slices.Equal(got.Tags, []string{"vip", "salon"}) ||
			!got.CreatedAt.Equal(start) {
			t.Errorf("added contact stored as %+v", got)
		}
		// CEO 15, 50 or more 10, contacted in the last 30 days (just added) 5.
		if got.Score != 30 || got.Grade != "C" || c.Score != 30 || c.Grade != "C" {
			t.Errorf("score %d %s (returned %d %s), want 30 C", got.Score, got.Grade, c.Score, c.Grade)
		}
		if other := f.add("Paul", "owner", "U7"); f.reload(other.ID).Owner != "U7" {
			t.Errorf("owner= did not override the default owner")
		}

		refused := []struct {
			name string
			set  []crm.Assignment
			code domain.Code
			says string
		}{
			{"Jeanne Bis", set("email", "JEANNE@example.fr"), domain.Conflict, "C1 Jeanne Martin"},
			{"Jeanne Ter", set("phone", "+33 6 12 34 56 78"), domain.Conflict, "C1 Jeanne Martin"},
			{"Bad", set("city", "Lyon", "employees", "many"), domain.Invalid, "employees"},
			{"Bad", set("colour", "blue"), domain.Invalid, "colour"},
			{"", nil, domain.Invalid, "name"},
			{"  ", set("city", "Lyon"), domain.Invalid, "name"},
		}
		for _, r := range refused {
			before := f.count()
			c, err := f.svc.Add(ctx, "U1", r.name, r.set, false)
			wantCode(t, "add "+r.name, err, r.code)
			if c != nil || (err != nil && !strings.Contains(err.Error(), r.says)) {
				t.Errorf("add %q: contact %v, error %q; want no contact and a message naming %q", r.name, c, err, r.says)
			}
			if f.count() != before {
				t.Errorf("a refused add %q created a contact", r.name)
			}
		}
		f.scoresCurrent("refused adds")
	})
}

func TestEdit(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		c := f.add("Jeanne", "email", "j@x.fr", "city", "Lyon", "employees", "3", "attr.card", "gold")
		f.add("Other", "email", "other@x.fr")
		if got := f.reload(c.ID); got.Score != 0 || got.Grade != "D" || c.Score != 0 {
			t.Errorf("too small -10, contacted +5: want 0 D, got %d %s", got.Score, got.Grade)
		}

		got, err := f.svc.Edit(ctx, "U2", "C1", set("city", "", "employees", "55", "sector", "agro", "attr.card", ""))
		if err != nil {
			t.Fatal(err)
		}
		stored := f.reload(c.ID)
		if stored.City != "" || stored.Employees != 55 || stored.Sector != "agro" || stored.Attrs != nil || stored.Owner != "U1" {
			t.Errorf("after edit: %+v", stored)
		}
		// 50 or more 10, target sector 10, contacted 5.
		if stored.Score != 25 || got.Score != 25 || stored.Grade != "C" {
			t.Errorf("score after edit: stored %d, returned %d; want 25", stored.Score, got.Score)
		}
		f.scoresCurrent("edit")

		refused := []struct {
			ref  string
			set  []crm.Assignment
			code domain.Code
		}{
			{"C1", set("city", "Paris", "employees", "lots"), domain.Invalid},
			{"C1", set("city", "Paris", "project_date", "31/02/2027"), domain.Invalid},
			{"C1", set("city", "Paris", "email", "OTHER@x.fr"), domain.Conflict},
			{"C1", set("name", ""), domain.Invalid},
			{"C1", set("stage", "won"), domain.Invalid},
			{"C1", nil, domain.Invalid},
			{"C99", set("city", "Paris"), domain.NotFound},
		}
		for _, r := range refused {
			before := f.snapshot(c.ID)
			got, err := f.svc.Edit(ctx, "U2", r.ref, r.set)
			wantCode(t, "edit", err, r.code)
			if got != nil {
				t.Errorf("a refused edit returned the contact, half changed: %+v", got)
			}
			f.unchanged("a refused edit", c.ID, before)
		}

		// Changing the stage by edit records the move, as move does.
		f.at = start.Add(time.Hour)
		if _, err := f.svc.Edit(ctx, "U2", "j@x.fr", set("stage", "prospect-assuré")); err != nil {
			t.Fatal(err)
		}
		moves, _ := f.db.RecentMoves(ctx, c.ID, 5)
		want := domain.Move{ID: moves[0].ID, ContactID: c.ID, From: domain.Lead, To: domain.Qualified, Note: "edit", Author: "U2", At: f.at}
		if len(moves) != 1 || moves[0] != want {
			t.Errorf("moves after editing the stage: %+v, want %+v", moves, want)
		}
		f.scoresCurrent("stage edit")
	})
}

func TestMove(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		c := f.add("Hélène Dupré")
		f.at = start.Add(90 * time.Minute)
		got, m, err := f.svc.Move(ctx, "U3", "helene", "prospect", "called back")
		if err != nil {
			t.Fatal(err)
		}
		want := domain.Move{ID: m.ID, ContactID: c.ID, From: domain.Lead, To: domain.Prospect, Note: "called back", Author: "U3", At: f.at}
		if *m != want || got.Stage != domain.Prospect || f.reload(c.ID).Stage != domain.Prospect {
			t.Errorf("move = %+v, contact at %s; want %+v", m, got.Stage, want)
		}
		stored, _ := f.db.RecentMoves(ctx, c.ID, 5)
		if len(stored) != 1 || stored[0] != want {
			t.Errorf("stored moves %+v, want %+v", stored, want)
		}
		f.scoresCurrent("move")

		for _, r := range []struct {
			ref, stage string
			code       domain.Code
		}{
			{"C1", "prospect", domain.Conflict},
			{"C1", "PROSPECT", domain.Conflict},
			{"C1", "won", domain.Invalid},
			{"C9", "client", domain.NotFound},
		} {
			before := f.snapshot(c.ID)
			got, m, err := f.svc.Move(ctx, "U3", r.ref, r.stage, "")
			wantCode(t, "move "+r.ref+" "+r.stage, err, r.code)
			if got != nil || m != nil {
				t.Errorf("a refused move returned %+v, %+v", got, m)
			}
			f.unchanged("a refused move", c.ID, before)
		}
		if _, _, err := f.svc.Move(ctx, "U3", "C1", "perdu", ""); err != nil || f.reload(c.ID).Stage != domain.Lost {
			t.Errorf("move to perdu: %v", err)
		}
		f.scoresCurrent("move to lost")
	})
}

func TestLog(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		c := f.add("Jeanne")
		// Sixty days later, nobody has been in touch: "contacted in the last
		// 30 days" no longer holds, which a rescore finds.
		f.at = start.AddDate(0, 0, 60)
		if n, err := crm.Rescore(ctx, f.db, f.svc.Scoring, f.now()); err != nil || n != 1 || f.reload(c.ID).Score != 0 {
			t.Errorf("Rescore 60 days on changed %d scores (%v), stored score %d; want 1 and 0", n, err, f.reload(c.ID).Score)
		}
		f.scoresCurrent("a rescore")
		_, i, err := f.svc.Log(ctx, "U2", "C1", "formulaire", "asked for a quote")
		if err != nil {
			t.Fatal(err)
		}
		want := domain.Interaction{ID: i.ID, ContactID: c.ID, Kind: domain.Form, Note: "asked for a quote", Author: "U2", At: f.at}
		if *i != want {
			t.Errorf("logged %+v, want %+v", i, want)
		}
		stored := f.reload(c.ID)
		// A form in 30 days 10, contacted in 30 days 5.
		if !stored.LastContactAt.Equal(f.at) || stored.Score != 15 || stored.Grade != "D" {
			t.Errorf("after log: last contact %s, score %d %s; want now, 15 D", stored.LastContactAt, stored.Score, stored.Grade)
		}
		is, _ := f.db.RecentInteractions(ctx, c.ID, 5)
		if len(is) != 1 || is[0] != want {
			t.Errorf("stored interactions %+v", is)
		}
		f.scoresCurrent("log")

		before := f.snapshot(c.ID)
		for ref, code := range map[string]domain.Code{"C1": domain.Invalid, "nobody": domain.NotFound} {
			kind := map[domain.Code]string{domain.Invalid: "lunch", domain.NotFound: "call"}[code]
			got, i, err := f.svc.Log(ctx, "U2", ref, kind, "")
			wantCode(t, "log "+ref+" "+kind, err, code)
			if got != nil || i != nil {
				t.Errorf("a refused log returned %+v, %+v", got, i)
			}
		}
		f.unchanged("a refused log", c.ID, before)
	})
}

func TestSale(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		c := f.add("Jeanne", "email", "j@x.fr")
		f.at = start.Add(time.Hour)
		got, o, err := f.svc.Sale(ctx, "U2", "j@x.fr", 120050, day(2026, 11, 24), "two boxes")
		if err != nil {
			t.Fatal(err)
		}
		wantOrder := domain.Order{ID: o.ID, ContactID: c.ID, Amount: 120050, Date: day(2026, 11, 24), Note: "two boxes", Author: "U2", CreatedAt: f.at}
		if *o != wantOrder || got.Stage != domain.Customer || f.reload(c.ID).Stage != domain.Customer {
			t.Errorf("sale: order %+v, stage %s; want %+v and customer", o, got.Stage, wantOrder)
		}
		moves, _ := f.db.RecentMoves(ctx, c.ID, 5)
		wantMove := domain.Move{ContactID: c.ID, From: domain.Lead, To: domain.Customer, Note: "sale of 1 200,50 €", Author: "U2", At: f.at}
		if len(moves) != 1 || func() domain.Move { m := moves[0]; m.ID = 0; return m }() != wantMove {
			t.Errorf("moves after a sale: %+v, want %+v", moves, wantMove)
		}
		f.scoresCurrent("sale")

		// A second sale records the order but no move: already a customer.
		if _, _, err := f.svc.Sale(ctx, "U2", "C1", 500, day(2026, 11, 25), ""); err != nil {
			t.Fatal(err)
		}
		moves, _ = f.db.RecentMoves(ctx, c.ID, 5)
		orders, _ := f.db.RecentOrders(ctx, c.ID, 5)
		if len(moves) != 1 || len(orders) != 2 || orders[0].Amount != 500 {
			t.Errorf("after a second sale: %d moves, orders %+v", len(moves), orders)
		}
		f.scoresCurrent("second sale")

		refused := []struct {
			amount int64
			date   time.Time
			ref    string
			code   domain.Code
		}{
			{0, day(2026, 11, 25), "C1", domain.Invalid},
			{-100, day(2026, 11, 25), "C1", domain.Invalid},
			{100, day(2026, 11, 26), "C1", domain.Invalid}, // tomorrow
			{100, day(2027, 1, 1), "C1", domain.Invalid},
			{100, day(2026, 11, 25), "C9", domain.NotFound},
		}
		for _, r := range refused {
			before := f.snapshot(c.ID)
			got, o, err := f.svc.Sale(ctx, "U2", r.ref, r.amount, r.date, "")
			wantCode(t, "sale", err, r.code)
			if got != nil || o != nil {
				t.Errorf("a refused sale returned %+v, %+v", got, o)
			}
			f.unchanged("a refused sale", c.ID, before)
		}
	})
}

// TestSaleDateFollowsTheTeamsCalendar: what "today" and "the future" mean
// is the team's day (Paris), not UTC's, at either end of the day.
func TestSaleDateFollowsTheTeamsCalendar(t *testing.T) {
	loc := paris(t)
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		f.add("Jeanne")
		cases := []struct {
			now  time.Time
			date time.Time
			ok   bool
		}{
			{time.Date(2026, 11, 25, 23, 30, 0, 0, loc), day(2026, 11, 25), true},
			{time.Date(2026, 11, 25, 23, 30, 0, 0, loc), day(2026, 11, 26), false},
			{time.Date(2026, 11, 26, 0, 30, 0, 0, loc), day(2026, 11, 26), true}, // still the 25th in UTC
			{time.Date(2026, 11, 26, 0, 30, 0, 0, loc), day(2026, 11, 27), false},
			{time.Date(2026, 11, 26, 9, 0, 0, 0, loc), day(2026, 11, 27), false},
			{time.Date(2026, 11, 26, 9, 0, 0, 0, loc), day(2025, 6, 1), true},
		}
		for _, c := range cases {
			f.at = c.now
			_, _, err := f.svc.Sale(ctx, "U1", "C1", 100, c.date, "")
			if (err == nil) != c.ok {
				t.Errorf("at %s, a sale dated %s: error %v, want accepted %v", c.now, domain.FormatDate(c.date), err, c.ok)
			}
			if !c.ok {
				wantCode(t, "a sale in the future", err, domain.Invalid)
			}
		}
	})
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestResolve(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		helene := f.add("Hélène Dupré", "email", "helene@acme.fr", "phone", "06 12 34 56 78", "company", "Boulangerie Émile")
		marc := f.add("Marc Martin", "company", "Acme", "phone", "+44 20 7946 0958")
		marthe := f.add("Marthe Marin")
		for ref, want := range map[string]int64{
			"C1": helene.ID, "c2": marc.ID, "3": marthe.ID, " C3 ": marthe.ID,
			"helene@acme.fr": helene.ID, "HELENE@ACME.FR": helene.ID,
			"+33 6 12 34 56 78": helene.ID, "06.12.34.56.78": helene.ID, "0612345678": helene.ID,
			"+442079460958": marc.ID,
			"hélène":        helene.ID, "HELENE": helene.ID, "dupre": helene.ID, "emile": helene.ID,
			"marc": marc.ID, "martin": marc.ID, "marthe": marthe.ID,
		} {
			c, err := f.svc.Resolve(ctx, ref)
			if err != nil || c.ID != want {
				t.Errorf("Resolve(%q) = %v, %v; want C%d", ref, c, err, want)
			}
		}
		_, err := f.svc.Resolve(ctx, "mar")
		wantCode(t, "Resolve(mar)", err, domain.Conflict)
		if err != nil {
			for _, s := range []string{"C2 Marc Martin (Acme)", "C3 Marthe Marin"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("the ambiguous reply does not list %q: %s", s, err)
				}
			}
			if strings.Contains(err.Error(), "Hélène") {
				t.Errorf("the ambiguous reply lists a contact that does not match: %s", err)
			}
		}
		for i := range 6 {
			f.add("Durand " + string(rune('A'+i)))
		}
		_, err = f.svc.Resolve(ctx, "durand")
		wantCode(t, "Resolve(durand)", err, domain.Conflict)
		if err != nil && (!strings.Contains(err.Error(), "Durand E") || strings.Contains(err.Error(), "Durand F") || !strings.Contains(err.Error(), "…")) {
			t.Errorf("six candidates: want five listed and …, got %s", err)
		}
		for ref, code := range map[string]domain.Code{
			"C99": domain.NotFound, "nobody": domain.NotFound, "nobody@x.fr": domain.NotFound,
			"07 00 00 00 00": domain.NotFound, "": domain.Invalid, "  ": domain.Invalid,
		} {
			_, err := f.svc.Resolve(ctx, ref)
			wantCode(t, "Resolve("+ref+")", err, code)
		}
	})
}

func TestShowAndScore(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		f.add("Jeanne", "role", "PDG", "sector", "agro")
		for _, k := range []string{"call", "form", "download"} {
			if _, _, err := f.svc.Log(ctx, "U1", "C1", k, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := f.svc.Sale(ctx, "U1", "C1", 99900, day(2026, 11, 20), ""); err != nil {
			t.Fatal(err)
		}
		card, err := f.svc.Show(ctx, "jeanne")
		if err != nil {
			t.Fatal(err)
		}
		// PDG 15, agro 10, form 10, download 5, contacted 5.
		if card.Score.Score != 45 || card.Contact.Score != 45 || card.OrderCount != 1 || card.Revenue != 99900 ||
			len(card.Interactions) != 3 || card.Interactions[0].Kind != domain.Download || len(card.Orders) != 1 ||
			len(card.Moves) != 1 || card.Moves[0].To != domain.Customer {
			t.Errorf("card = %+v", card)
		}
		rep, err := f.svc.Score(ctx, "C1")
		if err != nil {
			t.Fatal(err)
		}
		var fired []string
		for _, r := range rep.Result.Fired {
			fired = append(fired, r.Rule)
		}
		want := []string{"Decision maker", "Target sector", "Filled a form (30 days)", "Downloaded content (90 days)", "Contacted in the last 30 days"}
		if !slices.Equal(fired, want) || rep.Result.Score != 45 || rep.Result.Grade != "C" {
			t.Errorf("score explanation %q = %d %s; want %q = 45 C", fired, rep.Result.Score, rep.Result.Grade, want)
		}
		_, err = f.svc.Score(ctx, "C5")
		wantCode(t, "score of C5", err, domain.NotFound)
		f.scoresCurrent("show")
	})
}
