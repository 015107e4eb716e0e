package store_test

import (
	"testing"

	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// A setting reads as set until deleted, then as absent, as does one never
// set. (That a migrated database asks for a rescore is TestRunRescoresOnce
// AfterUpgrade's, on a database migrated for it.)
func TestSettings(t *testing.T) {
	storetest.Each(t, storetest.Clock, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		// A pooled PostgreSQL database keeps its settings from test to
		// test: the one tested is put back as migration 20 leaves it.
		put := func() {
			storetest.SQL(t, db).Exec(`INSERT INTO settings (name, value) VALUES ('rescore_pending', 'test') ON CONFLICT (name) DO NOTHING`)
		}
		put()
		t.Cleanup(put)
		if v, ok, err := db.Setting(ctx, store.RescorePending); err != nil || !ok || v == "" {
			t.Fatalf("rescore pending: %q %v %v", v, ok, err)
		}
		if err := db.DeleteSetting(ctx, store.RescorePending); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := db.Setting(ctx, store.RescorePending); err != nil || ok {
			t.Errorf("still set: %v %v", ok, err)
		}
		if _, ok, err := db.Setting(ctx, "no such setting"); err != nil || ok {
			t.Errorf("an unknown setting: %v %v", ok, err)
		}
	})
}
