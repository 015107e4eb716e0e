package store_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// Backup writes a SQLite database whole into a new file, which opens as a
// database with the same contacts; it never overwrites a file; PostgreSQL
// is told to use pg_dump.
func TestBackup(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		create(t, db, &domain.Contact{Name: "Jeanne Martin", Email: "jeanne@martin.fr"})
		to := filepath.Join(t.TempDir(), "backup.db")
		err := db.Backup(ctx, to)
		if db.Postgres() {
			if domain.ErrorCode(err) != domain.Invalid || !strings.Contains(err.Error(), "pg_dump") {
				t.Fatalf("PostgreSQL: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		copyDB, err := store.Open(ctx, to, store.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer copyDB.Close()
		if c, err := copyDB.Contact(ctx, 1); err != nil || c.Email != "jeanne@martin.fr" {
			t.Fatalf("the backup's C1: %+v %v", c, err)
		}
		if err := db.Backup(ctx, to); domain.ErrorCode(err) != domain.Conflict || !strings.Contains(err.Error(), "exists") {
			t.Errorf("a second backup to the same file: %v", err)
		}
	})
}
