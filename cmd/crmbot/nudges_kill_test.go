package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// crmbot nudges killed at any moment keeps each alert it recorded with the
// message it owes, and the next process goes on from there: in the end
// every contact that turned hot has one alert and one owed message, every
// score change is examined once, and each owner one check-in.
func TestKilledNudgesAlertOnce(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	dir := t.TempDir()
	const n = 20_000
	contacts, active := filepath.Join(dir, "contacts.csv"), filepath.Join(dir, "active.csv")
	writeLines(t, contacts, "name,email,role,employees,sector,owner", n, func(i int) string {
		return fmt.Sprintf("Lead %d,l%d@example.com,CEO,60,btp,U0SALES%d", i, i, i%3)
	})
	// The binary reads the real clock: the activity is today's.
	today := time.Now().UTC().Format(time.DateOnly)
	writeLines(t, active, "contact,kind,date,note", n, func(i int) string {
		return fmt.Sprintf("l%d@example.com,request,%s,quote\nl%[1]d@example.com,form,%[2]s,site", i, today)
	})
	// With Slack configured (it is not called), the owners' DMs are owed.
	env := []string{"CRMBOT_TIMEZONE=Europe/Paris", "SLACK_BOT_TOKEN=xoxb-test"}
	for _, args := range [][]string{{"import", "contacts", contacts}, {"import", "interactions", active, "--alerts"}} {
		if res := runBinary(t, dsn, nil, env, args...); res.code != 0 {
			t.Fatalf("%v: %s", args, res.stderr)
		}
	}
	for i, wait := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond} {
		cmd := exec.Command(binary(t), "nudges", "--checkin")
		cmd.Env = binaryEnv(append([]string{"CRMBOT_DATABASE=" + dsn}, env...))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitUntil(time.Now().Add(wait))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			t.Logf("kill %d: the round ended before it was killed", i+1)
		}
		t.Logf("kill %d after %v: %d alerts recorded", i+1, wait, alertsIn(t, dsn))
	}
	res := runBinary(t, dsn, nil, env, "nudges", "--checkin")
	if res.code != 0 {
		t.Fatalf("the last round failed: %s", res.stderr)
	}
	db, err := store.Open(t.Context(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int64 { return storetest.Count(t, db, q) }
	if a, c := count("SELECT COUNT(*) FROM hot_alerts"), count("SELECT COUNT(DISTINCT contact_id) FROM hot_alerts"); a != n || c != n {
		t.Errorf("%d alerts on %d contacts, want %d on %d", a, c, n, n)
	}
	if o := count("SELECT COUNT(*) FROM outbox WHERE kind = 'hot'"); o != n {
		t.Errorf("%d alerts owed, want %d", o, n)
	}
	if u := count("SELECT COUNT(*) FROM score_changes WHERE NOT checked"); u != 0 {
		t.Errorf("%d score changes left unexamined", u)
	}
	if k, o := count("SELECT COUNT(*) FROM checkins"), count("SELECT COUNT(*) FROM outbox WHERE kind = 'checkin'"); k != 3 || o != 3 {
		t.Errorf("%d check-ins, %d owed; want 3 and 3", k, o)
	}
}

// alertsIn counts the hot-lead alerts recorded in dsn.
func alertsIn(t *testing.T, dsn string) int64 {
	db, err := store.Open(t.Context(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return storetest.Count(t, db, "SELECT COUNT(*) FROM hot_alerts")
}

// writeLines writes header and n lines made by line to path.
func writeLines(t *testing.T, path, header string, n int, line func(i int) string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, header)
	for i := range n {
		fmt.Fprintln(w, line(i))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
