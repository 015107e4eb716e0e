package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A backup taken while crmbot run works, then restored as the README says
// (stop, put the backup in place of the file, drop the old log, start),
// gives the data as it was when the backup was taken.
func TestBackupWhileRunningAndRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dsn, backup := filepath.Join(dir, "crm.db"), filepath.Join(dir, "backup.db")
	must := func(args ...string) result {
		t.Helper()
		r := runBinary(t, dsn, nil, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
		return r
	}
	must("exec", `add "Jeanne Martin" email=jeanne@martin.fr`)
	run := exec.CommandContext(t.Context(), binary(t), "run")
	run.Env = binaryEnv([]string{"CRMBOT_DATABASE=" + dsn})
	run.Dir = t.TempDir()
	listenAddr(t, run)
	if r := must("backup", backup); !strings.Contains(r.stdout, "Backed up") {
		t.Fatalf("backup: %+v", r)
	}
	must("exec", `add "Paul Durand"`) // after the backup
	run.Process.Signal(syscall.SIGTERM)
	if err := run.Wait(); err != nil {
		t.Fatalf("crmbot run: %v", err)
	}
	for _, f := range []string{dsn + "-wal", dsn + "-shm"} {
		os.Remove(f)
	}
	if err := os.Rename(backup, dsn); err != nil {
		t.Fatal(err)
	}
	if r := must("exec", "show C1"); !strings.Contains(r.stdout, "jeanne@martin.fr") {
		t.Errorf("C1 after the restore: %+v", r)
	}
	if r := runBinary(t, dsn, nil, nil, "exec", "show C2"); r.code == 0 {
		t.Errorf("C2, added after the backup, is there: %+v", r)
	}
}
