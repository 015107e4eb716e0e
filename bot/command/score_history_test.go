package command_test

import (
	"testing"
)

// TestScoreShowsWeeklyHistory: once weekly snapshots exist, score lists
// them, the latest week first, in the text and in the data; the current
// week (W48) shows the current score.
func TestScoreShowsWeeklyHistory(t *testing.T) {
	e := newEnv(t)
	c := e.add(t, "add Jeanne Martin company=Acme")
	if r := e.ok(t, "score C1"); len(r.Sections) != 2 {
		t.Fatalf("score with no snapshot: %d sections, want 2 (no history)", len(r.Sections))
	}
	if _, err := e.db.SnapshotScores(ctx(t), "2026-W46"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetScore(ctx(t), c.ID, 90, "A"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SnapshotScores(ctx(t), "2026-W47"); err != nil {
		t.Fatal(err)
	}
	r := e.ok(t, "score C1")
	if len(r.Sections) != 3 || r.Sections[2].Table == nil {
		t.Fatalf("score: sections %+v, want a weekly history", r.Sections)
	}
	rows := r.Sections[2].Table.Rows
	if len(rows) != 3 || rows[0][0] != "2026-W48" || rows[0][1] != "5" || rows[1][0] != "2026-W47" || rows[1][1] != "90" || rows[1][2] != "A" || rows[2][0] != "2026-W46" {
		t.Errorf("history rows %v", rows)
	}
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "score JSON", string(js), `"history"`, `"week": "2026-W47"`, `"result"`)
}
