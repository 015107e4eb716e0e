package crm_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

func TestPipelineReport(t *testing.T) {
	loc := paris(t)
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		f.at = at(10, 9, 0)
		for i := 1; i <= 7; i++ {
			f.add(fmt.Sprint("L", i))
		}
		steps := []struct {
			when  time.Time
			ref   string
			stage string // "sale" records a sale instead of a move
		}{
			{at(19, 10, 0), "L1", "prospect"},  // Thursday of last week
			{at(22, 23, 30), "L5", "prospect"}, // Sunday night, last week in Paris
			{at(23, 0, 30), "L2", "prospect"},  // Monday 00:30 in Paris, still Sunday in UTC: this week
			{at(24, 10, 0), "L3", "prospect"},
			{at(24, 11, 0), "L3", "qualified"},
			{at(24, 12, 0), "L4", "perdu"},
			{at(25, 9, 0), "L1", "prospect-assuré"},
			{at(25, 10, 0), "L1", "sale"},
		}
		for _, s := range steps {
			f.at = s.when
			var err error
			if s.stage == "sale" {
				_, _, err = f.svc.Sale(ctx, "U1", s.ref, 100000, day(2026, 11, 25), "")
			} else {
				_, _, err = f.svc.Move(ctx, "U1", s.ref, s.stage, "")
			}
			if err != nil {
				t.Fatalf("%s %s: %v", s.ref, s.stage, err)
			}
		}
		f.at = at(25, 16, 0)
		p, err := f.svc.PipelineReport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// By hand: L1 customer, L2 and L5 prospects, L3 qualified, L4 lost,
		// L6 and L7 leads. This week: L2, L3 lead→prospect; L3, L1
		// prospect→qualified; L4 lead→lost; L1 qualified→customer.
		// lead→prospect: 2 moved of the 2 leads left + 3 that left lead = 40 %.
		// prospect→qualified: 2 of 2 + 2 = 50 %. qualified→customer: 1 of 1 + 1.
		want := &crm.Pipeline{
			Counts:    map[domain.Stage]int{domain.Lead: 2, domain.Prospect: 2, domain.Qualified: 1, domain.Customer: 1, domain.Lost: 1},
			WeekStart: at(23, 0, 0),
			Moves: []crm.Transition{
				{From: domain.Lead, To: domain.Prospect, Count: 2},
				{From: domain.Prospect, To: domain.Qualified, Count: 2},
				{From: domain.Lead, To: domain.Lost, Count: 1},
				{From: domain.Qualified, To: domain.Customer, Count: 1},
			},
			Conversions: []crm.Conversion{
				{From: domain.Lead, To: domain.Prospect, Moved: 2, Base: 5, RatePct: 40},
				{From: domain.Prospect, To: domain.Qualified, Moved: 2, Base: 4, RatePct: 50},
				{From: domain.Qualified, To: domain.Customer, Moved: 1, Base: 2, RatePct: 50},
			},
		}
		checkPipeline(t, p, want)
		f.scoresCurrent("moves and a sale")

		// A week later, none of these moves is this week's.
		f.at = at(30, 9, 0)
		p, err = f.svc.PipelineReport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Moves) != 0 || !p.WeekStart.Equal(at(30, 0, 0)) || p.Conversions[0] != (crm.Conversion{From: domain.Lead, To: domain.Prospect, Base: 2}) {
			t.Errorf("next week's report: %+v", p)
		}
	})
}

func checkPipeline(t *testing.T, got, want *crm.Pipeline) {
	t.Helper()
	if fmt.Sprint(got.Counts) != fmt.Sprint(want.Counts) {
		t.Errorf("counts %v, want %v", got.Counts, want.Counts)
	}
	if !got.WeekStart.Equal(want.WeekStart) {
		t.Errorf("week start %s, want %s", got.WeekStart, want.WeekStart)
	}
	if !slices.Equal(got.Moves, want.Moves) {
		t.Errorf("moves %+v, want %+v", got.Moves, want.Moves)
	}
	if !slices.Equal(got.Conversions, want.Conversions) {
		t.Errorf("conversions %+v, want %+v", got.Conversions, want.Conversions)
	}
}

func TestBuildPipelineCountsContactsOnce(t *testing.T) {
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	mv := func(id int64, from, to domain.Stage) domain.Move {
		return domain.Move{ContactID: id, From: from, To: to, At: monday}
	}
	// C1 goes forward, back, and forward again; C2 skips a stage.
	moves := []domain.Move{
		mv(1, domain.Lead, domain.Prospect), mv(1, domain.Prospect, domain.Lead), mv(1, domain.Lead, domain.Prospect),
		mv(2, domain.Lead, domain.Qualified),
	}
	counts := map[domain.Stage]int{domain.Lead: 3, domain.Prospect: 1, domain.Qualified: 1}
	got := crm.BuildPipeline(counts, monday, domain.CountMoves(moves))
	checkPipeline(t, got, &crm.Pipeline{
		Counts: counts, WeekStart: monday,
		Moves: []crm.Transition{
			{From: domain.Lead, To: domain.Prospect, Count: 2},
			{From: domain.Prospect, To: domain.Lead, Count: 1},
			{From: domain.Lead, To: domain.Qualified, Count: 1},
		},
		Conversions: []crm.Conversion{
			{From: domain.Lead, To: domain.Prospect, Moved: 1, Base: 5, RatePct: 20},
			{From: domain.Prospect, To: domain.Qualified, Moved: 0, Base: 2, RatePct: 0},
			{From: domain.Qualified, To: domain.Customer, Moved: 0, Base: 1, RatePct: 0},
		},
	})

	empty := crm.BuildPipeline(map[domain.Stage]int{}, monday, domain.CountMoves(nil))
	if len(empty.Moves) != 0 || len(empty.Conversions) != 3 || empty.Conversions[2] != (crm.Conversion{From: domain.Qualified, To: domain.Customer}) {
		t.Errorf("an empty pipeline: %+v", empty)
	}
}

func TestWeekStart(t *testing.T) {
	loc := paris(t)
	for _, c := range []struct{ at, want time.Time }{
		{time.Date(2026, 11, 25, 16, 0, 0, 0, loc), time.Date(2026, 11, 23, 0, 0, 0, 0, loc)},
		{time.Date(2026, 11, 23, 0, 0, 0, 0, loc), time.Date(2026, 11, 23, 0, 0, 0, 0, loc)},
		{time.Date(2026, 11, 29, 23, 59, 0, 0, loc), time.Date(2026, 11, 23, 0, 0, 0, 0, loc)},
		{time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC), time.Date(2026, 11, 23, 0, 0, 0, 0, loc)}, // Monday 00:30 in Paris
		{time.Date(2026, 3, 31, 12, 0, 0, 0, loc), time.Date(2026, 3, 30, 0, 0, 0, 0, loc)},
		{time.Date(2027, 1, 2, 12, 0, 0, 0, loc), time.Date(2026, 12, 28, 0, 0, 0, 0, loc)},
	} {
		if got := crm.WeekStart(c.at, loc); !got.Equal(c.want) {
			t.Errorf("WeekStart(%s) = %s, want %s", c.at, got, c.want)
		}
	}
}

func TestRescore(t *testing.T) {
	each(t, func(f *fixture) {
		ctx := f.t.Context()
		// Contacts written in bulk, as an import does, carry no score yet.
		batch := []*domain.Contact{
			{Name: "Hot", Role: "CEO", Employees: 80, Sector: "agro", Stage: domain.Lead, Grade: "D"},
			{Name: "Small", Employees: 2, Stage: domain.Lead, Grade: "D"},
			{Name: "Nothing", Stage: domain.Lead, CreatedAt: start.AddDate(0, 0, -60), Grade: "D"},
			{Name: "Buyer", Stage: domain.Customer, Grade: "D"},
		}
		if err := f.db.InsertContacts(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := f.db.InsertOrders(ctx, []domain.Order{{ContactID: batch[3].ID, Amount: 100, Date: day(2026, 11, 1)}}); err != nil {
			t.Fatal(err)
		}
		if err := f.db.InsertInteractions(ctx, []domain.Interaction{{ContactID: batch[3].ID, Kind: domain.Request, At: start}}); err != nil {
			t.Fatal(err)
		}
		// Only the first two, by id.
		n, err := crm.Rescore(ctx, f.db, f.svc.Scoring, f.now(), batch[0].ID, batch[1].ID)
		if err != nil || n != 1 {
			t.Errorf("Rescore of two changed %d, %v; want 1 (Small stays at 0: -10 + 5)", n, err)
		}
		if got := f.reload(batch[0].ID); got.Score != 40 || got.Grade != "C" {
			t.Errorf("Hot: %d %s, want 40 C", got.Score, got.Grade)
		}
		if got := f.reload(batch[3].ID); got.Score != 0 {
			t.Errorf("a contact outside the ids was rescored: %d", got.Score)
		}
		// Then everyone: Buyer (request 15, contacted 5) changes; Nothing stays at 0.
		n, err = crm.Rescore(ctx, f.db, f.svc.Scoring, f.now())
		if err != nil || n != 1 {
			t.Errorf("full Rescore changed %d, %v; want 1", n, err)
		}
		want := map[int64]int{batch[0].ID: 40, batch[1].ID: 0, batch[2].ID: 0, batch[3].ID: 20}
		for id, score := range want {
			if got := f.reload(id); got.Score != score {
				t.Errorf("C%d stored %d, want %d", id, got.Score, score)
			}
		}
		f.scoresCurrent("a full rescore")
	})
}
