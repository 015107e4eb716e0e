package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// TestDecayRescoreAndSimulate: check --simulate tells what turning decay
// on would change, crmbot rescore stores the decayed scores (each with its
// fit grade and engagement), and score explains them, on both databases.
func TestDecayRescoreAndSimulate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const rules = "  rules:\n    - {name: Big, when: employees >= 50, points: 40}\n    - {name: Form, when: forms > 0, points: 20}\n"
	plain, decayed := filepath.Join(dir, "plain.yaml"), filepath.Join(dir, "decay.yaml")
	os.WriteFile(plain, []byte("scoring:\n"+rules), 0o644)
	os.WriteFile(decayed, []byte("scoring:\n  decay: {half_life_days: 30}\n"+rules), 0o644)
	csv := filepath.Join(dir, "interactions.csv")
	os.WriteFile(csv, []byte("contact,kind,date\nC1,form,"+fixedClock().AddDate(0, 0, -60).Format(time.DateOnly)+"\n"), 0o644)
	eachDB(t, func(t *testing.T, dsn string) {
		withPlain, withDecay := []string{"CRMBOT_CONFIG=" + plain}, []string{"CRMBOT_CONFIG=" + decayed}
		mustOK(t, execJSONEnv(t, dsn, withPlain, `add "Ada Martin" employees=80`))
		if r := crmbotEnv(t, dsn, withPlain, "import", "interactions", csv); r.code != 0 {
			t.Fatalf("import: %+v", r)
		}
		r := crmbotEnv(t, dsn, withPlain, "check", "--simulate", decayed)
		if r.code != 0 || !strings.Contains(r.stdout, "Decay: off now, a half-life of 30 days under "+decayed) ||
			!strings.Contains(r.stdout, "1 of 1 contact would change grade") || !strings.Contains(r.stdout, "C1 Ada Martin: B (60) → C (45)") {
			t.Errorf("check --simulate:\n%+v", r)
		}
		r = crmbotEnv(t, dsn, withDecay, "rescore")
		if r.code != 0 || r.stdout != "Rescored every contact (a half-life of 30 days): 1 changed score or grade.\n" {
			t.Errorf("rescore: %+v", r)
		}
		if r := crmbotEnv(t, dsn, withDecay, "exec", "score C1"); !strings.Contains(r.stdout, "+20    Form (60 days ago, ×0.25) → +5") {
			t.Errorf("score C1:\n%s", r.stdout)
		}
		if r := crmbotEnv(t, dsn, withDecay, "exec", "find fit=A engagement>=25 engagement<50"); !strings.Contains(r.stdout, "Ada Martin") {
			t.Errorf("find fit=A engagement>=25 engagement<50:\n%s", r.stdout)
		}
		db, err := store.Open(t.Context(), dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if n := storetest.Count(t, db, "SELECT COUNT(*) FROM contacts WHERE score = 45 AND fit = 'A' AND engagement = 25"); n != 1 {
			t.Errorf("%d contacts stored with score 45, fit A, engagement 25 (5 of its 20 points); want 1", n)
		}
	})
}

// TestRunRescoresOnceAfterUpgrade: contacts scored before the fit grade and
// engagement existed read D and 0; the first crmbot run rescores them all
// once, and records that it did.
func TestRunRescoresOnceAfterUpgrade(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Ada Martin" role=CEO employees=80 sector=btp budget=15000`))
	db, err := store.Open(t.Context(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := storetest.SQL(t, db).Exec(`UPDATE contacts SET fit = 'D', engagement = 0`); err != nil {
		t.Fatal(err)
	}
	if _, pending, err := db.Setting(t.Context(), store.RescorePending); err != nil || !pending {
		t.Fatalf("a new database asks for no rescore: %v %v", pending, err)
	}
	rescored := make(chan int, 1)
	startRunWith(t, func(m *Main) { m.rescored = func(n int) { rescored <- n } }, "CRMBOT_DATABASE="+dsn)
	select {
	case <-rescored:
	case <-time.After(30 * time.Second):
		t.Fatal("crmbot run did not rescore the contacts")
	}
	if n := storetest.Count(t, db, "SELECT COUNT(*) FROM contacts WHERE fit = 'A' AND engagement > 0"); n != 1 {
		t.Errorf("%d contacts with their fit grade and engagement, want 1", n)
	}
	if _, pending, err := db.Setting(t.Context(), store.RescorePending); err != nil || pending {
		t.Errorf("the rescore is still asked for: %v %v", pending, err)
	}
}
