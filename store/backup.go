package store

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/crmbot/crmbot/domain"
)

// Backup writes the whole SQLite database, as one consistent snapshot, into
// the new file path (VACUUM INTO: other connections go on reading and
// writing meanwhile; the copy is compact and has no log). It never
// overwrites a file. On PostgreSQL it says to use pg_dump, which does the
// same with the server's own guarantees.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.postgres {
		return domain.Errorf(domain.Invalid, "crmbot backup writes SQLite files; for PostgreSQL use pg_dump, as in pg_dump -Fc 'postgres://…/crmbot' > crmbot.dump (pg_restore restores it)")
	}
	if _, err := os.Stat(path); err == nil {
		return domain.Errorf(domain.Conflict, "%s exists: give a new file name (a backup never overwrites a file)", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := db.conn(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
