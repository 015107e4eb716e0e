package digest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// now is the store's clock: Wednesday 25 November 2026, week 2026-W48.
func now() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// world is five customers whose RFM segments change between the digest of
// Wednesday 18 November (W47) and that of Wednesday 25 November (W48), and
// two prospects.
type world struct {
	a, b, c, d, e, p, q *domain.Contact
}

func seed(t *testing.T, db *store.DB) world {
	t.Helper()
	ctx := t.Context()
	mk := func(name string, stage domain.Stage, score int, grade string) *domain.Contact {
		c := &domain.Contact{Name: name, Stage: stage, Score: score, Grade: grade}
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	w := world{
		a: mk("Ada", domain.Customer, 90, "A"), b: mk("Bob", domain.Customer, 60, "B"),
		c: mk("Cyd", domain.Customer, 30, "C"), d: mk("Dan", domain.Customer, 20, "D"),
		e: mk("Eve", domain.Customer, 70, "B"),
		p: mk("Pam", domain.Prospect, 40, "C"), q: mk("Quy", domain.Prospect, 45, "C"),
	}
	order := func(c *domain.Contact, amount int64, dates ...time.Time) []domain.Order {
		var out []domain.Order
		for _, d := range dates {
			out = append(out, domain.Order{ContactID: c.ID, Amount: amount, Date: d})
		}
		return out
	}
	var os []domain.Order
	// As of 18 November: Ada Champions, Bob Potential loyalist, Eve Loyal,
	// Dan and Cyd Hibernating.
	os = append(os, order(w.a, 100, day(9, 1), day(10, 1), day(11, 1))...)
	os = append(os, order(w.a, 250, day(11, 17))...)
	os = append(os, order(w.b, 100, day(9, 1), day(10, 1), day(11, 10))...)
	os = append(os, order(w.c, 100, day(10, 1))...)
	os = append(os, order(w.d, 100, day(9, 1), day(10, 15))...)
	os = append(os, order(w.e, 100, day(7, 1), day(8, 1), day(9, 1), day(10, 1), day(11, 5))...)
	// Then, by 25 November: Ada Loyal, Bob Hibernating, Cyd New, Dan
	// Potential loyalist, Eve At risk.
	os = append(os, order(w.a, 1000, day(11, 22))...)
	os = append(os, order(w.c, 200, day(11, 24))...)
	os = append(os, order(w.d, 300, day(11, 23))...)
	if err := db.InsertOrders(ctx, os); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMove(ctx, &domain.Move{ContactID: w.p.ID, From: domain.Lead, To: domain.Prospect, At: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: w.q.ID, Kind: domain.Call, At: day(11, 20)}); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestDigestComparesWithLastWeeksSnapshot(t *testing.T) {
	storetest.Each(t, now, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := seed(t, db)
		opt := digest.Options{Loc: paris, Snapshot: true}
		first, err := digest.Build(ctx, db, time.Date(2026, 11, 18, 12, 0, 0, 0, paris), opt)
		if err != nil {
			t.Fatal(err)
		}
		if first.Week != "2026-W47" || first.RFM.ComparedWith != "" || first.RFM.Moves != nil || first.RFM.NewlyAtRisk != nil || first.TopScores[0].Change != nil {
			t.Errorf("first digest: week %s compared with %q, moves %v: want W47 with nothing to compare", first.Week, first.RFM.ComparedWith, first.RFM.Moves)
		}
		wantSizes(t, first, map[domain.RFMSegment]int{domain.RFMChampions: 1, domain.RFMPotentialLoyalist: 1, domain.RFMLoyal: 1, domain.RFMHibernating: 2})

		if err := db.SetScore(ctx, w.a.ID, 80, "A"); err != nil {
			t.Fatal(err)
		}
		questionnaireWeek(t, db, w.a.ID)
		d, err := digest.Build(ctx, db, time.Date(2026, 11, 25, 8, 0, 0, 0, paris), opt)
		if err != nil {
			t.Fatal(err)
		}
		if d.Week != "2026-W48" || d.AsOf != "2026-11-25" || d.RFM.ComparedWith != "2026-W47" || d.RFM.Customers != 5 {
			t.Fatalf("digest: week %s as of %s compared with %q, %d customers", d.Week, d.AsOf, d.RFM.ComparedWith, d.RFM.Customers)
		}
		wantSizes(t, d, map[domain.RFMSegment]int{domain.RFMLoyal: 1, domain.RFMHibernating: 1, domain.RFMNew: 1, domain.RFMPotentialLoyalist: 1, domain.RFMAtRisk: 1})
		changes := map[domain.RFMSegment]int{}
		for _, s := range d.RFM.Segments {
			if s.Change == nil {
				t.Fatalf("%s: no change against a known snapshot", s.Segment)
			}
			changes[s.Segment] = *s.Change
		}
		wantChanges := map[domain.RFMSegment]int{domain.RFMChampions: -1, domain.RFMNew: 1, domain.RFMHibernating: -1, domain.RFMAtRisk: 1}
		for _, seg := range domain.RFMSegments {
			if changes[seg] != wantChanges[seg] {
				t.Errorf("%s changed by %d, want %d", seg, changes[seg], wantChanges[seg])
			}
		}
		moves := map[[2]domain.RFMSegment]int{}
		for _, m := range d.RFM.Moves {
			moves[[2]domain.RFMSegment{m.From, m.To}] = m.Count
		}
		wantMoves := map[[2]domain.RFMSegment]int{
			{domain.RFMChampions, domain.RFMLoyal}:               1,
			{domain.RFMPotentialLoyalist, domain.RFMHibernating}: 1,
			{domain.RFMHibernating, domain.RFMNew}:               1,
			{domain.RFMHibernating, domain.RFMPotentialLoyalist}: 1,
			{domain.RFMLoyal, domain.RFMAtRisk}:                  1,
		}
		if len(moves) != len(wantMoves) {
			t.Errorf("moves %v, want %v", moves, wantMoves)
		}
		for k, n := range wantMoves {
			if moves[k] != n {
				t.Errorf("moves %s → %s: %d, want %d", k[0], k[1], moves[k], n)
			}
		}
		if r := d.RFM.NewlyAtRisk; r == nil || r.Count != 1 || len(r.Contacts) != 1 || r.Contacts[0].ID != w.e.ID {
			t.Errorf("newly at risk %+v, want Eve", r)
		}
		if r := d.RFM.NewlyCantLose; r == nil || r.Count != 0 {
			t.Errorf("newly can't lose them %+v, want none", r)
		}
		// Revenue: Monday to Wednesday (Dan 300, Cyd 200) against the same
		// days of W47 (Ada 250).
		if r := d.Revenue; r.ThisWeek != 500 || r.PreviousWeek != 250 || r.ChangePct == nil || *r.ChangePct != 100 {
			t.Errorf("revenue %+v", r)
		}
		if d.NewContacts != 7 {
			t.Errorf("new contacts %d, want 7", d.NewContacts)
		}
		if d.Pipeline.Counts[domain.Customer] != 5 || len(d.Pipeline.Moves) != 1 {
			t.Errorf("pipeline %+v", d.Pipeline)
		}
		// Ada is still first, down 10 since the W47 snapshot.
		top := d.TopScores[0]
		if len(d.TopScores) != 7 || top.ID != w.a.ID || top.Score != 80 || top.Change == nil || *top.Change != -10 {
			t.Errorf("top scores %+v", d.TopScores)
		}
		if q := d.QuietProspects; q.Count != 1 || q.Contacts[0].ID != w.p.ID {
			t.Errorf("quiet prospects %+v, want Pam", q)
		}
		if d.ABC.A.Customers+d.ABC.B.Customers+d.ABC.C.Customers != 5 || d.ABC.Total != 3150 {
			t.Errorf("ABC %+v", d.ABC)
		}
		if q := d.Questionnaires; q.Sent != 1 || q.Answered != 1 || q.CSAT != 100 || q.NPS != -100 || q.ResponseRate != 100 ||
			q.Deferred["quiet_hours"] != 2 || q.Denied["no_consent"] != 3 || len(q.Denied) != 1 {
			t.Errorf("questionnaires %+v", q)
		}
		if _, err := json.Marshal(d); err != nil {
			t.Errorf("JSON: %v", err)
		}
	})
}

// A digest without Snapshot (a preview of another day) records nothing.
func TestDigestWithoutSnapshotRecordsNothing(t *testing.T) {
	storetest.Each(t, now, func(t *testing.T, db *store.DB) {
		seed(t, db)
		if _, err := digest.Build(t.Context(), db, day(11, 18), digest.Options{Loc: paris}); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := db.SegmentsOfWeek(t.Context(), "2026-W47"); ok || err != nil {
			t.Errorf("segments of W47 recorded: %v, %v", ok, err)
		}
		if n, err := db.SnapshotScores(t.Context(), "2026-W47"); n != 7 || err != nil {
			t.Errorf("scores of W47 were recorded already: %d new, %v", n, err)
		}
	})
}

func wantSizes(t *testing.T, d *digest.Digest, want map[domain.RFMSegment]int) {
	t.Helper()
	for _, s := range d.RFM.Segments {
		if s.Customers != want[s.Segment] {
			t.Errorf("%s: %s has %d customers, want %d", d.Week, s.Segment, s.Customers, want[s.Segment])
		}
	}
}

// The digest's RFM and ABC figures are those of the segments command, with
// the same window and thresholds.
func TestDigestAgreesWithTheSegmentsReport(t *testing.T) {
	storetest.Each(t, now, func(t *testing.T, db *store.DB) {
		seed(t, db)
		abc := domain.ABCThresholds{A: 70, B: 90}
		for _, window := range []int{0, 30} {
			seg := &segments.Service{Store: db, Now: now, Loc: paris, WindowDays: window, ABC: abc}
			rep, err := seg.Report(t.Context(), false)
			if err != nil {
				t.Fatal(err)
			}
			d, err := digest.Build(t.Context(), db, now(), digest.Options{Loc: paris, WindowDays: window, ABC: abc})
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range rep.RFM.Segments {
				if got := d.RFM.Segments[i]; got.Segment != s.Segment || got.Customers != s.Customers {
					t.Errorf("window %d: digest %s %d, segments %s %d", window, got.Segment, got.Customers, s.Segment, s.Customers)
				}
			}
			if d.ABC.A != rep.ABC.A || d.ABC.B != rep.ABC.B || d.ABC.C != rep.ABC.C || d.ABC.Pareto != rep.ABC.Pareto {
				t.Errorf("window %d: digest ABC %+v, segments %+v", window, d.ABC, rep.ABC)
			}
		}
	})
}

// questionnaireWeek records, for contact id, a questionnaire sent and
// answered in W48 (CSAT 5, NPS 3), one sent in W47, and a W48 plan with
// two deferrals and three denials.
func questionnaireWeek(t *testing.T, db *store.DB, id int64) {
	ctx := t.Context()
	at := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, paris) }
	old := domain.Survey{ContactID: id, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyExpired, RequestedAt: at(17), SentAt: at(17)}
	sv := domain.Survey{ContactID: id, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyAnswered,
		RequestedAt: at(23), SentAt: at(23), AnsweredAt: at(24)}
	for _, s := range []*domain.Survey{&old, &sv} {
		if err := db.CreateSurvey(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []domain.Answer{{Question: "csat", Type: domain.RatingQuestion, Number: 5}, {Question: "nps", Type: domain.NPSQuestion, Number: 3}} {
		if err := db.SaveAnswer(ctx, domain.StoredAnswer{SurveyID: sv.ID, ContactID: id, Questionnaire: "satisfaction", Answer: a, At: at(24)}); err != nil {
			t.Fatal(err)
		}
	}
	run := domain.SurveyRun{Questionnaire: "satisfaction", At: at(24), Audience: 6,
		Counts: map[string]int{"allow": 1, "defer": 2, "deny": 3, "reason:quiet_hours": 2, "reason:no_consent": 3}}
	if err := db.AddSurveyRun(ctx, run); err != nil {
		t.Fatal(err)
	}
}

// The digest of a past week lists the scores recorded that week and their
// change from the week before, not the scores as they are now (issue 11
// item 11: --as-of a past week showed today's top scores).
func TestPastWeekShowsItsRecordedScores(t *testing.T) {
	storetest.Each(t, now, func(t *testing.T, db *store.DB) {
		w := seed(t, db)
		ctx := t.Context()
		setScore := func(c *domain.Contact, score int, grade string) {
			if err := db.SetScores(ctx, map[int64]domain.ScoreResult{c.ID: {Score: score, Grade: grade}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SnapshotScores(ctx, "2026-W46"); err != nil {
			t.Fatal(err)
		}
		setScore(w.b, 95, "A") // Bob led in W47
		if _, err := db.SnapshotScores(ctx, "2026-W47"); err != nil {
			t.Fatal(err)
		}
		setScore(w.b, 10, "D") // and fell since
		d, err := digest.Build(ctx, db, day(11, 18), digest.Options{Loc: paris})
		if err != nil {
			t.Fatal(err)
		}
		first := d.TopScores[0]
		if first.ID != w.b.ID || first.Score != 95 || first.Change == nil || *first.Change != 35 {
			t.Fatalf("W47's top: %+v (change %v)", first, first.Change)
		}
		current, err := digest.Build(ctx, db, now(), digest.Options{Loc: paris})
		if err != nil {
			t.Fatal(err)
		}
		if current.TopScores[0].ID != w.a.ID {
			t.Fatalf("this week's top: %+v", current.TopScores[0])
		}
	})
}
