package store

import (
	"context"
	"fmt"
)

// Setting returns the value of the database's setting name, and whether
// it is set.
func (db *DB) Setting(ctx context.Context, name string) (string, bool, error) {
	var values []string
	if err := db.conn(ctx).Raw(`SELECT value FROM settings WHERE name = ?`, name).Scan(&values).Error; err != nil {
		return "", false, fmt.Errorf("read the setting %s: %w", name, err)
	}
	if len(values) == 0 {
		return "", false, nil
	}
	return values[0], true, nil
}

// DeleteSetting unsets the database's setting name.
func (db *DB) DeleteSetting(ctx context.Context, name string) error {
	if err := db.conn(ctx).Exec(`DELETE FROM settings WHERE name = ?`, name).Error; err != nil {
		return fmt.Errorf("unset the setting %s: %w", name, err)
	}
	return nil
}

// RescorePending names the setting that asks for every contact to be
// rescored once: set by the migration that added the fit grade and
// engagement, which the contacts scored before it lack.
const RescorePending = "rescore_pending"
