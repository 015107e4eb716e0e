package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

func TestScoreSnapshotsOncePerWeek(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "Ada", Score: 40, Grade: "C"})
		n, err := db.SnapshotScores(ctx, "2026-W47")
		if err != nil || n != 1 {
			t.Fatalf("first snapshot: %d, %v; want 1 record", n, err)
		}
		if err := db.SetScore(ctx, a.ID, 80, "A"); err != nil {
			t.Fatal(err)
		}
		b := create(t, db, &domain.Contact{Name: "Bob", Score: 10, Grade: "D"})
		// Again in the same week: Ada keeps her first record, Bob is added.
		if n, err := db.SnapshotScores(ctx, "2026-W47"); err != nil || n != 1 {
			t.Fatalf("second snapshot of the week: %d, %v; want 1 record (Bob)", n, err)
		}
		if n, err := db.SnapshotScores(ctx, "2026-W48"); err != nil || n != 2 {
			t.Fatalf("next week: %d, %v; want 2 records", n, err)
		}
		hist, err := db.ScoreHistory(ctx, a.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "history", hist, []domain.ScoreSnapshot{
			{ContactID: a.ID, Week: "2026-W48", Score: 80, Grade: "A"},
			{ContactID: a.ID, Week: "2026-W47", Score: 40, Grade: "C"},
		})
		old, err := db.ScoresOfWeek(ctx, "2026-W47", []int64{a.ID, b.ID, 999})
		if err != nil || len(old) != 2 || old[a.ID].Score != 40 || old[b.ID].Score != 10 {
			t.Errorf("ScoresOfWeek = %v, %v", old, err)
		}
	})
}

func TestSegmentSnapshotsAndDigestClaims(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "Ada"})
		b := create(t, db, &domain.Contact{Name: "Bob"})
		if _, ok, err := db.SegmentsOfWeek(ctx, "2026-W47"); ok || err != nil {
			t.Fatalf("an unrecorded week: ok=%v, %v", ok, err)
		}
		members := []domain.SegmentMember{{ContactID: a.ID, Segment: domain.RFMAtRisk}, {ContactID: b.ID, Segment: domain.RFMChampions}}
		if ok, err := db.SnapshotSegments(ctx, "2026-W47", members); !ok || err != nil {
			t.Fatalf("first segment snapshot: %v, %v", ok, err)
		}
		if ok, err := db.SnapshotSegments(ctx, "2026-W47", members[:1]); ok || err != nil {
			t.Fatalf("second segment snapshot of the week: %v, %v; want refused", ok, err)
		}
		got, ok, err := db.SegmentsOfWeek(ctx, "2026-W47")
		if err != nil || !ok || len(got) != 2 || got[0] != members[0] || got[1] != members[1] {
			t.Errorf("SegmentsOfWeek = %v, %v, %v", got, ok, err)
		}
		// Many contacts, their segments interleaved, given out of order:
		// read back by id.
		var many []domain.SegmentMember
		segs := []domain.RFMSegment{domain.RFMChampions, domain.RFMAtRisk, domain.RFMHibernating}
		for i := range 30 {
			c := create(t, db, &domain.Contact{Name: fmt.Sprint("Contact ", i)})
			many = append(many, domain.SegmentMember{ContactID: c.ID, Segment: segs[i*i%3]})
		}
		shuffled := slices.Clone(many)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if ok, err := db.SnapshotSegments(ctx, "2026-W46", shuffled); !ok || err != nil {
			t.Fatalf("snapshot of many: %v, %v", ok, err)
		}
		if got, _, err := db.SegmentsOfWeek(ctx, "2026-W46"); err != nil || !slices.Equal(got, many) {
			t.Errorf("SegmentsOfWeek of many = %v, %v; want %v", got, err, many)
		}
		for i, want := range []bool{true, false} {
			if ok, err := db.ClaimDigestPost(ctx, "C1", "2026-W48"); ok != want || err != nil {
				t.Errorf("claim %d: %v, %v; want %v", i, ok, err, want)
			}
		}
		if ok, err := db.ClaimDigestPost(ctx, "C2", "2026-W48"); !ok || err != nil {
			t.Errorf("another channel: %v, %v", ok, err)
		}
		if n, last, err := db.DigestPosts(ctx); n != 2 || !last.Equal(testNow) || err != nil {
			t.Errorf("DigestPosts = %d, %v, %v; want 2 at %v", n, last, err, testNow)
		}
	})
}

func TestWeekFigures(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "Ada", Stage: domain.Prospect})
		b := create(t, db, &domain.Contact{Name: "Bob", Stage: domain.Prospect})
		orders := []domain.Order{
			{ContactID: a.ID, Amount: 100, Date: day(2026, 11, 2)},
			{ContactID: a.ID, Amount: 250, Date: day(2026, 11, 20)},
			{ContactID: b.ID, Amount: 70, Date: day(2026, 11, 24)},
			{ContactID: a.ID, Amount: 999, Date: day(2026, 11, 26)},
		}
		if err := db.InsertOrders(ctx, orders); err != nil {
			t.Fatal(err)
		}
		if r, err := db.Revenue(ctx, day(2026, 11, 23), day(2026, 11, 30)); r != 70+999 || err != nil {
			t.Errorf("revenue of the week: %d, %v", r, err)
		}
		if r, err := db.Revenue(ctx, day(2026, 1, 1), day(2026, 1, 8)); r != 0 || err != nil {
			t.Errorf("revenue of an empty week: %d, %v", r, err)
		}
		if n, err := db.CountCreated(ctx, day(2026, 11, 23), day(2026, 11, 30)); n != 2 || err != nil {
			t.Errorf("new contacts: %d, %v", n, err)
		}
		if err := db.AddInteraction(ctx, &domain.Interaction{ContactID: a.ID, Kind: domain.Call, At: day(2026, 11, 10)}); err != nil {
			t.Fatal(err)
		}
		list, n, err := db.QuietContacts(ctx, domain.Prospect, day(2026, 10, 26), 10)
		if err != nil || n != 1 || len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("quiet prospects: %v (%d), %v; want Bob only", ids(list), n, err)
		}
	})
}

func TestTopScored(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "Ada", Score: 40, Grade: "C"})
		b := create(t, db, &domain.Contact{Name: "Bob", Score: 90, Grade: "A"})
		c := create(t, db, &domain.Contact{Name: "Cyd", Score: 40, Grade: "C"})
		create(t, db, &domain.Contact{Name: "Dan", Score: 10, Grade: "D"})
		list, err := db.TopScored(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		// The best first, ties by id.
		if got, want := ids(list), []int64{b.ID, a.ID, c.ID}; !slices.Equal(got, want) {
			t.Errorf("top 3: %v, want %v", got, want)
		}
		if list, err := db.TopScored(ctx, 10); err != nil || len(list) != 4 {
			t.Errorf("top 10 of 4 contacts: %d, %v", len(list), err)
		}
	})
}

// A binary copy stopped midway (its reader refused a row) returns the
// error and leaves the pool usable: the broken connection is not reused.
// SQLite has no COPY: the caller is told to query as usual.
func TestCopyStoppedMidwayLeavesThePoolUsable(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		stop := errors.New("enough")
		rows := 0
		ok, err := store.CopyOut(db, ctx, "SELECT g, g * 2 FROM generate_series(1, 200000) g", func([][]byte) error {
			if rows++; rows == 3 {
				return stop
			}
			return nil
		})
		if !db.Postgres() {
			if ok || err != nil {
				t.Fatalf("SQLite: %v, %v", ok, err)
			}
			return
		}
		if !ok || !errors.Is(err, stop) {
			t.Fatalf("copy: %v, %v; want the reader's error", ok, err)
		}
		for range 20 {
			if _, err := db.SchemaVersion(ctx); err != nil {
				t.Fatalf("a query after the stopped copy: %v", err)
			}
		}
	})
}
