package main

import (
	"encoding/json"
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

// A big import into SQLite writes with a rollback journal (see the store's
// bulk transaction): crmbot import killed in the middle of one leaves the
// journal, which the next process plays back. Nothing of the import is
// kept, what was there before is, the file is whole and back in
// write-ahead-log mode.
func TestKilledImportKeepsNothing(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Jeanne Martin" email=jeanne@example.com`))
	big := filepath.Join(t.TempDir(), "big.csv")
	writeContacts(t, big, 120_000)
	for i, wait := range []time.Duration{0, 100 * time.Millisecond, 250 * time.Millisecond} {
		cmd := exec.Command(binary(t), "import", "contacts", big)
		cmd.Env = binaryEnv([]string{"CRMBOT_DATABASE=" + dsn})
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if !pollUntil(t.Context(), time.Now().Add(30*time.Second), func() bool { return exists(dsn + "-journal") }) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("kill %d: the import never wrote its rollback journal", i+1)
		}
		waitUntil(time.Now().Add(wait))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			t.Fatalf("kill %d: the import ended before it was killed: make the file bigger", i+1)
		}
		rep := mustOK(t, execJSON(t, dsn, "find limit=5"))
		var found struct{ Total int }
		if err := json.Unmarshal(rep.Data, &found); err != nil || found.Total != 1 {
			t.Fatalf("kill %d after %v: the contacts are not as before the import: %s", i+1, wait, rep.Data)
		}
	}
	db, err := store.Open(t.Context(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for q, want := range map[string]string{"PRAGMA integrity_check": "ok", "PRAGMA journal_mode": "wal"} {
		var got string
		if err := storetest.SQL(t, db).QueryRow(q).Scan(&got); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", q, got, err, want)
		}
	}
}

// writeContacts writes a contacts file of n rows to path.
func writeContacts(t *testing.T, path string, n int) {
	t.Helper()
	writeLines(t, path, "name,email,city,sector,employees", n, func(i int) string {
		return fmt.Sprintf("Contact %d,c%d@example.com,Lyon,agro,%d", i, i, i%500)
	})
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
